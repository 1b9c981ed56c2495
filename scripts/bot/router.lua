-- scripts/bot/router.lua — one Telegram update in, the right handler out.
--
-- Every handler is listed here with what it needs: a chosen language
-- (most do; /start and the language buttons do not) and a role (staff
-- commands and every "s:" button). The check happens here, once, before
-- the handler runs, so no handler can forget it: a client pressing a staff
-- button — an old one after their role was revoked, or a forwarded one —
-- gets a polite refusal and nothing else.
--
-- handle() is what the tg module calls for each update. A Lua error inside
-- ends this update only: it is logged with the update id and traceback and
-- the user gets templates' error.generic in their language.
local i18n = require "i18n"
local log = require "log"
local engine = require "engine"
local timer = require "timer"
local keyboard = require "bot.keyboard"
local callbacks = require "bot.callbacks"
local users = require "shop.users"
local out = require "bot.out"
local prefetch = require "bot.prefetch"
local menu = require "bot.menu"
local language = require "bot.language"
local browse = require "bot.browse"
local card = require "bot.card"
local search = require "bot.search"
local filters = require "bot.filters"
local roles = require "bot.roles"

local M = {}

-- The purchase (cart, constructor, checkout, orders, the florists' and
-- couriers' work) lives in feature modules, each owning its buttons. A
-- feature module may export, all optional:
--   commands  = { name = entry }      /name in a private chat
--   callbacks = { prefix = entry }    buttons in a private chat, by callback_data's first part
--   staff     = { action = entry }    "s:<action>:..." buttons, in any chat (channel, group)
--   on_input  = function(ctx) -> true when it took the message
--               (a private message that is not a command: text, contact,
--               location, photo), asked in FEATURES order before search
--   input_keys = function(ctx) -> { redis_key, ... }: what its on_input
--               reads with prefetch.get; the keys of all features are
--               fetched in one round trip before on_input is asked
-- An entry is { fn = function(ctx, args_or_rest), role = "florist"|...,
-- any_lang = true }. Names must not collide: checked when this file loads.
local FEATURES = { "bot.csv_upload", "bot.checkout", "bot.cart", "bot.constructor", "bot.orders", "bot.staff_orders",
                   "bot.assign", "bot.pay", "bot.payments_report", "bot.inventory", "bot.channel",
                   "bot.report", "bot.sales", "bot.feedback", "bot.reminders", "bot.product_admin",
                   "bot.product_new", "bot.categories_admin", "bot.substitution" }

local NO_LANG = { any_lang = true }

local function h(fn, opts)
  local e = { fn = fn }
  for k, v in pairs(opts or {}) do e[k] = v end
  return e
end

-- /commands (the text after the command is passed as `rest`)
local COMMANDS = {
  start   = h(language.on_start, NO_LANG),
  lang    = h(language.on_command, NO_LANG),
  menu    = h(menu.on_command),
  help    = h(menu.on_help),
  catalog = h(browse.on_command),
  search  = h(search.on_command),
  grant   = h(roles.on_grant, { role = "owner" }),
  revoke  = h(roles.on_revoke, { role = "owner" }),
  roles   = h(roles.on_roles, { role = "owner" }),
}

-- Button presses by the first part of callback_data (bot/keyboard.lua).
local CALLBACKS = {
  l  = h(language.on_choose, NO_LANG),
  lq = h(language.on_ask, NO_LANG),
  m  = h(menu.on_press),
  c  = h(browse.on_press),
  p  = h(card.on_press),
  x  = h(card.on_close),
  sp = h(search.on_prompt),
  q  = h(search.on_press),
  f  = h(filters.on_screen),
  fc = h(filters.on_pick_colour),
  fo = h(filters.on_pick_occasion),
  fp = h(filters.on_pick_price),
  r  = h(filters.on_results),
  n  = h(function() end, NO_LANG),   -- the page label: nothing to do
}

-- "s:<action>:..." — staff only, each with its role.
local STAFF = {
  panel = h(roles.on_panel, { role = "staff" }),
  list  = h(roles.on_list, { role = "owner" }),
  rv    = h(roles.on_revoke_press, { role = "owner" }),
}

-- Each feature's tables joined into the router's; a clash is a programming
-- error that stops the generation from loading (the old one keeps serving).
local INPUTS = {}
local INPUT_KEYS = {}
local function join(into, from, what, name)
  for k, e in pairs(from or {}) do
    if into[k] then error(("%s: %s %q is taken already"):format(name, what, k), 0) end
    into[k] = e
  end
end
for _, name in ipairs(FEATURES) do
  local f = require(name)
  join(COMMANDS, f.commands, "command", name)
  join(CALLBACKS, f.callbacks, "button prefix", name)
  join(STAFF, f.staff, "staff action", name)
  if f.on_input then INPUTS[#INPUTS + 1] = f.on_input end
  if f.input_keys then INPUT_KEYS[#INPUT_KEYS + 1] = f.input_keys end
end
-- every prefix routed is one the registry lists (bot/callbacks.lua)
for prefix in pairs(CALLBACKS) do
  if not callbacks.PREFIXES[prefix] then
    error(("button prefix %q is not in bot/callbacks.lua"):format(prefix), 0)
  end
end

-- Every entry the router serves, read-only, for the role matrix spec: a
-- list of { kind = "command"|"callback"|"staff", name =, role = } (role nil
-- when anyone may), sorted by kind and name. Built from the same tables
-- dispatch reads, so a new command cannot escape the walk.
function M.entries()
  local out = {}
  for kind, t in pairs { command = COMMANDS, callback = CALLBACKS, staff = STAFF } do
    for name, e in pairs(t) do out[#out + 1] = { kind = kind, name = name, role = e.role } end
  end
  table.sort(out, function(a, b)
    if a.kind ~= b.kind then return a.kind < b.kind end
    return a.name < b.name
  end)
  return out
end

-- {======================================================================
-- Dispatch
-- =======================================================================

local function speak_lang(ctx)
  return ctx.lang or i18n.guess(ctx.from and ctx.from.language_code)
end

-- What a refused command says: who may use it (owners always may).
local function needs_text(lang, role)
  if role == "owner" then return i18n.t(lang, "roles.owner_only") end
  if role == "staff" then return i18n.t(lang, "staff.refused_command") end
  local names = {}
  for i, r in ipairs(type(role) == "table" and role or { role }) do names[i] = i18n.t(lang, "role." .. r) end
  return i18n.t(lang, "roles.needs", { roles = i18n.join(names, ", ") })
end

local function refuse(ctx, role)
  local lang = speak_lang(ctx)
  log.info("refused", { tg_id = ctx.from.id, data = ctx.cq and ctx.cq.data, command = ctx.command })
  local text = ctx.cq and i18n.t(lang, "staff.refused") or needs_text(lang, role)
  if ctx.cq then out.answer(ctx, text) end
  if ctx.private then
    local saved = ctx.lang
    ctx.lang = lang
    out.show(ctx, { text = text, fresh = true })
    ctx.lang = saved
  end
end

-- Runs entry e for ctx if the user may; false when the role check refused.
local function run(ctx, e, ...)
  if e.role then
    -- roles from the database, not the per-process cache: a revoke counts at once
    if not ctx.user.owner then users.fresh(ctx.user) end
    if not users.has_role(ctx.user, e.role) then
      refuse(ctx, e.role)
      return false
    end
  end
  if not e.any_lang and not ctx.lang then
    -- A press answers a screen the bot sent, and a staff command is work
    -- being done: neither may be swallowed by the language question (a
    -- florist who never chose one must still get her "Ready" through).
    -- Telegram's language_code (or Russian) speaks for them until they
    -- choose. Only a customer's plain command is asked first.
    if ctx.cq or e.role or not ctx.private then ctx.lang = speak_lang(ctx)
    else return language.ask(ctx, nil, true) end
  end
  e.fn(ctx, ...)
  return true
end

local function on_callback(ctx)
  local args = keyboard.decode(ctx.cq.data)
  local e
  if args[1] == "s" then
    e = STAFF[args[2] or ""]
    -- an unknown staff action is still a staff button: same refusal
    if not e then e = h(function() end, { role = "owner" }) end
  elseif ctx.private then
    e = CALLBACKS[args[1] or ""]
  end
  if not e then
    return out.answer(ctx, i18n.t(speak_lang(ctx), "common.stale"))
  end
  return run(ctx, e, args)
end

local function on_message(ctx)
  local text = ctx.msg.text
  local cmd, rest
  if type(text) == "string" then cmd, rest = text:match("^/([%w_]+)@?%S*%s*(.-)%s*$") end
  if cmd then
    ctx.command = cmd
    local e = COMMANDS[cmd:lower()]
    if not e then
      if not ctx.lang then return language.ask(ctx, nil, true) end
      return menu.show(ctx, i18n.t(ctx.lang, "common.unknown_command"), true)
    end
    return run(ctx, e, rest)
  end
  local keys = {}
  for _, keys_of in ipairs(INPUT_KEYS) do
    for _, k in ipairs(keys_of(ctx)) do keys[#keys + 1] = k end
  end
  prefetch.load(keys)
  -- A message a feature is waiting for (the bouquet photo a florist was
  -- asked for, a checkout answer) goes through even before a language was
  -- chosen, in the guessed one; anything else from such a user is met
  -- with the language question.
  local chosen = ctx.lang
  if not chosen then ctx.lang = speak_lang(ctx) end
  for _, take in ipairs(INPUTS) do
    if take(ctx) then return end
  end
  if not chosen then
    ctx.lang = nil
    return language.ask(ctx, nil, true)
  end
  if type(text) ~= "string" then
    return menu.show(ctx, i18n.t(ctx.lang, "common.not_text"), true)
  end
  return search.on_text(ctx, text)
end

local function dispatch(ctx)
  if not ctx.cq and not ctx.private then return end   -- a message in a group or channel is not for the bot
  ctx.user = users.touch(ctx.from)
  ctx.lang = ctx.user.lang
  if ctx.cq then return on_callback(ctx) end
  return on_message(ctx)
end

-- {======================================================================
-- The update handler
-- =======================================================================

local function context(update)
  local cq = update.callback_query
  local msg = update.message
  local from = (cq and cq.from) or (msg and msg.from)
  if not from or from.is_bot then return nil end
  local chat = (cq and cq.message and cq.message.chat) or (msg and msg.chat)
  return {
    update = update, update_id = update.update_id, cq = cq, msg = msg, from = from,
    chat_id = chat and chat.id or from.id,
    private = chat == nil or chat.type == "private",
  }
end

local function apologize(ctx)
  local lang = speak_lang(ctx)
  ctx.lang = lang
  pcall(out.answer, ctx)
  if ctx.private or ctx.cq == nil then
    local ok, err = pcall(out.show, ctx, { text = i18n.t(lang, "error.generic"), fresh = true })
    if not ok then log.error("apology failed", { update_id = ctx.update_id, err = tostring(err) }) end
  end
end

local function traceback(err) return debug.traceback(tostring(err), 2) end

engine.help("guldasta_bot_update_seconds", "histogram", "time to handle one Telegram update in the bot")
engine.help("guldasta_bot_errors_total", "counter", "updates whose handler raised")

function M.handle(update)
  local ctx = context(update)
  if not ctx then return end
  local t0 = timer.monotonic()
  local ok, err = xpcall(dispatch, traceback, ctx)
  prefetch.clear()
  if ok then
    -- The plain answer only stops the button's spinner: the reply is out
    -- already, so it need not hold up the chat's next update.
    if ctx.cq and not ctx.answered then engine.spawn(out.answer, ctx) end
  else
    engine.counter("guldasta_bot_errors_total", nil, 1)
    log.error("update failed", { update_id = ctx.update_id, chat = ctx.chat_id, err = err })
    apologize(ctx)
  end
  engine.observe("guldasta_bot_update_seconds", ctx.cq and 'kind="callback"' or 'kind="message"',
    timer.monotonic() - t0)
end

return M
