-- scripts/cli/migrate.lua — `guldasta migrate`: applies the files
-- migrations/NNNN_name.sql that schema_migrations does not list yet, in
-- order, each in its own transaction, and records each one there.
--
--   guldasta migrate                          the project's migrations/
--   guldasta run scripts/cli/migrate.lua DIR  another directory (specs)
--   MIGRATIONS_DIR=DIR guldasta migrate       same
--
-- Idempotent: a second run applies nothing. A failing file is rolled back
-- whole; its name and the server's error are printed and the exit code is 1.
-- Several engines may run it at once: an advisory lock makes them take
-- turns, and each re-checks under the lock whether its file is still due.
--
-- A migration file must not contain BEGIN/COMMIT (it already runs inside a
-- transaction) nor anything that refuses to run in one (CREATE INDEX
-- CONCURRENTLY, ALTER TYPE ... ADD VALUE before PostgreSQL 12).
local pg = require "pg"
local fs = require "fs"
local config = require "config"
local engine = require "engine"
local timer = require "timer"

local LOCK_KEY = 4848010   -- pg_advisory_xact_lock key: one migrator at a time
local FILE_TIMEOUT = 3600  -- seconds one migration file may run (an index on a big table)

local dir = (...) or config.migrations_dir

local cli = require "lib.cli"
local say, failed = cli.say, cli.failer("migrate")

-- Inside a transaction: a failed statement aborts fn with the server's
-- message, which pg.transaction turns into a rollback and `nil, err`.
local function must(res, err, code)
  if not res then error(string.format("%s (%s)", tostring(err), tostring(code)), 0) end
  return res
end

local CREATE_TABLE = [[
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    text PRIMARY KEY,
    name       text,
    applied_at timestamptz DEFAULT now()
)]]

local function ensure_table()
  return pg.transaction(function(tx)
    must(tx:query("SELECT pg_advisory_xact_lock($1)", LOCK_KEY))
    must(tx:query(CREATE_TABLE))
    return true
  end)
end

-- {file=, version=, name=} for each NNNN_name.sql, by version.
local function migration_files()
  local names, err = fs.list(dir)
  if not names then return nil, err end
  local list = {}
  for _, file in ipairs(names) do
    local version, name = file:match("^(%d+)_(.+)%.sql$")
    if version then list[#list + 1] = { file = file, version = version, name = name } end
  end
  table.sort(list, function(a, b)
    if #a.version ~= #b.version then return tonumber(a.version) < tonumber(b.version) end
    return a.version < b.version
  end)
  for i = 2, #list do
    if list[i].version == list[i - 1].version then
      return nil, "two migrations share version " .. list[i].version .. ": "
        .. list[i - 1].file .. ", " .. list[i].file
    end
  end
  return list
end

local function applied_versions()
  local rows, err, code = pg.query("SELECT version FROM schema_migrations")
  if not rows then return nil, err, code end
  local set = {}
  for _, row in ipairs(rows) do set[row.version] = true end
  return set
end

-- Applies one file in its own transaction. true when applied, false when
-- another migrator got there first, nil + err on failure.
local function apply(m, sql)
  return pg.transaction(function(tx)
    must(tx:query("SELECT pg_advisory_xact_lock($1)", LOCK_KEY))
    local seen = must(tx:query("SELECT 1 FROM schema_migrations WHERE version = $1", m.version))
    if #seen > 0 then return false end
    -- The whole file as one simple query: migration files are ours, never
    -- user input, which is the only reason exec_script may run them.
    must(tx:exec_script({ sql, timeout = FILE_TIMEOUT }))
    must(tx:query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name))
    return true
  end)
end

local function main()
  local ok, err, code = ensure_table()
  if not ok then return failed("cannot create schema_migrations: ", tostring(err), " (", tostring(code), ")") end
  local files
  files, err = migration_files()
  if not files then return failed(dir, ": ", tostring(err)) end
  local done
  done, err, code = applied_versions()
  if not done then return failed("cannot read schema_migrations: ", tostring(err), " (", tostring(code), ")") end

  local count = 0
  for _, m in ipairs(files) do
    if not done[m.version] then
      local path = dir .. "/" .. m.file
      local sql, rerr = fs.read(path)
      if not sql then return failed(path, ": ", tostring(rerr)) end
      local t0 = timer.monotonic()
      local applied, aerr = apply(m, sql)
      if applied == nil then
        return failed(m.file, ": ", tostring(aerr), "; rolled back, later migrations not applied")
      end
      if applied then
        count = count + 1
        say(string.format("applied %s (%.0f ms)", m.file, (timer.monotonic() - t0) * 1000))
      end
    end
  end
  if count == 0 then say("migrations: nothing to apply") else say(string.format("migrations: %d applied", count)) end
end

main()
