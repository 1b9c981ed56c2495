-- spec/emulator_spec.lua — the Bot API emulator itself, spoken to over HTTP
-- exactly as a bot would: the protocol (JSON, form, multipart, GET), the
-- validation and error texts of Telegram, updates by long polling and by
-- webhook, flood limits with 429, and the spec-side user API.
local Emulator = require "devkit.emulator"
local http = require "http"
local json = require "json"
local timer = require "timer"
local engine = require "engine"
local crypto = require "crypto"

local function call(emu, method, params, opts)
  opts = opts or {}
  local res = assert(http.request {
    method = "POST", url = emu.api_url .. "/bot" .. (opts.token or emu.token) .. "/" .. method,
    headers = { ["Content-Type"] = "application/json" }, body = json.encode(params or {}),
    timeout = opts.timeout or 10,
  })
  local body = assert(json.decode(res.body), res.body)
  return body, res.status
end

local function tiny_png()
  -- signature + an IHDR chunk (2x3 px); the emulator reads only the size
  return "\137PNG\r\n\26\n" .. string.pack(">I4", 13) .. "IHDR" .. string.pack(">I4I4", 2, 3) .. "\8\2\0\0\0" .. "\0\0\0\0"
end

describe("Bot API emulator", function()
  local emu, u

  before_each(function()
    emu = Emulator.start { token = "emu-" .. crypto.hex(crypto.random_bytes(4)) }
    u = emu:user { id = 4242, first_name = "Aziza", language_code = "uz" }
  end)
  after_each(function() emu:stop() end)

  describe("protocol", function()
    it("answers getMe, refuses a bad token with 401 and an unknown method with 404", function()
      local body, status = call(emu, "getMe")
      assert.are.equal(200, status)
      assert.is_true(body.ok)
      assert.is_true(body.result.is_bot)
      body, status = call(emu, "getMe", nil, { token = "nope" })
      assert.are.equal(401, status)
      assert.are.same({ ok = false, error_code = 401, description = "Unauthorized" }, body)
      body, status = call(emu, "sendPigeon", {})
      assert.are.equal(404, status)
      assert.is_false(body.ok)
    end)

    it("accepts parameters as a query string, a form and JSON", function()
      local res = assert(http.request { url = emu.api_url .. "/bot" .. emu.token .. "/sendMessage?chat_id=4242&text=q" })
      assert.are.equal(200, res.status)
      res = assert(http.request { method = "POST", url = emu.api_url .. "/bot" .. emu.token .. "/sendMessage",
        headers = { ["Content-Type"] = "application/x-www-form-urlencoded" },
        body = "chat_id=4242&text=hello+there%21&reply_markup=" ..
               "%7B%22inline_keyboard%22%3A%5B%5B%7B%22text%22%3A%22a%22%2C%22callback_data%22%3A%22b%22%7D%5D%5D%7D" })
      local body = json.decode(res.body)
      assert.is_true(body.ok, res.body)
      assert.are.equal("hello there!", body.result.text)
      assert.are.equal("b", body.result.reply_markup.inline_keyboard[1][1].callback_data)
      assert.are.equal(2, #u:messages())
    end)

    it("takes a multipart photo upload once and the returned file_id afterwards", function()
      local res = assert(http.request { url = emu.api_url .. "/bot" .. emu.token .. "/sendPhoto",
        form = { { name = "chat_id", data = "4242" }, { name = "caption", data = "Atirgul" },
                 { name = "photo", data = tiny_png(), filename = "rose.png", content_type = "image/png" } } })
      local body = json.decode(res.body)
      assert.is_true(body.ok, res.body)
      local fid = body.result.photo[#body.result.photo].file_id
      assert.are.equal(2, body.result.photo[1].width)
      local again = call(emu, "sendPhoto", { chat_id = 4242, photo = fid })
      assert.is_true(again.ok)
      assert.are.equal(fid, again.result.photo[1].file_id)
      assert.are.equal(1, emu.stats.uploads)
      local f = call(emu, "getFile", { file_id = fid })
      local file = assert(http.get(emu.api_url .. "/file/bot" .. emu.token .. "/" .. f.result.file_path))
      assert.are.equal(tiny_png(), file.body)
      local bad = call(emu, "sendPhoto", { chat_id = 4242, photo = "AgACnope" })
      assert.are.equal("Bad Request: wrong file identifier/HTTP URL specified", bad.description)
      res = assert(http.request { url = emu.api_url .. "/bot" .. emu.token .. "/sendPhoto",
        form = { { name = "chat_id", data = "4242" },
                 { name = "photo", data = "not an image", filename = "x.png", content_type = "image/png" } } })
      assert.are.equal(400, res.status)
    end)
  end)

  describe("validation", function()
    it("refuses unknown chats, empty and too long texts and captions", function()
      local cases = {
        { "sendMessage", { chat_id = 999, text = "x" }, "Bad Request: chat not found" },
        { "sendMessage", { text = "x" }, "Bad Request: chat_id is empty" },
        { "sendMessage", { chat_id = 4242, text = "" }, "Bad Request: message text is empty" },
        { "sendMessage", { chat_id = 4242, text = string.rep("я", 4097) }, "Bad Request: message is too long" },
        { "sendPhoto", { chat_id = 4242, photo = "x", caption = string.rep("a", 1025) }, "Bad Request: message caption is too long" },
      }
      for _, c in ipairs(cases) do
        local body, status = call(emu, c[1], c[2])
        assert.are.equal(400, status)
        assert.are.equal(c[3], body.description)
      end
      -- 4096 Cyrillic letters are 8192 bytes but 4096 characters: fine
      assert.is_true(call(emu, "sendMessage", { chat_id = 4242, text = string.rep("я", 4096) }).ok)
      -- HTML tags do not count
      assert.is_true(call(emu, "sendMessage", { chat_id = 4242, parse_mode = "HTML",
                                                text = "<b>" .. string.rep("a", 4096) .. "</b>" }).ok)
    end)

    it("counts callback_data in bytes: 64 ASCII pass, 33 Cyrillic letters (66 bytes) do not", function()
      local function kb(data) return { inline_keyboard = { { { text = "b", callback_data = data } } } } end
      assert.is_true(call(emu, "sendMessage", { chat_id = 4242, text = "t", reply_markup = kb(string.rep("a", 64)) }).ok)
      assert.is_true(call(emu, "sendMessage", { chat_id = 4242, text = "t", reply_markup = kb(string.rep("я", 32)) }).ok)
      for _, data in ipairs { string.rep("a", 65), string.rep("я", 33), "" } do
        local body, status = call(emu, "sendMessage", { chat_id = 4242, text = "t", reply_markup = kb(data) })
        assert.are.equal(400, status)
        assert.are.equal("Bad Request: BUTTON_DATA_INVALID", body.description)
      end
      local body = call(emu, "sendMessage", { chat_id = 4242, text = "t",
        reply_markup = { inline_keyboard = { { { text = "no action" } } } } })
      assert.are.equal("Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
                       body.description)
    end)

    it("edits and deletes the bot's messages, refusing a no-op edit", function()
      local sent = call(emu, "sendMessage", { chat_id = 4242, text = "page 1",
        reply_markup = { inline_keyboard = { { { text = "next", callback_data = "p2" } } } } }).result
      local same, status = call(emu, "editMessageText", { chat_id = 4242, message_id = sent.message_id, text = "page 1",
        reply_markup = { inline_keyboard = { { { text = "next", callback_data = "p2" } } } } })
      assert.are.equal(400, status)
      assert.truthy(same.description:find("message is not modified", 1, true))
      local ed = call(emu, "editMessageText", { chat_id = 4242, message_id = sent.message_id, text = "page 2" })
      assert.is_true(ed.ok)
      local msgs = u:messages()
      assert.are.equal(1, #msgs)
      assert.are.equal("page 2", msgs[1].text)
      assert.is_nil(msgs[1].reply_markup) -- an edit without reply_markup removes the keyboard
      assert.are.equal("Bad Request: message to edit not found",
        call(emu, "editMessageText", { chat_id = 4242, message_id = 999, text = "x" }).description)
      assert.is_true(call(emu, "deleteMessage", { chat_id = 4242, message_id = sent.message_id }).ok)
      assert.are.equal(0, #u:messages())
      assert.are.equal("Bad Request: message to delete not found",
        call(emu, "deleteMessage", { chat_id = 4242, message_id = sent.message_id }).description)
    end)
  end)

  describe("updates", function()
    it("long-polls: getUpdates waits for the user's message, offset confirms", function()
      local h = engine.spawn(function() return call(emu, "getUpdates", { timeout = 5 }) end)
      timer.sleep(0.1)
      assert.is_false(h:done())
      u:command("/start", "p_12")
      local _, body = h:wait()
      assert.are.equal(1, #body.result)
      local up = body.result[1]
      assert.are.equal("/start p_12", up.message.text)
      assert.are.equal("bot_command", up.message.entities[1].type)
      assert.are.equal(4242, up.message.from.id)
      -- not confirmed yet: delivered again; then confirmed and gone
      assert.are.equal(up.update_id, call(emu, "getUpdates", {}).result[1].update_id)
      assert.are.equal(0, #call(emu, "getUpdates", { offset = up.update_id + 1 }).result)
    end)

    it("delivers contacts, locations and button presses", function()
      u:share_contact("+998901234567")
      u:share_location(39.77, 64.42)
      local sent = call(emu, "sendMessage", { chat_id = 4242, text = "pick",
        reply_markup = { inline_keyboard = { { { text = "Atirgul", callback_data = "p:1" } } } } }).result
      local q = u:press(sent, "Atirgul")
      local ups = call(emu, "getUpdates", {}).result
      assert.are.equal("+998901234567", ups[1].message.contact.phone_number)
      assert.are.equal(64.42, ups[2].message.location.longitude)
      assert.are.equal("p:1", ups[3].callback_query.data)
      assert.are.equal(sent.message_id, ups[3].callback_query.message.message_id)
      -- the pressed message whole, as the bot was answered it (one text serves both)
      assert.are.same(sent, ups[3].callback_query.message)
      assert.are.equal(4242, ups[3].callback_query.from.id)
      -- pressed again after an edit: the message as edited
      local ed = call(emu, "editMessageText", { chat_id = 4242, message_id = sent.message_id, text = "pick again",
        reply_markup = { inline_keyboard = { { { text = "Atirgul", callback_data = "p:2" } } } } }).result
      u:press(ed, "Atirgul")
      local again = call(emu, "getUpdates", { offset = ups[3].update_id + 1 }).result[1].callback_query
      assert.are.same(ed, again.message)
      assert.are.equal("pick again", again.message.text)
      assert.are.equal("p:2", again.data)
      assert.is_true(call(emu, "answerCallbackQuery", { callback_query_id = q.id, text = "ok" }).ok)
      assert.are.equal("ok", u:wait_answer(q).text)
      assert.are.equal("Bad Request: query is too old and response timeout expired or query ID is invalid",
        call(emu, "answerCallbackQuery", { callback_query_id = q.id }).description)
    end)

    it("a second getUpdates ends the first with 409, and getUpdates is refused while a webhook is set", function()
      local first = engine.spawn(function() return call(emu, "getUpdates", { timeout = 5 }) end)
      timer.sleep(0.05)
      local second = engine.spawn(function() return call(emu, "getUpdates", { timeout = 1 }) end)
      local _, b1, s1 = first:wait()
      assert.are.equal(409, s1)
      assert.truthy(b1.description:find("terminated by other getUpdates request", 1, true))
      second:wait()
      assert.is_true(call(emu, "setWebhook", { url = "http://127.0.0.1:1/hook", secret_token = "s3cret" }).ok)
      local _, status = call(emu, "getUpdates", {})
      assert.are.equal(409, status)
      local bad = call(emu, "setWebhook", { url = "http://127.0.0.1:1/hook", secret_token = "bad token!" })
      assert.are.equal("Bad Request: secret token contains unallowed characters", bad.description)
    end)

    it("posts updates to the webhook with the secret and retries a failure", function()
      local got, fail_first = {}, true
      http.route("POST", "/emu-hook", function(req)
        if fail_first then fail_first = false return 500, "down" end
        got[#got + 1] = { secret = req.headers["x-telegram-bot-api-secret-token"], update = json.decode(req.body) }
        return 200, ""
      end)
      assert.is_true(call(emu, "setWebhook", { url = emu.api_url .. "/emu-hook", secret_token = "s3cret" }).ok)
      u:send("one")
      u:send("two")
      local deadline = timer.monotonic() + 5
      while #got < 2 and timer.monotonic() < deadline do timer.sleep(0.01) end
      assert.are.equal(2, #got)
      assert.are.equal("s3cret", got[1].secret)
      assert.are.equal("one", got[1].update.message.text)   -- the failed one first: order per chat holds
      assert.are.equal("two", got[2].update.message.text)
      assert.is_true(emu.stats.webhook_failures >= 1)
    end)
  end)

  describe("flood limits", function()
    it("answers 429 with retry_after past a chat's burst, but not to replies", function()
      local statuses = {}
      for i = 1, 6 do
        local body, status = call(emu, "sendMessage", { chat_id = 4242, text = "n" .. i })
        statuses[i] = status
        if status == 429 then
          assert.are.equal("Too Many Requests: retry after 1", body.description)
          assert.are.equal(1, body.parameters.retry_after)
        end
      end
      assert.are.same({ 200, 200, 200, 200, 429, 429 }, statuses)
      -- the user writes: answering is not bulk sending
      u:send("hi")
      call(emu, "getUpdates", {})
      local _, status = call(emu, "sendMessage", { chat_id = 4242, text = "reply" })
      assert.are.equal(200, status)
    end)

    it("keeps reply credits per grant, spends the oldest first, and lets each expire on its own", function()
      local limits = require "devkit.emulator.limits"
      -- buckets emptied, so only credits can let a message through
      local l = limits.new { private_burst = 1, private_rate = 0.0001, global_rate = 1000, reply_credits = 3 }
      assert.is_true(l:take(7, 1, 0))
      assert.is_false(l:take(7, 1, 0))
      l:credit(7, 0)
      l:credit(7, 30)
      for _ = 1, 4 do assert.is_true(l:take(7, 1, 31)) end    -- 3 of the first grant, 1 of the second
      assert.is_true(l:take(7, 1, 70))                         -- the second (30 s old) still counts
      assert.is_true(l:take(7, 1, 89))
      assert.is_false(l:take(7, 1, 89))                        -- all six spent
      l:credit(7, 100)
      assert.is_false(l:take(7, 1, 161))                       -- expired unspent, 61 s later
      assert.is_nil(l.credits[7])
      -- thousands of grants left partly unspent stay one table per chat
      for t = 1, 5000 do l:credit(8, t / 100); l:take(8, 1, t / 100) end
      assert.are.equal(5000 * 2, l.credits[8].total)
      assert.is_true(l:take(8, 2, 60.5))
      assert.are.equal(5000 * 2 - 2, l.credits[8].total)
    end)

    it("holds a group to 20 messages a minute", function()
      emu:chat(-1001, { type = "channel", title = "Florists" })
      local ok429 = 0
      for i = 1, 21 do
        local _, status = call(emu, "sendMessage", { chat_id = -1001, text = "order " .. i })
        if status == 429 then ok429 = ok429 + 1 end
      end
      assert.are.equal(1, ok429)
    end)
  end)

  describe("spec-side API", function()
    it("waits for the newest bot message since the user's last action, and presses its buttons", function()
      local old = call(emu, "sendMessage", { chat_id = 4242, text = "menu" }).result
      u:send("hello")
      assert.is_nil(u:poll_message(function(m) return m.text == "menu" end, 0.05))
      engine.spawn(function()
        timer.sleep(0.05)
        call(emu, "editMessageText", { chat_id = 4242, message_id = old.message_id, text = "menu v2",
          reply_markup = { inline_keyboard = { { { text = "Go", callback_data = "go" } } } } })
      end)
      local m = u:wait_message(function(x) return x.text:find("menu") end, 2)
      assert.are.equal("menu v2", m.text)
      local q = u:press(m, "go")   -- by callback_data too
      assert.are.equal("go", q.data)
      assert.has_error(function() u:press(m, "Stop") end)
      assert.has_error(function() u:wait_message(function() return false end, 0.05) end)
    end)
  end)
end)
