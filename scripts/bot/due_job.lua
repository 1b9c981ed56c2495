-- scripts/bot/due_job.lua — a timer job whose due rows live in PostgreSQL
-- (feedback requests, reminders): batch after batch of the rows this
-- process claimed (job.due), each sent to its customer in their language,
-- then marked sent (job.sent) when Telegram took it or refused it for good
-- (400/403: blocked, never started — trying again changes nothing), or
-- given back (job.release) for a later round when it did not go.
--
-- A batch's messages are sent at once, each in its own unit of work, so
-- the pace is the outbound limiter's (tg/limiter.lua: Telegram's 30/s
-- overall across every engine process), not one round trip after another;
-- the next batch is claimed when this one is done, until none is due. A
-- batch of which nothing went (the Bot API down) ends the round: the
-- timer's next firing tries again rather than spinning on the same rows.
--
--   due_job.run { name =, due = fn() -> rows, message = fn(lang, row) -> text, markup,
--                 sent = fn(id), release = fn(id) }   -> rows sent
local engine = require "engine"
local i18n = require "i18n"
local log = require "log"
local out = require "bot.out"

local M = {}

-- true when the row is done with (sent, or refused for good)
local function deliver(job, r)
  local lang = i18n.valid(r.lang) and r.lang or i18n.DEFAULT_LANG
  local text, markup = job.message(lang, r)
  local msg, err, code = out.send(lang, r.tg_id, text, markup, true)
  if msg or out.final(code) then
    if not msg then log.info(job.name .. " refused by Telegram", { id = r.id, order = r.order_id, code = code }) end
    job.sent(r.id)
    return true
  end
  log.info(job.name .. " not sent", { id = r.id, order = r.order_id, err = tostring(err), code = code })
  job.release(r.id)
  return false
end

local function guarded(job, r)
  local ok, done = pcall(deliver, job, r)
  if ok then return done end
  log.error(job.name .. " raised", { id = r.id, order = r.order_id, err = tostring(done) })
  pcall(job.release, r.id)
  return false
end

-- One batch, its messages side by side; returns how many went.
local function batch(job, rows)
  local units = {}
  for i, r in ipairs(rows) do units[i] = engine.spawn(guarded, job, r) end
  local done = 0
  for _, h in ipairs(units) do
    local ok, went = h:wait()
    if ok and went then done = done + 1 end
  end
  return done
end

function M.run(job)
  local total = 0
  while engine.current() do
    local ok, rows = pcall(job.due)
    if not ok then
      log.warn(job.name .. ": claiming failed", { err = tostring(rows) })
      break
    end
    if #rows == 0 then break end
    local done = batch(job, rows)
    total = total + done
    if done == 0 then break end
  end
  return total
end

return M
