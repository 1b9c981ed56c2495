-- bench/csv_import_bench.lua — `guldasta stock import` and `guldasta
-- catalog import` of BENCH_ROWS lines (10 000), run as the shop runs them:
-- the product binary as its own process, the dry run and then --apply.
-- Generates BENCH_ROWS products with stock rows (codes bench-csv-*), a
-- stock count in the documented dialect (BOM, `;`, CRLF, quoted names with
-- `""`) where a third of the lines raise on_hand, a third lower it and a
-- third leave it, every tenth also sets a threshold; and a catalog file of
-- the same products changing every other price and adding BENCH_ROWS / 10
-- new ones. Prints the wall time of each run and checks its result (every
-- line printed, the totals, the database afterwards). Not a test. Run
-- against private services, never the shop's database (it writes products
-- and stock, and deletes them again at the end):
--
--   tools/services.sh start build/services-dev && . build/services-dev/env
--   GULDASTA_ROOT=$PWD build/asan/guldasta migrate
--   GULDASTA_ROOT=$PWD build/asan/guldasta-dev run bench/csv_import_bench.lua
local pg = require "pg"
local fs = require "fs"
local proc = require "proc"
local timer = require "timer"
local crypto = require "crypto"
local engine = require "engine"
local config = require "config"
local csv = require "lib.csv"
local stock = require "shop.stock"

local ROWS = tonumber(os.getenv("BENCH_ROWS")) or 10000
local TAG = "bench-csv-"
local DIR = os.getenv("BENCH_DIR") or "/tmp"

local function q(sql, ...) return assert(pg.query(sql, ...)) end

local function ids()
  local out = {}
  for _, r in ipairs(q("SELECT id FROM products WHERE code LIKE $1", TAG .. "%")) do out[#out + 1] = r.id end
  return out
end

local function cleanup()
  local list = ids()
  if #list > 0 then stock.forget(list) end
  q("DELETE FROM inventory_log WHERE product_id IN (SELECT id FROM products WHERE code LIKE $1)", TAG .. "%")
  q("DELETE FROM audit_log WHERE entity = 'products' AND entity_id IN (SELECT id FROM products WHERE code LIKE $1)",
    TAG .. "%")
  q("DELETE FROM stock_lots WHERE product_id IN (SELECT id FROM products WHERE code LIKE $1)", TAG .. "%")
  q("DELETE FROM products WHERE code LIKE $1", TAG .. "%")
end

local function code(i) return ("%s%05d"):format(TAG, i) end

cleanup()
q([[INSERT INTO products (code, kind, name_ru, name_uz, price)
    SELECT $1 || lpad(g::text, 5, '0'), 'stem', 'Роза "Bench" ' || g, 'Atirgul ' || g, 100000 + g * 100
      FROM generate_series(1, $2::int) g]], TAG, ROWS)
q([[INSERT INTO stock (product_id, on_hand, threshold)
    SELECT id, 20 + (substr(code, length($1) + 1)::int % 30), 5 FROM products WHERE code LIKE $1 || '%']], TAG)
-- their lots, as every stock operation keeps them (migration 0012 made one per product)
q([[INSERT INTO stock_lots (product_id, arrived_on, received, remaining)
    SELECT s.product_id, current_date - 2, s.on_hand, s.on_hand
      FROM stock s JOIN products p ON p.id = s.product_id WHERE p.code LIKE $1 || '%']], TAG)

-- The stock count: on_hand now is 20 + i % 30.
local rows = { { "code", "name_ru", "on_hand", "threshold" } }
local changed = 0
for i = 1, ROWS do
  local now = 20 + i % 30
  local n = i % 3 == 0 and now + 7 or i % 3 == 1 and now - 4 or now
  local th = i % 10 == 0 and "8" or ""
  if n ~= now or th ~= "" then changed = changed + 1 end
  rows[#rows + 1] = { code(i), ('Роза "Bench" %d'):format(i), n, th }
end
local stock_file = ("%s/guldasta-bench-stock-%s.csv"):format(DIR, crypto.hex(crypto.random_bytes(4)))
assert(fs.write(stock_file, csv.BOM .. csv.format(rows, ";")))

-- The catalog: every other price changed, ROWS / 10 new products.
local cat = { { "code", "kind", "name_ru", "name_uz", "price_som" } }
local cat_changed = 0
for i = 1, ROWS + ROWS // 10 do
  local price = (100000 + i * 100) // 100
  if i % 2 == 0 or i > ROWS then price = price + 500; cat_changed = cat_changed + 1 end
  cat[#cat + 1] = { code(i), "stem", ('Роза "Bench" %d'):format(i), "Atirgul " .. i, price }
end
local catalog_file = ("%s/guldasta-bench-catalog-%s.csv"):format(DIR, crypto.hex(crypto.random_bytes(4)))
assert(fs.write(catalog_file, csv.BOM .. csv.format(cat, ";")))

local product = engine.executable():gsub("%-dev$", "")
if not fs.stat(product) then product = engine.executable() end

local function run(label, argv, lines, totals)
  local t0 = timer.monotonic()
  local r = assert(proc.run(argv, { cwd = config.root, timeout = 900 }))
  local secs = timer.monotonic() - t0
  local printed = select(2, r.stdout:gsub("\n", "\n"))
  assert(r.code == 0, label .. ": exit " .. r.code .. ": " .. r.stderr:sub(1, 400))
  assert(printed == lines + 1, ("%s: %d lines printed, %d expected"):format(label, printed, lines + 1))
  local last = r.stdout:match("([^\n]*)\n$")
  assert(last == totals, ("%s: %q, expected %q"):format(label, last, totals))
  print(("%-34s %8.2f s   %s"):format(label, secs, last))
  return secs
end

print(("%d lines; %s"):format(ROWS, product:match("[^/]+/[^/]+$") or product))
local stock_totals = ("%d changed, %d unchanged, 0 refused"):format(changed, ROWS - changed)
run("stock import (dry run)", { product, "stock", "import", stock_file }, ROWS, stock_totals)
run("stock import --apply", { product, "stock", "import", stock_file, "--apply" }, ROWS, stock_totals)
local moved = q([[SELECT count(*)::int AS n FROM inventory_log l JOIN products p ON p.id = l.product_id
                   WHERE p.code LIKE $1 AND l.reason = 'correction']], TAG .. "%")[1].n
assert(moved == ROWS - ROWS // 3, ("%d correction rows"):format(moved))
local sum = q("SELECT sum(on_hand)::bigint AS n FROM stock s JOIN products p ON p.id = s.product_id WHERE p.code LIKE $1",
  TAG .. "%")[1].n
print(("  %d inventory_log rows, on_hand summed %d"):format(moved, sum))

local cat_totals = ("%d changed, %d unchanged, 0 refused"):format(cat_changed, #cat - 1 - cat_changed)
run("catalog import (dry run)", { product, "catalog", "import", catalog_file }, #cat - 1, cat_totals)
run("catalog import --apply", { product, "catalog", "import", catalog_file, "--apply" }, #cat - 1, cat_totals)

fs.remove(stock_file)
fs.remove(catalog_file)
cleanup()
