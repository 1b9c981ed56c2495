-- scripts/bot/report.lua — the owner's figures in the bot: the daily
-- summary sent to OWNER_CHAT_ID at REPORT_HOUR (shop time), and /report on
-- demand for the owner, a manager or the accountant. The figures are
-- shop/reports.lua's. A range of rules.reports.CHART_MIN_DAYS days or more
-- comes with its revenue by day as a chart (a photo after the text; drawn
-- by shop/reports/chart.lua). Without the chart program, or when it fails,
-- the text goes out alone and a warning is logged.
--
--   /report                 today so far
--   /report YYYY-MM-DD      that day
--   /report FROM TO         FROM..TO, both included
--   report.tick(now)        the timer job: the day's summary, once per day
--                           across engine processes (shop/reports/daily.lua)
local i18n = require "i18n"
local rules = require "rules"
local config = require "config"
local listing = require "bot.listing"
local out = require "bot.out"
local texts = require "bot.inventory.texts"
local notify = require "bot.order_notices"
local reports = require "shop.reports"
local daily = require "shop.reports.daily"
local chart = require "shop.reports.chart"
local log = require "log"

local M = {}

local ROLES = { "manager", "accountant" }   -- owners pass every role check

local function price(lang, v) return listing.price(lang, v or 0) end

local function duration(lang, secs)
  local m = (secs + 30) // 60
  if m < 60 then return i18n.t(lang, "reports.minutes", { minutes = m }) end
  return i18n.t(lang, "reports.hours", { hours = m // 60, minutes = m % 60 })
end

local function pct(x) return ("%.1f"):format(math.floor(x * 10) / 10) end

-- The figures f (shop/reports.lua) as one Text in `lang`.
function M.text(lang, f)
  local function t(k, vars) return i18n.t(lang, "reports." .. k, vars) end
  local parts = {}
  parts[#parts + 1] = f.from == f.to and t("title_day", { date = f.from }) or t("title_range", { from = f.from, to = f.to })
  local s = f.totals
  parts[#parts + 1] = t("totals", { orders = s.orders, revenue = price(lang, s.revenue),
    average = price(lang, s.average), delivered = s.delivered })
  if f.top[1] then
    parts[#parts + 1] = t("top_title")
    for i, p in ipairs(f.top) do
      parts[#parts + 1] = t("top_line", { n = i, name = texts.name(lang, { ru = p.name_ru, uz = p.name_uz }),
        units = p.units, revenue = price(lang, p.revenue) })
    end
  else
    parts[#parts + 1] = t("top_none")
  end
  if f.losses[1] then
    parts[#parts + 1] = t("losses_title")
    for _, l in ipairs(f.losses) do
      parts[#parts + 1] = t("losses_line", { kind = i18n.t(lang, "stock.kind." .. l.kind), units = l.units,
        value = price(lang, l.value) })
    end
  else
    parts[#parts + 1] = t("losses_none")
  end
  if f.low[1] then
    parts[#parts + 1] = t("low_title", { count = #f.low })
    for i, p in ipairs(f.low) do
      if i > rules.reports.LOW_LINES then
        parts[#parts + 1] = t("low_more", { count = #f.low - rules.reports.LOW_LINES })
        break
      end
      parts[#parts + 1] = t("low_line", { name = texts.name(lang, { ru = p.name_ru, uz = p.name_uz }), code = p.code,
        on_hand = p.on_hand, threshold = p.threshold })
    end
  else
    parts[#parts + 1] = t("low_none")
  end
  local a = f.accept
  if a.median then
    parts[#parts + 1] = t("accept", { median = duration(lang, a.median), worst = duration(lang, a.worst),
      order = a.worst_order, count = a.accepted })
  else
    parts[#parts + 1] = t("accept_none")
  end
  local c = f.clean
  if c.percent then
    parts[#parts + 1] = t(c.within and "clean_ok" or "clean_low", { percent = pct(c.percent), clean = c.clean,
      sales = c.sales, target = c.target })
  else
    parts[#parts + 1] = t("clean_none")
  end
  return i18n.join(parts, "\n")
end

-- The chart of f's revenue by day to `chat`, when the range is long
-- enough and the chart can be drawn.
local function send_chart(lang, chat, f)
  if f.days < rules.reports.CHART_MIN_DAYS then return end
  local title = i18n.t(lang, "reports.chart_title", { from = f.from, to = f.to })
  local png, err, code = chart.png(f.by_day, { title = i18n.str(title),
    axis = i18n.str(i18n.t(lang, "reports.chart_axis")) })
  if not png then
    log.warn("report chart not drawn; the report goes out as text", { err = err, code = code })
    return
  end
  local ok, serr = out.photo_png(lang, chat, "revenue.png", png, title)
  if not ok then log.warn("report chart not sent", { err = serr }) end
end

-- The report of from..to to `chat` in `lang`: the text, then the chart.
-- Returns what sending the text returned.
function M.send(lang, chat, from, to)
  local f = reports.figures(from, to)
  local sent, err, code = out.send(lang, chat, M.text(lang, f), nil, true)
  if sent then send_chart(lang, chat, f) end
  return sent, err, code
end

-- The days a command's text names, as /report and /sales take them:
-- none (from..to, the command's default), one day, or FROM TO. Returns
-- from, to, or nil when they are not dates or not a range the reports take.
function M.dates(rest, from, to)
  local a, b = tostring(rest or ""):match("^%s*(%S*)%s*(%S*)%s*$")
  if a == nil then return nil end
  if a ~= "" then from, to = a, (b ~= "" and b or a) elseif b ~= "" then return nil end
  return reports.check(from, to)
end

local function on_report(ctx, rest)
  local today = os.date("%Y-%m-%d")
  local from, to = M.dates(rest, today, today)
  if not from then
    return out.show(ctx, { text = i18n.t(ctx.lang, "reports.bad_range", { max = rules.reports.MAX_DAYS }), fresh = true })
  end
  M.send(ctx.lang, ctx.chat_id, from, to)
end

-- The timer job: when today's summary is due and this process claims it,
-- it goes to the owner's chat; refused by Telegram, it is released for
-- the next check.
function M.tick(now)
  local day = daily.due(now)
  if not day or not config.owner_chat_id or not daily.claim(day) then return false end
  local ok, sent = pcall(M.send, notify.staff_lang(), notify.chat(config.owner_chat_id), day, day)
  if ok and sent then
    daily.sent(day)
    return true
  end
  daily.release(day)
  return false
end

M.commands = {
  report = { fn = on_report, role = ROLES },
}

return M
