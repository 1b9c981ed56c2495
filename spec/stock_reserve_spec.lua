-- spec/stock_reserve_spec.lua — stock reservations (scripts/shop/stock.lua)
-- and the cart that holds them (scripts/shop/cart.lua), on the real Redis
-- and PostgreSQL: fifty customers racing for the last five roses, a
-- composition holding its parts, expiry giving stock back, release,
-- convert and write-off, and the on_hand mirror.
local engine = require "engine"
local pg = require "pg"
local redis = require "redis"
local timer = require "timer"
local crypto = require "crypto"
local stock = require "shop.stock"
local cart = require "shop.cart"
local catalog = require "shop.catalog"

local tag = crypto.hex(crypto.random_bytes(4))
local codes = {}

-- A product of the spec's own with `on_hand` units in stock.
local function product(kind, name, price, on_hand)
  local code = ("spec-stock-%s-%s"):format(tag, name)
  local id = assert(pg.query([[INSERT INTO products (code, kind, name_ru, name_uz, price)
                               VALUES ($1, $2, $3, $3, $4) RETURNING id]], code, kind, code, price))[1].id
  if on_hand then assert(pg.query("INSERT INTO stock (product_id, on_hand) VALUES ($1, $2)", id, on_hand)) end
  codes[#codes + 1] = code
  return id
end

local function recipe(composition, items)
  for component, n in pairs(items) do
    assert(pg.query("INSERT INTO composition_items (composition_id, component_id, count) VALUES ($1, $2, $3)",
      composition, component, n))
  end
  stock.invalidate()
end

local n_holders = 0
local function holder()
  n_holders = n_holders + 1
  return ("u:spec-%s-%d"):format(tag, n_holders)
end

local function sum(t)
  local s = 0
  for _, v in pairs(t) do s = s + v end
  return s
end

teardown(function()
  local ids = {}
  for _, code in ipairs(codes) do
    local row = pg.query("SELECT id FROM products WHERE code = $1", code)[1]
    if row then ids[#ids + 1] = row.id end
  end
  stock.forget(ids)
  -- compositions first: their items hold their components
  pg.query("DELETE FROM products WHERE code LIKE $1 AND kind = 'composition'", "spec-stock-" .. tag .. "-%")
  pg.query("DELETE FROM products WHERE code LIKE $1", "spec-stock-" .. tag .. "-%")
end)

describe("reserving stock", function()
  it("gives the last 5 roses to exactly 5 of 50 customers racing for them", function()
    local rose = product("stem", "rose-race", 1500000, 5)
    local holders, units = {}, {}
    for i = 1, 50 do
      holders[i] = holder()
      units[i] = engine.spawn(stock.reserve, holders[i], { [rose] = 1 }, 60)
    end
    local won, refused = 0, 0
    for i = 1, 50 do
      local ok, res, short = units[i]:wait()
      assert.is_true(ok, tostring(res))
      if res == true then
        won = won + 1
      else
        refused = refused + 1
        assert.equal(rose, short.product_id)
        assert.equal(0, short.left)         -- told how many are left
      end
    end
    assert.equal(5, won)
    assert.equal(45, refused)
    local held = 0
    for i = 1, 50 do held = held + (stock.held(holders[i])[rose] or 0) end
    assert.equal(5, held)
    assert.equal(0, stock.available(rose))
    assert.equal("5", redis.call("HGET", "stock:reserved", rose))
    for i = 1, 50 do stock.release(holders[i]) end
    assert.equal(5, stock.available(rose))
  end)

  it("never reserves more than there is when each wants several, and says what is left", function()
    local rose = product("stem", "rose-race3", 1500000, 5)
    local units, holders = {}, {}
    for i = 1, 50 do
      holders[i] = holder()
      units[i] = engine.spawn(stock.reserve, holders[i], { [rose] = 2 }, 60)
    end
    local won, lefts = 0, {}
    for i = 1, 50 do
      local ok, res, short = units[i]:wait()
      assert.is_true(ok)
      if res == true then won = won + 1 else lefts[short.left] = true end
    end
    assert.equal(2, won)                     -- 2 + 2; the fifth rose cannot make a pair
    assert.same({ [1] = true }, lefts)       -- every refused one heard "1 left"
    assert.equal(1, stock.available(rose))
    for i = 1, 50 do stock.release(holders[i]) end
  end)

  it("reserves a composition's parts, all or nothing", function()
    local rose = product("stem", "rose-c", 1500000, 7)
    local wrap = product("extra", "wrap-c", 500000, 5)
    local bouquet = product("composition", "bouquet-c", 5000000, 0)
    recipe(bouquet, { [rose] = 3, [wrap] = 1 })
    assert.same({ [rose] = 3, [wrap] = 1 }, stock.parts(bouquet))
    assert.same({ [rose] = 1 }, stock.parts(rose))

    local h = holder()
    local needs = {}
    for pid, n in pairs(stock.parts(bouquet)) do needs[pid] = n * 2 end
    assert.is_true((stock.reserve(h, needs, 60)))
    assert.same({ [rose] = 6, [wrap] = 2 }, stock.held(h))

    -- a third bouquet needs 3 roses: 1 left; the wrap is not taken either
    local other = holder()
    local ok, short = stock.reserve(other, stock.parts(bouquet), 60)
    assert.is_nil(ok)
    assert.equal(rose, short.product_id)
    assert.equal(1, short.left)
    assert.same({ [rose] = 1 }, short.all)
    assert.same({}, stock.held(other))
    assert.equal(3, stock.available(wrap))
    stock.release(h)
    assert.equal(7, stock.available(rose))
    assert.equal(5, stock.available(wrap))
  end)

  it("gives back with a negative delta, never below zero", function()
    local rose = product("stem", "rose-neg", 1500000, 10)
    local h = holder()
    assert.is_true((stock.reserve(h, { [rose] = 4 }, 60)))
    assert.is_true((stock.reserve(h, { [rose] = -1 }, 60)))
    assert.same({ [rose] = 3 }, stock.held(h))
    assert.is_true((stock.reserve(h, { [rose] = -10 }, 60)))
    assert.same({}, stock.held(h))
    assert.equal(10, stock.available(rose))
  end)

  it("returns the stock when a reservation expires", function()
    local rose = product("stem", "rose-exp", 1500000, 3)
    local h = holder()
    assert.is_true((stock.reserve(h, { [rose] = 3 }, 1)))
    assert.equal(0, stock.available(rose))
    local ok = stock.reserve(holder(), { [rose] = 1 }, 1)
    assert.is_nil(ok)
    timer.sleep(1.1)
    -- nobody looked in between: the first reader sees it back
    assert.equal(3, stock.available(rose))
    assert.same({}, stock.held(h))
    assert.is_nil(stock.touch(h, 1))        -- too late to renew
    assert.is_true((stock.reserve(holder(), { [rose] = 3 }, 60)))
  end)

  it("keeps a reservation that is renewed", function()
    local rose = product("stem", "rose-touch", 1500000, 3)
    local h = holder()
    assert.is_true((stock.reserve(h, { [rose] = 2 }, 1)))
    timer.sleep(0.5)
    assert.is_number(stock.touch(h, 1))     -- now held until 1.5 s
    timer.sleep(0.6)                        -- 1.1 s: the first ttl is over, the renewed one is not
    assert.same({ [rose] = 2 }, stock.held(h))
    assert.equal(1, stock.available(rose))
    timer.sleep(0.5)
    assert.same({}, stock.held(h))
    assert.equal(3, stock.available(rose))
  end)

  it("releases at once", function()
    local rose = product("stem", "rose-rel", 1500000, 4)
    local h = holder()
    assert.is_true((stock.reserve(h, { [rose] = 4 }, 60)))
    assert.equal(0, stock.available(rose))
    stock.release(h)
    assert.equal(4, stock.available(rose))
    assert.same({}, stock.held(h))
    assert.equal(0, redis.call("EXISTS", "stock:holder:" .. h))
  end)

  it("converts a cart's reservation to an order's, which does not expire, and writes it off", function()
    local rose = product("stem", "rose-conv", 1500000, 5)
    local wrap = product("extra", "wrap-conv", 500000, 5)
    local h = holder()
    local order = "o:" .. (900000000 + n_holders)
    assert.is_true((stock.reserve(h, { [rose] = 3, [wrap] = 1 }, 1)))
    local moved = stock.convert(h, order)
    assert.same({ [rose] = 3, [wrap] = 1 }, moved)
    assert.same({}, stock.held(h))
    timer.sleep(1.1)                        -- the cart's ttl is over; the order's hold is not
    assert.same({ [rose] = 3, [wrap] = 1 }, stock.held(order))
    assert.equal(2, stock.available(rose))
    assert.equal(-1, redis.call("TTL", "stock:holder:" .. order))

    -- the florist accepted: PostgreSQL now says 2 roses, 4 wraps on hand
    stock.written_off(tonumber(order:sub(3)), { [rose] = 2, [wrap] = 4 })
    assert.same({}, stock.held(order))
    assert.equal(2, stock.available(rose))
    assert.equal(4, stock.available(wrap))
  end)

  it("refuses to convert a reservation that expired", function()
    local rose = product("stem", "rose-conv-exp", 1500000, 5)
    local h = holder()
    assert.is_true((stock.reserve(h, { [rose] = 2 }, 1)))
    timer.sleep(1.1)
    local moved, err = stock.convert(h, "o:" .. (910000000 + n_holders))
    assert.is_nil(moved)
    assert.equal("expired", err)
    assert.equal(5, stock.available(rose))
  end)

  it("loads on_hand from PostgreSQL when the mirror lacks it, and never over a newer value", function()
    local rose = product("stem", "rose-mirror", 1500000, 10)
    local none = product("stem", "rose-no-row", 1500000, nil)
    assert.equal(0, redis.call("HEXISTS", "stock:on_hand", rose))
    assert.equal(10, stock.available(rose))
    assert.equal("10", redis.call("HGET", "stock:on_hand", rose))
    assert.equal(0, stock.available(none))  -- no stock row: nothing to sell

    -- a newer value (the florist's write-off) wins over PostgreSQL's old one
    stock.mirror({ [rose] = 7 })
    assert.equal(7, stock.available(rose))
    assert.equal(0, redis.call("HSETNX", "stock:on_hand", rose, 10))
    -- forgotten: read again
    assert.is_true(pg.query("UPDATE stock SET on_hand = 12 WHERE product_id = $1", rose).affected == 1)
    stock.forget({ rose })
    assert.equal(12, stock.available(rose))
    -- a reservation finds the mirror missing too
    stock.forget({ rose })
    local h = holder()
    assert.is_true((stock.reserve(h, { [rose] = 12 }, 60)))
    assert.equal(0, stock.available(rose))
    stock.release(h)
  end)
end)

describe("the cart", function()
  local saved_ttl = cart.ttl
  local uid
  before_each(function()
    uid = 700000000 + n_holders
    n_holders = n_holders + 1
    catalog.invalidate()
  end)
  after_each(function()
    cart.clear(uid)
    cart.ttl = saved_ttl
  end)

  it("holds what its lines need, and gives it back on remove and clear", function()
    local rose = product("stem", "cart-rose", 1500000, 20)
    local wrap = product("extra", "cart-wrap", 500000, 5)
    local bouquet = product("composition", "cart-bouquet", 5000000, 0)
    recipe(bouquet, { [rose] = 5, [wrap] = 1 })
    catalog.invalidate()

    local l1 = assert(cart.add_product(uid, rose, 2))
    assert.equal("p" .. rose, l1.id)
    local l2 = assert(cart.add_product(uid, bouquet, 1))
    assert.same({ [rose] = 5, [wrap] = 1 }, cart.needs(l2))
    assert.same({ [rose] = 7, [wrap] = 1 }, stock.held("u:" .. uid))
    assert.equal(2, #cart.get(uid).lines)

    local l = assert(cart.change(uid, l1.id, 1))
    assert.equal(3, l.count)
    assert.same({ [rose] = 8, [wrap] = 1 }, stock.held("u:" .. uid))

    -- 12 roses free: two more bouquets fit (10), a third does not
    local none, short = cart.change(uid, l2.id, 3)
    assert.is_nil(none)
    assert.equal(bouquet, short.product_id)
    assert.equal(2, short.left)              -- in bouquets
    assert.equal(1, short.mine)

    assert.is_true(cart.remove(uid, l1.id))
    assert.same({ [rose] = 5, [wrap] = 1 }, stock.held("u:" .. uid))
    cart.clear(uid)
    assert.same({}, stock.held("u:" .. uid))
    assert.equal(20, stock.available(rose))
    assert.same({}, cart.get(uid).lines)
    assert.is_false(cart.lapsed(uid))        -- emptied on purpose is not a lapse
  end)

  it("loses its lines with the reservation, and says so once", function()
    cart.ttl = function() return 1 end
    local rose = product("stem", "cart-lapse", 1500000, 3)
    catalog.invalidate()
    assert(cart.add_product(uid, rose, 3))
    assert.equal(0, stock.available(rose))
    timer.sleep(0.6)
    assert.is_true(cart.touch(uid))         -- activity renews both
    timer.sleep(0.6)
    assert.equal(1, #cart.get(uid).lines)
    timer.sleep(0.6)
    assert.same({}, cart.get(uid).lines)
    assert.equal(3, stock.available(rose))
    assert.is_false(cart.touch(uid))
    assert.is_true(cart.lapsed(uid))
    assert.is_false(cart.lapsed(uid))
    local _, err = cart.change(uid, "p" .. rose, 1)
    assert.equal("expired", err)
  end)
end)
