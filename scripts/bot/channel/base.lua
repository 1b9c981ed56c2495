-- scripts/bot/channel/base.lua — what a post of a product's photo
-- (bot/channel.lua, /post) and a post of a finished work's photos
-- (bot/channel/work.lua, /work) share: the channel's id, the command's
-- words, the caption from a template, the [Order] deep link, sending a post
-- (to the channel, or to the marketer as the preview) and the preview's
-- question.
--
-- How a post goes out depends on its photos (channel_posts.photos):
--   none       the product's own photo (sendPhoto, uploaded once), caption, [Order] button
--   one        the marketer's photo by its file_id (sendPhoto), caption, [Order] button
--   2 to 10    an album (sendMediaGroup); an album cannot carry a keyboard,
--              so [Order] is a link on the caption's last line (shop.posts.with_link),
--              and the caption rides on the first photo, which Telegram shows under the album
local i18n = require "i18n"
local log = require "log"
local rules = require "rules"
local config = require "config"
local keyboard = require "bot.keyboard"
local out = require "bot.out"
local card = require "bot.card"
local deeplink = require "bot.deeplink"
local catalog = require "shop.catalog"
local posts = require "shop.posts"
local channel_posts = require "shop.channel.posts"
local when = require "shop.channel.when"

local M = {}

M.ROLE = { "marketing", "manager" }   -- who posts (owners pass every role check)

function M.t(ctx, k, vars) return i18n.t(ctx.lang, k, vars) end
function M.say(ctx, k, vars) return out.show(ctx, { text = M.t(ctx, k, vars), fresh = true }) end

-- The channel's numeric id (channel_posts.chat_id): SHOP_CHANNEL_ID as a
-- number, or an @name resolved once per generation by getChat.
local resolved

function M.channel_id()
  local v = config.shop_channel_id
  if not v or v == "" then return nil end
  local n = math.tointeger(tonumber(v))
  if n then return n end
  if not resolved then
    local chat, err = require("tg").call("getChat", { chat_id = v })
    if type(chat) ~= "table" or not math.tointeger(chat.id) then
      log.warn("SHOP_CHANNEL_ID not resolved", { chat = v, err = tostring(err) })
      return nil
    end
    resolved = chat.id
  end
  return resolved
end

-- {======================================================================
-- The [Order] link
-- =======================================================================

local username   -- the bot's, from getMe, once per generation

local function bot_username()
  if username then return username end
  local me, err = require("tg").call("getMe")
  if type(me) ~= "table" or type(me.username) ~= "string" then return nil, err or "getMe has no username" end
  username = me.username
  return username
end

-- https://t.me/<bot>?start=p_<product>_<post>, or nil, why when the bot's
-- username is unknown.
function M.order_url(product_id, post_id)
  local name, err = bot_username()
  if not name then return nil, err end
  return "https://t.me/" .. name .. "?start=" .. deeplink.post_payload(product_id, post_id)
end

-- The post's keyboard: [Order] opening product_id in the bot, counted
-- for post_id. nil, why when the bot's username is unknown.
function M.markup(lang, product_id, post_id)
  local url, err = M.order_url(product_id, post_id)
  if not url then return nil, err end
  return keyboard.markup { { keyboard.url_button(i18n.t(lang, "channel.order_button"), url) } }
end

local function order_label(lang) return i18n.str(i18n.t(lang, "channel.order_button")) end

-- Whether caption still fits Telegram's limit once an album's [Order]
-- link is added (its address does not count, so any will do): nil when it
-- does, else the length it would have.
function M.album_overflow(lang, caption)
  local _, _, kind, len = posts.with_link(caption, order_label(lang), "https://t.me/")
  if kind == "too_long" then return len end
  return nil
end

-- The caption and keyboard a post of `n` photos is sent with: the
-- template's caption and the [Order] button, or for an album the caption
-- with the [Order] link and no keyboard. nil, why[, "too_long", length].
function M.dress(lang, product_id, post_id, caption, n)
  if (n or 1) < 2 then
    local markup, err = M.markup(lang, product_id, post_id)
    if not markup then return nil, err end
    return caption, markup
  end
  local url, err = M.order_url(product_id, post_id)
  if not url then return nil, err end
  return posts.with_link(caption, order_label(lang), url)
end

-- {======================================================================
-- Sending a post
-- =======================================================================

-- Sends post `row` (a channel_posts row: id, product_id, lang, caption,
-- photos) to chat_id, the channel or the marketer's preview. Returns the
-- ids of every message it became (in order) and the caption as sent, or
-- nil, why, code.
function M.deliver(chat_id, row)
  local photos = row.photos
  local n = photos and #photos or 1
  local caption, markup, _, len = M.dress(row.lang, row.product_id, row.id, row.caption, n)
  if not caption then
    return nil, len and ("the caption with its [Order] link is " .. len .. " characters") or markup
  end
  local res, err, code
  if n >= 2 then
    res, err, code = out.post_album(chat_id, photos, caption)
    if type(res) ~= "table" or not res[1] then return nil, err or "no messages", code end
    local ids = {}
    for i, m in ipairs(res) do ids[i] = m.message_id end
    return ids, caption
  end
  if photos then
    res, err, code = out.post_photo_id(chat_id, photos[1], caption, markup)
  else
    local p = catalog.get().products[row.product_id]
    local media = p and card.media(p)
    if not media then return nil, "the product or its photo is gone" end
    res, err, code = out.post(chat_id, media, caption, markup)
  end
  if not (res and res.message_id) then return nil, err or "no message", code end
  return { res.message_id }, caption
end

-- {======================================================================
-- The command's words, the caption, the preview
-- =======================================================================

function M.names() return table.concat(posts.names(), ", ") end

-- "CODE [template] [YYYY-MM-DD HH:MM]" -> code, template (or the default), time text
function M.parse(rest, default_template)
  local words = {}
  for w in (rest or ""):gmatch("%S+") do words[#words + 1] = w end
  local code = words[1]
  local template, i = default_template, 2
  if words[2] and not words[2]:match("^%d%d%d%d%-") then template, i = words[2], 3 end
  local at = #words >= i and table.concat(words, " ", i) or nil
  return code, template, at
end

function M.product_by_code(code)
  local c = catalog.get()
  return c.by_code[code] or c.by_code[code:upper()] or c.by_code[code:lower()]
end

-- The time typed after the command as epoch seconds: at (nil when none was
-- typed), true; or nil, false after telling ctx what is wrong with it.
function M.time(ctx, text)
  if not text then return nil, true end
  local at, why = when.parse(text, os.time())
  if at then return at, true end
  if why == "far" then M.say(ctx, "channel.far_time", { days = rules.channel.SCHEDULE_DAYS })
  else M.say(ctx, why == "past" and "channel.past_time" or "channel.bad_time") end
  return nil, false
end

local function known_template(name)
  for _, n in ipairs(posts.names()) do if n == name then return true end end
  return false
end

-- The caption of template `name` for product p, on the day `at` (or
-- today), in the channel's language; or nil after telling ctx why.
function M.render(ctx, name, p, at)
  if not known_template(name) then M.say(ctx, "channel.no_template", { name = name, templates = M.names() }); return nil end
  local caption, why, kind, len = posts.render(name, p, rules.channel.LANG,
    { date = rules.slots.local_date(at or os.time()) })
  if caption then return caption end
  if kind == "too_long" then M.say(ctx, "channel.too_long", { length = len, max = posts.CAPTION_MAX })
  else M.say(ctx, "channel.render_failed", { reason = why }) end
  return nil
end

-- A new draft (d as for shop.channel.posts.draft) shown to the marketer
-- exactly as the channel will show it, then [Publish]/[Schedule] [Cancel].
-- A draft Telegram refuses is cancelled and the marketer told why.
function M.preview(ctx, d)
  local id = channel_posts.draft(d)
  local row = channel_posts.find(id)
  local ok, err = M.deliver(ctx.chat_id, row)
  if not ok then
    channel_posts.cancel(id)
    return M.say(ctx, "channel.telegram_refused", { reason = tostring(err) })
  end
  local at = d.at
  local question = at and M.t(ctx, "channel.preview_at", { id = id, at = when.format(at) })
                      or M.t(ctx, "channel.preview_now", { id = id })
  return out.show(ctx, { text = question, fresh = true, markup = keyboard.markup {
    { keyboard.button(M.t(ctx, at and "channel.schedule" or "channel.publish"), keyboard.cb("cp", "ok", id)),
      keyboard.button(M.t(ctx, "channel.cancel"), keyboard.cb("cp", "x", id)) } } })
end

return M
