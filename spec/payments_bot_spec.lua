-- spec/payments_bot_spec.lua — the bot's side of online payments, against
-- `guldasta serve` with Payme and Click configured and the provider
-- doubles calling it over HTTP: a failed attempt tells the customer, who
-- pays again or switches to cash; a paid order the customer cancels owes
-- its refund, seen by the accountant (a press of "returned" by the
-- accountant refused, changing nothing) and settled by the owner; the
-- accountant's /payments (refused for a customer) and its CSV as a document; and `guldasta payments export` from the shell.
local fx = require "support.orders"
local bot = require "support.bot"
local walk = require "support.walk"
local pay = require "support.payments"
local Payme = require "devkit.providers.payme_caller"
local pg = require "pg"
local fs = require "fs"
local proc = require "proc"
local engine = require "engine"
local config = require "config"

local T, is = walk.T, walk.is
local eventually = require("support.server").eventually

local function with_data(data)
  return function(m)
    for _, b in ipairs(bot.buttons(m)) do if b.callback_data == data then return true end end
  end
end

-- The customer cancels order id through the menu: My orders, the order,
-- Cancel, Yes.
local function cancel_via_orders(cu, id)
  cu:command("/menu")
  local m = cu:wait_message(with_data("u"), 10)
  cu:press(m, "u")
  for _, data in ipairs { "u:o:" .. id, "u:cx:" .. id, "u:cy:" .. id } do
    m = cu:wait_message(with_data(data), 10)
    cu:press(m, data)
  end
end

local function url_buttons(m)
  local list = {}
  for _, b in ipairs(bot.buttons(m)) do if b.url then list[#list + 1] = b end end
  return list
end

describe("online payments in the bot", function()
  local env, emu

  setup(function()
    env = pay.start()
    emu = env.emu
  end)
  teardown(function() if env then env.stop() end end)

  -- an order awaiting payment of a customer the emulator knows
  local function order(lang, method)
    local c = fx.customer { lang = lang }
    local cu = emu:user { id = c.tg_id, first_name = "Aziza" }
    local o = pay.order { customer = c, lang = lang, method = method, price = 50000 }
    return o, cu
  end

  it("tells the customer a failed Payme attempt, and the next attempt pays", function()
    local o, cu = order("uz", "payme")
    local t = Payme.new_id()
    assert.equal(1, env.payme:create(o.id, o.total, { id = t }).result.state)
    env.payme:cancel(t, 3)
    local m = cu:wait_message(is(T("uz", "payments.pay.failed", { id = o.id })), 10)
    local links = url_buttons(m)
    assert.equal(2, #links, "a button per provider")
    assert.equal("payme", pay.parse_link(links[1].url).provider)
    assert.truthy(bot.button(m, T("uz", "payments.pay.cash")))
    assert.same({ "pending", "pending" }, { pay.row(o.id).status, pay.row(o.id).payment_status })
    -- the news is told once: its row is marked
    assert.are_not.equal(pg.null, pay.payments(o.id)[1].news_at, "news_at")
    assert(env.payme:pay(o.id, o.total))
    cu:wait_message(is(T("uz", "flow.customer.paid", { id = o.id })), 10)
    emu:chat(emu.florists):wait_message(bot.says(T("ru", "flow.post.title", { id = o.id })), 10)
  end)

  it("lets the customer pay in cash after Click refused, and the florists get the order", function()
    local o, cu = order("ru", "click")
    local a = env.click:prepare { merchant_trans_id = o.id, amount = "500" }
    assert.equal(0, a.error)
    assert.equal(-9, env.click:complete { click_trans_id = a.click_trans_id, merchant_trans_id = o.id, amount = "500",
                                          merchant_prepare_id = a.merchant_prepare_id, error = -5017 }.error)
    local m = cu:wait_message(is(T("ru", "payments.pay.failed", { id = o.id })), 10)
    bot.press(cu, m, T("ru", "payments.pay.cash"))
    cu:wait_message(bot.says(T("ru", "payments.pay.to_cash", { id = o.id, total = "" }):sub(1, 20)), 10)
    local row = pay.row(o.id)
    assert.same({ "new", "cash", "unpaid" }, { row.status, row.payment_method, row.payment_status })
    emu:chat(emu.florists):wait_message(bot.says(T("ru", "flow.post.title", { id = o.id })), 10)
    -- a late payment is refused now: the order no longer awaits one
    assert.equal(-9, env.click:prepare { merchant_trans_id = o.id, amount = "500" }.error)
  end)

  it("refuses the switch to cash while an attempt is under way", function()
    local o, cu = order("ru", "payme")
    local t = Payme.new_id()
    env.payme:create(o.id, o.total, { id = t })
    env.payme:cancel(t, 3)
    local m = cu:wait_message(is(T("ru", "payments.pay.failed", { id = o.id })), 10)
    env.payme:create(o.id, o.total)                 -- the payer tries again on Payme's page
    bot.press(cu, m, T("ru", "payments.pay.cash"))
    cu:wait_message(is(T("ru", "payments.pay.being_paid")), 10)
    assert.same({ "pending", "payme" }, { pay.row(o.id).status, pay.row(o.id).payment_method })
  end)

  it("owes the refund of a paid order the customer cancels: the accountant sees it, the owner settles it", function()
    local o, cu = order("ru", "click")
    assert(env.click:pay(o.id, "500"))
    cu:wait_message(is(T("ru", "flow.customer.paid", { id = o.id })), 10)
    cancel_via_orders(cu, o.id)
    cu:wait_message(bot.says(T("ru", "payments.pay.refund_owed")), 10)
    local row = pay.row(o.id)
    assert.same({ "cancelled", "refund_pending" }, { row.status, row.payment_status })
    local owed = pg.query("SELECT provider, amount, settled_at FROM refunds_owed WHERE order_id = $1", o.id)[1]
    assert.same({ "click", o.total, pg.null }, { owed.provider, owed.amount, owed.settled_at })

    local acc = fx.staff("accountant")
    local au = emu:user { id = acc.tg_id, first_name = "Accountant" }
    au:command("/payments")
    local rep = au:wait_message(bot.says(T("ru", "payments.report.title", { date = os.date("%Y-%m-%d") })), 10)
    assert.truthy(bot.body(rep):find("#" .. o.id, 1, true))
    assert.truthy(bot.body(rep):find(T("ru", "payments.report.owed_title"), 1, true))
    -- the accountant changes nothing: no button, and a press of one anyway is refused
    assert.truthy(bot.body(rep):find(T("ru", "payments.report.owed_by_owner"), 1, true), bot.body(rep))
    assert.is_nil(bot.button(rep, T("ru", "payments.report.settle_button", { order = o.id })))
    local data = "s:rfd:" .. o.id
    local forged = emu:bot_message(au.chat, { text = "old", reply_markup = { inline_keyboard = {
      { { text = "go", callback_data = data } } } } })
    assert.equal(T("ru", "staff.refused"), au:wait_answer(au:press(forged, data), 10).text)
    au:wait_message(bot.says(T("ru", "staff.refused")), 10)
    owed = pg.query("SELECT settled_at, settled_by FROM refunds_owed WHERE order_id = $1", o.id)[1]
    assert.same({ pg.null, pg.null }, { owed.settled_at, owed.settled_by })
    assert.equal("refund_pending", pay.row(o.id).payment_status)

    local owner = emu:user { id = 1, first_name = "Owner" }
    owner:command("/payments")
    rep = owner:wait_message(bot.says(T("ru", "payments.report.title", { date = os.date("%Y-%m-%d") })), 10)
    assert.falsy(bot.body(rep):find(T("ru", "payments.report.owed_by_owner"), 1, true))
    local q = bot.press(owner, rep, T("ru", "payments.report.settle_button", { order = o.id }))
    assert.equal(T("ru", "payments.report.settled", { order = o.id }), owner:wait_answer(q, 10).text)
    assert.equal("refunded", pay.row(o.id).payment_status)
  end)

  it("settles the owed refund when Payme returns the money (cancel after perform)", function()
    local o, cu = order("ru", "payme")
    local paid = assert(env.payme:pay(o.id, o.total))
    cu:wait_message(is(T("ru", "flow.customer.paid", { id = o.id })), 10)
    cancel_via_orders(cu, o.id)
    eventually(function() return pay.row(o.id).status == "cancelled" end, 10, "the cancellation")
    assert.equal(-2, env.payme:refund(paid.id).result.state)
    local owed = pg.query("SELECT settled_at FROM refunds_owed WHERE order_id = $1", o.id)[1]
    assert.are_not.equal(pg.null, owed.settled_at)
    assert.equal("refunded", pay.row(o.id).payment_status)
  end)

  it("shows the owner the day with its mismatches and failure rate, refuses a customer, sends the CSV", function()
    local o = pay.order { price = 50000 }
    assert(env.payme:pay(o.id, o.total))
    local stuck = pay.order { price = 50000 }
    local t = Payme.new_id()
    env.payme:create(stuck.id, stuck.total, { id = t })
    assert(pg.query("UPDATE payments SET create_ms = create_ms - 7200000 WHERE provider_tx_id = $1", t))

    local customer = fx.customer { lang = "ru" }
    local cu = emu:user { id = customer.tg_id }
    cu:command("/payments")
    local refused = cu:wait_message(bot.says(T("ru", "role.accountant")), 10)
    assert.falsy(bot.body(refused):find("#" .. o.id, 1, true))

    local owner = emu:user { id = 1, first_name = "Owner" }
    local today = os.date("%Y-%m-%d")
    owner:command("/payments " .. today)
    local rep = owner:wait_message(bot.says(T("ru", "payments.report.title", { date = today })), 10)
    local body = bot.body(rep)
    assert.truthy(body:find(T("ru", "payments.report.mismatch.stuck", { order = stuck.id, provider = "Payme" }), 1, true), body)
    assert.truthy(body:find("📉", 1, true), "the failure-rate line")
    owner:command("/payments 2026-13-40")
    owner:wait_message(is(T("ru", "payments.report.bad_date")), 10)

    -- the day's CSV, as a document
    bot.press(owner, rep, T("ru", "payments.report.csv_button", { date = today }))
    local doc = owner:wait_message(function(m) return m.document ~= nil end, 10)
    assert.equal(("payments_%s_%s.csv"):format(today, today), doc.document.file_name)
    local data = emu.files[doc.document.file_id].data
    assert.equal("\239\187\191type;time;order_id;", data:sub(1, 22))
    assert.truthy(data:find("\r\npayment;[^\r]*;" .. o.id .. ";payme;", 1, false))
  end)

  it("exports a period from the command line: BOM, ';', the header, one line per payment and refund", function()
    local a = pay.order { price = 50000, method = "click" }
    assert(env.click:pay(a.id, "500"))
    local b = pay.order { price = 70000, method = "click" }
    assert(env.click:pay(b.id, "700"))
    -- b's payment happened on the 2nd of March, 2025; a refund is owed for it
    assert(pg.query([[UPDATE payments SET create_time = '2025-03-02 10:00+05', perform_time = '2025-03-02 10:05+05'
                       WHERE order_id = $1]], b.id))
    assert(pg.query([[INSERT INTO refunds_owed (order_id, provider, amount, reason, created_at)
                      VALUES ($1, 'click', 70000, 'Клиент; передумал', '2025-03-03 09:00+05')]], b.id))
    local file = os.tmpname()
    local res = proc.run({ engine.executable(), "payments", "export", "--from", "2025-03-01", "--to", "2025-03-03", file },
      { env = { GULDASTA_ROOT = config.root, DATABASE_URL = os.getenv("DATABASE_URL"), LOG_LEVEL = "warn" } })
    assert.equal(0, res.code, res.stderr)
    local csv = assert(fs.read(file))
    os.remove(file)
    local lines, mine = {}, {}
    for l in csv:gmatch("([^\r\n]*)\r\n") do
      lines[#lines + 1] = l
      if l:find(";" .. b.id .. ";", 1, true) then mine[#mine + 1] = l end
    end
    assert.equal("\239\187\191type;time;order_id;provider;transaction;state;amount_som;order_total_som;reason;settled_at",
      lines[1])
    for i = 2, #lines do
      assert.truthy(lines[i]:match("^%a[%a_]*;2025%-03%-0[123] "), "only the period: " .. lines[i])
    end
    assert.equal(2, #mine, csv)
    assert.truthy(mine[1]:match("^payment;2025%-03%-02 10:05:00;" .. b.id .. ";click;%d+;performed;700,00;700,00;;$"), mine[1])
    assert.equal("refund_owed;2025-03-03 09:00:00;" .. b.id .. ";click;;owed;700,00;700,00;\"Клиент; передумал\";",
      mine[2])
    assert.falsy(csv:find(";" .. a.id .. ";", 1, true), "a payment of another day is not in the period")
    -- bad arguments: a clear line, exit 1, nothing written
    res = proc.run({ engine.executable(), "payments", "export", "--from", "2025-03-05", "--to", "2025-03-01" },
      { env = { GULDASTA_ROOT = config.root, DATABASE_URL = os.getenv("DATABASE_URL"), LOG_LEVEL = "warn" } })
    assert.equal(1, res.code)
    assert.truthy(res.stderr:find("after --to", 1, true), res.stderr)
  end)
end)
