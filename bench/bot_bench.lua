-- bench/bot_bench.lua — the bot benchmark of issue 3 (not a test: it prints
-- figures). Run by `make bench` (tools/bench.sh) after the HTTP figures, or
-- by hand with DATABASE_URL and REDIS_URL set:
--
--   guldasta migrate && guldasta run bench/bot_bench.lua
--
-- Three processes: this one (the conductor), the emulator with the
-- simulated customers (bench/bot_load.lua) and `guldasta serve` with
-- TELEGRAM_API_URL at the emulator, long polling (the default). The
-- catalog is seeded (`guldasta seed`) and the customers are registered with
-- a language first, so every measured update is catalog work: /start
-- (menu), category browsing, product cards, searches. Per step: updates/s
-- answered, p50/p99 update-to-reply latency, the engine's RSS (VmRSS) at
-- the end and its peak (VmHWM), and the CPU of the engine and the emulator.
--
-- BENCH_RATE (3000), BENCH_USERS (10000), BENCH_SECS (20 per step),
-- BENCH_WEBHOOK=0 skips the webhook-mode step.
local proc = require "proc"
local http = require "http"
local json = require "json"
local timer = require "timer"
local engine = require "engine"
local config = require "config"
local crypto = require "crypto"
local pg = require "pg"

local RATE = tonumber(os.getenv("BENCH_RATE") or "") or 3000
local USERS = tonumber(os.getenv("BENCH_USERS") or "") or 10000
local SECS = tonumber(os.getenv("BENCH_SECS") or "") or 20
local WEBHOOK = os.getenv("BENCH_WEBHOOK") ~= "0"
local BASE_ID = 900000000            -- as in bench/bot_load.lua
local exe = engine.executable()
local root = config.root
local logdir = os.getenv("BENCH_LOG_DIR") or "/tmp"

-- A fresh token per run: the bot's Redis keys are per token, so queues,
-- dedupe marks and cached file_ids of an earlier run cannot interfere.
local token = "bench" .. crypto.hex(crypto.random_bytes(6)) .. ":x"

local function say(...) io.stderr:write(string.format(...), "\n") end

-- {=====================================================================
-- Processes
-- ======================================================================

local function free_port()
  return math.random(20000, 59000)
end

local function read_file(path)
  local f = io.open(path)
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

-- utime + stime of pid, in seconds
local function cpu_of(pid)
  local s = read_file("/proc/" .. pid .. "/stat")
  if not s then return nil end
  local rest = s:match("%) (.*)$")
  local f = {}
  for w in rest:gmatch("%S+") do f[#f + 1] = w end
  -- fields after the comm: state is 3, utime 14, stime 15 (1-based in stat)
  return (tonumber(f[12]) + tonumber(f[13])) / 100
end

local function mem_of(pid)
  local s = read_file("/proc/" .. pid .. "/status") or ""
  return tonumber(s:match("VmRSS:%s*(%d+)")), tonumber(s:match("VmHWM:%s*(%d+)"))
end

local function wait_http(url, p, secs, what)
  local deadline = timer.monotonic() + secs
  while timer.monotonic() < deadline do
    if not p:running() then error(what .. " exited; see its log") end
    local res = http.request { url = url, timeout = 2 }
    if res and res.status == 200 then return end
    timer.sleep(0.05)
  end
  p:kill("KILL")
  p:wait()
  error(what .. " did not answer " .. url)
end

local function stop(p)
  if p and p:running() then
    p:kill("TERM")
    if not p:wait(10) then p:kill("KILL") p:wait() end
  end
end

local base_env = {
  GULDASTA_ROOT = root, BOT_TOKEN = token, LOG_LEVEL = "warn",
}

-- A random port may be taken: a few tries.
local function retried(fn, ...)
  local err
  for _ = 1, 5 do
    local ok, a, b = pcall(fn, ...)
    if ok then return a, b end
    err = a
  end
  error(err, 0)
end

local function start_emulator1()
  local port = free_port()
  local log = logdir .. "/bench-emulator.log"
  local env = { EMULATOR_LISTEN = tostring(port) }
  for k, v in pairs(base_env) do env[k] = v end
  local p = assert(proc.spawn({ exe, "run", "bench/bot_load.lua", tostring(port) },
    { env = env, stdout = log, stderr = log, cwd = root }))
  local url = "http://127.0.0.1:" .. port
  wait_http(url .. "/bench/ready", p, 15, "the emulator")
  return p, url
end

local function start_bot1(api_url, webhook)
  local port = free_port()
  local log = logdir .. "/bench-serve.log"
  local env = { HTTP_LISTEN = "127.0.0.1:" .. port, TELEGRAM_API_URL = api_url }
  if webhook then
    env.WEBHOOK_URL = "http://127.0.0.1:" .. port .. "/telegram/webhook"
    env.WEBHOOK_SECRET = "bench-secret"
  else
    env.WEBHOOK_URL = false
  end
  for k, v in pairs(base_env) do env[k] = v end
  local p = assert(proc.spawn({ exe, "serve" }, { env = env, stdout = log, stderr = log, cwd = root }))
  local f = io.open(logdir .. "/bench-serve.pid", "w")   -- for perf -p while it runs
  if f then f:write(p:pid(), "\n") f:close() end
  wait_http("http://127.0.0.1:" .. port .. "/healthz", p, 20, "guldasta serve")
  return p
end

local function start_emulator() return retried(start_emulator1) end
local function start_bot(api_url, webhook) return retried(start_bot1, api_url, webhook) end

-- {=====================================================================
-- Data
-- ======================================================================

local function seed()
  local res = assert(proc.run({ exe, "seed" }, { env = base_env, cwd = root, timeout = 300 }))
  if res.code ~= 0 then error("guldasta seed failed:\n" .. res.stdout .. res.stderr) end
end

-- The customers, registered with a language (half ru, half uz) and the
-- name the emulator gives them, so the measured updates are catalog work
-- and not the language question.
local function register_users(n)
  local rows, err = pg.query([[
    INSERT INTO users (tg_id, name, lang)
    SELECT $1::bigint + g, 'User' || ($1::bigint + g), CASE WHEN g % 2 = 0 THEN 'ru' ELSE 'uz' END
      FROM generate_series(1, $2::int) g
    ON CONFLICT (tg_id) DO UPDATE SET lang = EXCLUDED.lang, name = EXCLUDED.name]], BASE_ID, n)
  assert(rows, err)
end

local function pg_queries()
  local rows = pg.query([[SELECT sum(xact_commit)::bigint AS n FROM pg_stat_database
                            WHERE datname = current_database()]])
  return rows and tonumber(rows[1].n) or 0
end

-- {=====================================================================
-- Steps
-- ======================================================================

local function run_step(emu_url, emu_p, bot_p, name, o)
  say("bench: %s ...", name)
  local c_bot, c_emu = cpu_of(bot_p:pid()), cpu_of(emu_p:pid())
  local q0 = pg_queries()
  local res, err = http.request { method = "POST", url = emu_url .. "/bench/step",
                                  headers = { ["Content-Type"] = "application/json" },
                                  body = json.encode(o), timeout = (o.secs or SECS) + 60 }
  assert(res and res.status == 200, "step failed: " .. tostring(err or (res and res.body)))
  local r = json.decode(res.body)
  r.name = name
  r.cpu_bot = (cpu_of(bot_p:pid()) - c_bot) / r.secs
  r.cpu_emu = (cpu_of(emu_p:pid()) - c_emu) / r.secs
  r.rss, r.hwm = mem_of(bot_p:pid())
  r.pg_tx = (pg_queries() - q0) / math.max(1, r.sent)
  return r
end

local function ms(v) return v and string.format("%.1f", v * 1000) or "?" end

local function print_table(results)
  local out = {}
  local function line(...) out[#out + 1] = string.format(...) end
  line("")
  line("%-34s %9s %8s %8s %8s %8s %8s %8s %8s %6s", "step", "updates/s", "p50 ms", "p99 ms",
       "max ms", "RSS MB", "peak MB", "bot CPU", "emu CPU", "lost")
  for _, r in ipairs(results) do
    line("%-34s %9.0f %8s %8s %8s %8.1f %8.1f %7.0f%% %7.0f%% %6d", r.name, r.throughput,
         ms(r.p50), ms(r.p99), ms(r.max), (r.rss or 0) / 1024, (r.hwm or 0) / 1024,
         r.cpu_bot * 100, r.cpu_emu * 100, r.unanswered)
  end
  line("")
  for _, r in ipairs(results) do
    local kinds = {}
    for k, v in pairs(r.kinds or {}) do kinds[#kinds + 1] = k .. " " .. math.floor(v) end
    table.sort(kinds)
    local methods = {}
    for k, v in pairs(r.methods or {}) do methods[#methods + 1] = k .. " " .. math.floor(v) end
    table.sort(methods)
    line("%s: sent %d (%s); 429s %d; PG transactions/update %.2f; generator starved %d",
         r.name, r.sent, table.concat(kinds, ", "), r.rate_limited, r.pg_tx, r.starved)
    line("  Bot API calls: %s", table.concat(methods, ", "))
  end
  line("")
  line("command: make bench (or: guldasta run bench/bot_bench.lua with DATABASE_URL, REDIS_URL);")
  line("BENCH_RATE=%d BENCH_USERS=%d BENCH_SECS=%s; logs in %s/bench-*.log", RATE, USERS, SECS, logdir)
  io.stdout:write(table.concat(out, "\n"), "\n")
end

local function main()
  say("bench: seeding the catalog ...")
  seed()
  register_users(USERS)
  local emu_p, emu_url = start_emulator()
  local bot_p
  local ok, err = pcall(function()
    bot_p = start_bot(emu_url, false)
    local results = {}
    -- warm-up: photos uploaded once, caches and pools filled (not reported)
    run_step(emu_url, emu_p, bot_p, "warm-up", { mode = "open", rate = math.min(RATE, 1000), users = USERS, secs = 5 })
    results[#results + 1] = run_step(emu_url, emu_p, bot_p,
      ("polling, open %d/s, %d chats"):format(RATE, USERS),
      { mode = "open", rate = RATE, users = USERS, secs = SECS })
    results[#results + 1] = run_step(emu_url, emu_p, bot_p, "polling, closed, 10 users",
      { mode = "closed", concurrency = 10, users = USERS, secs = SECS })
    results[#results + 1] = run_step(emu_url, emu_p, bot_p, "polling, closed, 200 users",
      { mode = "closed", concurrency = 200, users = USERS, secs = SECS })
    if WEBHOOK then
      stop(bot_p)
      bot_p = start_bot(emu_url, true)
      run_step(emu_url, emu_p, bot_p, "warm-up", { mode = "open", rate = math.min(RATE, 1000), users = USERS, secs = 3 })
      results[#results + 1] = run_step(emu_url, emu_p, bot_p,
        ("webhook, open %d/s, %d chats"):format(RATE, USERS),
        { mode = "open", rate = RATE, users = USERS, secs = SECS })
    end
    print_table(results)
  end)
  stop(bot_p)
  stop(emu_p)
  if not ok then
    say("bench: %s", tostring(err))
    os.exit(1)
  end
end

main()
