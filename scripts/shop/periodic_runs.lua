-- scripts/shop/periodic_runs.lua — a job that runs once per period,
-- whichever engine process and however many: the process whose claim
-- moves the job's due time a period ahead runs it. A process started after
-- the due time passed (every engine was down) runs it at once; a failed
-- run gives the due time back so the next check retries.
--
--   periodic_runs.claim(job, period_seconds, force) -> true when this process must run it now
--       force: run even before the due time (the job's result was lost),
--       unless another process claimed it within the last period
--   periodic_runs.release(job)   the run failed: due again now
local pg = require "pg"

local M = {}

local CLAIM = [[
  INSERT INTO periodic_runs (job, due_at) VALUES ($1, now() + make_interval(secs => $2))
  ON CONFLICT (job) DO UPDATE SET due_at = now() + make_interval(secs => $2), claimed_at = now()
   WHERE periodic_runs.due_at <= now()
      OR ($3 AND periodic_runs.claimed_at < now() - make_interval(secs => $2))
  RETURNING job]]

local function q(sql, ...)
  local rows, err, code = pg.query(sql, ...)
  if not rows then error(("periodic run: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return rows
end

function M.claim(job, period_seconds, force)
  return q(CLAIM, job, period_seconds, force and true or false)[1] ~= nil
end

function M.release(job) q("UPDATE periodic_runs SET due_at = now() WHERE job = $1", job) end

return M
