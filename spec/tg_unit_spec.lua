-- spec/tg_unit_spec.lua — the parts of the tg module that need no bot
-- process: reading updates, and the Redis rate limiter (with its clock
-- scaled down ten-fold so the spec takes a second or two, not twenty).
local update = require "tg.update"
local limiter = require "tg.limiter"
local json = require "json"
local timer = require "timer"
local engine = require "engine"
local redis = require "redis"
local keys = require "tg.keys"

describe("tg.update", function()
  it("finds the chat and the user of every kind of update", function()
    local from = { id = 5, first_name = "A" }
    local cases = {
      { { update_id = 1, message = { chat = { id = 5 }, from = from } }, 5, "message" },
      { { update_id = 2, edited_message = { chat = { id = -100 }, from = from } }, -100, "edited_message" },
      { { update_id = 3, channel_post = { chat = { id = -1003 } } }, -1003, "channel_post" },
      { { update_id = 4, callback_query = { id = "q", from = from, message = { chat = { id = -1001 } } } }, -1001, "callback_query" },
      { { update_id = 5, callback_query = { id = "q", from = from, inline_message_id = "x" } }, 5, "callback_query" },
      { { update_id = 6, pre_checkout_query = { id = "p", from = from } }, 5, "pre_checkout_query" },
      { { update_id = 7, my_chat_member = { chat = { id = -1002 }, from = from } }, -1002, "my_chat_member" },
    }
    for _, c in ipairs(cases) do
      assert.are.equal(c[2], update.chat_id_of(c[1]), c[3])
      assert.are.equal(c[3], update.kind_of(c[1]))
    end
    assert.are.equal(5, update.user_of(cases[1][1]).id)
    assert.is_nil(update.user_of(cases[3][1]))
    assert.is_nil(update.chat_id_of({ update_id = 8, poll = { id = "p" } }))
  end)

  it("decodes an update without the pressed message's keyboard, ids as integers", function()
    local text = json.encode { update_id = 9, callback_query = { id = "q", data = "c:1", from = { id = 5 },
      message = { message_id = 3, text = "Menu", chat = { id = 5, type = "private" },
                  reply_markup = { inline_keyboard = { { { text = "A", callback_data = "c:1" } } } } } } }
    local u = assert(update.decode(text))
    assert.is_nil(u.callback_query.message.reply_markup)
    assert.equal("Menu", u.callback_query.message.text)
    assert.equal("integer", math.type(u.callback_query.message.chat.id))
    assert.equal("c:1", u.callback_query.data)
    assert.is_nil(update.decode("{not json"))
  end)

  it("orders by chat, and presses in a group or channel by chat and person", function()
    local inbound = require "tg.inbound"
    local a, b = { id = 5 }, { id = 6 }
    local channel = { id = -1001, type = "channel" }
    local private = { id = 5, type = "private" }
    assert.are.equal("-1001:5", inbound.chat_key({ update_id = 1, callback_query = { id = "q", from = a, message = { chat = channel } } }))
    assert.are.equal("-1001:6", inbound.chat_key({ update_id = 2, callback_query = { id = "r", from = b, message = { chat = channel } } }))
    assert.are.equal("5", inbound.chat_key({ update_id = 3, callback_query = { id = "s", from = a, message = { chat = private } } }))
    assert.are.equal("-1001", inbound.chat_key({ update_id = 4, message = { chat = { id = -1001, type = "supergroup" }, from = a } }))
    assert.are.equal("_", inbound.chat_key({ update_id = 5, poll = { id = "p" } }))
  end)

  it("decodes Bot API JSON with integer ids", function()
    local v = json.decode('{"update_id":123456789,"message":{"chat":{"id":-1001234567890},"location":{"latitude":39.77}}}')
    assert.are.equal("integer", math.type(v.update_id))
    assert.are.equal("integer", math.type(v.message.chat.id))
    assert.are.equal(-1001234567890, v.message.chat.id)
    assert.are.equal("float", math.type(v.message.location.latitude))
  end)
end)

describe("tg.limiter", function()
  local saved = {}
  local SCALE = 10
  setup(function()
    for _, k in ipairs { "PRIVATE_INTERVAL", "GROUP_INTERVAL", "GLOBAL_RATE", "GLOBAL_BURST" } do saved[k] = limiter[k] end
    limiter.PRIVATE_INTERVAL = 1 / SCALE
    limiter.GROUP_INTERVAL = 3 / SCALE
    limiter.GLOBAL_RATE = 30 * SCALE
    limiter.GLOBAL_BURST = 5
  end)
  teardown(function() for k, v in pairs(saved) do limiter[k] = v end end)

  -- n concurrent waits for chat; returns when each got its slot, from the start
  local function slots(chat, n)
    local t0 = timer.monotonic()
    local hs = {}
    for i = 1, n do hs[i] = engine.spawn(function() assert(limiter.wait(chat, 1)) return timer.monotonic() - t0 end) end
    local out = {}
    for i, h in ipairs(hs) do local ok, t = h:wait(); assert(ok, t); out[i] = t end
    table.sort(out)
    return out
  end

  it("lets a private chat's burst of 3 through, then one per interval", function()
    local t = slots(math.random(1, 1e9), 6)
    for i = 1, 3 do assert.is_true(t[i] < 0.06, "message " .. i .. " at " .. t[i]) end
    for i = 4, 6 do
      local want = (i - 3) / SCALE
      assert.is_true(t[i] >= want - 0.005 and t[i] < want + 0.08, "message " .. i .. " at " .. t[i] .. ", want " .. want)
    end
  end)

  it("lets a group's burst of 15 through, then one per 3 s (scaled)", function()
    local t = slots(-math.random(1, 1e9), 17)
    assert.is_true(t[15] < 0.1, "15th at " .. t[15])
    assert.is_true(t[16] >= 3 / SCALE - 0.005, "16th at " .. t[16])
    assert.is_true(t[17] >= 6 / SCALE - 0.005, "17th at " .. t[17])
  end)

  it("does not hold the fleet's queue behind one chat-limited message", function()
    local chat = math.random(1, 1e9)
    slots(chat, 3)                            -- the chat's burst is spent
    local t0 = timer.monotonic()
    local slow = engine.spawn(function() assert(limiter.wait(chat, 1)) return timer.monotonic() - t0 end)
    local others = slots(math.random(1, 1e9), 1)   -- another chat, asking right after
    local _, t_slow = slow:wait()
    assert.is_true(t_slow >= 1 / SCALE - 0.005)
    assert.is_true(others[1] < 1 / SCALE / 2, "another chat waited " .. others[1] .. " s")
  end)

  it("shares its buckets through Redis and is held by a 429", function()
    local chat = math.random(1, 1e9)
    local held_at = timer.monotonic()     -- the hold counts from here, not from slots' start
    assert(limiter.hold(chat, 0.2))
    local tat = tonumber(redis.call("GET", keys.prefix() .. "rl:c:" .. chat))
    assert.is_true(tat >= timer.now() * 1000 + 100)
    local before = timer.monotonic() - held_at
    local t = slots(chat, 1)[1] + before
    -- libuv's timers run on the loop's cached clock: a few ms early at most
    assert.is_true(t >= 0.195, "sent " .. t .. " s after a hold of 0.2 s")
  end)
end)

-- The inbound queue in this process, with a handler of the spec's own: many
-- chats finishing at once are marked done in a few Redis calls, and each
-- chat still goes on with its next update, in order, exactly once.
describe("tg.inbound", function()
  local inbound = require "tg.inbound"

  local function script_calls()
    local info = assert(redis.call("INFO", "commandstats"))
    return tonumber(info:match("cmdstat_evalsha:calls=(%d+)") or "0")
      + tonumber(info:match("cmdstat_eval:calls=(%d+)") or "0")
  end

  it("marks many chats' updates done together and keeps each chat's order", function()
    local seen = {}          -- chat -> texts in the order handled
    local handled = 0
    inbound.set_handler(function(u)
      local m = u.message
      local list = seen[m.chat.id] or {}
      seen[m.chat.id] = list
      list[#list + 1] = m.text
      if math.random() < 0.5 then timer.sleep(0.001) end
      handled = handled + 1
    end)
    local chats, per_chat = 40, 3
    local base_chat = math.random(1e6, 1e9)
    local base_id = math.random(1e6, 1e9)
    local ups, n = {}, 0
    for k = 1, per_chat do
      for c = 1, chats do
        n = n + 1
        ups[n] = { update_id = base_id + n,
                   message = { message_id = k, text = "m" .. k, date = 0,
                               chat = { id = base_chat + c, type = "private" }, from = { id = base_chat + c } } }
      end
    end
    local calls0 = script_calls()
    assert(inbound.enqueue(ups))
    local deadline = timer.monotonic() + 10
    while handled < n and timer.monotonic() < deadline do timer.sleep(0.005) end
    -- the last done call may still be out
    timer.sleep(0.1)
    local calls = script_calls() - calls0
    inbound.set_handler(nil)
    assert.are.equal(n, handled)
    for c = 1, chats do
      assert.are.same({ "m1", "m2", "m3" }, seen[base_chat + c], "chat " .. c)
    end
    local P = keys.prefix()
    for i = 1, n do assert.are.equal("d", redis.call("GET", P .. "seen:" .. (base_id + i))) end
    for c = 1, chats do
      assert.are.equal(0, redis.call("EXISTS", P .. "lock:" .. (base_chat + c)), "lock of chat " .. c)
      assert.are.equal(0, redis.call("LLEN", P .. "q:" .. (base_chat + c)))
      assert.are.equal(redis.null, redis.call("ZSCORE", P .. "ready", tostring(base_chat + c)))
    end
    -- one call per update would be 120 done calls and the enqueue
    assert.is_true(calls <= n / 4, calls .. " script calls for " .. n .. " updates")
  end)
end)
