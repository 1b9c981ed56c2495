-- spec/stock_csv_spec.lua — `guldasta stock export` and `guldasta stock
-- import FILE [--apply]`, run as their own processes the way the shop runs
-- them (DESIGN.md §2): good, bad and mixed files, a BOM, CRLF, `;` and
-- `,`, RFC 4180 quoting; bad lines reported by line number and reason;
-- nothing applied in a dry run or when any line is refused; each change of
-- on_hand an inventory_log 'correction' row naming the file. And
-- scripts/lib/csv.lua on its own.
local pg = require "pg"
local proc = require "proc"
local fs = require "fs"
local crypto = require "crypto"
local fx = require "support.orders"
local stock = require "shop.stock"
local csv = require "lib.csv"

local DIR = "/tmp/guldasta-spec-csv-" .. crypto.hex(crypto.random_bytes(4))

local run = require("support.cli").command("stock")

local function file(name, text)
  local path = DIR .. "/" .. name
  assert(fs.write(path, text))
  return path
end

local function code_of(pid) return assert(pg.query("SELECT code FROM products WHERE id = $1", pid))[1].code end
local function threshold_of(pid) return assert(pg.query("SELECT threshold FROM stock WHERE product_id = $1", pid))[1].threshold end
local function logs(pid)
  return assert(pg.query("SELECT delta, reason, note FROM inventory_log WHERE product_id = $1 ORDER BY id", pid))
end
local function last(s) return s:match("([^\n]*)\n?$") end

describe("lib/csv.lua", function()
  it("reads a BOM, ; from the header, CRLF, quotes with the separator, \"\" and a line break", function()
    local t = assert(csv.parse(csv.BOM .. 'code;name_ru;on_hand\r\nA1;"Роза ""Ред""; 60 см";5\r\n\r\nB2;"две\r\nстроки";7\r\n'))
    assert.equal(";", t.delim)
    assert.same({ "code", "name_ru", "on_hand" }, t.header)
    assert.same({ "A1", 'Роза "Ред"; 60 см', "5" }, t.rows[1].fields)
    assert.equal(2, t.rows[1].line)
    assert.same({ "B2", "две\r\nстроки", "7" }, t.rows[2].fields)
    assert.equal(4, t.rows[2].line)
  end)
  it("reads , when the header has it, LF, and refuses broken quoting with its line", function()
    local t = assert(csv.parse('code,on_hand\nA1,"1,5"\n'))
    assert.same({ "A1", "1,5" }, t.rows[1].fields)
    local _, err = csv.parse('code,on_hand\nA1,5\nB2,"7\n')
    assert.truthy(err:find("line 3", 1, true))
    _, err = csv.parse('code,on_hand\nA"1,5\n')
    assert.truthy(err:find("line 2", 1, true))
  end)
  it("writes what it reads back", function()
    local rows = { { "code", "name" }, { "A;1", 'say "hi"' }, { "B", "x\ny" } }
    local t = assert(csv.parse(csv.format(rows, ";")))
    assert.same(rows[2], t.rows[1].fields)
    assert.same(rows[3], t.rows[2].fields)
  end)
end)

describe("guldasta stock export|import", function()
  setup(function() assert(proc.run({ "mkdir", "-p", DIR }).code == 0) end)
  teardown(function() proc.run({ "rm", "-rf", DIR }) end)

  it("exports with a BOM, ; and CRLF, the header code;name_ru;on_hand;threshold", function()
    local rose = fx.product { on_hand = 13, name = 'Rose "Red"; long' }
    local path = DIR .. "/export.csv"
    local rc, _, err = run("export", path)
    assert.equal(0, rc, err)
    local text = assert(fs.read(path))
    local head = csv.BOM .. "code;name_ru;on_hand;threshold\r\n"
    assert.equal(head, text:sub(1, #head))
    assert.truthy(text:find(code_of(rose) .. ';"Rose ""Red""; long";13;0\r\n', 1, true))
    local rc2, out = run("export")
    assert.equal(0, rc2)
    assert.truthy(out:find(code_of(rose) .. ";", 1, true))
  end)

  it("dry-runs a good file: says what would change, changes nothing; --apply changes it with log rows", function()
    local a, b, c = fx.product { on_hand = 10 }, fx.product { on_hand = 5 }, fx.product { on_hand = 7 }
    local path = file("count-good.csv", csv.BOM .. ("code;name_ru;on_hand;threshold\r\n%s;x;12;3\r\n%s;y;5;0\r\n%s;z;4;0\r\n")
      :format(code_of(a), code_of(b), code_of(c)))
    local rc, out, err = run("import", path)
    assert.equal(0, rc, err)
    assert.truthy(out:find(("line 2: %s: on_hand 10 -> 12, threshold 0 -> 3"):format(code_of(a)), 1, true))
    assert.truthy(out:find(("line 3: %s: unchanged (5)"):format(code_of(b)), 1, true))
    assert.truthy(out:find(("line 4: %s: on_hand 7 -> 4"):format(code_of(c)), 1, true))
    assert.equal("2 changed, 1 unchanged, 0 refused", last(out))
    assert.same({ 10, 5, 7, 0 }, { fx.on_hand(a), fx.on_hand(b), fx.on_hand(c), threshold_of(a) })
    assert.equal(0, #logs(a))
    rc, out, err = run("import", path, "--apply")
    assert.equal(0, rc, err)
    assert.equal("2 changed, 1 unchanged, 0 refused", last(out))
    assert.same({ 12, 5, 4, 3 }, { fx.on_hand(a), fx.on_hand(b), fx.on_hand(c), threshold_of(a) })
    assert.same({ 2, "correction", "stock import: count-good.csv" }, { logs(a)[1].delta, logs(a)[1].reason, logs(a)[1].note })
    assert.same({ -3, "correction" }, { logs(c)[1].delta, logs(c)[1].reason })
    assert.equal(0, #logs(b))
    assert.equal(4, stock.available(c))
  end)

  it("reports every bad line by number and reason, and applies nothing of a mixed file", function()
    local a, b, r = fx.product { on_hand = 10 }, fx.product { on_hand = 5 }, fx.product { on_hand = 9 }
    local holder = "u:spec-csv-" .. r
    assert(stock.reserve(holder, { [r] = 6 }, 120))
    local text = table.concat({
      "code,name_ru,on_hand",
      code_of(a) .. ",ok,11",
      "NO-SUCH-CODE-" .. a .. ",x,3",
      code_of(b) .. ",x,4.5",
      code_of(b) .. ",x,-2",
      code_of(r) .. ",x,2",
      code_of(a) .. ",again,12",
      code_of(b) .. ",x,abc",
    }, "\n") .. "\n"
    local path = file("count-mixed.csv", text)
    for _, extra in ipairs { {}, { "--apply" } } do
      local rc, out = run("import", path, table.unpack(extra))
      assert.equal(1, rc)
      assert.truthy(out:find(("line 2: %s: on_hand 10 -> 11"):format(code_of(a)), 1, true))
      assert.truthy(out:find("line 3: NO-SUCH-CODE-" .. a .. ": refused: unknown code", 1, true))
      assert.truthy(out:find(("line 4: %s: refused: not a whole number"):format(code_of(b)), 1, true))
      assert.truthy(out:find(("line 5: %s: refused: duplicate code (first on line 4)"):format(code_of(b)), 1, true))
      assert.truthy(out:find(("line 6: %s: refused: below what is reserved (6 reserved)"):format(code_of(r)), 1, true))
      assert.truthy(out:find(("line 7: %s: refused: duplicate code (first on line 2)"):format(code_of(a)), 1, true))
      assert.equal("1 changed, 0 unchanged, 6 refused", last(out))
      assert.same({ 10, 5, 9 }, { fx.on_hand(a), fx.on_hand(b), fx.on_hand(r) })
      assert.equal(0, #logs(a))
    end
    stock.release(holder)
    -- below zero and not a whole number, each alone
    local path2 = file("count-bad.csv", ("code;on_hand\n%s;-2\n%s;\n"):format(code_of(a), code_of(b)))
    local rc, out = run("import", path2, "--apply")
    assert.equal(1, rc)
    assert.truthy(out:find(("line 2: %s: refused: below zero"):format(code_of(a)), 1, true))
    assert.truthy(out:find(("line 3: %s: refused: not a whole number"):format(code_of(b)), 1, true))
    assert.equal("0 changed, 0 unchanged, 2 refused", last(out))
  end)

  it("reads , and LF without a BOM, and quoted codes", function()
    local a = fx.product { on_hand = 1 }
    local path = file("count-comma.csv", ('code,name_ru,on_hand\n"%s","Роза, красная",2\n'):format(code_of(a)))
    local rc, out, err = run("import", path, "--apply")
    assert.equal(0, rc, err)
    assert.equal("1 changed, 0 unchanged, 0 refused", last(out))
    assert.equal(2, fx.on_hand(a))
  end)

  it("refuses a malformed file or one without the columns, changing nothing", function()
    local a = fx.product { on_hand = 1 }
    local rc, _, err = run("import", file("broken.csv", ('code;on_hand\n%s;"5\n'):format(code_of(a))), "--apply")
    assert.equal(1, rc)
    assert.truthy(err:find("line 2", 1, true))
    rc, _, err = run("import", file("nocols.csv", ("sku;qty\n%s;5\n"):format(code_of(a))), "--apply")
    assert.equal(1, rc)
    assert.truthy(err:find("code and on_hand", 1, true))
    assert.equal(1, fx.on_hand(a))
  end)
end)
