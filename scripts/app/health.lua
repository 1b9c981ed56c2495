-- scripts/app/health.lua — GET /healthz and GET /metrics.
local pg = require "pg"
local redis = require "redis"
local engine = require "engine"
local json = require "json"

local M = {}

local PING_TIMEOUT = 1 -- seconds; a store slower than this counts as down

local function probe(ping)
  local t0 = require("timer").monotonic()
  local ok, err = ping(PING_TIMEOUT)
  local ms = (require("timer").monotonic() - t0) * 1000
  if ok then return { up = true, latency_ms = math.floor(ms * 100 + 0.5) / 100 } end
  return { up = false, error = tostring(err) }
end

-- Both stores are probed at once, so a dead one costs one timeout, not two.
function M.healthz()
  local pg_probe = engine.spawn(probe, pg.ping)
  local redis_probe = engine.spawn(probe, redis.ping)
  local _, postgres = pg_probe:wait()
  local _, rds = redis_probe:wait()
  postgres = postgres or { up = false, error = "probe failed" }
  rds = rds or { up = false, error = "probe failed" }
  local up = postgres.up and rds.up
  local body = json.encode({
    status = up and "ok" or "degraded",
    postgres = postgres,
    redis = rds,
    generation = engine.generation(),
  })
  return up and 200 or 503, body, { ["Content-Type"] = "application/json" }
end

-- The pools keep their own gauges in C (pool size and use, Redis state), so
-- this is only rendering.
function M.metrics()
  return 200, engine.metrics(), { ["Content-Type"] = "text/plain; version=0.0.4" }
end

return M
