-- spec/support/walk.lua — one order walked through the bot as people do
-- it, for the end-to-end specs (spec/bot_order_e2e_spec.lua,
-- spec/payments_bot_e2e_spec.lua): every step a person typing or pressing
-- through the Bot API emulator.
--
--   walk.cart(b, lang, flower, count) -> customer, cart message
--   walk.checkout(cu, lang, cart_msg, { method = "cash" | "payme" | "click", postcard = }) -> confirmation
--   walk.deliver(emu, { cu =, fu =, ku =, lang =, id = }) -> the route card
local bot = require "support.bot"
local i18n = require "i18n"
local eventually = require("support.server").eventually

local M = {}

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end
local function is(text) return function(m) return bot.body(m) == text end end
M.T, M.is = T, is

-- This is not a spec file: busted's assert is not here.
function M.same(want, got)
  if want ~= got then error(("expected %q, got %q"):format(tostring(want), tostring(got)), 2) end
end

M.SHOP = { lat = 39.7747, lon = 64.4179 }      -- Labi-hovuz: zone Z1

-- The first (or, with last, the last) button whose callback_data starts with prefix.
function M.press_data(u, m, prefix, last)
  local found
  for _, b in ipairs(bot.buttons(m)) do
    if b.callback_data and b.callback_data:sub(1, #prefix) == prefix then
      found = b
      if not last then break end
    end
  end
  assert(found, "no button " .. prefix .. " on: " .. bot.body(m):sub(1, 300))
  return u:press(m, found.callback_data)
end

-- A new customer of bot `b` in `lang`: /start, the language, a search for
-- `flower` (an active product), its card, "add to cart", the cart with
-- "+" until `count`. Returns the customer and the cart's message.
function M.cart(b, lang, flower, count)
  local cu, menu = bot.user_in(b, lang)
  cu:send(flower)
  local found = cu:wait_message(function(m) return bot.button(m, flower) ~= nil end, 10)
  bot.press(cu, found, flower)
  local card = cu:wait_message(bot.says(T(lang, "card.title", { name = flower })), 10)
  local q = bot.press(cu, card, T(lang, "card.add"))
  assert(cu:wait_answer(q, 10).text, "adding says so")
  bot.press(cu, menu, T(lang, "menu.cart"))
  local cart = cu:wait_message(function(m) return bot.button(m, T(lang, "checkout.start")) ~= nil end, 10)
  for n = 2, count or 1 do
    local label = T(lang, "cart.line_label", { n = 1, count = n })
    M.press_data(cu, cart, "k:i:")
    cart = cu:wait_message(function(x) return bot.button(x, label) ~= nil end, 10)
  end
  return cu, cart
end

-- From the cart's Checkout button to the confirmation screen (returned).
function M.checkout(cu, lang, cart, opts)
  opts = opts or {}
  bot.press(cu, cart, T(lang, "checkout.start"))
  cu:wait_message(bot.says(T(lang, "checkout.name.ask")), 10)
  cu:send("Dilnoza")
  cu:wait_message(bot.says(T(lang, "checkout.phone.ask")), 10)
  cu:send("(90) 123-45-67")
  cu:wait_message(bot.says(T(lang, "checkout.address.ask")), 10)
  cu:send("Bahouddin Naqshband ko'chasi, 12-uy, 4-xonadon")
  cu:wait_message(bot.says(T(lang, "checkout.landmark.ask")), 10)
  cu:send("Labi-hovuz yonida")
  cu:wait_message(bot.says(T(lang, "checkout.location.ask")), 10)
  cu:share_location(M.SHOP.lat, M.SHOP.lon)
  local m = cu:wait_message(bot.says(T(lang, "checkout.date.ask")), 10)
  M.press_data(cu, m, "o:dt:D:", true)                     -- the last day offered
  m = cu:wait_message(bot.says(T(lang, "checkout.time.ask")), 10)
  M.press_data(cu, m, "o:tm:T:")                           -- its first open window
  m = cu:wait_message(bot.says(T(lang, "checkout.surprise.ask")), 10)
  bot.press(cu, m, T(lang, "checkout.surprise.yes"))
  m = cu:wait_message(bot.says(T(lang, "checkout.anonymous.ask")), 10)
  bot.press(cu, m, T(lang, "checkout.anonymous.no"))
  cu:wait_message(bot.says(T(lang, "checkout.card.ask", { max = 250 }):sub(1, 20)), 10)
  if opts.postcard then
    cu:send(opts.postcard)
    m = cu:wait_message(bot.says(T(lang, "checkout.card.preview", { text = opts.postcard })), 10)
    bot.press(cu, m, T(lang, "checkout.card.ok"))
  else
    m = cu:last_message()
    bot.press(cu, m, T(lang, "checkout.card.none"))
  end
  m = cu:wait_message(bot.says(T(lang, "checkout.promo.ask")), 10)
  bot.press(cu, m, T(lang, "checkout.promo.none"))
  m = cu:wait_message(bot.says(T(lang, "checkout.payment.ask")), 10)
  -- what the payment step offered (the screen is edited into the next one)
  M.payment_labels = {}
  for _, b in ipairs(bot.buttons(m)) do M.payment_labels[b.text] = true end
  bot.press(cu, m, T(lang, "checkout.payment." .. (opts.method or "cash")))
  return cu:wait_message(bot.says(T(lang, "checkout.confirm.header")), 10)
end

-- The florists' post once it carries the button `data` (a post is edited
-- after the commit, beside the customer's notice, so either may come first).
function M.post_with(emu, post, data)
  return eventually(function()
    local cur = emu.chats[post.chat.id].by_id[post.message_id]
    for _, b in ipairs(bot.buttons(cur)) do if b.callback_data == data then return cur end end
  end, 10, "the post's " .. data)
end

-- The florists' post of order w.id, then accept, assemble, ready with a
-- photo (the customer gets it), the couriers' take and delivered, the
-- customer told at each step. Returns the florists' post and the route card.
function M.deliver(emu, w)
  local cu, fu, ku, lang, id = w.cu, w.fu, w.ku, w.lang, w.id
  local staff_lang = "ru"   -- rules.orders.STAFF_LANG: the channel and group posts
  local post = emu:chat(emu.florists):wait_message(bot.says(T(staff_lang, "flow.post.title", { id = id })), 10)
  local first = post
  local q = fu:press(post, "s:acc:" .. id)
  M.same(T(lang, "flow.done.accepted", { id = id }), fu:wait_answer(q, 10).text)
  cu:wait_message(is(T(lang, "flow.customer.accepted", { id = id })), 10)
  post = M.post_with(emu, post, "s:asm:" .. id)
  q = fu:press(post, "s:asm:" .. id)
  fu:wait_answer(q, 10)
  cu:wait_message(is(T(lang, "flow.customer.assembling", { id = id })), 10)
  post = M.post_with(emu, post, "s:rdy:" .. id)
  fu:press(post, "s:rdy:" .. id)
  fu:wait_message(is(T(lang, "flow.ask_photo", { id = id })), 10)
  local photo = fu:send_photo()
  fu:wait_message(is(T(lang, "flow.photo_saved", { id = id })), 10)
  local pic = cu:wait_message(function(x) return x.photo ~= nil end, 10)
  M.same(photo.photo[#photo.photo].file_id, pic.photo[1].file_id)
  M.same(T(lang, "flow.customer.ready", { id = id }), pic.caption)

  local gpost = emu:chat(emu.couriers):wait_message(bot.says(T(staff_lang, "flow.courier.title", { id = id })), 10)
  q = ku:press(gpost, "s:take:" .. id)
  M.same(T(lang, "flow.done.delivering", { id = id }), ku:wait_answer(q, 10).text)
  local route = ku:wait_message(bot.says(T(lang, "flow.route.title", { id = id })), 10)
  cu:wait_message(bot.says(T(lang, "flow.customer.delivering", { id = id, slot = "" }):sub(1, 12)), 10)
  q = ku:press(route, "s:dlv:" .. id)
  ku:wait_answer(q, 10)
  cu:wait_message(is(T(lang, "flow.customer.delivered", { id = id })), 10)
  return first, route
end

return M
