-- bench/lib/report.lua — the pieces of a conductor's printed table: lines
-- gathered and written to stdout in one go (the progress lines on stderr
-- cannot cut through them), milliseconds, and counts by name.
local M = {}

-- A buffer: line(fmt, ...) adds a formatted line; flush() writes them all
-- to stdout, one per line.
function M.lines()
  local out = {}
  local function line(...) out[#out + 1] = string.format(...) end
  local function flush() io.stdout:write(table.concat(out, "\n"), "\n") end
  return line, flush
end

-- Seconds as milliseconds with one decimal; `none` when there is no value
-- (a step with no such event).
function M.ms(v, none)
  return v and string.format("%.1f", v * 1000) or none
end

-- { name = count } as "name count" strings, sorted by name.
function M.counts(t)
  local list = {}
  for k, v in pairs(t or {}) do list[#list + 1] = k .. " " .. math.floor(v) end
  table.sort(list)
  return list
end

return M
