-- spec/reminders_spec.lua — the reminder before the same date next year
-- of an order made for an occasion, through the engine and the Bot API
-- emulator: opted in from "📦 My orders", sent at its time (the due date
-- set in SQL, the job run), the one-tap repeat filling the cart (a
-- substitute for an item out of stock), opt-out in one tap, sent once
-- with two engine processes, and one whose date passed while the engine
-- was down skipped.
--   build/asan/guldasta-dev run spec/runner.lua spec/reminders_spec.lua
local bot = require "support.bot"
local my_orders = require "support.my_orders"
local server = require "support.server"
local config = require "config"
local ofx = require "support.orders"
local i18n = require "i18n"
local pg = require "pg"
local cart = require "shop.cart"
local stock = require "shop.stock"
local catalog = require "shop.catalog"
local rules = require "rules"
local reminders = require "shop.reminders"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end

local function q(sql, ...) return assert(pg.query(sql, ...)) end

describe("reminders", function()
  local emu, dir, srv, fx
  local uids = {}

  local function env()
    return {
      BOT_TOKEN = config.bot_token, TELEGRAM_API_URL = emu.api_url,
      FLORIST_CHAT_ID = tostring(emu.florists), COURIER_CHAT_ID = tostring(emu.couriers),
      OWNER_TG_IDS = "1", LOG_LEVEL = "warn", GULDASTA_WATCH = "0",
    }
  end

  setup(function()
    emu = ofx.telegram()
    -- the job looks every second (the default is a minute)
    dir = server.copy_root_with_rule("reminders", function(text)
      return (text:gsub("M.CHECK_SECONDS = %d+", "M.CHECK_SECONDS = 1"))
    end)
    fx = bot.catalog()
    -- the rose is there; the doll (in the remembered order) is out of stock
    q([[INSERT INTO stock (product_id, on_hand) VALUES ($1, 500), ($2, 0)
        ON CONFLICT (product_id) DO UPDATE SET on_hand = EXCLUDED.on_hand]], fx.rose, fx.doll)
    stock.forget({ fx.rose, fx.doll })
    catalog.invalidate()
    srv = server.start { root = dir, env = env() }
  end)

  teardown(function()
    if srv then srv:stop() end
    for _, uid in ipairs(uids) do
      cart.clear(uid)
      pg.query("DELETE FROM orders WHERE customer_id = $1", uid)
    end
    bot.drop_catalog(fx)
    ofx.stop(emu)
    server.remove_root(dir)
  end)

  -- A customer with a delivered birthday order (20 May) of 2 roses and the doll.
  local function customer(lang)
    local c, u = ofx.person(emu, "client", lang, "Client")
    uids[#uids + 1] = c.id
    local id = ofx.order { customer = c, items = { { fx.rose, 2, 15000000 }, { fx.doll, 1, 21000000 } },
      status = "delivered", occasion = "birthday", delivery_date = "2026-05-20", lang = lang }
    q("UPDATE orders SET delivered_at = now() WHERE id = $1", id)
    return u, c, id
  end

  -- "📦 My orders" -> the order's details, with the reminder's button.
  local function details(u, lang, id, label)
    return my_orders.details(u, id, function(m) return bot.button(m, label or T(lang, "reminders.on_button")) ~= nil end)
  end

  local function reminder_of(order_id)
    return q([[SELECT id, active, to_char(remind_for, 'YYYY-MM-DD') AS remind_for, sent_at, skipped_at,
                      to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS due_utc
                 FROM reminders WHERE order_id = $1]], order_id)[1]
  end

  -- its time has come
  local function make_due(order_id)
    q("UPDATE reminders SET due_at = now() - interval '1 minute' WHERE order_id = $1", order_id)
  end

  local function day(lang) return T(lang, "reminders.day", { day = 20, month = T(lang, "checkout.month.m5") }) end

  local function due_text(lang, id)
    return T(lang, "reminders.due", { occasion = T(lang, "occasion.birthday"), id = id, date = day(lang) })
  end

  local function count(u, text)
    local n = 0
    for _, m in ipairs(u:messages()) do if bot.body(m) == text then n = n + 1 end end
    return n
  end

  it("is opted in from My orders, sent at its time, repeats the order with a substitute, and is opted out", function()
    local u, c, id = customer("ru")
    local m = details(u, "ru", id)
    bot.press(u, m, T("ru", "reminders.on_button"))
    u:wait_message(bot.says(T("ru", "reminders.on", { days = rules.reminders.DAYS_BEFORE, date = day("ru") })), 10)
    local r = reminder_of(id)
    assert.are.same({ true, "2027-05-20" }, { r.active, r.remind_for })
    -- DAYS_BEFORE before the date, at SEND_HOUR in Bukhara (UTC+5)
    assert.are.equal(("2027-05-%02d %02d:00"):format(20 - rules.reminders.DAYS_BEFORE,
      rules.reminders.SEND_HOUR - 5), r.due_utc)

    make_due(id)
    m = u:wait_message(bot.says(due_text("ru", id)), 10)   -- the engine's timer sends it
    bot.eventually(function() return reminder_of(id).sent_at ~= pg.null end, 10, "sent_at")

    -- the repeat: two roses as before, a rose instead of the doll (out of stock)
    bot.press(u, m, T("ru", "reminders.repeat"))
    m = u:wait_message(bot.says(T("ru", "reminders.filled")), 10)
    local body = bot.body(m)
    assert.truthy(body:find(T("ru", "reminders.line", { name = fx.rose_ru, count = 2 }), 1, true), body)
    assert.truthy(body:find(T("ru", "reminders.line_instead", { name = fx.rose_ru, count = 1, was = fx.doll_ru }),
      1, true), body)
    assert.truthy(bot.button(m, T("ru", "checkout.start")))
    local lines = cart.get(c.id).lines
    assert.are.equal(1, #lines)
    assert.are.same({ fx.rose, 3 }, { lines[1].product_id, lines[1].count })
    assert.are.same({ [fx.rose] = 3 }, stock.held("u:" .. c.id))

    -- again for next time, then opted out in one tap: not sent when due
    m = details(u, "ru", id)
    bot.press(u, m, T("ru", "reminders.on_button"))
    q("UPDATE reminders SET sent_at = NULL, claimed_at = NULL, due_at = now() + interval '1 day' WHERE order_id = $1", id)
    m = details(u, "ru", id, T("ru", "reminders.off_button", { date = day("ru") }))
    bot.press(u, m, T("ru", "reminders.off_button", { date = day("ru") }))
    u:wait_message(bot.says(T("ru", "reminders.off")), 10)
    assert.is_false(reminder_of(id).active)
    make_due(id)
    -- a later reminder of another customer goes, this one does not
    local u2, _, id2 = customer("ru")
    assert(reminders.opt_in({ id = uids[#uids] }, id2))
    make_due(id2)
    u2:wait_message(bot.says(due_text("ru", id2)), 10)
    assert.are.equal(pg.null, reminder_of(id).sent_at)
    assert.are.equal(1, count(u, due_text("ru", id)))
  end)

  it("goes once with two engine processes, and a missed one whose date passed is skipped", function()
    srv:stop()
    srv = nil
    local u, c, id = customer("uz")
    assert(reminders.opt_in(c, id))
    make_due(id)                          -- fell due while the engine was down
    local pu, pc, past = customer("ru")
    assert(reminders.opt_in(pc, past))
    q([[UPDATE reminders SET remind_for = current_date - 1, due_at = now() - interval '5 days'
         WHERE order_id = $1]], past)     -- and its date passed too
    local second
    local ok, err = pcall(function()
      srv = server.start { root = dir, env = env() }
      second = server.start { root = dir, env = env() }
      u:wait_message(bot.says(due_text("uz", id)), 15)
      bot.eventually(function() return reminder_of(past).skipped_at ~= pg.null end, 10, "skipped")
      -- another falls due with both processes looking every second
      local u3, c3, id3 = customer("uz")
      assert(reminders.opt_in(c3, id3))
      make_due(id3)
      u3:wait_message(bot.says(due_text("uz", id3)), 15)
      assert.are.equal(1, count(u, due_text("uz", id)))
      assert.are.equal(1, count(u3, due_text("uz", id3)))
      assert.are.equal(0, #pu:messages())
      assert.are.equal(pg.null, reminder_of(past).sent_at)
    end)
    if second then second:stop() end
    assert(ok, err)
  end)
end)
