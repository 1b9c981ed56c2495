-- engine/lua/tg/shape.lua — is this an Update the bot can take? Checked
-- once, at the door (the webhook route and the poller), before an update
-- is queued; the Redis queue checks again what it decodes, since it may
-- hold updates a version without this check put there.
--
-- Telegram only sends well-formed updates, but whoever has the webhook's
-- secret can post anything, and a single update that raises on its way in
-- would be refused with a 5xx and delivered again and again, holding up
-- every update behind it (long polling would fetch it forever). So an
-- update of the wrong shape is acknowledged and dropped with one warning
-- naming its update_id and what was wrong — never an error with a
-- traceback, never handled.
--
-- What is checked is what the engine and the bot read, with the types they
-- read them as: the update is an object with an integer update_id and one
-- payload; a message has an integer message_id and a chat {id, type}, and
-- a `from` (a User {id}) unless it is a channel's post; a callback query
-- has a string id and a `from`; text, caption, data, language_code,
-- names are strings; a contact has a phone number, a location two
-- numbers, a photo at least one size with a file_id. Every other field is
-- left alone (Telegram adds fields; what nobody reads cannot hurt), and an
-- optional field that is present must have its type (`null` is no type).
local log = require "log"
local engine = require "engine"
local upd = require "tg.update"

local M = {}

-- {======================================================================
-- Schemas
-- =======================================================================

-- A field's type: "int", "num", "str", "bool" (a trailing "?": optional),
-- an object's schema made by obj(), or a non-empty array made by list().
-- Compiled once, here: checking an update then costs a few type tests per
-- field read, and a string is made only for a field that is wrong.
local SCALAR = {
  int = function(v) return math.type(v) == "integer" end,
  num = function(v) return type(v) == "number" end,
  str = function(v) return type(v) == "string" end,
  bool = function(v) return type(v) == "boolean" end,
}
local WANTS = { int = "an integer", num = "a number", str = "a string", bool = "true or false" }

local function compile(t)
  if type(t) ~= "string" then return t end
  local base, q = t:match("^(%a+)(%??)$")
  return { test = assert(SCALAR[base], t), wants = WANTS[base], opt = q == "?" }
end

-- An object with `fields` (name -> type), in a fixed order; opt: may be absent.
local function obj(fields, opt)
  local names = {}
  for k in pairs(fields) do names[#names + 1] = k end
  table.sort(names)
  local s = { opt = opt or false }
  for i, k in ipairs(names) do s[i] = { k, compile(fields[k]) } end
  return s
end

local function list(of, opt) return { list = of, opt = opt or false } end

-- fields of a and b in one new table (b wins)
local function with(a, b)
  local t = {}
  for k, v in pairs(a) do t[k] = v end
  for k, v in pairs(b) do t[k] = v end
  return t
end

local USER = { id = "int", is_bot = "bool?", first_name = "str?", last_name = "str?",
               username = "str?", language_code = "str?" }
local User, UserOpt = obj(USER), obj(USER, true)
local Chat = obj { id = "int", type = "str" }
local MESSAGE = {
  message_id = "int", chat = Chat, from = UserOpt, text = "str?", caption = "str?",
  contact = obj({ phone_number = "str", user_id = "int?", first_name = "str?", last_name = "str?" }, true),
  location = obj({ latitude = "num", longitude = "num" }, true),
  photo = list(obj { file_id = "str" }, true),
}
local Post = obj(MESSAGE)                          -- a channel's: no sender
local Sent = obj(with(MESSAGE, { from = User }))   -- everything else has one
local CallbackQuery = obj { id = "str", from = User, data = "str?", message = obj(MESSAGE, true) }
local Chatted = obj { chat = Chat }                -- reactions, boosts
local ByUser = obj { from = User }                 -- inline and payment queries
local ChatBy = obj { chat = Chat, from = User }    -- member updates, join requests

-- The payload kinds the engine or the bot reads. Every kind's `from` and
-- `user`, when present, are Users (tg.user_of reads them).
local KINDS = {
  message = Sent, edited_message = Sent, business_message = Sent, edited_business_message = Sent,
  channel_post = Post, edited_channel_post = Post,
  callback_query = CallbackQuery,
  my_chat_member = ChatBy, chat_member = ChatBy, chat_join_request = ChatBy,
  message_reaction = Chatted, message_reaction_count = Chatted, chat_boost = Chatted,
  removed_chat_boost = Chatted,
  inline_query = ByUser, chosen_inline_result = ByUser, shipping_query = ByUser,
  pre_checkout_query = ByUser, purchased_paid_media = ByUser,
}
local ANY = obj { from = UserOpt, user = UserOpt }

-- {======================================================================
-- Checking
-- =======================================================================

local function kind_name(v)
  local t = type(v)
  if t == "number" then return math.type(v) end
  if v == nil then return "nothing" end
  if t == "userdata" then return "null" end
  if t == "table" then return rawget(v, 1) ~= nil and "an array" or "an object" end
  return t
end

-- An object: a table that is not an array.
local function is_object(v) return type(v) == "table" and rawget(v, 1) == nil end

-- "k" before what is wrong below it: ": missing" -> "k: missing",
-- "chat: missing" -> "k.chat: missing".
local function under(k, why)
  if why:sub(1, 1) == ":" then return k .. why end
  return k .. "." .. why
end

-- nil when v fits type s, else what is wrong, as a path from v down.
local function check(v, s)
  if v == nil then return not s.opt and ": missing" or nil end
  local test = s.test
  if test then
    if test(v) then return nil end
    return ": expected " .. s.wants .. ", got " .. kind_name(v)
  end
  local of = s.list
  if of then
    if type(v) ~= "table" or rawget(v, 1) == nil then return ": expected a non-empty array, got " .. kind_name(v) end
    for i = 1, #v do
      local why = check(v[i], of)
      if why then return under(tostring(i), why) end
    end
    return nil
  end
  if not is_object(v) then return ": expected an object, got " .. kind_name(v) end
  for i = 1, #s do
    local f = s[i]
    local why = check(v[f[1]], f[2])
    if why then return under(f[1], why) end
  end
  return nil
end

-- true, or nil and what is wrong ("message.chat: missing").
function M.check(u)
  if not is_object(u) then return nil, "update: expected an object, got " .. kind_name(u) end
  local id = u.update_id
  if math.type(id) ~= "integer" or id < 0 then
    return nil, "update_id: expected a whole number, got " .. kind_name(id)
  end
  local kind
  for k in pairs(u) do
    if k ~= "update_id" then
      if kind then return nil, ("two payloads: %s and %s"):format(kind, k) end
      kind = k
    end
  end
  if not kind then return nil, "no payload" end
  local p = u[kind]
  local s = KINDS[kind]
  local why = check(p, s or ANY) or (s and check(p, ANY))
  if why then return nil, under(kind, why) end
  return true
end

-- An update from its JSON text (tg/update.lua's decode), checked: u, or
-- nil, what is wrong and what was decoded (for drop to name its update_id).
function M.decode(text)
  local u, err = upd.decode(text)
  if u == nil then return nil, "not JSON: " .. tostring(err) end
  local ok, why = M.check(u)
  if not ok then return nil, why, u end
  return u
end

-- Drops a malformed update: one warning, one count. `u` may be anything
-- (its update_id is named when it has one); `via`: "webhook", "poll",
-- "queue".
function M.drop(u, why, via)
  local id = type(u) == "table" and math.tointeger(u.update_id) or nil
  engine.counter("guldasta_tg_updates_total", 'result="malformed"', 1)
  log.warn("tg: malformed update dropped", { update_id = id, via = via, why = why })
end

return M
