-- bench/https_calls.lua — what a Bot API call over HTTPS costs the engine,
-- with the server speaking HTTP/1.1 only (as botbench's fake Bot API and
-- telegram-bot-api do) and with it offering HTTP/2 too, which libcurl then
-- negotiates and multiplexes on one connection. Not a test: it prints
-- figures (bench/README.md).
--
--   guldasta run bench/https_calls.lua
--
-- The server is spec/support/tls_server.mjs (node) with a private CA from
-- tools/tls_test_ca.sh; each measurement is a child `guldasta run
-- bench/https_calls_child.lua` with SSL_CERT_FILE at the system bundle plus
-- that CA. The two kinds of server alternate, BENCH_RUNS (3) times, at
-- BENCH_CALLERS (1 and 50) callers making BENCH_CALLS (900 in all) calls: more than
-- ~1 000 streams on one HTTP/2 connection to node's server end in "Error in the
-- HTTP2 framing layer" with Debian's libcurl 7.88 (curl the tool too).
local proc = require "proc"
local fs = require "fs"
local json = require "json"
local timer = require "timer"
local engine = require "engine"
local config = require "config"

local RUNS = tonumber(os.getenv("BENCH_RUNS") or "") or 3
local CALLS = tonumber(os.getenv("BENCH_CALLS") or "") or 900
local CALLERS = {}
for n in (os.getenv("BENCH_CALLERS") or "1 50"):gmatch("%d+") do CALLERS[#CALLERS + 1] = tonumber(n) end

local dir = assert(proc.run { "mktemp", "-d", "/tmp/guldasta-https-bench-XXXXXX" }).stdout:gsub("%s+$", "")
if assert(proc.run { config.root .. "/tools/tls_test_ca.sh", dir }).code ~= 0 then error("tls_test_ca.sh failed") end

local servers = {}
local function start(kind)
  local port_file = ("%s/port-%s"):format(dir, kind)
  local p = assert(proc.spawn({ "node", config.root .. "/spec/support/tls_server.mjs", dir .. "/server.pem",
                                dir .. "/server.key", port_file, kind }, { stdout = false }))
  for _ = 1, 200 do
    local port = fs.read(port_file)
    if port then
      servers[#servers + 1] = p
      return "https://127.0.0.1:" .. port
    end
    timer.sleep(0.05)
  end
  error("tls_server.mjs did not start")
end

local ok, err = pcall(function()
  local urls = { h1 = start("h1"), h2 = start("h2") }
  local rows = {}
  for _, callers in ipairs(CALLERS) do
    for run = 1, RUNS do
      for _, kind in ipairs { "h1", "h2" } do
        local res = assert(proc.run({ engine.executable(), "run", config.root .. "/bench/https_calls_child.lua" }, {
          env = { SSL_CERT_FILE = dir .. "/bundle.pem", HTTPS_URL = urls[kind], CALLERS = callers,
                  CALLS = math.max(1, CALLS // callers), LOG_LEVEL = "warn" }, timeout = 600 }))
        local r = res.code == 0 and json.decode(res.stdout:match("[^\n]+") or "null")
        if not r then error("child failed: " .. res.stderr) end
        rows[#rows + 1] = { kind = kind, callers = callers, run = run, r = r }
      end
    end
  end
  print(("\n%-6s %8s %4s %10s %14s %12s"):format("server", "callers", "run", "calls/s", "CPU µs/call", "connections"))
  for _, row in ipairs(rows) do
    local r = row.r
    print(("%-6s %8d %4d %10.0f %14.1f %12d"):format(row.kind == "h1" and "h1.1" or "h2+h1", row.callers, row.run,
      r.calls / r.seconds, r.cpu / r.calls * 1e6, r.connections))
  end
  print("\ncommand: guldasta run bench/https_calls.lua (BENCH_RUNS, BENCH_CALLS, BENCH_CALLERS); the engine's CPU only")
end)
for _, p in ipairs(servers) do p:kill("TERM") end
proc.run { "rm", "-rf", dir }
if not ok then error(err) end
