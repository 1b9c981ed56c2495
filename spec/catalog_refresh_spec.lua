-- spec/catalog_refresh_spec.lua — the bot's in-memory catalog
-- (shop/catalog.lua): after its TTL it asks PostgreSQL for a fingerprint and
-- keeps its copy (with the screens cached on it) while nothing changed; an
-- edit, an activation or a deactivation makes a new copy.
local catalog = require "shop.catalog"
local bot = require "support.bot"
local timer = require "timer"
local pg = require "pg"

describe("the catalog copy", function()
  local fx, ttl

  setup(function()
    ttl = catalog.TTL
    catalog.TTL = 0.05
    fx = bot.catalog()
  end)
  teardown(function()
    catalog.TTL = ttl
    bot.drop_catalog(fx)
    catalog.invalidate()
  end)

  local function after_ttl()
    timer.sleep(catalog.TTL + 0.02)
    return catalog.get()
  end

  it("is kept while the data stays the same, and so is what is cached on it", function()
    catalog.invalidate()
    local c = catalog.get()
    c.spec_mark = true
    local again = after_ttl()
    assert.equal(c, again)
    assert.is_true(again.spec_mark)
  end)

  -- The copy before and after `sql` ($1 = id) and one TTL.
  local function around(sql, id)
    local before = after_ttl()
    assert(pg.query(sql, id))
    return before, after_ttl()
  end

  it("is made again when a product is edited, activated or deactivated", function()
    local c, c2 = around("UPDATE products SET name_ru = name_ru || ' (new)' WHERE id = $1", fx.rose)
    assert.are_not.equal(c, c2)
    assert.equal(fx.rose_ru .. " (new)", c2.products[fx.rose].name_ru)

    assert.is_nil(c2.products[fx.gone])
    assert(pg.query("UPDATE products SET active = true WHERE id = $1", fx.gone))
    local c3 = after_ttl()
    assert.truthy(c3.products[fx.gone])

    assert(pg.query("UPDATE products SET active = false WHERE id = $1", fx.gone))
    assert.is_nil(after_ttl().products[fx.gone])
  end)

  it("is made again when a category is renamed", function()
    local c, c2 = around("UPDATE categories SET name_uz = name_uz || '!' WHERE id = $1", fx.sub)
    assert.are_not.equal(c, c2)
    assert.equal(fx.sub_uz .. "!", c2.categories[fx.sub].name_uz)
  end)
end)
