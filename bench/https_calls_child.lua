-- bench/https_calls_child.lua — the measured half of bench/https_calls.lua:
-- CALLERS units of work, each making CALLS Bot-API-like POSTs in a row to
-- HTTPS_URL; prints one JSON line: wall seconds, this process's CPU
-- seconds, calls made and new connections (the engine's metrics).
local http = require "http"
local engine = require "engine"
local json = require "json"
local procfs = require "bench.lib.procfs"
local timer = require "timer"

local url = os.getenv("HTTPS_URL") .. "/botT/sendMessage"
local callers, calls = tonumber(os.getenv("CALLERS")), tonumber(os.getenv("CALLS"))
local pid = procfs.read("/proc/self/stat"):match("^(%d+)")
local body = json.encode { chat_id = 1, text = string.rep("x", 200) }
local function call()
  local res, err, code = http.request { method = "POST", url = url, body = body, timeout = 30,
                                        headers = { ["Content-Type"] = "application/json" },
                                        success_marker = '"ok":true' }
  if not (res and res.matched) then error(("call failed: %s %s"):format(tostring(code), tostring(err))) end
end
-- one call first: the connection and the CA store are not what is measured
call()
local c0, t0 = procfs.cpu(pid), timer.monotonic()
local hs = {}
for i = 1, callers do hs[i] = engine.spawn(function() for _ = 1, calls do call() end end) end
for i = 1, callers do assert(hs[i]:wait()) end
io.write(json.encode {
  seconds = timer.monotonic() - t0, cpu = procfs.cpu(pid) - c0, calls = callers * calls,
  connections = engine.metric("guldasta_http_client_connections_total", 'scheme="https"'),
}, "\n")
