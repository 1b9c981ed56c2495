-- spec/bot_inventory_spec.lua — stock work through the whole bot
-- (guldasta serve + the Bot API emulator): a florist receives a delivery
-- and books a loss with the guided flows, a manager's large count goes to
-- the owner's chat with [Approve] [Reject], the owner decides, the
-- proposer cannot decide their own, and refusals come with the numbers.
local pg = require "pg"
local fx = require "support.orders"
local bot = require "support.bot"
local i18n = require "i18n"
local rules = require "rules"
local stock = require "shop.stock"
local eventually = require("support.server").eventually

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end
local says = bot.says

local function last_log(pid)
  local r = assert(pg.query("SELECT * FROM inventory_log WHERE product_id = $1 ORDER BY id DESC LIMIT 1", pid))[1]
  if not r then return nil end
  for k, v in pairs(r) do if v == pg.null then r[k] = nil end end
  return r
end

local function code_of(pid) return assert(pg.query("SELECT code FROM products WHERE id = $1", pid))[1].code end

describe("stock work in the bot", function()
  local b, emu, owner_id, ou

  setup(function()
    b, emu, owner_id, ou = fx.owner_bot()
  end)
  teardown(function() if b then b.stop() end end)

  local function person(role, lang, name)
    local tg = fx.tg_id()
    local user = fx.staff(role, { tg_id = tg, lang = lang, name = name })
    return user, emu:user { id = tg, first_name = name }
  end

  it("takes a florist's delivery step by step, with the invoice photo (uz)", function()
    local florist, u = person("florist", "uz", "Malika")
    local rose = fx.product { on_hand = 5 }
    local code = code_of(rose)
    u:command("/incoming")
    u:wait_message(says(T("uz", "stock.ask.item.incoming")), 10)
    u:send(code)
    u:wait_message(says("Nechta dona?"), 10)
    u:send("12")
    u:wait_message(says("xarid narxi"), 10)
    u:send("8 000")
    u:wait_message(says("yetkazib beruvchidan"), 10)
    u:send("Gulzor")
    u:wait_message(says("Yuk xatining"), 10)
    local photo = u:send_photo()
    local done = u:wait_message(says("Kirim yozildi"), 10)
    assert.truthy(bot.body(done):find("Endi omborda: 17", 1, true))
    assert.equal(17, fx.on_hand(rose))
    local row = last_log(rose)
    assert.same({ 12, "incoming", florist.id, 800000, "Gulzor", photo.photo[1].file_id },
      { row.delta, row.reason, row.actor_id, row.unit_cost, row.supplier, row.invoice_file_id })
  end)

  it("books a florist's loss picked from a search, 'other' with a note; a florist may not correct", function()
    local florist, u = person("florist", "ru", "Dilnoza")
    local word = "Lossword" .. fx.tg_id()
    local a = fx.product { on_hand = 9, name = word .. " red" }
    fx.product { on_hand = 9, name = word .. " white" }
    u:command("/loss", word)
    local m = u:wait_message(says(T("ru", "stock.pick")), 10)
    bot.press(u, m, word .. " red")
    m = u:wait_message(says("Сколько штук?"), 10)
    u:send("3")
    m = u:wait_message(says("Причина списания"), 10)
    bot.press(u, m, T("ru", "stock.kind.other"))
    u:wait_message(says("что случилось"), 10)
    u:send("упали с полки")
    u:wait_message(says("Списано"), 10)
    assert.equal(6, fx.on_hand(a))
    local row = last_log(a)
    assert.same({ -3, "loss", "other", "упали с полки", florist.id },
      { row.delta, row.reason, row.loss_kind, row.note, row.actor_id })
    u:command("/correct")
    u:wait_message(says(T("ru", "roles.needs", { roles = T("ru", "role.manager") })), 10)
  end)

  it("refuses a loss below what is reserved, with the numbers", function()
    local _, u = person("florist", "ru", "Zarina")
    local rose = fx.product { on_hand = 10 }
    local holder = "u:spec-bot-inv-" .. rose
    assert(stock.reserve(holder, { [rose] = 8 }, 120))
    u:command("/loss", code_of(rose))
    u:wait_message(says("Сколько штук?"), 10)
    u:send("4")
    local m = u:wait_message(says("Причина списания"), 10)
    bot.press(u, m, T("ru", "stock.kind.wilted"))
    m = u:wait_message(says("Нельзя"), 10)
    assert.truthy(bot.body(m):find("на складе 10, из них 8", 1, true))
    assert.truthy(bot.body(m):find("Свободно 2, а нужно 4", 1, true))
    assert.equal(10, fx.on_hand(rose))
    assert.is_nil(last_log(rose))
    stock.release(holder)
  end)

  it("sends a manager's large count to the owner, who approves it", function()
    local _, u = person("manager", "ru", "Anvar")
    local rose = fx.product { on_hand = 10 }
    local counted = 10 + rules.inventory.CORRECTION_MAX_UNITS + 10
    u:command("/correct", code_of(rose))
    u:wait_message(says("насчитали"), 10)
    u:send(tostring(counted))
    local m = u:wait_message(says("Коротко"), 10)
    u:send("нашли ведро в холодильнике")
    u:wait_message(says("отправлена владельцу"), 10)
    assert.equal(10, fx.on_hand(rose))
    local c = assert(pg.query("SELECT id, state FROM stock_corrections WHERE product_id = $1", rose))[1]
    assert.equal("proposed", c.state)
    local proposal = ou:wait_message(function(x) return x.reply_markup and bot.body(x):find("№" .. c.id, 1, true) end, 10)
    assert.truthy(bot.body(proposal):find("нашли ведро", 1, true))
    -- the manager pressing it is refused, and nothing changes
    m = proposal
    local q = u:press(m, "s:ca:" .. c.id)
    assert.equal(T("ru", "staff.refused"), u:wait_answer(q, 10).text)
    assert.equal(10, fx.on_hand(rose))
    -- the owner approves
    q = ou:press(proposal, "s:ca:" .. c.id)
    ou:wait_answer(q, 10)
    eventually(function() return fx.on_hand(rose) == counted end, 10, "the approved correction to change stock")
    local row = last_log(rose)
    assert.same({ counted - 10, "correction", c.id }, { row.delta, row.reason, row.correction_id })
    u:wait_message(says(T("ru", "stock.decided.approved", { id = c.id, name = "Spec", delta = counted - 10 }):sub(1, 20)), 10)
  end)

  it("does not let the owner decide their own large correction", function()
    local rose = fx.product { on_hand = 100 }
    ou:command("/correct", code_of(rose))
    ou:wait_message(says("насчитали"), 10)
    ou:send("20")
    local m = ou:wait_message(says("Коротко"), 10)
    bot.press(ou, m, T("ru", "stock.button.skip"))
    ou:wait_message(says("отправлена владельцу"), 10)
    local c = assert(pg.query("SELECT id FROM stock_corrections WHERE product_id = $1", rose))[1]
    local proposal = ou:wait_message(function(x) return x.reply_markup and bot.body(x):find("№" .. c.id, 1, true) end, 10)
    local q = ou:press(proposal, "s:ca:" .. c.id)
    assert.equal(T("ru", "stock.refused.own_correction"), ou:wait_answer(q, 10).text)
    assert.equal(100, fx.on_hand(rose))
    assert.equal("proposed", assert(pg.query("SELECT state FROM stock_corrections WHERE id = $1", c.id))[1].state)
  end)
end)
