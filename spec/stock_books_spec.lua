-- spec/stock_books_spec.lua — the books balance under concurrency:
-- deliveries, losses and corrections run while customers reserve, orders
-- are accepted (sales) and cancelled after acceptance (returns); at the
-- end, for every item, on hand = incoming − sales − losses ± corrections
-- + returns (the sum of its inventory_log deltas equals stock.on_hand),
-- nothing is below zero, and the Redis mirror that reservations read
-- agrees with PostgreSQL.
local pg = require "pg"
local redis = require "redis"
local engine = require "engine"
local timer = require "timer"
local fx = require "support.orders"
local stock = require "shop.stock"
local flow = require "shop.order_flow"
local incoming = require "shop.inventory.incoming"
local loss = require "shop.inventory.loss"
local correction = require "shop.inventory.correction"

describe("the books balance", function()
  it("for every item, with operations and customers at the same time", function()
    local florist, manager = fx.staff("florist"), fx.staff("manager")
    local items = {}
    for i = 1, 3 do items[i] = fx.product { on_hand = 0 } end
    for _, pid in ipairs(items) do
      assert(incoming.receive(florist, { product_id = pid, count = 40, unit_cost = 500000, supplier = "Start" }))
    end
    math.randomseed(os.time())
    local running, stats = 0, { sold = 0, returned = 0, refused = 0, ops = 0 }

    local function go(fn)
      running = running + 1
      engine.spawn(function()
        local ok, err = pcall(fn)
        if not ok then stats.error = stats.error or tostring(err) end
        running = running - 1
      end)
    end

    -- customers: reserve, place, a florist accepts, some are cancelled after
    for c = 1, 12 do
      go(function()
        local customer = fx.customer {}
        for round = 1, 3 do
          local pid = items[math.random(#items)]
          local n = math.random(1, 4)
          local holder = "u:" .. customer.id
          if stock.reserve(holder, { [pid] = n }, 60) then
            local id = fx.order { customer = customer, items = { { pid, n } } }
            assert(stock.convert(holder, "o:" .. id))
            if flow.accept(id, florist) then
              stats.sold = stats.sold + 1
              if (c + round) % 3 == 0 and flow.cancel(id, manager, "customer changed their mind") then
                stats.returned = stats.returned + 1
              end
            else
              stock.release("o:" .. id)
            end
          else
            stats.refused = stats.refused + 1
          end
        end
      end)
    end
    -- staff: deliveries, losses, counts
    for s = 1, 9 do
      go(function()
        for _ = 1, 4 do
          local pid = items[math.random(#items)]
          local k = (s % 3)
          local ok
          if k == 0 then ok = incoming.receive(florist, { product_id = pid, count = math.random(1, 6), unit_cost = 1, supplier = "S" })
          elseif k == 1 then ok = loss.record(florist, { product_id = pid, count = math.random(1, 3), kind = "broken" })
          else
            local now = fx.on_hand(pid)
            ok = correction.count(manager, { product_id = pid, counted = math.max(0, now + math.random(-2, 2)) })
          end
          if ok then stats.ops = stats.ops + 1 end
        end
      end)
    end
    local deadline = timer.monotonic() + 60
    while running > 0 and timer.monotonic() < deadline do timer.sleep(0.02) end
    assert.equal(0, running)
    assert.is_nil(stats.error)
    assert.is_true(stats.sold > 0 and stats.ops > 0)

    for _, pid in ipairs(items) do
      local r = assert(pg.query([[
        SELECT s.on_hand,
               coalesce(sum(l.delta), 0)::int AS total,
               coalesce(sum(l.delta) FILTER (WHERE l.reason = 'incoming'), 0)::int AS incoming,
               coalesce(sum(l.delta) FILTER (WHERE l.reason = 'sale'), 0)::int AS sales,
               coalesce(sum(l.delta) FILTER (WHERE l.reason = 'loss'), 0)::int AS losses,
               coalesce(sum(l.delta) FILTER (WHERE l.reason = 'correction'), 0)::int AS corrections,
               coalesce(sum(l.delta) FILTER (WHERE l.reason = 'return'), 0)::int AS returns
          FROM stock s LEFT JOIN inventory_log l ON l.product_id = s.product_id
         WHERE s.product_id = $1 GROUP BY s.on_hand]], pid))[1]
      assert.equal(r.on_hand, r.total)
      assert.equal(r.on_hand, r.incoming + r.sales + r.losses + r.corrections + r.returns)
      assert.is_true(r.on_hand >= 0)
      assert.equal(r.on_hand, math.tointeger(tonumber(redis.call("HGET", "stock:on_hand", pid))))
      assert.equal(0, stock.reserved(pid))
    end
  end)
end)
