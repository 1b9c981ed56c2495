-- spec/support/browser_tools.lua — what the browser test runs with: the
-- `node` found in PATH (its path and version), the playwright-core that
-- `make deps` installed from package-lock.json (its version and the Node it
-- declares it needs), and the chromium binary. Finds them all, describes
-- them in one line for the test's output, and when one of them cannot do
-- the job says plainly which and why, so a failure names the cause rather
-- than a stack from inside playwright.
--
--   local tools = require "support.browser_tools"
--   local t = tools.find()
--   print(t.summary)               -- "node /usr/bin/node v18.20.4, ..."
--   assert(t.ok, t.why)
local proc = require "proc"
local json = require "json"
local fs = require "fs"
local config = require "config"

local M = {}

M.CHROMIUM = os.getenv("CHROMIUM") or "/usr/bin/chromium"

-- The newest Node major a ">=N" (or ">= N.x") range accepts as its floor.
local function floor_major(range)
  return math.tointeger(tonumber(tostring(range or ""):match("^%s*>=%s*v?(%d+)")))
end

local function node_info()
  local which = proc.run({ "sh", "-c", "command -v node" }, { timeout = 10 })
  local path = which and which.code == 0 and which.stdout:match("^%s*(.-)%s*$") or ""
  if path == "" then return nil, "no `node` in PATH (PATH=" .. (os.getenv("PATH") or "") .. ")" end
  local res, err = proc.run({ path, "-e", "process.stdout.write(process.execPath + ' ' + process.version)" },
                            { timeout = 30 })
  if not res or res.code ~= 0 then
    return nil, string.format("%s does not run: %s", path,
      res and (res.stderr:match("[^\n]+") or ("exit " .. res.code)) or tostring(err))
  end
  local exec, version = res.stdout:match("^(.-) (v[%d%.]+)$")
  if not exec then return nil, path .. " printed no version: " .. res.stdout end
  return { path = path, exec = exec, version = version, major = math.tointeger(tonumber(version:match("^v(%d+)"))) }
end

local function playwright_info()
  local file = config.root .. "/node_modules/playwright-core/package.json"
  local text = fs.read(file)
  if not text then return nil, file .. " is missing (run `make deps`: it runs `npm ci`)" end
  local pkg = json.decode(text)
  if type(pkg) ~= "table" or type(pkg.version) ~= "string" then return nil, file .. " is not a package file" end
  return { version = pkg.version, engines = type(pkg.engines) == "table" and pkg.engines.node or nil }
end

-- {ok=, why=, summary=, node=, playwright=, chromium=}: ok is false with
-- `why` when the browser test cannot run here.
function M.find()
  local t = { chromium = M.CHROMIUM }
  local why = {}
  local node, nerr = node_info()
  local pw, perr = playwright_info()
  t.node, t.playwright = node, pw
  if not node then why[#why + 1] = nerr end
  if not pw then why[#why + 1] = perr end
  local need = pw and floor_major(pw.engines)
  if node and need and node.major and node.major < need then
    why[#why + 1] = string.format("playwright-core %s needs Node %s, but the node in PATH (%s) is %s",
      pw.version, pw.engines, node.exec, node.version)
  end
  if not fs.stat(t.chromium) then
    why[#why + 1] = t.chromium .. " is missing (run `make deps`: Debian's chromium)"
  end
  local exec = node and node.exec ~= node.path and (node.path .. " -> " .. node.exec) or (node and node.path)
  t.summary = string.format("browser test: node %s; playwright-core %s; chromium %s",
    node and (exec .. " " .. node.version) or "not found",
    pw and (pw.version .. " (engines.node " .. tostring(pw.engines) .. ")") or "not installed",
    t.chromium)
  t.ok = #why == 0
  if not t.ok then t.why = "the browser test cannot run: " .. table.concat(why, "; ") end
  return t
end

return M
