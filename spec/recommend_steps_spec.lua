-- spec/recommend_steps_spec.lua — the recommendation rule's steps (usable,
-- likeness, taste) that the shop keeps between cards: handed to pick they
-- give exactly what pick works out alone, over many generated catalogs and
-- clients; pick uses what it is handed; and the shop's kept steps follow an
-- edit of the catalog at once.
local pg = require "pg"
local rules = require "rules"
local crypto = require "crypto"
local catalog = require "shop.catalog"
local recommend = require "shop.recommend"

local r = rules.recommend
local DAYS = { "2026-03-08", "2026-06-01", "2026-12-08" }
local TAGS = { "roses", "filler", "spring", "season_jan_apr", "season_may_jun", "luxe" }
local COLOURS = { "red", "white", "pink", "yellow" }
local OCCASIONS = { "love", "birthday", "mother", "apology" }

local function some(list)
  local out = {}
  for _, v in ipairs(list) do if math.random() < 0.3 then out[#out + 1] = v end end
  return out
end

local function set_of(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

local function product(id)
  local kinds = { "composition", "stem", "extra" }
  return { id = id, kind = kinds[math.random(#kinds)], price = math.random(5, 30) * 1000,
           colours = set_of(some(COLOURS)), occasions = some(OCCASIONS), tags = some(TAGS),
           vip = math.random() < 0.2 }
end

local function client(ids)
  if math.random() < 0.2 then return nil end
  local c = { colours = {}, occasions = set_of(some(OCCASIONS)), vip = math.random() < 0.3, bought = {} }
  for _, code in ipairs(some(COLOURS)) do c.colours[code] = math.random(3) end
  if math.random() < 0.7 then c.budget = math.random(5, 30) * 1000 end
  for _, id in ipairs(ids) do if math.random() < 0.15 then c.bought[id] = true end end
  return c
end

describe("the recommendation rule's steps", function()
  it("handed to pick, give what pick works out alone (generated catalogs, carts and clients)", function()
    math.randomseed(20261206)
    for case = 1, 300 do
      local list, ids = {}, {}
      for id = 1, math.random(1, 40) do list[id] = product(id); ids[id] = id end
      local anchors = {}
      for _ = 1, math.random(1, 3) do anchors[#anchors + 1] = list[math.random(#list)] end
      local together, popular = {}, {}
      for _ = 1, math.random(0, 6) do together[math.random(#list)] = math.random() end
      for _ = 1, math.random(0, 5) do popular[#popular + 1] = math.random(#list) end
      local input = { anchors = anchors, candidates = list, together = together, popular = popular,
                      client = client(ids), date = DAYS[math.random(#DAYS)] }
      local alone = assert(r.pick(input))
      local usable = assert(r.usable(input.candidates, input.date))
      input.usable = usable
      input.likeness = assert(r.likeness(anchors, usable))
      input.taste = assert(r.taste(input.client, usable))
      assert.same(alone, assert(r.pick(input)), "case " .. case)
    end
  end)

  it("are what pick uses when it is handed them", function()
    local anchor = { id = 1, kind = "composition", price = 1000, colours = {}, occasions = {}, tags = {} }
    local far = { id = 2, kind = "composition", price = 90000, colours = {}, occasions = {}, tags = {} }
    local input = { anchors = { anchor }, candidates = { anchor, far }, date = DAYS[1] }
    assert.same({}, r.pick(input))
    input.likeness = { [2] = r.MIN_SUITS }
    assert.same({ { id = 2, source = "suits" } }, r.pick(input))
    input.likeness, input.taste = {}, { [2] = r.MIN_SUITS }
    assert.same({ { id = 2, source = "suits" } }, r.pick(input))
    input.taste, input.usable = nil, {}
    input.together = { [2] = 0.9 }
    assert.same({}, r.pick(input), "nothing outside the usable set handed in")
  end)
end)

describe("the steps the shop keeps", function()
  local code = "spec-steps-" .. crypto.hex(crypto.random_bytes(4))
  local colour = "spec_" .. crypto.hex(crypto.random_bytes(3))
  local anchor, like

  local function insert(suffix, price)
    return assert(pg.query([[INSERT INTO products (code, kind, name_ru, name_uz, price, colour)
      VALUES ($1, 'composition', $1, $1, $2, $3) RETURNING id]], code .. suffix, price, colour))[1].id
  end

  local function source_of(id, list)
    for _, s in ipairs(list) do if s.product.id == id then return s.source end end
    return nil
  end

  setup(function()
    -- a colour no other product has, and prices far under any other's
    anchor, like = insert("-a", 7), insert("-b", 8)
    catalog.invalidate()
  end)
  teardown(function()
    pg.query("DELETE FROM products WHERE code LIKE $1", code .. "%")
    catalog.invalidate()
  end)

  it("follow an edit of the catalog at once", function()
    assert.are.equal("suits", source_of(like, recommend.for_product(anchor, nil)))
    assert.are.equal("suits", source_of(like, recommend.for_product(anchor, nil)), "kept: the same again")
    assert(pg.query("UPDATE products SET colour = 'spec_other', price = 900000000 WHERE id = $1", like))
    catalog.invalidate()
    assert.is_nil(source_of(like, recommend.for_product(anchor, nil)))
  end)
end)
