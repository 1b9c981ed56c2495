-- spec/catalog_csv_spec.lua — `guldasta catalog export` and `guldasta
-- catalog import FILE [--apply]`, run as their own processes the way the
-- shop runs them (DESIGN.md §2): products added and changed by code, good,
-- bad and mixed files, a BOM, `;` and `,`; bad lines reported by line
-- number and reason; nothing applied in a dry run or when any line is
-- refused; each change an audit_log row with before and after.
local pg = require "pg"
local proc = require "proc"
local fs = require "fs"
local crypto = require "crypto"
local fx = require "support.orders"
local csv = require "lib.csv"

local DIR = "/tmp/guldasta-spec-catalog-csv-" .. crypto.hex(crypto.random_bytes(4))
local TAG = crypto.hex(crypto.random_bytes(3))

local run = require("support.cli").command("catalog")

local function file(name, text)
  local path = DIR .. "/" .. name
  assert(fs.write(path, text))
  return path
end

local function product(pid)
  return assert(pg.query([[SELECT code, kind, name_ru, name_uz, price, colour, tags, occasions, vip, active, mxik_code
                             FROM products WHERE id = $1]], pid))[1]
end
local function by_code(code) return assert(pg.query("SELECT id, price, active, kind FROM products WHERE code = $1", code))[1] end
local function audits(pid)
  return assert(pg.query([[SELECT action, before, after FROM audit_log
                            WHERE entity = 'products' AND entity_id = $1 ORDER BY id]], pid))
end
local function last(s) return s:match("([^\n]*)\n?$") end

describe("guldasta catalog export|import", function()
  setup(function() assert(proc.run({ "mkdir", "-p", DIR }).code == 0) end)
  teardown(function() proc.run({ "rm", "-rf", DIR }) end)

  it("exports with a BOM, ; and CRLF, every column, prices in som", function()
    local p = fx.product { price = 4500000, name = 'Rose "Red"; long', active = true }
    local path = DIR .. "/export.csv"
    local rc, _, err = run("export", path)
    assert.equal(0, rc, err)
    local text = assert(fs.read(path))
    local head = csv.BOM .. "code;category_code;kind;name_ru;name_uz;price_som;colour;occasions;tags;vip;active;mxik_code;package_code\r\n"
    assert.equal(head, text:sub(1, #head))
    assert.truthy(text:find(product(p).code .. ';;stem;"Rose ""Red""; long";"Rose ""Red""; long";45000;;;;0;1;;\r\n', 1, true))
  end)

  it("dry-runs a good file with a BOM and ;: says what would change, changes nothing; --apply does it, audited", function()
    local a = fx.product { price = 1000000, active = true }
    local b = fx.product { price = 2000000, active = true }
    local ca, cb, new = product(a).code, product(b).code, "spec-new-" .. TAG
    local path = file("good.csv", csv.BOM .. table.concat({
      "code;kind;name_ru;name_uz;price_som;tags;active;vip",
      ca .. ";stem;" .. product(a).name_ru .. ";" .. product(a).name_uz .. ";12500;red, long;1;0",
      cb .. ";stem;" .. product(b).name_ru .. ";" .. product(b).name_uz .. ";20000;;0;0",
      new .. ";extra;Лента;Lenta;3000;;1;0",
      cb .. "x;stem;X;X;1;;1;1",
    }, "\r\n") .. "\r\n")
    local rc, out, err = run("import", path)
    assert.equal(0, rc, err)
    assert.truthy(out:find(("line 2: %s: price_som 10000 -> 12500, tags (empty) -> red,long"):format(ca), 1, true), out)
    assert.truthy(out:find(("line 3: %s: active 1 -> 0"):format(cb), 1, true), out)
    assert.truthy(out:find(("line 4: %s: new product"):format(new), 1, true), out)
    assert.equal("4 changed, 0 unchanged, 0 refused", last(out))
    assert.equal(1000000, product(a).price)
    assert.is_nil(by_code(new))
    assert.equal(0, #audits(a))
    rc, out, err = run("import", path, "--apply")
    assert.equal(0, rc, err)
    assert.equal("4 changed, 0 unchanged, 0 refused", last(out))
    assert.same({ 1250000, { "red", "long" } }, { product(a).price, product(a).tags })
    assert.is_false(product(b).active)
    local n = by_code(new)
    assert.same({ 300000, true, "extra" }, { n.price, n.active, n.kind })
    local au = audits(a)
    assert.equal(1, #au)
    assert.equal("catalog.import", au[1].action)
    assert.same({ price_som = 10000, tags = "" }, au[1].before)
    assert.same({ price_som = 12500, tags = "red,long" }, au[1].after)
    assert.same({ active = true }, audits(b)[1].before)
    assert.equal(1, #audits(n.id))
    -- the same file again changes nothing
    rc, out = run("import", path)
    assert.equal(0, rc)
    assert.equal("0 changed, 4 unchanged, 0 refused", last(out))
    pg.query("UPDATE products SET active = false WHERE code = ANY($1::text[])", pg.array { new, cb .. "x" })
  end)

  it("reports every bad line of a , file by number and reason, and applies nothing of it", function()
    local a = fx.product { price = 1000000, active = true }
    local ca = product(a).code
    local path = file("mixed.csv", table.concat({
      "code,price_som,kind,name_ru,name_uz,active,mxik_code",
      ca .. ",11000,stem,A,A,1,",
      ",5,stem,A,A,1,",
      "spec-nope-" .. TAG .. ",abc,stem,A,A,1,",
      "spec-nokind-" .. TAG .. ",500,,A,A,1,",
      ca .. ",12000,stem,A,A,1,",
      "spec-flag-" .. TAG .. ",500,stem,A,A,maybe,",
      "spec-mxik-" .. TAG .. ",500,stem,A,A,1,123",
      "spec-noname-" .. TAG .. ",500,stem,,A,1,",
    }, "\n") .. "\n")
    for _, extra in ipairs { {}, { "--apply" } } do
      local rc, out = run("import", path, table.unpack(extra))
      assert.equal(1, rc)
      assert.truthy(out:find(("line 2: %s: name_ru "):format(ca), 1, true), out)
      assert.truthy(out:find("price_som 10000 -> 11000\n", 1, true), out)
      assert.truthy(out:find("line 3: -: refused: no code", 1, true), out)
      assert.truthy(out:find("line 4: spec-nope-" .. TAG .. ": refused: price_som is not a whole number of som", 1, true), out)
      assert.truthy(out:find("line 5: spec-nokind-" .. TAG .. ": refused: kind must be stem, composition or extra", 1, true), out)
      assert.truthy(out:find(("line 6: %s: refused: duplicate code (first on line 2)"):format(ca), 1, true), out)
      assert.truthy(out:find("line 7: spec-flag-" .. TAG .. ": refused: active must be 1 or 0", 1, true), out)
      assert.truthy(out:find("line 8: spec-mxik-" .. TAG .. ": refused: mxik_code must be 17 digits", 1, true), out)
      assert.truthy(out:find("line 9: spec-noname-" .. TAG .. ": refused: name_ru is needed", 1, true), out)
      assert.equal("1 changed, 0 unchanged, 7 refused", last(out))
      assert.equal(1000000, product(a).price)
      assert.equal(0, #audits(a))
    end
  end)

  it("refuses a file without a code column, and one that is not CSV, with nothing changed", function()
    local rc, _, err = run("import", file("nocode.csv", "name_ru;price_som\nA;1\n"))
    assert.equal(1, rc)
    assert.truthy(err:find("must name the column code", 1, true), err)
    rc, _, err = run("import", file("broken.csv", 'code;price_som\n"A;1\n'))
    assert.equal(1, rc)
    assert.truthy(err:find("line 2", 1, true), err)
  end)
end)
