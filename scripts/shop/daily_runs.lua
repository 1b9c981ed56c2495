-- scripts/shop/daily_runs.lua — a job that runs once per shop day,
-- whichever engine process and however many: the process that claims the
-- day's daily_runs row runs it. A process started later that day (the
-- engine was down at the hour) still runs a job nobody ran; a claim whose
-- process died mid-run goes stale and is taken again.
--
--   daily_runs.claim(job, day, stale_seconds) -> true when this process must run it now
--   daily_runs.done(job, day)      it ran
--   daily_runs.release(job, day)   it did not finish (a message refused): the next check retries
local pg = require "pg"

local M = {}

local CLAIM = [[
  INSERT INTO daily_runs (job, day) VALUES ($1, $2::date)
  ON CONFLICT (job, day) DO UPDATE SET claimed_at = now()
   WHERE daily_runs.done_at IS NULL
     AND daily_runs.claimed_at < now() - make_interval(secs => $3)
  RETURNING day]]

local function q(sql, ...)
  local rows, err, code = pg.query(sql, ...)
  if not rows then error(("daily run: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return rows
end

function M.claim(job, day, stale_seconds)
  return q(CLAIM, job, day, stale_seconds)[1] ~= nil
end

function M.done(job, day) q("UPDATE daily_runs SET done_at = now() WHERE job = $1 AND day = $2::date", job, day) end

function M.release(job, day)
  q("UPDATE daily_runs SET claimed_at = '-infinity' WHERE job = $1 AND day = $2::date AND done_at IS NULL", job, day)
end

return M
