-- spec/bot_prefetch_spec.lua — scripts/bot/prefetch.lua: the Redis values
-- an update is about to read, fetched in one round trip, each taken once.
local prefetch = require "bot.prefetch"
local redis = require "redis"
local crypto = require "crypto"
local engine = require "engine"

describe("bot.prefetch", function()
  local a, b, none

  before_each(function()
    local tag = "spec:prefetch:" .. crypto.hex(crypto.random_bytes(4)) .. ":"
    a, b, none = tag .. "a", tag .. "b", tag .. "none"
    assert(redis.call("SET", a, "1", "EX", 60))
    assert(redis.call("SET", b, "2", "EX", 60))
  end)
  after_each(function() prefetch.clear() end)

  it("gives the values read together, each once; a second read goes to Redis", function()
    prefetch.load { a, b, none }
    -- changed behind its back: the kept values show it was read before
    assert(redis.call("SET", a, "changed", "EX", 60))
    assert.are.equal("1", prefetch.get(a))
    assert.are.equal(redis.null, prefetch.get(none))
    assert.are.equal("changed", prefetch.get(a))   -- taken already: read again
    assert.are.equal("2", prefetch.get(b))
  end)

  it("reads Redis itself for keys it was not given, after clear, and in another unit of work", function()
    prefetch.load { a }
    assert(redis.call("SET", a, "changed", "EX", 60))
    local ok, other = engine.spawn(function() return prefetch.get(a) end):wait()
    assert.is_true(ok)
    assert.are.equal("changed", other)
    assert.are.equal("2", prefetch.get(b))
    prefetch.clear()
    assert.are.equal("changed", prefetch.get(a))
  end)
end)
