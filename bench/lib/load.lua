-- bench/lib/load.lua — the frame of a load process (bench/*_load.lua): the
-- Bot API emulator on the port the conductor chose, the HTTP control
-- endpoint the conductor drives it by, and the bookkeeping around a step
-- (Bot API calls counted by method, the last replies waited for, the
-- emulator's memory kept small). What the simulated people do is the load
-- file's own business.
--
--   local emu, port = load.start("bench/x_load.lua", (...), emulator_opts)
--   ... people, run_step(o) -> figures ...
--   load.serve("x_load", port, run_step)      -- never returns
local Emulator = require "devkit.emulator"
local http = require "http"
local json = require "json"
local timer = require "timer"
local config = require "config"

local M = {}

-- The emulator on the port given on the command line (arg) or in
-- EMULATOR_LISTEN; opts adds to or overrides the options both loads use.
-- script names the file in the usage error.
function M.start(script, arg, opts)
  local port = tonumber(arg or os.getenv("EMULATOR_LISTEN") or "")
  assert(port, "usage: guldasta run " .. script .. " PORT")
  local o = { token = config.bot_token, host = "127.0.0.1", port = port,
              log_calls = false, webhook_retry_cap = 5 }
  for k, v in pairs(opts or {}) do o[k] = v end
  return Emulator.start(o), port
end

-- Counts the Bot API calls from now on: the returned function gives
-- { method = calls } for the methods called since.
function M.calls_by_method(emu)
  local before = {}
  for k, v in pairs(emu.stats.by_method) do before[k] = v end
  return function()
    local out = {}
    for k, v in pairs(emu.stats.by_method) do
      if v > (before[k] or 0) then out[k] = v - (before[k] or 0) end
    end
    return out
  end
end

-- After a step's time is up: lets the last replies come in (for at most
-- secs), so the tail counts them. step counts `sent` and `replied`.
function M.drain(step, secs)
  local deadline = timer.monotonic() + secs
  while step.replied < step.sent and timer.monotonic() < deadline do timer.sleep(0.01) end
end

-- Appends one line per update to the file at path: seconds since the
-- step's start when it was sent, its latency in ms, its kind (kinds[i],
-- "-" without) and how long it waited until the bot first fetched it
-- (fetch[i], ms; -1 unknown); a line "step <start, monotonic seconds>"
-- first.
function M.dump_latencies(path, t0, at, lat, kinds, fetch, ids)
  local f = assert(io.open(path, "a"))
  f:write(string.format("step %.4f\n", t0))
  for i = 1, #lat do
    f:write(string.format("%.4f %.2f %s %.2f %d\n", at[i] - t0, lat[i] * 1000, kinds and kinds[i] or "-",
                          fetch and fetch[i] >= 0 and fetch[i] * 1000 or -1, ids and ids[i] or 0))
  end
  f:close()
end

-- Between steps: callback queries older than max_age seconds are
-- forgotten (nobody will answer them now) and the garbage collected, so
-- a long run's memory does not grow into the next step's figures.
function M.tidy(emu, max_age)
  local now = timer.monotonic()
  for id, q in pairs(emu.queries) do
    if now - q.at > max_age then emu.queries[id] = nil end
  end
  collectgarbage()
end

-- The control endpoint, then waiting for ever (the conductor stops the
-- process): GET /bench/ready once the emulator is up, and POST /bench/step
-- with the step's shape in JSON, answered with run_step's figures. Other
-- routes may be added before.
function M.serve(name, port, run_step)
  http.route("GET", "/bench/ready", function() return 200, { ok = true } end)
  http.route("POST", "/bench/step", function(req)
    local o = json.decode(req.body)
    if type(o) ~= "table" then return 400, { error = "bad step" } end
    -- The load side's own pauses must not show in the figures. Its heap
    -- (every chat's recent messages, 100+ MB) made the collector's atomic
    -- steps stop it for 100-700 ms in the middle of a step, and every
    -- customer's latency showed them (a 250 ms-window series: the
    -- generator sent 462 updates in one window and 1 031 in the next). So
    -- the collector is stopped while a step runs and collects in full
    -- between steps (tidy); the garbage of a step, a few hundred MB, is
    -- reported as the load process's peak memory.
    collectgarbage("collect")
    collectgarbage("stop")
    local ok, r = pcall(run_step, o)
    collectgarbage("restart")
    collectgarbage("collect")
    if not ok then error(r, 0) end
    -- what the load side keeps from step to step (it should not grow)
    r.load_heap_kb = math.floor(collectgarbage("count"))
    return 200, r
  end)
  io.stdout:write(name .. ": http://127.0.0.1:" .. port .. "\n")
  io.stdout:flush()
  while true do timer.sleep(3600) end
end

return M
