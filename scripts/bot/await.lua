-- scripts/bot/await.lua — what an owner's or a manager's next private
-- message answers (a field being typed, a step of a guided flow), kept in
-- Redis for rules/orders.lua's AWAIT_MINUTES under "<prefix>:<user_id>",
-- so whatever engine process gets the message takes it. Read through
-- bot/prefetch.lua: the router fetches every feature's keys in one round
-- trip before asking their on_input.
--
--   local st = await.new("pe")
--   st.key(user_id)            the Redis key (a feature's input_keys)
--   st.load(user_id) -> table | nil
--   st.save(user_id, table)    st.clear(user_id)
--   st.allowed(ctx, role) -> bool   the role read again from the database
--       before an answer is taken (it may have been revoked since the
--       question); refused, the wait is dropped
local json = require "json"
local redis = require "redis"
local rules = require "rules"
local prefetch = require "bot.prefetch"
local users = require "shop.users"

local M = {}

local function must(prefix, res, err, code)
  if res == nil then error(("%s: redis: %s (%s)"):format(prefix, tostring(err), tostring(code)), 0) end
  return res
end

function M.new(prefix)
  local st = {}
  function st.key(user_id) return prefix .. ":" .. user_id end
  function st.load(user_id)
    local raw = must(prefix, prefetch.get(st.key(user_id)))
    if raw == redis.null then return nil end
    local v = json.decode(raw)
    if type(v) ~= "table" then return nil end
    return v
  end
  function st.save(user_id, v)
    must(prefix, redis.call("SET", st.key(user_id), assert(json.encode(v)), "EX", rules.orders.AWAIT_MINUTES * 60))
  end
  function st.clear(user_id) must(prefix, redis.call("DEL", st.key(user_id))) end
  function st.allowed(ctx, role)
    users.fresh(ctx.user)
    if users.has_role(ctx.user, role) then return true end
    st.clear(ctx.user.id)
    return false
  end
  return st
end

return M
