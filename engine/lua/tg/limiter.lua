-- engine/lua/tg/limiter.lua — Telegram's flood limits, shared by every
-- engine process through Redis.
--
-- Each limit is a GCRA bucket (the "virtual scheduling" form of a token
-- bucket): one Redis key holds the theoretical arrival time (TAT) of the next
-- message. A sender does not poll the bucket: one script call *reserves* the
-- earliest moment at which every bucket it passes through allows it, moves
-- those buckets' TATs past it, and returns how long to wait. Then the sender
-- sleeps exactly that long and sends. So a burst of 1 000 messages costs
-- 1 000 round trips, not a storm of retries, and senders go out in the order
-- they asked, from any process.
--
-- Our numbers stay under the ones Telegram tolerates (shared/specs/telegram.md)
-- with room for jitter: a message reserved for time t may leave a few
-- milliseconds late and arrive together with the next one.
local redis = require "redis"
local timer = require "timer"
local tgkeys = require "tg.keys"

local M = {}

-- Messages per second overall: TG_GLOBAL_RATE (config), Telegram's 30/s
-- unless the bot pays for broadcasts; specs scale the clock down with it.
M.GLOBAL_RATE = require("config").tg_global_rate or 30
M.GLOBAL_BURST = math.max(1, M.GLOBAL_RATE // 6)   -- 5 at 30/s: Telegram tolerates a second's worth
M.PRIVATE_INTERVAL = 1.0                           -- 1 message/s to one private chat
M.PRIVATE_BURST = 3                                -- "short bursts tolerated"
M.GROUP_INTERVAL = 60 / 20                         -- 20 messages/min to one group or channel
M.GROUP_BURST = 15
M.MAX_DELAY = 900                                  -- refuse to queue more than 15 min ahead

-- KEYS: the buckets, the chat's before the global one. ARGV: now_ms,
-- max_delay_ms, then interval_ms, burst and count (messages, <= burst) for
-- each key. Returns {delay_ms, n}: keys 1..n are reserved for now+delay;
-- n < #KEYS means key n's slot lies in the future and the keys after it are
-- still to be reserved when that time comes. Reserving the global bucket
-- for a chat-limited message's future slot would push the whole fleet's
-- queue behind that one message. {-1, 0}: nothing reserved, the slot is
-- further than max_delay ahead.
local reserve = redis.script([[
local now = tonumber(ARGV[1])
local max_delay = tonumber(ARGV[2])
local t = now
local tats = {}
local n = #KEYS
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[3 * i])
  local burst = tonumber(ARGV[3 * i + 1])
  local count = tonumber(ARGV[3 * i + 2])
  local tat = tonumber(redis.call('GET', key) or now)
  if tat < now then tat = now end
  tats[i] = tat
  local allow = tat - (burst - count) * interval
  if allow > t then t = allow end
  if t > now and i < #KEYS then n = i break end
end
if t - now > max_delay then return {-1, 0} end
for i = 1, n do
  local interval = tonumber(ARGV[3 * i])
  local count = tonumber(ARGV[3 * i + 2])
  local tat = tats[i]
  if tat < t then tat = t end
  tat = tat + count * interval
  redis.call('SET', KEYS[i], tat, 'PX', math.ceil(tat - now) + 1000)
end
return {t - now, n}
]])

-- Pushes a bucket's TAT so that its next slot is no sooner than now + secs
-- (a 429's retry_after: every process then waits, not only the one that was
-- refused). ARGV: now_ms, secs_ms, interval_ms, burst.
local hold = redis.script([[
local now = tonumber(ARGV[1])
local until_ = now + tonumber(ARGV[2]) + (tonumber(ARGV[4]) - 1) * tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or 0)
if tat < until_ then redis.call('SET', KEYS[1], until_, 'PX', math.ceil(until_ - now) + 1000) end
return 1
]])

local function chat_key(chat_id)
  return tgkeys.prefix() .. "rl:c:" .. tostring(chat_id)
end

-- Groups and channels have negative ids, or are addressed as "@name".
local function is_group(chat_id)
  local n = tonumber(chat_id)
  return not n or n < 0
end

-- Waits for a slot for `n` messages to chat_id (the chat's bucket, then the
-- global one; `global` false skips the latter). Returns true, or nil, msg,
-- code: "busy" when the queue is over MAX_DELAY long, or Redis's error.
function M.wait(chat_id, n, global)
  n = n or 1
  local keys, params = {}, {}
  if chat_id ~= nil then
    local interval, burst
    if is_group(chat_id) then interval, burst = M.GROUP_INTERVAL, M.GROUP_BURST
    else interval, burst = M.PRIVATE_INTERVAL, M.PRIVATE_BURST end
    keys[#keys + 1] = chat_key(chat_id)
    params[#params + 1] = { interval * 1000, burst, math.min(n, burst) }  -- an album of 10 fits a burst of 3
  end
  if global ~= false then
    keys[#keys + 1] = tgkeys.prefix() .. "rl:global"
    params[#params + 1] = { 1000 / M.GLOBAL_RATE, M.GLOBAL_BURST, math.min(n, M.GLOBAL_BURST) }
  end
  local first = 1
  while first <= #keys do
    local ks, args = {}, { math.floor(timer.now() * 1000), M.MAX_DELAY * 1000 }
    for i = first, #keys do
      ks[#ks + 1] = keys[i]
      for _, v in ipairs(params[i]) do args[#args + 1] = v end
    end
    local r, err, code = reserve:eval(ks, args)
    if not r then return nil, err, code end
    if r[1] < 0 then return nil, "outbound queue is full (next slot over " .. M.MAX_DELAY .. " s away)", "busy" end
    if r[1] > 0 then timer.sleep(r[1] / 1000) end
    first = first + r[2]
  end
  return true
end

function M.hold(chat_id, secs)
  local key, interval, burst
  if chat_id == nil then
    key, interval, burst = tgkeys.prefix() .. "rl:global", 1000 / M.GLOBAL_RATE, M.GLOBAL_BURST
  else
    key = chat_key(chat_id)
    if is_group(chat_id) then interval, burst = M.GROUP_INTERVAL * 1000, M.GROUP_BURST
    else interval, burst = M.PRIVATE_INTERVAL * 1000, M.PRIVATE_BURST end
  end
  return hold:eval({ key }, { math.floor(timer.now() * 1000), math.floor(secs * 1000), interval, burst })
end

return M
