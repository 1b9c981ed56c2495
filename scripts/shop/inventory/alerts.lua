-- scripts/shop/inventory/alerts.lua — an item whose available stock (on
-- hand minus what carts and orders reserve) goes below its threshold is
-- announced ONCE, as the event "stock.low", until it is back at or above.
--
--   alerts.check(product_ids) -> how many alerts went out
--
-- Called after whatever moves stock or reservations: the stock operations
-- (shop/inventory/), an acceptance or cancellation (shop/order_flow.lua),
-- a cart that reserved more (shop/cart.lua), a threshold changed.
--
-- Where the crossing is kept: stock.low_since in PostgreSQL, set in the
-- same statement that finds the crossing. Under the row lock a second
-- process checking at the same moment re-reads the row, finds it set, and
-- says nothing, so one crossing is one alert whichever engine process sees
-- it; it survives a restart and a Redis flush (which would otherwise start
-- every low item alerting again), and a report can read since when an
-- item has been short. Redis holds the other half of the figure (the
-- reservations), read first. An alert nobody took (no presenter in this
-- process, as in `guldasta stock import`, or a subscriber that failed)
-- clears the mark again, so the next check announces it.
local pg = require "pg"
local stock = require "shop.stock"
local events = require "shop.events"

local M = {}

-- $1 products, $2 their available units. Rows whose state changes: those
-- that crossed below (low_since set now) and those back at or above
-- (cleared). `low` tells which.
local CROSS = [[
  UPDATE stock s
     SET low_since = CASE WHEN x.free < s.threshold THEN now() END
    FROM unnest($1::bigint[], $2::int[]) AS x(pid, free), products p
   WHERE s.product_id = x.pid AND p.id = x.pid
     AND (x.free < s.threshold) <> (s.low_since IS NOT NULL)
  RETURNING s.product_id, s.on_hand, s.threshold, x.free AS available, (s.low_since IS NOT NULL) AS low,
            p.code, p.name_ru, p.name_uz]]

local CLEAR = [[UPDATE stock SET low_since = NULL WHERE product_id = $1]]

function M.check(product_ids)
  local ids, frees, seen = {}, {}, {}
  for _, id in ipairs(product_ids) do
    local pid = math.tointeger(tonumber(id))
    if pid and not seen[pid] then
      seen[pid] = true
      ids[#ids + 1], frees[#frees + 1] = pid, stock.available(pid)
    end
  end
  if not ids[1] then return 0 end
  local rows, err, code = pg.query(CROSS, pg.array(ids), pg.array(frees))
  if not rows then error(("stock alerts: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  local told = 0
  for _, r in ipairs(rows) do
    if r.low then
      if events.emit("stock.low", r) then told = told + 1
      else pg.query(CLEAR, r.product_id) end
    end
  end
  return told
end

return M
