-- scripts/bot/roles.lua — the owner's commands for staff roles, and the
-- staff panel.
--
--   /grant <tg_id> <role>    /revoke <tg_id> <role>    /roles [tg_id]
--
-- Roles: florist, courier, manager, accountant, marketing. Only owners
-- (OWNER_TG_IDS) may run these; bot/router.lua checks the role each handler
-- declares before calling it, for commands and for "s:" buttons alike.
local i18n = require "i18n"
local log = require "log"
local keyboard = require "bot.keyboard"
local users = require "shop.users"
local out = require "bot.out"
local menu = require "bot.menu"

local M = {}

local function role_name(lang, role) return i18n.t(lang, "role." .. role) end

local function role_list(lang, roles)
  local names = {}
  for i, r in ipairs(roles) do
    names[i] = i18n.t(lang, "roles.item", { code = r, name = role_name(lang, r) })
  end
  return i18n.join(names, ", ")
end

local function say(ctx, key, vars)
  return out.show(ctx, { text = i18n.t(ctx.lang, key, vars), fresh = true })
end

local function usage(ctx)
  return say(ctx, "roles.usage", { roles = role_list(ctx.lang, users.STAFF_ROLES) })
end

-- "<tg_id> <role>" -> tg_id, role | nil (and the reply was sent)
local function parse(ctx, rest)
  local id, role = (rest or ""):match("^%s*(%S+)%s+(%S+)%s*$")
  if not id then usage(ctx); return nil end
  local tg_id = id:find("^%d+$") and math.tointeger(tonumber(id))
  if not tg_id or #id > 15 then say(ctx, "roles.bad_id"); return nil end
  role = role:lower()
  if not users.grantable(role) then
    say(ctx, "roles.bad_role", { role = role, roles = role_list(ctx.lang, users.STAFF_ROLES) })
    return nil
  end
  return tg_id, role
end

-- Tells the person concerned, in their language, if they have one (they
-- may never have written to the bot: then Telegram refuses, and that is
-- fine).
local function notify(tg_id, key, role)
  local u = users.find(tg_id)
  if not u or not u.lang then return end
  local ok, err = out.send(u.lang, tg_id, i18n.t(u.lang, key, { role = role_name(u.lang, role) }))
  if not ok then log.info("role notice not delivered", { tg_id = tg_id, err = err }) end
end

-- /grant <tg_id> <role>
function M.on_grant(ctx, rest)
  local tg_id, role = parse(ctx, rest)
  if not tg_id then return end
  local res, err = users.grant(ctx.user, tg_id, role)
  if not res then error("grant failed: " .. tostring(err)) end
  log.info("role granted", { by = ctx.user.tg_id, tg_id = tg_id, role = role, result = res })
  say(ctx, res == "granted" and "roles.granted" or "roles.already",
    { tg_id = tg_id, role = role_name(ctx.lang, role) })
  if res == "granted" then notify(tg_id, "roles.you_granted", role) end
end

-- /revoke <tg_id> <role>
function M.on_revoke(ctx, rest)
  local tg_id, role = parse(ctx, rest)
  if not tg_id then return end
  local res, err = users.revoke(ctx.user, tg_id, role)
  if not res then error("revoke failed: " .. tostring(err)) end
  log.info("role revoked", { by = ctx.user.tg_id, tg_id = tg_id, role = role, result = res })
  say(ctx, res == "revoked" and "roles.revoked" or "roles.not_had",
    { tg_id = tg_id, role = role_name(ctx.lang, role) })
  if res == "revoked" then notify(tg_id, "roles.you_revoked", role) end
end

-- The staff list with a revoke button per role held.
local function staff_view(ctx, lead)
  local lang = ctx.lang
  local staff = users.staff()
  local lines, rows = {}, {}
  if lead then lines[#lines + 1] = lead end
  if #staff == 0 then
    lines[#lines + 1] = i18n.t(lang, "staff.list_empty")
  else
    lines[#lines + 1] = i18n.t(lang, "staff.list_title")
    for _, s in ipairs(staff) do
      local who = s.name or tostring(s.tg_id)
      lines[#lines + 1] = i18n.t(lang, "staff.list_line",
        { name = who, tg_id = s.tg_id, role = role_name(lang, s.role) })
      rows[#rows + 1] = { keyboard.button(i18n.t(lang, "staff.revoke_button",
        { name = who, role = role_name(lang, s.role) }), keyboard.cb("s", "rv", s.tg_id, s.role)) }
    end
  end
  rows[#rows + 1] = menu.back_row(ctx)
  return { text = i18n.join(lines, "\n"), markup = keyboard.markup(rows) }
end

-- /roles [tg_id]
function M.on_roles(ctx, rest)
  local id = (rest or ""):match("^%s*(%d+)%s*$")
  if not id then
    if rest and rest:find("%S") then return usage(ctx) end
    local view = staff_view(ctx)
    view.fresh = true
    return out.show(ctx, view)
  end
  local tg_id = math.tointeger(tonumber(id))
  local u = tg_id and users.find(tg_id)
  if not u or #u.roles == 0 then return say(ctx, "roles.none", { tg_id = id }) end
  return say(ctx, "roles.list", { tg_id = id, roles = role_list(ctx.lang, u.roles) })
end

-- "s:panel": what a staff member sees behind the menu's staff button.
function M.on_panel(ctx)
  local lang = ctx.lang
  local roles = {}
  for _, r in ipairs(ctx.user.roles) do roles[#roles + 1] = r end
  if ctx.user.owner then table.insert(roles, 1, "owner") end
  local rows = {}
  if ctx.user.owner then
    rows[#rows + 1] = { keyboard.button(i18n.t(lang, "staff.list_button"), "s:list") }
  end
  rows[#rows + 1] = menu.back_row(ctx)
  return out.show(ctx, { text = i18n.t(lang, "staff.panel", { roles = role_list(lang, roles) }),
                         markup = keyboard.markup(rows) })
end

-- "s:list"
function M.on_list(ctx) return out.show(ctx, staff_view(ctx)) end

-- "s:rv:<tg_id>:<role>"
function M.on_revoke_press(ctx, args)
  local tg_id, role = math.tointeger(tonumber(args[3])), args[4]
  if not tg_id or not users.grantable(role) then return out.show(ctx, staff_view(ctx)) end
  local res, err = users.revoke(ctx.user, tg_id, role)
  if not res then error("revoke failed: " .. tostring(err)) end
  if res == "revoked" then notify(tg_id, "roles.you_revoked", role) end
  return out.show(ctx, staff_view(ctx, i18n.t(ctx.lang, res == "revoked" and "roles.revoked" or "roles.not_had",
    { tg_id = tg_id, role = role_name(ctx.lang, role) })))
end

return M
