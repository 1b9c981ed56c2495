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
--   /work CODE [template] [YYYY-MM-DD HH:MM]   a finished work: the marketer's own
--                                              photos (one, or an album of up to 10)
--                                              showing product CODE (bot/channel/work.lua)
--   cp:ok:<id>, cp:x:<id>                      the preview's buttons
--
-- The records and the schedule are shop/channel/posts.lua; sending a post
-- (a photo with a button, or an album with a link) is bot/channel/base.lua. A post goes out only through M.tick, which claims due rows one by
-- one (a timer of bot/init.lua, and at once after [Publish]), so a post is
-- sent once even with two engine processes, and one missed while the
-- engine was down goes out when it is back. The channel's language is
-- rules/channel.lua's LANG.
local i18n = require "i18n"
local log = require "log"
local rules = require "rules"
local out = require "bot.out"
local card = require "bot.card"
local base = require "bot.channel.base"
local work = require "bot.channel.work"
local catalog = require "shop.catalog"
local posts = require "shop.posts"
local channel_posts = require "shop.channel.posts"
local when = require "shop.channel.when"

local M = {}

local ROLE = base.ROLE
local DEFAULT_TEMPLATE = "product"

local t, say = base.t, base.say

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
  local ids, err, code = base.deliver(row.chat_id, row)
  if ids then
    channel_posts.posted(row.id, ids, err)
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

function M.on_post(ctx, rest)
  local chat = base.channel_id()
  if not chat then return say(ctx, "channel.no_channel") end
  local code, name, at_text = base.parse(rest, DEFAULT_TEMPLATE)
  if not code then return say(ctx, "channel.usage", { templates = base.names() }) end
  local p = base.product_by_code(code)
  if not p then return say(ctx, "channel.no_product", { code = code }) end
  if not card.media(p) then return say(ctx, "channel.no_photo", { code = code }) end
  local at, ok = base.time(ctx, at_text)
  if not ok then return end
  local caption = base.render(ctx, name, p, at)
  if not caption then return end
  return base.preview(ctx, { product_id = p.id, template = name, chat_id = chat, lang = rules.channel.LANG,
                             caption = caption, created_by = ctx.user.id, at = at })
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
-- and edited in place in the channel: the photo's caption, or the album's
-- (its first photo's), with its [Order] link again.
function M.on_edit(ctx, rest)
  local row = post_of(ctx, rest, "channel.edit_usage")
  if not row then return end
  if row.status ~= "posted" or not row.message_id then return say(ctx, "channel.no_post", { id = row.id }) end
  local name = (rest or ""):match("^#?%d+%s+(%S+)") or row.template
  local p = catalog.get().products[row.product_id]
  if not p then return say(ctx, "channel.no_post", { id = row.id }) end
  local caption = base.render(ctx, name, p, row.posted_at)
  if not caption then return end
  local sent, markup, kind, len = base.dress(row.lang, row.product_id, row.id, caption,
                                             row.photos and #row.photos or 1)
  if kind == "too_long" then return say(ctx, "channel.too_long", { length = len, max = posts.CAPTION_MAX }) end
  local ok, err, code
  if sent then ok, err, code = out.post_caption(row.chat_id, row.message_id, sent, markup)
  else err = markup end
  if not ok then
    log.info("channel post edit refused", { post = row.id, err = tostring(err), code = code })
    return say(ctx, "channel.telegram_refused", { reason = tostring(err) })
  end
  channel_posts.recaption(row.id, sent)
  return say(ctx, "channel.edited", { id = row.id })
end

-- A message already gone from the channel (deleted by hand, or by an
-- earlier /post_delete that stopped half-way) is not an error here.
local function gone(err)
  return type(err) == "string" and err:find("message to delete not found", 1, true) ~= nil
end

-- Every message of the post (each photo of an album) deleted from the
-- channel, one deleteMessage each through the outbound limiter; a post not
-- yet out is taken off the schedule.
function M.on_delete(ctx, rest)
  local row = post_of(ctx, rest, "channel.delete_usage")
  if not row then return end
  if row.status == "scheduled" or row.status == "draft" then
    if channel_posts.cancel(row.id) then return say(ctx, "channel.unscheduled", { id = row.id }) end
    row = channel_posts.find(row.id)
  end
  if row.status ~= "posted" or not row.message_id then return say(ctx, "channel.no_post", { id = row.id }) end
  for _, message_id in ipairs(row.message_ids or { row.message_id }) do
    local ok, err, code = out.delete(row.chat_id, message_id)
    if not ok and not gone(err) then
      log.info("channel post delete refused", { post = row.id, message = message_id, err = tostring(err), code = code })
      return say(ctx, "channel.telegram_refused", { reason = tostring(err) })
    end
  end
  channel_posts.deleted(row.id)
  return say(ctx, "channel.deleted", { id = row.id })
end

M.commands = {
  post        = { fn = M.on_post, role = ROLE },
  posts       = { fn = M.on_posts, role = ROLE },
  post_edit   = { fn = M.on_edit, role = ROLE },
  post_delete = { fn = M.on_delete, role = ROLE },
  work        = { fn = work.on_command, role = ROLE },
}

M.callbacks = {
  cp = { fn = M.on_press, role = ROLE },
}

-- The photos of a finished work, while a /work waits for them.
M.on_input = work.on_input
M.input_keys = work.input_keys

return M
