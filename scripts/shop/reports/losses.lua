-- scripts/shop/reports/losses.lua — stock lost in a range by its kind
-- (inventory_log rows of reason 'loss': wilted, broken, unsold, other),
-- in units and at the products' current prices.
local range = require "shop.reports.range"

local M = {}

local SQL = "WITH " .. range.BOUNDS .. [[
  SELECT coalesce(l.loss_kind, 'other') AS kind, sum(-l.delta)::bigint AS units,
         sum(-l.delta::bigint * p.price)::bigint AS value, count(*)::bigint AS entries
    FROM inventory_log l JOIN b ON l.created_at >= b.lo AND l.created_at < b.hi
    JOIN products p ON p.id = l.product_id
   WHERE l.reason = 'loss'
   GROUP BY 1 ORDER BY units DESC, kind]]

-- { { kind, units, value, entries }, ... }
function M.by_kind(from, to) return range.query(SQL, from, to) end

return M
