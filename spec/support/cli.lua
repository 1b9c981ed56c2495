-- spec/support/cli.lua — an admin script run as its own process the way
-- the shop's owner runs it, with the product binary:
--
--   local run = require("support.cli").runner("scripts/cli/promo.lua")
--   local code, stdout, stderr = run("add", "BAHOR10", "percent", "10")
local proc = require "proc"
local config = require "config"
local server = require "support.server"

local M = {}

function M.runner(script)
  return function(...)
    local r = assert(proc.run({ server.product_executable(), "run", script, ... },
      { cwd = config.root, timeout = 60 }))
    return r.code, r.stdout, r.stderr
  end
end

return M
