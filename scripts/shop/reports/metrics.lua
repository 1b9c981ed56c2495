-- scripts/shop/reports/metrics.lua — today's figures (the shop's day so
-- far) as gauges on /metrics, refreshed by a timer (bot/init.lua).
local engine = require "engine"
local reports = require "shop.reports"

local M = {}

engine.help("guldasta_report_orders_today", "gauge", "orders placed today and counted (not cancelled, not awaiting payment)")
engine.help("guldasta_report_revenue_today_tiyin", "gauge", "revenue of today's counted orders, tiyin")
engine.help("guldasta_report_average_check_tiyin", "gauge", "today's revenue per counted order, tiyin")
engine.help("guldasta_report_accept_median_seconds", "gauge", "today's orders: median time from reaching the florists to acceptance")
engine.help("guldasta_report_accept_worst_seconds", "gauge", "today's orders: longest time from reaching the florists to acceptance")
engine.help("guldasta_report_items_under_threshold", "gauge", "items whose stock is under their threshold now")
engine.help("guldasta_report_clean_sales_percent", "gauge",
  "today's sale write-offs not followed by a correction of the same item, percent (100 without sales)")
engine.help("guldasta_report_losses_units", "gauge", "units lost today, by kind")

function M.publish(now)
  local day = os.date("%Y-%m-%d", now or os.time())
  local ok, f = pcall(reports.figures, day, day)
  if not ok then return nil, f end
  engine.gauge("guldasta_report_orders_today", nil, f.totals.orders)
  engine.gauge("guldasta_report_revenue_today_tiyin", nil, f.totals.revenue)
  engine.gauge("guldasta_report_average_check_tiyin", nil, f.totals.average)
  engine.gauge("guldasta_report_accept_median_seconds", nil, f.accept.median or 0)
  engine.gauge("guldasta_report_accept_worst_seconds", nil, f.accept.worst or 0)
  engine.gauge("guldasta_report_items_under_threshold", nil, #f.low)
  engine.gauge("guldasta_report_clean_sales_percent", nil, f.clean.percent or 100)
  for _, kind in ipairs { "wilted", "broken", "unsold", "other" } do
    local units = 0
    for _, l in ipairs(f.losses) do if l.kind == kind then units = l.units end end
    engine.gauge("guldasta_report_losses_units", ('kind="%s"'):format(kind), units)
  end
  return f
end

return M
