-- spec/tg_smoke_spec.lua — the bot end to end in both receiving modes: a
-- `guldasta serve` process (the echo bot of spec/support/tg) talks to the
-- emulator in this process over real HTTP.
local Emulator = require "devkit.emulator"
local bot = require "support.tg.bot"

describe("tg end to end", function()
  local dir
  setup(function() dir = bot.root() end)
  teardown(function() bot.remove(dir) end)

  for _, mode in ipairs { "polling", "webhook" } do
    describe("with " .. mode, function()
      local emu, b
      setup(function()
        emu = Emulator.start { token = "smoke-" .. mode }
        b = bot.start(dir, emu, { webhook = mode == "webhook" })
      end)
      teardown(function()
        if b then b:stop() end
        if emu then emu:stop() end
      end)

      it("answers a message and a button press", function()
        local u = emu:user { id = 9100 + #mode, first_name = "Aziza", language_code = "uz" }
        u:send("salom")
        local m = u:wait_message(function(m) return m.text == "echo: salom" end, 10)
        assert.are.equal(u.id, m.chat.id)
        -- a message with a button, sent by the engine through tg.send
        local res = assert(b:post("/spec/send", require("json").encode { calls = { {
          method = "sendMessage",
          params = { chat_id = u.id, text = "choose", reply_markup = { inline_keyboard = { { { text = "Yes", callback_data = "yes" } } } } },
        } } }))
        assert.are.equal(200, res.status)
        local card = u:wait_message(function(x) return x.text == "choose" end)
        local q = u:press(card, "Yes")
        assert.are.equal("ok", u:wait_answer(q, 5).text)
        u:wait_message(function(x) return x.text == "pressed: yes" end)
      end)
    end)
  end

end)
