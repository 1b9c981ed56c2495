-- bench/lib/stats.lua — latencies into figures, on the load side
-- (bench/*_load.lua): the nearest-rank percentile of a sorted list, and the
-- summary every latency in a step's report gets.
local M = {}

-- The value at quantile q (0..1] of an ascending list, by nearest rank:
-- always one of the measured values, never an interpolation; nil if empty.
function M.percentile(sorted, q)
  if #sorted == 0 then return nil end
  return sorted[math.max(1, math.ceil(#sorted * q))]
end

-- Sorts list in place and returns { n, p50, p90, p99, max } (seconds).
function M.summary(list)
  table.sort(list)
  local p = M.percentile
  return { n = #list, p50 = p(list, 0.5), p90 = p(list, 0.9), p99 = p(list, 0.99), max = list[#list] }
end

return M
