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

-- Allocates 8 MB in strings on one line and ~nothing elsewhere.
local ALLOC = [[
local engine = require "engine"
local function garbage()
  local keep
  for i = 1, 2000 do keep = string.rep("x", 4000 + i % 7) end
  return keep
end
engine.spawn(garbage):wait()
]]

describe("GULDASTA_LUA_PROFILE", function()
  local dir

  setup(function()
    dir = assert(proc.run { "mktemp", "-d", "/tmp/guldasta-profile-XXXXXX" }).stdout:gsub("%s+$", "")
    assert(fs.write(dir .. "/busy.lua", BUSY))
    assert(fs.write(dir .. "/alloc.lua", ALLOC))
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

  it("samples by bytes allocated with GULDASTA_LUA_PROFILE_ALLOC=1, naming the allocating line", function()
    local out = dir .. "/alloc.prof"
    local res = assert(proc.run({ engine.executable(), "run", dir .. "/alloc.lua" },
      { env = { GULDASTA_LUA_PROFILE = out, GULDASTA_LUA_PROFILE_ALLOC = "1", LOG_LEVEL = "error" }, timeout = 30 }))
    assert.equal(0, res.code, res.stderr)
    local text = assert(fs.read(out))
    local here, lines = 0, 0
    for line in text:gmatch("[^\n]+") do
      lines = lines + 1
      if line:match("alloc%.lua:4$") then here = here + 1 end
    end
    -- 8 MB of strings, each also built in a buffer first (string.rep): ~16 MB
    -- at one sample per 64 KiB, ~250 samples, nearly all on line 4
    assert.is_true(lines >= 200 and lines <= 300, lines .. " samples")
    assert.is_true(here >= lines * 0.9, here .. " of " .. lines .. " on the allocating line")
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
