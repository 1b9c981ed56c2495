-- scripts/shop/reports/daily.lua — the owner's daily summary is sent once
-- per shop day, whichever engine process and however many: the process
-- that claims the day's report_runs row sends it. Due from REPORT_HOUR
-- (shop time) to the day's end, so a process started later that day (the
-- engine was down at the hour) still sends it; a day whose summary nobody
-- sent by midnight is not sent the next day.
--
--   daily.due(now)       -> "YYYY-MM-DD" when today's summary is due, else nil
--   daily.claim(day)     -> true when this process must send it now
--   daily.sent(day)      the summary went out
--   daily.release(day)   it did not (Telegram refused): the next check retries
local pg = require "pg"
local config = require "config"
local rules = require "rules"

local M = {}

-- A new day's row, or an unsent one whose claim went stale (its process
-- died mid-send), is taken; a fresh claim or a sent day is not.
local CLAIM = [[
  INSERT INTO report_runs (day) VALUES ($1::date)
  ON CONFLICT (day) DO UPDATE SET claimed_at = now()
   WHERE report_runs.sent_at IS NULL
     AND report_runs.claimed_at < now() - make_interval(secs => $2)
  RETURNING day]]

local function q(sql, ...)
  local rows, err, code = pg.query(sql, ...)
  if not rows then error(("daily report: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return rows
end

-- The engine runs in SHOP_TZ (engine/main.c sets TZ), so os.date is the
-- shop's clock.
-- Nil when the summary is not due yet, or never (REPORT_HOUR=off: false).
function M.due(now)
  now = now or os.time()
  local hour = config.report_hour
  if hour == false then return nil end
  if tonumber(os.date("%H", now)) < (hour or 21) then return nil end
  return os.date("%Y-%m-%d", now)
end

function M.claim(day)
  return q(CLAIM, day, rules.reports.CLAIM_STALE_SECONDS)[1] ~= nil
end

function M.sent(day) q("UPDATE report_runs SET sent_at = now() WHERE day = $1::date", day) end

function M.release(day)
  q("UPDATE report_runs SET claimed_at = '-infinity' WHERE day = $1::date AND sent_at IS NULL", day)
end

return M
