-- scripts/bot/checkout/confirm.lua — the checkout's last screen: everything
-- the customer said, the full price breakdown (the very quote object that
-- is stored on the order), and [Confirm]; then placing the order.
--
-- The Confirm button carries the checkout's token ("o:ok:<token>"): a press
-- on the confirmation of an older checkout is refused, and a second tap
-- on the same one finds the order the first tap placed (the token is the
-- order's checkout_token, UNIQUE) and says its number again.
local i18n = require "i18n"
local keyboard = require "bot.keyboard"
local out = require "bot.out"
local breakdown = require "bot.breakdown"
local view = require "bot.checkout.view"
local state = require "bot.checkout.state"
local phone = require "shop.phone"
local promo = require "shop.promo"
local cart = require "shop.cart"
local quote = require "shop.quote"
local orders_new = require "shop.orders_new"
local steps = require "bot.checkout.steps"
local pay = require "bot.pay"
local rules = require "rules"

local M = {}

local t, button = view.t, view.button


-- A screen that ends the checkout (or pauses it): text and the way on.
local function ending(ctx, text, with_cart)
  local row = {}
  if with_cart then row[#row + 1] = button(ctx, "checkout.to_cart", "k") end
  row[#row + 1] = button(ctx, "common.menu", "m")
  return out.show(ctx, { text = text, markup = keyboard.markup({ row }) })
end
M.ending = ending

-- What the customer said, one line each, as the florist and courier will
-- read it.
local function summary(ctx, st)
  local lines = {
    t(ctx, "checkout.confirm.recipient", { name = st.name, phone = phone.display(st.phone) }),
    t(ctx, "checkout.confirm.address", { address = st.address }),
    t(ctx, "checkout.confirm.landmark", { landmark = st.landmark }),
  }
  if st.lat then
    lines[#lines + 1] = t(ctx, "checkout.confirm.zone_pin", { zone = view.zone_name(ctx, st.zone) })
  else
    lines[#lines + 1] = t(ctx, "checkout.confirm.zone_district",
      { zone = view.zone_name(ctx, st.zone), district = view.district_name(ctx, st.district) })
  end
  lines[#lines + 1] = t(ctx, "checkout.confirm.when",
    { date = view.date_label(ctx, st.date), window = view.window_label(ctx, st.start, st.finish) })
  lines[#lines + 1] = t(ctx, st.surprise and "checkout.confirm.surprise_yes" or "checkout.confirm.surprise_no")
  lines[#lines + 1] = t(ctx, st.anonymous and "checkout.confirm.anonymous_yes" or "checkout.confirm.anonymous_no")
  if st.card then
    lines[#lines + 1] = t(ctx, "checkout.confirm.card", { text = st.card })
  else
    lines[#lines + 1] = t(ctx, "checkout.confirm.no_card")
  end
  if st.promo then lines[#lines + 1] = t(ctx, "checkout.confirm.promo", { code = st.promo }) end
  lines[#lines + 1] = t(ctx, "checkout.payment." .. (st.payment or "cash"))
  return i18n.join(lines, "\n")
end

-- Every step answered? (A state from an older checkout shape, or a step
-- skipped by a stale button, sends the customer to the first gap.)
local REQUIRED = { { "name", "nm" }, { "phone", "ph" }, { "address", "ad" }, { "landmark", "lm" },
                   { "zone", "lc" }, { "date", "dt" }, { "start", "tm" }, { "surprise", "sp" },
                   { "anonymous", "an" }, { "payment", "pm" } }

local function first_gap(st)
  for _, r in ipairs(REQUIRED) do
    if st[r[1]] == nil then return r[2] end
  end
end

function M.show(ctx, st, lead)
  local gap = first_gap(st)
  if gap then return steps.go(ctx, st, gap, lead) end
  local c = cart.get(ctx.user.id)
  if #c.lines == 0 then return ending(ctx, t(ctx, "checkout.cart_empty"), true) end
  local promo_row
  if st.promo then
    local why, params
    promo_row, why, params = promo.find(st.promo)
    if not promo_row then
      st.promo = nil
      return steps.go(ctx, st, "pr", steps.promo_refusal(ctx, why, params))
    end
  end
  local q, reason = quote.of(c, { zone = st.zone, date = st.date, promo = promo_row })
  if not q then
    local key = i18n.has(ctx.lang, tostring(reason)) and reason or "error.generic"
    return ending(ctx, t(ctx, key), true)
  end
  if q.unavailable and #q.unavailable > 0 then return ending(ctx, t(ctx, "checkout.gone"), true) end
  if promo_row and not q.discount then
    st.promo = nil
    return steps.go(ctx, st, "pr", steps.promo_refusal(ctx, "min_total", { min = promo_row.min_total }))
  end
  st.total = q.total
  state.save(ctx.user.id, st)
  local body = { summary(ctx, st), i18n.join(breakdown.lines(ctx.lang, q), "\n") }
  if st.payment == "cash" then body[#body + 1] = t(ctx, "checkout.confirm.cash_note")
  else body[#body + 1] = t(ctx, "checkout.confirm.online_note", { minutes = rules.payments.HOLD_MINUTES }) end
  return view.screen(ctx, "ok", body,
    { { button(ctx, "checkout.confirm.button", keyboard.cb("o", "ok", st.token)) } }, lead)
end

-- {======================================================================
-- Placing
-- =======================================================================

local function draft(ctx, st)
  return {
    token = st.token, total = math.tointeger(st.total) or st.total, lang = ctx.lang,
    recipient_name = st.name, recipient_phone = st.phone, address = st.address, landmark = st.landmark,
    lat = st.lat, lon = st.lon, zone = st.zone, delivery_date = st.date,
    slot_start = st.start, slot_end = st.finish, surprise = st.surprise == true,
    anonymous = st.anonymous == true, card_text = st.card, promo_code = st.promo,
    payment_method = st.payment or "cash",
  }
end

-- The order is in: its number, and what happens next. An order paid
-- online waits for its payment: the pay buttons come with it.
local function placed(ctx, id, method, total)
  local body = { t(ctx, "checkout.placed", { id = id }) }
  local rows = {}
  if method == "cash" then
    body[#body + 1] = t(ctx, "checkout.placed_cash", { total = view.price(ctx, total) })
    body[#body + 1] = t(ctx, "checkout.placed_next")
  else
    body[#body + 1] = t(ctx, "checkout.placed_online",
      { total = view.price(ctx, total), minutes = rules.payments.HOLD_MINUTES })
    rows = pay.rows(ctx.lang, { id = id, total = total, payment_method = method })
  end
  rows[#rows + 1] = { button(ctx, "checkout.my_orders", "u"), button(ctx, "common.menu", "m") }
  return out.show(ctx, { text = i18n.join(body, "\n\n"), markup = keyboard.markup(rows) })
end

function M.press(ctx, st, token)
  if token ~= st.token then
    out.answer(ctx, t(ctx, "checkout.stale"))
    return M.show(ctx, st)
  end
  if first_gap(st) then return M.show(ctx, st) end
  local id, why, detail = orders_new.place(ctx.user, draft(ctx, st))
  if id then
    -- the conversation is over; a retried Confirm (same token) finds the
    -- order by its token, so a crash before this line loses nothing
    state.clear(ctx.user.id)
    return placed(ctx, id, st.payment or "cash", math.tointeger(st.total) or st.total)
  end
  local S = steps
  if why == "price_changed" then
    return M.show(ctx, st, t(ctx, "checkout.price_changed"))
  elseif why == "slot_full" or why == "slot_gone" then
    st.start, st.finish = nil, nil
    return S.go(ctx, st, "tm", t(ctx, why == "slot_full" and "checkout.time.full" or "checkout.time.gone"))
  elseif why:match("^promo_") then
    local params
    if why == "promo_min_total" and st.promo then
      local row = promo.find(st.promo)
      params = { min = row and row.min_total or 0 }
    end
    st.promo = nil
    return S.go(ctx, st, "pr", S.promo_refusal(ctx, why:sub(7), params))
  elseif why == "cart_empty" then
    return ending(ctx, t(ctx, "checkout.cart_empty"), true)
  elseif why == "gone" then
    return ending(ctx, t(ctx, "checkout.gone"), true)
  elseif why == "quote_failed" and detail and i18n.has(ctx.lang, detail) then
    return ending(ctx, t(ctx, detail), true)
  end
  return M.show(ctx, st, t(ctx, "checkout.failed"))
end

-- A Confirm press with no checkout behind it: the second tap of a double
-- tap (the first placed the order and cleared the state), or an old button.
function M.orphan_press(ctx, token)
  local id = token and orders_new.by_token(token, ctx.user.id)
  if id then return out.answer(ctx, t(ctx, "checkout.already_placed", { id = id })) end
  return out.answer(ctx, t(ctx, "checkout.stale"))
end

return M
