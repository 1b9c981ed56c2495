-- bench/recommend_bench.lua — the recompute of "often chosen together"
-- (shop/recommend/job.lua) over BENCH_ORDERS orders (100 000), 1–4 lines
-- each over BENCH_PRODUCTS products (200), popular ones far more often (the
-- square of a uniform draw picks the product). Not a test: it prints
-- figures. Run against private services, never the shop's database (it
-- writes orders and products, and deletes them again at the end):
--
--   tools/services.sh start build/services-bench && . build/services-bench/env
--   GULDASTA_ROOT=$PWD build/release/guldasta migrate
--   GULDASTA_ROOT=$PWD build/release/guldasta run bench/recommend_bench.lua
local pg = require "pg"
local timer = require "timer"
local rules = require "rules"
local job = require "shop.recommend.job"

local ORDERS = tonumber(os.getenv("BENCH_ORDERS")) or 100000
local PRODUCTS = tonumber(os.getenv("BENCH_PRODUCTS")) or 200
local RUNS = tonumber(os.getenv("BENCH_RUNS")) or 3
local TAG = "bench-rec-"

local function q(sql, ...) return assert(pg.query(sql, ...)) end

local function cleanup(customer)
  if customer then q("DELETE FROM orders WHERE customer_id = $1", customer) end
  q("DELETE FROM products WHERE code LIKE $1", TAG .. "%")
  q("DELETE FROM users WHERE tg_id = -4242")
end

cleanup()
local t0 = timer.monotonic()
local customer = q("INSERT INTO users (tg_id) VALUES (-4242) RETURNING id")[1].id
q([[INSERT INTO products (code, kind, name_ru, name_uz, price, colour)
    SELECT $1 || g, 'composition', 'Bench ' || g, 'Bench ' || g, 1000000 + g * 10000, 'white'
      FROM generate_series(1, $2::int) g]], TAG, PRODUCTS)
q("SELECT setseed(0.42)")
q("INSERT INTO orders (customer_id, status) SELECT $1, 'delivered' FROM generate_series(1, $2::int)", customer, ORDERS)
q([[INSERT INTO order_items (order_id, product_id, count, unit_price)
    SELECT o.id, p.ids[1 + floor(power(random(), 2) * array_length(p.ids, 1))::int], 1, 100
      FROM orders o
      CROSS JOIN LATERAL generate_series(1, 1 + (o.id % 4)::int) k
      CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM products WHERE code LIKE $2) p
     WHERE o.customer_id = $1]], customer, TAG .. "%")
local lines = q("SELECT count(*)::int AS n FROM order_items oi JOIN orders o ON o.id = oi.order_id WHERE o.customer_id = $1",
  customer)[1].n
local all = q("SELECT count(*)::int AS n FROM orders")[1].n
print(("generated %d orders with %d lines over %d products in %.1f s (%d orders in the database)")
  :format(ORDERS, lines, PRODUCTS, timer.monotonic() - t0, all))
print(("min support %d, %d neighbours kept, orders of the last %d days")
  :format(rules.recommend.MIN_SUPPORT, rules.recommend.NEIGHBOURS, rules.recommend.ORDERS_DAYS))

local best
for i = 1, RUNS do
  local res = job.recompute()
  print(("run %d: %.3f s  (%d pairs over the support, %d products with neighbours)")
    :format(i, res.seconds, res.pairs, res.products))
  best = math.min(best or math.huge, res.seconds)
end
print(("recompute over %d orders: best of %d runs %.3f s"):format(all, RUNS, best))
cleanup(customer)
