-- spec/rules_pricing_spec.lua — rules/pricing.lua, runnable alone:
--   build/asan/guldasta-dev run spec/runner.lua spec/rules_pricing_spec.lua
local pricing = require("rules").pricing
local i18n = require "i18n"

local SOM = 100
local function product(id, som) return { id = id, code = "P" .. id, kind = "stem", price = som * SOM } end
local function line(p, n, id) return { id = id or ("p" .. p.id), kind = "product", count = n, product = p } end

local rose = product(1, 15000)        -- 15 000 so'm
local kraft = { id = 10, code = "E01", kind = "extra", price = 15000 * SOM }
local ribbon = { id = 11, code = "E03", kind = "extra", price = 5000 * SOM }
local card = { id = 12, code = "E04", kind = "extra", price = 10000 * SOM }
local bear = { id = 13, code = "E08", kind = "extra", price = 120000 * SOM }
local leaf = { id = 2, code = "S16", kind = "stem", price = 15000 * SOM }

describe("rules/pricing.lua", function()
  it("prices product lines and a bouquet line with its parts", function()
    local q = assert(pricing.quote { lines = {
      line(rose, 3),
      { id = "b1", kind = "bouquet", count = 1,
        stems = { { product = rose, count = 15 }, { product = leaf, count = 3 } },
        extras = { { product = bear, count = 1 } },
        packaging = { code = "kraft", product = kraft }, ribbon = ribbon, card = card },
    } })
    assert.equal(45000 * SOM, q.lines[1].amount)
    assert.same({}, q.lines[1].parts)
    local b = q.lines[2]
    assert.equal((15 * 15000 + 3 * 15000 + 120000 + 15000 + 5000 + 10000) * SOM, b.amount)
    assert.equal(b.amount, b.unit)
    local whats = {}
    for _, p in ipairs(b.parts) do whats[#whats + 1] = p.what end
    assert.same({ "stem", "stem", "extra", "packaging", "ribbon", "card" }, whats)
    assert.equal(q.lines[1].amount + b.amount, q.items)
    assert.is_nil(q.surcharge); assert.is_nil(q.delivery); assert.is_nil(q.discount)
    assert.equal(q.items, q.total)
  end)

  it("adds the peak-day surcharge on items, by yearly and dated entries", function()
    local q = assert(pricing.quote { lines = { line(rose, 10) }, date = "2026-03-08" })
    assert.same({ day = "march8", percent = 50, amount = 75000 * SOM }, q.surcharge)
    assert.equal(225000 * SOM, q.total)
    q = assert(pricing.quote { lines = { line(rose, 10) }, date = "2026-02-14" })
    assert.equal("feb14", q.surcharge.day)
    q = assert(pricing.quote { lines = { line(rose, 10) }, date = "2026-05-25" })
    assert.equal("last_bell", q.surcharge.day)
    q = assert(pricing.quote { lines = { line(rose, 10) }, date = "2026-03-10" })
    assert.is_nil(q.surcharge)
    assert.equal("navruz", pricing.peak_day("2027-03-21").code)
  end)

  it("applies a percent promo to items and a fixed one, never below zero", function()
    local q = assert(pricing.quote { lines = { line(rose, 10) },
      promo = { code = "TEN", kind = "percent", value = 10, min_total = 0 } })
    assert.same({ code = "TEN", kind = "percent", value = 10, amount = 15000 * SOM }, q.discount)
    assert.equal(135000 * SOM, q.total)
    q = assert(pricing.quote { lines = { line(rose, 2) },
      promo = { code = "BIG", kind = "fixed", value = 100000 * SOM, min_total = 0 } })
    assert.equal(30000 * SOM, q.discount.amount)
    assert.equal(0, q.total)
  end)

  it("ignores a promo below its min_total, with a note", function()
    local q = assert(pricing.quote { lines = { line(rose, 2) },
      promo = { code = "MIN", kind = "fixed", value = 5000 * SOM, min_total = 100000 * SOM } })
    assert.is_nil(q.discount)
    assert.equal(30000 * SOM, q.total)
    assert.equal("rules.pricing.promo_min_total", q.notes[1].key)
    assert.equal("100 000", q.notes[1].params.min)
  end)

  it("charges delivery by zone and makes it free from the zone's threshold", function()
    local q = assert(pricing.quote { lines = { line(rose, 10) }, zone = "Z1" })
    assert.same({ zone = "Z1", fee = 15000 * SOM, free = false, free_from = 500000 * SOM }, q.delivery)
    assert.equal(165000 * SOM, q.total)
    q = assert(pricing.quote { lines = { line(rose, 34) }, zone = "Z1" })   -- 510 000
    assert.is_true(q.delivery.free)
    assert.equal(0, q.delivery.fee)
    q = assert(pricing.quote { lines = { line(rose, 34) }, zone = "Z2" })   -- below Z2's 800 000
    assert.equal(25000 * SOM, q.delivery.fee)
    q = assert(pricing.quote { lines = { line(rose, 100) }, zone = "Z4" })  -- Z4 never free
    assert.is_false(q.delivery.free)
  end)

  it("rounds the total down to whole 1 000 so'm and shows the rounding", function()
    local odd = product(5, 12345)
    local q = assert(pricing.quote { lines = { line(odd, 1) } })
    assert.equal(-345 * SOM, q.rounding)
    assert.equal(12000 * SOM, q.total)
    assert.equal(q.items + q.rounding, q.total)
    -- a peak-day surcharge that leaves hundreds is rounded away too
    q = assert(pricing.quote { lines = { line(product(6, 1100), 1) }, date = "2026-03-08" })
    assert.equal(550 * SOM, q.surcharge.amount)
    assert.equal(1000 * SOM, q.total)
    -- less than one step is not rounded to nothing
    q = assert(pricing.quote { lines = { line(product(7, 500), 1) } })
    assert.equal(0, q.rounding); assert.equal(500 * SOM, q.total)
  end)

  it("finds the zone of a location by distance from Labi-hovuz", function()
    assert.equal("Z1", (pricing.zone_for(39.7747, 64.4179)))
    assert.equal("Z1", (pricing.zone_for(39.7777, 64.4105)))       -- the Ark, ~0.7 km
    assert.equal("Z2", (pricing.zone_for(39.7747 + 0.045, 64.4179))) -- 5 km north
    assert.equal("Z3", (pricing.zone_for(39.7228, 64.5517)))       -- Kogon, ~13 km
    assert.equal("Z4", (pricing.zone_for(40.1264, 64.7628)))       -- Gʻijduvon, ~49 km
    local z, why = pricing.zone_for(41.3111, 69.2797)              -- Tashkent
    assert.is_nil(z); assert.equal("rules.pricing.too_far", why)
    z, why = pricing.zone_for(nil, "x")
    assert.is_nil(z); assert.equal("rules.pricing.bad_location", why)
    local _, km = pricing.zone_for(39.7747 + 0.045, 64.4179)
    assert.is_true(km > 4.9 and km < 5.1)
  end)

  it("maps every district to a zone", function()
    for _, d in ipairs(pricing.DISTRICTS) do assert.truthy(pricing.zone(d.zone), d.code) end
    assert.equal("Z3", pricing.district("kogon").zone)
    assert.equal("Z4", pricing.district("gijduvon").zone)
  end)

  it("answers odd input with a reason, never an error", function()
    local cases = {
      {}, { lines = "x" }, { lines = { {} } }, { lines = { { kind = "product", count = 0, product = rose } } },
      { lines = { { kind = "product", count = 1.5, product = rose } } },
      { lines = { { kind = "product", count = 1 } } },
      { lines = { { kind = "bouquet", stems = {} } } },
      { lines = { { kind = "bouquet", stems = { { product = rose } } } } },
      { lines = { { kind = "bouquet", stems = { { product = rose, count = 1 } }, packaging = {} } } },
      { lines = { line(rose, 1) }, zone = "Z9" },
      { lines = { line(rose, 1) }, date = "08.03.2026" },
    }
    for i, input in ipairs(cases) do
      local q, why = pricing.quote(input)
      assert.is_nil(q, "case " .. i)
      assert.truthy(type(why) == "string" and why:find("^rules%.pricing%."), "case " .. i)
    end
    assert.same({ nil, "rules.pricing.bad_input" }, { pricing.quote(nil) })
    local q = assert(pricing.quote { lines = { line(rose, 1) },
      promo = { code = "X", kind = "weird", value = 1 } })
    assert.equal("rules.pricing.promo_bad", q.notes[1].key)
  end)

  it("has every key it can return, and every name, in both languages", function()
    for _, key in ipairs(pricing.keys()) do
      for _, lang in ipairs { "ru", "uz" } do assert.is_true(i18n.has(lang, key), lang .. " " .. key) end
    end
  end)

  it("passes its selfcheck", function() assert.is_true(pricing.selfcheck()) end)
end)
