-- scripts/shop/reports/accept.lua — how long orders placed in a range
-- waited for a florist: from the moment the order reached the florists
-- (its creation for cash, its payment for an online order: the last
-- order_events row to 'new' or 'paid' before the acceptance) to its first
-- acceptance. The median and the worst, with the worst order's id; orders
-- not accepted (yet) are not in it.
local range = require "shop.reports.range"

local M = {}

local SQL = "WITH " .. range.BOUNDS .. [[,
  w AS (SELECT o.id, extract(epoch FROM a.at - s.at)::float8 AS secs
          FROM orders o JOIN b ON o.created_at >= b.lo AND o.created_at < b.hi
          CROSS JOIN LATERAL (SELECT min(e.at) AS at FROM order_events e
                               WHERE e.order_id = o.id AND e.to_status = 'accepted') a
          CROSS JOIN LATERAL (SELECT max(e.at) AS at FROM order_events e
                               WHERE e.order_id = o.id AND e.to_status IN ('new', 'paid') AND e.at <= a.at) s
         WHERE a.at IS NOT NULL AND s.at IS NOT NULL)
  SELECT count(*)::bigint AS accepted,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) AS median,
         max(secs) AS worst, (array_agg(id ORDER BY secs DESC, id))[1] AS worst_order
    FROM w]]

local function secs(x)
  x = range.v(x)
  return x and math.floor(x + 0.5) or nil
end

-- { accepted, median (seconds, nil without any), worst (seconds), worst_order }
function M.times(from, to)
  local r = range.query(SQL, from, to)[1]
  return { accepted = r.accepted, median = secs(r.median), worst = secs(r.worst), worst_order = range.v(r.worst_order) }
end

return M
