-- scripts/shop/reports/top.lua — the products sold most in a range, by
-- units (then by revenue), from the counted orders' items.
local rules = require "rules"
local range = require "shop.reports.range"

local M = {}

local SQL = "WITH " .. range.BOUNDS .. [[
  SELECT p.id, p.code, p.name_ru, p.name_uz, sum(i.count)::bigint AS units,
         sum(i.count * i.unit_price)::bigint AS revenue
    FROM orders o JOIN b ON true
    JOIN order_items i ON i.order_id = o.id
    JOIN products p ON p.id = i.product_id
   WHERE ]] .. range.COUNTED .. [[
   GROUP BY p.id ORDER BY units DESC, revenue DESC, p.id LIMIT $4]]

-- { { id, code, name_ru, name_uz, units, revenue }, ... }
function M.products(from, to, limit)
  return range.query(SQL, from, to, limit or rules.reports.TOP_PRODUCTS)
end

return M
