-- spec/recommend_spec.lua — recommendations: the co-purchase neighbours on
-- a fixed fixture of orders (exact neighbours and cosine scores, minimum
-- support, cancelled orders left out); each rule's effect; the blend and
-- the cold start; and the card and the cart showing them through the Bot
-- API emulator.
local bot = require "support.bot"
local i18n = require "i18n"
local pg = require "pg"
local rules = require "rules"
local stock = require "shop.stock"
local catalog = require "shop.catalog"
local compute = require "shop.recommend.compute"
local store = require "shop.recommend.store"
local job = require "shop.recommend.job"
local recommend = require "shop.recommend"
local history = require "shop.recommend.history"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end

-- Orders of `customer`, each a list of product ids (count `n` each).
local function place(customer, orders, status, n)
  for _, items in ipairs(orders) do
    local oid = assert(pg.query("INSERT INTO orders (customer_id, status) VALUES ($1, $2) RETURNING id",
      customer, status or "delivered"))[1].id
    for _, pid in ipairs(items) do
      assert(pg.query("INSERT INTO order_items (order_id, product_id, count, unit_price) VALUES ($1, $2, $3, 100)",
        oid, pid, n or 1))
    end
  end
end

local function new_customer()
  return assert(pg.query("INSERT INTO users (tg_id) VALUES ($1) RETURNING id", bot.user_id()))[1].id
end

local function drop_orders(customer)
  pg.query("DELETE FROM orders WHERE customer_id = $1", customer)
end

-- The fixture: A B C D E; seven orders, and two cancelled ones that would
-- otherwise make A–D a pair.
--   orders holding: A 5, B 4, C 3, D 2, E 2
--   pairs: A–B 3, A–C 2, B–C 2 (A–D, B–D, D–E, A–E 1: under the support of 2)
local function fixture_orders(A, B, C, D, E)
  return { { A, B, C }, { A, B }, { A, B, D }, { A, C }, { B, C }, { D, E }, { A, E } },
         { { A, D }, { A, D } }
end

describe("co-purchase neighbours", function()
  it("are the cosine of the order vectors, cut at the minimum support (pure)", function()
    local pairs_ = { { a = 1, b = 2, n = 3 }, { a = 1, b = 3, n = 2 }, { a = 2, b = 3, n = 2 } }
    local got = compute.neighbours(pairs_, { [1] = 5, [2] = 4, [3] = 3, [4] = 2, [5] = 2 }, 10)
    assert.are.equal("2:0.6708,3:0.5164", compute.encode(got[1]))
    assert.are.equal("1:0.6708,3:0.5774", compute.encode(got[2]))
    assert.are.equal("2:0.5774,1:0.5164", compute.encode(got[3]))
    assert.is_nil(got[4])
    assert.are.equal(1, #compute.neighbours(pairs_, { [1] = 5, [2] = 4, [3] = 3 }, 1)[1])
  end)

  describe("recomputed from orders in PostgreSQL into Redis", function()
    local fx, customer, ids
    setup(function()
      fx = bot.catalog()
      customer = new_customer()
      ids = {}
      for i = 1, 5 do
        ids[i] = assert(pg.query([[INSERT INTO products (code, category_id, kind, name_ru, name_uz, price, colour)
          VALUES ($1, $2, 'composition', $3, $3, 1000000, 'white') RETURNING id]],
          fx.code .. "-cf" .. i, fx.sub, "CF " .. i))[1].id
      end
      local done, cancelled = fixture_orders(table.unpack(ids))
      place(customer, done)
      place(customer, cancelled, "cancelled")
    end)
    teardown(function()
      if customer then drop_orders(customer) end
      bot.drop_catalog(fx)
    end)

    it("gives the exact neighbours and scores of the fixture", function()
      local res = job.recompute()
      assert.truthy(res.pairs >= 3)
      local A, B, C, D, E = table.unpack(ids)
      local function neighbours(id)
        local together = store.read({ id })
        local list = {}
        for nid, score in pairs(together) do list[#list + 1] = ("%d:%.4f"):format(nid, score) end
        table.sort(list)
        return table.concat(list, ",")
      end
      local function enc(list)
        table.sort(list)
        return table.concat(list, ",")
      end
      assert.are.equal(enc { B .. ":0.6708", C .. ":0.5164" }, neighbours(A))
      assert.are.equal(enc { A .. ":0.6708", C .. ":0.5774" }, neighbours(B))
      assert.are.equal(enc { A .. ":0.5164", B .. ":0.5774" }, neighbours(C))
      assert.are.equal("", neighbours(D), "A–D only in cancelled orders, D–E under the support")
      assert.are.equal("", neighbours(E))
    end)
  end)
end)

describe("the recommendation rule", function()
  local r = rules.recommend
  local function prod(id, over)
    local p = { id = id, kind = "composition", price = 1000, colours = {}, occasions = {}, tags = {}, vip = false }
    for k, v in pairs(over or {}) do p[k] = v end
    return p
  end
  local anchor = prod(1, { colours = { red = true }, occasions = { "love" }, tags = { "roses", "filler" }, vip = true })
  local day = "2026-03-08"

  it("gives each of occasion, colour, price band, tag and VIP its points", function()
    local P = r.POINTS
    assert.are.equal(0, r.points(anchor, prod(2, { price = 5000 })))
    assert.are.equal(P.occasion, r.points(anchor, prod(2, { price = 5000, occasions = { "love" } })))
    assert.are.equal(P.colour, r.points(anchor, prod(2, { price = 5000, colours = { red = true } })))
    assert.are.equal(P.price_band, r.points(anchor, prod(2, { price = 1200 })))
    assert.are.equal(0, r.points(anchor, prod(2, { price = 1400 })), "outside ±30 %")
    assert.are.equal(P.tag, r.points(anchor, prod(2, { price = 5000, tags = { "roses", "filler" } })),
      "filler is not a likeness")
    assert.are.equal(P.vip, r.points(anchor, prod(2, { price = 5000, vip = true })))
  end)

  it("gives the client's colours, occasions, budget and VIP their points, and takes some for what they own", function()
    local H = r.HISTORY
    local client = { colours = { white = 2 }, occasions = { mother = true }, budget = 3000, vip = true, bought = { [7] = true } }
    assert.are.equal(0, r.history_points(nil, prod(2)))
    assert.are.equal(H.colour, r.history_points(client, prod(2, { colours = { white = true } })))
    assert.are.equal(H.occasion, r.history_points(client, prod(2, { occasions = { "mother" } })))
    assert.are.equal(H.budget, r.history_points(client, prod(2, { price = 3300 })))
    assert.are.equal(H.vip, r.history_points(client, prod(2, { vip = true })))
    assert.are.equal(H.bought, r.history_points(client, prod(7)))
  end)

  it("puts pairs first, then what suits, and leaves out the unlike, the anchor and extras", function()
    local like = prod(2, { colours = { red = true }, occasions = { "love" } })
    local paired = prod(3, { price = 9000 })
    local unlike = prod(4, { price = 9000 })
    local extra = prod(5, { kind = "extra", colours = { red = true }, occasions = { "love" } })
    local got = r.pick { anchors = { anchor }, candidates = { anchor, like, paired, unlike, extra },
                         together = { [3] = 0.4, [4] = 0.05 }, date = day }
    assert.same({ { id = 3, source = "together" }, { id = 2, source = "suits" } }, got)
  end)

  it("suits the client by their history where the product alone would not", function()
    local white = prod(2, { price = 9000, colours = { white = true }, occasions = { "mother" } })
    local input = { anchors = { anchor }, candidates = { white }, date = day }
    assert.same({}, r.pick(input))
    input.client = { colours = { white = 3 }, occasions = { mother = true } }
    assert.same({ { id = 2, source = "suits" } }, r.pick(input))
  end)

  it("never suggests what is out of season that day", function()
    local tulip = prod(2, { colours = { red = true }, occasions = { "love" }, tags = { "season_jan_apr" } })
    assert.are.equal(1, #r.pick { anchors = { anchor }, candidates = { tulip }, date = "2026-03-08" })
    assert.are.equal(0, #r.pick { anchors = { anchor }, candidates = { tulip }, date = "2026-12-08" })
  end)

  it("falls back on the season's best sellers when it knows nothing (cold start)", function()
    local a, b = prod(2, { price = 9000 }), prod(3, { price = 9000 })
    local got = r.pick { anchors = { anchor }, candidates = { a, b }, popular = { 3, 1, 2 }, date = day }
    assert.same({ { id = 3, source = "popular" }, { id = 2, source = "popular" } }, got)
  end)
end)

describe("suggestions in the chat", function()
  local b, fx, customer
  setup(function()
    b = bot.start()
    fx = bot.catalog(b)
    for _, id in ipairs { fx.rose, fx.doll, fx.vip } do
      assert(pg.query("INSERT INTO stock (product_id, on_hand) VALUES ($1, $2)", id, 50))
    end
    customer = new_customer()
  end)
  teardown(function()
    if customer then drop_orders(customer) end
    if fx then stock.forget({ fx.rose, fx.doll, fx.vip }) end
    bot.drop_catalog(fx)
    if b then b:stop() end
  end)

  it("shows 'often chosen together' on the card and under the cart, each opening its product", function()
    -- before any order: no neighbour for the rose
    catalog.invalidate()
    job.recompute()
    local u = bot.user_in(b, "ru")
    u:command("/start", "p_" .. fx.rose)
    local m = u:wait_message(bot.says(fx.rose_ru), 10)
    local together = T("ru", "recommend.together", { name = fx.vip_ru })
    assert.is_nil(bot.button(m, together))

    place(customer, { { fx.rose, fx.vip }, { fx.rose, fx.vip }, { fx.rose, fx.vip, fx.doll } })
    job.recompute()
    u:command("/start", "p_" .. fx.rose)
    m = u:wait_message(function(x) return x.message_id > m.message_id and bot.says(fx.rose_ru)(x) end, 10)
    local button = bot.button(m, together)
    assert.truthy(button, "the card offers the VIP basket")
    assert.are.equal("p:" .. fx.vip, button.callback_data)

    bot.press(u, m, T("ru", "card.add"))
    u:command("/cart")
    local view = u:wait_message(bot.says(T("ru", "cart.title")), 10)
    local rows = view.reply_markup.inline_keyboard
    local at, checkout_at
    for i, row in ipairs(rows) do
      if row[1].text == together then at = i end
      if row[1].text == T("ru", "cart.checkout") then checkout_at = i end
    end
    assert.truthy(at, "the cart offers the VIP basket")
    assert.truthy(checkout_at and at < checkout_at, "before checkout")
    bot.press(u, view, together)
    u:wait_message(bot.says(fx.vip_ru), 10)
  end)

  it("offers the season's best sellers on a card nobody bought with anything (cold start)", function()
    -- the doll is sold alone, a lot: a best seller with no neighbour
    place(customer, { { fx.doll } }, "delivered", 100000)
    job.recompute()
    local got = recommend.for_product(fx.rose, nil)
    local sources = {}
    for _, s in ipairs(got) do sources[s.product.id] = s.source end
    assert.are.equal("together", sources[fx.vip])
    -- a product like no other (its own colour, price and no occasion)
    local lone_id = assert(pg.query([[INSERT INTO products (code, category_id, kind, name_ru, name_uz, price, colour)
      VALUES ($1, $2, 'composition', 'Lone', 'Lone', 1, 'spec_none') RETURNING id]], fx.code .. "-lone", fx.sub))[1].id
    catalog.invalidate()
    local lone = recommend.for_product(lone_id, nil)
    local found
    for _, s in ipairs(lone) do if s.product.id == fx.doll then found = s.source end end
    assert.are.equal("popular", found)
  end)

  it("reads the client's history: colours, occasions and budget", function()
    local c = new_customer()
    finally(function() drop_orders(c) end)
    local oid = assert(pg.query("INSERT INTO orders (customer_id, status, occasion) VALUES ($1, 'delivered', 'mother') RETURNING id", c))[1].id
    assert(pg.query("INSERT INTO order_items (order_id, product_id, count, unit_price) VALUES ($1, $2, 1, 15000000)", oid, fx.rose))
    assert(pg.query("UPDATE users SET preferences = '{\"colours\": [\"lilac\"]}' WHERE id = $1", c))
    history.forget(c)
    local h = history.of(c)
    assert.are.equal(1, h.colours.red)
    assert.are.equal(1, h.colours.lilac)
    assert.is_true(h.occasions.mother)
    assert.are.equal(15000000, h.budget)
    assert.is_true(h.bought[fx.rose])
  end)
end)
