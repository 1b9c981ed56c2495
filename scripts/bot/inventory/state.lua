-- scripts/bot/inventory/state.lua — a stock operation in progress in a
-- staff member's private chat: Redis key "inv:<user_id>", one JSON object,
-- kept for rules/orders.lua's AWAIT_MINUTES after the last step. Nothing
-- of it is in the engine's memory, so a restart (or another engine
-- process taking the chat) carries on from the step it was at.
--
-- The object (bot/inventory.lua fills it):
--   v      shape version
--   op     "incoming" | "loss" | "correct"
--   step   "item" | "count" | "cost" | "supplier" | "invoice" | "kind" | "note" | "counted"
--   pid    the product chosen;  count, cost (tiyin), supplier, kind
local redis = require "redis"
local json = require "json"
local rules = require "rules"
local prefetch = require "bot.prefetch"

local M = {}

M.VERSION = 1

function M.key(user_id) return "inv:" .. user_id end

local function must(res, err, code)
  if res == nil then error(("inventory state: redis: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return res
end

function M.load(user_id)
  local raw = must(prefetch.get(M.key(user_id)))
  if raw == redis.null then return nil end
  local st = json.decode(raw)
  if type(st) ~= "table" or st.v ~= M.VERSION then return nil end
  for k, v in pairs(st) do if v == json.null then st[k] = nil end end
  return st
end

function M.save(user_id, st)
  st.v = M.VERSION
  must(redis.call("SET", M.key(user_id), assert(json.encode(st)), "EX", rules.orders.AWAIT_MINUTES * 60))
end

function M.clear(user_id) must(redis.call("DEL", M.key(user_id))) end

return M
