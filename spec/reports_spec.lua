-- spec/reports_spec.lua — the owner's figures against a fixture of orders
-- on a day of their own (a random day long ago, so no other spec's orders
-- are in it): orders, revenue, average check, top products, losses by
-- kind, items under threshold, the time to acceptance and the share of
-- sales written off without a later correction, exact; the daily summary
-- sent once however often the timer runs; /report through the whole bot
-- for the owner, with a revenue chart for a range (and without one, the
-- text still sent, when the chart program fails), refused for a florist.
local pg = require "pg"
local crypto = require "crypto"
local config = require "config"
local i18n = require "i18n"
local fx = require "support.orders"
local reports = require "shop.reports"
local daily = require "shop.reports.daily"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end

local function q(sql, ...)
  return assert(pg.query(sql, ...))
end

-- A random day in 2001..2019 (shop time), and the day before it.
local function fixture_day()
  local r = string.unpack("<I4", crypto.random_bytes(4))
  local t = os.time { year = 2001 + r % 19, month = 1 + (r // 19) % 12, day = 2 + (r // 228) % 26, hour = 12 }
  return os.date("%Y-%m-%d", t), os.date("%Y-%m-%d", t - 86400), t
end

-- "YYYY-MM-DD HH:MM" shop time as a timestamptz literal.
local function at(day, hhmm) return ("%s %s:00 %s"):format(day, hhmm, config.shop_tz) end

-- Moves order id to `placed` and books its events { {status, "HH:MM"}, ... }.
local function when(id, day, placed, events)
  q("UPDATE orders SET created_at = ($2::timestamp AT TIME ZONE $3) WHERE id = $1", id, day .. " " .. placed, config.shop_tz)
  q("UPDATE order_events SET at = ($2::timestamp AT TIME ZONE $3) WHERE order_id = $1", id, day .. " " .. placed, config.shop_tz)
  for _, e in ipairs(events or {}) do
    q([[INSERT INTO order_events (order_id, from_status, to_status, at, noticed_at)
        VALUES ($1, NULL, $2, ($3::timestamp AT TIME ZONE $4), now())]], id, e[1], day .. " " .. e[2], config.shop_tz)
  end
end

local function log(pid, delta, reason, day, hhmm, kind)
  q([[INSERT INTO inventory_log (product_id, delta, reason, loss_kind, created_at)
      VALUES ($1, $2, $3, $4, ($5::timestamp AT TIME ZONE $6))]], pid, delta, reason, kind, day .. " " .. hhmm, config.shop_tz)
end

describe("reports", function()
  local D, D0, noon, rose, tulip, o2

  setup(function()
    D, D0, noon = fixture_day()
    rose = fx.product { price = 1000000, on_hand = 2 }
    tulip = fx.product { price = 500000, on_hand = 10 }
    q("UPDATE stock SET threshold = 5 WHERE product_id = $1", rose)
    q("UPDATE stock SET threshold = 3 WHERE product_id = $1", tulip)
    local c = fx.customer {}
    local o1 = fx.order { customer = c, status = "delivered", items = { { rose, 3, 1000000 } } }
    when(o1, D, "10:00", { { "accepted", "10:06" } })
    o2 = fx.order { customer = c, status = "accepted", items = { { tulip, 2, 500000 }, { rose, 1, 1000000 } } }
    when(o2, D, "11:00", { { "accepted", "11:20" } })
    local o3 = fx.order { customer = c, status = "accepted", payment_method = "payme", items = { { tulip, 1, 500000 } } }
    when(o3, D, "12:00", { { "pending", "12:00" }, { "paid", "12:30" }, { "accepted", "12:34" } })
    local o4 = fx.order { customer = c, status = "cancelled", items = { { rose, 5, 1000000 } } }
    when(o4, D, "13:00")
    local o5 = fx.order { customer = c, status = "pending", payment_method = "click", items = { { tulip, 4, 500000 } } }
    when(o5, D, "14:00")
    local o6 = fx.order { customer = c, status = "delivered", items = { { rose, 2, 1000000 } } }
    when(o6, D0, "23:30")
    local o7 = fx.order { customer = c, status = "new", items = { { rose, 1, 1000000 } } }
    when(o7, D, "23:50")
    -- sales at acceptance; a count of tulips at 12:00 corrects the 11:20 sale only
    log(rose, -3, "sale", D, "10:06")
    log(tulip, -2, "sale", D, "11:20")
    log(rose, -1, "sale", D, "11:20")
    log(tulip, 1, "correction", D, "12:00")
    log(tulip, -1, "sale", D, "12:34")
    -- losses of the day, and one of the day before that is not in it
    log(rose, -2, "loss", D, "09:00", "wilted")
    log(tulip, -1, "loss", D, "15:00", "broken")
    log(tulip, -1, "loss", D, "18:00", "wilted")
    log(tulip, -4, "loss", D0, "18:00", "unsold")
  end)

  it("gives a day's figures exactly", function()
    local f = reports.figures(D, D)
    assert.same({ orders = 4, revenue = 6500000, average = 1625000, delivered = 1 }, f.totals)
    assert.equal(2, #f.top)
    assert.same({ rose, 5, 5000000 }, { f.top[1].id, f.top[1].units, f.top[1].revenue })
    assert.same({ tulip, 3, 1500000 }, { f.top[2].id, f.top[2].units, f.top[2].revenue })
    assert.same({ { kind = "wilted", units = 3, value = 2500000, entries = 2 },
                  { kind = "broken", units = 1, value = 500000, entries = 1 } }, f.losses)
    assert.same({ accepted = 3, median = 360, worst = 1200, worst_order = o2 }, f.accept)
    assert.same({ sales = 4, corrected = 1, clean = 3, percent = 75.0, target = 98, within = false }, f.clean)
    local low = {}
    for _, r in ipairs(f.low) do low[r.id] = { r.on_hand, r.threshold } end
    assert.same({ 2, 5 }, low[rose])
    assert.is_nil(low[tulip])
  end)

  it("gives a range's figures and its revenue by day", function()
    local f = reports.figures(D0, D)
    assert.same({ orders = 5, revenue = 8500000, average = 1700000, delivered = 2 }, f.totals)
    assert.same({ { day = D0, orders = 1, revenue = 2000000 }, { day = D, orders = 4, revenue = 6500000 } }, f.by_day)
    assert.same({ "unsold", "wilted", "broken" }, { f.losses[1].kind, f.losses[2].kind, f.losses[3].kind })
    assert.same({ kind = "unsold", units = 4, value = 2000000, entries = 1 }, f.losses[1])
    assert.equal(2, f.days)
  end)

  it("puts the day's figures on /metrics", function()
    local f = assert(require("shop.reports.metrics").publish(noon))
    assert.equal(4, f.totals.orders)
    local text = require("engine").metrics()
    assert.truthy(text:find("guldasta_report_orders_today 4", 1, true), text)
    assert.truthy(text:find("guldasta_report_revenue_today_tiyin 6500000", 1, true))
    assert.truthy(text:find("guldasta_report_accept_median_seconds 360", 1, true))
    assert.truthy(text:find("guldasta_report_clean_sales_percent 75", 1, true))
    assert.truthy(text:find('guldasta_report_losses_units{kind="wilted"} 3', 1, true))
  end)

  it("refuses a bad range", function()
    assert.same({ nil, "bad" }, { reports.check("2026-02-30", "2026-03-01") })
    assert.same({ nil, "order" }, { reports.check("2026-03-02", "2026-03-01") })
    assert.same({ nil, "long" }, { reports.check("2020-01-01", "2026-03-01") })
    assert.same({ "2026-03-01", "2026-03-02" }, { reports.check("2026-03-01", "2026-03-02") })
  end)

  describe("the daily summary", function()
    local emu, owner, saved

    setup(function()
      emu = fx.telegram()
      local id = fx.tg_id()
      owner = emu:user { id = id, first_name = "Owner" }
      saved = { config.owner_chat_id, config.report_hour }
      config.owner_chat_id, config.report_hour = tostring(id), 21
    end)
    teardown(function()
      config.owner_chat_id, config.report_hour = saved[1], saved[2]
      fx.stop(emu)
    end)

    it("is not due before the hour", function()
      assert.is_nil(daily.due(noon + 8 * 3600 - 60))     -- 19:59
      assert.equal(D, daily.due(noon + 9 * 3600))         -- 21:00
      assert.is_false(require("bot.report").tick(noon + 8 * 3600 - 60))
    end)

    it("is never due with REPORT_HOUR=off", function()
      config.report_hour = false
      assert.is_nil(daily.due(noon + 11 * 3600))           -- 23:00
      assert.is_false(require("bot.report").tick(noon + 11 * 3600))
      config.report_hour = 21
    end)

    it("goes out once however often the timer runs that day", function()
      local report = require "bot.report"
      assert.is_true(report.tick(noon + 9 * 3600 + 60))        -- 21:01
      assert.is_false(report.tick(noon + 9 * 3600 + 120))      -- 21:02, the same process
      assert.is_false(report.tick(noon + 11 * 3600))           -- 23:00, as a process started late
      local m = owner:wait_message(nil, 10)
      local body = m.text
      assert.truthy(body:find(T("ru", "reports.title_day", { date = D }), 1, true), body)
      assert.truthy(body:find("Заказов: 4", 1, true), body)
      local n = 0
      for _, x in ipairs(owner:messages()) do
        if (x.text or ""):find(D, 1, true) then n = n + 1 end
      end
      assert.equal(1, n)
      assert.equal(1, #q("SELECT 1 FROM report_runs WHERE day = $1::date AND sent_at IS NOT NULL", D))
    end)

    it("claims a day once; a released claim is taken again", function()
      local _, day = fixture_day()
      assert.is_true(daily.claim(day))
      assert.is_false(daily.claim(day))
      daily.release(day)
      assert.is_true(daily.claim(day))
      daily.sent(day)
      daily.release(day)
      assert.is_false(daily.claim(day))
    end)
  end)

  describe("/report in the bot", function()
    local b, emu, ou

    setup(function()
      local owner_bot, owner_emu, _, owner = fx.owner_bot()
      b, emu, ou = owner_bot, owner_emu, owner
    end)
    teardown(function() if b then b.stop() end end)

    it("answers the owner with the range's figures", function()
      ou:command("/report", D0 .. " " .. D)
      local m = ou:wait_message(function(x) return (x.text or ""):find(D0, 1, true) end, 10)
      assert.truthy(m.text:find(T("ru", "reports.title_range", { from = D0, to = D }), 1, true), m.text)
      assert.truthy(m.text:find("Заказов: 5", 1, true), m.text)
      ou:mark_seen()
      ou:command("/report", "2026-02-30")
      local bad = T("ru", "reports.bad_range", { max = 366 })
      m = ou:wait_message(function(x) return x.text == bad end, 10)
      assert.equal(bad, m.text)
    end)

    it("sends a range's revenue by day as a PNG chart after the text", function()
      ou:mark_seen()
      ou:command("/report", D0 .. " " .. D)
      local title = T("ru", "reports.chart_title", { from = D0, to = D })
      local m = ou:wait_message(function(x) return x.photo ~= nil end, 30)
      assert.equal(title, m.caption)
      local png = emu.files[m.photo[#m.photo].file_id].data
      assert.equal("\137PNG\r\n\26\n", png:sub(1, 8))
      assert.same({ 900, 450 }, { select(1, string.unpack(">I4", png, 17)), (string.unpack(">I4", png, 21)) })
      assert.is_true(#png > 5000 and #png < 1000000, #png)
      local texts = {}
      for _, x in ipairs(ou:messages()) do if x.text then texts[#texts + 1] = x end end
      assert.truthy(texts[#texts].text:find("Заказов: 5", 1, true), texts[#texts].text)
      assert.is_true(texts[#texts].message_id < m.message_id)
    end)

    it("refuses a florist", function()
      local tg = fx.tg_id()
      fx.staff("florist", { tg_id = tg, lang = "ru", name = "Flora" })
      local u = emu:user { id = tg, first_name = "Flora" }
      u:command("/report", D)
      local m = u:wait_message(nil, 10)
      assert.falsy(m.text:find(D, 1, true), m.text)
      assert.truthy(m.text:find(T("ru", "role.manager"), 1, true), m.text)
    end)
  end)

  describe("/report when the chart program fails", function()
    local broken, owner

    setup(function()
      local b, _, _, u = fx.owner_bot { env = { GNUPLOT = "false" } }
      broken, owner = b, u
    end)
    teardown(function() if broken then broken.stop() end end)

    it("sends the text alone, and logs why, when the chart program fails", function()
      owner:command("/report", D0 .. " " .. D)
      owner:wait_message(function(x) return (x.text or ""):find("Заказов: 5", 1, true) end, 30)
      -- one chat's updates are handled in order: once this one is
      -- answered, the range's report has sent all it was going to
      owner:command("/report", D)
      owner:wait_message(function(x) return (x.text or ""):find("Заказов: 4", 1, true) end, 30)
      for _, x in ipairs(owner:messages()) do assert.is_nil(x.photo) end
      local log = broken.srv:log()
      assert.truthy(log:find("report chart not drawn", 1, true), log)
      local metrics = assert(broken.srv:get("/metrics")).body
      assert.truthy(metrics:find('guldasta_report_charts_total{result="failed"} 1', 1, true), metrics)
    end)
  end)
end)
