-- scripts/shop/reports/products.lua — sales by product for a range of
-- shop days: the marketer's (and the manager's and the accountant's)
-- /sales, and its CSV. The figures are top.lua's query, the report's top
-- products without the report's short limit; which orders count is
-- range.lua's, the same as /report's.
--
--   products.default_range(now) -> from, to   the last SALES_DAYS shop days, today included
--   products.sales(from, to)    -> { from, to, days, lines = { top.lua's rows }, products,
--                                    units, revenue (over every product sold, not only the lines) }
--   products.csv(from, to)      -> text, count (lines after the header)
--   both raise on a bad range: check it first with shop/reports.lua's check
--
-- The CSV is DESIGN.md §2's (and the payments CSV's): UTF-8 with a BOM,
-- `;`, CRLF, the header code;name_ru;name_uz;category_ru;category_uz;units;revenue_som,
-- so'm with a decimal comma as Excel reads them under a Russian or Uzbek locale.
local rules = require "rules"
local csv = require "lib.csv"
local range = require "shop.reports.range"
local top = require "shop.reports.top"
local export = require "shop.payments.export"

local M = {}

M.HEADER = { "code", "name_ru", "name_uz", "category_ru", "category_uz", "units", "revenue_som" }

local function checked(from, to)
  local ok, why = range.check(from, to)
  if not ok then error("sales: bad range (" .. why .. ")", 3) end
end

-- The engine runs in SHOP_TZ (engine/main.c sets TZ), so os.date is the
-- shop's clock; noon keeps a daylight-saving shift off the day's edge.
function M.default_range(now)
  now = now or os.time()
  local d = os.date("*t", now)
  local first = os.time { year = d.year, month = d.month, day = d.day - (rules.reports.SALES_DAYS - 1), hour = 12 }
  return os.date("%Y-%m-%d", first), os.date("%Y-%m-%d", now)
end

function M.sales(from, to)
  checked(from, to)
  local lines = top.products(from, to, rules.reports.SALES_LINES)
  local first = lines[1] or {}
  return { from = from, to = to, days = range.days(from, to), lines = lines,
           products = first.all_products or 0, units = first.all_units or 0, revenue = first.all_revenue or 0 }
end

function M.csv(from, to)
  checked(from, to)
  local rows = { M.HEADER }
  -- every cell filled: csv.format reads up to the first nil
  for _, p in ipairs(top.products(from, to, false)) do
    rows[#rows + 1] = { p.code or "", p.name_ru, p.name_uz, p.category_ru or "", p.category_uz or "", p.units,
                        export.som(p.revenue) }
  end
  return csv.BOM .. csv.format(rows, ";"), #rows - 1
end

return M
