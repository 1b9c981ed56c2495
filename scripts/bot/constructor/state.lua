-- scripts/bot/constructor/state.lua — where a bouquet in progress lives:
-- Redis key "ctor:<user_id>", one JSON object, kept a day after the
-- customer's last step. It is not in this process: it survives a restart
-- and a reload, and the menu's "b" button resumes it where the customer
-- left.
--
-- The object (bot/constructor.lua fills it):
--   step       the screen showing      occasion   the occasion's code
--   stems      {{product_id=, count=, colour=}, ...} in the order chosen
--   cur        {product_id=, colour=} the flower whose count is asked
--   packaging  the packaging's code    ribbon     true | false | nil
--   card_text  the postcard, verbatim  extras     {{product_id=, count=}}
--   fpage      the flowers' page       msg_id     the message holding it
--   expect     "count" | "card" | nil  a typed answer is awaited ...
--   expect_at  ... since then (epoch seconds)
local json = require "json"
local redis = require "redis"
local prefetch = require "bot.prefetch"

local M = {}

local STATE_TTL = 24 * 3600   -- an unfinished bouquet is kept a day

local function key(uid) return "ctor:" .. uid end
M.key = key

local function int(v) return math.tointeger(v) end

-- A list of {product_id=, count=, colour=} read back from JSON: entries
-- without a whole id and count are dropped rather than trusted.
local function lines_of(list)
  local outl = {}
  for _, x in ipairs(type(list) == "table" and list or {}) do
    local id, n = int(x.product_id), int(x.count)
    if id and n then
      outl[#outl + 1] = { product_id = id, count = n, colour = type(x.colour) == "string" and x.colour or nil }
    end
  end
  return outl
end

-- The customer's bouquet in progress, or nil when there is none (never
-- started, expired, added to the cart, cancelled).
function M.load(uid)
  local raw, err = prefetch.get(key(uid))
  if raw == nil then error("constructor: redis: " .. tostring(err), 0) end
  if raw == redis.null then return nil end
  local st = json.decode(raw)
  if type(st) ~= "table" then return nil end
  for k, v in pairs(st) do if v == json.null then st[k] = nil end end
  st.stems, st.extras = lines_of(st.stems), lines_of(st.extras)
  if type(st.cur) == "table" then
    st.cur = { product_id = int(st.cur.product_id), colour = type(st.cur.colour) == "string" and st.cur.colour or nil }
    if not st.cur.product_id then st.cur = nil end
  else
    st.cur = nil
  end
  st.msg_id, st.expect_at, st.fpage = int(st.msg_id), int(st.expect_at), int(st.fpage)
  return st
end

-- Every save renews the day the bouquet is kept.
function M.save(uid, st)
  local ok, err = redis.call("SET", key(uid), assert(json.encode(st)), "EX", STATE_TTL)
  if not ok then error("constructor: redis: " .. tostring(err), 0) end
end

function M.drop(uid) redis.call("DEL", key(uid)) end

-- A new bouquet starts by asking the occasion.
function M.fresh() return { step = "occasion", stems = {}, extras = {} } end

return M
