-- spec/support/tg/malformed.lua — updates of the wrong shape, made
-- deterministically from real ones: every field of a few real update
-- shapes (a command, a text, a button press in a private chat and in the
-- florists' channel, a shared contact, a location, a photo, an edit, a
-- channel post, a member update) is in turn replaced with a number, a
-- fraction, a string, an empty string, an array, an empty object, null or
-- true, or removed; and the whole update is replaced with each of those.
-- Some of the results are still valid updates (a `date` as a string is
-- nothing the bot reads); the rest must be dropped at the door.
--
--   local malformed = require "support.tg.malformed"
--   for _, m in ipairs(malformed.all { user = 5001, first_id = 1000 }) do
--     -- m.text: the JSON body; m.update_id: its id (nil when mutated away);
--     -- m.what: "message.chat <- 7"
--   end
local json = require "json"

local M = {}

-- The values a field is replaced with, and how each is named.
local VALUES = {
  { 7, "7" }, { 1.5, "1.5" }, { "x", '"x"' }, { "", '""' }, { { 1, "a" }, "[1,\"a\"]" },
  { {}, "{}" }, { json.null, "null" }, { true, "true" },
}
local REMOVE = "removed"

-- Real shapes, as Telegram sends them, for a user `u` (their private chat
-- has the same id). Each is a function of the update_id.
local function shapes(u)
  local function from() return { id = u, is_bot = false, first_name = "Aziza", username = "aziza", language_code = "uz" } end
  local function private() return { id = u, type = "private", first_name = "Aziza", username = "aziza" } end
  local function message(fields)
    local m = { message_id = 77, date = 1700000000, from = from(), chat = private() }
    for k, v in pairs(fields) do m[k] = v end
    return m
  end
  local bot_user = { id = 42, is_bot = true, first_name = "Guldasta", username = "guldasta_bot" }
  return {
    function() return { message = message { text = "/start", entities = { { type = "bot_command", offset = 0, length = 6 } } } } end,
    function() return { message = message { text = "atirgul" } } end,
    function() return { message = message { contact = { phone_number = "+998901234567", first_name = "Aziza", user_id = u } } } end,
    function() return { message = message { location = { latitude = 39.7747, longitude = 64.4286 } } } end,
    function() return { message = message { caption = "tayyor", photo = {
      { file_id = "AgAD-small", file_unique_id = "s1", width = 90, height = 90, file_size = 1200 },
      { file_id = "AgAD-big", file_unique_id = "b1", width = 800, height = 800, file_size = 64000 } } } } end,
    function() return { edited_message = message { text = "atirgul", edit_date = 1700000100 } } end,
    function() return { callback_query = { id = "4382", from = from(), chat_instance = "-77", data = "m",
      message = { message_id = 78, date = 1700000000, from = bot_user, chat = private(), text = "Menyu" } } } end,
    function() return { callback_query = { id = "4383", from = from(), chat_instance = "-78", data = "s:acc:1",
      message = { message_id = 79, date = 1700000000, chat = { id = -1001, type = "channel", title = "Florists" },
                  text = "#1" } } } end,
    function() return { channel_post = { message_id = 80, date = 1700000000, text = "post",
      chat = { id = -1003, type = "channel", title = "Shop" } } } end,
    function() return { my_chat_member = { chat = private(), from = from(), date = 1700000000,
      old_chat_member = { status = "member", user = bot_user },
      new_chat_member = { status = "kicked", user = bot_user, until_date = 0 } } } end,
  }
end

-- Every path to a value in t ({"message", "chat", "id"}, ...), parents
-- before children, in a fixed order (keys sorted: pairs' order is not).
local function paths(t, prefix, out)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(keys) do
    local p = { table.unpack(prefix) }
    p[#p + 1] = k
    out[#out + 1] = p
    if type(t[k]) == "table" then paths(t[k], p, out) end
  end
  return out
end

local function set(t, path, v)
  for i = 1, #path - 1 do t = t[path[i]] end
  t[path[#path]] = v
end

local function name(path)
  local s = {}
  for i, k in ipairs(path) do s[i] = tostring(k) end
  return table.concat(s, ".")
end

-- Every mutation, in a fixed order: { text =, update_id =, what = }.
-- opts.user: the user (and private chat) id; opts.first_id: the first
-- update_id (each mutation gets the next one, unless it mutates that).
function M.all(opts)
  local out = {}
  local id = opts.first_id - 1
  local function add(u, what)
    local text = type(u) == "string" and u or assert(json.encode(u))
    out[#out + 1] = { text = text, what = what,
                      update_id = type(u) == "table" and math.tointeger(u.update_id) or nil }
  end
  -- the whole update, and a body that is no JSON at all
  for _, v in ipairs(VALUES) do add(v[1], "update <- " .. v[2]) end
  add("{\"update_id\":", "update <- truncated JSON")
  for _, make in ipairs(shapes(opts.user)) do
    local base = make()
    base.update_id = 0
    for _, path in ipairs(paths(base, {}, {})) do
      for i = 1, #VALUES + 1 do
        local u = make()
        id = id + 1
        u.update_id = id
        local v = VALUES[i]
        set(u, path, v and v[1])     -- past the values: removed
        add(u, name(path) .. (v and " <- " .. v[2] or " " .. REMOVE))
      end
    end
  end
  return out
end

return M
