-- spec/support/root.lua — a private copy of the project root with the probe
-- routes installed, for specs that run `guldasta serve` as a black box.
local fs = require "fs"
local config = require "config"
local server = require "support.server"

local M = {}

function M.make()
  local dir = server.copy_root()
  local probe = assert(fs.read(config.root .. "/spec/support/probe_routes.lua"))
  assert(fs.write(dir .. "/scripts/spec_routes.lua", probe))
  local main = assert(fs.read(dir .. "/scripts/main.lua"))
  assert(fs.write(dir .. "/scripts/main.lua", 'require "spec_routes"\n' .. main))
  return dir
end

return M
