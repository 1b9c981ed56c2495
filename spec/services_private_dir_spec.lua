-- spec/services_private_dir_spec.lua — tools/services.sh from a directory
-- the `postgres` user cannot enter, as with `make test` run by root in a
-- clone under /root (mode 0700). PostgreSQL refuses to run as root, so
-- services.sh runs it as `postgres`, which could not reach a cluster inside
-- such a directory: the cluster, its socket and its log go to a directory
-- of their own in /tmp instead (DIR/pg-home links to it). Both services must
-- start, answer, survive a stop-pg/start-pg with their data, and stop; and
-- `stop` must leave nothing behind in /tmp.
--
--   build/asan/guldasta-dev run spec/runner.lua spec/services_private_dir_spec.lua
--
-- Only meaningful as root: any other user runs PostgreSQL as itself.
local proc = require "proc"
local fs = require "fs"
local config = require "config"

local SERVICES = config.root .. "/tools/services.sh"

local function run(argv, timeout)
  return assert(proc.run(argv, { timeout = timeout or 120 }))
end

local function services(what, dir)
  local r = run({ SERVICES, what, dir })
  assert(r.code == 0, what .. " failed (exit " .. r.code .. "): " .. r.stdout .. r.stderr)
  return r.stdout
end

local function psql(port, sql)
  return run({ "psql", "-X", "-q", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", "guldasta",
               "-tAc", sql }, 30)
end

local function redis_ping(port)
  return run({ "redis-cli", "-h", "127.0.0.1", "-p", port, "ping" }, 30)
end

describe("tools/services.sh in a directory postgres cannot enter", function()
  local root_only = run({ "id", "-u" }).stdout:match("^0%s*$") ~= nil
    and run({ "id", "-u", "postgres" }).code == 0
  local parent, dir

  after_each(function()
    if dir then proc.run({ SERVICES, "stop", dir }, { timeout = 120 }) end
    if parent then proc.run({ "rm", "-rf", parent }) end
  end)

  it("starts PostgreSQL and Redis with the cluster in /tmp, and stop removes it", function()
    if not root_only then
      pending("runs as root with a `postgres` user: otherwise PostgreSQL runs as the caller")
      return
    end
    parent = run({ "mktemp", "-d" }).stdout:match("^%s*(.-)%s*$")
    assert(run({ "chmod", "0700", parent }).code == 0)
    dir = parent .. "/svc"
    -- the situation of a clone under /root: postgres cannot get in
    assert.are_not.equal(0, run({ "runuser", "-u", "postgres", "--", "test", "-x", parent }).code)

    local out = services("start", dir)
    local pg_port, home = out:match("postgres: started on 127%.0%.0%.1:(%d+) %((/tmp/guldasta%-pg%.[%w]+)/pg%)")
    assert(pg_port, "postgres did not start in a directory of /tmp:\n" .. out)
    local redis_port = out:match("redis: started on 127%.0%.0%.1:(%d+)")
    assert(redis_port, out)
    assert.are.equal(home, run({ "readlink", dir .. "/pg-home" }).stdout:match("^(.-)%s*$"))
    assert.are.equal(0, run({ "runuser", "-u", "postgres", "--", "test", "-x", home .. "/pg" }).code)

    -- both answer, and PostgreSQL serves the cluster in /tmp
    local r = psql(pg_port, "SELECT current_setting('data_directory')")
    assert(r.code == 0, r.stderr)
    assert.are.equal(home .. "/pg", r.stdout:match("^(.-)%s*$"))
    assert.are.equal("PONG", redis_ping(redis_port).stdout:match("^(.-)%s*$"))
    local env = assert(fs.read(dir .. "/env"))
    assert.truthy(env:find("DATABASE_URL=postgresql://guldasta@127.0.0.1:" .. pg_port .. "/guldasta", 1, true), env)

    -- an outage (stop-pg, start-pg) keeps the data and the place
    assert(psql(pg_port, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)").code == 0)
    services("stop-pg", dir)
    assert.are_not.equal(0, psql(pg_port, "SELECT 1").code)
    out = services("start-pg", dir)
    assert.truthy(out:find("(" .. home .. "/pg)", 1, true), out)
    r = psql(pg_port, "SELECT n FROM kept")
    assert.are.equal("7", r.stdout:match("^(.-)%s*$"), r.stderr)

    -- stop: both gone, and so is everything in /tmp
    out = services("stop", dir)
    assert.truthy(out:find("postgres: stopped", 1, true), out)
    assert.truthy(out:find("redis: stopped", 1, true), out)
    assert.truthy(out:find("postgres: removed " .. home, 1, true), out)
    assert.are_not.equal(0, psql(pg_port, "SELECT 1").code)
    assert.are_not.equal("PONG", redis_ping(redis_port).stdout:match("^(.-)%s*$"))
    assert.is_nil(fs.stat(home))
    assert.are_not.equal(0, run({ "test", "-L", dir .. "/pg-home" }).code)
  end)
end)
