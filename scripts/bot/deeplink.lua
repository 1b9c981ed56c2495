-- scripts/bot/deeplink.lua — /start and its payload (t.me/<bot>?start=...).
--
--   /start p_<id>   opens that product's card (the channel's "Order" button)
--   /start c_<id>   opens that category
-- A payload that is malformed, or names something that no longer exists,
-- gets a friendly sentence and the main menu — never an error. A user who
-- has not chosen a language yet is asked first (bot/language.lua's
-- on_start); the link is opened right after the choice.
local i18n = require "i18n"
local menu = require "bot.menu"

local M = {}

local MAX_PAYLOAD = 64          -- Telegram: up to 64 of A-Z a-z 0-9 _ -
local MAX_ID = 999999999999     -- ids are bigint, but a link id this long is junk

-- "p_12" -> "p12", "c_3" -> "c3"; a bad payload -> "x"; none -> nil.
-- The short form travels in callback data (language buttons).
function M.parse(payload)
  if payload == nil or payload == "" then return nil end
  if #payload > MAX_PAYLOAD or payload:find("[^%w_%-]") then return "x" end
  local kind, id = payload:match("^([pc])_(%d+)$")
  id = id and #id <= 12 and tonumber(id)
  if not kind or not id or id < 1 or id > MAX_ID then return "x" end
  return kind .. math.tointeger(id)
end

local function unknown(ctx)
  return menu.show(ctx, i18n.t(ctx.lang, "deeplink.unknown"), true)
end

-- Opens a short-form target in new messages (nothing to edit: the link
-- came as a typed /start, or after the language question).
function M.open(ctx, target)
  local kind, id = tostring(target):match("^([pc])(%d+)$")
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
