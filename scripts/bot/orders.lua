-- scripts/bot/orders.lua — the customer's side of their orders: the menu's
-- "📦 My orders" (button "u"), one order's details, cancelling while no
-- florist has it yet, and a comment on the bouquet photo. A feature module
-- (see bot/router.lua).
--
--   u            my orders (the newest rules.orders.MY_ORDERS_SHOWN)
--   u:o:<id>     one order
--   u:cx:<id>    "cancel this order?"      u:cy:<id>  yes, cancel (before a
--                florist has it: placed, awaiting payment, or paid — a paid
--                order's money is then owed back, shop/payments/refunds.lua)
--   u:cm:<id>    comment on the bouquet photo: the next text is forwarded
--                to the florists (await_comment:<tg_id> in Redis)
-- A delivered order within rules.feedback.CLAIM_WINDOW_HOURS also shows
-- the claim button (cl:<id>, bot/feedback.lua).
--
-- An order that is not the presser's is "not found", whatever its number.
local i18n = require "i18n"
local log = require "log"
local redis = require "redis"
local prefetch = require "bot.prefetch"
local rules = require "rules"
local config = require "config"
local keyboard = require "bot.keyboard"
local listing = require "bot.listing"
local out = require "bot.out"
local menu = require "bot.menu"
local flow = require "shop.order_flow"
local texts = require "bot.order_texts"
local notify = require "bot.order_notices"
local pay = require "bot.pay"
local feedback = require "bot.feedback"
local reminders = require "bot.reminders"

local M = {}

local function t(ctx, k, vars) return i18n.t(ctx.lang, k, vars) end

local function back_rows(ctx, extra)
  local rows = extra or {}
  rows[#rows + 1] = { keyboard.button(t(ctx, "orders.back"), "u") }
  rows[#rows + 1] = menu.back_row(ctx)
  return keyboard.markup(rows)
end

-- The customer's own order, or nil.
local function own(ctx, id)
  local o = flow.get(id)
  if o and o.customer_id == ctx.user.id then return o end
end

local function list(ctx)
  local rows = flow.of_customer(ctx.user.id, rules.orders.MY_ORDERS_SHOWN)
  if not rows[1] then
    return out.show(ctx, { text = t(ctx, "orders.empty"), markup = keyboard.markup { menu.back_row(ctx) } })
  end
  local buttons = {}
  for _, o in ipairs(rows) do
    buttons[#buttons + 1] = { keyboard.button(t(ctx, "orders.item", { id = o.id, date = o.date_text or "-",
      status = texts.status(ctx.lang, o.status), price = listing.price(ctx.lang, o.total) }),
      keyboard.cb("u", "o", o.id)) }
  end
  buttons[#buttons + 1] = menu.back_row(ctx)
  return out.show(ctx, { text = t(ctx, "orders.title"), markup = keyboard.markup(buttons) })
end

local function details_text(ctx, o)
  local lang = ctx.lang
  local parts = { t(ctx, "orders.detail.title", { id = o.id, status = texts.status(lang, o.status) }),
                  t(ctx, "orders.detail.slot", { slot = texts.slot(lang, o) }) }
  if o.recipient_name or o.recipient_phone then
    parts[#parts + 1] = t(ctx, "orders.detail.recipient", { name = o.recipient_name or "-", phone = o.recipient_phone or "-" })
  end
  if o.address then parts[#parts + 1] = t(ctx, "orders.detail.address", { address = o.address }) end
  parts[#parts + 1] = t(ctx, "orders.detail.items")
  for _, l in ipairs((texts.items(lang, flow.items(o.id)))) do parts[#parts + 1] = l end
  if o.card_text and o.card_text ~= "" then parts[#parts + 1] = t(ctx, "orders.detail.card", { text = o.card_text }) end
  parts[#parts + 1] = t(ctx, "orders.detail.total", { price = listing.price(lang, o.total or 0) })
  if o.status == "cancelled" and o.cancel_reason then
    parts[#parts + 1] = t(ctx, "orders.detail.cancel_reason", { reason = o.cancel_reason })
  end
  return i18n.join(parts, "\n")
end

local function details(ctx, id, lead)
  local o = own(ctx, id)
  if not o then return out.show(ctx, { text = t(ctx, "orders.not_found"), markup = back_rows(ctx) }) end
  local extra = {}
  if o.status == "pending" and o.payment_status == "pending" then extra = pay.rows(ctx.lang, o) end
  if flow.BEFORE_FLORIST[o.status] then
    extra[#extra + 1] = { keyboard.button(t(ctx, "orders.cancel"), keyboard.cb("u", "cx", o.id)) }
  end
  -- a claim, within its window after delivery (bot/feedback.lua)
  extra[#extra + 1] = feedback.claim_row(ctx, o)
  -- a reminder next year, for an order made for an occasion (bot/reminders.lua)
  extra[#extra + 1] = reminders.row(ctx, o)
  if o.payment_status == "refund_pending" then lead = lead and i18n.join({ lead, t(ctx, "payments.pay.refund_owed") }, "\n")
    or t(ctx, "payments.pay.refund_owed") end
  local text = details_text(ctx, o)
  if lead then text = i18n.join({ lead, text }, "\n\n") end
  return out.show(ctx, { text = text, markup = back_rows(ctx, extra) })
end

local function confirm_cancel(ctx, id)
  local o = own(ctx, id)
  if not o then return out.show(ctx, { text = t(ctx, "orders.not_found"), markup = back_rows(ctx) }) end
  if not flow.BEFORE_FLORIST[o.status] then return details(ctx, id, texts.reason(ctx.lang, "flow.refused.too_late")) end
  return out.show(ctx, { text = t(ctx, "orders.cancel_confirm", { id = o.id }), markup = keyboard.markup {
    { keyboard.button(t(ctx, "orders.cancel_yes"), keyboard.cb("u", "cy", o.id)),
      keyboard.button(t(ctx, "orders.cancel_no"), keyboard.cb("u", "o", o.id)) },
  } })
end

local function cancel(ctx, id)
  if not own(ctx, id) then return out.show(ctx, { text = t(ctx, "orders.not_found"), markup = back_rows(ctx) }) end
  local o, k, params = flow.cancel(id, ctx.user)
  if not o then return details(ctx, id, texts.reason(ctx.lang, k, params)) end
  return details(ctx, id, t(ctx, "orders.cancelled", { id = id }))
end

local function comment_key(tg_id) return "await_comment:" .. tg_id end

local function ask_comment(ctx, id)
  local o = own(ctx, id)
  if not o then return out.show(ctx, { text = t(ctx, "orders.not_found"), markup = back_rows(ctx), fresh = true }) end
  redis.call("SET", comment_key(ctx.user.tg_id), tostring(o.id), "EX", rules.orders.AWAIT_MINUTES * 60)
  -- the photo's caption stays as it is: the question is a new message
  return out.show(ctx, { text = t(ctx, "orders.comment_prompt", { id = o.id }), fresh = true })
end

local function on_press(ctx, args)
  local what, id = args[2], math.tointeger(tonumber(args[3]))
  if what == nil or what == "" then return list(ctx) end
  if not id then return list(ctx) end
  if what == "o" then return details(ctx, id) end
  if what == "cx" then return confirm_cancel(ctx, id) end
  if what == "cy" then return cancel(ctx, id) end
  if what == "cm" then return ask_comment(ctx, id) end
  return list(ctx)
end

M.callbacks = {
  u = { fn = on_press },
}

-- {======================================================================
-- The comment on the bouquet photo
-- =======================================================================

-- To the florists' chat (staff language) and to the order's florist.
local function forward(o, text)
  local lang = notify.staff_lang()
  local chat = notify.chat(config.florist_chat_id)
  if chat then
    local ok, err = out.send(lang, chat, i18n.t(lang, "flow.comment_forward", { id = o.id, text = text }))
    if not ok then log.info("comment not posted", { order = o.id, err = tostring(err) }) end
  end
  if o.florist_tg_id then
    local fl = notify.person_lang(o.florist_lang)
    local ok, err = out.send(fl, o.florist_tg_id, i18n.t(fl, "flow.comment_forward", { id = o.id, text = text }))
    if not ok then log.info("comment not sent to the florist", { order = o.id, err = tostring(err) }) end
  end
end

-- The Redis key on_input reads (bot/prefetch.lua).
function M.input_keys(ctx) return { comment_key(ctx.user.tg_id) } end

function M.on_input(ctx)
  local k = comment_key(ctx.user.tg_id)
  local id = math.tointeger(tonumber(prefetch.get(k)))
  if not id then return false end
  local text = ctx.msg.text
  if type(text) ~= "string" then return false end   -- a photo, a contact: not a comment
  if text:match("^%s*$") then
    out.show(ctx, { text = t(ctx, "orders.comment_prompt", { id = id }), fresh = true })
    return true
  end
  local max = rules.orders.COMMENT_MAX_CHARS
  if (utf8.len(text) or #text) > max then
    out.show(ctx, { text = t(ctx, "orders.comment_too_long", { max = max }), fresh = true })
    return true
  end
  redis.call("DEL", k)
  local o = own(ctx, id)
  if o then forward(o, text) end
  out.show(ctx, { text = t(ctx, "orders.comment_sent"), markup = keyboard.markup { menu.back_row(ctx) }, fresh = true })
  return true
end

return M
