-- devkit/emulator/limits.lua — Telegram's flood limits as the emulator
-- enforces them, so a bot that ignores them gets the same 429s it would get
-- from api.telegram.org.
--
-- Telegram does not publish its algorithm; the Bot FAQ gives the numbers
-- (shared/specs/telegram.md): about 30 messages/s overall, 1/s to one chat
-- with short bursts tolerated, 20/min to one group or channel. We model each
-- as a token bucket (capacity = the tolerated burst, refill = the rate):
--
--   global   capacity = rate (1 s worth), refill TG_GLOBAL_RATE/s (30)
--   private  capacity 4, refill 1/s
--   group    capacity 20, refill 20/min (chat ids < 0: groups and channels)
--
-- Answering a user is not bulk sending ("1,000+ msg/s of replies is fine",
-- flood.md): every update delivered from a chat grants that chat a few reply
-- credits (3, valid 60 s). A message that spends a credit bypasses the
-- buckets; everything else — broadcasts, notifications to other chats, posts
-- to the shop's channel, a fourth message in answer to one update — pays
-- tokens.
local M = {}
M.__index = M

local function bucket(cap, rate)
  return { cap = cap, rate = rate, tokens = cap, at = nil }
end

local function refill(b, now)
  if b.at then b.tokens = math.min(b.cap, b.tokens + (now - b.at) * b.rate) end
  b.at = now
end

-- Seconds until bucket b holds n tokens (0 when it already does).
local function wait_for(b, n)
  if b.tokens >= n then return 0 end
  return (n - b.tokens) / b.rate
end

function M.new(opts)
  if opts == false then return setmetatable({ off = true }, M) end
  opts = opts or {}
  local rate = opts.global_rate or tonumber(os.getenv("TG_GLOBAL_RATE") or "") or 30
  return setmetatable({
    global = bucket(opts.global_burst or rate, rate),
    private_cap = opts.private_burst or 4, private_rate = opts.private_rate or 1,
    group_cap = opts.group_burst or 20, group_rate = (opts.group_per_minute or 20) / 60,
    reply_credits = opts.reply_credits or 3, credit_ttl = opts.credit_ttl or 60,
    chats = {}, credits = {},
    refused = 0,
  }, M)
end

function M:chat_bucket(chat_id)
  local b = self.chats[chat_id]
  if not b then
    if chat_id < 0 then b = bucket(self.group_cap, self.group_rate)
    else b = bucket(self.private_cap, self.private_rate) end
    self.chats[chat_id] = b
  end
  return b
end

-- A chat's unspent grants, oldest first, as one flat table: at, n, at, n,
-- ... from index c.h to c.t - 1, and their sum c.total. (A table per grant,
-- summed on every message, grew by the 2 credits a reply leaves unspent:
-- 125 000 grants after three benchmark steps, and the emulator's CPU for
-- the same load rose from step to step.)
local function expire(c, now, ttl)
  local h = c.h
  while h < c.t and now - c[h] > ttl do
    c.total = c.total - c[h + 1]
    c[h], c[h + 1] = nil, nil
    h = h + 2
  end
  c.h = h
end

-- An update from chat_id was handed to the bot: it may answer. Each grant
-- expires on its own.
function M:credit(chat_id, now)
  if self.off or not chat_id then return end
  local c = self.credits[chat_id]
  if not c then
    c = { h = 1, t = 1, total = 0 }
    self.credits[chat_id] = c
  end
  expire(c, now, self.credit_ttl)
  c[c.t], c[c.t + 1] = now, self.reply_credits
  c.t = c.t + 2
  c.total = c.total + self.reply_credits
end

-- Spends n credits of chat_id if it has them (unexpired), oldest first.
local function spend(self, chat_id, n, now)
  local c = self.credits[chat_id]
  if not c then return false end
  expire(c, now, self.credit_ttl)
  if c.total < n then
    if c.h >= c.t then self.credits[chat_id] = nil end
    return false
  end
  c.total = c.total - n
  local h = c.h
  while n > 0 do
    local k = math.min(c[h + 1], n)
    c[h + 1], n = c[h + 1] - k, n - k
    if c[h + 1] == 0 then
      c[h], c[h + 1] = nil, nil
      h = h + 2
    end
  end
  c.h = h
  if h >= c.t then self.credits[chat_id] = nil end
  return true
end

function M:take(chat_id, n, now)
  if self.off then return true end
  if spend(self, chat_id, n, now) then return true end
  local cb, g = self:chat_bucket(chat_id), self.global
  refill(cb, now)
  refill(g, now)
  -- an album of 10 photos is possible in a chat whose burst is 4
  local nc, ng = math.min(n, cb.cap), math.min(n, g.cap)
  local wait = math.max(wait_for(cb, nc), wait_for(g, ng))
  if wait > 0 then
    self.refused = self.refused + 1
    return false, math.max(1, math.ceil(wait))
  end
  cb.tokens = cb.tokens - nc
  g.tokens = g.tokens - ng
  return true
end

return M
