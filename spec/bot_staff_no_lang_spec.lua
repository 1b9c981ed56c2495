-- spec/bot_staff_no_lang_spec.lua — staff who never chose a language (a
-- florist and a courier granted their roles before they ever wrote to the
-- bot, as `make demo` and a real shop's first day do) get their work
-- through: the bouquet photo the florist was asked for is taken, the
-- courier's "Delivered, with a photo" is not turned into the language
-- question. They are spoken to in Telegram's language_code (Uzbek for
-- "uz"), or Russian without one, and no language is stored for them.
local fx = require "support.orders"
local bot = require "support.bot"
local i18n = require "i18n"
local flow = require "shop.order_flow"
local eventually = require("support.server").eventually

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end
local says = bot.says
local function is(text) return function(m) return bot.body(m) == text end end

describe("staff without a chosen language", function()
  local b, emu

  setup(function()
    b = fx.bot { owner = fx.tg_id() }
    emu = b.emu
  end)
  teardown(function() if b then b.stop() end end)

  local function current(chat_id, m) return emu.chats[chat_id].by_id[m.message_id] end

  -- The florists' post once it offers the button `key`.
  local function offering(post, key)
    return eventually(function()
      local cur = current(emu.florists, post)
      return bot.button(cur, T("ru", key)) and cur
    end, 10, "the post to offer " .. key)
  end

  it("takes the florist's photo and the courier's delivery photo, in the guessed language", function()
    local ftg, ktg = fx.tg_id(), fx.tg_id()
    fx.staff("florist", { tg_id = ftg, lang = false, name = "Malika" })
    fx.staff("courier", { tg_id = ktg, lang = false, name = "Jasur" })
    local fu = emu:user { id = ftg, first_name = "Malika", language_code = "uz" }
    local ku = emu:user { id = ktg, first_name = "Jasur" }          -- no language_code: Russian
    local c = fx.customer { lang = "ru", name = "Aziza" }
    local rose = fx.product { on_hand = 10 }
    local id = fx.order { customer = c, lang = "ru", items = { { rose, 3 } } }
    assert(flow.placed(id))
    local post = emu.chats[emu.florists].messages[#emu.chats[emu.florists].messages]

    local q = fu:press(post, "s:acc:" .. id)
    assert.equal(T("uz", "flow.done.accepted", { id = id }), fu:wait_answer(q, 10).text)
    post = offering(post, "flow.button.assembling")
    q = fu:press(post, "s:asm:" .. id)
    fu:wait_answer(q, 10)
    post = offering(post, "flow.button.ready")
    q = fu:press(post, "s:rdy:" .. id)
    fu:wait_answer(q, 10)
    fu:wait_message(is(T("uz", "flow.ask_photo", { id = id })), 10)
    fu:send_photo()
    fu:wait_message(is(T("uz", "flow.photo_saved", { id = id })), 10)
    assert.equal("ready", fx.row(id).status)

    local gpost = emu:chat(emu.couriers):wait_message(says(T("ru", "flow.courier.title", { id = id })), 10)
    q = ku:press(gpost, "s:take:" .. id)
    assert.equal(T("ru", "flow.done.delivering", { id = id }), ku:wait_answer(q, 10).text)
    local route = ku:wait_message(says(T("ru", "flow.route.title", { id = id })), 10)
    q = ku:press(route, "s:dlvp:" .. id)
    ku:wait_answer(q, 10)
    ku:wait_message(is(T("ru", "flow.ask_pod", { id = id })), 10)
    -- the route card is still the route card, not the language question
    assert.truthy(bot.body(current(ku.id, route)):find(T("ru", "flow.route.title", { id = id }), 1, true))
    ku:send_photo()
    eventually(function() return fx.row(id).status == "delivered" end, 10, "the order to be delivered")

    local langs = require("pg").query("SELECT lang FROM users WHERE tg_id = ANY($1::bigint[]) AND lang IS NOT NULL",
      "{" .. ftg .. "," .. ktg .. "}")
    assert.equal(0, #langs, "no language is chosen for them")
  end)

  it("still asks a customer without a language before a plain text is searched", function()
    local u = emu:user { id = fx.tg_id(), first_name = "New", language_code = "uz" }
    u:send("atirgul")
    u:wait_message(says(T("ru", "lang.ask")), 10)
  end)
end)
