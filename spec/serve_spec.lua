-- spec/serve_spec.lua — `guldasta serve` as a black box: health, metrics,
-- failures that stay inside one request, and concurrency on one loop.
local server = require "support.server"
local root = require "support.root"
local engine = require "engine"
local json = require "json"
local proc = require "proc"
local timer = require "timer"

describe("guldasta serve", function()
  local dir, s

  setup(function()
    dir = root.make()
    s = server.start { root = dir }
  end)

  teardown(function()
    if s then s:stop() end
    server.remove_root(dir)
  end)

  it("answers /healthz with both stores up", function()
    local res = assert(s:get("/healthz"))
    assert.are.equal(200, res.status)
    local body = assert(json.decode(res.body))
    assert.are.equal("ok", body.status)
    assert.is_true(body.postgres.up)
    assert.is_true(body.redis.up)
  end)

  it("answers 404 for an unknown path", function()
    assert.are.equal(404, assert(s:get("/nope")).status)
  end)

  it("serves Prometheus metrics", function()
    assert(s:get("/healthz"))
    local res = assert(s:get("/metrics"))
    assert.are.equal(200, res.status)
    for _, name in ipairs { "guldasta_units_total", "guldasta_unit_seconds_bucket",
                            "guldasta_pg_pool_size", "guldasta_pg_pool_in_use", "guldasta_redis_up",
                            "guldasta_generation", "guldasta_reload_failures_total" } do
      assert.truthy(res.body:find(name, 1, true), "missing " .. name)
    end
  end)

  it("a Lua error ends that request only: 500, logged with its unit id and traceback", function()
    local res = assert(s:get("/boom"))
    assert.are.equal(500, res.status)
    assert.are.equal(200, assert(s:get("/healthz")).status)
    local log = server.eventually(function()
      local l = s:log()
      return l:find("deliberate failure", 1, true) and l
    end, 5, "the error in the log")
    assert.truthy(log:find('"unit":', 1, true))
    assert.truthy(log:find("stack traceback", 1, true))
  end)

  it("a slow query in one request does not delay a concurrent /healthz", function()
    local slow = engine.spawn(function() return s:get("/pg_sleep") end)
    timer.sleep(0.1) -- the slow request is now inside pg_sleep(1)
    local t0 = timer.monotonic()
    local res = assert(s:get("/healthz"))
    local took = timer.monotonic() - t0
    assert.are.equal(200, res.status)
    assert.is_true(took < 0.5, "healthz took " .. took .. " s")
    local ok, slow_res = slow:wait()
    assert.is_true(ok)
    assert.are.equal(200, slow_res.status)
  end)

  describe("when a store goes down", function()
    local dir_svc = os.getenv("SERVICES_DIR")

    local function svc(action)
      local r = assert(proc.run({ require("config").root .. "/tools/services.sh", action, dir_svc }, { timeout = 60 }))
      assert(r.code == 0, action .. " failed: " .. (r.stderr or ""))
    end

    local function status() local r = s:get("/healthz") return r and r.status end

    it("turns /healthz to 503 without PostgreSQL and back to 200 after it restarts", function()
      assert(dir_svc, "SERVICES_DIR is not set (run under tools/test.sh)")
      svc("stop-pg")
      local ok, err = pcall(server.eventually, function() return status() == 503 end, 10, "503")
      svc("start-pg")
      assert(ok, err)
      server.eventually(function() return status() == 200 end, 20, "200 after restart")
    end)

    it("turns /healthz to 503 without Redis and back to 200 after it restarts", function()
      assert(dir_svc, "SERVICES_DIR is not set (run under tools/test.sh)")
      svc("stop-redis")
      local ok, err = pcall(server.eventually, function() return status() == 503 end, 10, "503")
      svc("start-redis")
      assert(ok, err)
      server.eventually(function() return status() == 200 end, 20, "200 after restart")
    end)
  end)

  it("stops cleanly on SIGTERM", function()
    s:signal("TERM")
    local code = s.proc:wait(10)
    assert.are.equal(0, code)
    s = nil
  end)
end)
