-- spec/stock_alerts_spec.lua — one alert per crossing of an item's
-- threshold (shop/inventory/alerts.lua): available stock (on hand minus
-- reserved) going below it is announced once as "stock.low", however many
-- sales, losses and reservations follow, and again only after a refill
-- above and a new crossing; the bot posts it to the florists' chat.
local pg = require "pg"
local engine = require "engine"
local timer = require "timer"
local fx = require "support.orders"
local stock = require "shop.stock"
local events = require "shop.events"
local alerts = require "shop.inventory.alerts"
local incoming = require "shop.inventory.incoming"
local loss = require "shop.inventory.loss"
local threshold = require "shop.inventory.threshold"
local i18n = require "i18n"
local eventually = require("support.server").eventually

describe("threshold alerts", function()
  local florist, manager, seen

  setup(function()
    florist = fx.staff("florist")
    manager = fx.staff("manager")
  end)
  before_each(function()
    seen = {}
    events.on("stock.low", "spec", function(e) seen[#seen + 1] = e; return true end)
  end)
  after_each(function() events.off("stock.low", "spec") end)

  local function mine(pid)
    local n = 0
    for _, e in ipairs(seen) do if e.product_id == pid then n = n + 1 end end
    return n
  end

  local function lose(pid, n) return assert(loss.record(florist, { product_id = pid, count = n, kind = "wilted" })) end

  it("fires once per crossing, and again after a refill and a new crossing", function()
    local rose = fx.product { on_hand = 10 }
    local res = assert(threshold.set(manager, rose, 5))
    assert.same({ 0, 5 }, { res.before, res.threshold })
    local audit = assert(pg.query([[SELECT actor_id, before->>'threshold' AS b, after->>'threshold' AS a FROM audit_log
                                     WHERE entity = 'stock' AND entity_id = $1]], rose))[1]
    assert.same({ manager.id, "0", "5" }, { audit.actor_id, audit.b, audit.a })
    lose(rose, 3)                        -- 7 left
    assert.equal(0, mine(rose))
    lose(rose, 3)                        -- 4 left: below 5
    assert.equal(1, mine(rose))
    assert.same({ 4, 5, 4 }, { seen[1].available, seen[1].threshold, seen[1].on_hand })
    lose(rose, 1)                        -- 3 left: still below, no second alert
    local holder = "u:spec-alert-" .. rose
    assert(stock.reserve(holder, { [rose] = 2 }, 60))
    assert.equal(0, alerts.check({ rose }))
    assert.equal(1, mine(rose))
    stock.release(holder)
    assert(incoming.receive(florist, { product_id = rose, count = 10, unit_cost = 100, supplier = "S" }))  -- 13
    assert.equal(1, mine(rose))
    assert.equal(pg.null, assert(pg.query("SELECT low_since FROM stock WHERE product_id = $1", rose))[1].low_since)
    lose(rose, 9)                        -- 4 again: a new crossing
    assert.equal(2, mine(rose))
  end)

  it("counts reservations: customers holding the stock cross it too", function()
    local rose = fx.product { on_hand = 10 }
    assert(threshold.set(manager, rose, 5))
    local holder = "u:spec-alert-r-" .. rose
    assert(stock.reserve(holder, { [rose] = 6 }, 60))
    assert.equal(1, alerts.check({ rose }))
    assert.equal(0, alerts.check({ rose }))
    stock.release(holder)
    assert.equal(0, alerts.check({ rose }))   -- back above: the mark cleared, nothing said
    assert(stock.reserve(holder, { [rose] = 7 }, 60))
    assert.equal(1, alerts.check({ rose }))
    stock.release(holder)
  end)

  it("says it once when many losses cross it at the same moment", function()
    local rose = fx.product { on_hand = 20 }
    assert(threshold.set(manager, rose, 10))
    local done = 0
    for _ = 1, 16 do
      engine.spawn(function()
        loss.record(florist, { product_id = rose, count = 1, kind = "broken" })
        done = done + 1
      end)
    end
    local deadline = timer.monotonic() + 20
    while done < 16 and timer.monotonic() < deadline do timer.sleep(0.01) end
    assert.equal(16, done)
    assert.equal(4, fx.on_hand(rose))
    assert.equal(1, mine(rose))
  end)

  it("keeps an alert nobody took owed: the next check says it", function()
    local rose = fx.product { on_hand = 10 }
    assert(threshold.set(manager, rose, 5))
    events.off("stock.low", "spec")
    lose(rose, 8)
    assert.equal(pg.null, assert(pg.query("SELECT low_since FROM stock WHERE product_id = $1", rose))[1].low_since)
    events.on("stock.low", "spec", function(e) seen[#seen + 1] = e; return true end)
    assert.equal(1, alerts.check({ rose }))
    assert.equal(1, mine(rose))
  end)

  it("is posted by the bot to the florists' chat", function()
    local emu = fx.telegram()
    local ok, err = pcall(function()
      require("bot.stock_notices").subscribe()
      local rose = fx.product { on_hand = 10, name = "Alert rose " .. fx.tg_id() }
      assert(threshold.set(manager, rose, 5))
      lose(rose, 7)
      local ch = emu.chats[emu.florists]
      local function posts()
        local n, text = 0, nil
        for _, x in ipairs(ch.messages) do
          if x.text and x.text:find("Alert rose", 1, true) then n, text = n + 1, x.text end
        end
        return n, text
      end
      local want = i18n.str(i18n.t("ru", "stock.low", { name = "N", code = "C", available = 3, threshold = 5, on_hand = 3 }))
      eventually(function() return posts() == 1 end, 10, "the alert in the florists' chat")
      local _, text = posts()
      assert.truthy(text:find(want:match("свободно 3, порог 5"), 1, true))
      lose(rose, 1)
      timer.sleep(0.3)
      local n = posts()
      assert.equal(1, n)
    end)
    events.off("stock.low", "bot")
    fx.stop(emu)
    assert(ok, err)
  end)
end)
