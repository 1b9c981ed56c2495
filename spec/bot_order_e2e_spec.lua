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
local walk = require "support.walk"
local pg = require "pg"

local T, press_data = walk.T, walk.press_data

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
      local n = bot.number()
      local flower, rose = flowers[lang].name, flowers[lang].id

      local florist_tg, courier_tg = fx.tg_id(), fx.tg_id()
      local florist = fx.staff("florist", { tg_id = florist_tg, lang = lang, name = "Malika " .. lang })
      local courier = fx.staff("courier", { tg_id = courier_tg, lang = lang, name = "Jasur " .. lang })
      local fu = emu:user { id = florist_tg, first_name = florist.name }
      local ku = emu:user { id = courier_tg, first_name = courier.name }

      -- the customer: language, search, card, cart with three stems of the gift
      local cu, cart = walk.cart(b, lang, flower, 3)

      -- checkout
      local postcard = "Tugʻilgan kuningiz bilan, onajon! — " .. n
      local m = walk.checkout(cu, lang, cart, { method = "cash", postcard = postcard })
      assert.truthy(bot.body(m):find(postcard, 1, true), "the postcard is shown back verbatim")
      press_data(cu, m, "o:ok:")
      m = cu:wait_message(bot.says(T(lang, "checkout.placed_next")), 15)
      local id = math.tointeger(tonumber(bot.body(m):match("(%d+)")))
      assert.truthy(id, bot.body(m))
      local o = pg.query("SELECT customer_id, status, total FROM orders WHERE id = $1", id)[1]
      assert.equal("new", o.status)

      -- the florists' channel and the couriers' group, to delivered
      local post, route = walk.deliver(emu, { cu = cu, fu = fu, ku = ku, lang = lang, id = id })
      assert.truthy(post.text:find(postcard, 1, true), "the postcard reaches the florist unchanged")
      assert.falsy(post.text:find("+998901234567", 1, true), "no recipient phone for the florists")
      assert.truthy(route.text:find("+998901234567", 1, true), "the courier gets the recipient's phone")
      assert.truthy(route.text:find("Labi-hovuz yonida", 1, true), "and the landmark")
      assert.truthy(route.text:find(T(lang, "flow.route.surprise"), 1, true), "and the surprise flag")

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
