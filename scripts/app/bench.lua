-- scripts/app/bench.lua — routes for `make bench` only (GULDASTA_BENCH_ROUTES=1):
-- (a) a constant answer, (b) one PostgreSQL query and one Redis GET.
local http = require "http"
local pg = require "pg"
local redis = require "redis"

local M = {}

function M.install()
  http.route("GET", "/bench/const", function()
    return 200, "ok\n"
  end)
  http.route("GET", "/bench/db", function()
    local rows, err = pg.query("SELECT $1::int + 1 AS n", 41)
    if not rows then return 500, err end
    local v, rerr = redis.call("GET", "bench:key")
    if v == nil then return 500, rerr end
    return 200, tostring(rows[1].n)
  end)
end

return M
