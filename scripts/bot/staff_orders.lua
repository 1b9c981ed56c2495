-- scripts/bot/staff_orders.lua — the staff's buttons on an order, and what
-- they send the bot privately (the bouquet photo, the delivery photo, a
-- cancellation reason). A feature module (see bot/router.lua).
--
--   s:acc:<id>   [Accept]        florists' channel   florist (first wins)
--   s:asm:<id>   [Assembling]    florists' channel   the order's florist, a manager
--   s:rdy:<id>   [Ready]         florists' channel   the order's florist, a manager:
--                                asks for the photo in the private chat
--   s:take:<id>  [Take]          couriers' group     courier (first wins)
--   s:dlv:<id>   [Delivered]     courier's chat      the order's courier
--   s:dlvp:<id>  [Delivered+📷]  courier's chat      asks for the photo first
--   s:cxl:<id>   [Cancel]        florists' channel   manager: asks for the reason
--   s:apx        stop waiting for a photo or reason
--   /cancel_order <id> <reason>                      manager (owners pass)
--
-- Presses come from the channel and the group, where a reply would be a
-- message for everyone: so the presser gets a toast, and the post itself
-- is edited by shop/order_flow.lua. What the bot waits for in a private
-- chat is kept in Redis, one key per person (await_photo:<tg_id> -> order
-- id, await_pod:, await_reason:), so it survives a restart and expires
-- after rules.orders.AWAIT_MINUTES.
local i18n = require "i18n"
local log = require "log"
local redis = require "redis"
local rules = require "rules"
local keyboard = require "bot.keyboard"
local users = require "shop.users"
local out = require "bot.out"
local flow = require "shop.order_flow"
local texts = require "bot.order_texts"

local M = {}

local AWAITS = { "await_photo", "await_pod", "await_reason" }

local function key(what, tg_id) return what .. ":" .. tg_id end

local function order_id(args) return math.tointeger(tonumber(args[3])) end

local function toast(ctx, k, vars) return out.answer(ctx, i18n.t(ctx.lang, k, vars)) end

local function refused(ctx, k, params) return out.answer(ctx, texts.reason(ctx.lang, k, params)) end

local function say(ctx, text, markup)
  return out.send(ctx.lang, ctx.user.tg_id, text, markup)
end

local function stop_markup(lang)
  return keyboard.markup { { keyboard.button(i18n.t(lang, "flow.button.stop_waiting"), keyboard.cb("s", "apx")) } }
end

-- A move from a button: the toast says what happened, or why not.
local function move(to)
  return function(ctx, args)
    local id = order_id(args)
    local o, k, params = flow.transition(id, to, ctx.user)
    if not o then return refused(ctx, k, params) end
    toast(ctx, "flow.done." .. to, { id = id })
    if to == "delivered" then
      -- pressed on the courier's route card (maybe while a photo was
      -- awaited): the card keeps the address, loses its buttons
      redis.call("DEL", key("await_pod", ctx.user.tg_id))
      local m = ctx.cq and ctx.cq.message
      if ctx.private and m and m.text then
        out.edit(ctx.lang, ctx.chat_id, m.message_id, i18n.join({ texts.route(ctx.lang, o),
          i18n.t(ctx.lang, "flow.done.delivered", { id = id }) }, "\n\n"))
      end
    end
  end
end

-- Starts waiting for something from this person in their private chat,
-- after the move was checked; the request goes to the private chat (the
-- press may come from the channel). False when the bot cannot write to
-- them there (they never opened it): the toast says so.
local function await(ctx, what, id, text, markup)
  local k = key(what, ctx.user.tg_id)
  redis.call("SET", k, tostring(id), "EX", rules.orders.AWAIT_MINUTES * 60)
  local sent, err = say(ctx, text, markup)
  if not sent then
    redis.call("DEL", k)
    log.info("staff private chat unreachable", { tg_id = ctx.user.tg_id, err = tostring(err) })
    toast(ctx, "flow.open_bot")
    return false
  end
  return true
end

-- [Ready]: the photo first (domain.md R-Q1).
local function on_ready(ctx, args)
  local id = order_id(args)
  local ok, k, params = flow.check(id, "ready", ctx.user, { photo_later = true })
  if not ok then return refused(ctx, k, params) end
  if await(ctx, "await_photo", id, i18n.t(ctx.lang, "flow.ask_photo", { id = id }), stop_markup(ctx.lang)) then
    toast(ctx, "flow.ask_photo_toast")
  end
end

-- [Delivered, with a photo]: the photo first, then the same move.
local function on_delivered_photo(ctx, args)
  local id = order_id(args)
  local ok, k, params = flow.check(id, "delivered", ctx.user)
  if not ok then return refused(ctx, k, params) end
  local markup = keyboard.markup {
    { keyboard.button(i18n.t(ctx.lang, "flow.button.delivered"), keyboard.cb("s", "dlv", id)) },
    { keyboard.button(i18n.t(ctx.lang, "flow.button.stop_waiting"), keyboard.cb("s", "apx")) },
  }
  if await(ctx, "await_pod", id, i18n.t(ctx.lang, "flow.ask_pod", { id = id }), markup) then
    out.answer(ctx)
  end
end

-- [Cancel] on a post: the reason is asked privately.
local function on_cancel(ctx, args)
  local id = order_id(args)
  local ok, k, params = flow.check(id, "cancelled", ctx.user, { reason_later = true })
  if not ok then return refused(ctx, k, params) end
  if await(ctx, "await_reason", id, i18n.t(ctx.lang, "flow.ask_reason", { id = id }), stop_markup(ctx.lang)) then
    toast(ctx, "flow.ask_reason_toast")
  end
end

local function forget_awaits(tg_id)
  local keys = {}
  for i, what in ipairs(AWAITS) do keys[i] = key(what, tg_id) end
  redis.call("DEL", table.unpack(keys))
end

local function on_stop(ctx)
  forget_awaits(ctx.user.tg_id)
  out.answer(ctx)
  return out.show(ctx, { text = i18n.t(ctx.lang, "flow.photo_stop") })
end

-- /cancel_order <id> <reason>
local function on_cancel_command(ctx, rest)
  local id, reason = (rest or ""):match("^#?(%d+)%s*(.-)$")
  id = id and math.tointeger(tonumber(id))
  if not id then return out.show(ctx, { text = i18n.t(ctx.lang, "flow.cancel_usage"), fresh = true }) end
  local o, k, params = flow.cancel(id, ctx.user, reason)
  if not o then return out.show(ctx, { text = texts.reason(ctx.lang, k, params), fresh = true }) end
  return out.show(ctx, { text = i18n.t(ctx.lang, texts.cancelled_key(o), { id = id }), fresh = true })
end

M.commands = {
  cancel_order = { fn = on_cancel_command, role = "manager" },
}

local OWN_FLORIST = { "florist", "manager" }

M.staff = {
  acc  = { fn = move("accepted"), role = "florist" },
  asm  = { fn = move("assembling"), role = OWN_FLORIST },
  rdy  = { fn = on_ready, role = OWN_FLORIST },
  take = { fn = move("delivering"), role = "courier" },
  dlv  = { fn = move("delivered"), role = "courier" },
  dlvp = { fn = on_delivered_photo, role = "courier" },
  cxl  = { fn = on_cancel, role = "manager" },
  apx  = { fn = on_stop, role = "staff" },
}

-- {======================================================================
-- What staff send privately
-- =======================================================================


local function finish(ctx, k, o, ok_key, id, refusal, params)
  redis.call("DEL", k)
  if not o then return say(ctx, texts.reason(ctx.lang, refusal, params)) end
  return say(ctx, i18n.t(ctx.lang, ok_key, { id = id }))
end

-- A private message while the bot waits for something from this person.
-- Only staff are ever waited for, so a customer's message costs nothing.
function M.on_input(ctx)
  if not users.is_staff(ctx.user) then return false end
  local tg_id = ctx.user.tg_id
  local vals = redis.call("MGET", key("await_photo", tg_id), key("await_pod", tg_id), key("await_reason", tg_id))
  local photo_for = math.tointeger(tonumber(vals[1]))
  local pod_for = math.tointeger(tonumber(vals[2]))
  local reason_for = math.tointeger(tonumber(vals[3]))
  if not (photo_for or pod_for or reason_for) then return false end
  users.fresh(ctx.user)   -- the move checks roles: as they are now
  local photo = require("tg").photo_id(ctx.msg)

  if photo_for then
    if not photo then
      say(ctx, i18n.t(ctx.lang, "flow.photo_waiting", { id = photo_for }), stop_markup(ctx.lang))
      return true
    end
    local o, k, params = flow.transition(photo_for, "ready", ctx.user, { photo = photo })
    finish(ctx, key("await_photo", tg_id), o, "flow.photo_saved", photo_for, k, params)
    return true
  end

  if pod_for then
    if not photo then
      say(ctx, i18n.t(ctx.lang, "flow.ask_pod", { id = pod_for }), keyboard.markup {
        { keyboard.button(i18n.t(ctx.lang, "flow.button.delivered"), keyboard.cb("s", "dlv", pod_for)) },
        { keyboard.button(i18n.t(ctx.lang, "flow.button.stop_waiting"), keyboard.cb("s", "apx")) },
      })
      return true
    end
    local o, k, params = flow.transition(pod_for, "delivered", ctx.user, { photo = photo })
    finish(ctx, key("await_pod", tg_id), o, "flow.pod_saved", pod_for, k, params)
    return true
  end

  local text = ctx.msg.text
  if type(text) ~= "string" then
    say(ctx, i18n.t(ctx.lang, "flow.ask_reason", { id = reason_for }), stop_markup(ctx.lang))
    return true
  end
  local o, k, params = flow.cancel(reason_for, ctx.user, text)
  if not o and k == "flow.refused.reason_needed" then
    -- keep waiting: a better reason may follow
    say(ctx, texts.reason(ctx.lang, k, params), stop_markup(ctx.lang))
    return true
  end
  finish(ctx, key("await_reason", tg_id), o, texts.cancelled_key(o), reason_for, k, params)
  return true
end

return M
