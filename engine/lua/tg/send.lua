-- engine/lua/tg/send.lua — the outbound path: every message the bot sends to
-- a chat goes through here, so Telegram's limits hold for the whole fleet of
-- engine processes, a 429 is waited out instead of lost, and a flaky network
-- or a 5xx costs a retry, not a message.
--
--   1. Reserve a slot in the Redis buckets (tg/limiter.lua) and sleep until
--      it comes. A reply to the update being handled, in that update's own
--      chat, skips the buckets for its first few messages: answering a user
--      is not bulk sending (shared/specs/telegram.md, "Replies vs broadcast").
--   2. Call the method. 429: hold the chat's bucket for retry_after (so other
--      processes wait too) and try again. 5xx, network, timeout: back off
--      0.5, 1, 2, 4, 8 s. Other 4xx: the request itself is wrong; no retry.
--   3. Give up after MAX_ATTEMPTS or MAX_SECONDS with one logged error.
local api = require "tg.api"
local limiter = require "tg.limiter"
local context = require "tg.context"
local timer = require "timer"
local log = require "log"
local engine = require "engine"

local M = {}

M.MAX_ATTEMPTS = 6
M.BASE_DELAY = 0.5      -- first backoff after a 5xx or network error; doubles, capped at 16x
M.MAX_SECONDS = 120     -- including 429 waits; a send never hangs longer

local function count_of(method, params)
  if method == "sendMediaGroup" and type(params.media) == "table" then return #params.media end
  return 1
end

-- Whether this send answers the update the current unit of work handles.
local function spend_credit(chat_id, n)
  local ctx = context.current()
  if not ctx or chat_id == nil then return false end
  -- the common case (both integers) without making two strings
  if ctx.chat ~= chat_id and tostring(ctx.chat) ~= tostring(chat_id) then return false end
  if ctx.credits < n then return false end
  ctx.credits = ctx.credits - n
  return true
end

local function retryable(code)
  return code == "network" or code == "timeout" or (type(code) == "number" and code >= 500)
end

-- tg.send: see the file comment. opts.files: uploads (multipart);
-- opts.result = false: true instead of the decoded result (tg/api.lua).
function M.send(method, params, opts)
  params = params or {}
  local chat_id = params.chat_id
  local n = count_of(method, params)
  local started = timer.monotonic()
  local bypass = spend_credit(chat_id, n)
  local attempt = 0
  local res, err, code, extra
  while true do
    if not bypass then
      local ok, rerr, rcode = limiter.wait(chat_id, n)
      if not ok then
        if rcode == "busy" then res, err, code = nil, rerr, rcode break end
        -- Redis down: sending unthrottled could earn a flood ban; slow down
        log.warn("tg: rate limiter unavailable", { error = rerr })
        timer.sleep(0.5)
      end
    end
    attempt = attempt + 1
    res, err, code, extra = api.call(method, params, opts)
    if res ~= nil then
      engine.counter("guldasta_tg_sent_total", 'result="ok"', 1)
      return res
    end
    local delay
    if code == 429 then
      engine.counter("guldasta_tg_sent_total", 'result="429"', 1)
      delay = math.max(1, tonumber(extra and extra.retry_after) or 1)
      limiter.hold(chat_id, delay)
      bypass = false     -- the retry queues like everybody else
    elseif retryable(code) then
      engine.counter("guldasta_tg_sent_total", 'result="retry"', 1)
      delay = M.BASE_DELAY * math.min(16, 2 ^ (attempt - 1)) * (0.8 + 0.4 * math.random())
    else
      engine.counter("guldasta_tg_sent_total", 'result="refused"', 1)
      return nil, err, code, extra
    end
    if attempt >= M.MAX_ATTEMPTS or timer.monotonic() - started + delay > M.MAX_SECONDS then break end
    timer.sleep(delay)
  end
  engine.counter("guldasta_tg_sent_total", 'result="gave_up"', 1)
  log.error("tg: giving up on " .. method, { chat_id = chat_id, attempts = attempt, error = err,
                                             code = code, seconds = timer.monotonic() - started })
  return nil, err, code, extra
end

return M
