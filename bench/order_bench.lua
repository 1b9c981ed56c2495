-- bench/order_bench.lua — the order benchmark of issue 4 (not a test: it
-- prints figures). Run by `make bench-orders` and by `make bench` after the
-- bot benchmark (tools/bench.sh), or by hand with DATABASE_URL, REDIS_URL
-- and FLORIST_CHAT_ID set:
--
--   guldasta migrate && guldasta run bench/order_bench.lua
--
-- Three processes: this one (the conductor), the emulator with the
-- simulated customers and florists (bench/order_load.lua) and `guldasta
-- serve` long polling the emulator. Each customer places whole orders
-- through the emulator — /start, the catalog, a product card, add to cart,
-- the cart, every checkout question, Confirm — and florists press [Accept]
-- on the florists' channel posts. Per step (a closed loop of 10, 50 and 200
-- customers): complete orders per second (Confirm answered with the
-- order's number), update-to-reply p50/p99, Confirm-to-number p50/p99, the
-- Accept press's latency (to the post's edit and to the toast), the
-- engine's RSS and CPU, PostgreSQL transactions, Redis commands and Bot
-- API calls per order, and lost updates.
--
-- What the benchmark changes so that the shop's limits do not stand in for
-- the engine's (bench/README.md, "Order benchmark"):
--   stock        every product's stock.on_hand is set to STOCK (the Redis
--                mirror is told: shop.stock.forget)
--   slots        rules/slots.lua gives a window 8 places and the booking
--                copies the rule's capacity into delivery_slots, so a
--                bigger capacity in the table would not count; instead the
--                places given away are handed back: every 100 ms windows
--                with taken >= 2 are set to taken = 0. The booking
--                statement itself runs unchanged.
--   Telegram     the emulator enforces no flood limits, and the engine's
--                own limiter (engine/lua/tg/limiter.lua: 30 messages/s to
--                other chats, 20 posts/min to a channel) is lifted:
--                TG_GLOBAL_RATE for `serve`, and the florists' channel
--                bucket deleted every 50 ms. BENCH_TG_LIMITS=real keeps
--                both (the channel then takes 15 posts, then one per 3 s).
--
-- BENCH_SECS (20 per step), BENCH_STEPS ("10 50 200": concurrency per
-- step), BENCH_USERS (2000 customers), BENCH_FLORISTS (10),
-- BENCH_TG_LIMITS ("off"), BENCH_WEBHOOK=0 skips the last step (webhook
-- mode at the largest concurrency), BENCH_LOG_DIR (/tmp).
local conductor = require "bench.lib.conductor"
local procfs = require "bench.lib.procfs"
local report = require "bench.lib.report"
local db = require "bench.lib.db"
local proc = require "proc"
local http = require "http"
local timer = require "timer"
local engine = require "engine"
local config = require "config"
local crypto = require "crypto"
local redis = require "redis"
local pg = require "pg"
local stock = require "shop.stock"

local SECS = tonumber(os.getenv("BENCH_SECS") or "") or 20
local USERS = tonumber(os.getenv("BENCH_USERS") or "") or 2000
local FLORISTS = tonumber(os.getenv("BENCH_FLORISTS") or "") or 10
local STEPS = {}
for n in (os.getenv("BENCH_STEPS") or "10 50 200"):gmatch("%d+") do STEPS[#STEPS + 1] = tonumber(n) end
local REAL_LIMITS = os.getenv("BENCH_TG_LIMITS") == "real"
local WEBHOOK = os.getenv("BENCH_WEBHOOK") ~= "0"
local CUSTOMER_BASE = 910000000      -- as in bench/order_load.lua
local FLORIST_BASE = 919000000
local STOCK = 100000000              -- units of every product: never the limit
local SLOT_RESET_EVERY = 0.1         -- s
local SLOT_RESET_AT = 2              -- taken places that trigger the reset
local CORES = procfs.cores()
local florist_chat = math.tointeger(tonumber(config.florist_chat_id or ""))
assert(florist_chat, "FLORIST_CHAT_ID must be set (a number): the florists' channel")

-- A fresh token per run (bench/lib/conductor.lua); carts and checkouts
-- are per user and carry over: the customers follow whatever screen they
-- are shown. tg_prefix: the engine's Redis keys of that token.
local bench = conductor.new { logs = "bench-order", load = "bench/order_load.lua" }
local tg_prefix = "tg:" .. crypto.hex(crypto.sha256(bench.token)):sub(1, 8) .. ":"
local say, stop = conductor.say, conductor.stop
local read_file, cpu_of, mem_of, machine_cpu = procfs.read, procfs.cpu, procfs.mem, procfs.machine_cpu
-- `serve`'s part in lifting the engine's limiter (see the header)
local serve_env = not REAL_LIMITS and { TG_GLOBAL_RATE = "1000000" } or nil

local function per(total, n) return n > 0 and total / n or 0 end

-- {=====================================================================
-- The other processes' CPU, and the engine's own figures
-- ======================================================================

-- PostgreSQL's CPU: the postmaster and every backend alive now (the pool
-- keeps its connections, so the bot's backends are all counted).
local function pg_cpu()
  local rows = pg.query("SELECT pg_backend_pid() AS pid")
  local stat = rows and read_file("/proc/" .. rows[1].pid .. "/stat")
  local postmaster = stat and tonumber(stat:match("%) %S+ (%d+)"))
  if not postmaster then return 0 end
  local sum = cpu_of(postmaster) or 0
  local res = proc.run({ "ps", "-o", "pid=", "--ppid", tostring(postmaster) })
  for pid in (res and res.stdout or ""):gmatch("%d+") do sum = sum + (cpu_of(pid) or 0) end
  return sum
end

local redis_pid
local function redis_cpu()
  redis_pid = redis_pid or tonumber(tostring(redis.call("INFO", "server")):match("process_id:(%d+)"))
  return redis_pid and cpu_of(redis_pid) or 0
end

-- The engine's /metrics as { ["name{labels}"] = value }.
local function metrics(bot_url)
  local res = http.request { url = bot_url .. "/metrics", timeout = 5 }
  local out = {}
  if not (res and res.status == 200) then return out end
  for name, v in tostring(res.body):gmatch("\n([%w_]+[^%s]*) ([%d%.eE+-]+)") do out[name] = tonumber(v) end
  return out
end

-- The PostgreSQL pool as the engine sees it, sampled while a step runs:
-- units of work waiting for a connection, and connections in use.
local function sample_pool(bot_url, box)
  box.n, box.waiting, box.waiting_max, box.in_use = 0, 0, 0, 0
  while not box.stop do
    local m = metrics(bot_url)
    local w, u = m["guldasta_pg_pool_waiting"], m["guldasta_pg_pool_in_use"]
    if w and u then
      box.n = box.n + 1
      box.waiting = box.waiting + w
      box.in_use = box.in_use + u
      if w > box.waiting_max then box.waiting_max = w end
    end
    timer.sleep(0.25)
  end
  box.done = true
end

-- {=====================================================================
-- Data
-- ======================================================================

local function must(rows, err)
  if not rows then error("bench: " .. tostring(err), 2) end
  return rows
end

-- The customers (bench/lib/db.lua); florists with a language too, and
-- the florist role (a user_roles row, as scripts/cli/grant.lua would
-- write it).
local function register_people()
  must(db.register_customers(CUSTOMER_BASE, USERS))
  must(pg.query([[
    WITH f AS (INSERT INTO users (tg_id, name, lang)
               SELECT $1::bigint + g, 'Florist' || g, 'ru' FROM generate_series(1, $2::int) g
               ON CONFLICT (tg_id) DO UPDATE SET lang = EXCLUDED.lang
               RETURNING id)
    INSERT INTO user_roles (user_id, role) SELECT id, 'florist' FROM f
    ON CONFLICT (user_id, role) DO NOTHING]], FLORIST_BASE, FLORISTS))
end

-- Enough of everything, in PostgreSQL and in the Redis mirror.
local function fill_stock()
  local rows = must(pg.query([[
    INSERT INTO stock (product_id, on_hand) SELECT id, $1 FROM products
    ON CONFLICT (product_id) DO UPDATE SET on_hand = EXCLUDED.on_hand, updated_at = now()
    RETURNING product_id]], STOCK))
  local ids = {}
  for _, r in ipairs(rows) do ids[#ids + 1] = r.product_id end
  stock.forget(ids)
end

local function redis_commands()
  local info = redis.call("INFO", "stats")
  return tonumber(tostring(info):match("total_commands_processed:(%d+)")) or 0
end

-- Redis's own count and time per command name (commands inside scripts
-- included): { name = {calls=, usec=} }.
local function redis_commandstats()
  local out = {}
  for name, calls, usec in tostring(redis.call("INFO", "commandstats")):gmatch("cmdstat_([%w|_]+):calls=(%d+),usec=(%d+)") do
    out[name] = { calls = tonumber(calls), usec = tonumber(usec) }
  end
  return out
end

-- {=====================================================================
-- What the benchmark keeps out of the way while a step runs
-- ======================================================================

local keeper = { on = false, done = false, pg = 0, redis = 0 }

-- Hands back the delivery windows' places (see the header) and lifts the
-- engine's bucket of the florists' channel. Its own statements are
-- counted, to be taken off the per-order figures.
local function keep_out_of_the_way()
  local channel_bucket = tg_prefix .. "rl:c:" .. florist_chat
  local next_reset = 0
  while not keeper.done do
    if keeper.on then
      local now = timer.monotonic()
      if now >= next_reset then
        next_reset = now + SLOT_RESET_EVERY
        pg.query("UPDATE delivery_slots SET taken = 0 WHERE taken >= $1", SLOT_RESET_AT)
        keeper.pg = keeper.pg + 1
      end
      if not REAL_LIMITS then
        redis.call("DEL", channel_bucket)
        keeper.redis = keeper.redis + 1
      end
    end
    timer.sleep(0.05)
  end
end

-- {=====================================================================
-- Steps
-- ======================================================================

local function orders_since(t0, ids)
  local row = must(pg.query([[
    SELECT count(*) FILTER (WHERE created_at >= $1::timestamptz)::int AS placed,
           count(*) FILTER (WHERE created_at >= $1::timestamptz AND florist_msg_id IS NOT NULL)::int AS posted,
           count(*) FILTER (WHERE accepted_at >= $1::timestamptz)::int AS accepted,
           count(*) FILTER (WHERE id = ANY($2::bigint[]))::int AS confirmed_found
      FROM orders WHERE created_at >= $1::timestamptz OR accepted_at >= $1::timestamptz
                     OR id = ANY($2::bigint[])]], t0, pg.array(ids)))[1]
  return row
end

local function run_step(emu_url, emu_p, bot_p, bot_url, name, o)
  say("bench: %s ...", name)
  local m0 = metrics(bot_url)
  local pool = {}
  engine.spawn(sample_pool, bot_url, pool)
  local c_bot, c_emu = cpu_of(bot_p:pid()), cpu_of(emu_p:pid())
  local c_pg, c_redis, c_busy = pg_cpu(), redis_cpu(), machine_cpu()
  local k_pg, k_redis = keeper.pg, keeper.redis
  local q0 = db.commits()
  local r0 = redis_commands()
  local cs0 = redis_commandstats()
  local t0 = must(pg.query("SELECT now()::text AS t"))[1].t
  o.users, o.florists, o.secs = USERS, FLORISTS, o.secs or SECS
  local r = conductor.step(emu_url, o, o.secs)
  r.name = name
  pool.stop = true
  local m1 = metrics(bot_url)
  local function delta(k) return (m1[k] or 0) - (m0[k] or 0) end
  r.handled = delta("guldasta_tg_update_seconds_count")
  r.handler_mean = per(delta("guldasta_tg_update_seconds_sum"), r.handled)
  r.pool_waiting = per(pool.waiting or 0, pool.n or 0)
  r.pool_waiting_max = pool.waiting_max or 0
  r.pool_in_use = per(pool.in_use or 0, pool.n or 0)
  r.pool_size = config.pg_pool_size
  r.cpu_bot_s = cpu_of(bot_p:pid()) - c_bot
  r.cpu_bot = r.cpu_bot_s / r.secs
  r.cpu_emu = (cpu_of(emu_p:pid()) - c_emu) / r.secs
  r.cpu_pg = (pg_cpu() - c_pg) / r.secs
  r.cpu_redis = (redis_cpu() - c_redis) / r.secs
  r.cpu_machine = (machine_cpu() - c_busy) / r.secs
  r.rss, r.hwm = mem_of(bot_p:pid())
  -- the conductor's own statements are not the bot's: here the first
  -- commit count, now() and pg_cpu's query; the two INFOs; the keeper's
  r.pg_tx = db.commits() - q0 - 3 - (keeper.pg - k_pg)
  r.redis_cmds = redis_commands() - r0 - 2 - (keeper.redis - k_redis)
  r.redis_by = {}
  for name, v in pairs(redis_commandstats()) do
    local b = cs0[name] or { calls = 0, usec = 0 }
    if v.calls > b.calls then r.redis_by[name] = { calls = v.calls - b.calls, usec = v.usec - b.usec } end
  end
  local ids = {}
  for i, id in ipairs(r.order_ids or {}) do ids[i] = id end
  r.pg_orders = orders_since(t0, ids)
  return r
end

local function ms(v) return report.ms(v, "-") end

local function print_table(results)
  local line, flush = report.lines()
  line("")
  line("%-22s %8s %9s %7s %7s %7s %8s %8s %8s %8s %8s %8s %7s %7s %7s %5s", "step", "orders/s", "updates/s",
       "p50 ms", "p99 ms", "cnf p50", "cnf p99", "acc p50", "acc p99", "toast99", "RSS MB", "peak MB",
       "bot CPU", "emu CPU", "upd/ord", "lost")
  for _, r in ipairs(results) do
    local orders = r.orders
    line("%-22s %8.1f %9.0f %7s %7s %7s %8s %8s %8s %8s %8.1f %8.1f %6.0f%% %6.0f%% %7.1f %5d", r.name,
         r.order_rate, r.throughput, ms(r.latency.p50), ms(r.latency.p99), ms(r.confirm.p50), ms(r.confirm.p99),
         ms(r.accept_edit.p50), ms(r.accept_edit.p99), ms(r.accept_toast.p99),
         (r.rss or 0) / 1024, (r.hwm or 0) / 1024, r.cpu_bot * 100, r.cpu_emu * 100,
         per(r.sent, orders), r.unanswered)
  end
  line("")
  line("orders/s: Confirm answered with the order's number; p50/p99: every customer update to its reply;")
  line("cnf: Confirm press to the number; acc: a florist's Accept press to the channel post's edit;")
  line("toast99: the same press to its answerCallbackQuery; lost: customer updates never answered.")
  for _, r in ipairs(results) do
    local n = math.max(1, r.orders + (r.drained_orders or 0))
    local kinds = report.counts(r.kinds)
    local methods, calls = {}, 0
    for k, v in pairs(r.methods or {}) do
      methods[#methods + 1] = ("%s %.1f"):format(k, v / n)
      calls = calls + v
    end
    table.sort(methods)
    local pgo = r.pg_orders or {}
    line("")
    line("%s: %d orders in %.1f s (+%d while draining); whole order (first update to number) p50 %s ms, p99 %s ms",
         r.name, r.orders, r.secs, r.drained_orders or 0, ms(r.whole.p50), ms(r.whole.p99))
    line("  engine CPU %.2f ms/update, %.1f ms/order; PG transactions/order %.1f; Redis commands/order %.0f;"
         .. " Bot API calls/order %.1f", per(r.cpu_bot_s * 1000, r.replied), r.cpu_bot_s * 1000 / n,
         r.pg_tx / n, r.redis_cmds / n, calls / n)
    line("  CPU over the step (100%% = one core): engine %.0f%%, emulator+customers %.0f%%, PostgreSQL %.0f%%,"
         .. " Redis %.0f%%, whole machine %.0f%% of %d%%", r.cpu_bot * 100, r.cpu_emu * 100, r.cpu_pg * 100,
         r.cpu_redis * 100, r.cpu_machine * 100, CORES * 100)
    line("  engine: %d updates handled (customers' and florists'), handler time mean %s ms; PG pool of %s:"
         .. " %.1f in use, %.1f units waiting on average (max %d)", r.handled, ms(r.handler_mean),
         tostring(r.pool_size), r.pool_in_use, r.pool_waiting, r.pool_waiting_max)
    line("  Bot API per order: %s", table.concat(methods, ", "))
    local by = {}
    for name, v in pairs(r.redis_by or {}) do by[#by + 1] = { name = name, calls = v.calls, usec = v.usec } end
    table.sort(by, function(a, b) return a.usec > b.usec end)
    local top = {}
    for i = 1, math.min(8, #by) do
      top[i] = ("%s %.1f (%.0f us)"):format(by[i].name, by[i].calls / n, by[i].usec / n)
    end
    line("  Redis per order, by time inside Redis: %s", table.concat(top, ", "))
    line("  updates: sent %d, answered %d (%s)", r.sent, r.replied, table.concat(kinds, ", "))
    line("  PostgreSQL: %d orders placed, %d posted to the florists, %d accepted; %d of %d numbers seen found",
         pgo.placed or 0, pgo.posted or 0, pgo.accepted or 0, pgo.confirmed_found or 0, #(r.order_ids or {}))
    line("  florists: %d posts, %d presses, %d waiting at the end; number to post p50 %s ms p99 %s ms;"
         .. " post to press p50 %s ms p99 %s ms; no answer %d", r.posts, r.presses, r.posts_waiting,
         ms(r.post_lag.p50), ms(r.post_lag.p99), ms(r.post_wait.p50), ms(r.post_wait.p99), r.florist_timeouts)
    line("  customer timeouts (no reply in 5 s) %d; unexpected screens %d; press errors %d; starved %d",
         r.timeouts, r.unexpected, r.errors, r.starved)
    for _, s in ipairs(r.samples or {}) do line("    unexpected: %s", s) end
    for _, s in ipairs(r.error_samples or {}) do line("    error: %s", s) end
  end
  line("")
  line("command: make bench-orders (or: guldasta run bench/order_bench.lua with DATABASE_URL, REDIS_URL,")
  line("FLORIST_CHAT_ID); BENCH_SECS=%s BENCH_USERS=%d BENCH_FLORISTS=%d BENCH_TG_LIMITS=%s; logs in %s/bench-order-*.log",
       SECS, USERS, FLORISTS, REAL_LIMITS and "real" or "off", bench.logdir)
  flush()
end

local function main()
  say("bench: seeding the catalog ...")
  bench:seed()
  register_people()
  local closed = db.close_leftover_orders()   -- an earlier run's, for the repost timer
  if closed > 0 then say("bench: %d orders left by an earlier run closed (cancelled)", closed) end
  fill_stock()
  must(pg.query("UPDATE delivery_slots SET taken = 0 WHERE taken > 0"))
  engine.spawn(keep_out_of_the_way)
  os.remove(bench:log("serve.log"))
  os.remove(bench:log("emulator.log"))
  local emu_p, emu_url = bench:start_emulator()
  local bot_p
  local ok, err = pcall(function()
    local bot_url
    bot_p, bot_url = bench:start_serve(emu_url, false, serve_env)
    keeper.on = true
    local results = {}
    -- warm-up: photos uploaded once, caches and pools filled (not reported)
    run_step(emu_url, emu_p, bot_p, bot_url, "warm-up", { concurrency = 10, secs = 5 })
    for _, c in ipairs(STEPS) do
      results[#results + 1] = run_step(emu_url, emu_p, bot_p, bot_url, ("polling, %d customers"):format(c),
        { concurrency = c })
    end
    if WEBHOOK then
      -- the same at the largest concurrency with updates pushed to the
      -- webhook: without the long poller's batch in the way
      local c = STEPS[#STEPS] or 200
      stop(bot_p)
      bot_p, bot_url = bench:start_serve(emu_url, true, serve_env)
      run_step(emu_url, emu_p, bot_p, bot_url, "warm-up", { concurrency = 10, secs = 3 })
      results[#results + 1] = run_step(emu_url, emu_p, bot_p, bot_url, ("webhook, %d customers"):format(c),
        { concurrency = c })
    end
    print_table(results)
  end)
  keeper.on, keeper.done = false, true
  bench:finish(ok, err)
end

main()
