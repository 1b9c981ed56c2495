-- scripts/bot/checkout/state.lua — where a checkout in progress lives:
-- Redis key "checkout:<user_id>", one JSON object, kept a day after the
-- customer's last step. Nothing of it is in the engine's memory, so a
-- restart (or another engine process taking the chat) carries on from
-- the step the customer was at.
--
-- The object (bot/checkout/steps.lua fills it):
--   v        shape version          token   this checkout's id (16 hex)
--   step     the step waiting       kb      a reply keyboard is showing
--   name, phone, address, landmark, lat, lon, zone, district, date,
--   start, finish, surprise, anonymous, card, card_draft, no_card, promo,
--   payment, total (the total shown on the confirmation screen),
--   paused  true while the customer is elsewhere (the menu was shown):
--           typed text is then a search, not an answer, until the
--           menu's "Continue your order" (o:start) brings the step back
local redis = require "redis"
local prefetch = require "bot.prefetch"
local json = require "json"
local crypto = require "crypto"

local M = {}

M.TTL = 24 * 3600   -- a checkout left for a day is forgotten
M.VERSION = 1

local function key(user_id) return "checkout:" .. user_id end
M.key = key

local function must(res, err, code)
  if res == nil then error(("checkout state: redis: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return res
end

-- JSON null for a field that was emptied reads back as nil.
local function clean(st)
  for k, v in pairs(st) do
    if v == json.null then st[k] = nil end
  end
  return st
end

-- The checkout of this user, or nil.
function M.load(user_id)
  local raw = must(prefetch.get(key(user_id)))
  if raw == redis.null then return nil end
  local st = json.decode(raw)
  if type(st) ~= "table" or st.v ~= M.VERSION then return nil end
  return clean(st)
end

function M.save(user_id, st)
  must(redis.call("SET", key(user_id), assert(json.encode(st)), "EX", M.TTL))
end

function M.clear(user_id)
  must(redis.call("DEL", key(user_id)))
end

-- The menu was shown over an open checkout: it stops taking typed text
-- (the menu invites a search) until the customer continues it. Returns
-- the checkout (paused now, or already), or nil when none is open.
function M.pause(user_id)
  local st = M.load(user_id)
  if st and not st.paused then
    st.paused = true
    M.save(user_id, st)
  end
  return st
end

-- A new checkout: a fresh token, the first step.
function M.new(first_step)
  return { v = M.VERSION, token = crypto.hex(crypto.random_bytes(8)), step = first_step }
end

return M
