-- scripts/shop/reports/low.lua — items under their threshold now: those
-- the stock alerts marked (available below the threshold, carts' holds
-- counted: shop/inventory/alerts.lua) and those whose on-hand count alone
-- is below it. Items without a threshold (0) are never short.
local pg = require "pg"

local M = {}

local SQL = [[
  SELECT p.id, p.code, p.name_ru, p.name_uz, s.on_hand, s.threshold
    FROM stock s JOIN products p ON p.id = s.product_id
   WHERE s.threshold > 0 AND (s.low_since IS NOT NULL OR s.on_hand < s.threshold)
   ORDER BY s.on_hand::float8 / s.threshold, p.id]]

-- { { id, code, name_ru, name_uz, on_hand, threshold }, ... }
function M.items()
  local rows, err, code = pg.query(SQL)
  if not rows then error(("reports: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return rows
end

return M
