-- spec/support/server.lua — starts `guldasta serve` as a black box: a real
-- process on a real port, driven over HTTP, with its log in a file the spec
-- can read. Used by the healthz, reload and error specs.
local proc = require "proc"
local http = require "http"
local timer = require "timer"
local engine = require "engine"
local fs = require "fs"
local config = require "config"

local M = {}

local Server = {}
Server.__index = Server

function Server:get(path, opts)
  opts = opts or {}
  return http.request { method = opts.method or "GET", url = self.url .. path,
                        timeout = opts.timeout or 10, body = opts.body, headers = opts.headers }
end

function Server:log()
  return fs.read(self.log_path) or ""
end

function Server:signal(sig)
  return self.proc:kill(sig)
end

function Server:stop()
  if self.proc:running() then
    self.proc:kill("TERM")
    local code = self.proc:wait(10)
    if code == nil then self.proc:kill("KILL"); self.proc:wait() end
  end
end

-- Waits until fn() returns a truthy value (polling), or fails after `secs`.
function M.eventually(fn, secs, what)
  local deadline = timer.monotonic() + (secs or 10)
  local last
  repeat
    last = { fn() }
    if last[1] then return table.unpack(last) end
    timer.sleep(0.05)
  until timer.monotonic() > deadline
  error("timed out waiting for " .. (what or "a condition") .. ": " .. tostring(last[2]), 2)
end

-- Makes a private copy of the project's scripts/, rules/ and templates/ that a
-- spec may edit (reload specs) without touching the repository.
function M.copy_root()
  local dir = os.tmpname()
  os.remove(dir)
  local res = proc.run({ "mkdir", "-p", dir })
  assert(res and res.code == 0, "mkdir failed")
  for _, sub in ipairs { "scripts", "rules", "templates", "migrations" } do
    res = proc.run({ "cp", "-r", config.root .. "/" .. sub, dir .. "/" .. sub })
    assert(res and res.code == 0, "cp " .. sub .. " failed")
  end
  -- The engine's own Lua modules (tg) load from the root too.
  res = proc.run({ "mkdir", "-p", dir .. "/engine" })
  assert(res and res.code == 0, "mkdir engine failed")
  res = proc.run({ "cp", "-r", config.root .. "/engine/lua", dir .. "/engine/lua" })
  assert(res and res.code == 0, "cp engine/lua failed")
  return dir
end

-- A private copy (M.copy_root) whose rules/<rule>.lua is edit(text) of the
-- project's: a spec's faster clock ("M.CHECK_SECONDS = 1"). Returns the dir.
function M.copy_root_with_rule(rule, edit)
  local fs = require "fs"
  local dir = M.copy_root()
  local path = dir .. "/rules/" .. rule .. ".lua"
  assert(fs.write(path, edit(assert(fs.read(path)))))
  return dir
end

function M.remove_root(dir)
  if dir and dir:match("^/tmp/") then proc.run({ "rm", "-rf", dir }) end
end

-- The product binary beside the one running the specs (guldasta-dev, the
-- same engine with the development modules): `serve` is run as shipped.
function M.product_executable()
  local exe = engine.executable()
  local product = exe:gsub("%-dev$", "")
  local fs = require "fs"
  if product ~= exe and fs.stat(product) then return product end
  return exe
end

-- opts.root (default: the repository), opts.env (extra variables).
function M.start(opts)
  opts = opts or {}
  local root = opts.root or config.root
  for _ = 1, 5 do
    local port = math.random(20000, 59000)
    local log_path = os.tmpname()
    local env = { HTTP_LISTEN = "127.0.0.1:" .. port, GULDASTA_ROOT = root, LOG_LEVEL = "info" }
    for k, v in pairs(opts.env or {}) do env[k] = v end
    local p = assert(proc.spawn({ M.product_executable(), "serve" },
      { env = env, stdout = log_path, stderr = log_path }))
    local s = setmetatable({ proc = p, url = "http://127.0.0.1:" .. port, port = port,
                             log_path = log_path, root = root }, Server)
    local deadline = timer.monotonic() + 15
    while timer.monotonic() < deadline and p:running() do
      local res = http.request { url = s.url .. "/healthz", timeout = 3 }
      if res then return s end
      timer.sleep(0.05)
    end
    s:stop()
  end
  error("guldasta serve did not start")
end

return M
