-- spec/devkit_binary_spec.lua — the development modules stay out of the
-- product: `guldasta` (what is shipped) has no `proc` and no `rawtcp` in its
-- Lua API; `guldasta-dev` (the same engine, which runs the specs and the
-- benchmarks) has both. Both have `exec`, the product's one fixed program
-- at a time (spec/exec_spec.lua).
local proc = require "proc"
local engine = require "engine"
local config = require "config"
local server = require "support.server"

local SCRIPT = [[
for _, name in ipairs { "proc", "rawtcp", "pg", "http", "tg", "exec" } do
  io.write(name, "=", tostring((pcall(require, name))), " ")
end
]]

local function modules_of(exe)
  local path = os.tmpname()
  local f = assert(io.open(path, "w"))
  f:write(SCRIPT)
  f:close()
  local r = assert(proc.run({ exe, "run", path }, { cwd = config.root, timeout = 60 }))
  os.remove(path)
  assert(r.code == 0, r.stderr)
  return r.stdout
end

describe("the binaries", function()
  it("ship no development module in the product", function()
    local product = server.product_executable()
    assert.are_not.equal(engine.executable(), product, "the product binary is beside guldasta-dev")
    assert.are.equal("proc=false rawtcp=false pg=true http=true tg=true exec=true ", modules_of(product))
  end)

  it("give the development binary proc and rawtcp", function()
    assert.truthy(engine.executable():match("guldasta%-dev$"), engine.executable())
    assert.are.equal("proc=true rawtcp=true pg=true http=true tg=true exec=true ", modules_of(engine.executable()))
  end)
end)
