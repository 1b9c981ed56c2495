-- spec/slot_book_spec.lua — booking delivery windows and promo codes in
-- PostgreSQL (scripts/shop/slot_book.lua, scripts/shop/promo.lua), runnable
-- alone:  build/asan/guldasta-dev run spec/runner.lua spec/slot_book_spec.lua
--
-- R-S4: a window of capacity 3 and four customers confirming at the same
-- moment: three get a place, one is told the window is full; a cancelled
-- order gives its place back. Promo codes: expired, not yet valid, used up,
-- below their minimum, and the last use taken by one order only.
local pg = require "pg"
local engine = require "engine"
local timer = require "timer"
local crypto = require "crypto"
local rules = require "rules"
local slot_book = require "shop.slot_book"
local promo = require "shop.promo"

local function tag() return crypto.hex(crypto.random_bytes(4)):upper() end

-- A date nobody else books: somewhere in the 2090s.
local function far_date()
  local n = string.unpack("<I4", crypto.random_bytes(4))
  return ("209%d-%02d-%02d"):format(n % 10, 1 + (n // 10) % 12, 1 + (n // 200) % 28)
end

describe("shop/slot_book.lua", function()
  local date = far_date()
  teardown(function()
    pg.query("DELETE FROM delivery_slots WHERE date = $1::date", date)
  end)

  it("gives the last places of a window to exactly as many orders as it holds", function()
    local results = {}
    local handles = {}
    for i = 1, 4 do
      handles[i] = engine.spawn(function()
        return pg.transaction(function(tx)
          local id, why = slot_book.book(tx, date, "12:00", "15:00", 3)
          if not id then return nil, why end
          timer.sleep(0.05)   -- the order's other statements: hold the row a moment
          return id
        end)
      end)
    end
    for i, h in ipairs(handles) do
      local ok, id, why = h:wait()
      assert.is_true(ok, tostring(id))
      results[i] = id or why
    end
    local booked, full = 0, 0
    for _, r in ipairs(results) do
      if r == "slot_full" then full = full + 1 else booked = booked + 1 end
    end
    assert.are.equal(3, booked)
    assert.are.equal(1, full)
    local row = assert(pg.query([[SELECT taken, capacity FROM delivery_slots
                                   WHERE date = $1::date AND start_time = '12:00']], date))[1]
    assert.are.same({ taken = 3, capacity = 3 }, { taken = row.taken, capacity = row.capacity })
    assert.are.same({ ["12:00"] = 3 }, slot_book.taken(date))
  end)

  it("takes nothing when the order's transaction rolls back", function()
    local ok = pg.transaction(function(tx)
      assert(slot_book.book(tx, date, "18:00", "21:00", 2))
      error("the order failed after booking")
    end)
    assert.is_nil(ok)
    assert.are.same({ ["12:00"] = 3 }, slot_book.taken(date))   -- not even the row
  end)

  it("gives a cancelled order's place back, and a raised capacity counts at once", function()
    local id = assert(pg.query([[SELECT id FROM delivery_slots WHERE date = $1::date AND start_time = '12:00']],
      date))[1].id
    assert.is_true(slot_book.release({ slot_id = id }))
    assert.are.equal(2, slot_book.taken(date)["12:00"])
    -- the owner raised the day's capacity: the next booking refreshes it
    local got = pg.transaction(function(tx)
      assert(slot_book.book(tx, date, "12:00", "15:00", 5))
      return assert(slot_book.book(tx, date, "12:00", "15:00", 5))
    end)
    assert.are.equal(id, got)
    assert.are.equal(4, slot_book.taken(date)["12:00"])
    assert.is_false(slot_book.release({ slot_id = pg.null }))
  end)

  it("joins the rule's windows with the places taken", function()
    if not rules.slots then return pending("rules/slots.lua not written yet") end
    local now = os.time()
    local dates = rules.slots.dates(now, {})
    assert.truthy(dates and dates[1], "the rules offer some date")
    local d = dates[#dates]
    local list = assert(slot_book.windows(d, now, { zone = "Z1", prep_minutes = 60 }))
    local w
    for _, x in ipairs(list) do if x.open then w = x break end end
    assert.truthy(w, "a window open on " .. d)
    -- fill it in PostgreSQL: the rule must now call it full
    assert(pg.query([[INSERT INTO delivery_slots (date, start_time, end_time, capacity, taken)
                      VALUES ($1::date, $2::time, $3::time, $4, $4)
                      ON CONFLICT (date, start_time) DO UPDATE SET taken = EXCLUDED.capacity,
                                                                   capacity = EXCLUDED.capacity]],
      d, w.start, w["end"], w.capacity))
    local ok, err = pcall(function()
      local again = assert(slot_book.windows(d, now, { zone = "Z1", prep_minutes = 60 }))
      for _, x in ipairs(again) do
        if x.start == w.start then
          assert.is_false(x.open)
          assert.are.equal("full", x.why)
        end
      end
      assert.is_nil(slot_book.find(d, w.start, now, { zone = "Z1", prep_minutes = 60 }))
      for _, od in ipairs(slot_book.open_dates(now, { zone = "Z1", prep_minutes = 60 })) do
        for _, x in ipairs(od.windows) do
          assert.is_false(od.date == d and x.start == w.start, "a full window is offered")
        end
      end
    end)
    pg.query("DELETE FROM delivery_slots WHERE date = $1::date AND start_time = $2::time", d, w.start)
    assert(ok, err)
  end)
end)

describe("shop/promo.lua", function()
  local codes = {}
  local user_id, order_ids = nil, {}

  local function code(fields)
    local c = "SPEC" .. tag()
    codes[#codes + 1] = c
    assert(pg.query([[INSERT INTO promo_codes (code, kind, value, min_total, valid_from, valid_until, max_uses, used, active)
                      VALUES ($1, $2, $3, $4, now() + $5::interval, now() + $6::interval, $7, $8, $9)]],
      c, fields.kind or "percent", fields.value or 10, fields.min_total or 0,
      fields.from or "-1 day", fields["until"] or "1 day", fields.max_uses, fields.used or 0,
      fields.active ~= false))
    return c
  end

  local function order()
    local id = assert(pg.query("INSERT INTO orders (customer_id) VALUES ($1) RETURNING id", user_id))[1].id
    order_ids[#order_ids + 1] = id
    return id
  end

  setup(function()
    user_id = assert(pg.query("INSERT INTO users (tg_id) VALUES ($1) RETURNING id",
      700000000 + math.random(1, 99999999)))[1].id
  end)
  teardown(function()
    for _, id in ipairs(order_ids) do pg.query("DELETE FROM orders WHERE id = $1", id) end
    for _, c in ipairs(codes) do pg.query("DELETE FROM promo_codes WHERE code = $1", c) end
    pg.query("DELETE FROM users WHERE id = $1", user_id)
  end)

  it("finds a valid code however it is typed, as pricing's input", function()
    local c = code { kind = "fixed", value = 2000000, min_total = 10000000 }
    local want = { code = c, kind = "fixed", value = 2000000, min_total = 10000000 }
    assert.are.same(want, promo.find(c))
    assert.are.same(want, promo.find("  #" .. c:lower() .. " "))
    assert.are.same(want, promo.find(c, 10000000))
  end)

  it("refuses expired, not yet valid, used up, switched off and unknown codes", function()
    assert.are.same({ nil, "expired" }, { promo.find(code { from = "-10 days", ["until"] = "-1 day" }) })
    assert.are.same({ nil, "not_yet" }, { promo.find(code { from = "1 day", ["until"] = "10 days" }) })
    assert.are.same({ nil, "used_up" }, { promo.find(code { max_uses = 5, used = 5 }) })
    assert.are.same({ nil, "unknown" }, { promo.find(code { active = false }) })
    assert.are.same({ nil, "unknown" }, { promo.find("NOSUCH" .. tag()) })
    assert.are.same({ nil, "unknown" }, { promo.find("кириллица") })
    assert.are.same({ nil, "unknown" }, { promo.find("") })
  end)

  it("refuses a code below its minimum total, saying the minimum", function()
    local c = code { min_total = 30000000 }
    assert.are.same({ nil, "min_total", { min = 30000000 } }, { promo.find(c, 29999999) })
    assert.truthy(promo.find(c, 30000000))
  end)

  it("gives the last use to one order only, and takes it back on cancellation", function()
    local c = code { max_uses = 2, used = 1 }
    local a, b = order(), order()
    local first = pg.transaction(function(tx) return promo.take(tx, c, a, user_id) end)
    assert.is_true(first)
    local second, why = pg.transaction(function(tx) return promo.take(tx, c, b, user_id) end)
    assert.is_nil(second)
    assert.are.equal("used_up", why)
    assert.are.same({ nil, "used_up" }, { promo.find(c) })
    local r = assert(pg.query("SELECT count(*)::int AS n FROM promo_redemptions WHERE code = $1", c))[1]
    assert.are.equal(1, r.n)
    assert.is_true(promo.release(a))
    assert.is_false(promo.release(a))
    assert.truthy(promo.find(c))
  end)

  it("does not let an expired code be taken even if it was found a moment ago", function()
    local c = code { from = "-10 days", ["until"] = "-1 second" }
    local id = order()
    local ok, why = pg.transaction(function(tx) return promo.take(tx, c, id, user_id) end)
    assert.is_nil(ok)
    assert.are.equal("used_up", why)
  end)
end)
