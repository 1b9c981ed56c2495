-- bench/lib/procfs.lua — what Linux's /proc says about a process or the
-- whole machine: CPU seconds used, memory held, the number of cores. The
-- conductors (bench/*_bench.lua) read it before and after a step; the
-- difference over the step's length is a share of one core.
local M = {}

function M.read(path)
  local f = io.open(path)
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

-- utime + stime of pid, in seconds (nil once the process is gone).
function M.cpu(pid)
  local s = M.read("/proc/" .. pid .. "/stat")
  if not s then return nil end
  local f = {}
  -- the fields after the comm: state is 3, utime 14, stime 15 (1-based in stat)
  for w in s:match("%) (.*)$"):gmatch("%S+") do f[#f + 1] = w end
  return (tonumber(f[12]) + tonumber(f[13])) / 100
end

-- pid's resident memory now (VmRSS) and at its peak (VmHWM), in kB.
function M.mem(pid)
  local s = M.read("/proc/" .. pid .. "/status") or ""
  return tonumber(s:match("VmRSS:%s*(%d+)")), tonumber(s:match("VmHWM:%s*(%d+)"))
end

-- The machine's busy time over all CPUs (seconds), its total, and the
-- time stolen by the hypervisor for other guests (a virtual machine's
-- noisy neighbours: busy for us, but nobody here ran).
function M.machine_cpu()
  local s = M.read("/proc/stat") or ""
  local f = {}
  for w in s:match("^cpu%s+([^\n]*)"):gmatch("%d+") do f[#f + 1] = tonumber(w) end
  local total = 0
  for _, v in ipairs(f) do total = total + v end
  local idle = (f[4] or 0) + (f[5] or 0)
  return (total - idle) / 100, total / 100, (f[8] or 0) / 100
end

-- The processors /proc/cpuinfo lists (at least 1): what "100% of the
-- machine" means in a table.
function M.cores()
  local n = 0
  local s = M.read("/proc/cpuinfo") or ""
  for _ in s:gmatch("processor%s*:") do n = n + 1 end
  return math.max(1, n)
end

return M
