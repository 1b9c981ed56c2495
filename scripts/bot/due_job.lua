-- scripts/bot/due_job.lua — one round of a timer job whose due rows live
-- in PostgreSQL (feedback requests, reminders): the rows this process
-- claimed (job.due), each sent to its customer in their language, then
-- marked sent (job.sent) when Telegram took it or refused it for good
-- (400/403: blocked, never started — trying again changes nothing), or
-- given back (job.release) for the next round when it did not go.
--
--   due_job.run { name =, due = fn() -> rows, message = fn(lang, row) -> text, markup,
--                 sent = fn(id), release = fn(id) }
local i18n = require "i18n"
local log = require "log"
local out = require "bot.out"

local M = {}

local function final(code) return code == 400 or code == 403 end

local function deliver(job, r)
  local lang = i18n.valid(r.lang) and r.lang or i18n.DEFAULT_LANG
  local text, markup = job.message(lang, r)
  local msg, err, code = out.send(lang, r.tg_id, text, markup, true)
  if msg or final(code) then
    if not msg then log.info(job.name .. " refused by Telegram", { id = r.id, order = r.order_id, code = code }) end
    job.sent(r.id)
  else
    log.info(job.name .. " not sent", { id = r.id, order = r.order_id, err = tostring(err), code = code })
    job.release(r.id)
  end
end

function M.run(job)
  local ok, rows = pcall(job.due)
  if not ok then return log.warn(job.name .. ": claiming failed", { err = tostring(rows) }) end
  for _, r in ipairs(rows) do
    local sent, err = pcall(deliver, job, r)
    if not sent then
      log.error(job.name .. " raised", { id = r.id, order = r.order_id, err = tostring(err) })
      pcall(job.release, r.id)
    end
  end
end

return M
