-- scripts/bot/out.lua — the only door from the bot to the customer's chat.
--
-- Every text, caption, button label and toast goes through here, and here
-- only Texts made by i18n.t (templates/) and keyboards made by
-- bot/keyboard.lua are accepted: a raw string raises "text not taken from
-- templates". spec/no_raw_text_spec.lua checks that no other file under
-- scripts/ names a sending method, so there is no way around this file.
--
-- Screens: a list the customer pages through is EDITED in place
-- (editMessageText), so the chat does not fill with old pages; a product
-- card with its photo is a new message (a text message cannot become a
-- photo one). out.show picks the right one for a view.
local i18n = require "i18n"
local keyboard = require "bot.keyboard"
local log = require "log"
local json = require "json"

local M = {}

local TEXT_MAX, CAPTION_MAX = 4096, 1024   -- Telegram's limits, in characters

local function tg() return require "tg" end

-- Cutting at Telegram's limit is the last guard, not a way to fit text:
-- whatever the bot says is made to fit before it gets here, so a cut is
-- logged as the defect it is.
local function text_of(lang, v, max)
  if not i18n.is_text(v) then i18n.str(v) end   -- raises with the offending value
  local cut = i18n.truncate(lang, v, max)
  if cut ~= v then log.warn("text cut at Telegram's limit", { max = max, text = i18n.str(cut):sub(1, 80) }) end
  return i18n.str(cut)
end

-- The options of every send: the text (or caption) and keyboard as ready
-- JSON (tg.call's opts.json; the keyboard's JSON is kept on it,
-- keyboard.json), and unless `keep`, no decoding of the result: Telegram
-- echoes every message back whole, and decoding that was the bot's largest
-- cost per update, so screens nobody refers to again skip it.
local function opts_for(field, str, markup, keep)
  local o = { json = '"' .. field .. '":' .. json.encode(str) }
  if markup ~= nil then o.json = o.json .. ',"reply_markup":' .. keyboard.json(markup) end
  if not keep then o.result = false end
  return o
end

-- Whether a refused send's `code` is for good: 400 or 403 (the person
-- blocked the bot or never started it, the chat is gone) — trying again
-- changes nothing — as opposed to a Bot API down or rate-limited.
function M.final(code) return code == 400 or code == 403 end

-- sendMessage: returns the Message, or nil, err, code. quiet: true instead
-- of the Message.
function M.send(lang, chat_id, text, markup, quiet)
  return tg().send("sendMessage", { chat_id = chat_id },
    opts_for("text", text_of(lang, text, TEXT_MAX), markup, not quiet))
end

-- sendPhoto with our own photo file (media = {key=, path=}): uploaded once,
-- then its file_id is reused (the tg module keeps it).
function M.photo(lang, chat_id, media, caption, markup, quiet)
  return tg().send_photo({ chat_id = chat_id }, media,
    opts_for("caption", text_of(lang, caption, CAPTION_MAX), markup, not quiet))
end

-- sendPhoto of a photo Telegram already has (a florist's bouquet photo,
-- by the file_id their message carried) to another chat.
function M.photo_id(lang, chat_id, file_id, caption, markup)
  return tg().send("sendPhoto", { chat_id = chat_id, photo = file_id },
    opts_for("caption", text_of(lang, caption, CAPTION_MAX), markup, true))
end

-- A file made here (`data`, named `filename`) uploaded as `field` of
-- `method`, with a caption.
local function upload(method, field, lang, chat_id, filename, data, content_type, caption, markup)
  local o = opts_for("caption", text_of(lang, caption, CAPTION_MAX), markup, true)
  o.files = { { name = field, data = data, filename = filename, content_type = content_type } }
  o.timeout = 120
  return tg().send(method, { chat_id = chat_id }, o)
end

-- sendDocument of a file made here: an export. Returns the Message, or
-- nil, err, code.
function M.document(lang, chat_id, filename, data, content_type, caption, markup)
  return upload("sendDocument", "document", lang, chat_id, filename, data,
    content_type or "application/octet-stream", caption, markup)
end

-- sendPhoto of a PNG made here (a chart), not kept for reuse. Returns the
-- Message, or nil, err, code.
function M.photo_png(lang, chat_id, filename, png, caption, markup)
  return upload("sendPhoto", "photo", lang, chat_id, filename, png, "image/png", caption, markup)
end

local function not_modified(err)
  return type(err) == "string" and err:find("message is not modified", 1, true) ~= nil
end

-- {======================================================================
-- Channel posts
-- =======================================================================

-- A channel post's caption is not a Text: it is Telegram HTML that
-- shop.posts.render made from a post template, every value escaped there.
-- This is the one way such HTML reaches Telegram (parse_mode HTML), and it
-- checks again what render promised — tags Telegram knows, within the
-- caption limit — and refuses otherwise: a post is never cut.
local function post_caption(caption)
  local html = require "shop.posts.html"
  if type(caption) ~= "string" then error("a post caption must be the HTML shop.posts.render made", 3) end
  local ok, bad = html.check(caption)
  if not ok then error("post caption is not Telegram HTML: " .. tostring(bad), 3) end
  if html.length(caption) > CAPTION_MAX then error("post caption over Telegram's limit", 3) end
  return caption
end

-- sendPhoto of our own photo (media = {key=, path=}) with a rendered post
-- caption. Returns the Message (its message_id is kept), or nil, err, code.
function M.post(chat_id, media, caption, markup)
  return tg().send_photo({ chat_id = chat_id, parse_mode = "HTML" }, media,
    opts_for("caption", post_caption(caption), markup, true))
end

-- sendPhoto of a photo Telegram already has (a finished work's, by the
-- file_id the marketer's message carried) with a rendered post caption.
-- Returns the Message, or nil, err, code.
function M.post_photo_id(chat_id, file_id, caption, markup)
  return tg().send("sendPhoto", { chat_id = chat_id, photo = file_id, parse_mode = "HTML" },
    opts_for("caption", post_caption(caption), markup, true))
end

-- sendMediaGroup: an album of 2 to 10 photos Telegram already has, the
-- rendered post caption on the first (Telegram shows it under the album).
-- An album takes no keyboard. Returns the Messages, or nil, err, code; the
-- limiter counts one message per photo.
function M.post_album(chat_id, file_ids, caption)
  local media = {}
  for i, id in ipairs(file_ids) do media[i] = { type = "photo", media = id } end
  media[1].caption, media[1].parse_mode = post_caption(caption), "HTML"
  return tg().send("sendMediaGroup", { chat_id = chat_id, media = media })
end

-- editMessageCaption of a post with a newly rendered caption; unchanged
-- counts as success.
function M.post_caption(chat_id, message_id, caption, markup)
  local res, err, code = tg().send("editMessageCaption",
    { chat_id = chat_id, message_id = message_id, parse_mode = "HTML" },
    opts_for("caption", post_caption(caption), markup, true))
  if res or not_modified(err) then return res or true end
  return nil, err, code
end

-- editMessageText; an unchanged message counts as success (the customer
-- pressed the same button twice). quiet: as for M.send.
function M.edit(lang, chat_id, message_id, text, markup, quiet)
  local res, err, code = tg().send("editMessageText", { chat_id = chat_id, message_id = message_id },
    opts_for("text", text_of(lang, text, TEXT_MAX), markup, not quiet))
  if res or not_modified(err) then return res or true end
  return nil, err, code
end

function M.delete(chat_id, message_id)
  return tg().send("deleteMessage", { chat_id = chat_id, message_id = message_id })
end

-- answerCallbackQuery, once per press (the client shows a spinner until
-- then). `text` (optional) is a short toast.
function M.answer(ctx, text)
  if not ctx.cq or ctx.answered then return true end
  ctx.answered = true
  local s
  if text ~= nil then s = text_of(ctx.lang or i18n.DEFAULT_LANG, text, 200) end
  local ok, err, code = tg().answer(ctx.cq, s)
  if not ok then log.debug("answerCallbackQuery failed", { err = err, code = code }) end
  return ok, err, code
end

-- Shows a view to the user of ctx:
--   view.text    Text (the message, or the caption of a photo)
--   view.markup  keyboard (optional)
--   view.photo   {key=, path=} (optional): sent as a photo with caption
--   view.fresh   true: always a new message (a card; a reply to a typed text)
--   view.keep    true: return the Message sent or edited (to keep its
--                message_id); otherwise a success returns true
-- A press on a button of a text message edits that message; anything else
-- sends a new one. An edit that fails (message too old, deleted) falls back
-- to sending.
function M.show(ctx, view)
  local lang = ctx.lang or i18n.DEFAULT_LANG
  local msg = ctx.cq and ctx.cq.message
  local quiet = not view.keep
  if msg and not view.fresh and not view.photo and msg.text and msg.message_id then
    local ok, err, code = M.edit(lang, ctx.chat_id, msg.message_id, view.text, view.markup, quiet)
    if ok then return ok end
    log.info("edit failed, sending instead", { err = err, code = code })
  end
  if view.photo then
    local res, err, code = M.photo(lang, ctx.chat_id, view.photo, view.text, view.markup, quiet)
    if res then return res end
    log.warn("photo failed, sending the card as text", { err = err, code = code, key = view.photo.key })
  end
  local res, err, code = M.send(lang, ctx.chat_id, view.text, view.markup, quiet)
  if not res then log.warn("send failed", { err = err, code = code, chat = ctx.chat_id }) end
  return res, err, code
end

return M
