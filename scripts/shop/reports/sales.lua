-- scripts/shop/reports/sales.lua — orders, revenue and the average check
-- of a range, and revenue by day (every day of the range, zero included).
-- Revenue is the orders' totals (items, delivery, minus discounts) of the
-- orders shop/reports/range.lua counts, in tiyin.
local range = require "shop.reports.range"

local M = {}

local TOTALS = "WITH " .. range.BOUNDS .. [[
  SELECT count(*)::bigint AS orders, coalesce(sum(o.total), 0)::bigint AS revenue,
         (count(*) FILTER (WHERE o.status = 'delivered'))::bigint AS delivered
    FROM orders o, b WHERE ]] .. range.COUNTED

local BY_DAY = "WITH " .. range.BOUNDS .. [[,
  x AS (SELECT (o.created_at AT TIME ZONE $3::text)::date AS day, count(*)::bigint AS orders,
               sum(o.total)::bigint AS revenue
          FROM orders o, b WHERE ]] .. range.COUNTED .. [[ GROUP BY 1)
  SELECT to_char(d.day, 'YYYY-MM-DD') AS day, coalesce(x.orders, 0)::bigint AS orders,
         coalesce(x.revenue, 0)::bigint AS revenue
    FROM generate_series($1::date, $2::date, interval '1 day') AS g(t)
    CROSS JOIN LATERAL (SELECT g.t::date AS day) d
    LEFT JOIN x ON x.day = d.day
   ORDER BY d.day]]

-- { orders, revenue, average (tiyin, rounded down; 0 without orders), delivered }
function M.totals(from, to)
  local r = range.query(TOTALS, from, to)[1]
  r.average = r.orders > 0 and r.revenue // r.orders or 0
  return r
end

-- { { day = "YYYY-MM-DD", orders, revenue }, ... }
function M.by_day(from, to) return range.query(BY_DAY, from, to) end

return M
