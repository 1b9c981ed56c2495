-- spec/seed_spec.lua — the demo catalog (devkit/seed/*.lua), its sanity
-- checks, the PNG encoder, and `guldasta seed` run as a real process twice:
-- the first run loads everything and paints the photos, the second finds
-- nothing to do, and a third repairs what was changed behind its back.
--
--   build/asan/guldasta-dev run spec/runner.lua spec/seed_spec.lua
local pg = require "pg"
local fs = require "fs"
local proc = require "proc"
local json = require "json"
local crypto = require "crypto"
local engine = require "engine"
local config = require "config"
local tg = require "tg"
local png = require "devkit.lib.png"
local catalog_mod = require "devkit.seed.catalog"
local check = require "devkit.seed.check"

local SEED_TIMEOUT = 90   -- seconds: the first run paints 45 pictures (ASan build)

local function has_problem(problems, part)
  for _, p in ipairs(problems) do
    if p:find(part, 1, true) then return true end
  end
  return false, "no problem mentioning " .. part .. " in:\n  " .. table.concat(problems, "\n  ")
end

-- Runs `guldasta seed` with its photos in media_dir.
local function seed(media_dir)
  local res = assert(proc.run({ engine.executable(), "seed" },
    { env = { MEDIA_DIR = media_dir, LOG_LEVEL = "warn" }, timeout = SEED_TIMEOUT }))
  assert(res.code == 0, "guldasta seed failed (" .. res.code .. "):\n" .. res.stdout .. res.stderr)
  return res.stdout
end

-- Runs spec/support/png_check.mjs (node) over files: one record per file.
local function png_check(files)
  local argv = { "node", config.root .. "/spec/support/png_check.mjs" }
  for _, f in ipairs(files) do argv[#argv + 1] = f end
  local res = assert(proc.run(argv, { timeout = 60 }))
  local out = {}
  for line in res.stdout:gmatch("[^\n]+") do out[#out + 1] = assert(json.decode(line)) end
  assert(#out == #files, "png_check printed " .. #out .. " records for " .. #files .. " files:\n" .. res.stderr)
  return out, res.code
end

local function tmpdir()
  local d = "/tmp/guldasta-seed-spec-" .. crypto.hex(crypto.random_bytes(6))
  assert(fs.mkdir(d))
  return d
end

describe("the demo catalog", function()
  local catalog = catalog_mod.load()

  it("passes the sanity checks of domain.md §4", function()
    assert.are.same({}, check.run(catalog))
  end)

  it("is a realistic shop: 30+ products of every kind, boxes and baskets, subcategories", function()
    assert.is_true(#catalog.products >= 30)
    local kinds, shapes = {}, {}
    for _, p in ipairs(catalog.products) do
      kinds[p.kind] = (kinds[p.kind] or 0) + 1
      if p.look.shape then shapes[p.look.shape] = true end
      assert.is_true(p.price >= 1000, p.code .. " is priced in so'm")
    end
    assert.is_true(kinds.stem >= 10 and kinds.composition >= 10 and kinds.extra >= 8)
    assert.is_true(shapes.box and shapes.basket and shapes.bouquet and true)
    local parents, children = 0, 0
    for _, c in ipairs(catalog.categories) do
      if c.parent then children = children + 1 else parents = parents + 1 end
    end
    assert.is_true(parents >= 4 and children >= 10)
    assert.is_truthy(catalog.by_code.C04.vip and catalog.by_code.C04.prep_minutes >= 1440)
    assert.are.equal("Qizil atirgul, 50 sm", catalog.by_code.S01.name_uz)
    assert.is_truthy(catalog.by_code.E01.name_uz:find("qogʻoz", 1, true))
  end)

  it("counts main flowers without greenery (R-B3)", function()
    assert.are.equal(15, check.main_flowers(catalog.by_code.C01, catalog.by_code))
    assert.are.equal(7, check.main_flowers(catalog.by_code.C08, catalog.by_code))   -- gypsophila left out
    assert.are.equal(6, check.main_flowers(catalog.by_code.C12, catalog.by_code))   -- eucalyptus left out
  end)

  it("the checks catch broken data", function()
    local function broken(fn)
      local c = catalog_mod.load()
      fn(c)
      return check.run(c)
    end
    assert.is_true(has_problem(broken(function(c) c.by_code.C01.recipe[1][2] = 14 end), "odd count"))
    assert.is_true(has_problem(broken(function(c) c.by_code.C12.recipe[1][2] = 7 end), "even count"))
    assert.is_true(has_problem(broken(function(c) c.by_code.C03.price = 100000 end), "below its recipe"))
    assert.is_true(has_problem(broken(function(c) c.by_code.C01.recipe[2][1] = "E99" end), "unknown product E99"))
    assert.is_true(has_problem(broken(function(c) c.by_code.S01.name_uz = "Qizil atirgul o'g'il" end), "U+02BB"))
    assert.is_true(has_problem(broken(function(c) c.by_code.S01.occasions[1] = "halloween" end), "unknown occasion"))
    assert.is_true(has_problem(broken(function(c) c.by_code.C05.tags = {} end), "season_jan_apr"))
    assert.is_true(has_problem(broken(function(c) c.by_code.C10.prep_minutes = 60 end), "basket"))
    assert.is_true(has_problem(broken(function(c) c.by_code.S02.category = "nowhere" end), "unknown category"))
  end)
end)

describe("devkit.lib.png", function()
  it("computes the standard CRC-32 and Adler-32 check values", function()
    assert.are.equal(0xCBF43926, png.crc32("123456789"))
    assert.are.equal(0x11E60398, png.adler32("Wikipedia"))
    assert.are.equal(0, png.crc32(""))
  end)

  it("writes PNGs an independent decoder reads back pixel for pixel", function()
    -- flat runs, a gradient, noise and a width that is not a multiple of 8
    local w, h = 37, 23
    local px = {}
    local rnd = 12345
    for y = 0, h - 1 do
      for x = 0, w - 1 do
        rnd = (rnd * 1103515245 + 12345) & 0x7FFFFFFF
        px[#px + 1] = x < 10 and 200 or (x * 7) % 256
        px[#px + 1] = (y * 11) % 256
        px[#px + 1] = y > 15 and (rnd >> 8) % 256 or 40
      end
    end
    local raw = {}
    for i = 1, #px do raw[i] = string.char(px[i]) end
    local want = crypto.hex(crypto.sha256(table.concat(raw)))
    local dir = tmpdir()
    local files = { dir .. "/fixed.png", dir .. "/stored.png" }
    assert(fs.write(files[1], png.encode(w, h, px, { text = { Title = "spec" } })))
    assert(fs.write(files[2], png.encode(w, h, px, { stored = true })))
    local out, code = png_check(files)
    proc.run({ "rm", "-rf", dir })
    assert.are.equal(0, code, json.encode(out))
    for _, r in ipairs(out) do
      assert.is_true(r.ok, r.error)
      assert.are.equal(w, r.width)
      assert.are.equal(h, r.height)
      assert.are.equal(want, r.rgb_sha256)
    end
    assert.are.equal("spec", out[1].text.Title)
  end)

  it("refuses pixels out of range", function()
    assert.has_error(function() png.encode(1, 1, { 0, 256, 0 }) end)
    assert.has_error(function() png.encode(2, 1, { 0, 0, 0 }) end)
  end)
end)

describe("guldasta seed", function()
  local catalog = catalog_mod.load()
  local media, first, second

  local function rows_by_code(sql)
    local out = {}
    for _, r in ipairs(assert(pg.query(sql))) do out[r.code] = r end
    return out
  end

  setup(function()
    media = tmpdir()
    first = seed(media)
    second = seed(media)
  end)

  teardown(function()
    if media then proc.run({ "rm", "-rf", media }) end
  end)

  it("loads categories with their subcategories", function()
    local cats = rows_by_code([[SELECT c.code, c.name_ru, c.name_uz, c.active, p.code AS parent
                                  FROM categories c LEFT JOIN categories p ON p.id = c.parent_id]])
    for _, c in ipairs(catalog.categories) do
      local row = cats[c.code]
      assert.is_truthy(row, "category " .. c.code)
      assert.are.equal(c.name_ru, row.name_ru)
      assert.are.equal(c.name_uz, row.name_uz)
      assert.are.equal(c.parent or pg.null, row.parent)
      assert.is_true(row.active)
    end
  end)

  it("loads every product with tiyin prices, its recipe and a stock row", function()
    local prods = rows_by_code([[SELECT p.code, p.kind, p.price, p.colour, p.tags, p.occasions, p.vip,
                                        p.prep_minutes, p.media_key, p.name_uz, c.code AS category,
                                        s.on_hand
                                   FROM products p LEFT JOIN categories c ON c.id = p.category_id
                                   LEFT JOIN stock s ON s.product_id = p.id]])
    for _, p in ipairs(catalog.products) do
      local row = prods[p.code]
      assert.is_truthy(row, "product " .. p.code)
      assert.are.equal(p.kind, row.kind)
      assert.are.equal(p.price * 100, row.price)
      assert.are.equal(p.category, row.category)
      assert.are.same(p.occasions, row.occasions)
      -- greenery carries the "filler" tag (the constructor's parity rule skips it)
      local tags = {}
      for _, t in ipairs(p.tags or {}) do if t ~= "filler" then tags[#tags + 1] = t end end
      if p.filler then tags[#tags + 1] = "filler" end
      assert.are.same(tags, row.tags)
      assert.are.equal(p.vip == true, row.vip)
      assert.are.equal(p.prep_minutes or 0, row.prep_minutes)
      assert.are.equal("products/" .. p.code, row.media_key)
      assert.are.equal(p.name_uz, row.name_uz)
      assert.is_true(math.type(row.on_hand) == "integer" and row.on_hand >= 0, p.code .. " has stock")
    end
    assert.are.equal("red, white", prods.C02.colour)
    assert.are.equal(27000000, prods.C01.price)

    local lines = assert(pg.query([[SELECT c.code AS comp, p.code AS part, i.count
                                      FROM composition_items i JOIN products c ON c.id = i.composition_id
                                      JOIN products p ON p.id = i.component_id
                                     WHERE c.code = ANY($1::text[])]],
      pg.array((function()
        local codes = {}
        for _, p in ipairs(catalog.products) do if p.kind == "composition" then codes[#codes + 1] = p.code end end
        return codes
      end)())))
    local got = {}
    for _, l in ipairs(lines) do got[l.comp .. "/" .. l.part] = l.count end
    local want = {}
    for _, p in ipairs(catalog.products) do
      for _, r in ipairs(p.recipe or {}) do want[p.code .. "/" .. r[1]] = r[2] end
    end
    assert.are.same(want, got)
    assert.are.equal(101, got["C04/S01"])
  end)

  it("paints a 320x320 PNG per product, under 1 MB, that a decoder accepts", function()
    local files = {}
    for _, p in ipairs(catalog.products) do
      local path = media .. "/products/" .. p.code .. ".png"
      local st = assert(fs.stat(path))
      assert.is_true(st.size > 1000 and st.size < 1024 * 1024, path .. " is " .. st.size .. " bytes")
      files[#files + 1] = path
    end
    local out, code = png_check(files)
    assert.are.equal(0, code, json.encode(out))
    local hashes = {}
    for _, r in ipairs(out) do
      assert.is_true(r.ok, r.error)
      assert.are.equal(320, r.width)
      assert.are.equal(320, r.height)
      assert.is_truthy(r.text["guldasta:fingerprint"])
      hashes[r.rgb_sha256] = true
    end
    local distinct = 0
    for _ in pairs(hashes) do distinct = distinct + 1 end
    assert.are.equal(#files, distinct, "every product has its own picture")
    assert.is_truthy(first:find("photos in " .. media .. ": " .. #catalog.products .. " written", 1, true), first)
  end)

  it("a second run changes nothing", function()
    assert.is_truthy(second:find("categories: 0 new, 0 updated", 1, true), second)
    assert.is_truthy(second:find("products: 0 new, 0 updated", 1, true), second)
    assert.is_truthy(second:find("recipe lines changed: 0; stock rows created: 0", 1, true), second)
    assert.is_truthy(second:find(": 0 written, " .. #catalog.products .. " unchanged", 1, true), second)
  end)

  it("puts back what was changed behind its back, and keeps the shop's stock", function()
    local s01 = assert(pg.query("SELECT id, updated_at FROM products WHERE code = 'S01'"))[1]
    local s02 = assert(pg.query("SELECT updated_at FROM products WHERE code = 'S02'"))[1]
    assert(pg.query("UPDATE products SET price = 1, photo_file_id = 'stale' WHERE code = 'S01'"))
    assert(pg.query("UPDATE stock SET on_hand = on_hand + 7 WHERE product_id = $1", s01.id))
    local before = assert(pg.query("SELECT on_hand FROM stock WHERE product_id = $1", s01.id))[1].on_hand
    assert(pg.query([[DELETE FROM composition_items WHERE composition_id = (SELECT id FROM products WHERE code = 'C01')
                        AND component_id = (SELECT id FROM products WHERE code = 'E03')]]))
    assert(tg.remember_file_id("products/S01", "stale-file-id"))
    assert(fs.write(media .. "/products/S01.png", "not a png"))

    local out = seed(media)
    assert.is_truthy(out:find("products: 0 new, 1 updated", 1, true), out)
    assert.is_truthy(out:find("recipe lines changed: 1;", 1, true), out)
    assert.is_truthy(out:find(": 1 written, " .. (#catalog.products - 1) .. " unchanged", 1, true), out)
    local row = assert(pg.query("SELECT price, photo_file_id, updated_at FROM products WHERE code = 'S01'"))[1]
    assert.are.equal(1500000, row.price)
    assert.are.equal(pg.null, row.photo_file_id)
    assert.are.equal(s02.updated_at, assert(pg.query("SELECT updated_at FROM products WHERE code = 'S02'"))[1].updated_at)
    assert.are_not.equal(s01.updated_at, row.updated_at)
    assert.are.equal(before, assert(pg.query("SELECT on_hand FROM stock WHERE product_id = $1", s01.id))[1].on_hand)
    assert.is_nil(tg.file_id("products/S01"))
    local recipe = assert(pg.query([[SELECT count(*)::int AS n FROM composition_items
                                      WHERE composition_id = (SELECT id FROM products WHERE code = 'C01')]]))[1].n
    assert.are.equal(3, recipe)
    assert.are.equal("\137PNG", fs.read(media .. "/products/S01.png"):sub(1, 4))
    assert(pg.query("UPDATE stock SET on_hand = on_hand - 7 WHERE product_id = $1", s01.id))
  end)
end)
