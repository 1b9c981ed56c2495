-- rules/reports.lua — the owner's reports and /sales: how much a report
-- lists, which days /sales covers by default, when
-- it comes with a chart, the seed's target for sales written off without
-- a correction, how often the daily summary and the /metrics figures are
-- looked at.
local M = {}

-- Top products by units sold, listed in a report.
M.TOP_PRODUCTS = 5

-- /sales without dates covers this many shop days, today (so far)
-- included.
M.SALES_DAYS = 7

-- Products /sales lists in the chat, best first; the rest are counted in
-- one line (the CSV, /sales_csv, has them all).
M.SALES_LINES = 20

-- Items under their threshold listed by name (the count is always given).
M.LOW_LINES = 15

-- The longest range /report accepts, in days (one query per figure over
-- the range; a year is still quick over 100 000 orders).
M.MAX_DAYS = 366

-- The seed's KPI: over this share (percent) of sale write-offs need no
-- later correction after a count.
M.CLEAN_SALES_TARGET_PERCENT = 98

-- /report draws revenue by day as a chart for a range of at least this
-- many days; one day's revenue is a single figure, read better as text.
M.CHART_MIN_DAYS = 2

-- Drawing the chart may take this many seconds; past it the report goes
-- out as text alone.
M.CHART_SECONDS = 10

-- Every this many seconds an engine process checks whether the day's
-- summary is due (and, after a restart later that day, still owed).
M.CHECK_SECONDS = 60

-- A summary claimed by a process that did not finish sending it within
-- this many seconds (it died mid-send) is claimed again.
M.CLAIM_STALE_SECONDS = 600

-- Every this many seconds today's figures are refreshed on /metrics.
M.METRICS_SECONDS = 300

return M
