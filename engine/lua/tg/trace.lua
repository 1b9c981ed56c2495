-- engine/lua/tg/trace.lua — GULDASTA_TG_TRACE=path: where each update's
-- time went inside the engine, one line per update and stage, for finding
-- where the slowest updates waited (bench/trace_stages.lua joins it with
-- the benchmark's latency dump, bench/README.md):
--
--   f <update_id> <fetched> <queued>   the poller had it; it was in Redis
--   h <update_id> <start> <end>        its handler ran
--
-- Times are timer.monotonic() seconds (CLOCK_MONOTONIC, the benchmark's
-- clock too). Each process writes its own file, path.<random>. Off unless
-- the variable is set: then M.file is nil and callers skip everything.
local crypto = require "crypto"

local M = {}

local path = os.getenv("GULDASTA_TG_TRACE")
if path and path ~= "" then
  M.file = assert(io.open(path .. "." .. crypto.hex(crypto.random_bytes(4)), "a"))
  M.file:setvbuf("line")    -- readable while the process runs
end

function M.fetched(updates, fetched, queued)
  local f = M.file
  for _, u in ipairs(updates) do f:write(string.format("f %d %.6f %.6f\n", u.update_id, fetched, queued)) end
end

function M.handled(update_id, start, finish)
  M.file:write(string.format("h %d %.6f %.6f\n", update_id, start, finish))
end

return M
