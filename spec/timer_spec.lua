-- spec/timer_spec.lua — the timer binding: sleeping inside a task, after,
-- every (never overlapping itself), daily at a local time, and timers that
-- belong to their generation.
local timer = require "timer"
local proc = require "proc"
local fs = require "fs"
local engine = require "engine"

-- Waits (yielding) until pred() is true or secs pass; returns pred().
local function eventually(pred, secs)
  local deadline = timer.monotonic() + (secs or 5)
  while not pred() and timer.monotonic() < deadline do timer.sleep(0.01) end
  return pred()
end

describe("timer.sleep", function()
  it("waits at least the time asked, fractions included", function()
    local t0 = timer.monotonic()
    timer.sleep(0.15)
    local dt = timer.monotonic() - t0
    assert.is_true(dt >= 0.149, "slept " .. dt)
    assert.is_true(dt < 1, "slept " .. dt)
  end)

  it("yields even for zero, letting other tasks run", function()
    local ran = false
    timer.after(0, function() ran = true end)
    timer.sleep(0)
    assert.is_true(eventually(function() return ran end, 1))
  end)

  it("raises on a negative or missing duration, and outside a task", function()
    assert.has_error(function() timer.sleep(-1) end)
    assert.has_error(function() timer.sleep() end)
    assert.has_error(coroutine.wrap(function() timer.sleep(0.01) end))
  end)
end)

describe("timer.signal", function()
  it("wakes its waiter when notified, long before the timeout", function()
    local s = timer.signal()
    engine.spawn(function() timer.sleep(0.02) s:notify() end)
    local t0 = timer.monotonic()
    assert.is_true(s:wait(5))
    local dt = timer.monotonic() - t0
    assert.is_true(dt >= 0.015 and dt < 1, "woke after " .. dt)
  end)

  it("answers false when the time passes first, and remembers a notify nobody waited for", function()
    local s = timer.signal()
    local t0 = timer.monotonic()
    assert.is_false(s:wait(0.03))
    assert.is_true(timer.monotonic() - t0 >= 0.029)
    s:notify()
    s:notify()                      -- remembered once, not twice
    assert.is_true(s:wait(5))
    t0 = timer.monotonic()
    assert.is_false(s:wait(0.01))
    assert.is_true(timer.monotonic() - t0 >= 0.009)
  end)

  it("has one waiter at a time, and refuses a bad timeout", function()
    local s = timer.signal()
    local h = engine.spawn(function() return s:wait(5) end)
    timer.sleep(0.01)
    assert.has_error(function() s:wait(0.1) end, "timer.signal: another task is waiting on it")
    s:notify()
    assert.same({ true, true }, { h:wait() })
    assert.has_error(function() s:wait(-1) end)
    assert.has_error(coroutine.wrap(function() timer.signal():wait(0.01) end))
  end)
end)

describe("timer.now and timer.monotonic", function()
  it("tells wall-clock time in float seconds", function()
    local now = timer.now()
    assert.are.equal("float", math.type(now))
    assert.is_true(math.abs(now - os.time()) <= 1)
  end)

  it("has a monotonic clock that moves forward", function()
    local a = timer.monotonic()
    timer.sleep(0.01)
    local b = timer.monotonic()
    assert.is_true(b > a)
  end)
end)

describe("timer.after", function()
  it("runs fn once, later, in a task of its own", function()
    local me = coroutine.running()
    local runs, their_co = 0, nil
    local h = timer.after(0.05, function()
      runs = runs + 1
      their_co = coroutine.running()
      timer.sleep(0.01)                 -- a tick is a task: it may yield
    end)
    assert.is_true(h:active())
    assert.are.equal(0, runs)
    assert.is_true(eventually(function() return runs == 1 end))
    timer.sleep(0.1)
    assert.are.equal(1, runs)
    assert.are_not.equal(me, their_co)
    assert.is_false(h:active())
  end)

  it("does nothing once stopped", function()
    local ran = false
    local h = timer.after(0.05, function() ran = true end)
    h:stop()
    h:stop()                            -- twice is fine
    timer.sleep(0.1)
    assert.is_false(ran)
    assert.is_false(h:active())
    assert.is_nil(h:next())
  end)

  it("keeps going when the handle is dropped", function()
    local ran = false
    timer.after(0.05, function() ran = true end)
    collectgarbage()
    collectgarbage()
    assert.is_true(eventually(function() return ran end))
  end)

  it("knows when it will fire", function()
    local h = timer.after(10, function() end)
    assert.is_true(math.abs(h:next() - (timer.now() + 10)) < 0.1)
    h:stop()
  end)

  it("raises on bad arguments", function()
    assert.has_error(function() timer.after(-1, function() end) end)
    assert.has_error(function() timer.after(1) end)
    assert.has_error(function() timer.after("soon", function() end) end)
  end)
end)

describe("timer.every", function()
  it("runs fn repeatedly until stopped", function()
    local n = 0
    local h = timer.every(0.02, function() n = n + 1 end)
    assert.is_true(eventually(function() return n >= 5 end))
    h:stop()
    local at_stop = n
    timer.sleep(0.1)
    assert.are.equal(at_stop, n)
  end)

  it("never overlaps itself: a slow tick makes the next ones skip", function()
    local running, max_running, ticks = 0, 0, 0
    local h = timer.every(0.01, function()
      running = running + 1
      ticks = ticks + 1
      if running > max_running then max_running = running end
      timer.sleep(0.1)
      running = running - 1
    end)
    timer.sleep(0.35)
    h:stop()
    assert.are.equal(1, max_running)
    assert.is_true(ticks >= 2 and ticks <= 5, "ticks: " .. ticks)
  end)

  it("survives a tick that raises", function()
    local n = 0
    local h = timer.every(0.02, function()
      n = n + 1
      error("a broken tick")
    end)
    assert.is_true(eventually(function() return n >= 3 end))
    h:stop()
  end)

  it("can be stopped from inside its own tick", function()
    local n, h = 0, nil
    h = timer.every(0.01, function()
      n = n + 1
      if n == 2 then h:stop() end
    end)
    timer.sleep(0.15)
    assert.are.equal(2, n)
  end)

  it("raises on a period that is not positive", function()
    assert.has_error(function() timer.every(0, function() end) end)
    assert.has_error(function() timer.every(-1, function() end) end)
  end)

  it("prints its kind and state", function()
    local h = timer.every(1, function() end)
    assert.are.equal("timer every (active)", tostring(h))
    h:stop()
    assert.are.equal("timer every (stopped)", tostring(h))
  end)
end)

describe("timer.at", function()
  it("fires at the local wall-clock time", function()
    -- The engine runs in the shop's time zone, so os.date speaks it too.
    local target = os.time() + 2
    local fired_at
    local h = timer.at(os.date("%H:%M:%S", target), function() fired_at = timer.now() end)
    assert.are.equal(target, math.floor(h:next()))
    assert.is_true(eventually(function() return fired_at ~= nil end, 5))
    assert.is_true(fired_at >= target and fired_at < target + 1, "fired at " .. fired_at)
    -- then it is armed for the same time tomorrow
    assert.are.equal(target + 86400, math.floor(h:next()))
    h:stop()
  end)

  it("schedules HH:MM within the next day", function()
    local h = timer.at("09:00", function() end)
    local next = h:next()
    assert.is_true(next > timer.now() and next <= timer.now() + 86400)
    assert.are.equal("09:00:00", os.date("%H:%M:%S", math.floor(next)))
    h:stop()
  end)

  it("runs in the shop's time zone (Asia/Tashkent unless SHOP_TZ says otherwise)", function()
    local tz = os.getenv("SHOP_TZ") or "Asia/Tashkent"
    if tz ~= "Asia/Tashkent" then return end
    local h = timer.at("05:00", function() end)
    -- 05:00 in Tashkent (UTC+5) is midnight UTC
    assert.are.equal("00:00", os.date("!%H:%M", math.floor(h:next())))
    h:stop()
  end)

  it("raises on a malformed time", function()
    for _, bad in ipairs { "24:00", "9", "09:60", "9am", "", "09:00:61" } do
      assert.has_error(function() timer.at(bad, function() end) end, nil, bad)
    end
  end)
end)

describe("timers and generations", function()
  local dir

  setup(function()
    dir = assert(proc.run { "mktemp", "-d", "/tmp/guldasta-timer-spec-XXXXXX" }).stdout:gsub("%s+$", "")
  end)

  teardown(function()
    if dir then proc.run { "rm", "-rf", dir } end
  end)

  -- Runs a Lua script with `guldasta run` in a child engine.
  local function run_script(src)
    local file = dir .. "/script.lua"
    assert(fs.write(file, src))
    return assert(proc.run({ engine.executable(), "run", file }, { timeout = 20 }))
  end

  it("do not keep a finished `guldasta run` alive", function()
    local t0 = timer.monotonic()
    local res = run_script [[
      local timer = require "timer"
      timer.every(5, function() end)
      timer.at("00:00", function() end)
      print("set")
    ]]
    assert.are.equal("set\n", res.stdout)
    assert.are.equal(0, res.code)
    assert.is_true(timer.monotonic() - t0 < 4)
  end)

  it("cut a sleep short when its generation is retired, once", function()
    local res = run_script [[
      local timer = require "timer"
      local engine = require "engine"
      local result, took
      engine.spawn(function()
        local t0 = timer.monotonic()
        result = timer.sleep(30)
        took = timer.monotonic() - t0
      end)
      assert(timer.sleep(0.05) == true, "a whole sleep says true")
      engine.reload()
      local deadline = timer.monotonic() + 10
      while engine.current() and timer.monotonic() < deadline do timer.sleep(0.01) end
      assert(not engine.current(), "the reload did not happen")
      timer.sleep(0.05)
      assert(result == false, "the long sleep was not cut short: " .. tostring(result))
      assert(took < 10, "took " .. tostring(took))
      -- a sleep begun in the retired generation sleeps its whole time
      local t0 = timer.monotonic()
      assert(timer.sleep(0.2) == true)
      assert(timer.monotonic() - t0 >= 0.19)
      print("ok")
    ]]
    assert.are.equal("ok\n", res.stdout, res.stderr)
    assert.are.equal(0, res.code)
  end)

  it("stop when their generation is retired by a reload", function()
    local res = run_script [[
      local timer = require "timer"
      local engine = require "engine"
      local n = 0
      local h = timer.every(0.01, function() n = n + 1 end)
      local after_fired = false
      timer.after(0.5, function() after_fired = true end)
      timer.sleep(0.1)
      assert(n > 0, "ticking before the reload")
      engine.reload()
      local deadline = timer.monotonic() + 10
      while engine.current() and timer.monotonic() < deadline do timer.sleep(0.01) end
      assert(not engine.current(), "the reload did not happen")
      local at_retire = n
      timer.sleep(0.7)
      assert(n == at_retire, "ticked after the retire: " .. at_retire .. " -> " .. n)
      assert(not h:active(), "still active")
      assert(not after_fired, "a pending after fired in a retired generation")
      -- a timer made in a retired generation never fires
      local late = false
      timer.after(0, function() late = true end)
      timer.sleep(0.1)
      assert(not late, "a timer of a retired generation fired")
      print("ok")
    ]]
    assert.are.equal("ok\n", res.stdout, res.stderr)
    assert.are.equal(0, res.code)
  end)
end)
