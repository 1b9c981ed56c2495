-- spec/bot_staff_orders_spec.lua — an order's life through the whole bot
-- (guldasta serve + the Bot API emulator): placed → the florists' post →
-- accept → assembling → ready with the bouquet photo sent in the florist's
-- private chat → the customer gets the photo (and may comment) → the
-- couriers' post → take → the route card → delivered; the customer told
-- at every step in their language. Then the customer's "📦 My orders" with
-- a cancellation, and an owner's /cancel_order with a reason.
--
-- Orders are made with SQL (spec/support/orders.lua), as checkout leaves
-- them, and posted with flow.placed from this process to the same
-- emulator the bot talks to.
local fx = require "support.orders"
local bot = require "support.bot"
local i18n = require "i18n"
local flow = require "shop.order_flow"
local eventually = require("support.server").eventually

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end
local says = bot.says
local function is(text) return function(m) return bot.body(m) == text end end

describe("staff orders through the bot", function()
  local b, emu, owner_id

  setup(function()
    owner_id = fx.tg_id()
    b = fx.bot { owner = owner_id }
    emu = b.emu
  end)
  teardown(function() if b then b.stop() end end)

  local function person(role, lang, name)
    local tg = fx.tg_id()
    local user = fx.staff(role, { tg_id = tg, lang = lang, name = name })
    return user, emu:user { id = tg, first_name = name }
  end

  local function customer(lang, name)
    local c = fx.customer { lang = lang, name = name }
    return c, emu:user { id = c.tg_id, first_name = name }
  end

  local function current(chat_id, m) return emu.chats[chat_id].by_id[m.message_id] end

  for _, lang in ipairs { "ru", "uz" } do
    it("goes from the florists' post to delivered, telling the customer (" .. lang .. ")", function()
      local anonymous = lang == "uz"
      local florist, fu = person("florist", lang, "Dilnoza " .. lang)
      local courier, ku = person("courier", lang, "Jasur " .. lang)
      local c, cu = customer(lang, "Aziza " .. lang)
      local rose = fx.product { on_hand = 30, name = "Spec rose " .. lang }
      local card = "Onajonim, tugʻilgan kuningiz bilan! «7» ;)"
      local id = fx.order { customer = c, lang = lang, items = { { rose, 5 } }, card_text = card,
                            anonymous = anonymous, surprise = true, landmark = "near the blue mosque",
                            lat = 39.7747, lon = 64.4286, recipient_phone = "+998907654321" }
      assert(flow.placed(id))
      local ch = emu.chats[emu.florists]
      local post = ch.messages[#ch.messages]
      local staff = "ru"   -- rules.orders.STAFF_LANG
      assert.truthy(post.text:find(T(staff, "flow.post.title", { id = id }), 1, true))
      assert.truthy(post.text:find(card, 1, true))
      assert.falsy(post.text:find("+998907654321", 1, true))

      -- accept
      local q = fu:press(post, "s:acc:" .. id)
      assert.equal(T(lang, "flow.done.accepted", { id = id }), fu:wait_answer(q, 10).text)
      cu:wait_message(is(T(lang, "flow.customer.accepted", { id = id })), 10)
      post = eventually(function()
        local cur = current(emu.florists, post)
        return cur.text:find(T(staff, "flow.post.state.accepted", { name = florist.name }), 1, true) and cur
      end, 10, "the florists' post to name the florist")

      -- assembling
      q = fu:press(post, "s:asm:" .. id)
      assert.equal(T(lang, "flow.done.assembling", { id = id }), fu:wait_answer(q, 10).text)
      cu:wait_message(is(T(lang, "flow.customer.assembling", { id = id })), 10)

      -- ready: the photo is asked for in the florist's private chat
      post = current(emu.florists, post)
      q = fu:press(post, "s:rdy:" .. id)
      assert.equal(T(lang, "flow.ask_photo_toast"), fu:wait_answer(q, 10).text)
      fu:wait_message(is(T(lang, "flow.ask_photo", { id = id })), 10)
      assert.equal("assembling", fx.row(id).status)
      fu:send("here it comes")
      fu:wait_message(is(T(lang, "flow.photo_waiting", { id = id })), 10)
      local photo = fu:send_photo()
      fu:wait_message(is(T(lang, "flow.photo_saved", { id = id })), 10)
      local file = photo.photo[#photo.photo].file_id
      assert.equal(file, fx.row(id).bouquet_photo)

      -- the customer sees the bouquet, and comments on it
      local pic = cu:wait_message(function(m) return m.photo ~= nil end, 10)
      assert.equal(file, pic.photo[1].file_id)
      assert.equal(T(lang, "flow.customer.ready", { id = id }), pic.caption)
      bot.press(cu, pic, T(lang, "flow.button.comment"))
      cu:wait_message(is(T(lang, "orders.comment_prompt", { id = id })), 10)
      emu.chats[emu.florists].mark = emu.seq
      cu:send("Please add more green")
      cu:wait_message(is(T(lang, "orders.comment_sent")), 10)
      fu:wait_message(is(T(lang, "flow.comment_forward", { id = id, text = "Please add more green" })), 10)
      b.emu:chat(emu.florists):wait_message(
        is(T(staff, "flow.comment_forward", { id = id, text = "Please add more green" })), 10)

      -- the couriers' post; the first courier takes it
      local group = b.emu:chat(emu.couriers)
      local gpost = group:wait_message(says(T(staff, "flow.courier.title", { id = id })), 10)
      assert.falsy(gpost.text:find("+998907654321", 1, true), "no phone before someone takes it")
      q = ku:press(gpost, "s:take:" .. id)
      assert.equal(T(lang, "flow.done.delivering", { id = id }), ku:wait_answer(q, 10).text)
      local route = ku:wait_message(says(T(lang, "flow.route.title", { id = id })), 10)
      local text = route.text
      assert.truthy(text:find("+998907654321", 1, true))
      assert.truthy(text:find("near the blue mosque", 1, true))
      assert.truthy(text:find("maps.google.com/?q=39.774700,64.428600", 1, true))
      assert.truthy(text:find(T(lang, "flow.route.surprise"), 1, true))
      if anonymous then
        assert.truthy(text:find(T(lang, "flow.route.anonymous"), 1, true))
        assert.falsy(text:find(c.name, 1, true), "an anonymous sender is never named")
      else
        assert.truthy(text:find(T(lang, "flow.route.sender", { name = c.name }), 1, true))
      end
      cu:wait_message(is(T(lang, "flow.customer.delivering", { id = id,
        slot = T(lang, "flow.slot", { date = "08.03.2030", from = "09:00", to = "12:00" }) })), 10)
      -- posts are edited after the commit, beside the customer's notice: wait for them
      eventually(function()
        return current(emu.couriers, gpost).text:find(T(staff, "flow.courier.taken", { name = courier.name }), 1, true)
      end, 10, "the couriers' post to name the courier")

      -- delivered, from the route card
      q = ku:press(route, "s:dlv:" .. id)
      assert.equal(T(lang, "flow.done.delivered", { id = id }), ku:wait_answer(q, 10).text)
      cu:wait_message(is(T(lang, "flow.customer.delivered", { id = id })), 10)
      eventually(function() return current(ku.id, route).reply_markup == nil end, 10,
        "the route card to lose its buttons")
      eventually(function()
        return current(emu.florists, post).text:find(T(staff, "flow.post.state.delivered"), 1, true)
      end, 10, "the florists' post to say delivered")
      assert.equal("delivered", fx.row(id).status)
      assert.equal(25, fx.on_hand(rose))
      assert.equal(6, #fx.events(id))
    end)
  end

  it("lets the customer see their orders and cancel one before a florist takes it", function()
    local c, cu = customer("uz", "Nodira")
    local rose = fx.product { on_hand = 9 }
    local first = fx.order { customer = c, lang = "uz", items = { { rose, 1 } } }
    local id = fx.order { customer = c, lang = "uz", items = { { rose, 2 } }, card_text = "Salom!" }
    cu:command("/menu")
    local m = cu:wait_message(says(T("uz", "menu.title")), 10)
    bot.press(cu, m, T("uz", "menu.orders"))
    m = cu:wait_message(says(T("uz", "orders.title")), 10)
    assert.truthy(bot.button(m, "#" .. first .. " "))
    bot.press(cu, m, "#" .. id .. " ")
    m = cu:wait_message(says(T("uz", "orders.detail.title", { id = id, status = T("uz", "flow.status.new") })), 10)
    assert.truthy(bot.body(m):find("Salom!", 1, true))
    bot.press(cu, m, T("uz", "orders.cancel"))
    m = cu:wait_message(says(T("uz", "orders.cancel_confirm", { id = id })), 10)
    bot.press(cu, m, T("uz", "orders.cancel_yes"))
    m = cu:wait_message(says(T("uz", "orders.cancelled", { id = id })), 10)
    assert.is_nil(bot.button(m, T("uz", "orders.cancel")))
    assert.equal("cancelled", fx.row(id).status)
    assert.equal("new", fx.row(first).status)
  end)

  it("lets an owner cancel an accepted order with a reason, returning the stock", function()
    local florist = fx.staff("florist", { name = "Lola" })
    local c, cu = customer("ru", "Kamola")
    local rose = fx.product { on_hand = 10 }
    local id = fx.order { customer = c, lang = "ru", items = { { rose, 4 } } }
    assert(flow.accept(id, florist))
    assert.equal(6, fx.on_hand(rose))
    local owner = emu:user { id = owner_id, first_name = "Owner" }
    fx.customer { tg_id = owner_id, lang = "ru" }
    owner:command("/cancel_order", tostring(id))
    owner:wait_message(says(T("ru", "flow.refused.reason_needed", { min = 3, max = 300 })), 10)
    owner:command("/cancel_order", id .. " Flowers wilted in the heat")
    owner:wait_message(says(T("ru", "flow.cancelled", { id = id })), 10)
    cu:wait_message(is(T("ru", "flow.customer.cancelled", { id = id, reason = "Flowers wilted in the heat" })), 10)
    assert.equal(10, fx.on_hand(rose))
    local ret = fx.log(id)
    assert.equal("return", ret[#ret].reason)
    assert.equal(4, ret[#ret].delta)
    -- a customer cannot
    local x = select(2, customer("ru", "Xurshid"))
    x:command("/cancel_order", id .. " because")
    x:wait_message(says(T("ru", "roles.needs", { roles = T("ru", "role.manager") })), 10)
  end)

  it("lets a manager cancel from the florists' post, asking the reason privately", function()
    local manager, mu = person("manager", "uz", "Menejer")
    local _, fu = person("florist", "ru", "Sabina")
    local c, cu = customer("ru", "Zarina")
    local rose = fx.product { on_hand = 10 }
    local id = fx.order { customer = c, lang = "ru", items = { { rose, 1 } } }
    assert(flow.placed(id))
    local ch = emu.chats[emu.florists]
    local post = ch.messages[#ch.messages]
    local q = fu:press(post, "s:cxl:" .. id)
    assert.equal(T("ru", "staff.refused"), fu:wait_answer(q, 10).text)
    q = mu:press(post, "s:cxl:" .. id)
    assert.equal(T("uz", "flow.ask_reason_toast"), mu:wait_answer(q, 10).text)
    mu:wait_message(is(T("uz", "flow.ask_reason", { id = id })), 10)
    mu:send("x")
    mu:wait_message(is(T("uz", "flow.refused.reason_needed", { min = 3, max = 300 })), 10)
    mu:send("Out of peonies")
    mu:wait_message(is(T("uz", "flow.cancelled", { id = id })), 10)
    cu:wait_message(is(T("ru", "flow.customer.cancelled", { id = id, reason = "Out of peonies" })), 10)
    local cur = eventually(function()
      local c = current(emu.florists, post)
      return c.text:find(T("ru", "flow.post.state.cancelled", { reason = "Out of peonies" }), 1, true) and c
    end, 10, "the florists' post to say cancelled")
    assert.is_nil(cur.reply_markup)
    assert.equal(manager.id, fx.events(id)[2].actor)
  end)
end)
