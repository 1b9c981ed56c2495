-- bench/report_bench.lua — the owner's report (shop/reports.lua) over
-- BENCH_ORDERS orders (100 000) spread over the last BENCH_DAYS days (90),
-- 1–4 lines each over 200 products, each order with its events (placed,
-- accepted minutes later), a sale write-off per line, and losses and
-- corrections. Times the daily summary (today), a month and the whole
-- span. Not a test: it prints figures. Run against private services,
-- never the shop's database (it writes orders and products, and deletes
-- them again at the end):
--
--   tools/services.sh start build/services-bench && . build/services-bench/env
--   GULDASTA_ROOT=$PWD build/release/guldasta migrate
--   GULDASTA_ROOT=$PWD build/release/guldasta run bench/report_bench.lua
local pg = require "pg"
local timer = require "timer"
local reports = require "shop.reports"

local ORDERS = tonumber(os.getenv("BENCH_ORDERS")) or 100000
local DAYS = tonumber(os.getenv("BENCH_DAYS")) or 90
local RUNS = tonumber(os.getenv("BENCH_RUNS")) or 3
local TAG = "bench-rep-"

local function q(sql, ...) return assert(pg.query(sql, ...)) end

local function cleanup()
  q("DELETE FROM inventory_log WHERE product_id IN (SELECT id FROM products WHERE code LIKE $1)", TAG .. "%")
  q("DELETE FROM orders WHERE customer_id IN (SELECT id FROM users WHERE tg_id = -4343)")
  q("DELETE FROM products WHERE code LIKE $1", TAG .. "%")
  q("DELETE FROM users WHERE tg_id = -4343")
end

cleanup()
local t0 = timer.monotonic()
local customer = q("INSERT INTO users (tg_id) VALUES (-4343) RETURNING id")[1].id
q([[INSERT INTO products (code, kind, name_ru, name_uz, price)
    SELECT $1 || g, 'stem', 'Bench ' || g, 'Bench ' || g, 100000 + g * 1000 FROM generate_series(1, 200) g]], TAG)
q([[INSERT INTO stock (product_id, on_hand, threshold)
    SELECT id, (id % 30)::int, 10 FROM products WHERE code LIKE $1]], TAG .. "%")
q("SELECT setseed(0.42)")
q([[INSERT INTO orders (customer_id, status, total, created_at)
    SELECT $1, (ARRAY['new','accepted','delivered','delivered','delivered','cancelled','pending'])[1 + (g % 7)],
           100000 * (1 + g % 40), now() - random() * ($3::int * interval '1 day')
      FROM generate_series(1, $2::int) g]], customer, ORDERS, DAYS)
q([[INSERT INTO order_items (order_id, product_id, count, unit_price)
    SELECT o.id, p.ids[1 + floor(power(random(), 2) * array_length(p.ids, 1))::int], 1 + (k % 3), 100000
      FROM orders o
      CROSS JOIN LATERAL generate_series(1, 1 + (o.id % 4)::int) k
      CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM products WHERE code LIKE $2) p
     WHERE o.customer_id = $1]], customer, TAG .. "%")
q([[INSERT INTO order_events (order_id, from_status, to_status, at, noticed_at)
    SELECT id, NULL, 'new', created_at, now() FROM orders WHERE customer_id = $1]], customer)
q([[INSERT INTO order_events (order_id, from_status, to_status, at, noticed_at)
    SELECT id, 'new', 'accepted', created_at + random() * interval '40 minutes', now()
      FROM orders WHERE customer_id = $1 AND status IN ('accepted', 'delivered')]], customer)
q([[INSERT INTO inventory_log (product_id, delta, reason, order_id, created_at)
    SELECT i.product_id, -i.count, 'sale', o.id, e.at
      FROM orders o JOIN order_items i ON i.order_id = o.id
      JOIN order_events e ON e.order_id = o.id AND e.to_status = 'accepted'
     WHERE o.customer_id = $1]], customer)
q([[INSERT INTO inventory_log (product_id, delta, reason, loss_kind, created_at)
    SELECT p.id, -1 - (g % 3), 'loss', (ARRAY['wilted','broken','unsold','other'])[1 + g % 4],
           now() - random() * ($2::int * interval '1 day')
      FROM products p CROSS JOIN generate_series(1, 20) g WHERE p.code LIKE $1]], TAG .. "%", DAYS)
q([[INSERT INTO inventory_log (product_id, delta, reason, created_at)
    SELECT p.id, 1, 'correction', now() - random() * ($2::int * interval '1 day')
      FROM products p CROSS JOIN generate_series(1, 2) g WHERE p.code LIKE $1]], TAG .. "%", DAYS)
for _, t in ipairs { "orders", "order_items", "order_events", "inventory_log" } do q("ANALYZE " .. t) end
local n = q("SELECT count(*)::int AS n FROM orders")[1].n
local sales = q("SELECT count(*)::int AS n FROM inventory_log WHERE reason = 'sale'")[1].n
print(("generated %d orders over %d days, %d sale write-offs, in %.1f s (%d orders in the database)")
  :format(ORDERS, DAYS, sales, timer.monotonic() - t0, n))

local today = os.date("%Y-%m-%d")
local function ago(d) return os.date("%Y-%m-%d", os.time() - d * 86400) end
for _, r in ipairs { { "today (the daily summary)", today, today }, { "30 days", ago(29), today },
                     { DAYS .. " days", ago(DAYS - 1), today } } do
  local best, f
  for _ = 1, RUNS do
    local t = timer.monotonic()
    f = reports.figures(r[2], r[3])
    best = math.min(best or math.huge, timer.monotonic() - t)
  end
  print(("%-26s %s..%s: %d orders, clean %.1f%%, best of %d: %.3f s")
    :format(r[1], r[2], r[3], f.totals.orders, f.clean.percent or 0, RUNS, best))
end
-- each figure of the daily summary alone
for _, m in ipairs { { "sales", "totals" }, { "sales", "by_day" }, { "top", "products" }, { "losses", "by_kind" },
                     { "accept", "times" }, { "clean", "share" } } do
  local fn = require("shop.reports." .. m[1])[m[2]]
  local t = timer.monotonic()
  fn(today, today)
  print(("  %-16s %.3f s"):format(m[1] .. "." .. m[2], timer.monotonic() - t))
end
local t = timer.monotonic()
require("shop.reports.low").items()
print(("  %-16s %.3f s"):format("low.items", timer.monotonic() - t))
cleanup()
