-- scripts/shop/reports/top.lua — the products sold most in a range, by
-- units (then by revenue), from the counted orders' items.
local rules = require "rules"
local range = require "shop.reports.range"

local M = {}

-- The range's orders first (by orders_created_idx), then their lines by
-- order: joined in one step the planner reads every order line.
local SQL = "WITH " .. range.BOUNDS .. [[,
  o AS MATERIALIZED (SELECT o.id FROM orders o, b WHERE ]] .. range.COUNTED .. [[),
  i AS (SELECT i.product_id, sum(i.count)::bigint AS units, sum(i.count * i.unit_price)::bigint AS revenue
          FROM o CROSS JOIN LATERAL (SELECT * FROM order_items x WHERE x.order_id = o.id) i
         GROUP BY i.product_id)
  SELECT p.id, p.code, p.name_ru, p.name_uz, i.units, i.revenue
    FROM i JOIN products p ON p.id = i.product_id
   ORDER BY i.units DESC, i.revenue DESC, p.id LIMIT $4]]

-- { { id, code, name_ru, name_uz, units, revenue }, ... }
function M.products(from, to, limit)
  return range.query(SQL, from, to, limit or rules.reports.TOP_PRODUCTS)
end

return M
