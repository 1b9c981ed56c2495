-- scripts/shop/reports/chart.lua — revenue by day as a PNG bar chart,
-- drawn by gnuplot (config.gnuplot, GNUPLOT; Debian's gnuplot-nox, its
-- pngcairo terminal) from a script given on its standard input.
--
--   chart.script(by_day, labels) -> the gnuplot script (no I/O)
--   chart.png(by_day, labels)    -> PNG bytes | nil, err, code (exec.run's);
--                                   counted on /metrics as
--                                   guldasta_report_charts_total{result=drawn|failed}
--
-- by_day is shop/reports.lua's { { day = "YYYY-MM-DD", revenue (tiyin) }, ... },
-- one row per day of the range; labels = { title =, axis = } as plain
-- strings (the presenter's, from templates). Bars are thousands of sum.
local exec = require "exec"
local engine = require "engine"
local config = require "config"
local rules = require "rules"

local M = {}

engine.help("guldasta_report_charts_total", "counter",
  "revenue charts of /report: drawn, or failed (the chart program missing or failing; the text went out alone)")

local WIDTH, HEIGHT = 900, 450
local MAX_TICKS = 16                  -- day labels on the x axis at most
local BAR_COLOUR = "#c2185b"
local MAX_PNG = 4 * 1024 * 1024       -- far above any chart of a year

-- A gnuplot single-quoted string: nothing in it is special but the quote,
-- which is doubled; a line break would end the command, so it goes.
local function quoted(s)
  return "'" .. tostring(s):gsub("[\r\n]", " "):gsub("'", "''") .. "'"
end

-- "DD.MM" of every k-th day (and of the last), so a year does not
-- become a black smear of labels.
local function xtics(by_day)
  local step = math.max(1, math.ceil(#by_day / MAX_TICKS))
  local t = {}
  for i, r in ipairs(by_day) do
    if (i - 1) % step == 0 or i == #by_day then
      local _, m, d = r.day:match("^(%d+)%-(%d+)%-(%d+)$")
      t[#t + 1] = ('"%s.%s" %d'):format(d, m, i - 1)
    end
  end
  return table.concat(t, ", ")
end

function M.script(by_day, labels)
  local top = 0
  for _, r in ipairs(by_day) do top = math.max(top, r.revenue) end
  local lines = {
    ("set terminal pngcairo size %d,%d noenhanced font 'sans,10'"):format(WIDTH, HEIGHT),
    "set output",
    "unset key",
    "set title " .. quoted(labels.title),
    "set ylabel " .. quoted(labels.axis),
    -- a range without revenue still gets whole-number ticks
    top > 0 and "set yrange [0:*]" or "set yrange [0:10]",
    "set format y '%.0f'",
    "set grid ytics",
    "set boxwidth 0.8",
    "set style fill solid 0.9 noborder",
    ("set xrange [-0.6:%f]"):format(#by_day - 0.4),
    "set xtics nomirror rotate by -45 (" .. xtics(by_day) .. ")",
    ("plot '-' using 1:2 with boxes lc rgb '%s'"):format(BAR_COLOUR),
  }
  for i, r in ipairs(by_day) do
    lines[#lines + 1] = ("%d %.3f"):format(i - 1, r.revenue / 100000)
  end
  lines[#lines + 1] = "e"
  return table.concat(lines, "\n") .. "\n"
end

function M.png(by_day, labels)
  local png, err, code = exec.run({ config.gnuplot or "gnuplot" },
    { stdin = M.script(by_day, labels), timeout = rules.reports.CHART_SECONDS, max_output = MAX_PNG })
  engine.counter("guldasta_report_charts_total", png and 'result="drawn"' or 'result="failed"', 1)
  return png, err, code
end

return M
