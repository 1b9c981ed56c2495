-- spec/bot_cart_spec.lua — the cart end to end through the Bot API
-- emulator, in both languages: "add to cart" on a product card, the cart
-- view with its price breakdown in so'm / сум, +/-/remove and "empty"
-- editing the same message, and the toasts when stock runs short.
local bot = require "support.bot"
local i18n = require "i18n"
local pg = require "pg"
local stock = require "shop.stock"
local cart = require "shop.cart"
local quote = require "shop.quote"
local breakdown = require "bot.breakdown"
local catalog = require "shop.catalog"
local json = require "json"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end

local CURRENCY = { ru = "сум", uz = "soʻm" }

describe("the cart in the chat", function()
  local b, fx

  setup(function()
    b = bot.start()
    fx = bot.catalog(b)
    -- the spec's catalog has no stock: give it some (roses are scarce)
    for id, n in pairs { [fx.rose] = 3, [fx.doll] = 10, [fx.vip] = 1 } do
      assert(pg.query("INSERT INTO stock (product_id, on_hand) VALUES ($1, $2)", id, n))
    end
  end)
  teardown(function()
    if fx then stock.forget({ fx.rose, fx.doll, fx.vip }) end
    bot.drop_catalog(fx)
    if b then b:stop() end
  end)

  -- Opens product `id`'s card through its link; returns the card message.
  local function card(u, id, name)
    u:command("/start", "p_" .. id)
    return u:wait_message(bot.says(name), 10)
  end

  local function add(u, lang, m)
    local q = bot.press(u, m, T(lang, "card.add"))
    return u:wait_answer(q, 10).text
  end

  -- The quote and its breakdown without the chat: a bouquet's parts, the
  -- peak-day surcharge, free delivery, the rounding and the total.
  it("builds pricing's input from the cart and renders the quote in both languages", function()
    catalog.invalidate()
    local filler = pg.query("SELECT id FROM products WHERE code = $1", fx.code .. "-f1")[1].id
    for id, n in pairs { [filler] = 5 } do
      assert(pg.query("INSERT INTO stock (product_id, on_hand) VALUES ($1, $2)", id, n))
    end
    local uid = bot.user_id()
    assert(cart.add_product(uid, fx.doll, 1))
    local b3 = assert(cart.add_bouquet(uid, { occasion = "birthday", stems = { { product_id = fx.rose, count = 3 } },
      extras = { { product_id = filler, count = 1 } }, card_text = nil }))
    finally(function() cart.clear(uid); stock.forget({ filler }) end)

    -- the input pricing gets (a stand-in records it)
    local seen
    local stand_in = { quote = function(input) seen = input; return { lines = {}, items = 0, rounding = 0, total = 0 } end }
    assert(quote.of(cart.get(uid), { zone = "Z1", date = "2026-03-08", pricing = stand_in }))
    assert.equal("Z1", seen.zone)
    assert.equal("2026-03-08", seen.date)
    assert.same({ id = "p" .. fx.doll, kind = "product", count = 1,
                  product = { id = fx.doll, code = fx.code .. "-doll", kind = "composition", price = 21000000 } },
                seen.lines[1])
    assert.equal(b3.id, seen.lines[2].id)
    assert.equal("bouquet", seen.lines[2].kind)
    assert.equal(fx.rose, seen.lines[2].stems[1].product.id)
    assert.equal(3, seen.lines[2].stems[1].count)
    assert.equal(filler, seen.lines[2].extras[1].product.id)

    local q = assert(quote.of(cart.get(uid), { zone = "Z1", date = "2026-03-08" }))
    assert.same({}, q.unavailable)
    for _, lang in ipairs { "ru", "uz" } do
      local cur = CURRENCY[lang]
      -- the same lines from the quote as stored on an order (through JSON)
      for _, qq in ipairs { q, json.decode(json.encode(q)) } do
        local text = i18n.str(i18n.join(breakdown.lines(lang, qq), "\n"))
        local want = {
          "1. " .. fx["doll_" .. lang] .. " — 1 × 210 000 " .. cur,
          T(lang, "occasion.birthday"),
          fx["rose_" .. lang] .. " × 3 — 450 000 " .. cur,
          "9 001 " .. cur,
          T(lang, "rules.peak.march8"),
          T(lang, "cart.bd.delivery_free", { zone = T(lang, "rules.zone.Z1") }),
          T(lang, "cart.bd.rounding", { amount = "502 " .. cur }),
          T(lang, "cart.bd.total", { amount = "1 003 000 " .. cur }),
        }
        for _, w in ipairs(want) do assert.truthy(text:find(w, 1, true), w .. " not in:\n" .. text) end
      end
    end
  end)

  for _, lang in ipairs { "ru", "uz" } do
    local cur = CURRENCY[lang]
    local function price(s) return s .. " " .. cur end

    it("adds from a card, shows the cart and edits it with +, - and remove (" .. lang .. ")", function()
      local u, menu = bot.user_in(b, lang)
      local doll = card(u, fx.doll, fx["doll_" .. lang])
      assert.equal(T(lang, "cart.added", { count = 1 }), add(u, lang, doll))
      assert.equal(T(lang, "cart.added", { count = 2 }), add(u, lang, doll))
      assert.equal(8, stock.available(fx.doll))

      -- the menu's button turns the menu message into the cart
      bot.press(u, menu, T(lang, "menu.cart"))
      local m = u:wait_message(bot.says(T(lang, "cart.title")), 10)
      assert.equal(menu.message_id, m.message_id)
      local body = bot.body(m)
      assert.truthy(body:find("1. " .. fx["doll_" .. lang] .. " — 2 × " .. price("210 000") .. " = "
        .. price("420 000"), 1, true), body)
      assert.truthy(body:find(T(lang, "cart.bd.total", { amount = price("420 000") }), 1, true), body)
      assert.truthy(body:find(T(lang, "cart.held", { minutes = 15 }), 1, true), body)
      assert.truthy(bot.button(m, T(lang, "cart.checkout")))
      assert.equal("o:start", bot.button(m, T(lang, "cart.checkout")).callback_data)

      local line = "p" .. fx.doll
      u:press(m, "k:i:" .. line)
      m = u:wait_message(bot.says(price("630 000")), 10)
      assert.equal(menu.message_id, m.message_id)
      assert.truthy(bot.body(m):find("3 × " .. price("210 000"), 1, true))
      assert.equal(7, stock.available(fx.doll))

      u:press(m, "k:d:" .. line)
      m = u:wait_message(bot.says("2 × " .. price("210 000")), 10)
      assert.equal(menu.message_id, m.message_id)
      assert.equal(8, stock.available(fx.doll))

      -- a second product, then remove the first line
      local vip = card(u, fx.vip, fx["vip_" .. lang])
      assert.equal(T(lang, "cart.added", { count = 1 }), add(u, lang, vip))
      u:command("/cart")                     -- the cart as a new message
      m = u:wait_message(bot.says(fx["vip_" .. lang]), 10)
      local view_id = m.message_id
      assert.are_not.equal(menu.message_id, view_id)
      assert.truthy(bot.body(m):find(T(lang, "cart.bd.total", { amount = price("1 070 000") }), 1, true),
        bot.body(m))
      u:press(m, "k:r:" .. line)
      m = u:wait_message(function(x) return not bot.body(x):find(fx["doll_" .. lang], 1, true) end, 10)
      assert.equal(view_id, m.message_id)
      assert.truthy(bot.body(m):find("1. " .. fx["vip_" .. lang], 1, true))
      assert.equal(10, stock.available(fx.doll))
      assert.equal(0, stock.available(fx.vip))

      -- "-" on the last unit removes the line; the empty cart says so
      u:press(m, "k:d:p" .. fx.vip)
      m = u:wait_message(bot.says(T(lang, "cart.empty")), 10)
      assert.equal(view_id, m.message_id)
      assert.truthy(bot.button(m, T(lang, "cart.catalog")))
      assert.equal(1, stock.available(fx.vip))
    end)

    it("says how many are left when stock is short, and gives it back when emptied (" .. lang .. ")", function()
      local u = bot.user_in(b, lang)
      local rose = card(u, fx.rose, fx["rose_" .. lang])
      for i = 1, 3 do assert.equal(T(lang, "cart.added", { count = i }), add(u, lang, rose)) end
      assert.equal(T(lang, "cart.only_yours", { count = 3 }), add(u, lang, rose))
      assert.equal(0, stock.available(fx.rose))

      -- someone else finds none
      local other = bot.user_in(b, lang)
      local rose2 = card(other, fx.rose, fx["rose_" .. lang])
      assert.equal(T(lang, "cart.sold_out"), add(other, lang, rose2))

      -- "+" in the cart is refused the same way, and the view stays
      u:command("/cart")
      local m = u:wait_message(bot.says(T(lang, "cart.title")), 10)
      assert.truthy(bot.body(m):find("3 × " .. price("150 000") .. " = " .. price("450 000"), 1, true), bot.body(m))
      local q = u:press(m, "k:i:p" .. fx.rose)
      assert.equal(T(lang, "cart.only_yours", { count = 3 }), u:wait_answer(q, 10).text)

      bot.press(u, m, T(lang, "cart.clear"))
      m = u:wait_message(bot.says(T(lang, "cart.empty")), 10)
      assert.equal(3, stock.available(fx.rose))
      assert.equal(T(lang, "cart.added", { count = 1 }), add(other, lang, rose2))
      other:command("/cart")
      local om = other:wait_message(bot.says(T(lang, "cart.title")), 10)
      bot.press(other, om, T(lang, "cart.clear"))
      other:wait_message(bot.says(T(lang, "cart.empty")), 10)
      assert.equal(3, stock.available(fx.rose))
    end)
  end
end)
