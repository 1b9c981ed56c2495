-- scripts/shop/reports/clean.lua — the seed's KPI: the share of sales
-- written off without a later correction. Each sale write-off (an
-- inventory_log row of reason 'sale', made when a florist accepts an
-- order) within the range is "clean" unless a correction of the same
-- product (reason 'correction', after a count) was booked after it and
-- before the range's end: the count found the books wrong for that item,
-- so the automatic write-offs before it did not hold. Percent = clean /
-- all × 100; no sales, no figure. The target is rules/reports.lua's.
local rules = require "rules"
local range = require "shop.reports.range"

local M = {}

-- A sale is corrected when its product's last correction within the
-- range came after it (one pass over the range's corrections, not one
-- look-up per sale).
local SQL = "WITH " .. range.BOUNDS .. [[,
  last AS (SELECT c.product_id, max(c.created_at) AS at
             FROM inventory_log c JOIN b ON c.created_at >= b.lo AND c.created_at < b.hi
            WHERE c.reason = 'correction' GROUP BY c.product_id)
  SELECT count(*)::bigint AS sales, (count(*) FILTER (WHERE l.at > s.created_at))::bigint AS corrected
    FROM inventory_log s JOIN b ON s.created_at >= b.lo AND s.created_at < b.hi
    LEFT JOIN last l ON l.product_id = s.product_id
   WHERE s.reason = 'sale']]

-- { sales, corrected, clean, percent (nil without sales), target, within }
function M.share(from, to)
  local r = range.query(SQL, from, to)[1]
  local target = rules.reports.CLEAN_SALES_TARGET_PERCENT
  local clean = r.sales - r.corrected
  local pct = r.sales > 0 and clean * 100 / r.sales or nil
  return { sales = r.sales, corrected = r.corrected, clean = clean, percent = pct, target = target,
           within = pct == nil or pct > target }
end

return M
