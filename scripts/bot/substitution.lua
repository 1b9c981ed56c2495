-- scripts/bot/substitution.lua — a substitute for an item of an accepted
-- order, as Telegram shows it (the domain is shop/substitution.lua). A
-- feature module (see bot/router.lua).
--
--   s:sub:<order>                   [🔄 Substitute] on the florists' post: the order's
--                                   florist gets its lines privately
--   s:subi:<order>:<item>           a line picked: the substitutes the rule offers
--   s:subp:<order>:<item>:<product> a substitute picked: proposed to the customer
--   sb:a:<id> / sb:d:<id>           the customer accepts / declines (the first answer counts)
--   s:subk:<id> / s:subc:<id>       after a decline or no answer, in OWNER_CHAT_ID:
--                                   keep the order as it was / cancel it with a refund
--
-- subscribe() makes this module the presenter of the domain's events:
-- the customer's proposal and the owner's question (owed notices: a
-- presenter that fails leaves them for the next tick), and the news after
-- an answer or a decision (the florist, the customer, the posts).
-- tick() is the job (a timer of bot/init.lua).
local i18n = require "i18n"
local log = require "log"
local config = require "config"
local rules = require "rules"
local keyboard = require "bot.keyboard"
local out = require "bot.out"
local listing = require "bot.listing"
local texts = require "bot.order_texts"
local notices = require "bot.order_notices"
local events = require "shop.events"
local flow = require "shop.order_flow"
local sub = require "shop.substitution"

local M = {}

local function t(lang, k, vars) return i18n.t(lang, k, vars) end

local function num(v) return math.tointeger(tonumber(v)) end

local function name(lang, row, which) return lang == "uz" and row[which .. "_name_uz"] or row[which .. "_name_ru"] end

local function price(lang, tiyin) return listing.price(lang, tiyin) end

local function refused_toast(ctx, k, params) return out.answer(ctx, texts.reason(ctx.lang, k, params)) end

-- {======================================================================
-- The florist
-- =======================================================================

-- The order's lines as buttons, one to pick.
local function items_markup(lang, id, items)
  local rows = {}
  for _, it in ipairs(items) do
    rows[#rows + 1] = { keyboard.button(t(lang, "substitution.florist.item",
      { name = lang == "uz" and it.name_uz or it.name_ru, count = it.count }), keyboard.cb("s", "subi", id, it.id)) }
  end
  return keyboard.markup(rows)
end

-- [🔄 Substitute] on the post (or again from her chat): the order's lines,
-- privately.
local function on_start(ctx, args)
  local id = num(args[3])
  local items, why = sub.items(id, ctx.user)
  if not items then return refused_toast(ctx, why) end
  local sent = out.send(ctx.lang, ctx.user.tg_id, t(ctx.lang, "substitution.florist.choose_item", { id = id }),
    items_markup(ctx.lang, id, items))
  if not sent then return out.answer(ctx, t(ctx.lang, "flow.open_bot")) end
  if ctx.private then return out.answer(ctx) end
  return out.answer(ctx, t(ctx.lang, "substitution.florist.proposed_toast"))
end

local function on_item(ctx, args)
  local id, item_id = num(args[3]), num(args[4])
  local it, offers = sub.offers(id, item_id, ctx.user)
  if not it then return refused_toast(ctx, offers) end
  local what = ctx.lang == "uz" and it.name_uz or it.name_ru
  out.answer(ctx)
  if not offers[1] then
    -- the lines again: another may have a substitute, or this one later
    return out.show(ctx, { text = t(ctx.lang, "substitution.florist.none", { name = what }),
      markup = items_markup(ctx.lang, id, sub.items(id, ctx.user) or {}) })
  end
  local rows = {}
  for _, p in ipairs(offers) do
    rows[#rows + 1] = { keyboard.button(t(ctx.lang, "substitution.florist.offer",
      { name = ctx.lang == "uz" and p.name_uz or p.name_ru, price = price(ctx.lang, p.price) }),
      keyboard.cb("s", "subp", id, item_id, p.id)) }
  end
  return out.show(ctx, { text = t(ctx.lang, "substitution.florist.choose_offer",
    { id = id, name = what, count = it.count }), markup = keyboard.markup(rows) })
end

local function on_propose(ctx, args)
  local s, k, params = sub.propose(num(args[3]), num(args[4]), num(args[5]), ctx.user)
  out.answer(ctx)
  if not s then return out.show(ctx, { text = texts.reason(ctx.lang, k, params) }) end
  return out.show(ctx, { text = t(ctx.lang, "substitution.florist.proposed", { id = s.order_id, time = s.answer_by_text }) })
end

-- {======================================================================
-- The customer
-- =======================================================================

local function customer_lang(s) return notices.customer_lang({ lang = s.customer_lang }) end

-- What the swap does to the customer's money.
local function money(lang, s)
  if s.diff == 0 then return t(lang, "substitution.customer.same") end
  if s.payment_status == "paid" then
    if s.diff < 0 then return t(lang, "substitution.customer.refund", { amount = price(lang, -s.diff) }) end
    return t(lang, "substitution.customer.extra", { amount = price(lang, s.diff) })
  end
  return t(lang, "substitution.customer.cash_total", { total = price(lang, math.max(0, s.total + s.diff)) })
end

-- The proposal, with [Accept] [Decline]: true when it is out, or can never
-- be (the customer blocked the bot: the deadline brings it to the owner).
local function on_proposed(e)
  local s = e.sub
  if not (s and s.customer_tg_id) then return true end
  local lang = customer_lang(s)
  local text = t(lang, "substitution.customer.proposal", { id = s.order_id, old = name(lang, s, "old"),
    new = name(lang, s, "new"), count = s.count, money = money(lang, s), time = s.answer_by_text })
  local msg, err, code = out.send(lang, s.customer_tg_id, text, keyboard.markup {
    { keyboard.button(t(lang, "substitution.button.accept"), keyboard.cb("sb", "a", s.id)) },
    { keyboard.button(t(lang, "substitution.button.decline"), keyboard.cb("sb", "d", s.id)) },
  })
  if msg or out.final(code) then return true end
  log.info("substitution proposal not sent", { id = s.id, err = tostring(err), code = code })
  return false
end

local function on_answer(ctx, args)
  local accept = args[2] == "a"
  local s, k, params = sub.answer(num(args[3]), ctx.user, accept)
  if not s then
    refused_toast(ctx, k, params)
    return out.show(ctx, { text = texts.reason(ctx.lang, k, params) })
  end
  out.answer(ctx)
  if accept then
    return out.show(ctx, { text = t(ctx.lang, "substitution.customer.accepted", { id = s.order_id,
      new = name(ctx.lang, s, "new"), count = s.count, total = price(ctx.lang, s.total) }) })
  end
  return out.show(ctx, { text = t(ctx.lang, "substitution.customer.declined", { id = s.order_id }) })
end

-- {======================================================================
-- The owner or a manager
-- =======================================================================

local function staff_lang() return notices.staff_lang() end

local function on_undecided(e)
  local s = e.sub
  local chat = notices.chat(config.owner_chat_id)
  if not (s and chat) then
    log.warn("substitution: no OWNER_CHAT_ID to ask", { id = s and s.id })
    return false
  end
  local lang = staff_lang()
  local key = s.state == "expired" and "substitution.owner.expired" or "substitution.owner.declined"
  local msg, err, code = out.send(lang, chat, t(lang, key, { id = s.order_id, old = name(lang, s, "old"),
    new = name(lang, s, "new"), count = s.count, time = s.answer_by_text }), keyboard.markup {
    { keyboard.button(t(lang, "substitution.button.keep"), keyboard.cb("s", "subk", s.id)) },
    { keyboard.button(t(lang, "substitution.button.cancel"), keyboard.cb("s", "subc", s.id)) },
  })
  if msg then return true end
  log.info("substitution question not sent", { id = s.id, err = tostring(err), code = code })
  return false
end

local function decide(what)
  return function(ctx, args)
    local reason = i18n.str(t(staff_lang(), "substitution.cancel_reason"))
    local s, k, params = sub.decide(num(args[3]), ctx.user, what, reason)
    if not s then return refused_toast(ctx, k, params) end
    out.answer(ctx)
    return out.show(ctx, { text = t(ctx.lang, what == "keep" and "substitution.owner.kept"
      or "substitution.owner.cancelled", { id = s.order_id }) })
  end
end

-- {======================================================================
-- What follows an answer or a decision
-- =======================================================================

local function tell(tg, lang, key, vars, what, s)
  if not tg then return end
  local msg, err, code = out.send(lang, tg, t(lang, key, vars))
  if not msg then log.info("substitution news not delivered", { what = what, id = s.id, err = tostring(err), code = code }) end
end

local function florist_lang(s) return notices.person_lang(s.florist_lang) end

local function on_answered(e)
  local s = e.sub
  local lang = florist_lang(s)
  if s.state == "accepted" then
    tell(s.florist_tg_id, lang, "substitution.florist.accepted", { id = s.order_id, old = name(lang, s, "old"),
      new = name(lang, s, "new"), count = s.count }, "florist accepted", s)
    local o = flow.get(s.order_id)
    if o then notices.refresh_posts(o) end
  elseif s.state == "declined" then
    tell(s.florist_tg_id, lang, "substitution.florist.declined", { id = s.order_id }, "florist declined", s)
  end
  return true
end

local function on_decided(e)
  local s = e.sub
  if e.what ~= "keep" then return true end   -- a cancellation tells everyone itself (the order flow)
  local lang = florist_lang(s)
  tell(s.florist_tg_id, lang, "substitution.florist.kept", { id = s.order_id, old = name(lang, s, "old") },
    "florist kept", s)
  local clang = customer_lang(s)
  tell(s.customer_tg_id, clang, "substitution.customer.kept", { id = s.order_id }, "customer kept", s)
  return true
end

function M.subscribe()
  events.on("substitution.proposed", "bot", on_proposed)
  events.on("substitution.undecided", "bot", on_undecided)
  events.on("substitution.answered", "bot", on_answered)
  events.on("substitution.decided", "bot", on_decided)
end

function M.tick() sub.tick() end

M.callbacks = {
  sb = { fn = on_answer },
}

local DECIDES = rules.substitution.DECIDES

M.staff = {
  sub  = { fn = on_start, role = "florist" },
  subi = { fn = on_item, role = "florist" },
  subp = { fn = on_propose, role = "florist" },
  subk = { fn = decide("keep"), role = DECIDES },
  subc = { fn = decide("cancel"), role = DECIDES },
}

return M
