-- spec/tg_order_spec.lua — per-chat order across engine processes. Two
-- `guldasta serve` processes of the echo bot share one Redis and sit behind
-- a round-robin proxy (a route of this spec's HTTP server) that the emulator
-- posts the webhook to, so consecutive updates of one chat land on different
-- processes. Each chat's updates must still be handled one at a time, in
-- order, exactly once; different chats must run at the same time.
local Emulator = require "devkit.emulator"
local bot = require "support.tg.bot"
local redis = require "redis"
local timer = require "timer"
local crypto = require "crypto"
local http = require "http"

describe("tg per-chat order across two processes", function()
  local dir, emu, a, b, tag

  setup(function()
    dir = bot.root()
    tag = crypto.hex(crypto.random_bytes(4))
    emu = Emulator.start { token = "order-" .. tag }
    local secret = crypto.hex(crypto.random_bytes(12))
    local lb_path = "/lb-" .. tag .. "/telegram/webhook"
    local targets, turn = {}, 0
    http.route("POST", lb_path, function(req)
      turn = turn + 1
      local res = http.request { method = "POST", url = targets[turn % #targets + 1], body = req.body, timeout = 30,
        headers = { ["Content-Type"] = "application/json",
                    ["X-Telegram-Bot-Api-Secret-Token"] = req.headers["x-telegram-bot-api-secret-token"] } }
      if not res then return 502, "upstream down" end
      return res.status, res.body
    end)
    local opts = { webhook = emu.api_url .. lb_path, secret = secret, env = { SPEC_TAG = tag } }
    a = bot.start(dir, emu, opts)
    b = bot.start(dir, emu, opts)
    targets[1] = a.url .. "/telegram/webhook"
    targets[2] = b.url .. "/telegram/webhook"
    bot.eventually(function() return emu.webhook ~= nil end, 10, "setWebhook")
  end)
  teardown(function()
    if a then a:stop() end
    if b then b:stop() end
    emu:stop()
    bot.remove(dir)
  end)

  it("handles each chat's updates in order, once, on both processes", function()
    local users, N = {}, 12
    for i = 1, 8 do users[i] = emu:user { id = math.random(8000000, 8999999) } end
    for k = 1, N do
      for i, u in ipairs(users) do
        u:send(string.format("sleep %d u%d m%02d", math.random(0, 20), i, k))
      end
    end
    for i, u in ipairs(users) do
      bot.eventually(function() return #assert(redis.call("LRANGE", "spec:handled:" .. u.id, 0, -1)) >= N end,
        30, "user " .. i .. "'s updates")
    end
    timer.sleep(0.3)
    for i, u in ipairs(users) do
      local h = assert(redis.call("LRANGE", "spec:handled:" .. u.id, 0, -1))
      assert.are.equal(N, #h)
      for k = 1, N do
        assert.truthy(h[k]:find(string.format(" u%d m%02d$", i, k)), "user " .. i .. " position " .. k .. ": " .. h[k])
      end
      local echoes = 0
      for _, m in ipairs(u:messages()) do if m.text:find("^echo: ") then echoes = echoes + 1 end end
      assert.are.equal(N, echoes)
    end
    assert.are.equal(2, assert(redis.call("SCARD", "spec:who:" .. tag)), "both processes handled updates")
  end)

  it("runs different chats at the same time", function()
    local users = {}
    for i = 1, 6 do users[i] = emu:user { id = math.random(8000000, 8999999) } end
    local t0 = timer.monotonic()
    for i, u in ipairs(users) do u:send("sleep 500 c" .. i) end
    for i, u in ipairs(users) do u:wait_message(function(m) return m.text == "echo: sleep 500 c" .. i end, 10) end
    local took = timer.monotonic() - t0
    -- one at a time would take 3 s
    assert.is_true(took < 2.2, "six chats of 0.5 s each took " .. took .. " s")
  end)
end)
