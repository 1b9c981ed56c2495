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
local Emulator = require "support.emulator"
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
end)
