-- spec/runner.lua — runs busted inside the engine, so specs use the real
-- bindings against the private PostgreSQL and Redis of the test run:
--
--   guldasta-dev run spec/runner.lua                 every spec under spec/
--   guldasta-dev run spec/runner.lua spec/pg_spec.lua [busted options]
--
-- The whole suite is one unit of work; bindings yield it while I/O is pending.
local config = require "config"

-- busted ends with os.exit(code, true), whose `true` closes the Lua state
-- from inside the running coroutine; exit without that, after flushing.
local real_exit = os.exit
os.exit = function(code)
  io.stdout:flush()
  io.stderr:flush()
  if code == true or code == nil then code = 0 elseif code == false then code = 1 end
  real_exit(code)
end

local args = {}
local has_root = false
for i = 1, #arg do
  args[#args + 1] = arg[i]
  if not arg[i]:match("^%-") then has_root = true end
end
if not has_root then args[#args + 1] = config.root .. "/spec" end
table.insert(args, 1, "--output=support.summary")
table.insert(args, 1, "--pattern=_spec")
for i = #arg, 1, -1 do arg[i] = nil end
for i, v in ipairs(args) do arg[i] = v end

require "busted.runner" ({ standalone = false })
