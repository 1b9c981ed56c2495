-- spec/order_notice_kill_spec.lua — a notice owed for an order's move is
-- driven from its order_events row, not from memory: the engine is killed
-- (SIGKILL) after a florist's Accept has committed and before anyone was
-- told, and after a restart the customer is told, once, and the florists'
-- post shows who took it.
--
-- The Bot API holds the engine's first post edit after the commit (it
-- hangs, then fails without effect), which is where the kill lands. The
-- engine runs from a copy of the project whose rules retry notices after
-- 1 s and take over a dead process's claim after 2 s.
local fx = require "support.orders"
local server = require "support.server"
local root = require "support.root"
local bot = require "support.bot"
local i18n = require "i18n"
local pg = require "pg"
local fs = require "fs"
local config = require "config"
local flow = require "shop.order_flow"
local eventually = server.eventually

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end

describe("an order's notice after the engine is killed", function()
  local emu, dir, srv

  local function start()
    return server.start { root = dir, env = {
      BOT_TOKEN = config.bot_token, TELEGRAM_API_URL = emu.api_url,
      FLORIST_CHAT_ID = tostring(emu.florists), COURIER_CHAT_ID = tostring(emu.couriers),
      OWNER_TG_IDS = "1", LOG_LEVEL = "warn", GULDASTA_WATCH = "0",
    } }
  end

  setup(function()
    emu = fx.telegram()
    dir = root.make()
    local path = dir .. "/rules/orders.lua"
    local text = assert(fs.read(path))
    text = text:gsub("M.NOTICE_RETRY_SECONDS = %d+", "M.NOTICE_RETRY_SECONDS = 1")
               :gsub("M.NOTICE_LEASE_SECONDS = %d+", "M.NOTICE_LEASE_SECONDS = 2")
    assert(fs.write(path, text))
    srv = start()
  end)
  teardown(function()
    if srv then srv:stop() end
    fx.stop(emu)
    server.remove_root(dir)
  end)

  it("tells the customer once, after a restart", function()
    local florist = fx.staff("florist", { name = "Dilnoza" })
    local fu = emu:user { id = florist.tg_id, first_name = "Dilnoza" }
    local c = fx.customer { lang = "uz" }
    local cu = emu:user { id = c.tg_id, first_name = "Aziza" }
    local rose = fx.product { on_hand = 10 }
    local id = fx.order { customer = c, lang = "uz", items = { { rose, 3 } } }
    assert.is_true(flow.placed(id))
    local post = emu.chats[emu.florists].messages[#emu.chats[emu.florists].messages]
    assert.truthy(bot.body(post):find(T("ru", "flow.post.title", { id = id }), 1, true))

    -- the florist accepts; the engine's first notice hangs at the Bot API
    emu:hold("editMessageText", 1, 30)
    fu:press(post, "s:acc:" .. id)
    eventually(function() return fx.row(id).status == "accepted" end, 10, "the acceptance to commit")
    eventually(function() return (emu.faults.editmessagetext.held or 0) == 1 end, 10, "the notice to hang")
    srv:signal("KILL")
    srv.proc:wait()
    srv = nil

    local accepted = T("uz", "flow.customer.accepted", { id = id })
    local function told()
      local n = 0
      for _, m in ipairs(emu.chats[c.tg_id] and emu.chats[c.tg_id].messages or {}) do
        if bot.body(m) == accepted then n = n + 1 end
      end
      return n
    end
    assert.equal(0, told(), "nobody was told before the kill")
    local ev = pg.query([[SELECT noticed_at FROM order_events WHERE order_id = $1 AND to_status = 'accepted']], id)[1]
    assert.equal(pg.null, ev.noticed_at, "the notice is owed")

    srv = start()
    cu:wait_message(function(m) return bot.body(m) == accepted end, 15)
    eventually(function()
      return bot.body(emu.chats[emu.florists].by_id[post.message_id])
        :find(T("ru", "flow.post.state.accepted", { name = "Dilnoza" }), 1, true)
    end, 10, "the florists' post to name the florist")
    ev = pg.query([[SELECT noticed_at FROM order_events WHERE order_id = $1 AND to_status = 'accepted']], id)[1]
    assert.are_not.equal(pg.null, ev.noticed_at)
    require("timer").sleep(3)   -- two more sweeps and a lease: nothing more
    assert.equal(1, told(), "told once")
  end)
end)
