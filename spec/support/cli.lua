-- spec/support/cli.lua — an admin script run as its own process the way
-- the shop's owner runs it, with the product binary:
--
--   local run = require("support.cli").runner("scripts/cli/promo.lua")
--   local code, stdout, stderr = run("add", "BAHOR10", "percent", "10")
--   local stock = require("support.cli").command("stock")  -- `guldasta stock ...`
local proc = require "proc"
local config = require "config"
local server = require "support.server"

local M = {}

local function runner(first, ...)
  local fixed = table.pack(...)
  return function(...)
    local argv = { server.product_executable(), first }
    for i = 1, fixed.n do argv[#argv + 1] = fixed[i] end
    for _, a in ipairs { ... } do argv[#argv + 1] = a end
    local r = assert(proc.run(argv, { cwd = config.root, timeout = 60 }))
    return r.code, r.stdout, r.stderr
  end
end

-- A script under scripts/cli/, as `guldasta run SCRIPT ...`.
function M.runner(script) return runner("run", script) end

-- A sub-command, as `guldasta NAME ...` (stock, catalog, payments).
function M.command(name) return runner(name) end

return M
