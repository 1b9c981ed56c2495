-- spec/migrate_spec.lua — `guldasta migrate` (scripts/cli/migrate.lua) run
-- as its own process, as an operator runs it, against a database of its own
-- (guldasta_migrate_spec, dropped and created here) so that the test run's
-- database is left alone.
local pg = require "pg"
local fs = require "fs"
local json = require "json"
local config = require "config"

local has_engine, engine = pcall(require, "engine")
local has_proc, proc = pcall(require, "proc")

local DB = "guldasta_migrate_spec"
local url = os.getenv("DATABASE_URL") or ""
-- postgresql://user@host:port/guldasta?x=y -> .../guldasta_migrate_spec?x=y
local spec_url = url:match("^postgres") and (url:gsub("/[^/?]*(%??[^/]*)$", "/" .. DB .. "%1")) or nil

local exe, tmp

local function ready()
  if not (has_engine and engine.executable and has_proc and spec_url) then
    pending("needs engine.executable, proc and DATABASE_URL as a URL")
    return false
  end
  return true
end

-- Runs the engine binary with args against the spec database.
local function guldasta(args, env)
  local argv = { exe }
  for _, a in ipairs(args) do argv[#argv + 1] = a end
  local e = { DATABASE_URL = spec_url, MIGRATIONS_DIR = false }
  for k, v in pairs(env or {}) do e[k] = v end
  return assert(proc.run(argv, { cwd = config.root, env = e, timeout = 120 }))
end

-- Runs one query in the spec database (through a child engine, since this
-- process's pool belongs to the test run's database) and returns its rows.
local function query(sql)
  local file = tmp .. "/query.lua"
  assert(fs.write(file, string.format([[
    local rows, err = require("pg").query(%q)
    assert(rows, err)
    io.stdout:write(require("json").encode(rows))
  ]], sql)))
  local r = guldasta({ "run", file })
  assert(r.code == 0, r.stderr)
  return json.decode(r.stdout)
end

local function versions()
  local list = {}
  for _, row in ipairs(query("SELECT version FROM schema_migrations ORDER BY version")) do
    list[#list + 1] = row.version
  end
  return list
end

-- The versions of the project's own migrations/, in order.
local function project_versions(extra)
  local list = {}
  for _, name in ipairs(assert(fs.list(config.root .. "/migrations"))) do
    local v = name:match("^(%d+)_.*%.sql$")
    if v then list[#list + 1] = v end
  end
  for _, v in ipairs(extra or {}) do list[#list + 1] = v end
  table.sort(list)
  return list
end

local function table_exists(name)
  return query(string.format("SELECT to_regclass('%s') IS NOT NULL AS e", name))[1].e
end

describe("guldasta migrate", function()
  setup(function()
    if not (has_engine and engine.executable and has_proc and spec_url) then return end
    exe = engine.executable()
    tmp = assert(proc.run({ "mktemp", "-d" })).stdout:gsub("%s+$", "")
    assert(pg.query("DROP DATABASE IF EXISTS " .. DB .. " WITH (FORCE)"))
    assert(pg.query("CREATE DATABASE " .. DB))
  end)

  teardown(function()
    if tmp then proc.run({ "rm", "-rf", tmp }) end
    if spec_url then pg.query("DROP DATABASE IF EXISTS " .. DB .. " WITH (FORCE)") end
  end)

  it("applies every file of migrations/ once, in order, and records each", function()
    if not ready() then return end
    local r = guldasta({ "migrate" })
    assert.are.equal(0, r.code, r.stderr)
    assert.truthy(r.stdout:find("applied 0001_init.sql", 1, true), r.stdout)
    assert.are.same(project_versions(), versions())
    assert.is_true(table_exists("users"))
    assert.is_true(table_exists("orders"))
    local row = query("SELECT name, applied_at IS NOT NULL AS stamped FROM schema_migrations ORDER BY version")[1]
    assert.are.equal("init", row.name)
    assert.is_true(row.stamped)
  end)

  it("applies nothing on a second run", function()
    if not ready() then return end
    local before = query("SELECT applied_at FROM schema_migrations ORDER BY version")[1].applied_at
    local r = guldasta({ "migrate" })
    assert.are.equal(0, r.code, r.stderr)
    assert.truthy(r.stdout:find("nothing to apply", 1, true), r.stdout)
    assert.falsy(r.stdout:find("applied 0", 1, true))
    assert.are.same(project_versions(), versions())
    assert.are.equal(before, query("SELECT applied_at FROM schema_migrations ORDER BY version")[1].applied_at)
  end)

  it("rolls a failing migration back whole, names it and exits non-zero", function()
    if not ready() then return end
    local dir = tmp .. "/broken"
    assert(fs.mkdir(dir))
    assert(fs.write(dir .. "/0001_init.sql", assert(fs.read(config.root .. "/migrations/0001_init.sql"))))
    assert(fs.write(dir .. "/9002_broken.sql",
      "CREATE TABLE spec_half_done (x int);\nINSERT INTO spec_half_done VALUES (1);\nSELECT no_such_column FROM spec_half_done;\n"))
    assert(fs.write(dir .. "/9003_later.sql", "CREATE TABLE spec_later (x int);\n"))
    assert(fs.write(dir .. "/README.txt", "not a migration"))
    local r = guldasta({ "run", "scripts/cli/migrate.lua", dir })
    assert.are_not.equal(0, r.code)
    assert.truthy(r.stderr:find("9002_broken.sql", 1, true), r.stderr)
    assert.truthy(r.stderr:find("42703", 1, true), r.stderr)
    assert.are.same(project_versions(), versions())
    assert.is_false(table_exists("spec_half_done"))
    assert.is_false(table_exists("spec_later"))
  end)

  it("takes the directory from MIGRATIONS_DIR and applies in numeric order", function()
    if not ready() then return end
    local dir = tmp .. "/more"
    assert(fs.mkdir(dir))
    assert(fs.write(dir .. "/0001_init.sql", "SELECT 1;"))   -- already applied: skipped
    assert(fs.write(dir .. "/9010_second.sql", "INSERT INTO spec_order VALUES ('second');"))
    assert(fs.write(dir .. "/9005_first.sql",
      "CREATE TABLE spec_order (what text);\nINSERT INTO spec_order VALUES ('first');"))
    local r = guldasta({ "migrate" }, { MIGRATIONS_DIR = dir })
    assert.are.equal(0, r.code, r.stderr)
    local first = r.stdout:find("applied 9005_first.sql", 1, true)
    local second = r.stdout:find("applied 9010_second.sql", 1, true)
    assert.truthy(first and second and first < second, r.stdout)
    assert.are.same(project_versions { "9005", "9010" }, versions())
    assert.are.equal(2, #query("SELECT * FROM spec_order"))
    r = guldasta({ "migrate" }, { MIGRATIONS_DIR = dir })
    assert.are.equal(0, r.code, r.stderr)
    assert.truthy(r.stdout:find("nothing to apply", 1, true), r.stdout)
  end)
end)
