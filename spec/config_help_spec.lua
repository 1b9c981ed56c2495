-- spec/config_help_spec.lua — every environment variable the engine or the
-- scripts read is a setting someone can find: it goes through `config` and
-- `guldasta --help` lists it. Read from the sources: getenv("NAME") and
-- config.c's env("NAME") in engine/ (not its tests, fuzz targets or the
-- development modules), os.getenv("NAME") in engine/lua/ and scripts/.
local fs = require "fs"
local proc = require "proc"
local config = require "config"
local server = require "support.server"

local function files(dir, suffix, out)
  out = out or {}
  for _, n in ipairs(fs.list(config.root .. "/" .. dir) or {}) do
    local rel = dir .. "/" .. n
    local st = fs.stat(config.root .. "/" .. rel)
    if st and st.type == "dir" then
      if rel ~= "engine/tests" and rel ~= "engine/fuzz" and rel ~= "engine/devkit" then files(rel, suffix, out) end
    elseif n:sub(-#suffix) == suffix then
      out[#out + 1] = rel
    end
  end
  return out
end

local function read_names()
  local found = {}
  local function scan(list, patterns)
    for _, rel in ipairs(list) do
      local text = assert(fs.read(config.root .. "/" .. rel))
      for _, pat in ipairs(patterns) do
        for name in text:gmatch(pat) do found[name] = found[name] or rel end
      end
    end
  end
  scan(files("engine", ".c"), { 'getenv%("([%w_]+)"%)', '[^%w_]env%("([%w_]+)"%)' })
  scan(files("engine/lua", ".lua"), { 'os%.getenv%(%s*"([%w_]+)"' })
  scan(files("scripts", ".lua"), { 'os%.getenv%(%s*"([%w_]+)"' })
  return found
end

describe("guldasta --help", function()
  it("lists every variable the code reads", function()
    local names = read_names()
    assert.truthy(names.DATABASE_URL and names.TG_GLOBAL_RATE and names.SSL_CERT_FILE,
      "the scan found config.c's variables")
    local r = assert(proc.run({ server.product_executable(), "--help" }, { timeout = 30 }))
    assert.are.equal(0, r.code)
    local missing = {}
    for name, where in pairs(names) do
      if not r.stdout:find(name, 1, true) then missing[#missing + 1] = name .. " (" .. where .. ")" end
    end
    table.sort(missing)
    assert.are.same({}, missing, "read but not in --help: " .. table.concat(missing, ", "))
  end)

  it("reads nothing from the environment in scripts/ or engine/lua/ but through config", function()
    local direct = {}
    for _, dir in ipairs { "scripts", "engine/lua" } do
      for _, rel in ipairs(files(dir, ".lua")) do
        if assert(fs.read(config.root .. "/" .. rel)):find("os%.getenv") then direct[#direct + 1] = rel end
      end
    end
    assert.are.same({}, direct)
  end)
end)
