-- scripts/bot/menu.lua — the main menu: the screen every flow returns to.
local i18n = require "i18n"
local keyboard = require "bot.keyboard"
local users = require "shop.users"
local out = require "bot.out"
local checkout_state = require "bot.checkout.state"

local M = {}

-- Keyboards and Texts are never changed once made, and templates only
-- change with a new generation (which loads this file afresh): so the
-- menu's keyboards are made once per language and kind of user, not per
-- update (and the title Text once per language). Markup keys: "<lang>" /
-- "<lang>+staff".
local markups, back_rows, titles = {}, {}, {}

-- The menu's buttons; staff see one more (their panel), and a customer
-- whose checkout is open one on top that takes them back to it.
function M.markup(ctx, open_checkout)
  local staff = users.is_staff(ctx.user)
  local ck = ctx.lang .. (staff and "+staff" or "") .. (open_checkout and "+checkout" or "")
  local m = markups[ck]
  if m then return m end
  local t = function(k) return i18n.t(ctx.lang, k) end
  local rows = {}
  if open_checkout then rows[1] = { keyboard.button(t("menu.continue_checkout"), "o:start") } end
  local common = {
    { keyboard.button(t("menu.catalog"), "c:0:0"), keyboard.button(t("menu.constructor"), "b") },
    { keyboard.button(t("menu.cart"), "k"), keyboard.button(t("menu.orders"), "u") },
    { keyboard.button(t("menu.search"), "sp"), keyboard.button(t("menu.filters"), "f") },
    { keyboard.button(t("menu.language"), "lq") },
  }
  for _, row in ipairs(common) do rows[#rows + 1] = row end
  if staff then
    rows[#rows + 1] = { keyboard.button(t("menu.staff"), "s:panel") }
  end
  m = keyboard.markup(rows)
  markups[ck] = m
  return m
end

-- A one-row keyboard back to the menu, for screens that end a flow.
function M.back_row(ctx)
  local r = back_rows[ctx.lang]
  if not r then
    r = { keyboard.button(i18n.t(ctx.lang, "common.menu"), "m") }
    back_rows[ctx.lang] = r
  end
  return r
end

-- Shows the menu; `lead` (a Text) is said above it ("language saved",
-- "link not recognised"). The menu invites a typed search, so an open
-- checkout stops waiting for typed answers (it is paused) and the menu
-- says so, with the button back to it: typed text goes where the screen
-- says it goes.
function M.show(ctx, lead, fresh)
  local open = ctx.user and checkout_state.pause(ctx.user.id) ~= nil
  local body = titles[ctx.lang]
  if not body then
    body = i18n.t(ctx.lang, "menu.title")
    titles[ctx.lang] = body
  end
  if open then body = i18n.join({ body, i18n.t(ctx.lang, "menu.checkout_open") }, "\n\n") end
  if lead then body = i18n.join({ lead, body }, "\n\n") end
  return out.show(ctx, { text = body, markup = M.markup(ctx, open), fresh = fresh })
end

-- "m" and /menu
function M.on_press(ctx) return M.show(ctx) end
function M.on_command(ctx) return M.show(ctx, nil, true) end

-- /help: what the bot does, and the commands of the roles this person has.
function M.on_help(ctx)
  local parts = { i18n.t(ctx.lang, "help.text") }
  if ctx.user.owner then parts[#parts + 1] = i18n.t(ctx.lang, "help.owner")
  else
    if users.has_role(ctx.user, "manager") then parts[#parts + 1] = i18n.t(ctx.lang, "help.manager") end
    if users.has_role(ctx.user, "accountant") then parts[#parts + 1] = i18n.t(ctx.lang, "help.accountant") end
    if users.has_role(ctx.user, "marketing") then parts[#parts + 1] = i18n.t(ctx.lang, "help.marketing") end
  end
  if ctx.user.owner or users.has_role(ctx.user, "manager") then parts[#parts + 1] = i18n.t(ctx.lang, "stock.help.manager")
  elseif users.has_role(ctx.user, "florist") then parts[#parts + 1] = i18n.t(ctx.lang, "stock.help.florist") end
  return M.show(ctx, i18n.join(parts, "\n\n"), true)
end

return M
