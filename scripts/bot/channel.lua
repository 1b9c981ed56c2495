-- scripts/bot/channel.lua — the marketer's channel posts (and the
-- manager's and owner's): a product's photo with a caption from a post
-- template (templates/posts/, shop/posts.lua) and an [Order] button that
-- is a deep link back into the bot counting the click for that post.
-- A feature module (bot/router.lua); every entry declares its role.
--
--   /post CODE [template] [YYYY-MM-DD HH:MM]   a preview here, [Publish] [Cancel]
--   /posts                                     the latest posts, clicks and orders
--   /post_edit ID [template]                   the caption rendered again, edited in place
--   /post_delete ID                            deleted from the channel (or unscheduled)
--   cp:ok:<id>, cp:x:<id>                      the preview's buttons
--
-- The records and the schedule are shop/channel/posts.lua; this file
-- sends. A post goes out only through M.tick, which claims due rows one by
-- one (a timer of bot/init.lua, and at once after [Publish]), so a post is
-- sent once even with two engine processes, and one missed while the
-- engine was down goes out when it is back. The channel's language is
-- rules/channel.lua's LANG.
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

local ROLE = { "marketing", "manager" }   -- owners pass every role check
local DEFAULT_TEMPLATE = "product"

local function t(ctx, k, vars) return i18n.t(ctx.lang, k, vars) end
local function say(ctx, k, vars) return out.show(ctx, { text = t(ctx, k, vars), fresh = true }) end

-- The channel's numeric id (channel_posts.chat_id): SHOP_CHANNEL_ID as a
-- number, or an @name resolved once per generation by getChat.
local resolved

local function channel_id()
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

-- The post's keyboard: [Order] opening product_id in the bot, counted
-- for post_id. nil, why when the bot's username is unknown.
function M.markup(lang, product_id, post_id)
  local name, err = bot_username()
  if not name then return nil, err end
  local url = "https://t.me/" .. name .. "?start=" .. deeplink.post_payload(product_id, post_id)
  return keyboard.markup { { keyboard.url_button(i18n.t(lang, "channel.order_button"), url) } }
end

-- {======================================================================
-- Sending (the job)
-- =======================================================================

local function tell_creator(row, key, vars)
  if not row.creator_tg then return end
  local lang = i18n.valid(row.creator_lang) and row.creator_lang or rules.channel.LANG
  local ok, err = out.send(lang, row.creator_tg, i18n.t(lang, key, vars), nil, true)
  if not ok then log.info("channel post news not delivered", { post = row.id, err = tostring(err) }) end
end

-- Sends one claimed row; the row is posted or failed afterwards.
local function send(row)
  local p = catalog.get().products[row.product_id]
  local media = p and card.media(p)
  local markup, err = M.markup(row.lang, row.product_id, row.id)
  local res, code
  if not media then err = "the product or its photo is gone"
  elseif markup then res, err, code = out.post(row.chat_id, media, row.caption, markup) end
  if res and res.message_id then
    channel_posts.posted(row.id, res.message_id, row.caption)
    tell_creator(row, "channel.published", { id = row.id })
    return true
  end
  log.warn("channel post failed", { post = row.id, err = tostring(err), code = code })
  channel_posts.failed(row.id, err or "no message")
  tell_creator(row, "channel.failed", { id = row.id, reason = tostring(err or "-") })
  return false
end

-- Posts every post whose time has come, one claimed row at a time.
function M.tick()
  while true do
    local ok, row = pcall(channel_posts.claim_due)
    if not ok then log.warn("channel posts: claiming failed", { err = tostring(row) }); return end
    if not row then return end
    local sent, err = pcall(send, row)
    if not sent then
      log.error("channel post raised", { post = row.id, err = tostring(err) })
      pcall(channel_posts.failed, row.id, err)
    end
  end
end

-- {======================================================================
-- /post and its preview
-- =======================================================================

local function names() return table.concat(posts.names(), ", ") end

-- "CODE [template] [YYYY-MM-DD HH:MM]" -> code, template, time text
local function parse(rest)
  local words = {}
  for w in (rest or ""):gmatch("%S+") do words[#words + 1] = w end
  local code = words[1]
  local template, i = DEFAULT_TEMPLATE, 2
  if words[2] and not words[2]:match("^%d%d%d%d%-") then template, i = words[2], 3 end
  local at = #words >= i and table.concat(words, " ", i) or nil
  return code, template, at
end

local function product_by_code(code)
  local c = catalog.get()
  return c.by_code[code] or c.by_code[code:upper()] or c.by_code[code:lower()]
end

local function known_template(name)
  for _, n in ipairs(posts.names()) do if n == name then return true end end
  return false
end

-- The caption of template `name` for product p, on the day `at` (or
-- today), in the channel's language; or nil after telling ctx why.
local function render(ctx, name, p, at)
  if not known_template(name) then say(ctx, "channel.no_template", { name = name, templates = names() }); return nil end
  local caption, why, kind, len = posts.render(name, p, rules.channel.LANG,
    { date = rules.slots.local_date(at or os.time()) })
  if caption then return caption end
  if kind == "too_long" then say(ctx, "channel.too_long", { length = len, max = posts.CAPTION_MAX })
  else say(ctx, "channel.render_failed", { reason = why }) end
  return nil
end

function M.on_post(ctx, rest)
  local chat = channel_id()
  if not chat then return say(ctx, "channel.no_channel") end
  local code, name, at_text = parse(rest)
  if not code then return say(ctx, "channel.usage", { templates = names() }) end
  local p = product_by_code(code)
  if not p then return say(ctx, "channel.no_product", { code = code }) end
  local media = card.media(p)
  if not media then return say(ctx, "channel.no_photo", { code = code }) end
  local at
  if at_text then
    local why
    at, why = when.parse(at_text, os.time())
    if not at then
      if why == "far" then return say(ctx, "channel.far_time", { days = rules.channel.SCHEDULE_DAYS }) end
      return say(ctx, why == "past" and "channel.past_time" or "channel.bad_time")
    end
  end
  local caption = render(ctx, name, p, at)
  if not caption then return end
  local lang = rules.channel.LANG
  local id = channel_posts.draft { product_id = p.id, template = name, chat_id = chat, lang = lang,
                                   caption = caption, created_by = ctx.user.id, at = at }
  local markup, err = M.markup(lang, p.id, id)
  if not markup then
    channel_posts.cancel(id)
    return say(ctx, "channel.telegram_refused", { reason = tostring(err) })
  end
  -- the post exactly as the channel will show it, then the question
  local res, perr = out.post(ctx.chat_id, media, caption, markup)
  if not res then
    channel_posts.cancel(id)
    return say(ctx, "channel.telegram_refused", { reason = tostring(perr) })
  end
  local question = at and t(ctx, "channel.preview_at", { id = id, at = when.format(at) })
                      or t(ctx, "channel.preview_now", { id = id })
  return out.show(ctx, { text = question, fresh = true, markup = keyboard.markup {
    { keyboard.button(t(ctx, at and "channel.schedule" or "channel.publish"), keyboard.cb("cp", "ok", id)),
      keyboard.button(t(ctx, "channel.cancel"), keyboard.cb("cp", "x", id)) } } })
end

-- "cp:ok:<id>" / "cp:x:<id>"
function M.on_press(ctx, args)
  local id = math.tointeger(tonumber(args[3]))
  if not id then return out.answer(ctx, t(ctx, "common.stale")) end
  if args[2] == "x" then
    if not channel_posts.cancel(id) then return say(ctx, "channel.not_draft", { id = id }) end
    out.answer(ctx)
    return out.show(ctx, { text = t(ctx, "channel.cancelled", { id = id }) })
  end
  if args[2] ~= "ok" then return out.answer(ctx, t(ctx, "common.stale")) end
  local row = channel_posts.schedule(id)
  if not row then return say(ctx, "channel.not_draft", { id = id }) end
  out.answer(ctx)
  if row.scheduled_at > os.time() then
    return out.show(ctx, { text = t(ctx, "channel.scheduled", { id = id, at = when.format(row.scheduled_at) }) })
  end
  -- due now: posted from here rather than at the next tick; the creator
  -- is told by the job (channel.published), as for a scheduled one
  return M.tick()
end

-- {======================================================================
-- /posts, /post_edit, /post_delete
-- =======================================================================

function M.on_posts(ctx)
  local rows = channel_posts.recent(rules.channel.RECENT)
  if not rows[1] then return say(ctx, "channel.list_none") end
  local parts = { t(ctx, "channel.list_title") }
  for _, r in ipairs(rows) do
    parts[#parts + 1] = t(ctx, "channel.list_item", { id = r.id, code = r.code or "-",
      at = when.format(r.posted_at or r.scheduled_at), status = t(ctx, "channel.status." .. r.status),
      clicks = r.clicks, orders = r.orders })
  end
  parts[#parts + 1] = t(ctx, "channel.list_hint")
  return out.show(ctx, { text = i18n.join(parts, "\n\n"), fresh = true })
end

local function post_of(ctx, rest, usage)
  local id = math.tointeger(tonumber((rest or ""):match("^#?(%d+)")))
  if not id then say(ctx, usage); return nil end
  local row = channel_posts.find(id)
  if not row then say(ctx, "channel.no_post", { id = id }); return nil end
  return row
end

-- The caption rendered again (the template as it is now, or another one)
-- and edited in place in the channel.
function M.on_edit(ctx, rest)
  local row = post_of(ctx, rest, "channel.edit_usage")
  if not row then return end
  if row.status ~= "posted" or not row.message_id then return say(ctx, "channel.no_post", { id = row.id }) end
  local name = (rest or ""):match("^#?%d+%s+(%S+)") or row.template
  local p = catalog.get().products[row.product_id]
  if not p then return say(ctx, "channel.no_post", { id = row.id }) end
  local caption = render(ctx, name, p, row.posted_at)
  if not caption then return end
  local markup, err = M.markup(row.lang, row.product_id, row.id)
  local ok, code
  if markup then ok, err, code = out.post_caption(row.chat_id, row.message_id, caption, markup) end
  if not ok then
    log.info("channel post edit refused", { post = row.id, err = tostring(err), code = code })
    return say(ctx, "channel.telegram_refused", { reason = tostring(err) })
  end
  channel_posts.recaption(row.id, caption)
  return say(ctx, "channel.edited", { id = row.id })
end

function M.on_delete(ctx, rest)
  local row = post_of(ctx, rest, "channel.delete_usage")
  if not row then return end
  if row.status == "scheduled" or row.status == "draft" then
    if channel_posts.cancel(row.id) then return say(ctx, "channel.unscheduled", { id = row.id }) end
    row = channel_posts.find(row.id)
  end
  if row.status ~= "posted" or not row.message_id then return say(ctx, "channel.no_post", { id = row.id }) end
  local ok, err, code = out.delete(row.chat_id, row.message_id)
  if not ok then
    log.info("channel post delete refused", { post = row.id, err = tostring(err), code = code })
    return say(ctx, "channel.telegram_refused", { reason = tostring(err) })
  end
  channel_posts.deleted(row.id)
  return say(ctx, "channel.deleted", { id = row.id })
end

M.commands = {
  post        = { fn = M.on_post, role = ROLE },
  posts       = { fn = M.on_posts, role = ROLE },
  post_edit   = { fn = M.on_edit, role = ROLE },
  post_delete = { fn = M.on_delete, role = ROLE },
}

M.callbacks = {
  cp = { fn = M.on_press, role = ROLE },
}

return M
