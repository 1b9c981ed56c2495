-- bench/lib/conductor.lua — the processes a benchmark's conductor
-- (bench/*_bench.lua) runs and talks to: the load process (the emulator
-- with its simulated people, bench/*_load.lua) and `guldasta serve` long
-- polling it, or taking its webhook. Each is started on a random port, a
-- few times if the port is taken, and is ready when an HTTP route of it
-- answers; a step is one POST to the load process, which answers with the
-- step's figures.
--
--   local bench = conductor.new { logs = "bench", load = "bench/bot_load.lua" }
--   local emu_p, emu_url = bench:start_emulator()
--   local bot_p, bot_url = bench:start_serve(emu_url, webhook, extra_env)
--   local r = conductor.step(emu_url, { ... }, secs)
--   conductor.stop(bot_p)                     -- before another start_serve
--   bench:finish(pcall(body))                 -- stops what is left
local proc = require "proc"
local http = require "http"
local json = require "json"
local timer = require "timer"
local engine = require "engine"
local config = require "config"
local crypto = require "crypto"

local M = {}
local Conductor = {}
Conductor.__index = Conductor

function M.say(...) io.stderr:write(string.format(...), "\n") end

-- o.logs names the files in BENCH_LOG_DIR (/tmp): <logs>-emulator.log,
-- <logs>-serve.log and <logs>-serve.pid; o.load is the load process's
-- script. A fresh token per run: the engine's Redis keys (update queues,
-- dedupe marks, limiter buckets, cached file_ids) are per token, so an
-- earlier run cannot interfere.
function M.new(o)
  local token = "bench" .. crypto.hex(crypto.random_bytes(6)) .. ":x"
  return setmetatable({
    -- the load runs on guldasta-dev (it needs proc); the engine measured
    -- is the product binary beside it, as shipped
    exe = engine.executable(), product = (engine.executable():gsub("%-dev$", "")), root = config.root, logdir = os.getenv("BENCH_LOG_DIR") or "/tmp",
    logs = o.logs, load = o.load, token = token,
    -- what every process started here gets (and `guldasta seed`)
    env = { GULDASTA_ROOT = config.root, BOT_TOKEN = token, LOG_LEVEL = "warn" },
  }, Conductor)
end

function Conductor:log(name) return self.logdir .. "/" .. self.logs .. "-" .. name end

local function free_port()
  return math.random(20000, 59000)
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

-- TERM, and KILL if it has not gone within 10 s. p may be nil.
function M.stop(p)
  if p and p:running() then
    p:kill("TERM")
    if not p:wait(10) then p:kill("KILL") p:wait() end
  end
end

-- The load process; returns it and its base URL once /bench/ready answers.
function Conductor:start_emulator()
  return retried(function()
    local port = free_port()
    local log = self:log("emulator.log")
    local env = { EMULATOR_LISTEN = tostring(port) }
    for k, v in pairs(self.env) do env[k] = v end
    local p = assert(proc.spawn({ self.exe, "run", self.load, tostring(port) },
      { env = env, stdout = log, stderr = log, cwd = self.root }))
    local url = "http://127.0.0.1:" .. port
    wait_http(url .. "/bench/ready", p, 15, "the emulator")
    self.emulator = p
    return p, url
  end)
end

-- `guldasta serve` with the emulator at api_url as Telegram, long polling
-- it or (webhook) taking its pushes; extra: more environment. Returns the
-- process and its base URL once /healthz answers (PostgreSQL and Redis
-- connected). Its pid goes to <logs>-serve.pid, for perf -p while it runs.
function Conductor:start_serve(api_url, webhook, extra)
  return retried(function()
    local port = free_port()
    local log = self:log("serve.log")
    local url = "http://127.0.0.1:" .. port
    local env = { HTTP_LISTEN = "127.0.0.1:" .. port, TELEGRAM_API_URL = api_url, WEBHOOK_URL = false }
    if webhook then
      env.WEBHOOK_URL = url .. "/telegram/webhook"
      env.WEBHOOK_SECRET = "bench-secret"
    end
    for k, v in pairs(extra or {}) do env[k] = v end
    for k, v in pairs(self.env) do env[k] = v end
    local p = assert(proc.spawn({ self.product, "serve" }, { env = env, stdout = log, stderr = log, cwd = self.root }))
    local f = io.open(self:log("serve.pid"), "w")
    if f then f:write(p:pid(), "\n") f:close() end
    wait_http(url .. "/healthz", p, 20, "guldasta serve")
    self.serve, self.serve_url = p, url
    return p, url
  end)
end

-- The end of a run, with what pcall returned for its body: the last
-- `serve` and the load process stopped, and an error said, with exit
-- code 1.
function Conductor:finish(ok, err)
  M.stop(self.serve)
  M.stop(self.emulator)
  if not ok then
    M.say("bench: %s", tostring(err))
    os.exit(1)
  end
end

-- `guldasta seed`: the demo catalog, so every benchmark browses the same shop.
function Conductor:seed()
  local res = assert(proc.run({ self.exe, "seed" }, { env = self.env, cwd = self.root, timeout = 300 }))
  if res.code ~= 0 then error("guldasta seed failed:\n" .. res.stdout .. res.stderr) end
end

-- The value of an unlabelled gauge on the /metrics page of the engine at
-- url (a `serve` process), or nil.
function M.metric(url, name)
  local res = http.request { method = "GET", url = url .. "/metrics", timeout = 10 }
  if not (res and res.status == 200) then return nil end
  return tonumber(res.body:match("\n" .. name:gsub("%p", "%%%0") .. " ([%d.e+]+)"))
end

-- One step of the load process at emu_url: o is its shape (JSON), secs
-- its length (a minute more is allowed for the answer). Returns the
-- figures the load process measured.
function M.step(emu_url, o, secs)
  local res, err = http.request { method = "POST", url = emu_url .. "/bench/step",
                                  headers = { ["Content-Type"] = "application/json" },
                                  body = json.encode(o), timeout = secs + 60 }
  assert(res and res.status == 200, "step failed: " .. tostring(err or (res and res.body)))
  return json.decode(res.body)
end

return M
