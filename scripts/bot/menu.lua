-- scripts/bot/menu.lua — the main menu: the screen every flow returns to.
local i18n = require "i18n"
local keyboard = require "bot.keyboard"
local users = require "bot.users"
local out = require "bot.out"

local M = {}

-- The menu's buttons; staff see one more (their panel).
function M.markup(ctx)
  local t = function(k) return i18n.t(ctx.lang, k) end
  local rows = {
    { keyboard.button(t("menu.catalog"), "c:0:0") },
    { keyboard.button(t("menu.search"), "S"), keyboard.button(t("menu.filters"), "f") },
    { keyboard.button(t("menu.language"), "L") },
  }
  if users.is_staff(ctx.user) then
    rows[#rows + 1] = { keyboard.button(t("menu.staff"), "s:panel") }
  end
  return keyboard.markup(rows)
end

-- A one-row keyboard back to the menu, for screens that end a flow.
function M.back_row(ctx)
  return { keyboard.button(i18n.t(ctx.lang, "common.menu"), "m") }
end

-- Shows the menu; `lead` (a Text) is said above it ("language saved",
-- "link not recognised").
function M.show(ctx, lead, fresh)
  local body = i18n.t(ctx.lang, "menu.title")
  if lead then body = i18n.join({ lead, body }, "\n\n") end
  return out.show(ctx, { text = body, markup = M.markup(ctx), fresh = fresh })
end

-- "m" and /menu
function M.on_press(ctx) return M.show(ctx) end
function M.on_command(ctx) return M.show(ctx, nil, true) end

function M.on_help(ctx)
  return M.show(ctx, i18n.t(ctx.lang, "help.text"), true)
end

return M
