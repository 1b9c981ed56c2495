-- scripts/bot/deeplink.lua — /start and its payload (t.me/<bot>?start=...).
--
--   /start p_<id>   opens that product's card
--   /start p_<id>_<post>   the same from a channel post's [Order] button,
--                   and the click is counted for that post (bot/channel.lua
--                   makes the link; shop/channel/posts.lua counts)
--   /start c_<id>   opens that category
-- A payload that is malformed, or names something that no longer exists,
-- gets a friendly sentence and the main menu — never an error. A user who
-- has not chosen a language yet is asked first (bot/language.lua's
-- on_start); the link is opened right after the choice.
local i18n = require "i18n"
local log = require "log"
local menu = require "bot.menu"
local channel_posts = require "shop.channel.posts"

local M = {}

local MAX_PAYLOAD = 64          -- Telegram: up to 64 of A-Z a-z 0-9 _ -
local MAX_ID = 999999999999     -- ids are bigint, but a link id this long is junk

local function id_of(s)
  local n = s and #s <= 12 and math.tointeger(tonumber(s))
  if not n or n < 1 or n > MAX_ID then return nil end
  return n
end

-- "p_12" -> "p12", "c_3" -> "c3", "p_12_7" -> "p12_7" (product 12 from
-- channel post 7); a bad payload -> "x"; none -> nil. The short form
-- travels in callback data (language buttons).
function M.parse(payload)
  if payload == nil or payload == "" then return nil end
  if #payload > MAX_PAYLOAD or payload:find("[^%w_%-]") then return "x" end
  local pid, post = payload:match("^p_(%d+)_(%d+)$")
  if pid then
    pid, post = id_of(pid), id_of(post)
    if not pid or not post then return "x" end
    return "p" .. pid .. "_" .. post
  end
  local kind, id = payload:match("^([pc])_(%d+)$")
  id = id_of(id)
  if not kind or not id then return "x" end
  return kind .. id
end

-- The payload of a channel post's [Order] link: at most 1+1+12+1+12 of
-- Telegram's alphabet, well within its 64.
function M.post_payload(product_id, post_id)
  return ("p_%d_%d"):format(product_id, post_id)
end

-- Counts the click when /start's payload came from a channel post. A
-- failure to count never stops the product from opening.
function M.count(ctx, rest)
  local post = (M.target(rest) or ""):match("^p%d+_(%d+)$")
  if not post or not ctx.user or not ctx.user.id then return end
  local ok, err = pcall(channel_posts.click, math.tointeger(tonumber(post)), ctx.user.id)
  if not ok then log.warn("channel post click not counted", { post = post, err = tostring(err) }) end
end

local function unknown(ctx)
  return menu.show(ctx, i18n.t(ctx.lang, "deeplink.unknown"), true)
end

-- Opens a short-form target in new messages (nothing to edit: the link
-- came as a typed /start, or after the language question).
function M.open(ctx, target)
  local kind, id = tostring(target):match("^([pc])(%d+)$")
  if not kind then kind, id = tostring(target):match("^(p)(%d+)_%d+$") end
  id = id and math.tointeger(tonumber(id))
  if kind == "p" and id then
    if require("bot.card").send(ctx, id, { fresh = true }) then return true end
  elseif kind == "c" and id then
    if require("bot.browse").show(ctx, id, 0, { fresh = true }) then return true end
  end
  return unknown(ctx)
end

-- The short-form target of /start's text after the command, or nil.
function M.target(rest) return M.parse(rest and rest:match("^(%S+)")) end

-- /start [payload], once a language is chosen
function M.on_start(ctx, rest)
  local target = M.target(rest)
  if target then return M.open(ctx, target) end
  return menu.show(ctx, nil, true)
end

return M
