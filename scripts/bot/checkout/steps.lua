-- scripts/bot/checkout/steps.lua — the checkout's questions, one table per
-- step (codes in bot/checkout/view.lua's STEPS):
--
--   nm recipient's name      ph recipient's phone     ad address
--   lm landmark (moʻljal)    lc location pin or district
--   dt date                  tm time window           sp surprise (no pre-call)
--   an anonymous             cd postcard text         pr promo code
--   pm payment method        ok confirmation (bot/checkout/confirm.lua)
--
-- A step may have:
--   show(ctx, st, lead)            draw its screen (lead: a Text said first)
--   text(ctx, st, s)               the customer typed s
--   contact(ctx, st, c)            shared a contact      location(ctx, st, loc)  a pin
--   press(ctx, st, action, arg)    a button "o:<step>:<action>[:<arg>]"
-- Every answer is checked; a bad one is said back (the lead) with the same
-- question, and nothing already given is lost. The state is saved before
-- each screen is drawn, so a restart resumes at the screen shown.
local i18n = require "i18n"
local log = require "log"
local rules = require "rules"
local keyboard = require "bot.keyboard"
local out = require "bot.out"
local view = require "bot.checkout.view"
local state = require "bot.checkout.state"
local phone = require "shop.phone"
local users = require "shop.users"
local recipients = require "shop.recipients"
local slot_book = require "shop.slot_book"
local promo = require "shop.promo"
local cart = require "shop.cart"
local orders_new = require "shop.orders_new"
local payments = require "shop.payments"

local M = {}
local S = {}
M.S = S

local t, button, cb = view.t, view.button, keyboard.cb

-- How long a typed name, address or landmark may be: rules/checkout.lua.
-- (The postcard's limit is rules/constructor.lua CARD_MAX_CHARS.)
local function limits() return rules.checkout.FIELDS end

-- {======================================================================
-- Moving between steps
-- =======================================================================

function M.go(ctx, st, step, lead)
  st.step = step
  st.paused = nil   -- a step on screen is a step waiting for its answer
  state.save(ctx.user.id, st)
  return S[step].show(ctx, st, lead)
end

function M.next(ctx, st, lead)
  return M.go(ctx, st, view.STEPS[view.INDEX[st.step] + 1], lead)
end

function M.back(ctx, st)
  st.card_draft = nil
  local i = view.INDEX[st.step]
  if i <= 1 then return M.go(ctx, st, view.STEPS[1]) end
  return M.go(ctx, st, view.STEPS[i - 1])
end

function M.show(ctx, st, lead)
  if st.paused then
    st.paused = nil
    state.save(ctx.user.id, st)
  end
  return S[st.step].show(ctx, st, lead)
end

-- Typed text without the spaces around it; nil when it is not text or
-- says nothing.
local function trimmed(s)
  if type(s) ~= "string" then return nil end
  s = s:gsub("^%s+", ""):gsub("%s+$", "")
  if s == "" or not utf8.len(s) then return nil end
  return s
end

-- A text step: check the length, store, go on.
local function text_step(field, key)
  return function(ctx, st, s)
    s = trimmed(s)
    local lim = limits()[field]
    local n = s and utf8.len(s) or 0
    if n < lim.min or n > lim.max then
      return S[st.step].show(ctx, st, t(ctx, "checkout." .. key .. ".bad", { min = lim.min, max = lim.max }))
    end
    st[field] = s
    return M.next(ctx, st)
  end
end

-- The "✓ what you gave before" button of a step the customer came back to.
local function keep_row(ctx, step, value)
  if value == nil then return nil end
  return { button(ctx, "checkout.keep", cb("o", step, "k"), { value = view.short(ctx, tostring(value)) }) }
end

local function rows(...)
  local list = {}
  for i = 1, select("#", ...) do
    local r = select(i, ...)
    if r then list[#list + 1] = r end
  end
  return list
end

-- {======================================================================
-- nm — the recipient's name
-- =======================================================================

-- A returning customer's earlier recipients (shop/recipients.lua), one
-- button each, "o:nm:R:<order id>": the name and a short address. Typing a
-- name is still "someone new".
local function saved_rows(ctx)
  local list = {}
  for _, r in ipairs(recipients.recent(ctx.user.id)) do
    list[#list + 1] = { button(ctx, "checkout.recipients.button", cb("o", "nm", "R", r.order_id),
      { name = view.short(ctx, r.name, 20), address = view.short(ctx, r.address, 24) }) }
  end
  return list
end

-- A saved recipient picked: name, phone, address and landmark filled, on
-- to the zone (or to the landmark, should that order have none).
local function saved_pick(ctx, st, arg)
  local id = arg and arg:match("^%d+$") and tonumber(arg)
  local r = id and recipients.of_order(ctx.user.id, id)
  if not r then return S.nm.show(ctx, st) end
  st.name, st.phone, st.address, st.landmark = r.name, r.phone, r.address, r.landmark
  return M.go(ctx, st, r.landmark and "lc" or "lm",
    t(ctx, "checkout.recipients.picked", { name = r.name, phone = phone.display(r.phone) }))
end

S.nm = {
  show = function(ctx, st, lead)
    local me = ctx.user.name and { button(ctx, "checkout.name.me", cb("o", "nm", "me"),
      { name = view.short(ctx, ctx.user.name, 20) }) }
    local saved = saved_rows(ctx)
    local body = t(ctx, "checkout.name.ask")
    if #saved > 0 then body = { t(ctx, "checkout.recipients.pick"), body } end
    local list = rows(keep_row(ctx, "nm", st.name))
    for _, r in ipairs(saved) do list[#list + 1] = r end
    if me then list[#list + 1] = me end
    return view.screen(ctx, "nm", body, list, lead)
  end,
  text = text_step("name", "name"),
  press = function(ctx, st, action, arg)
    if action == "me" and ctx.user.name then
      st.name = view.short(ctx, ctx.user.name, limits().name.max)
      return M.next(ctx, st)
    end
    if action == "R" then return saved_pick(ctx, st, arg) end
    if action == "k" and st.name then return M.next(ctx, st) end
    return S.nm.show(ctx, st)
  end,
}

-- {======================================================================
-- ph — the recipient's phone: typed, a shared contact, or "it's me"
-- =======================================================================

-- The phone is known: take away the contact keyboard if it is showing
-- (a reply keyboard goes only with a new message), then the next step.
local function phone_taken(ctx, st, e164)
  st.phone = e164
  local lead = t(ctx, "checkout.phone.got", { phone = phone.display(e164) })
  if st.kb then
    st.kb = nil
    out.send(ctx.lang, ctx.chat_id, lead, keyboard.remove())
    lead = nil
  end
  return M.next(ctx, st, lead)
end

S.ph = {
  show = function(ctx, st, lead)
    local kept = st.phone and phone.display(st.phone)
    return view.screen(ctx, "ph", t(ctx, "checkout.phone.ask"),
      rows(keep_row(ctx, "ph", kept), { button(ctx, "checkout.phone.me", cb("o", "ph", "me")) }), lead)
  end,
  text = function(ctx, st, s)
    local e164, why = phone.normalize(s)
    if not e164 then
      return S.ph.show(ctx, st, t(ctx, "checkout.phone.bad_" .. why))
    end
    return phone_taken(ctx, st, e164)
  end,
  contact = function(ctx, st, c)
    local e164 = phone.from_contact(c.phone_number)
    if not e164 then return S.ph.show(ctx, st, t(ctx, "checkout.phone.bad_contact")) end
    if c.user_id and c.user_id == ctx.from.id then
      -- the customer's own number: remembered for the next "it's me"
      local ok, err = users.set_phone(ctx.user.id, e164)
      if not ok then log.warn("saving the customer's phone failed", { user = ctx.user.id, err = err }) end
    end
    return phone_taken(ctx, st, e164)
  end,
  press = function(ctx, st, action)
    if action == "k" and st.phone then return M.next(ctx, st) end
    if action == "me" then
      local mine = users.phone(ctx.user.id)
      if mine and phone.normalize(mine) then return phone_taken(ctx, st, phone.normalize(mine)) end
      -- Only a reply keyboard's button can send the customer's own number.
      st.kb = true
      state.save(ctx.user.id, st)
      return out.send(ctx.lang, ctx.chat_id, t(ctx, "checkout.phone.share_hint"),
        keyboard.ask_contact(t(ctx, "checkout.phone.share_button")))
    end
    return S.ph.show(ctx, st)
  end,
}

-- {======================================================================
-- ad, lm — address and landmark
-- =======================================================================

-- A step that asks for one line of typed text (address, landmark): the
-- answer, or "keep" the one given before when the customer came back.
local function typed_step(step, field, ask_key)
  local step_def = { text = text_step(field, field) }
  function step_def.show(ctx, st, lead)
    return view.screen(ctx, step, t(ctx, ask_key), rows(keep_row(ctx, step, st[field])), lead)
  end
  function step_def.press(ctx, st, action)
    if action == "k" and st[field] then return M.next(ctx, st) end
    return step_def.show(ctx, st)
  end
  return step_def
end

S.ad = typed_step("ad", "address", "checkout.address.ask")
S.lm = typed_step("lm", "landmark", "checkout.landmark.ask")

-- {======================================================================
-- lc — the zone: from a location pin, or from a district chosen by name.
-- Never from a list of fees (R-D8).
-- =======================================================================

local function zone_set(ctx, st, zone)
  if st.zone ~= zone then st.date, st.start, st.finish = nil, nil, nil end
  st.zone = zone
  return M.next(ctx, st)   -- the date step says the zone and its fee itself
end

local function districts(ctx, lead)
  local list, row = {}, {}
  for _, d in ipairs(rules.pricing.DISTRICTS) do
    row[#row + 1] = keyboard.button(view.district_name(ctx, d.code), cb("o", "lc", "D", d.code))
    if #row == 2 then list[#list + 1] = row; row = {} end
  end
  if #row > 0 then list[#list + 1] = row end
  return view.screen(ctx, "lc", t(ctx, "checkout.location.districts"), list, lead,
    { button(ctx, "common.back", cb("o", "lc", "0")), button(ctx, "checkout.cancel", "o:x") })
end

S.lc = {
  show = function(ctx, st, lead)
    local kept
    if st.zone then
      kept = st.district and view.district_name(ctx, st.district) or t(ctx, "checkout.location.pin_kept")
    end
    return view.screen(ctx, "lc", t(ctx, "checkout.location.ask"),
      rows(kept and { button(ctx, "checkout.keep", cb("o", "lc", "k"), { value = kept }) },
           { button(ctx, "checkout.location.choose_district", cb("o", "lc", "d")) }), lead)
  end,
  location = function(ctx, st, loc)
    local lat, lon = tonumber(loc.latitude), tonumber(loc.longitude)
    local zone, why = rules.pricing.zone_for(lat, lon)
    if not zone then
      local key = (why == "rules.pricing.too_far" or why == "rules.pricing.bad_location") and why
        or "rules.pricing.bad_location"
      return S.lc.show(ctx, st, i18n.join({ t(ctx, key), t(ctx, "checkout.location.try_district") }, "\n"))
    end
    st.lat, st.lon, st.district = lat, lon, nil
    return zone_set(ctx, st, zone)
  end,
  text = function(ctx, st)
    return S.lc.show(ctx, st, t(ctx, "checkout.location.need_pin"))
  end,
  press = function(ctx, st, action, arg)
    if action == "d" then return districts(ctx) end
    if action == "D" then
      local d = rules.pricing.district(arg)
      if not d then return districts(ctx) end
      st.lat, st.lon, st.district = nil, nil, d.code
      return zone_set(ctx, st, d.zone)
    end
    if action == "k" and st.zone then return M.next(ctx, st) end
    return S.lc.show(ctx, st)
  end,
}

-- {======================================================================
-- dt, tm — date and time window: only what is still open
-- =======================================================================

local function slot_opts(ctx, st)
  return { zone = st.zone, prep_minutes = orders_new.prep_minutes(cart.get(ctx.user.id)) }
end

S.dt = {
  show = function(ctx, st, lead)
    if not st.zone then return M.go(ctx, st, "lc", lead) end
    local now = os.time()
    local dates = slot_book.open_dates(now, slot_opts(ctx, st))
    local list, row = {}, {}
    for _, d in ipairs(dates) do
      row[#row + 1] = keyboard.button(view.date_label(ctx, d.date, now), cb("o", "dt", "D", d.date))
      if #row == 2 then list[#list + 1] = row; row = {} end
    end
    if #row > 0 then list[#list + 1] = row end
    local body = { view.zone_line(ctx, st.zone), t(ctx, #dates > 0 and "checkout.date.ask" or "checkout.date.none") }
    return view.screen(ctx, "dt", body, list, lead)
  end,
  press = function(ctx, st, action, arg)
    if action == "D" and arg then
      for _, d in ipairs(slot_book.open_dates(os.time(), slot_opts(ctx, st))) do
        if d.date == arg then
          if st.date ~= arg then st.start, st.finish = nil, nil end
          st.date = arg
          return M.next(ctx, st)
        end
      end
      return S.dt.show(ctx, st, t(ctx, "checkout.date.gone"))
    end
    return S.dt.show(ctx, st)
  end,
}

-- "0900" <-> "09:00": a colon cannot travel in callback_data.
local function hhmm(s) return s:sub(1, 2) .. ":" .. s:sub(3, 4) end
local function packed(s) return (s:gsub(":", "")) end

S.tm = {
  show = function(ctx, st, lead)
    if not st.date then return M.go(ctx, st, "dt", lead) end
    local list = slot_book.windows(st.date, os.time(), slot_opts(ctx, st)) or {}
    local rows_ = {}
    for _, w in ipairs(list) do
      if w.open then
        local label = view.window_label(ctx, w.start, w["end"])
        if w.left and w.left <= 2 then
          label = t(ctx, "checkout.window_left", { window = label, count = w.left })
        end
        rows_[#rows_ + 1] = { keyboard.button(label, cb("o", "tm", "T", packed(w.start))) }
      end
    end
    if #rows_ == 0 then
      st.date = nil
      return M.go(ctx, st, "dt", t(ctx, "checkout.time.none"))
    end
    return view.screen(ctx, "tm", { view.date_label(ctx, st.date), t(ctx, "checkout.time.ask") }, rows_, lead)
  end,
  press = function(ctx, st, action, arg)
    if action == "T" and arg and arg:match("^%d%d%d%d$") then
      local w, why = slot_book.find(st.date, hhmm(arg), os.time(), slot_opts(ctx, st))
      if w then
        st.start, st.finish = w.start, w["end"]
        return M.next(ctx, st)
      end
      return S.tm.show(ctx, st, t(ctx, why == "full" and "checkout.time.full" or "checkout.time.gone"))
    end
    return S.tm.show(ctx, st)
  end,
}

-- {======================================================================
-- sp, an — surprise (no pre-call, R-D3) and anonymous (R-D4)
-- =======================================================================

local function yes_no(step, field, yes_key, no_key, ask_key)
  return {
    show = function(ctx, st, lead)
      return view.screen(ctx, step, t(ctx, ask_key), {
        { button(ctx, yes_key, cb("o", step, "y")) }, { button(ctx, no_key, cb("o", step, "n")) },
      }, lead)
    end,
    press = function(ctx, st, action)
      if action == "y" or action == "n" then
        st[field] = action == "y"
        return M.next(ctx, st)
      end
      return S[step].show(ctx, st)
    end,
  }
end

S.sp = yes_no("sp", "surprise", "checkout.surprise.yes", "checkout.surprise.no", "checkout.surprise.ask")
S.an = yes_no("an", "anonymous", "checkout.anonymous.yes", "checkout.anonymous.no", "checkout.anonymous.ask")

-- {======================================================================
-- cd — the postcard: typed, shown back verbatim, confirmed (R-D9)
-- =======================================================================

local function card_max() return rules.constructor.CARD_MAX_CHARS end

S.cd = {
  show = function(ctx, st, lead)
    if st.card_draft then
      return view.screen(ctx, "cd", t(ctx, "checkout.card.preview", { text = st.card_draft }), {
        { button(ctx, "checkout.card.ok", cb("o", "cd", "ok")) },
        { button(ctx, "checkout.card.edit", cb("o", "cd", "ed")) },
      }, lead)
    end
    return view.screen(ctx, "cd", t(ctx, "checkout.card.ask", { max = card_max() }),
      rows(keep_row(ctx, "cd", st.card), { button(ctx, "checkout.card.none", cb("o", "cd", "no")) }), lead)
  end,
  text = function(ctx, st, s)
    -- verbatim: only the blank lines around it go, as Telegram would
    local card = trimmed(s)
    if not card then return S.cd.show(ctx, st, t(ctx, "checkout.card.empty")) end
    local n = utf8.len(card)
    if n > card_max() then
      st.card_draft = nil
      return S.cd.show(ctx, st, t(ctx, "checkout.card.too_long", { max = card_max(), length = n }))
    end
    st.card_draft = card
    state.save(ctx.user.id, st)
    return S.cd.show(ctx, st)
  end,
  press = function(ctx, st, action)
    if action == "ok" and st.card_draft then
      st.card, st.card_draft = st.card_draft, nil
      return M.next(ctx, st)
    elseif action == "ed" then
      st.card_draft = nil
      state.save(ctx.user.id, st)
    elseif action == "no" then
      st.card, st.card_draft = nil, nil
      return M.next(ctx, st)
    elseif action == "k" and st.card then
      return M.next(ctx, st)
    end
    return S.cd.show(ctx, st)
  end,
}

-- {======================================================================
-- pr — promo code (optional)
-- =======================================================================

-- The goods' total at normal prices: what a code's minimum is measured on.
local function items_total(ctx)
  local q = require("shop.quote").of(cart.get(ctx.user.id), {})
  return q and q.items or 0
end

-- The sentence for a promo code's refusal (shop/promo.lua's why).
function M.promo_refusal(ctx, why, params)
  if why == "min_total" then
    return t(ctx, "checkout.promo.min_total", { min = view.price(ctx, params and params.min or 0) })
  end
  local key = "checkout.promo." .. tostring(why)
  if not i18n.has(ctx.lang, key) then key = "checkout.promo.unknown" end
  return t(ctx, key)
end

S.pr = {
  show = function(ctx, st, lead)
    return view.screen(ctx, "pr", t(ctx, "checkout.promo.ask"),
      rows(keep_row(ctx, "pr", st.promo), { button(ctx, "checkout.promo.none", cb("o", "pr", "no")) }), lead)
  end,
  text = function(ctx, st, s)
    local row, why, params = promo.find(s, items_total(ctx))
    if not row then return S.pr.show(ctx, st, M.promo_refusal(ctx, why, params)) end
    st.promo = row.code
    return M.next(ctx, st, t(ctx, "checkout.promo.applied", { code = row.code }))
  end,
  press = function(ctx, st, action)
    if action == "no" then
      st.promo = nil
      return M.next(ctx, st)
    end
    if action == "k" and st.promo then return M.next(ctx, st) end
    return S.pr.show(ctx, st)
  end,
}

-- {======================================================================
-- pm — payment method
-- =======================================================================

-- The methods offered, in this order: cash always; Payme and Click when
-- the shop has connected them (their variables are set) and every product
-- in the cart can be on a fiscal receipt (shop.payments.offer).
M.PAYMENT_METHODS = { "cash", "payme", "click" }

-- The products a cart holds, a bouquet's stems and extras included.
local function cart_products(c)
  local ids = {}
  for _, l in ipairs(c.lines) do
    if l.kind == "product" then ids[#ids + 1] = l.product_id
    else
      for _, x in ipairs(l.stems or {}) do ids[#ids + 1] = x.product_id end
      for _, x in ipairs(l.extras or {}) do ids[#ids + 1] = x.product_id end
    end
  end
  return ids
end

-- The codes offered to this customer now: { cash = true, payme = true, ... }.
local function offered(ctx)
  local set = { cash = true }
  for _, p in ipairs(payments.offer({ product_ids = cart_products(cart.get(ctx.user.id)) })) do set[p] = true end
  return set
end

S.pm = {
  show = function(ctx, st, lead)
    local list, set = {}, offered(ctx)
    for _, code in ipairs(M.PAYMENT_METHODS) do
      if set[code] then list[#list + 1] = { button(ctx, "checkout.payment." .. code, cb("o", "pm", "P", code)) } end
    end
    return view.screen(ctx, "pm", t(ctx, "checkout.payment.ask"), list, lead)
  end,
  press = function(ctx, st, action, arg)
    if action == "P" and arg and offered(ctx)[arg] then
      st.payment = arg
      return M.next(ctx, st)
    end
    return S.pm.show(ctx, st)
  end,
}

-- ok — the confirmation screen is bot/checkout/confirm.lua's, which goes
-- back to these steps for a gap; bot/checkout.lua puts it here as S.ok, so
-- neither file requires the other both ways.

return M
