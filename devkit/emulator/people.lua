-- devkit/emulator/people.lua — the people on the other side of the
-- emulator, as specs drive them: users (who type, send commands, press
-- inline buttons, share contacts and locations, and read their private chat)
-- and the groups and channels the bot posts in. Waiting for the bot polls
-- the emulator's state every 10 ms: this is test-side code, where a
-- readable wait matters more than a wake-up primitive.
local timer = require "timer"

local M = {}

local User, Chat = {}, {}
User.__index = User
Chat.__index = Chat
M.User, M.Chat = User, Chat

-- {=====================================================================
-- Waiting for the bot
-- ======================================================================

local function describe(emu, chat)
  local lines = {}
  for i = math.max(1, #chat.messages - 4), #chat.messages do
    local m = chat.messages[i]
    if not emu.deleted[m] then
      lines[#lines + 1] = string.format("  #%d %s: %s", m.message_id,
        m.from and m.from.is_bot and "bot" or "user",
        tostring(m.text or m.caption or (m.photo and "<photo>") or (m.contact and "<contact>") or "?"))
    end
  end
  return table.concat(lines, "\n")
end

local function bot_messages(emu, chat)
  local out = {}
  for _, m in ipairs(chat.messages) do
    if not emu.deleted[m] and (m.from == emu.bot or m.sender_chat) then out[#out + 1] = m end
  end
  return out
end

-- The newest bot message of chat changed after `mark` that satisfies pred.
-- Walks the chat's change log backwards, so a long chat costs only its
-- changes since the mark.
local function find_new(emu, chat, mark, pred)
  local log = chat.changes
  for i = #log, 1, -1 do
    local c = log[i]
    if c.seq <= mark then return nil end
    local m = c.m
    if emu.mseq[m] == c.seq and not emu.deleted[m] and (m.from == emu.bot or m.sender_chat)
       and (not pred or pred(m)) then
      return m
    end
  end
end

local function wait_in(emu, chat, mark, pred, secs, what)
  local deadline = timer.monotonic() + (secs or 5)
  while true do
    local m = find_new(emu, chat, mark, pred)
    if m then return m end
    if timer.monotonic() > deadline then
      error(string.format("no %s in chat %d within %.1f s; last messages:\n%s",
        what or "matching bot message", chat.id, secs or 5, describe(emu, chat)), 3)
    end
    timer.sleep(0.01)
  end
end

-- {=====================================================================
-- Users
-- ======================================================================

-- A Telegram user with its private chat with the bot.
local function new_user(self, fields)
  assert(fields and math.tointeger(fields.id), "user needs an integer id")
  local u = self.users[fields.id]
  if u then return u end
  local from = { id = fields.id, is_bot = false, first_name = fields.first_name or ("User" .. fields.id),
                 last_name = fields.last_name, username = fields.username,
                 language_code = fields.language_code }
  local chat = self:add_chat(fields.id, { type = "private", first_name = from.first_name,
                                          last_name = from.last_name, username = from.username })
  u = setmetatable({ emu = self, from = from, id = fields.id, chat = chat, mark = self.seq }, User)
  self.users[fields.id] = u
  return u
end

-- A group or channel the bot is in: the florists' channel, the couriers'
-- group. opts.type: "supergroup" (default), "group" or "channel".
local function new_chat(self, id, opts)
  assert(math.tointeger(id), "chat needs an integer id")
  opts = opts or {}
  local c = self:add_chat(id, { type = opts.type or (id < 0 and "supergroup" or "private"),
                                title = opts.title or ("Chat " .. id) })
  return setmetatable({ emu = self, chat = c, id = id }, Chat)
end

-- The user's own message in chat (default: the private chat), as an update.
function User:_post(fields, chat)
  chat = chat or self.chat
  local m = fields
  m.from = self.from
  self.emu:append(chat, m)
  self.mark = self.emu.seq
  chat.mark = self.emu.seq
  self.emu:push_update("message", m, chat.id)
  return m
end

-- opts.chat: post in a group instead of the private chat.
function User:send(text, opts)
  local chat = self.chat
  if opts and opts.chat then
    chat = self.emu.chats[opts.chat]
    if not chat then error("unknown chat " .. tostring(opts.chat) .. " (emu:chat registers groups)", 2) end
  end
  return self:_post({ text = text }, chat)
end

function User:command(cmd, payload)
  local text = payload and (cmd .. " " .. payload) or cmd
  local name = cmd:match("^(/[%w_]+)") or cmd
  return self:_post({ text = text, entities = { { type = "bot_command", offset = 0, length = #name } } })
end

function User:share_contact(phone)
  return self:_post({ contact = { phone_number = phone, first_name = self.from.first_name,
                                  last_name = self.from.last_name, user_id = self.id } })
end

function User:share_location(lat, lon)
  return self:_post({ location = { latitude = lat, longitude = lon } })
end

-- A photo from the user (a florist's bouquet, a courier's proof): data is
-- the image's bytes (default: a tiny PNG); the file is kept like the bot's
-- uploads, so the bot can send it on by file_id. opts.caption, opts.chat,
-- opts.media_group_id (one photo of an album: User:send_album).
local TINY_PNG = "\137PNG\r\n\26\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\8\6\0\0\0\31\21\196\137"
  .. "\0\0\0\13IDATx\156c\248\15\4\0\9\251\3\253\227U\242\156\0\0\0\0IEND\174B`\130"

function User:send_photo(data, opts)
  local f = self.emu:add_file(data or TINY_PNG, 640, 640)
  local chat = opts and opts.chat and self.emu.chats[opts.chat] or self.chat
  return self:_post({ caption = opts and opts.caption, media_group_id = opts and opts.media_group_id,
    photo = { { file_id = f.file_id, file_unique_id = f.file_unique_id, width = f.width,
                height = f.height, file_size = f.size } } }, chat)
end

-- An album of n photos, as Telegram delivers one: n messages (n updates)
-- sharing a media_group_id, the caption (opts.caption) on the first.
-- Returns the messages. opts.chat as for send_photo.
function User:send_album(n, opts)
  local group = tostring(self.emu:next_seq())
  local sent = {}
  for i = 1, n do
    sent[i] = self:send_photo(nil, { chat = opts and opts.chat, media_group_id = group,
                                     caption = i == 1 and opts and opts.caption or nil })
  end
  return sent
end

-- A document from the user (a CSV the owner uploads): data is the file's
-- bytes, kept so the bot can fetch it with getFile and the file link.
-- opts.mime_type (default text/csv), opts.caption, opts.chat.
function User:send_document(data, file_name, opts)
  local f = self.emu:add_file(data, nil, nil, file_name or "file.csv")
  local chat = opts and opts.chat and self.emu.chats[opts.chat] or self.chat
  return self:_post({ caption = opts and opts.caption,
    document = { file_id = f.file_id, file_unique_id = f.file_unique_id, file_name = file_name or "file.csv",
                 mime_type = opts and opts.mime_type or "text/csv", file_size = f.size } }, chat)
end

local function find_button(m, label)
  local kb = m.reply_markup and m.reply_markup.inline_keyboard
  if not kb then return nil end
  for _, row in ipairs(kb) do
    for _, b in ipairs(row) do
      if b.text == label or b.callback_data == label then return b end
    end
  end
end

local function labels(m)
  local out = {}
  for _, row in ipairs((m.reply_markup or {}).inline_keyboard or {}) do
    for _, b in ipairs(row) do out[#out + 1] = string.format("%q=%s", b.text, tostring(b.callback_data)) end
  end
  return table.concat(out, ", ")
end

-- Presses the inline button of message m (its current state) whose text or
-- callback_data is `label`. Returns the callback query ({id=, data=}).
function User:press(m, label)
  assert(type(m) == "table" and m.chat, "press needs a message")
  local chat = self.emu.chats[m.chat.id]
  local cur = chat and chat.by_id[m.message_id]
  assert(cur and not self.emu.deleted[cur], "the message to press is gone")
  local b = find_button(cur, label)
  if not b then error(string.format("no button %q on message #%d; buttons: %s", label, cur.message_id, labels(cur)), 2) end
  if not b.callback_data then error("button " .. label .. " has no callback_data", 2) end
  -- opaque to the bot, unique, and unguessable enough for a test double
  local id = string.format("%d%08x", self.emu:next_seq(), math.random(0, 0x7fffffff))
  local snapshot = {}
  for k, v in pairs(cur) do snapshot[k] = v end
  local q = { id = id, from = self.from, message = snapshot, chat_instance = tostring(chat.id), data = b.callback_data }
  self.emu.queries[id] = { at = timer.monotonic() }
  self.mark = self.emu.seq
  chat.mark = self.emu.seq
  self.emu:push_update("callback_query", q, chat.id, self.emu:message_json(cur))
  return q
end

-- The bot's answerCallbackQuery for query q, or nil (not yet).
function User:answer_of(q)
  local rec = self.emu.queries[q.id]
  return rec and rec.answer
end

function User:wait_answer(q, secs)
  local deadline = timer.monotonic() + (secs or 5)
  while true do
    local a = self:answer_of(q)
    if a then return a end
    if timer.monotonic() > deadline then error("no answer to callback query " .. q.id, 2) end
    timer.sleep(0.01)
  end
end

function User:messages()
  return bot_messages(self.emu, self.chat)
end

function User:last_message()
  local all = self:messages()
  return all[#all]
end

-- Waits (default 5 s) for the newest bot message or edit in the private chat
-- since the user's last action that satisfies pred (any message when pred is
-- nil); raises with the chat's last messages on timeout.
function User:wait_message(pred, secs)
  return wait_in(self.emu, self.chat, self.mark, pred, secs)
end

-- Like wait_message but returns nil instead of raising.
function User:poll_message(pred, secs)
  local ok, m = pcall(wait_in, self.emu, self.chat, self.mark, pred, secs)
  return ok and m or nil
end

-- Forget what came before: the next wait_message looks only at later changes.
function User:mark_seen()
  self.mark = self.emu.seq
end

function Chat:messages()
  return bot_messages(self.emu, self.chat)
end

function Chat:last_message()
  local all = self:messages()
  return all[#all]
end

-- Waits for the newest bot message or edit in the chat since its last mark
-- (a press or a post in it, or mark_seen) that satisfies pred.
function Chat:wait_message(pred, secs)
  return wait_in(self.emu, self.chat, self.chat.mark, pred, secs)
end

function Chat:poll_message(pred, secs)
  local ok, m = pcall(wait_in, self.emu, self.chat, self.chat.mark, pred, secs)
  return ok and m or nil
end

function Chat:mark_seen()
  self.chat.mark = self.emu.seq
end

-- Adds emu:user and emu:chat to the Emulator class.
function M.install(Emulator)
  Emulator.user = new_user
  Emulator.chat = new_chat
  Emulator.User, Emulator.Chat = User, Chat
end

return M
