-- spec/tg_webhook_spec.lua — webhook mode of the tg runtime, black box: the
-- echo bot (spec/support/tg) as `guldasta serve` with WEBHOOK_URL set, the
-- emulator playing Telegram, and this spec posting to /telegram/webhook
-- itself where it must act as an impostor or as Telegram retrying.
local Emulator = require "devkit.emulator"
local bot = require "support.tg.bot"
local redis = require "redis"
local timer = require "timer"
local crypto = require "crypto"
local json = require "json"
local engine = require "engine"

local function handled(chat)
  return assert(redis.call("LRANGE", "spec:handled:" .. chat, 0, -1))
end

local function update_for(u, text)
  local id = math.random(100000000, 2000000000)
  return id, json.encode { update_id = id, message = {
    message_id = math.random(1, 1000000), date = os.time(), text = text,
    from = { id = u.id, is_bot = false, first_name = u.from.first_name },
    chat = { id = u.id, type = "private", first_name = u.from.first_name } } }
end

local function echoes(u, text)
  local n = 0
  for _, m in ipairs(u:messages()) do if m.text == "echo: " .. text then n = n + 1 end end
  return n
end

describe("tg webhook", function()
  local dir, emu, b, tag

  setup(function()
    dir = bot.root()
    tag = crypto.hex(crypto.random_bytes(4))
    emu = Emulator.start { token = "hook-" .. tag, webhook_retry_cap = 0.3 }
    b = bot.start(dir, emu, { webhook = true, env = { SPEC_TAG = tag } })
    -- the engine registered itself with the secret
    bot.eventually(function() return emu.webhook ~= nil end, 10, "setWebhook")
  end)
  teardown(function()
    if b then b:stop() end
    emu:stop()
    bot.remove(dir)
  end)

  it("registered its URL and secret with setWebhook", function()
    assert.are.equal(b.url .. "/telegram/webhook", emu.webhook.url)
    assert.are.equal(b.secret, emu.webhook.secret)
  end)

  it("answers a user through the webhook", function()
    local u = emu:user { id = math.random(7000000, 7999999) }
    u:send("hello hook")
    u:wait_message(function(m) return m.text == "echo: hello hook" end, 10)
  end)

  it("refuses a request without the right secret with 401 and processes nothing", function()
    local u = emu:user { id = math.random(7000000, 7999999) }
    local id, body = update_for(u, "forged")
    local res = assert(b:post("/telegram/webhook", body))
    assert.are.equal(401, res.status)
    res = assert(b:post("/telegram/webhook", body, { ["X-Telegram-Bot-Api-Secret-Token"] = "wrong" .. b.secret }))
    assert.are.equal(401, res.status)
    res = assert(b:post("/telegram/webhook", body, { ["X-Telegram-Bot-Api-Secret-Token"] = b.secret:sub(1, -2) }))
    assert.are.equal(401, res.status)
    timer.sleep(0.5)
    assert.are.equal(0, #handled(u.id))
    assert.are.equal(0, #u:messages())
    -- not even remembered as seen: the real update with this id still goes through
    res = assert(b:post("/telegram/webhook", body, { ["X-Telegram-Bot-Api-Secret-Token"] = b.secret }))
    assert.are.equal(200, res.status)
    u:wait_message(function(m) return m.text == "echo: forged" end, 10)
    assert.are.equal(1, #handled(u.id))
    assert.truthy(handled(u.id)[1]:find("^" .. id .. " "))
  end)

  it("handles a retried update_id once, also when the retries race", function()
    local u = emu:user { id = math.random(7000000, 7999999) }
    local _, body = update_for(u, "only once")
    local hdr = { ["X-Telegram-Bot-Api-Secret-Token"] = b.secret }
    local hs = {}
    for i = 1, 5 do hs[i] = engine.spawn(function() return b:post("/telegram/webhook", body, hdr) end) end
    for _, h in ipairs(hs) do
      local ok, res = h:wait()
      assert.is_true(ok)
      assert.are.equal(200, res.status)
    end
    u:wait_message(function(m) return m.text == "echo: only once" end, 10)
    -- and a late retry, after it was handled
    assert.are.equal(200, assert(b:post("/telegram/webhook", body, hdr)).status)
    timer.sleep(0.5)
    assert.are.equal(1, echoes(u, "only once"))
    assert.are.equal(1, #handled(u.id))
  end)

  it("answers 200 only once an update is in Redis: 503 while Redis is down, handled once it is back", function()
    local dir_svc = assert(os.getenv("SERVICES_DIR"), "SERVICES_DIR is not set (run under tools/test.sh)")
    local function svc(action)
      local r = assert(require("proc").run({ require("config").root .. "/tools/services.sh", action, dir_svc }, { timeout = 60 }))
      assert(r.code == 0, action .. " failed: " .. (r.stderr or ""))
    end
    local u = emu:user { id = math.random(7000000, 7999999) }
    local id, body = update_for(u, "while redis is down")
    svc("stop-redis")
    local ok, err = pcall(function()
      local res = assert(b:post("/telegram/webhook", body, { ["X-Telegram-Bot-Api-Secret-Token"] = b.secret }))
      assert.are.equal(503, res.status)
      assert.are.equal("1", res.headers["retry-after"])
      u:send("sent while redis is down")   -- the emulator keeps retrying this one
      timer.sleep(0.5)
      assert.is_true(emu:pending_count() >= 1)
    end)
    svc("start-redis")
    assert(ok, err)
    -- Telegram's retry of the refused update, and its own queue, go through now
    bot.eventually(function()
      local res = b:post("/telegram/webhook", body, { ["X-Telegram-Bot-Api-Secret-Token"] = b.secret })
      return res and res.status == 200
    end, 20, "200 after Redis is back")
    u:wait_message(function(m) return m.text == "echo: while redis is down" end, 10)
    u:wait_message(function(m) return m.text == "echo: sent while redis is down" end, 20)
    timer.sleep(0.3)
    assert.are.equal(1, echoes(u, "while redis is down"))
    assert.are.equal(1, echoes(u, "sent while redis is down"))
    local h = handled(u.id)
    assert.are.equal(2, #h)
    assert.truthy(h[1]:find("^" .. id .. " ") or h[2]:find("^" .. id .. " "))
  end)

  -- A short outage: the dead process still counts as alive when the new one
  -- starts, and its chats are taken only once its heartbeat runs out. A
  -- long one (past tg/inbound.lua's ALIVE_TTL): the chats are free at once,
  -- while Telegram's retries of the outage's updates arrive in no order;
  -- the oldest work must still go first.
  for _, outage in ipairs { 0.5, 6 } do
    it("drains what was queued before a crash oldest-first, and what came during the outage, once each ("
       .. outage .. " s down)", function()
      local users = {}
      for i = 1, 4 do users[i] = emu:user { id = math.random(7000000, 7999999), first_name = "U" .. i } end
      -- a message with a button for the last user, to press while the bot is down
      local card = assert(b:post("/spec/send", json.encode { calls = { { method = "sendMessage",
        params = { chat_id = users[4].id, text = "card",
                   reply_markup = { inline_keyboard = { { { text = "Buy", callback_data = "buy:7" } } } } } } } }))
      assert.are.equal(200, card.status)
      local card_msg = users[4]:wait_message(function(m) return m.text == "card" end)

      -- three slow messages per user: Telegram hands them all over at once
      -- (each is answered 200 as soon as it is queued); the engine is busy
      -- with the first of each chat when it dies
      for round = 1, 3 do
        for i, u in ipairs(users) do u:send("sleep 400 u" .. i .. " r" .. round) end
      end
      bot.eventually(function() return emu:pending_count() == 0 end, 10, "every update accepted by the webhook")
      timer.sleep(0.1)
      local prefix = "tg:" .. crypto.hex(crypto.sha256(emu.token)):sub(1, 8) .. ":"
      local ready = assert(redis.call("ZRANGE", prefix .. "ready", 0, -1))
      assert.are.equal(4, #ready, "every chat has queued work")
      b:kill("KILL")
      local started_before = #assert(redis.call("LRANGE", "spec:started:" .. tag, 0, -1))

      -- during the outage: one more message each, and a button press
      for i, u in ipairs(users) do u:send("sleep 10 u" .. i .. " r4") end
      users[4]:press(card_msg, "Buy")
      timer.sleep(outage)   -- Telegram retries meanwhile, and fails
      assert.is_true(emu.stats.webhook_failures > 0)
      b:restart()

      for i, u in ipairs(users) do
        bot.eventually(function() return echoes(u, "sleep 10 u" .. i .. " r4") == 1 end, 30, "user " .. i .. " answered")
      end
      users[4]:wait_message(function(m) return m.text == "pressed: buy:7" end, 10)
      timer.sleep(0.3)
      local presses = 0
      for _, m in ipairs(users[4]:messages()) do if m.text == "pressed: buy:7" then presses = presses + 1 end end
      assert.are.equal(1, presses)
      for i, u in ipairs(users) do
        local h = handled(u.id)
        local want = { "sleep 400 u" .. i .. " r1", "sleep 400 u" .. i .. " r2", "sleep 400 u" .. i .. " r3",
                       "sleep 10 u" .. i .. " r4" }
        if i == 4 then want[5] = "press buy:7" end
        assert.are.equal(#want, #h, "user " .. i .. ": " .. table.concat(h, " | "))
        for k, text in ipairs(want) do
          assert.truthy(h[k]:find(" " .. text, 1, true), "user " .. i .. " position " .. k .. ": " .. h[k])
          if not text:find("^press") then assert.are.equal(1, echoes(u, text), text) end
        end
      end
      -- the leftovers were picked up in the order they had been queued
      local started = assert(redis.call("LRANGE", "spec:started:" .. tag, started_before, -1))
      local first = {}
      for _, s in ipairs(started) do
        local chat = s:match("^(%-?%d+) ")
        if #first < 4 and not first[chat] then first[#first + 1] = chat; first[chat] = true end
      end
      assert.are.same(ready, { first[1], first[2], first[3], first[4] })
    end)
  end
end)
