-- scripts/lib/cli.lua — what the bodies of `guldasta migrate` and `guldasta
-- seed` share: a line on stdout, and failing with a line on stderr and a
-- non-zero exit code (the command's, through engine.exit).
local engine = require "engine"

local M = {}

function M.say(...)
  io.stdout:write(...)
  io.stdout:write("\n")
  io.stdout:flush()
end

-- Returns failed(...) for a command called `name`: "name: ..." on stderr, exit 1.
function M.failer(name)
  return function(...)
    io.stderr:write(name, ": ", ...)
    io.stderr:write("\n")
    io.stderr:flush()
    engine.exit(1)
  end
end

return M
