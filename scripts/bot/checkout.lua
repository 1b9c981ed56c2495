-- scripts/bot/checkout.lua — the checkout: a conversation from the cart's
-- "o:start" button to a placed order (feature module, see bot/router.lua).
--
-- recipient name → recipient phone → address → landmark → location pin or
-- district (the zone and its fee follow; never chosen by price) → date →
-- time window → surprise → anonymous → postcard → promo code → payment →
-- confirmation → shop/orders_new.lua places the order.
--
-- The conversation's state is in Redis (bot/checkout/state.lua), so it
-- survives an engine restart; every screen has Back and Cancel. Buttons
-- are "o:<step>:<action>[:<arg>]" (bot/checkout/steps.lua), plus
-- "o:start", "o:x" (cancel) and "o:ok:<token>" (confirm). A button of
-- another step than the one waiting (an older message) shows the waiting
-- step again instead of acting. Typed text, a shared contact or a location
-- reach on_input, which takes them only while a step waits for them.
local log = require "log"
local i18n = require "i18n"
local keyboard = require "bot.keyboard"
local out = require "bot.out"
local view = require "bot.checkout.view"
local state = require "bot.checkout.state"
local steps = require "bot.checkout.steps"
local confirm = require "bot.checkout.confirm"
local cart = require "shop.cart"

-- the last step, the confirmation, is confirm.lua's (see steps.lua's end)
steps.S.ok = { show = confirm.show, press = confirm.press }

local M = {}

local t = view.t

-- Every step renews the cart's reservation: a customer filling in the
-- form is active, and the stock must still be theirs at Confirm.
local function touch(ctx)
  local ok, err = pcall(cart.touch, ctx.user.id)
  if not ok then log.warn("cart.touch failed", { user = ctx.user.id, err = tostring(err) }) end
end

-- "o:start": a new checkout, or the one in progress where it was left.
local function start(ctx)
  local c = cart.get(ctx.user.id)
  if #c.lines == 0 then return confirm.ending(ctx, t(ctx, "checkout.cart_empty"), false) end
  touch(ctx)
  local st = state.load(ctx.user.id)
  if st then return steps.go(ctx, st, st.step, t(ctx, "checkout.resumed")) end
  st = state.new(view.STEPS[1])
  -- a bouquet from the constructor may carry its postcard already: offered
  -- at the postcard step as the text to keep
  for _, l in ipairs(c.lines) do
    if l.kind == "bouquet" and type(l.card_text) == "string" and l.card_text ~= "" then
      st.card = l.card_text
      break
    end
  end
  return steps.go(ctx, st, st.step)
end

-- "o:x": forget the answers; the cart stays as it is.
local function cancel(ctx)
  local st = state.load(ctx.user.id)
  state.clear(ctx.user.id)
  local text = t(ctx, "checkout.cancelled")
  if st and st.kb then
    -- the contact keyboard under the input field goes with a message of its own
    out.send(ctx.lang, ctx.chat_id, text, keyboard.remove())
  end
  return confirm.ending(ctx, text, true)
end

local function on_press(ctx, args)
  local step, action, arg = args[2], args[3], args[4]
  if step == "start" then return start(ctx) end
  if step == "x" then return cancel(ctx) end
  local st = state.load(ctx.user.id)
  if not st then
    if step == "ok" then return confirm.orphan_press(ctx, action) end
    return out.answer(ctx, t(ctx, "checkout.stale"))
  end
  touch(ctx)
  if step ~= st.step or not steps.S[step] then
    out.answer(ctx, t(ctx, "checkout.stale"))
    return steps.show(ctx, st)
  end
  if action == "b" then return steps.back(ctx, st) end
  return steps.S[step].press(ctx, st, action, arg)
end

-- The Redis key on_input reads (bot/prefetch.lua).
function M.input_keys(ctx) return { state.key(ctx.user.id) } end

-- A private message while a checkout waits for input: true when taken.
function M.on_input(ctx)
  local st = state.load(ctx.user.id)
  if not st then return false end
  local s = steps.S[st.step]
  if not s then return false end
  local msg = ctx.msg
  local handler, value
  if msg.contact and s.contact then handler, value = s.contact, msg.contact
  elseif msg.location and s.location then handler, value = s.location, msg.location
  -- paused (the menu is on screen): text is what the menu says it is, a
  -- search; a contact or a pin can only be an answer, so they resume
  elseif type(msg.text) == "string" and s.text and not st.paused then handler, value = s.text, msg.text
  end
  if not handler then return false end
  touch(ctx)
  if st.paused then
    st.paused = nil
    state.save(ctx.user.id, st)
  end
  handler(ctx, st, value)
  return true
end

M.callbacks = {
  o = { fn = on_press },
}

-- For the cart view: the button that starts (or resumes) the checkout.
function M.button(lang) return keyboard.button(i18n.t(lang, "checkout.start"), "o:start") end

return M
