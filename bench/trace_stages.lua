-- bench/trace_stages.lua — where the slowest updates of a bot benchmark
-- waited. Joins the load side's latency dump with the engine's trace:
--
--   BENCH_LAT_DUMP=/tmp/lat.txt GULDASTA_TG_TRACE=/tmp/trace BENCH_WEBHOOK=0 \
--     BENCH_CLOSED=0 make bench-bot
--   guldasta run bench/trace_stages.lua /tmp/lat.txt /tmp/trace.*
--
-- For each step: the means, over the updates around the median latency and
-- over the slowest 1%, of each stage of an update's way (long polling):
--   fetch wait     sent by the customer -> first in a getUpdates answer (emulator)
--   to engine      -> the poller has it decoded (engine)
--   into Redis     -> its batch is queued (engine/lua/tg/poll.lua)
--   to handler     -> its handler starts
--   to reply       -> its first reply reached the emulator
-- and which kinds of update the slowest 1% were.
local args = { ... }
assert(#args >= 2, "usage: guldasta run bench/trace_stages.lua LAT_DUMP TRACE_FILE...")

local fetched, handled = {}, {}
for i = 2, #args do
  for line in io.lines(args[i]) do
    local kind, id, a, b = line:match("^(%a) (%d+) ([%d.]+) ([%d.]+)$")
    if kind == "f" then fetched[tonumber(id)] = { tonumber(a), tonumber(b) }
    elseif kind == "h" then handled[tonumber(id)] = { tonumber(a), tonumber(b) } end
  end
end

local steps, cur = {}, nil
for line in io.lines(args[1]) do
  local t0 = line:match("^step ([%d.]+)")
  if t0 then
    cur = { t0 = tonumber(t0), rows = {} }
    steps[#steps + 1] = cur
  else
    local at, lat, kind, fetch, id = line:match("^([%d.]+) ([%d.]+) (%S+) ([%d.-]+) (%d+)$")
    if at then
      cur.rows[#cur.rows + 1] = { at = tonumber(at), lat = tonumber(lat), kind = kind,
                                  fetch = tonumber(fetch), id = tonumber(id) }
    end
  end
end

local STAGES = { "latency", "fetch wait", "to engine", "into Redis", "to handler", "to reply" }

for n, step in ipairs(steps) do
  local rows = {}
  for _, r in ipairs(step.rows) do
    local f, h = fetched[r.id], handled[r.id]
    if f and h and r.fetch >= 0 then
      local sent = step.t0 + r.at
      local out, reply = sent + r.fetch / 1000, sent + r.lat / 1000
      rows[#rows + 1] = { r.lat, r.fetch, (f[1] - out) * 1000, (f[2] - f[1]) * 1000,
                          (h[1] - f[2]) * 1000, (reply - h[1]) * 1000, kind = r.kind }
    end
  end
  if #rows >= 200 then
    table.sort(rows, function(a, b) return a[1] < b[1] end)
    local m = #rows
    local tail, mid = {}, {}
    for i = math.floor(m * 0.99) + 1, m do tail[#tail + 1] = rows[i] end
    for i = math.floor(m * 0.49) + 1, math.floor(m * 0.51) do mid[#mid + 1] = rows[i] end
    print(string.format("step %d: %d of %d updates traced; p99 %.1f ms", n, m, #step.rows,
                        rows[math.floor(m * 0.99) + 1][1]))
    print(string.format("  %-12s %10s %12s", "ms (mean)", "median 2%", "slowest 1%"))
    for j, name in ipairs(STAGES) do
      local a, b = 0, 0
      for _, r in ipairs(mid) do a = a + r[j] end
      for _, r in ipairs(tail) do b = b + r[j] end
      print(string.format("  %-12s %10.1f %12.1f", name, a / #mid, b / #tail))
    end
    local kinds, list = {}, {}
    for _, r in ipairs(tail) do kinds[r.kind] = (kinds[r.kind] or 0) + 1 end
    for k, v in pairs(kinds) do list[#list + 1] = k .. " " .. v end
    table.sort(list)
    print("  slowest 1% by kind: " .. table.concat(list, ", "))
  end
end
