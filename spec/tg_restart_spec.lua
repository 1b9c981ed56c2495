-- spec/tg_restart_spec.lua — a crash mid-stream loses nothing and repeats
-- nothing. The echo bot (spec/support/tg) long-polls the emulator; a user
-- sends many messages, each handled slowly (200 ms) so updates pile up in
-- Telegram and in the Redis queue; the engine gets SIGKILL while it handles
-- one; more messages come while it is down; a new engine starts. Every
-- message must get exactly one reply, and the handler must have run exactly
-- once per update, in the order the user wrote.
--
-- The kill is aimed 50 ms into a handler's 200 ms sleep (right after a reply
-- arrived), not at a random instant: a kill between Telegram accepting a
-- reply and the engine recording that its handler finished would repeat that
-- one reply, and no bot can avoid it — Telegram has no idempotent send.
local Emulator = require "devkit.emulator"
local bot = require "support.tg.bot"
local redis = require "redis"
local timer = require "timer"
local crypto = require "crypto"

describe("tg after SIGKILL mid-stream", function()
  local dir, emu, b
  setup(function()
    dir = bot.root()
    emu = Emulator.start { token = "restart-" .. crypto.hex(crypto.random_bytes(4)) }
  end)
  teardown(function()
    if b then b:stop() end
    emu:stop()
    bot.remove(dir)
  end)

  it("handles every update exactly once", function()
    b = bot.start(dir, emu)
    local uid = math.random(6000000, 6999999)
    local u = emu:user { id = uid, first_name = "Dilnoza" }
    local FIRST, LATER = 30, 10
    local function text(i) return "sleep 200 n" .. i end
    local function replies()
      local n = {}
      for _, m in ipairs(u:messages()) do
        local i = tonumber(m.text:match("^echo: sleep 200 n(%d+)$"))
        if i then n[i] = (n[i] or 0) + 1 end
      end
      return n
    end
    for i = 1, FIRST do u:send(text(i)) end

    -- wait for the 10th reply, then kill while the 11th is being handled
    local deadline = timer.monotonic() + 20
    while not replies()[10] do
      assert(timer.monotonic() < deadline, "no 10th reply")
      timer.sleep(0.005)
    end
    timer.sleep(0.05)
    b:kill("KILL")
    local before = replies()
    assert.is_nil(before[FIRST], "the engine finished before the kill: nothing was mid-stream")

    for i = FIRST + 1, FIRST + LATER do u:send(text(i)) end
    b:restart()

    deadline = timer.monotonic() + 40
    while true do
      local n = replies()
      local all = true
      for i = 1, FIRST + LATER do if not n[i] then all = false break end end
      if all then break end
      assert(timer.monotonic() < deadline, "not every message was answered after the restart")
      timer.sleep(0.05)
    end
    timer.sleep(0.3)  -- a duplicate would show up now
    local n = replies()
    for i = 1, FIRST + LATER do
      assert.are.equal(1, n[i], "message n" .. i .. " answered " .. tostring(n[i]) .. " times")
    end
    -- the handler itself ran once per update, in the user's order
    local handled = assert(redis.call("LRANGE", "spec:handled:" .. uid, 0, -1))
    assert.are.equal(FIRST + LATER, #handled)
    for i, entry in ipairs(handled) do
      assert.truthy(entry:find(" " .. text(i) .. "$"), "position " .. i .. ": " .. entry)
    end
  end)

  -- The poller hands each fetched batch to a task that queues it in Redis
  -- while the next getUpdates is already out (tg/poll.lua). With Redis down
  -- that queueing fails: the batch and every one after it must come again
  -- from Telegram, in order, and nothing may be confirmed meanwhile.
  it("loses nothing and keeps each chat's order while Redis is down under polling", function()
    local dir_svc = assert(os.getenv("SERVICES_DIR"), "SERVICES_DIR is not set (run under tools/test.sh)")
    local function svc(action)
      local r = assert(require("proc").run({ require("config").root .. "/tools/services.sh", action, dir_svc },
                                          { timeout = 60 }))
      assert(r.code == 0, action .. " failed: " .. (r.stderr or ""))
    end
    if not b then b = bot.start(dir, emu) end
    local users = {}
    for i = 1, 3 do users[i] = emu:user { id = math.random(6000000, 6999999), first_name = "P" .. i } end
    local function echoed(u, t)
      local n = 0
      for _, m in ipairs(u:messages()) do if m.text == "echo: " .. t then n = n + 1 end end
      return n
    end
    for k = 1, 3 do for _, u in ipairs(users) do u:send("m" .. k) end end
    for _, u in ipairs(users) do u:wait_message(function(m) return m.text == "echo: m3" end, 10) end
    svc("stop-redis")
    local ok, err = pcall(function()
      for k = 4, 8 do for _, u in ipairs(users) do u:send("m" .. k) end end
      timer.sleep(1.5)       -- polled, and refused by Redis, more than once
      for _, u in ipairs(users) do assert.are.equal(0, echoed(u, "m4")) end
      assert.is_true(emu:pending_count() >= 15, "confirmed while not in Redis: " .. emu:pending_count() .. "\n" .. b:log():sub(-3000))
    end)
    svc("start-redis")
    assert(ok, err)
    for _, u in ipairs(users) do u:wait_message(function(m) return m.text == "echo: m8" end, 40) end
    timer.sleep(0.3)       -- a duplicate would show up now
    for _, u in ipairs(users) do
      for k = 1, 8 do assert.are.equal(1, echoed(u, "m" .. k), "m" .. k .. " of " .. u.id) end
      -- after the restart of Redis its list holds what was handled since: m4..m8, in order
      local h = assert(redis.call("LRANGE", "spec:handled:" .. u.id, 0, -1))
      local got = {}
      for _, e in ipairs(h) do got[#got + 1] = e:match(" (m%d+)$") end
      assert.are.same({ "m4", "m5", "m6", "m7", "m8" }, got)
    end
  end)
end)
