-- bench/payments_bench.lua — provider calls answered per second, with
-- p50/p99, against PostgreSQL and Redis (not a test: it prints figures).
-- Run by hand with DATABASE_URL, REDIS_URL and BOT_TOKEN set (the private
-- services of tools/services.sh do):
--
--   guldasta migrate && guldasta run bench/payments_bench.lua
--
-- This process starts `guldasta serve` with Payme and Click configured,
-- and a Bot API emulator (no flood limits) that the served engine posts
-- each paid order to, as the florists' channel; then it makes BENCH_ORDERS
-- orders awaiting payment (SQL) and, with BENCH_CONCURRENCY callers at
-- once, pays them with devkit's doubles over HTTP: half by Payme's full
-- cycle (CheckPerformTransaction, CreateTransaction, PerformTransaction),
-- half by Click's (Prepare, Complete). Every call is one request to the
-- engine; each answer is checked. Reports calls/s and latency per method.
-- BENCH_ORDERS (2000), BENCH_CONCURRENCY (16).
local pg = require "pg"
local engine = require "engine"
local timer = require "timer"
local stats = require "bench.lib.stats"
local pay = require "support.payments"

local ORDERS = tonumber(os.getenv("BENCH_ORDERS") or "") or 2000
local CONCURRENCY = tonumber(os.getenv("BENCH_CONCURRENCY") or "") or 16
local PRICE = 5000000   -- tiyin: 50 000 so'm, "50000.00" for Click

local env = pay.start()

-- The orders: one customer, one product with its fiscal codes, ORDERS
-- pending orders of one unit each, made in three statements.
local product = pay.product { price = PRICE, on_hand = 1000000 }
local customer = require("support.orders").customer { lang = "ru" }
local ids = assert(pg.query([[
  WITH o AS (
    INSERT INTO orders (customer_id, status, items_total, total, lang, payment_method, payment_status,
                        recipient_name, recipient_phone, address, zone, delivery_date, slot_start, slot_end)
    SELECT $1, 'pending', $2, $2, 'ru', CASE WHEN g % 2 = 0 THEN 'payme' ELSE 'click' END, 'pending',
           'Bench', '+998901234567', 'Bukhara', 'Z1', '2030-03-08', '09:00', '12:00'
      FROM generate_series(1, $3) g
    RETURNING id, payment_method)
  SELECT id, payment_method FROM o ORDER BY id]], customer.id, PRICE, ORDERS))
local id_list = {}
for i, r in ipairs(ids) do id_list[i] = r.id end
assert(pg.query([[INSERT INTO order_items (order_id, product_id, count, unit_price)
                  SELECT x, $2, 1, $3 FROM unnest($1::bigint[]) AS x]],
  pg.array(id_list), product, PRICE))

local lat = { CheckPerformTransaction = {}, CreateTransaction = {}, PerformTransaction = {},
              prepare = {}, complete = {} }
local failures, calls, next_order = 0, 0, 0

local function timed(name, fn, ok)
  local t0 = timer.monotonic()
  local a = fn()
  local l = lat[name]
  l[#l + 1] = timer.monotonic() - t0
  calls = calls + 1
  if not (a and ok(a)) then failures = failures + 1; return nil end
  return a
end

local Payme = require "devkit.providers.payme_caller"
local Click = require "devkit.providers.click_caller"

local function pay_payme(pm, id)
  if not timed("CheckPerformTransaction", function() return pm:check_perform(id, PRICE) end,
    function(a) return a.result and a.result.allow end) then return end
  local tx = Payme.new_id()
  if not timed("CreateTransaction", function() return pm:create(id, PRICE, { id = tx }) end,
    function(a) return a.result and a.result.state == 1 end) then return end
  timed("PerformTransaction", function() return pm:perform(tx) end,
    function(a) return a.result and a.result.state == 2 end)
end

local function pay_click(ck, id)
  local trans = Click.new_trans_id()
  local a = timed("prepare", function() return ck:prepare { click_trans_id = trans, merchant_trans_id = id,
                                                              amount = "50000.00" } end,
    function(x) return x.error == 0 end)
  if not a then return end
  timed("complete", function() return ck:complete { click_trans_id = trans, merchant_trans_id = id,
    amount = "50000.00", merchant_prepare_id = a.merchant_prepare_id } end, function(x) return x.error == 0 end)
end

local function worker()
  -- each worker its own doubles (the HTTP client keeps connections alive)
  local pm = Payme.new { url = env.srv.url .. "/payments/payme", key = env.key }
  local ck = Click.new { url = env.srv.url .. "/payments/click", service_id = pay.SERVICE_ID, secret = pay.SECRET }
  while true do
    next_order = next_order + 1
    local o = ids[next_order]
    if not o then return end
    if o.payment_method == "payme" then pay_payme(pm, o.id) else pay_click(ck, o.id) end
  end
end

local t0 = timer.monotonic()
local workers = {}
for i = 1, CONCURRENCY do workers[i] = engine.spawn(worker) end
for _, w in ipairs(workers) do w:wait() end
local secs = timer.monotonic() - t0

local function ms(v) return v and ("%.1f"):format(v * 1000) or "-" end
local all = {}
print(("payments benchmark: %d orders (half Payme, half Click), %d callers at once, %.1f s"):format(
  ORDERS, CONCURRENCY, secs))
print(("%-24s %7s %8s %8s %8s"):format("call", "n", "p50 ms", "p99 ms", "max ms"))
for _, name in ipairs { "CheckPerformTransaction", "CreateTransaction", "PerformTransaction", "prepare", "complete" } do
  for _, v in ipairs(lat[name]) do all[#all + 1] = v end
  local s = stats.summary(lat[name])
  print(("%-24s %7d %8s %8s %8s"):format(name, s.n, ms(s.p50), ms(s.p99), ms(s.max)))
end
local s = stats.summary(all)
print(("%-24s %7d %8s %8s %8s"):format("all", s.n, ms(s.p50), ms(s.p99), ms(s.max)))
print(("calls answered: %.0f/s; failed answers: %d; paid orders: %d"):format(calls / secs, failures,
  pg.query("SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::bigint[]) AND payment_status = 'paid'",
    pg.array(id_list))[1].n))
env.stop()
-- the benchmark's orders are closed, so no engine posts them later
assert(pg.query("UPDATE orders SET status = 'cancelled' WHERE id = ANY($1::bigint[]) AND status = 'paid'",
  pg.array(id_list)))
