-- devkit/emulator/methods.lua — the Bot API methods the emulator
-- speaks, with Telegram's validation and its error texts (the official Bot
-- API server's wording, shared/specs/telegram.md). Each method takes the
-- emulator, the decoded parameters and the uploaded files, and returns an
-- HTTP status and Telegram's JSON envelope (wire.ok / wire.fail).
local wire = require "devkit.emulator.wire"
local crypto = require "crypto"
local timer = require "timer"

local ok, fail = wire.ok, wire.fail
local JSON_TYPE = { ["Content-Type"] = "application/json" }
local M = {}

local MAX_TEXT, MAX_CAPTION, MAX_DATA, MAX_BUTTONS = 4096, 1024, 64, 100
local MAX_PHOTO = 10 * 1024 * 1024

local function bad(desc) return fail(400, "Bad Request: " .. desc) end

local function int(v)
  if type(v) == "string" then v = tonumber(v) end
  return v and math.tointeger(v)
end

-- Length as Telegram counts it: after entity parsing, so HTML tags and
-- entities of parse_mode=HTML do not count. Nil for invalid UTF-8.
local function visible_len(s, parse_mode)
  if parse_mode and parse_mode:upper() == "HTML" then
    s = s:gsub("<[^>]*>", ""):gsub("&[#%w]+;", "x")
  end
  return utf8.len(s)
end

local function check_text(text, parse_mode)
  if type(text) ~= "string" or text == "" then return bad("message text is empty") end
  local n = visible_len(text, parse_mode)
  if not n then return bad("text must be encoded in UTF-8") end
  if n == 0 then return bad("message text is empty") end
  if n > MAX_TEXT then return bad("message is too long") end
end

local function check_caption(caption, parse_mode)
  if caption == nil then return end
  if type(caption) ~= "string" then return bad("can't parse caption") end
  local n = visible_len(caption, parse_mode)
  if not n then return bad("text must be encoded in UTF-8") end
  if n > MAX_CAPTION then return bad("message caption is too long") end
end

local BUTTON_KIND = {}
for _, k in ipairs { "callback_data", "url", "web_app", "login_url", "switch_inline_query",
                       "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
                       "copy_text", "callback_game", "pay" } do BUTTON_KIND[k] = true end

-- A reply keyboard: rows of buttons, each a text or an object with a text.
local function check_reply_keyboard(kb)
  if type(kb) ~= "table" then return bad("can't parse reply keyboard markup JSON object") end
  for _, row in ipairs(kb) do
    if type(row) ~= "table" then return bad("can't parse reply keyboard markup JSON object") end
    for _, b in ipairs(row) do
      local text = type(b) == "table" and b.text or b
      if type(text) ~= "string" or text == "" then
        return bad("can't parse keyboard button: Field \"text\" must be of type String")
      end
    end
  end
end

-- Inline keyboards: every button has text and exactly one action; callback
-- data is 1..64 BYTES (a Cyrillic letter is two), at most 100 buttons.
local function check_markup(rm)
  if rm == nil then return end
  if type(rm) ~= "table" then return bad("can't parse reply keyboard markup JSON object") end
  if rm.keyboard ~= nil then return check_reply_keyboard(rm.keyboard) end
  local kb = rm.inline_keyboard
  if kb == nil then return end
  if type(kb) ~= "table" then return bad("can't parse inline keyboard markup JSON object") end
  local count = 0
  for _, row in ipairs(kb) do
    if type(row) ~= "table" then return bad("can't parse inline keyboard markup JSON object") end
    for _, b in ipairs(row) do
      count = count + 1
      if type(b) ~= "table" or type(b.text) ~= "string" or b.text == "" then
        return bad("can't parse inline keyboard button: Field \"text\" must be of type String")
      end
      local kinds = 0
      for k in pairs(b) do if BUTTON_KIND[k] then kinds = kinds + 1 end end
      if kinds == 0 then
        return bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
      end
      if b.callback_data ~= nil then
        if type(b.callback_data) ~= "string" or #b.callback_data < 1 or #b.callback_data > MAX_DATA then
          return bad("BUTTON_DATA_INVALID")
        end
      end
      if b.url ~= nil and (type(b.url) ~= "string" or not (b.url:match("^https?://") or b.url:match("^tg://"))) then
        return bad("BUTTON_URL_INVALID")
      end
    end
  end
  if count > MAX_BUTTONS then return bad("reply markup is too long") end
end

local function chat_of(emu, p)
  local raw = p.chat_id
  if raw == nil or raw == "" then return nil, bad("chat_id is empty") end
  local id = int(raw)
  local chat = id and emu.chats[id]
  if not chat then return nil, bad("chat not found") end
  return chat
end

local function flood(emu, chat, n)
  local allowed, retry = emu.limits:take(chat.id, n or 1, timer.monotonic())
  if allowed then return end
  emu.stats.rate_limited = emu.stats.rate_limited + 1
  return fail(429, "Too Many Requests: retry after " .. retry, { retry_after = retry })
end

-- PNG: width and height from the IHDR chunk; JPEG: accepted, size unknown.
local function image_size(data)
  if data:sub(1, 8) == "\137PNG\r\n\26\n" and #data >= 24 then
    return string.unpack(">I4I4", data, 17)
  elseif data:sub(1, 3) == "\255\216\255" then
    return 800, 800
  end
end

-- The photo parameter: a file_id we issued, an upload (attach://name or a
-- multipart field), or an http(s) URL. Returns the file record or an error.
local function photo_file(emu, ref, files)
  if ref == nil then return nil, bad("there is no photo in the request") end
  if type(ref) == "table" then return nil, bad("wrong file identifier/HTTP URL specified") end
  local up = files[ref]
  if up then
    if #up.data > MAX_PHOTO then return nil, bad("PHOTO_INVALID_DIMENSIONS") end
    local w, h = image_size(up.data)
    if not w then return nil, bad("IMAGE_PROCESS_FAILED") end
    emu.stats.uploads = emu.stats.uploads + 1
    return emu:add_file(up.data, w, h)
  end
  if ref:match("^https?://") then return emu:add_file(nil, 800, 800) end
  local f = emu.files[ref]
  if not f then return nil, bad("wrong file identifier/HTTP URL specified") end
  return f
end

local function photo_sizes(f)
  return { { file_id = f.file_id, file_unique_id = f.file_unique_id,
             width = f.width, height = f.height, file_size = f.size } }
end

-- A message as the result: its text is made once per change of it and
-- reused in the update of a press on it (Emulator:message_json).
local function ok_message(emu, m)
  return 200, '{"ok":true,"result":' .. emu:message_json(m) .. "}", JSON_TYPE
end

-- The Message the bot gets back carries an inline keyboard only; a reply
-- keyboard (or its removal) is not part of it, so it is kept beside the
-- message, for the chat simulator to draw under the input.
local function common(emu, p, m)
  local rm = p.reply_markup
  if rm ~= nil and rm.inline_keyboard then m.reply_markup = rm end
  if rm ~= nil and (rm.keyboard or rm.remove_keyboard) then emu.reply_keyboards[m] = rm end
  return m
end

function M.getme(emu)
  return ok(emu.bot)
end

function M.sendmessage(emu, p)
  local chat, es, eb = chat_of(emu, p)
  if not chat then return es, eb end
  local s, b = check_text(p.text, p.parse_mode)
  if s then return s, b end
  s, b = check_markup(p.reply_markup)
  if s then return s, b end
  s, b = flood(emu, chat)
  if s then return s, b end
  return ok_message(emu, emu:bot_message(chat, common(emu, p, { text = p.text })))
end

-- A media message's chat, after its caption and keyboard are checked:
-- chat, or nil, status, body.
local function media_chat(emu, p)
  local chat, es, eb = chat_of(emu, p)
  if not chat then return nil, es, eb end
  local s, b = check_caption(p.caption, p.parse_mode)
  if s then return nil, s, b end
  s, b = check_markup(p.reply_markup)
  if s then return nil, s, b end
  return chat
end

function M.sendphoto(emu, p, files)
  local chat, es, eb = media_chat(emu, p)
  if not chat then return es, eb end
  local s, b
  local f, fs, fb = photo_file(emu, p.photo, files)
  if not f then return fs, fb end
  s, b = flood(emu, chat)
  if s then return s, b end
  return ok_message(emu, emu:bot_message(chat, common(emu, p, { photo = photo_sizes(f), caption = p.caption })))
end

-- sendDocument: an upload (a multipart field, attach://name) or a file_id
-- we issued; the message carries `document` (file_id, file_name,
-- mime_type, file_size) and the bytes stay readable (emu.files[file_id].data).
local MAX_DOCUMENT = 50 * 1024 * 1024   -- a bot's upload limit

function M.senddocument(emu, p, files)
  local chat, es, eb = media_chat(emu, p)
  if not chat then return es, eb end
  local ref = p.document
  local up = type(ref) == "string" and files[ref] or files.document
  local f, name, mime
  if up then
    if #up.data == 0 then return bad("file must be non-empty") end
    if #up.data > MAX_DOCUMENT then return bad("file is too big") end
    f = emu:add_file(up.data)
    name, mime = up.filename, up.content_type
  elseif type(ref) == "string" and emu.files[ref] then
    f = emu.files[ref]
  else
    return bad("there is no document in the request")
  end
  local s, b = flood(emu, chat)
  if s then return s, b end
  return ok_message(emu, emu:bot_message(chat, common(emu, p, { caption = p.caption,
    document = { file_id = f.file_id, file_unique_id = f.file_unique_id, file_name = name,
                 mime_type = mime, file_size = f.size } })))
end

function M.sendmediagroup(emu, p, files)
  local chat, es, eb = chat_of(emu, p)
  if not chat then return es, eb end
  local media = p.media
  if type(media) ~= "table" or #media < 2 or #media > 10 then
    return bad("wrong number of messages specified: 2-10 media are allowed")
  end
  local parts = {}
  for i, it in ipairs(media) do
    if type(it) ~= "table" or it.type ~= "photo" then return bad("unsupported media type in album item " .. i) end
    local s, b = check_caption(it.caption, it.parse_mode)
    if s then return s, b end
    local f, fs, fb = photo_file(emu, it.media, files)
    if not f then return fs, fb end
    parts[i] = { f = f, caption = it.caption }
  end
  local s, b = flood(emu, chat, #media)
  if s then return s, b end
  local group = tostring(emu:next_seq())
  local out = {}
  for i, part in ipairs(parts) do
    out[i] = emu:bot_message(chat, { photo = photo_sizes(part.f), caption = part.caption, media_group_id = group })
  end
  return ok(out)
end

-- The bot's own message in chat, for edits and deletes.
local function own_message(emu, p, what)
  if p.inline_message_id then return nil, bad("inline messages are not supported by the emulator") end
  local chat, es, eb = chat_of(emu, p)
  if not chat then return nil, es, eb end
  local m = chat.by_id[int(p.message_id) or -1]
  if not m or emu.deleted[m] then return nil, bad("message to " .. what .. " not found") end
  if not (m.from and m.from.id == emu.bot.id) and chat.type ~= "channel" then
    return nil, bad("message can't be edited")
  end
  return m, chat
end

-- Deep equality of two decoded JSON values (keyboards): a compare, not two
-- encodings, because the benchmark's customers page through lists a lot.
local function same(a, b)
  if a == b then return true end
  if type(a) ~= "table" or type(b) ~= "table" then return false end
  for k, v in pairs(a) do
    if not same(v, b[k]) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end

local function same_markup(a, b)
  return same(a or {}, b or {})
end

local NOT_MODIFIED = "message is not modified: specified new message content and reply markup are "
  .. "exactly the same as a current content and reply markup of the message"

local function edited(emu, chat, m, fields, markup)
  for k, v in pairs(fields) do m[k] = v end
  m.reply_markup = markup and markup.inline_keyboard and markup or nil
  m.edit_date = os.time()
  emu:touch(m)
  return ok_message(emu, m)
end

function M.editmessagetext(emu, p)
  local m, chat, eb = own_message(emu, p, "edit")
  if not m then return chat, eb end
  local s, b = check_text(p.text, p.parse_mode)
  if s then return s, b end
  if m.text == nil then return bad("there is no text in the message to edit") end
  s, b = check_markup(p.reply_markup)
  if s then return s, b end
  if m.text == p.text and same_markup(m.reply_markup, p.reply_markup) then return bad(NOT_MODIFIED) end
  s, b = flood(emu, chat)
  if s then return s, b end
  return edited(emu, chat, m, { text = p.text }, p.reply_markup)
end

function M.editmessagecaption(emu, p)
  local m, chat, eb = own_message(emu, p, "edit")
  if not m then return chat, eb end
  if m.photo == nil then return bad("there is no caption in the message to edit") end
  local s, b = check_caption(p.caption, p.parse_mode)
  if s then return s, b end
  s, b = check_markup(p.reply_markup)
  if s then return s, b end
  if m.caption == p.caption and same_markup(m.reply_markup, p.reply_markup) then return bad(NOT_MODIFIED) end
  s, b = flood(emu, chat)
  if s then return s, b end
  return edited(emu, chat, m, { caption = p.caption }, p.reply_markup)
end

function M.editmessagereplymarkup(emu, p)
  local m, chat, eb = own_message(emu, p, "edit")
  if not m then return chat, eb end
  local s, b = check_markup(p.reply_markup)
  if s then return s, b end
  if same_markup(m.reply_markup, p.reply_markup) then return bad(NOT_MODIFIED) end
  s, b = flood(emu, chat)
  if s then return s, b end
  return edited(emu, chat, m, {}, p.reply_markup)
end

function M.deletemessage(emu, p)
  local m, es, eb = own_message(emu, p, "delete")
  if not m then return es, eb end
  emu:delete(m)
  return ok(true)
end

-- Telegram accepts an answer for a few seconds only ("query is too old").
local QUERY_ANSWER_WINDOW = 15

function M.answercallbackquery(emu, p)
  local q = emu.queries[p.callback_query_id or ""]
  if not q or q.answer or timer.monotonic() - q.at > QUERY_ANSWER_WINDOW then
    return bad("query is too old and response timeout expired or query ID is invalid")
  end
  if p.text ~= nil and (type(p.text) ~= "string" or (utf8.len(p.text) or 999) > 200) then
    return bad("MESSAGE_TOO_LONG")
  end
  q.answer = { text = p.text, show_alert = p.show_alert == true or p.show_alert == "true", url = p.url }
  return ok(true)
end

local ACTIONS = { typing = true, upload_photo = true, record_video = true, upload_video = true,
                  record_voice = true, upload_voice = true, upload_document = true,
                  choose_sticker = true, find_location = true, record_video_note = true,
                  upload_video_note = true }

function M.sendchataction(emu, p)
  local chat, es, eb = chat_of(emu, p)
  if not chat then return es, eb end
  if not ACTIONS[p.action or ""] then return bad("wrong parameter action in request") end
  chat.action = p.action
  return ok(true)
end

function M.getfile(emu, p)
  local f = emu.files[p.file_id or ""]
  if not f then return bad("invalid file_id") end
  return ok({ file_id = f.file_id, file_unique_id = f.file_unique_id, file_size = f.size, file_path = f.path })
end

function M.setwebhook(emu, p)
  local url = p.url or ""
  if url == "" then return M.deletewebhook(emu, p) end
  if not url:match("^https?://") then return bad("bad webhook: An HTTPS URL must be provided for webhook") end
  local secret = p.secret_token
  if secret ~= nil and secret ~= "" then
    if #secret > 256 then return bad("secret token is too long") end
    if secret:find("[^%w_%-]") then return bad("secret token contains unallowed characters") end
  end
  if p.drop_pending_updates == true or p.drop_pending_updates == "true" then emu:drop_pending() end
  emu:set_webhook { url = url, secret = secret ~= "" and secret or nil,
                    max_connections = int(p.max_connections) or 40 }
  return 200, { ok = true, result = true, description = "Webhook was set" }
end

function M.deletewebhook(emu, p)
  if p.drop_pending_updates == true or p.drop_pending_updates == "true" then emu:drop_pending() end
  local had = emu.webhook ~= nil
  emu:set_webhook(nil)
  return 200, { ok = true, result = true, description = had and "Webhook was deleted" or "Webhook is already deleted" }
end

function M.getwebhookinfo(emu)
  local w = emu.webhook
  return ok({ url = w and w.url or "", has_custom_certificate = false,
              pending_update_count = emu:pending_count(), max_connections = w and w.max_connections or nil })
end

function M.getupdates(emu, p)
  if emu.webhook then
    return fail(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
  end
  local limit = int(p.limit) or 100
  if limit < 1 then limit = 1 elseif limit > 100 then limit = 100 end
  local timeout = tonumber(p.timeout) or 0
  if timeout < 0 then timeout = 0 end
  local offset = int(p.offset)
  emu.poller = emu.poller + 1
  local me = emu.poller
  if offset then emu:confirm(offset) end
  local deadline = timer.monotonic() + timeout
  -- a long poll waits for push_update's notify (the wait is the update's
  -- latency); a newer getUpdates wakes the older one to answer 409
  if emu.poll_waiter then emu.poll_waiter:notify() end
  local waiter = timer.signal()
  while true do
    local ups, texts = emu:take_updates(limit)
    local left = deadline - timer.monotonic()
    if #ups > 0 or left <= 0 or emu.stopped then
      if emu.poll_waiter == waiter then emu.poll_waiter = nil end
      -- the envelope around texts encoded once per update (Emulator:update_json)
      return 200, '{"ok":true,"result":[' .. table.concat(texts, ",") .. "]}", JSON_TYPE
    end
    emu.poll_waiter = waiter
    waiter:wait(left)
    if emu.poller ~= me then
      return fail(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
    end
    if emu.webhook then
      if emu.poll_waiter == waiter then emu.poll_waiter = nil end
      return ok({})
    end
  end
end

function M.new_file_id()
  return "AgAC" .. crypto.hex(crypto.random_bytes(12))
end

return M
