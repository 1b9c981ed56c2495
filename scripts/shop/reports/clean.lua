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

local SQL = "WITH " .. range.BOUNDS .. [[
  SELECT count(*)::bigint AS sales,
         (count(*) FILTER (WHERE EXISTS (
            SELECT 1 FROM inventory_log c
             WHERE c.product_id = s.product_id AND c.reason = 'correction'
               AND c.created_at > s.created_at AND c.created_at < b.hi)))::bigint AS corrected
    FROM inventory_log s JOIN b ON s.created_at >= b.lo AND s.created_at < b.hi
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
