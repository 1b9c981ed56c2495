-- scripts/shop/reports.lua — the owner's figures for a range of shop days
-- (SHOP_TZ), each from one parameterised query in shop/reports/:
--
--   reports.figures(from, to) -> {
--     from, to, days,
--     totals = { orders, revenue, average, delivered },   sales.lua
--     by_day = { { day, orders, revenue }, ... },          sales.lua
--     top    = { { code, name_ru, name_uz, units, revenue, category_ru, category_uz }, ... },  top.lua
--     losses = { { kind, units, value, entries }, ... },   losses.lua
--     low    = { { code, name_ru, name_uz, on_hand, threshold }, ... }, low.lua (now)
--     accept = { accepted, median, worst, worst_order },   accept.lua
--     clean  = { sales, corrected, clean, percent, target, within },  clean.lua
--   }
--   reports.check(from, to) -> from, to | nil, "bad"|"order"|"long"
--
-- Sales by product (/sales) are top.lua's query with a longer limit:
-- shop/reports/products.lua.
--
-- Which orders count and what each figure means: shop/reports/range.lua
-- and each file's head; README.md's "Reports" says it for the owner.
local range = require "shop.reports.range"
local sales = require "shop.reports.sales"
local top = require "shop.reports.top"
local losses = require "shop.reports.losses"
local low = require "shop.reports.low"
local accept = require "shop.reports.accept"
local clean = require "shop.reports.clean"

local M = {}

M.check = range.check
M.valid = range.valid

function M.figures(from, to)
  local ok, why = range.check(from, to)
  if not ok then error("reports: bad range (" .. why .. ")", 2) end
  return {
    from = from, to = to, days = range.days(from, to),
    totals = sales.totals(from, to),
    by_day = sales.by_day(from, to),
    top = top.products(from, to),
    losses = losses.by_kind(from, to),
    low = low.items(),
    accept = accept.times(from, to),
    clean = clean.share(from, to),
  }
end

return M
