-- scripts/shop/reports/top.lua — the products sold in a range, best first:
-- by units (then by revenue), from the counted orders' items (range.lua
-- says which orders count). A product's revenue is what its lines came to
-- (count × unit price): delivery and discounts are the order's, not a
-- product's. The report's top products and /sales (shop/reports/
-- products.lua) are the same query with a different limit.
local rules = require "rules"
local range = require "shop.reports.range"

local M = {}

-- The range's orders first (by orders_created_idx), then their lines by
-- order: joined in one step the planner reads every order line. The
-- window sums are over every product sold, before the limit.
local SQL = "WITH " .. range.BOUNDS .. [[,
  o AS MATERIALIZED (SELECT o.id FROM orders o, b WHERE ]] .. range.COUNTED .. [[),
  i AS (SELECT i.product_id, sum(i.count)::bigint AS units, sum(i.count * i.unit_price)::bigint AS revenue
          FROM o CROSS JOIN LATERAL (SELECT * FROM order_items x WHERE x.order_id = o.id) i
         GROUP BY i.product_id)
  SELECT p.id, p.code, p.name_ru, p.name_uz, i.units, i.revenue,
         c.name_ru AS category_ru, c.name_uz AS category_uz,
         count(*) OVER ()::bigint AS all_products, (sum(i.units) OVER ())::bigint AS all_units,
         (sum(i.revenue) OVER ())::bigint AS all_revenue
    FROM i JOIN products p ON p.id = i.product_id
    LEFT JOIN categories c ON c.id = p.category_id
   ORDER BY i.units DESC, i.revenue DESC, p.id LIMIT $4]]

-- { { id, code, name_ru, name_uz, units, revenue, category_ru, category_uz
--     (nil without a category), all_products, all_units, all_revenue }, ... }
-- limit: how many (rules.reports.TOP_PRODUCTS when nil; false: all).
function M.products(from, to, limit)
  if limit == nil then limit = rules.reports.TOP_PRODUCTS end
  local rows = range.query(SQL, from, to, limit or nil)
  for _, r in ipairs(rows) do
    r.code, r.category_ru, r.category_uz = range.v(r.code), range.v(r.category_ru), range.v(r.category_uz)
  end
  return rows
end

return M
