-- spec/profile_spec.lua — the Lua sampling profiler (engine/profile.c): a
-- `guldasta run` with GULDASTA_LUA_PROFILE writes folded stacks whose
-- lines name the script line that was running, and nothing without it.
local proc = require "proc"
local engine = require "engine"
local fs = require "fs"

-- Burns CPU in a function of its own for ~0.4 s of CPU time, in a unit of
-- work (the profiler samples coroutines the scheduler runs).
local BUSY = [[
local engine = require "engine"
local function spin()
  local x, t0 = 0, os.clock()
  while os.clock() - t0 < 0.4 do
    for i = 1, 1000 do x = x + i % 7 end
  end
  return x
end
engine.spawn(spin):wait()
]]

describe("GULDASTA_LUA_PROFILE", function()
  local dir

  setup(function()
    dir = assert(proc.run { "mktemp", "-d", "/tmp/guldasta-profile-XXXXXX" }).stdout:gsub("%s+$", "")
    assert(fs.write(dir .. "/busy.lua", BUSY))
  end)
  teardown(function() if dir then proc.run { "rm", "-rf", dir } end end)

  it("writes folded stacks naming the busy lines, one file per process", function()
    local res = assert(proc.run({ engine.executable(), "run", dir .. "/busy.lua" },
      { env = { GULDASTA_LUA_PROFILE = dir .. "/prof.%p", LOG_LEVEL = "error" }, timeout = 30 }))
    assert.equal(0, res.code, res.stderr)
    local files = assert(proc.run { "sh", "-c", "ls " .. dir .. " | grep '^prof\\.[0-9]*$'" }).stdout
    local name = files:match("(prof%.%d+)")
    assert.truthy(name, "no prof.<pid> file")
    local text = assert(fs.read(dir .. "/" .. name))
    local busy, lines = 0, 0
    for line in text:gmatch("[^\n]+") do
      lines = lines + 1
      -- the innermost frame is the spin loop (lines 4-6 of busy.lua)
      local last = line:match("([^;]+)$")
      if last:match("busy%.lua:[456]$") then busy = busy + 1 end
    end
    assert.is_true(lines >= 20, "only " .. lines .. " samples")
    assert.is_true(busy >= lines // 2, busy .. " of " .. lines .. " samples in the loop")
  end)

  it("does nothing when the variable is not set", function()
    assert(proc.run { "sh", "-c", "rm -f " .. dir .. "/prof.*" })
    local res = assert(proc.run({ engine.executable(), "run", dir .. "/busy.lua" },
      { env = { GULDASTA_LUA_PROFILE = false, LOG_LEVEL = "error" }, timeout = 30 }))
    assert.equal(0, res.code, res.stderr)
    local files = assert(proc.run { "sh", "-c", "ls " .. dir }).stdout
    assert.is_nil(files:match("prof%.%d+"))
  end)
end)
