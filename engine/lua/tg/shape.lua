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

local M = {}

-- Field types: "int", "num", "str", "bool", a schema table (an object
-- with those fields) or { list = schema } (a non-empty array of them).
-- A trailing "?" (or `opt = true` in a table) marks an optional field.
local User = { id = "int", is_bot = "bool?", first_name = "str?", last_name = "str?",
               username = "str?", language_code = "str?" }
local UserOpt = setmetatable({ opt = true }, { __index = User })
local Chat = { id = "int", type = "str" }
local Message = {
  message_id = "int", chat = Chat, from = UserOpt, text = "str?", caption = "str?",
  contact = { opt = true, phone_number = "str", user_id = "int?", first_name = "str?", last_name = "str?" },
  location = { opt = true, latitude = "num", longitude = "num" },
  photo = { opt = true, list = { file_id = "str" } },
}
-- the same with `from` required: everything but a channel's posts has a sender
local Sent = setmetatable({ from = User }, { __index = Message })
local CallbackQuery = { id = "str", from = User, data = "str?", message = setmetatable({ opt = true }, { __index = Message }) }
local Chatted = { chat = Chat }           -- member updates, reactions, boosts
local ByUser = { from = User }            -- inline and payment queries
local ChatBy = { chat = Chat, from = User }

-- The payload kinds the engine or the bot reads; any other is an object
-- whose `from` and `user`, when present, are Users (tg.user_of reads them).
local KINDS = {
  message = Sent, edited_message = Sent, business_message = Sent, edited_business_message = Sent,
  channel_post = Message, edited_channel_post = Message,
  callback_query = CallbackQuery,
  my_chat_member = ChatBy, chat_member = ChatBy, chat_join_request = ChatBy,
  message_reaction = Chatted, message_reaction_count = Chatted, chat_boost = Chatted,
  removed_chat_boost = Chatted,
  inline_query = ByUser, chosen_inline_result = ByUser, shipping_query = ByUser,
  pre_checkout_query = ByUser, purchased_paid_media = ByUser,
}
local ANY = { from = UserOpt, user = UserOpt }

local function kind_name(v)
  local t = type(v)
  if t == "number" then return math.type(v) end
  if v == nil then return "nothing" end
  if t == "userdata" then return "null" end
  if t == "table" and rawget(v, 1) ~= nil then return "an array" end
  return t
end

local SCALAR = {
  int = function(v) return math.type(v) == "integer" end,
  num = function(v) return type(v) == "number" end,
  str = function(v) return type(v) == "string" end,
  bool = function(v) return type(v) == "boolean" end,
}
local WANTS = { int = "an integer", num = "a number", str = "a string", bool = "true or false" }

local is_object, check

-- An object: a table that is not an array.
function is_object(v) return type(v) == "table" and rawget(v, 1) == nil end

-- v against type t at `path`: nil when it fits, else what is wrong.
function check(v, t, path)
  if type(t) == "string" then
    local base, opt = t:match("^(%a+)(%??)$")
    if v == nil then return opt == "" and path .. ": missing" or nil end
    if SCALAR[base](v) then return nil end
    return ("%s: expected %s, got %s"):format(path, WANTS[base], kind_name(v))
  end
  if v == nil then return not t.opt and path .. ": missing" or nil end
  if t.list then
    if type(v) ~= "table" or rawget(v, 1) == nil then
      return ("%s: expected a non-empty array, got %s"):format(path, kind_name(v))
    end
    for i, e in ipairs(v) do
      local why = check(e, t.list, path .. "." .. i)
      if why then return why end
    end
    return nil
  end
  if not is_object(v) then return ("%s: expected an object, got %s"):format(path, kind_name(v)) end
  -- the schema's own fields, and those it inherits (Sent, UserOpt)
  local seen = {}
  local s = t
  while s do
    for k, ft in pairs(s) do
      if k ~= "opt" and k ~= "list" and not seen[k] then
        seen[k] = true
        local why = check(v[k], ft, path .. "." .. k)
        if why then return why end
      end
    end
    local mt = getmetatable(s)
    s = mt and mt.__index
  end
  return nil
end

-- true, or nil and what is wrong ("message.chat: missing").
function M.check(u)
  if not is_object(u) then return nil, "update: expected an object, got " .. kind_name(u) end
  local id = u.update_id
  if math.type(id) ~= "integer" or id < 0 then
    return nil, "update_id: expected a whole number, got " .. (id == nil and "nothing" or kind_name(id))
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
  local why = check(p, KINDS[kind] or ANY, kind) or check(p, ANY, kind)
  if why then return nil, why end
  return true
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
