-- scripts/bot/feedback.lua — the customer's score after delivery and their
-- claim, as Telegram shows them. A feature module (see bot/router.lua);
-- the domain is shop/feedback.lua and shop/claims.lua.
--
--   fb:<feedback id>:<0..10>   the score          fb:<feedback id>:n   no comment
--   cl:<order id>              open a claim (from "📦 My orders"): the next
--                              photo with a caption is the claim
--   s:cla:<claim id>           [Answer]  the presser's next private text goes to the customer
--   s:clr:<claim id>           [Redo]    the florists' chat told to make the bouquet again
--   s:clf:<claim id>           [Refund]  the order's money owed back (payments' refund path)
-- The s: buttons are on the claim's post in OWNER_CHAT_ID, for a manager
-- (owners pass); anybody else is refused by the router. That post is the
-- claim's notice ("claim.opened", M.subscribe), posted again by the
-- shop's sweep while Telegram has not taken it.
--
-- tick() is the feedback job (a timer of bot/init.lua): every request due
-- is claimed by one process (shop/feedback.lua) and asked in the
-- customer's language with buttons 0..10.
--
-- Waiting in Redis, one key per person, for rules.orders.AWAIT_MINUTES:
-- await_fb:<tg_id> (the comment), await_claim:<tg_id> (the claim's photo),
-- await_clans:<tg_id> (a manager's answer to a claim).
local i18n = require "i18n"
local log = require "log"
local redis = require "redis"
local config = require "config"
local rules = require "rules"
local prefetch = require "bot.prefetch"
local keyboard = require "bot.keyboard"
local listing = require "bot.listing"
local out = require "bot.out"
local due_job = require "bot.due_job"
local menu = require "bot.menu"
local notify = require "bot.order_notices"
local texts = require "bot.order_texts"
local feedback = require "shop.feedback"
local claims = require "shop.claims"
local events = require "shop.events"

local M = {}

local function t(lang, k, vars) return i18n.t(lang, k, vars) end

local function key(what, tg_id) return what .. ":" .. tg_id end

local function wait(what, tg_id, id)
  redis.call("SET", key(what, tg_id), tostring(id), "EX", rules.orders.AWAIT_MINUTES * 60)
end

local function say(ctx, text, markup) return out.show(ctx, { text = text, markup = markup, fresh = true }) end

local function refusal(lang, k, params)
  if k == "feedback.claim.refused.window" then params = { hours = rules.feedback.CLAIM_WINDOW_HOURS } end
  return texts.reason(lang, k, params)
end

-- {======================================================================
-- The feedback request and its answer
-- =======================================================================

local function score_markup(lang, id)
  local rows, row = {}, {}
  for s = 0, 10 do
    row[#row + 1] = keyboard.button(t(lang, "feedback.score", { score = s }), keyboard.cb("fb", id, s))
    if s == 5 or s == 10 then rows[#rows + 1], row = row, {} end
  end
  return keyboard.markup(rows)
end

local JOB = {
  name = "feedback request", due = feedback.due, sent = feedback.sent, release = feedback.release,
  message = function(lang, r) return t(lang, "feedback.ask", { id = r.order_id }), score_markup(lang, r.id) end,
}

function M.tick()
  due_job.run(JOB)
  pcall(feedback.publish)
end

local function on_score(ctx, args)
  local id = math.tointeger(tonumber(args[2]))
  if not id then return out.answer(ctx, t(ctx.lang, "common.stale")) end
  if args[3] == "n" then
    redis.call("DEL", key("await_fb", ctx.user.tg_id))
    return out.show(ctx, { text = t(ctx.lang, "feedback.done") })
  end
  local row, k = feedback.answer(id, ctx.user, tonumber(args[3]))
  if not row then return out.show(ctx, { text = t(ctx.lang, k) }) end
  wait("await_fb", ctx.user.tg_id, id)
  return out.show(ctx, { text = t(ctx.lang, "feedback.thanks", { score = row.score }), markup = keyboard.markup {
    { keyboard.button(t(ctx.lang, "feedback.no_comment"), keyboard.cb("fb", id, "n")) } } })
end

local function on_comment(ctx, k, id)
  local row, why = feedback.comment(id, ctx.user, ctx.msg.text)
  if not row then
    if why == "feedback.refused.not_found" then redis.call("DEL", k) end
    return say(ctx, t(ctx.lang, why, { max = rules.feedback.COMMENT_MAX_CHARS }))
  end
  redis.call("DEL", k)
  return say(ctx, t(ctx.lang, "feedback.comment_saved"), keyboard.markup { menu.back_row(ctx) })
end

-- {======================================================================
-- The customer's claim
-- =======================================================================

-- The claim button for "📦 My orders" (bot/orders.lua), or nil when the
-- customer may not open one on order o now.
function M.claim_row(ctx, o)
  if o.status ~= "delivered" or not claims.window(o.id, ctx.user) then return nil end
  return { keyboard.button(t(ctx.lang, "feedback.claim.button"), keyboard.cb("cl", o.id)) }
end

local function on_claim(ctx, args)
  local id = math.tointeger(tonumber(args[2]))
  if not id then return out.answer(ctx, t(ctx.lang, "common.stale")) end
  local ok, k = claims.window(id, ctx.user)
  if not ok then return say(ctx, refusal(ctx.lang, k)) end
  wait("await_claim", ctx.user.tg_id, id)
  return say(ctx, t(ctx.lang, "feedback.claim.prompt", { id = id }))
end

local function claim_markup(lang, c)
  return keyboard.markup {
    { keyboard.button(t(lang, "feedback.claim.answer"), keyboard.cb("s", "cla", c.id)) },
    { keyboard.button(t(lang, "feedback.claim.redo"), keyboard.cb("s", "clr", c.id)),
      keyboard.button(t(lang, "feedback.claim.refund"), keyboard.cb("s", "clf", c.id)) },
  }
end

-- The claim just opened ("claim.opened", shop/claims.lua), with its photo,
-- to OWNER_CHAT_ID in the staff's language. false while it did not go
-- and might later (no OWNER_CHAT_ID yet, the Bot API down): the claim's
-- notice stays owed and the shop's sweep posts it later.
local function to_owner(e)
  local c = e.claim
  local chat = notify.chat(config.owner_chat_id)
  if not chat then
    log.warn("OWNER_CHAT_ID is not set: claim not posted", { claim = c.id })
    return false
  end
  local lang = notify.staff_lang()
  local caption = t(lang, "feedback.claim.staff_post", { claim = c.id, id = c.order_id,
    name = c.customer_name or tostring(c.customer_tg_id), text = c.text })
  local msg, err, code = out.photo_id(lang, chat, c.photo, caption, claim_markup(lang, c))
  if msg then return true end
  log.warn("claim not posted", { claim = c.id, err = tostring(err), code = code })
  return out.final(code)
end

-- Makes the bot the presenter of the claims' notice (again, harmlessly).
function M.subscribe() events.on("claim.opened", "bot", to_owner) end

local function on_claim_photo(ctx, k, order_id)
  local photo = require("tg").photo_id(ctx.msg)
  if not photo then return say(ctx, t(ctx.lang, "feedback.claim.need_photo", { id = order_id })) end
  local c, why, params = claims.open(order_id, ctx.user, ctx.msg.caption, photo)
  if not c then
    if why ~= "feedback.claim.refused.text" then redis.call("DEL", k) end
    return say(ctx, refusal(ctx.lang, why, params))
  end
  redis.call("DEL", k)
  return say(ctx, t(ctx.lang, "feedback.claim.sent", { id = order_id }), keyboard.markup { menu.back_row(ctx) })
end

-- {======================================================================
-- The shop's answer, redo, refund
-- =======================================================================

local function customer_lang(c) return i18n.valid(c.customer_lang) and c.customer_lang or i18n.DEFAULT_LANG end

local function tell_customer(c, k, vars)
  local lang = customer_lang(c)
  local ok, err, code = out.send(lang, c.customer_tg_id, t(lang, k, vars), nil, true)
  if not ok then log.info("claim news not delivered", { claim = c.id, err = tostring(err), code = code }) end
end

local function claim_id(ctx, args)
  local id = math.tointeger(tonumber(args[3]))
  if not id then out.answer(ctx, t(ctx.lang, "common.stale")) end
  return id
end

local function on_answer_press(ctx, args)
  local id = claim_id(ctx, args)
  if not id then return end
  if not claims.get(id) then return say(ctx, refusal(ctx.lang, "feedback.claim.refused.not_found")) end
  wait("await_clans", ctx.user.tg_id, id)
  local ok, err = out.send(ctx.lang, ctx.user.tg_id, t(ctx.lang, "feedback.claim.answer_prompt", { claim = id }))
  if not ok then log.info("claim answer prompt not sent", { claim = id, err = tostring(err) }) end
end

local function on_answer_text(ctx, k, id)
  local c, why, params = claims.answer(id, ctx.user, ctx.msg.text)
  if not c then
    if why ~= "feedback.claim.refused.text" then redis.call("DEL", k) end
    return say(ctx, refusal(ctx.lang, why, params))
  end
  redis.call("DEL", k)
  tell_customer(c, "feedback.claim.answer_to_customer", { id = c.order_id, text = c.answer })
  return say(ctx, t(ctx.lang, "feedback.claim.answered", { claim = c.id }))
end

-- A settling press (redo, refund): the claim after `step`, or nil when it
-- was refused (the presser told why).
local function settle(ctx, args, step)
  local id = claim_id(ctx, args)
  if not id then return nil end
  local c, why = step(id, ctx.user)
  if not c then say(ctx, refusal(ctx.lang, why)) end
  return c
end

local function on_redo(ctx, args)
  local c = settle(ctx, args, claims.redo)
  if not c then return end
  local chat = notify.chat(config.florist_chat_id)
  if chat then
    local lang = notify.staff_lang()
    local ok, err = out.send(lang, chat, t(lang, "feedback.claim.redo_florists",
      { id = c.order_id, claim = c.id, text = c.text }), nil, true)
    if not ok then log.info("claim redo not posted", { claim = c.id, err = tostring(err) }) end
  end
  tell_customer(c, "feedback.claim.redo_customer", { id = c.order_id })
  return say(ctx, t(ctx.lang, "feedback.claim.redone", { claim = c.id }))
end

local function on_refund(ctx, args)
  local c = settle(ctx, args, claims.refund)
  if not c then return end
  tell_customer(c, "feedback.claim.refund_customer", { id = c.order_id })
  return say(ctx, t(ctx.lang, "feedback.claim.refunded", { claim = c.id, price = listing.price(ctx.lang, c.total) }))
end

-- {======================================================================
-- The feature
-- =======================================================================

M.callbacks = {
  fb = { fn = on_score },
  cl = { fn = on_claim },
}

M.staff = {
  cla = { fn = on_answer_press, role = "manager" },
  clr = { fn = on_redo, role = "manager" },
  clf = { fn = on_refund, role = "manager" },
}

local AWAITS = { "await_fb", "await_claim", "await_clans" }

function M.input_keys(ctx)
  local keys = {}
  for i, what in ipairs(AWAITS) do keys[i] = key(what, ctx.user.tg_id) end
  return keys
end

function M.on_input(ctx)
  local tg_id = ctx.user.tg_id
  local k = key("await_clans", tg_id)
  local id = math.tointeger(tonumber(prefetch.get(k)))
  if id and type(ctx.msg.text) == "string" then on_answer_text(ctx, k, id); return true end
  k = key("await_claim", tg_id)
  id = math.tointeger(tonumber(prefetch.get(k)))
  if id then on_claim_photo(ctx, k, id); return true end
  k = key("await_fb", tg_id)
  id = math.tointeger(tonumber(prefetch.get(k)))
  if id and type(ctx.msg.text) == "string" then on_comment(ctx, k, id); return true end
  return false
end

return M
