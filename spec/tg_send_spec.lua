-- spec/tg_send_spec.lua — the outbound path of the tg module, black box: the
-- echo bot's POST /spec/send runs tg.send / tg.send_photo inside a `guldasta
-- serve` process; the emulator enforces Telegram's flood limits and counts
-- every 429 it gives.
local Emulator = require "devkit.emulator"
local bot = require "support.tg.bot"
local redis = require "redis"
local timer = require "timer"
local crypto = require "crypto"
local json = require "json"
local fs = require "fs"

-- Runs calls ({method=, params=} or {params=, media=}) in the engine, all at once.
local function run(b, calls)
  local res = assert(b:post("/spec/send", json.encode { calls = calls }))
  assert.are.equal(200, res.status, res.body)
  return json.decode(res.body)
end

local function accepted(emu, method)
  local out = {}
  for _, c in ipairs(emu:calls_of(method)) do if c.status == 200 then out[#out + 1] = c end end
  return out
end

local function users(emu, n, base)
  local ids = {}
  for i = 1, n do ids[i] = emu:user({ id = base + i }).id end
  return ids
end

describe("tg.send", function()
  local dir
  setup(function() dir = bot.root() end)
  teardown(function() bot.remove(dir) end)

  describe("a burst of 1 000 messages to 1 000 chats", function()
    local RATE = 200   -- Telegram's 30/s scaled up, so the spec takes 5 s, not 34
    local emu, b
    setup(function()
      emu = Emulator.start { token = "burst-" .. crypto.hex(crypto.random_bytes(4)), limits = { global_rate = RATE } }
      b = bot.start(dir, emu, { env = { TG_GLOBAL_RATE = tostring(RATE) } })
    end)
    teardown(function() b:stop(); emu:stop() end)

    it("goes out at the global rate with zero 429s", function()
      local ids = users(emu, 1000, math.random(10, 90) * 1000000)
      local calls = {}
      for i, id in ipairs(ids) do calls[i] = { method = "sendMessage", params = { chat_id = id, text = "Bahor keldi! " .. i } } end
      local out = run(b, calls)
      for i, r in ipairs(out.results) do assert.are_not.equal(json.null, r.result, "message " .. i .. ": " .. tostring(r.error)) end
      assert.are.equal(0, emu.stats.rate_limited)
      local sent = accepted(emu, "sendMessage")
      assert.are.equal(1000, #sent)
      local span = sent[#sent].at - sent[1].at
      local rate = (#sent - 1) / span
      -- the first 33 (our burst) go at once, so the average may top RATE by ~3 %
      assert.is_true(rate <= RATE * 1.1, "faster than the limit: " .. rate .. "/s")
      assert.is_true(rate >= RATE * 0.7, "much slower than the limit: " .. rate .. "/s")
    end)
  end)

  describe("at Telegram's own limits", function()
    local emu, b
    setup(function()
      emu = Emulator.start { token = "send-" .. crypto.hex(crypto.random_bytes(4)) }
      b = bot.start(dir, emu, { env = { SPEC_TG_BASE_DELAY = "0.05" } })
    end)
    teardown(function() b:stop(); emu:stop() end)
    before_each(function()
      emu:set_limits(nil)
      emu.stats.rate_limited = 0
      emu.calls = {}
    end)

    it("keeps 30/s overall, 1/s per private chat and 20/min per group with zero 429s", function()
      local ids = users(emu, 100, math.random(10, 90) * 1000000)
      local one = emu:user({ id = math.random(10, 90) * 1000000 + 500 }).id
      local group = emu:chat(-math.random(1000000, 9000000), { type = "channel", title = "Florists" }).id
      local calls = {}
      for i, id in ipairs(ids) do calls[#calls + 1] = { method = "sendMessage", params = { chat_id = id, text = "b" .. i } } end
      for i = 1, 6 do calls[#calls + 1] = { method = "sendMessage", params = { chat_id = one, text = "p" .. i } } end
      for i = 1, 16 do calls[#calls + 1] = { method = "sendMessage", params = { chat_id = group, text = "g" .. i } } end
      local out = run(b, calls)
      for i, r in ipairs(out.results) do assert.are_not.equal(json.null, r.result, "call " .. i .. ": " .. tostring(r.error)) end
      assert.are.equal(0, emu.stats.rate_limited)
      local sent = accepted(emu, "sendMessage")
      assert.are.equal(122, #sent)
      -- never more than a second's worth (plus our burst of 5) in any second,
      -- and no dawdling: the broadcast takes ~3.3 s; the private chat's 6th
      -- message and the channel's 16th come 3 s after their first
      local j = 1
      for i = 1, #sent do
        while sent[i].at - sent[j].at > 1 do j = j + 1 end
        assert.is_true(i - j + 1 <= 35, (i - j + 1) .. " messages within one second")
      end
      local last_b
      for _, c in ipairs(sent) do if c.params.text:match("^b") then last_b = c.at end end
      assert.is_true(last_b - sent[1].at < 5, "100 broadcasts took " .. (last_b - sent[1].at) .. " s")
      local took = sent[#sent].at - sent[1].at
      assert.is_true(took < 7.5, "122 messages took " .. took .. " s")
      local function span(chat)
        local first, last, n
        for _, c in ipairs(sent) do
          if tonumber(c.params.chat_id) == chat then first = first or c.at; last = c.at; n = (n or 0) + 1 end
        end
        return last - first, n
      end
      local s1 = span(one)
      assert.is_true(s1 >= 2.5, "6 messages to one chat in " .. s1 .. " s")   -- 3 at once, then 1/s
      local sg = span(group)
      assert.is_true(sg >= 2.5, "16 posts to a channel in " .. sg .. " s")   -- 15 at once, then one per 3 s
    end)

    it("answers users without the bulk limits", function()
      local u = emu:user { id = math.random(10, 90) * 1000000 + 600 }
      local t0 = timer.monotonic()
      for i = 1, 8 do u:send("quick " .. i) end
      for i = 1, 8 do u:wait_message(function(m) return m.text == "echo: quick " .. i end, 10) end
      assert.are.equal(0, emu.stats.rate_limited)
      assert.is_true(timer.monotonic() - t0 < 3.5, "8 replies took " .. (timer.monotonic() - t0) .. " s")
    end)

    it("waits out a 429's retry_after and delivers every message once", function()
      emu:set_limits { private_burst = 1, private_rate = 0.5 }
      local id = emu:user({ id = math.random(10, 90) * 1000000 + 700 }).id
      local calls = {}
      for i = 1, 3 do calls[i] = { method = "sendMessage", params = { chat_id = id, text = "r" .. i } } end
      local out = run(b, calls)
      for i, r in ipairs(out.results) do assert.are_not.equal(json.null, r.result, "message " .. i .. ": " .. tostring(r.error)) end
      assert.is_true(emu.stats.rate_limited >= 1)
      local texts = {}
      for _, m in ipairs(emu:user({ id = id }):messages()) do texts[#texts + 1] = m.text end
      table.sort(texts)
      assert.are.same({ "r1", "r2", "r3" }, texts)
      -- after a 429 the next attempt came no sooner than retry_after
      local calls_log = emu:calls_of("sendMessage")
      for i = 2, #calls_log do
        if calls_log[i - 1].status == 429 and calls_log[i].params.text == calls_log[i - 1].params.text then
          assert.is_true(calls_log[i].at - calls_log[i - 1].at >= 0.9)
        end
      end
    end)

    it("retries 5xx and a proxy's error page with backoff", function()
      local id = emu:user({ id = math.random(10, 90) * 1000000 + 800 }).id
      emu:fail("sendMessage", 2, 500)
      local out = run(b, { { method = "sendMessage", params = { chat_id = id, text = "after 500s" } } })
      assert.are.equal("after 500s", out.results[1].result.text)
      emu:fail("sendMessage", 1, 502, true)
      out = run(b, { { method = "sendMessage", params = { chat_id = id, text = "after 502" } } })
      assert.are.equal("after 502", out.results[1].result.text)
      local log = emu:calls_of("sendMessage")
      assert.are.equal(5, #log)
      assert.is_true(log[3].at - log[2].at > log[2].at - log[1].at, "backoff grows")
    end)

    it("gives up after a bound with a logged error", function()
      local id = emu:user({ id = math.random(10, 90) * 1000000 + 900 }).id
      emu:fail("sendMessage", 1000, 503)
      local out = run(b, { { method = "sendMessage", params = { chat_id = id, text = "never" } } })
      emu:fail("sendMessage", 0)
      assert.are.equal(json.null, out.results[1].result)
      assert.are.equal(503, out.results[1].code)
      assert.are.equal(6, #emu:calls_of("sendMessage"))
      bot.eventually(function() return b:log():find("giving up on sendMessage", 1, true) end, 5, "the error in the log")
    end)

    it("does not retry a request Telegram refuses: callback_data over 64 bytes", function()
      local id = emu:user({ id = math.random(10, 90) * 1000000 + 950 }).id
      local out = run(b, { { method = "sendMessage", params = { chat_id = id, text = "Kategoriya",
        reply_markup = { inline_keyboard = { { { text = "Guldasta", callback_data = string.rep("ш", 33) } } } } } } })
      assert.are.equal(json.null, out.results[1].result)
      assert.are.equal("Bad Request: BUTTON_DATA_INVALID", out.results[1].error)
      assert.are.equal(400, out.results[1].code)
      assert.are.equal(1, #emu:calls_of("sendMessage"))
    end)

    it("sends parameters given as ready JSON, and true instead of an unread result", function()
      local id = emu:user({ id = math.random(10, 90) * 1000000 + 955 }).id
      local out = run(b, { { method = "sendMessage", params = { chat_id = id },
        opts = { json = '"text":"Guldasta","reply_markup":{"inline_keyboard":[[{"text":"Ha","callback_data":"y"}]]}',
                 result = false } } })
      assert.are.equal(true, out.results[1].result)
      local msgs = emu.chats[id].messages
      local m = msgs[#msgs]
      assert.are.equal("Guldasta", m.text)
      assert.are.equal("y", m.reply_markup.inline_keyboard[1][1].callback_data)
      -- an error is still decoded and reported with result = false
      out = run(b, { { method = "sendMessage", params = { chat_id = id }, opts = { json = '"text":""', result = false } } })
      assert.are.equal(400, out.results[1].code)
    end)

    it("uploads a photo once, then sends it by file_id", function()
      local png = "\137PNG\r\n\26\n" .. string.pack(">I4", 13) .. "IHDR" .. string.pack(">I4I4", 640, 480) .. "\8\2\0\0\0\0\0\0\0"
      local path = os.tmpname() .. ".png"
      assert(fs.write(path, png))
      local id = emu:user({ id = math.random(10, 90) * 1000000 + 960 }).id
      local key = "products/spec-" .. crypto.hex(crypto.random_bytes(4))
      local media = { key = key, path = path }
      local out = run(b, { { params = { chat_id = id, caption = "Qizil atirgul" }, media = media } })
      local fid = out.results[1].result.photo[1].file_id
      assert.are.equal(1, emu.stats.uploads)
      -- caption and keyboard given as ready JSON (opts.json) reach Telegram
      -- on an upload too, as form fields
      local key3 = key .. "-json"
      out = run(b, { { params = { chat_id = id }, media = { key = key3, path = path },
                       opts = { json = '"caption":"Oq lola","reply_markup":{"inline_keyboard":[[{"text":"Ha","callback_data":"y"}]]}' } } })
      local m = out.results[1].result
      assert.are.equal("Oq lola", m.caption)
      assert.are.equal("y", m.reply_markup.inline_keyboard[1][1].callback_data)
      assert.are.equal(2, emu.stats.uploads)
      out = run(b, { { params = { chat_id = id, caption = "yana" }, media = media },
                     { params = { chat_id = id, caption = "va yana" }, media = media } })
      assert.are.equal(fid, out.results[1].result.photo[1].file_id)
      assert.are.equal(2, emu.stats.uploads)
      local prefix = "tg:" .. crypto.hex(crypto.sha256(emu.token)):sub(1, 8) .. ":"
      assert.are.equal(fid, redis.call("HGET", prefix .. "file_ids", key))

      -- a new photo wanted by five units at once is uploaded once
      local key2 = key .. "-b"
      local calls = {}
      for i = 1, 5 do calls[i] = { params = { chat_id = id, caption = "c" .. i }, media = { key = key2, path = path } } end
      out = run(b, calls)
      for i, r in ipairs(out.results) do assert.are_not.equal(json.null, r.result, "photo " .. i .. ": " .. tostring(r.error)) end
      assert.are.equal(3, emu.stats.uploads)

      -- a cached file_id Telegram does not know: forgotten, uploaded again
      redis.call("HSET", prefix .. "file_ids", key, "AgACforgotten")
      out = run(b, { { params = { chat_id = id }, media = media } })
      assert.are_not.equal(json.null, out.results[1].result, tostring(out.results[1].error))
      assert.are.equal(4, emu.stats.uploads)
      assert.are_not.equal("AgACforgotten", redis.call("HGET", prefix .. "file_ids", key))
      os.remove(path)
    end)

    it("sends by a file_id its caller read already (media.file_id), reading none itself", function()
      local png = "\137PNG\r\n\26\n" .. string.pack(">I4", 13) .. "IHDR" .. string.pack(">I4I4", 64, 48) .. "\8\2\0\0\0\0\0\0\0"
      local path = os.tmpname() .. ".png"
      assert(fs.write(path, png))
      finally(function() os.remove(path) end)
      local id = emu:user({ id = math.random(10, 90) * 1000000 + 970 }).id
      local key = "products/spec-" .. crypto.hex(crypto.random_bytes(4))
      local out = run(b, { { params = { chat_id = id }, media = { key = key, path = path } } })
      local fid = out.results[1].result.photo[1].file_id
      local uploads = emu.stats.uploads
      -- a key with nothing cached: the file_id handed in is sent, no upload
      local other = key .. "-other"
      out = run(b, { { params = { chat_id = id }, media = { key = other, path = path, file_id = fid } } })
      assert.are.equal(fid, out.results[1].result.photo[1].file_id)
      assert.are.equal(uploads, emu.stats.uploads)
      -- false (the caller read that none is cached): uploaded, though Redis has one
      out = run(b, { { params = { chat_id = id }, media = { key = key, path = path, file_id = false } } })
      assert.are_not.equal(json.null, out.results[1].result, tostring(out.results[1].error))
      assert.are.equal(uploads + 1, emu.stats.uploads)
    end)
  end)
end)
