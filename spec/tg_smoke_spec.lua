-- spec/tg_smoke_spec.lua — the bot end to end in both receiving modes: a
-- `guldasta serve` process (the echo bot of spec/support/tg) talks to the
-- emulator in this process over real HTTP.
local Emulator = require "support.emulator"
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

  -- GULDASTA_TG_TRACE (engine/lua/tg/trace.lua): per update, when the poller
  -- had it and it was in Redis, and when its handler ran, in that order.
  it("traces each update's way through the engine when asked", function()
    local fs = require "fs"
    local proc = require "proc"
    local base = os.tmpname()
    local emu = Emulator.start { token = "smoke-trace" }
    local b = bot.start(dir, emu, { env = { GULDASTA_TG_TRACE = base } })
    local ok, err = pcall(function()
      local u = emu:user { id = 9177, first_name = "Nodira" }
      local ids = {}
      for i = 1, 3 do
        u:send("t" .. i)
        ids[i] = emu.last_item.update.update_id
      end
      u:wait_message(function(m) return m.text == "echo: t3" end, 10)
      local files = assert(proc.run { "sh", "-c", "ls " .. base .. ".*" }).stdout
      local text = ""
      for f in files:gmatch("%S+") do text = text .. (fs.read(f) or "") end
      for _, id in ipairs(ids) do
        local f1, f2 = text:match("\nf " .. id .. " ([%d.]+) ([%d.]+)")
        if not f1 then f1, f2 = text:match("^f " .. id .. " ([%d.]+) ([%d.]+)") end
        local h1, h2 = text:match("h " .. id .. " ([%d.]+) ([%d.]+)")
        assert(f1 and h1, "update " .. id .. " not traced:\n" .. text)
        f1, f2, h1, h2 = tonumber(f1), tonumber(f2), tonumber(h1), tonumber(h2)
        assert.is_true(f1 <= f2 and f2 <= h1 and h1 <= h2, text)
      end
    end)
    b:stop()
    emu:stop()
    proc.run { "sh", "-c", "rm -f " .. base .. "*" }
    assert(ok, err)
  end)
end)
