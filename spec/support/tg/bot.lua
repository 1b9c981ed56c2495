-- spec/support/tg/bot.lua — runs the echo bot (spec/support/tg/echo_main.lua)
-- as `guldasta serve` subprocesses against an emulator in the spec's process.
--
--   local bot = require "support.tg.bot"
--   local dir = bot.root()                    -- private copy of the project root
--   local b = bot.start(dir, emu, { webhook = true })
--   b:kill("KILL"); b:restart(); b:stop(); bot.remove(dir)
--
-- Unlike support/server.lua it chooses the port itself, because in webhook
-- mode WEBHOOK_URL must name it before the process starts, and a restart
-- must come back on the same port.
local fs = require "fs"
local config = require "config"
local crypto = require "crypto"
local proc = require "proc"
local http = require "http"
local timer = require "timer"
local engine = require "engine"
local server = require "support.server"

local M = {}

-- A private copy of the project root. opts.app = true keeps the
-- application's own scripts/main.lua (the real bot); by default main.lua is
-- the echo bot of spec/support/tg/echo_main.lua.
function M.root(opts)
  local dir = server.copy_root()
  -- engine-provided Lua modules come from the root too
  local r = proc.run({ "mkdir", "-p", dir .. "/engine" })
  assert(r and r.code == 0, "mkdir failed")
  r = proc.run({ "cp", "-r", config.root .. "/engine/lua", dir .. "/engine/lua" })
  assert(r and r.code == 0, "cp engine/lua failed")
  if not (opts and opts.app) then
    local main = assert(fs.read(config.root .. "/spec/support/tg/echo_main.lua"))
    assert(fs.write(dir .. "/scripts/main.lua", main))
  end
  return dir
end

M.remove = server.remove_root
M.eventually = server.eventually

local Bot = {}
Bot.__index = Bot

local function free_port()
  -- a port nobody answers on right now (racy, like every such helper)
  for _ = 1, 20 do
    local p = math.random(20000, 59000)
    if not http.request { url = "http://127.0.0.1:" .. p .. "/", timeout = 0.3 } then return p end
  end
  error("no free port")
end

function Bot:launch()
  local p = assert(proc.spawn({ engine.executable(), "serve" },
    { env = self.env, stdout = self.log_path, stderr = self.log_path }))
  self.proc = p
  local deadline = timer.monotonic() + 15
  while timer.monotonic() < deadline and p:running() do
    local res = http.request { url = self.url .. "/healthz", timeout = 3 }
    if res then return self end
    timer.sleep(0.05)
  end
  self:stop()
  error("guldasta serve did not start; log:\n" .. self:log())
end

function Bot:log() return fs.read(self.log_path) or "" end

function Bot:kill(sig)
  if self.proc:running() then
    self.proc:kill(sig or "TERM")
    if not self.proc:wait(10) then self.proc:kill("KILL"); self.proc:wait() end
  end
end

Bot.stop = Bot.kill

function Bot:restart() return self:launch() end

function Bot:post(path, body, headers)
  local h = { ["Content-Type"] = "application/json" }
  for k, v in pairs(headers or {}) do h[k] = v end
  return http.request { method = "POST", url = self.url .. path, body = body, headers = h, timeout = 120 }
end

-- opts.webhook: true (WEBHOOK_URL = this process's own route) or a URL (a
-- proxy in front of several processes); opts.secret; opts.env; opts.port.
function M.start(dir, emu, opts)
  opts = opts or {}
  local port = opts.port or free_port()
  local env = { TELEGRAM_API_URL = emu.api_url, BOT_TOKEN = emu.token, GULDASTA_ROOT = dir,
                HTTP_LISTEN = "127.0.0.1:" .. port, LOG_LEVEL = opts.log_level or "warn",
                GULDASTA_WATCH = "0" }
  if opts.webhook then
    env.WEBHOOK_SECRET = opts.secret or crypto.hex(crypto.random_bytes(12))
    env.WEBHOOK_URL = type(opts.webhook) == "string" and opts.webhook
                      or ("http://127.0.0.1:" .. port .. "/telegram/webhook")
  end
  for k, v in pairs(opts.env or {}) do env[k] = v end
  local b = setmetatable({ env = env, port = port, url = "http://127.0.0.1:" .. port,
                           log_path = os.tmpname(), secret = env.WEBHOOK_SECRET }, Bot)
  -- free_port is a guess: another process may take the port between the
  -- probe and the bind. Then the first start moves to another port (the
  -- webhook URL with it, when it is our own); restarts keep theirs.
  for attempt = 1, 5 do
    local ok, err = pcall(b.launch, b)
    if ok then return b end
    if opts.port or attempt == 5 or not tostring(err):find("address already in use", 1, true) then error(err, 0) end
    local old = b.port
    b.port = free_port()
    b.url = "http://127.0.0.1:" .. b.port
    env.HTTP_LISTEN = "127.0.0.1:" .. b.port
    if env.WEBHOOK_URL then env.WEBHOOK_URL = env.WEBHOOK_URL:gsub(":" .. old .. "/", ":" .. b.port .. "/", 1) end
  end
end

return M
