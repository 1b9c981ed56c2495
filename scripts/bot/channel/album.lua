-- scripts/bot/channel/album.lua — the photos of a finished work being
-- collected in the marketer's private chat after /work, in Redis, so any
-- engine process may take the next photo.
--
-- Telegram delivers an album as one message per photo (sharing a
-- media_group_id) and never says which is the last. So each photo is
-- added here, bumps a counter and waits rules/channel.lua's
-- ALBUM_QUIET_SECONDS; the wait whose counter is still the latest when it
-- ends takes the whole collection (atomically: one preview, whichever
-- process it runs in). A photo after that starts nothing: the /work is
-- over.
--
--   album.key(user_id)                     the /work's key (router prefetch)
--   album.start(user_id, st)               st = { pid =, template =, at =, chat = }
--   album.add(user_id, message_id, file_id) -> version | nil, "none" | "full"
--   album.take(user_id, version)           -> st, { file_id, ... } | nil (not the latest)
--
-- Keys (per users.id): "cw:<id>" the /work as JSON, "cw:<id>:ph" a sorted
-- set of "<message_id>:<file_id>" by message_id (the order the marketer
-- sent them), "cw:<id>:v" the counter; all expire WORK_WAIT_MINUTES after
-- the last step.
local redis = require "redis"
local json = require "json"
local rules = require "rules"
local prefetch = require "bot.prefetch"

local M = {}

M.MAX = 10   -- Telegram: an album holds 2 to 10 photos

function M.key(user_id) return "cw:" .. user_id end

local function keys(user_id)
  local k = M.key(user_id)
  return { k, k .. ":ph", k .. ":v" }
end

local function ttl() return rules.channel.WORK_WAIT_MINUTES * 60 end

local function must(res, err, code)
  if res == nil then error(("channel album: redis: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return res
end

function M.start(user_id, st)
  local k = keys(user_id)
  must(redis.call("DEL", k[2], k[3]))
  must(redis.call("SET", k[1], assert(json.encode(st)), "EX", ttl()))
end

local function decode(raw)
  local st = type(raw) == "string" and json.decode(raw)
  if type(st) ~= "table" then return nil end
  for k, v in pairs(st) do if v == json.null then st[k] = nil end end
  return st
end

-- The /work waiting for photos, or nil (read through the router's prefetch).
function M.state(user_id)
  return decode(must(prefetch.get(M.key(user_id))))
end

-- KEYS: the /work, its photos, its counter. ARGV: message_id, member,
-- max, ttl. -> the counter after the add; -1 full; -2 no /work.
local add = redis.script([[
if redis.call('EXISTS', KEYS[1]) == 0 then return -2 end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return -1 end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
local v = redis.call('INCR', KEYS[3])
for _, k in ipairs(KEYS) do redis.call('EXPIRE', k, ARGV[4]) end
return v
]])

function M.add(user_id, message_id, file_id)
  local v = must(add:eval(keys(user_id), { message_id, message_id .. ":" .. file_id, M.MAX, ttl() }))
  if v == -2 then return nil, "none" end
  if v == -1 then return nil, "full" end
  return v
end

-- KEYS as for add. ARGV: the counter the caller saw. -> { the /work's
-- JSON, member, ... } and the keys deleted, or false when a later photo
-- came (or the collection was taken already).
local take = redis.script([[
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return false end
local st = redis.call('GET', KEYS[1])
if not st then return false end
local out = { st }
for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do out[#out + 1] = m end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return out
]])

function M.take(user_id, version)
  local r = must(take:eval(keys(user_id), { version }))
  local st = type(r) == "table" and decode(r[1])
  if not st then return nil end
  local photos = {}
  for i = 2, #r do photos[#photos + 1] = r[i]:match("^%d+:(.+)$") end
  return st, photos
end

return M
