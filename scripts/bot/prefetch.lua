-- scripts/bot/prefetch.lua — Redis values one update is about to read,
-- fetched together in one round trip.
--
-- Why: a customer's typed text is offered to every feature that may be
-- waiting for input (checkout, constructor, order comment) before it is a
-- search, and each looked at its own key: three round trips in a row before
-- the search began; under load each of those round trips waited its turn,
-- and typed searches were the slowest updates (bench/README.md).
--
--   prefetch.load({ key, ... })   one MGET; the values kept for this unit of work
--   prefetch.get(key)             the kept value (taken: a second get reads
--                                 Redis again), or redis.call("GET", key)
--   prefetch.clear()              forgets what this unit of work kept
--
-- A value is taken by its first reader, so whatever the update writes after
-- reading is read back from Redis, never from here. The router clears the
-- table when the update ends.
local redis = require "redis"

local M = {}

local kept = setmetatable({}, { __mode = "k" })   -- coroutine -> { key = value }

function M.load(keys)
  if #keys == 0 then return end
  local vals = redis.call("MGET", table.unpack(keys))
  if type(vals) ~= "table" then return end     -- Redis said no: each reader asks itself
  local mine = {}
  for i, k in ipairs(keys) do mine[k] = vals[i] end
  kept[coroutine.running()] = mine
end

-- Returns what redis.call("GET", key) returns.
function M.get(key)
  local mine = kept[coroutine.running()]
  local v = mine and mine[key]
  if v ~= nil then
    mine[key] = nil
    return v
  end
  return redis.call("GET", key)
end

function M.clear()
  kept[coroutine.running()] = nil
end

return M
