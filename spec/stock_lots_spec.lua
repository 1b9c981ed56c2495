-- spec/stock_lots_spec.lua — perishable lots (shop/inventory/lots.lua):
-- sales and losses take the oldest lot first, the lots always sum to on
-- hand whatever mix of operations, and the daily list of lots near the
-- end of their vase life (shop/inventory/ageing.lua) names the right lots
-- and goes out once a day to the florists' chat. Runnable alone:
--   build/asan/guldasta-dev run spec/runner.lua spec/stock_lots_spec.lua
local pg = require "pg"
local fx = require "support.orders"
local rules = require "rules"
local i18n = require "i18n"
local users = require "shop.users"
local flow = require "shop.order_flow"
local incoming = require "shop.inventory.incoming"
local loss = require "shop.inventory.loss"
local correction = require "shop.inventory.correction"
local ageing = require "shop.inventory.ageing"
local lots = require "shop.inventory.lots"

local function q(sql, ...) return assert(pg.query(sql, ...)) end

-- the product's lots, oldest first: { {arrived, remaining}, ... }
local function lots_of(pid)
  local out = {}
  for _, r in ipairs(q([[SELECT arrived_on::text AS d, remaining FROM stock_lots WHERE product_id = $1
                           ORDER BY arrived_on, id]], pid)) do
    out[#out + 1] = { r.d, r.remaining }
  end
  return out
end

local function lots_sum(pid)
  return q("SELECT coalesce(sum(remaining), 0)::int AS n FROM stock_lots WHERE product_id = $1", pid)[1].n
end

local function days_ago(n) return os.date("%Y-%m-%d", os.time() - n * 86400) end

describe("perishable lots", function()
  local emu, owner, manager, florist

  setup(function()
    emu = fx.telegram()
    require("bot.stock_notices").subscribe()
    owner = users.find(1) or fx.customer { tg_id = 1 }
    owner = users.find(1)
    manager = fx.staff("manager")
    florist = fx.staff("florist")
  end)

  teardown(function() fx.stop(emu) end)

  -- a product with no stock and three deliveries dated 5, 3 and 1 days ago
  local function three_lots(counts)
    local pid = fx.product { on_hand = 0 }
    for i, n in ipairs(counts) do
      assert(incoming.receive(florist, { product_id = pid, count = n, unit_cost = 1000, supplier = "spec" }))
      q([[UPDATE stock_lots SET arrived_on = $2::date
           WHERE id = (SELECT max(id) FROM stock_lots WHERE product_id = $1)]], pid, days_ago(7 - 2 * i))
    end
    return pid
  end

  it("sells and loses from the oldest lot first, across three lots", function()
    local rose = three_lots { 5, 5, 5 }
    assert.same({ { days_ago(5), 5 }, { days_ago(3), 5 }, { days_ago(1), 5 } }, lots_of(rose))
    local cu = fx.customer {}
    local id = fx.order { customer = cu, items = { { rose, 7 } } }
    assert(flow.accept(id, florist))
    assert.equal(8, fx.on_hand(rose))
    assert.same({ { days_ago(5), 0 }, { days_ago(3), 3 }, { days_ago(1), 5 } }, lots_of(rose))
    assert(loss.record(florist, { product_id = rose, count = 4, kind = "wilted" }))
    assert.same({ { days_ago(5), 0 }, { days_ago(3), 0 }, { days_ago(1), 4 } }, lots_of(rose))
    -- a composition's parts come out of their own oldest lots
    local green = three_lots { 2, 2, 2 }
    local box = fx.composition { { green, 3 } }
    assert(flow.accept(fx.order { customer = cu, items = { { box, 1 } } }, florist))
    assert.same({ { days_ago(5), 0 }, { days_ago(3), 1 }, { days_ago(1), 2 } }, lots_of(green))
  end)

  it("keeps the lots summing to on hand through incoming, sale, loss, return and corrections", function()
    local rose = three_lots { 6, 4, 3 }
    local cu = fx.customer {}
    local function balanced(what)
      assert.equal(fx.on_hand(rose), lots_sum(rose), what)
    end
    balanced("deliveries")
    local sold = fx.order { customer = cu, items = { { rose, 8 } } }
    assert(flow.accept(sold, florist)); balanced("sale")
    assert(loss.record(florist, { product_id = rose, count = 2, kind = "broken" })); balanced("loss")
    -- cancelled after acceptance: the stems come back, into the newest lot
    assert(flow.cancel(sold, manager, "the customer changed her mind"))
    balanced("return")
    assert.same({ days_ago(1), 3 + 8 }, lots_of(rose)[3])
    local before = fx.on_hand(rose)
    assert.truthy(assert(correction.count(manager, { product_id = rose, counted = before + 2 })).applied)
    balanced("correction up")
    local last = lots_of(rose)
    assert.same({ lots.today(), 2 }, last[#last])
    assert.truthy(assert(correction.count(manager, { product_id = rose, counted = before - 1 })).applied)
    balanced("correction down")
    -- the oldest open lot gave the counted difference
    assert.same({ days_ago(5), 0 }, lots_of(rose)[1])
    assert(incoming.receive(florist, { product_id = rose, count = 3, unit_cost = 1000, supplier = "spec" }))
    balanced("incoming again")
    -- stock set outside any operation (the seed, SQL) is reconciled at the next change
    fx.set_on_hand(rose, fx.on_hand(rose) + 4)
    assert(loss.record(florist, { product_id = rose, count = 1, kind = "wilted" }))
    balanced("after stock set by SQL")
  end)

  it("lists the lots near the end of their vase life, once a day, to the florists' chat", function()
    local life = rules.inventory.vase_life("stem", {})
    local warn = rules.inventory.LOTS_WARN_DAYS
    local pid = fx.product { on_hand = 0, name = "spec lot rose" }
    local ids = {}
    for _, age in ipairs { life + 2, life - warn, life - warn - 1, 0 } do
      assert(incoming.receive(florist, { product_id = pid, count = 3, unit_cost = 1000, supplier = "spec" }))
      ids[age] = q("SELECT max(id) AS id FROM stock_lots WHERE product_id = $1", pid)[1].id
      q("UPDATE stock_lots SET arrived_on = $2::date WHERE id = $1", ids[age], days_ago(age))
    end
    -- a lot already sold out is not listed however old
    local gone = fx.product { on_hand = 0 }
    assert(incoming.receive(florist, { product_id = gone, count = 1, unit_cost = 1000, supplier = "spec" }))
    q("UPDATE stock_lots SET arrived_on = $2::date WHERE product_id = $1", gone, days_ago(life + 5))
    assert(loss.record(florist, { product_id = gone, count = 1, kind = "wilted" }))

    local mine = {}
    for _, l in ipairs(ageing.list(lots.today())) do
      if l.product_id == pid or l.product_id == gone then mine[#mine + 1] = { l.lot_id, l.left, l.remaining } end
    end
    assert.same({ { ids[life + 2], -2, 3 }, { ids[life - warn], warn, 3 } }, mine)

    -- the job: due from LOTS_HOUR; two calls the same day send one list
    q("DELETE FROM daily_runs WHERE job = $1", ageing.JOB)
    local t = os.date("*t")
    local before_hour = os.time { year = t.year, month = t.month, day = t.day, hour = rules.inventory.LOTS_HOUR - 1, min = 59 }
    local at_hour = os.time { year = t.year, month = t.month, day = t.day, hour = rules.inventory.LOTS_HOUR, min = 0 }
    local late = os.time { year = t.year, month = t.month, day = t.day, hour = 23, min = 30 }
    if rules.inventory.LOTS_HOUR > 0 then assert.is_nil(ageing.tick(before_hour)) end
    local sent = #emu:calls_of("sendMessage")
    assert.equal("sent", ageing.tick(at_hour))
    assert.is_nil(ageing.tick(late))
    local calls = emu:calls_of("sendMessage")
    assert.equal(sent + 1, #calls)
    local msg = calls[#calls].params
    assert.equal(tostring(emu.florists), tostring(msg.chat_id))
    local lang = rules.orders.STAFF_LANG
    assert.truthy(msg.text:find(tostring(i18n.t(lang, "stock.lots.over", { days = 2 })), 1, true))
    assert.truthy(msg.text:find("spec lot rose", 1, true))
    assert.equal(1, q("SELECT count(*)::int AS n FROM daily_runs WHERE job = $1 AND done_at IS NOT NULL",
      ageing.JOB)[1].n)
  end)

  it("sends the list again when nobody took it (the florists' chat refused)", function()
    q("DELETE FROM daily_runs WHERE job = $1", ageing.JOB)
    local t = os.date("*t")
    local at = os.time { year = t.year, month = t.month, day = t.day, hour = 23, min = 0 }
    local pid = fx.product { on_hand = 0 }
    assert(incoming.receive(florist, { product_id = pid, count = 2, unit_cost = 1000, supplier = "spec" }))
    q("UPDATE stock_lots SET arrived_on = $2::date WHERE product_id = $1", pid, days_ago(30))
    emu:fail("sendMessage", 1, 403)
    assert.equal("unsent", ageing.tick(at))
    assert.equal("sent", ageing.tick(at))
    assert.is_nil(ageing.tick(at))
  end)
end)
