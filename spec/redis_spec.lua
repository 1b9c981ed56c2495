-- spec/redis_spec.lua — the `redis` binding against the test run's private
-- Redis (REDIS_URL). Every key lives under "spec:redis:" and is deleted first.
local redis = require "redis"
local json = require "json"

local has_engine, engine = pcall(require, "engine")
local has_proc, proc = pcall(require, "proc")
local has_timer, timer = pcall(require, "timer")

local P = "spec:redis:"
local function k(name) return P .. name end

local function sleep(sec)
  if has_timer then return timer.sleep(sec) end
  proc.run({ "sleep", tostring(sec) }, {})
end

local function clean()
  local keys = assert(redis.call("KEYS", P .. "*"))
  if #keys > 0 then assert(redis.call("DEL", table.unpack(keys))) end
end

describe("redis", function()
  before_each(function()
    redis.set_timeout(nil)
    clean()
  end)

  describe("replies", function()
    it("gives status replies as strings", function()
      assert.are.equal("OK", redis.call("SET", k("s"), "v"))
      assert.are.equal("PONG", redis.call("PING"))
    end)

    it("gives integer replies as Lua integers", function()
      local n = redis.call("INCR", k("n"))
      assert.are.equal(1, n)
      assert.are.equal("integer", math.type(n))
      assert.are.equal(-4, redis.call("DECRBY", k("n"), 5))
    end)

    it("gives bulk strings byte for byte", function()
      local bin = "a\0b\255\r\n" .. string.rep("x", 100000)
      redis.call("SET", k("bin"), bin)
      assert.are.equal(bin, redis.call("GET", k("bin")))
      redis.call("SET", k("empty"), "")
      assert.are.equal("", redis.call("GET", k("empty")))
    end)

    it("gives a nil reply as redis.null, the shared null sentinel", function()
      local v = redis.call("GET", k("missing"))
      assert.are.equal(redis.null, v)
      assert.are.equal(json.null, v)
      assert.is_not_nil(v)
    end)

    it("gives arrays as tables, nested, with nulls in place", function()
      redis.call("SET", k("a"), "1")
      assert.are.same({ "1", redis.null, "1" }, redis.call("MGET", k("a"), k("none"), k("a")))
      assert.are.same({}, redis.call("LRANGE", k("nolist"), 0, -1))
      local v = redis.call("EVAL", "return {1, 'two', false, {'x', false, {3}}, {}}", 0)
      assert.are.same({ 1, "two", redis.null, { "x", redis.null, { 3 } }, {} }, v)
    end)

    it("gives an error reply as nil, message, 'redis'", function()
      local v, err, code = redis.call("NOSUCHCOMMAND", "x")
      assert.is_nil(v)
      assert.truthy(err:find("^ERR"))
      assert.are.equal("redis", code)
      redis.call("SET", k("str"), "x")
      v, err, code = redis.call("LPUSH", k("str"), "y")
      assert.is_nil(v)
      assert.truthy(err:find("^WRONGTYPE"))
      assert.are.equal("redis", code)
    end)

    it("gives an error inside an array as {err = message}", function()
      local v = redis.call("EVAL", "return {1, redis.error_reply('bad thing')}", 0)
      assert.are.same({ 1, { err = "bad thing" } }, v)
    end)
  end)

  describe("arguments", function()
    it("formats integers without .0 and floats with 17 digits", function()
      redis.call("SET", k("i"), 42)
      assert.are.equal("42", redis.call("GET", k("i")))
      redis.call("SET", k("i"), -7)
      assert.are.equal("-7", redis.call("GET", k("i")))
      redis.call("SET", k("f"), 1.5)
      assert.are.equal("1.5", redis.call("GET", k("f")))
      redis.call("SET", k("f"), 0.1)
      assert.are.equal(0.1, tonumber(redis.call("GET", k("f"))))
      redis.call("SET", k("f"), 2.0 ^ 53)
      assert.are.equal("9007199254740992", redis.call("GET", k("f")))
      assert.are.equal(3, redis.call("INCRBY", k("c"), 3))
    end)

    it("refuses booleans, nil and tables with an error", function()
      assert.has_error(function() redis.call("SET", k("b"), true) end)
      assert.has_error(function() redis.call("SET", k("b"), nil) end)
      assert.has_error(function() redis.call("SET", k("b"), {}) end)
      assert.has_error(function() redis.call() end)
      assert.has_error(function() redis.pipeline({ { "SET", k("b"), false } }) end)
      assert.has_error(function() redis.script("return 1"):eval({ k("b") }, { true }) end)
    end)

    it("refuses commands that would break the shared connection", function()
      for _, cmd in ipairs({ "SUBSCRIBE", "psubscribe", "MONITOR", "SELECT", "AUTH", "QUIT", "WATCH", "MULTI", "EXEC" }) do
        assert.has_error(function() redis.call(cmd, "x") end)
      end
      assert.has_error(function() redis.call("CLIENT", "REPLY", "OFF") end)
      assert.has_error(function() redis.pipeline({ { "MULTI" }, { "INCR", k("n") } }) end)
      assert.has_error(function() redis.pipeline({ { "EXEC" } }) end)
    end)
  end)

  describe("pipeline", function()
    it("returns the replies in order, an error reply as {err = ...}", function()
      local res = redis.pipeline({
        { "SET", k("p"), "1" },
        { "INCR", k("n") },
        { "LPUSH", k("p"), "x" },
        { "GET", k("p") },
        { "GET", k("missing") },
      })
      assert.are.equal(5, #res)
      assert.are.equal("OK", res[1])
      assert.are.equal(1, res[2])
      assert.truthy(res[3].err:find("^WRONGTYPE"))
      assert.are.equal("1", res[4])
      assert.are.equal(redis.null, res[5])
    end)

    it("runs MULTI ... EXEC inside one pipeline", function()
      local res = redis.pipeline({ { "MULTI" }, { "INCR", k("m") }, { "INCRBY", k("m"), 10 }, { "EXEC" } })
      assert.are.same({ "OK", "QUEUED", "QUEUED", { 1, 11 } }, res)
    end)

    it("returns {} for no commands", function()
      assert.are.same({}, redis.pipeline({}))
    end)

    it("sends many commands at once", function()
      local cmds = {}
      for i = 1, 1000 do cmds[i] = { "RPUSH", k("list"), i } end
      local res = redis.pipeline(cmds)
      assert.are.equal(1000, #res)
      assert.are.equal(1000, res[1000])
      assert.are.equal("500", redis.call("LINDEX", k("list"), 499))
    end)
  end)

  describe("script", function()
    it("runs with EVALSHA and survives SCRIPT FLUSH", function()
      local s = redis.script("return {KEYS[1], ARGV[1], #ARGV}")
      assert.are.equal(40, #s.sha)
      assert.are.same({ k("x"), "v", 2 }, s:eval({ k("x") }, { "v", 7 }))
      assert.are.equal(s.sha, redis.call("SCRIPT", "LOAD", s.source))
      assert.are.equal("OK", redis.call("SCRIPT", "FLUSH"))
      assert.are.same({ 0 }, redis.call("SCRIPT", "EXISTS", s.sha))
      assert.are.same({ k("y"), "w", 1 }, s:eval({ k("y") }, { "w" }))
      assert.are.same({ 1 }, redis.call("SCRIPT", "EXISTS", s.sha))
    end)

    it("re-sends every argument after NOSCRIPT, also past 16 of them", function()
      local s = redis.script("return {#KEYS, #ARGV, ARGV[#ARGV]}")
      local keys, args = { k("a"), k("b") }, {}
      for i = 1, 30 do args[i] = "a" .. i end
      assert.are.equal("OK", redis.call("SCRIPT", "FLUSH"))
      assert.are.same({ 2, 30, "a30" }, s:eval(keys, args))
      assert.are.equal("OK", redis.call("SCRIPT", "FLUSH"))
      assert.are.same({ 0, 1, "x" }, s:eval(nil, { "x" }))
    end)

    it("takes keys and args as optional", function()
      assert.are.equal(7, redis.script("return 7"):eval())
    end)

    it("reports a script that does not compile, and a runtime error", function()
      local v, err, code = redis.script("return +"):eval()
      assert.is_nil(v)
      assert.are.equal("redis", code)
      assert.truthy(err:find("ERR"))
      v, err, code = redis.script("return redis.call('NOSUCH')"):eval()
      assert.is_nil(v)
      assert.are.equal("redis", code)
      assert.is_string(err)
    end)

    it("checks and decrements stock atomically under 50 concurrent units", function()
      if not has_engine or not engine.spawn then
        pending("engine.spawn is not available")
        return
      end
      local reserve = redis.script([[
        local left = tonumber(redis.call('GET', KEYS[1]) or '0')
        local want = tonumber(ARGV[1])
        if left < want then return 0 end
        redis.call('DECRBY', KEYS[1], want)
        return 1
      ]])
      redis.call("SET", k("stock"), 30)
      redis.call("SCRIPT", "FLUSH")   -- the first evals race through NOSCRIPT too
      local handles = {}
      for i = 1, 50 do
        handles[i] = engine.spawn(function()
          local got, err = reserve:eval({ k("stock") }, { 1 })
          assert(got, err)
          return got
        end)
      end
      local won = 0
      for i = 1, 50 do
        local ok, got = handles[i]:wait()
        assert.is_true(ok, tostring(got))
        won = won + got
      end
      assert.are.equal(30, won)
      assert.are.equal("0", redis.call("GET", k("stock")))
    end)
  end)

  describe("timeouts", function()
    it("gives up after redis.set_timeout seconds; the late reply is harmless", function()
      redis.set_timeout(0.1)
      assert.are.equal(0.1, redis.get_timeout())
      local t0 = has_timer and timer.monotonic()
      local v, err, code = redis.call("BLPOP", k("never"), "0.5")
      assert.is_nil(v)
      assert.are.equal("timeout", code)
      assert.is_string(err)
      redis.set_timeout(nil)
      assert.are.equal(5, redis.get_timeout())
      -- Queued behind the BLPOP on the one connection: answered in order.
      assert.are.equal("PONG", redis.call("PING"))
      assert.are.equal("OK", redis.call("SET", k("after"), "1"))
      assert.are.equal("1", redis.call("GET", k("after")))
      if t0 then assert.is_true(timer.monotonic() - t0 < 2) end
    end)

    it("scopes the timeout to the unit of work that set it", function()
      if not has_engine or not engine.spawn then
        pending("engine.spawn is not available")
        return
      end
      redis.set_timeout(0.25)
      local ok, other = engine.spawn(function() return redis.get_timeout() end):wait()
      assert.is_true(ok)
      assert.are.equal(5, other)
      assert.are.equal(0.25, redis.get_timeout())
    end)

    it("times out pipelines and scripts too", function()
      redis.set_timeout(0.1)
      local v, _, code = redis.pipeline({ { "PING" }, { "BLPOP", k("never"), "0.3" } })
      assert.is_nil(v)
      assert.are.equal("timeout", code)
      v, _, code = redis.script("return redis.call('TIME')"):eval()
      -- the script waits behind the BLPOP on the same connection
      assert.is_nil(v)
      assert.are.equal("timeout", code)
      redis.set_timeout(nil)
      assert.are.equal("PONG", redis.call("PING"))
    end)
  end)

  describe("health", function()
    it("pings and says it is connected", function()
      assert.is_true(redis.ping())
      assert.is_true(redis.connected())
      if has_engine and engine.metric then
        assert.are.equal(1, engine.metric("guldasta_redis_up"))
      end
    end)
  end)

  describe("reconnect", function()
    local dir = os.getenv("SERVICES_DIR")

    local function services(what)
      local r = assert(proc.run({ "tools/services.sh", what, dir }, { timeout = 60 }))
      assert(r.code == 0, what .. " failed: " .. tostring(r.stderr))
    end

    it("fails fast while Redis is down and serves again once it is back", function()
      if not dir or not has_proc or not has_engine then
        pending("needs SERVICES_DIR, proc and engine")
        return
      end
      local s = redis.script("return ARGV[1] .. '!'")
      assert.are.equal("a!", s:eval({}, { "a" }))
      local reconnects = engine.metric("guldasta_redis_reconnects_total")

      -- A command in flight when Redis goes away fails with "closed".
      local blocked = engine.spawn(function() return redis.call("BLPOP", k("never"), "10") end)
      sleep(0.05)
      services("stop-redis")
      local ok, v, err, code = blocked:wait()
      assert.is_true(ok)
      assert.is_nil(v)
      assert.are.equal("closed", code, tostring(err))

      -- While down: no queueing, an immediate "closed".
      local t0 = has_timer and timer.monotonic()
      v, err, code = redis.call("GET", k("x"))
      assert.is_nil(v)
      assert.are.equal("closed", code)
      if t0 then assert.is_true(timer.monotonic() - t0 < 0.5) end
      assert.is_false(redis.connected())
      local pong, perr, pcode = redis.ping()
      assert.is_nil(pong)
      assert.is_string(perr)
      assert.are.equal("closed", pcode)
      assert.are.equal(0, engine.metric("guldasta_redis_up"))

      services("start-redis")
      local up = false
      for _ = 1, 60 do
        if redis.ping() then up = true break end
        sleep(0.1)
      end
      assert.is_true(up, "redis did not come back")
      assert.is_true(redis.connected())
      assert.are.equal(1, engine.metric("guldasta_redis_up"))
      assert.are.equal(reconnects + 1, engine.metric("guldasta_redis_reconnects_total"))
      -- The restarted server has an empty script cache: EVALSHA reloads it.
      assert.are.same({ 0 }, redis.call("SCRIPT", "EXISTS", s.sha))
      assert.are.equal("b!", s:eval({}, { "b" }))
    end)
  end)
end)
