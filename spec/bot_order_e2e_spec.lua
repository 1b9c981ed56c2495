-- spec/bot_order_e2e_spec.lua — one order from the customer's /start to
-- "delivered", in Russian and in Uzbek, with nothing made behind the bot's
-- back: every step is a person typing or pressing through the Bot API
-- emulator, and `guldasta serve` does the rest.
--
--   customer: /start → language → types the flower's name → its card →
--             "add to cart" → menu → cart → checkout (name, phone,
--             address, landmark, location pin, date, window, surprise,
--             anonymous, postcard, promo, cash) → confirm → order number
--   florist:  the florists' channel post → Accept → Assembling → Ready →
--             the bouquet photo in the florist's own chat
--   customer: gets the photo
--   courier:  the couriers' group post → Take → the route card → Delivered
--   customer: told at every step, in their language
--
-- Then the database: the order delivered, six events in order, the stock
-- written off once with a `sale` entry, the window's place taken.
--   build/asan/guldasta-dev run spec/runner.lua spec/bot_order_e2e_spec.lua
local fx = require "support.orders"
local bot = require "support.bot"
local i18n = require "i18n"
local pg = require "pg"
local eventually = require("support.server").eventually

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end
local function is(text) return function(m) return bot.body(m) == text end end

local SHOP = { lat = 39.7747, lon = 64.4179 }      -- Labi-hovuz: zone Z1

-- The first (or, with last, the last) button whose callback_data starts with prefix.
local function press_data(u, m, prefix, last)
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

-- The florists' post once it carries the button `data` (a post is edited
-- after the commit, beside the customer's notice, so either may come first).
local function post_with(emu, post, data)
  return eventually(function()
    local cur = emu.chats[post.chat.id].by_id[post.message_id]
    for _, b in ipairs(bot.buttons(cur)) do if b.callback_data == data then return cur end end
  end, 10, "the post's " .. data)
end

describe("an order from /start to delivered", function()
  local b, emu, owner_id
  local flowers = {}   -- lang -> { name =, id = }

  setup(function()
    owner_id = fx.tg_id()
    -- made before the bot starts, so its catalog copy has them at once
    for _, lang in ipairs { "ru", "uz" } do
      local name = "Guldasta e2e " .. bot.number()
      flowers[lang] = { name = name, id = fx.product { on_hand = 40, price = 2000000, name = name, active = true } }
    end
    b = fx.bot { owner = owner_id }
    emu = b.emu
  end)
  teardown(function() if b then b.stop() end end)

  for _, lang in ipairs { "ru", "uz" } do
    it("goes through every person's hands (" .. lang .. ")", function()
      local staff_lang = "ru"   -- rules.orders.STAFF_LANG: the channel and group posts
      local n = bot.number()
      local flower, rose = flowers[lang].name, flowers[lang].id

      local florist_tg, courier_tg = fx.tg_id(), fx.tg_id()
      local florist = fx.staff("florist", { tg_id = florist_tg, lang = lang, name = "Malika " .. lang })
      local courier = fx.staff("courier", { tg_id = courier_tg, lang = lang, name = "Jasur " .. lang })
      local fu = emu:user { id = florist_tg, first_name = florist.name }
      local ku = emu:user { id = courier_tg, first_name = courier.name }

      -- the customer: language, search, card, cart
      local cu, menu = bot.user_in(b, lang)
      cu:send(flower)
      local found = cu:wait_message(function(m) return bot.button(m, flower) ~= nil end, 10)
      bot.press(cu, found, flower)
      local card = cu:wait_message(bot.says(T(lang, "card.title", { name = flower })), 10)
      local q = bot.press(cu, card, T(lang, "card.add"))
      assert.truthy(cu:wait_answer(q, 10).text, "adding says so")
      -- three stems of the gift: "+" twice in the cart
      bot.press(cu, menu, T(lang, "menu.cart"))
      local cart = cu:wait_message(function(m) return bot.button(m, T(lang, "checkout.start")) ~= nil end, 10)
      local function line_shows(count)
        local label = T(lang, "cart.line_label", { n = 1, count = count })
        return function(x) return bot.button(x, label) ~= nil end
      end
      press_data(cu, cart, "k:i:")
      cart = cu:wait_message(line_shows(2), 10)
      press_data(cu, cart, "k:i:")
      cart = cu:wait_message(line_shows(3), 10)

      -- checkout
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
      cu:share_location(SHOP.lat, SHOP.lon)
      local m = cu:wait_message(bot.says(T(lang, "checkout.date.ask")), 10)
      press_data(cu, m, "o:dt:D:", true)                     -- the last day offered
      m = cu:wait_message(bot.says(T(lang, "checkout.time.ask")), 10)
      press_data(cu, m, "o:tm:T:")                           -- its first open window
      m = cu:wait_message(bot.says(T(lang, "checkout.surprise.ask")), 10)
      bot.press(cu, m, T(lang, "checkout.surprise.yes"))
      m = cu:wait_message(bot.says(T(lang, "checkout.anonymous.ask")), 10)
      bot.press(cu, m, T(lang, "checkout.anonymous.no"))
      cu:wait_message(bot.says(T(lang, "checkout.card.ask", { max = 250 }):sub(1, 20)), 10)
      local postcard = "Tugʻilgan kuningiz bilan, onajon! — " .. n
      cu:send(postcard)
      m = cu:wait_message(bot.says(T(lang, "checkout.card.preview", { text = postcard })), 10)
      bot.press(cu, m, T(lang, "checkout.card.ok"))
      m = cu:wait_message(bot.says(T(lang, "checkout.promo.ask")), 10)
      bot.press(cu, m, T(lang, "checkout.promo.none"))
      m = cu:wait_message(bot.says(T(lang, "checkout.payment.ask")), 10)
      bot.press(cu, m, T(lang, "checkout.payment.cash"))
      m = cu:wait_message(bot.says(T(lang, "checkout.confirm.header")), 10)
      assert.truthy(bot.body(m):find(postcard, 1, true), "the postcard is shown back verbatim")
      press_data(cu, m, "o:ok:")
      m = cu:wait_message(bot.says(T(lang, "checkout.placed_next")), 15)
      local id = math.tointeger(tonumber(bot.body(m):match("(%d+)")))
      assert.truthy(id, bot.body(m))
      local o = pg.query("SELECT customer_id, status, total FROM orders WHERE id = $1", id)[1]
      assert.equal("new", o.status)

      -- the florists' channel: accept, assemble, ready with a photo
      local ch = emu:chat(emu.florists)
      local post = ch:wait_message(bot.says(T(staff_lang, "flow.post.title", { id = id })), 10)
      assert.truthy(post.text:find(postcard, 1, true), "the postcard reaches the florist unchanged")
      assert.falsy(post.text:find("+998901234567", 1, true), "no recipient phone for the florists")
      q = fu:press(post, "s:acc:" .. id)
      assert.equal(T(lang, "flow.done.accepted", { id = id }), fu:wait_answer(q, 10).text)
      cu:wait_message(is(T(lang, "flow.customer.accepted", { id = id })), 10)
      post = post_with(emu, post, "s:asm:" .. id)
      q = fu:press(post, "s:asm:" .. id)
      fu:wait_answer(q, 10)
      cu:wait_message(is(T(lang, "flow.customer.assembling", { id = id })), 10)
      post = post_with(emu, post, "s:rdy:" .. id)
      q = fu:press(post, "s:rdy:" .. id)
      fu:wait_message(is(T(lang, "flow.ask_photo", { id = id })), 10)
      local photo = fu:send_photo()
      fu:wait_message(is(T(lang, "flow.photo_saved", { id = id })), 10)
      local pic = cu:wait_message(function(x) return x.photo ~= nil end, 10)
      assert.equal(photo.photo[#photo.photo].file_id, pic.photo[1].file_id)
      assert.equal(T(lang, "flow.customer.ready", { id = id }), pic.caption)

      -- the couriers' group: take, the route card, delivered
      local gpost = emu:chat(emu.couriers):wait_message(bot.says(T(staff_lang, "flow.courier.title", { id = id })), 10)
      q = ku:press(gpost, "s:take:" .. id)
      assert.equal(T(lang, "flow.done.delivering", { id = id }), ku:wait_answer(q, 10).text)
      local route = ku:wait_message(bot.says(T(lang, "flow.route.title", { id = id })), 10)
      assert.truthy(route.text:find("+998901234567", 1, true), "the courier gets the recipient's phone")
      assert.truthy(route.text:find("Labi-hovuz yonida", 1, true), "and the landmark")
      assert.truthy(route.text:find(T(lang, "flow.route.surprise"), 1, true), "and the surprise flag")
      cu:wait_message(bot.says(T(lang, "flow.customer.delivering", { id = id, slot = "" }):sub(1, 12)), 10)
      q = ku:press(route, "s:dlv:" .. id)
      ku:wait_answer(q, 10)
      cu:wait_message(is(T(lang, "flow.customer.delivered", { id = id })), 10)

      -- what the database says
      local row = fx.row(id)
      assert.equal("delivered", row.status)
      local chain = {}
      for _, e in ipairs(fx.events(id)) do
        chain[#chain + 1] = (e.from or "") .. ">" .. e.to
      end
      assert.same({ ">new", "new>accepted", "accepted>assembling", "assembling>ready",
                    "ready>delivering", "delivering>delivered" }, chain)
      local sales = pg.query([[SELECT product_id, delta FROM inventory_log
                                WHERE order_id = $1 AND reason = 'sale']], id)
      assert.same({ { product_id = rose, delta = -3 } }, sales)
      assert.equal(37, fx.on_hand(rose))
      local slot = pg.query([[SELECT s.taken FROM orders o JOIN delivery_slots s ON s.id = o.slot_id
                               WHERE o.id = $1]], id)[1]
      assert.truthy(slot and slot.taken >= 1, "the order holds a place in its window")
    end)
  end
end)
