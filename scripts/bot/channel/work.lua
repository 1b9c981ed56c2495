-- scripts/bot/channel/work.lua — a channel post of a finished work: the
-- marketer's own photos of a bouquet the shop made (one photo, or an album
-- of up to 10), with a caption from a post template about the product it
-- shows, whose [Order] link opens that product.
--
--   /work CODE [template] [YYYY-MM-DD HH:MM]   then the photos, as one album or one by one
--
-- /work checks what it can at once (the product, the template, the time,
-- the caption's length with the album's [Order] link) and asks for the
-- photos; bot/channel/album.lua collects them in Redis; once they stop
-- coming the preview is shown (bot/channel/base.lua), and from there it is
-- a post like any other: [Publish] or [Schedule], /posts, /post_edit,
-- /post_delete (bot/channel.lua). An eleventh photo is refused with a
-- message; the first ten stay.
local log = require "log"
local rules = require "rules"
local engine = require "engine"
local timer = require "timer"
local users = require "shop.users"
local posts = require "shop.posts"
local catalog = require "shop.catalog"
local base = require "bot.channel.base"
local album = require "bot.channel.album"

local M = {}

local DEFAULT_TEMPLATE = "work"

local say = base.say

function M.on_command(ctx, rest)
  local chat = base.channel_id()
  if not chat then return say(ctx, "channel.no_channel") end
  local code, name, at_text = base.parse(rest, DEFAULT_TEMPLATE)
  if not code then return say(ctx, "channel.work_usage", { templates = base.names(), max = album.MAX }) end
  local p = base.product_by_code(code)
  if not p then return say(ctx, "channel.no_product", { code = code }) end
  local at, ok = base.time(ctx, at_text)
  if not ok then return end
  local caption = base.render(ctx, name, p, at)
  if not caption then return end
  -- with several photos the caption carries the [Order] link: it must fit too
  local len = base.album_overflow(rules.channel.LANG, caption)
  if len then return say(ctx, "channel.too_long", { length = len, max = posts.CAPTION_MAX }) end
  album.start(ctx.user.id, { pid = p.id, code = p.code, template = name, at = at, chat = chat })
  return say(ctx, "channel.work_send", { code = p.code, max = album.MAX })
end

-- The collection, once its photos stopped coming, as a draft and its preview.
local function preview(ctx, st, photos)
  local p = catalog.get().products[st.pid]
  if not p then return say(ctx, "channel.no_product", { code = st.code or "-" }) end
  local caption = base.render(ctx, st.template, p, st.at)
  if not caption then return end
  if #photos >= 2 then
    local len = base.album_overflow(rules.channel.LANG, caption)
    if len then return say(ctx, "channel.too_long", { length = len, max = posts.CAPTION_MAX }) end
  end
  return base.preview(ctx, { product_id = p.id, template = st.template, chat_id = st.chat,
                             lang = rules.channel.LANG, caption = caption, created_by = ctx.user.id,
                             at = st.at, photos = photos })
end

-- Waits for the photos to stop coming; the wait of the last one shows the
-- preview (album.take says which).
local function when_quiet(ctx, version)
  timer.sleep(rules.channel.ALBUM_QUIET_SECONDS)
  local st, photos = album.take(ctx.user.id, version)
  if st then return preview(ctx, st, photos) end
end

function M.input_keys(ctx) return { album.key(ctx.user.id) } end

-- A photo while a /work waits for them: taken (or refused past ten).
function M.on_input(ctx)
  local file_id = require("tg").photo_id(ctx.msg)
  if not file_id or not album.state(ctx.user.id) then return false end
  if not users.has_role(ctx.user, base.ROLE) then return false end
  local version, why = album.add(ctx.user.id, ctx.msg.message_id, file_id)
  if why == "none" then return false end
  if why == "full" then
    say(ctx, "channel.work_too_many", { max = album.MAX })
    return true
  end
  engine.spawn(function()
    local ok, err = xpcall(when_quiet, debug.traceback, ctx, version)
    if not ok then log.error("channel work preview failed", { user = ctx.user.id, err = tostring(err) }) end
  end)
  return true
end

return M
