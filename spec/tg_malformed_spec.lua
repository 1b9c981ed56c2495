-- spec/tg_malformed_spec.lua — updates of the wrong shape never hold the
-- bot's inbox. The application's own bot runs as `guldasta serve` against
-- the emulator; this spec posts some 1 800 mutated updates
-- (support/tg/malformed.lua: real shapes with fields replaced or removed)
-- to the real webhook with the right secret, pushes a few through long
-- polling, and leaves two in the Redis queue as a version without the
-- check would have. Every one is acknowledged (a 5xx would make Telegram
-- deliver it again and again); the malformed ones are dropped with one
-- warning naming their update_id; nothing is logged at error level; and a
-- real customer is answered afterwards.
local Emulator = require "devkit.emulator"
local tgbot = require "support.tg.bot"
local malformed = require "support.tg.malformed"
local redis = require "redis"
local crypto = require "crypto"
local json = require "json"
local engine = require "engine"
local i18n = require "i18n"

local DROPPED = "tg: malformed update dropped"

local function T(lang, key) return i18n.str(i18n.t(lang, key)) end
local function says(part) return function(m) return (m.text or ""):find(part, 1, true) ~= nil end end

-- The log's error lines (or anything with a traceback), and the drop
-- warnings by update_id ("none" for an update without one).
local function read_log(b)
  local errors, drops = {}, {}
  for line in b:log():gmatch("[^\n]+") do
    local e = json.decode(line)
    if type(e) ~= "table" then
      if line:find("traceback", 1, true) or line:find("ERROR", 1, true) then errors[#errors + 1] = line end
    else
      if e.level == "error" or line:find("traceback", 1, true) then errors[#errors + 1] = line end
      if e.msg == DROPPED then
        local k = tostring(e.update_id or "none")
        drops[k] = (drops[k] or 0) + 1
      end
    end
  end
  return errors, drops
end

local function queue_prefix(emu)
  return "tg:" .. crypto.hex(crypto.sha256(emu.token)):sub(1, 8) .. ":"
end

local function start_bot(dir, webhook)
  local emu = Emulator.start { token = "mal-" .. crypto.hex(crypto.random_bytes(4)), limits = false,
                               webhook_retry_cap = 0.3 }
  local b = tgbot.start(dir, emu, { webhook = webhook })
  if webhook then tgbot.eventually(function() return emu.webhook ~= nil end, 10, "setWebhook") end
  return emu, b
end

-- A new customer's /start, delivered by the emulator, gets the language question.
local function still_serving(emu)
  local u = emu:user { id = math.random(7000000, 7999999) }
  u:command("/start")
  u:wait_message(says(T("ru", "lang.ask")), 30)
end

describe("malformed updates", function()
  local dir
  setup(function() dir = tgbot.root { app = true } end)
  teardown(function() tgbot.remove(dir) end)

  it("through the webhook: every one acknowledged, the malformed dropped with one warning each", function()
    local emu, b = start_bot(dir, true)
    finally(function() b:stop(); emu:stop() end)
    local victim = emu:user { id = math.random(7000000, 7999999) }
    local muts = malformed.all { user = victim.id, first_id = math.random(100000000, 900000000) }
    assert.is_true(#muts > 1000 and #muts < 5000, "a bounded few thousand: " .. #muts)

    -- four posters at once, each its share in order
    local hdr = { ["X-Telegram-Bot-Api-Secret-Token"] = b.secret }
    local status = {}
    local hs = {}
    for w = 1, 4 do
      hs[w] = engine.spawn(function()
        for i = w, #muts, 4 do
          local res = b:post("/telegram/webhook", muts[i].text, hdr)
          status[i] = res and res.status or "no answer"
        end
      end)
    end
    for _, h in ipairs(hs) do assert(h:wait()) end
    local bad = {}
    for i, m in ipairs(muts) do
      local s = status[i]
      if not (type(s) == "number" and s >= 200 and s < 300) then
        bad[#bad + 1] = tostring(s) .. " for " .. m.what
        if #bad >= 10 then break end
      end
    end
    assert.are.same({}, bad)

    -- whatever was queued is handled; then a real customer is answered
    local prefix = queue_prefix(emu)
    tgbot.eventually(function() return redis.call("ZCARD", prefix .. "ready") == 0 end, 180, "the queue to drain")
    still_serving(emu)

    local errors, drops = read_log(b)
    assert.are.same({}, { table.unpack(errors, 1, 5) })
    for id, n in pairs(drops) do
      if id ~= "none" then assert.are.equal(1, n, "one warning for update " .. id) end
    end
    -- the ones that must have been dropped: each named once
    local must = { ["message <- 7"] = true, ['message <- "x"'] = true, ["message.from removed"] = true,
                   ["message.chat removed"] = true, ['message.chat.id <- "x"'] = true,
                   ["callback_query.from removed"] = true, ["callback_query <- [1,\"a\"]"] = true,
                   ["message.from.id <- 1.5"] = true, ["message.text <- 7"] = true,
                   ["message.contact.phone_number <- 7"] = true, ["message.photo <- {}"] = true,
                   ['update_id <- "x"'] = true }
    local seen = 0
    for _, m in ipairs(muts) do
      if must[m.what] then
        seen = seen + 1
        local id = m.update_id and tostring(m.update_id) or "none"
        assert.is_truthy(drops[id], "no warning for " .. m.what)
      end
    end
    assert.is_true(seen >= 12, "every named mutation was made: " .. seen)
    -- and the bodies that are no update at all (the whole update replaced, cut JSON)
    assert.is_true((drops.none or 0) >= 9, "warnings without an update_id: " .. tostring(drops.none))
  end)

  it("through long polling: confirmed past, one warning each, and the next update answered", function()
    local emu, b = start_bot(dir, false)
    finally(function() b:stop(); emu:stop() end)
    local u = emu:user { id = math.random(7000000, 7999999) }
    local private = { id = u.id, type = "private", first_name = "A" }
    local pushed = {
      emu:push_update("message", 7, u.id),
      emu:push_update("message", "x", u.id),
      emu:push_update("callback_query", { 1, 2 }, u.id),
      emu:push_update("edited_message", json.null, u.id),
      emu:push_update("message", { message_id = 1, date = 1, chat = private, text = "no from" }, u.id),
      emu:push_update("message", { message_id = 2, date = 1, from = u.from, chat = { id = "x", type = "private" },
                                   text = "chat id a string" }, u.id),
      emu:push_update("message", { message_id = 3, date = 1, from = u.from, chat = private, text = 5 }, u.id),
    }
    u:command("/start")
    u:wait_message(says(T("ru", "lang.ask")), 30)
    tgbot.eventually(function() return emu:pending_count() == 0 end, 30, "every update confirmed")
    local errors, drops = read_log(b)
    assert.are.same({}, { table.unpack(errors, 1, 5) })
    for _, p in ipairs(pushed) do
      assert.are.equal(1, drops[tostring(p.update_id)], "one warning for update " .. p.update_id)
    end
  end)

  it("left in the Redis queue: dropped by the worker with one warning, the chat goes on", function()
    local emu, b = start_bot(dir, false)
    finally(function() b:stop(); emu:stop() end)
    local u = emu:user { id = math.random(7000000, 7999999) }
    local prefix = queue_prefix(emu)
    local id = math.random(100000000, 900000000)
    local at = math.floor(require("timer").now() * 1000) - 5000
    local chat = tostring(u.id)
    -- as enqueue leaves it: the chat's list, and the chat in the ready set
    assert(redis.call("RPUSH", prefix .. "q:" .. chat, at .. '|{"update_id":' .. id .. ',"message":7}'))
    assert(redis.call("RPUSH", prefix .. "q:" .. chat, at .. '|{"update_id":' .. (id + 1) .. ',"message":{"chat":5}}'))
    assert(redis.call("ZADD", prefix .. "ready", at, chat))
    tgbot.eventually(function() return redis.call("LLEN", prefix .. "q:" .. chat) == 0 end, 20, "the queue to empty")
    u:command("/start")
    u:wait_message(says(T("ru", "lang.ask")), 30)
    local errors, drops = read_log(b)
    assert.are.same({}, { table.unpack(errors, 1, 5) })
    assert.are.equal(1, drops[tostring(id)])
    assert.are.equal(1, drops[tostring(id + 1)])
  end)
end)
