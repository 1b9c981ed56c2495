-- spec/broadcast_limits_spec.lua — the shop's bulk sends against the Bot
-- API emulator with Telegram's flood limits on, through `guldasta serve`
-- and its own timers:
--   * a batch of reminders goes out at the overall rate (scaled up on both
--     sides, so it takes seconds), each customer once, with zero 429s;
--   * a 429 with retry_after is honoured: the reminder is sent again no
--     sooner than retry_after, once, and marked sent;
--   * scheduled channel posts falling due together keep the group limit
--     (20/min to one channel; ours: 15 at once, then one per 3 s) with
--     zero 429s.
--   build/asan/guldasta-dev run spec/runner.lua spec/broadcast_limits_spec.lua
local bot = require "support.bot"
local server = require "support.server"
local ofx = require "support.orders"
local fs = require "fs"
local config = require "config"
local pg = require "pg"
local crypto = require "crypto"
local reminders = require "shop.reminders"

local function q(sql, ...) return assert(pg.query(sql, ...)) end

-- Accepted sendMessage calls to the chats of `ids` (a set), oldest first.
local function taken(emu, ids)
  local out = {}
  for _, c in ipairs(emu:calls_of("sendMessage")) do
    if c.status == 200 and ids[tonumber(c.params.chat_id)] then out[#out + 1] = c end
  end
  return out
end

describe("reminders in bulk", function()
  local RATE = 150   -- Telegram's 30/s scaled up, so 500 reminders take 3 s, not 17
  local emu, dir, srv
  local base = 800000000 + string.unpack("<I4", crypto.random_bytes(4)) % 100000000

  setup(function()
    emu = ofx.telegram()
    emu:set_limits { global_rate = RATE }
    dir = server.copy_root()
    -- the job looks every second (the default is a minute)
    local path = dir .. "/rules/reminders.lua"
    assert(fs.write(path, (assert(fs.read(path)):gsub("M.CHECK_SECONDS = %d+", "M.CHECK_SECONDS = 1"))))
    srv = server.start { root = dir, env = {
      BOT_TOKEN = config.bot_token, TELEGRAM_API_URL = emu.api_url, TG_GLOBAL_RATE = tostring(RATE),
      FLORIST_CHAT_ID = tostring(emu.florists), COURIER_CHAT_ID = tostring(emu.couriers),
      OWNER_TG_IDS = "1", LOG_LEVEL = "warn", GULDASTA_WATCH = "0" } }
  end)

  teardown(function()
    if srv then srv:stop() end
    q("DELETE FROM orders WHERE customer_id IN (SELECT id FROM users WHERE tg_id > $1 AND tg_id <= $1 + 10000)", base)
    q("DELETE FROM users WHERE tg_id > $1 AND tg_id <= $1 + 10000", base)
    ofx.stop(emu)
    server.remove_root(dir)
  end)

  -- n customers (tg ids from..from+n-1) with a delivered birthday order and
  -- its reminder opted in through the shop; returns the set of their chats
  -- and the reminder ids. Not due yet.
  local function customers(from, n)
    q([[INSERT INTO users (tg_id, name, lang)
        SELECT $1::bigint + g, 'Bulk ' || g, CASE WHEN g % 2 = 0 THEN 'ru' ELSE 'uz' END
          FROM generate_series(0, $2::int - 1) g]], from, n)
    local rows = q([[
      INSERT INTO orders (customer_id, status, lang, delivery_date, occasion, recipient_name, recipient_phone, address)
      SELECT u.id, 'delivered', u.lang, current_date, 'birthday', 'Malika', '+998901234567', 'Bukhara'
        FROM users u WHERE u.tg_id >= $1 AND u.tg_id < $1 + $2
      RETURNING id, customer_id]], from, n)
    local chats, ids = {}, {}
    for _, o in ipairs(rows) do ids[#ids + 1] = assert(reminders.opt_in({ id = o.customer_id }, o.id)).id end
    for i = 0, n - 1 do
      emu:user { id = from + i, first_name = "Bulk" }
      chats[from + i] = true
    end
    return chats, ids
  end

  local function make_due(ids)
    q("UPDATE reminders SET due_at = now() - interval '1 minute' WHERE id = ANY($1::bigint[])", pg.array(ids))
  end

  local function all_sent(ids)
    return q("SELECT count(*)::int AS n FROM reminders WHERE id = ANY($1::bigint[]) AND sent_at IS NOT NULL",
      pg.array(ids))[1].n == #ids
  end

  it("go out at the overall rate, each customer once, with zero 429s", function()
    local N = 500   -- our burst of RATE // 6 at once makes the average of a few hundred ~5 % fast
    local chats, ids = customers(base + 1, N)
    local before = emu.stats.rate_limited
    make_due(ids)
    bot.eventually(function() return all_sent(ids) end, 30, "every reminder sent")
    assert.are.equal(before, emu.stats.rate_limited, "429s from the emulator")
    local sent = taken(emu, chats)
    assert.are.equal(N, #sent)
    local per = {}
    for _, c in ipairs(sent) do
      local id = tonumber(c.params.chat_id)
      per[id] = (per[id] or 0) + 1
      assert.are.equal(1, per[id], "a second reminder to " .. id)
    end
    -- never faster than the emulator allows (no 429 above), and not one
    -- claimed batch at a time either: near the rate throughout. Counted
    -- over every message the engine sent meanwhile (its jobs also send what
    -- earlier specs left due, to chats the emulator does not know).
    local all = {}
    for _, c in ipairs(emu:calls_of("sendMessage")) do
      if c.at >= sent[1].at and c.at <= sent[#sent].at then all[#all + 1] = c end
    end
    local rate = (#all - 1) / (all[#all].at - all[1].at)
    assert.is_true(rate <= RATE * 1.1, "faster than the limit: " .. rate .. "/s")
    assert.is_true(rate >= RATE * 0.8, "much slower than the limit: " .. rate .. "/s")
  end)

  it("wait out a 429's retry_after, and the refused reminder goes once", function()
    local RETRY = 2
    local chats, ids = customers(base + 5001, 20)
    emu:flood("sendMessage", 1, RETRY, base + 5005)
    local before = #emu:calls_of("sendMessage")
    make_due(ids)
    bot.eventually(function() return all_sent(ids) end, 30, "every reminder sent")
    local calls = emu:calls_of("sendMessage")
    local refused
    for i = before + 1, #calls do
      if calls[i].status == 429 and chats[tonumber(calls[i].params.chat_id)] then refused = calls[i] break end
    end
    assert.truthy(refused, "the emulator refused one")
    local again
    for i = before + 1, #calls do
      local c = calls[i]
      if c.status == 200 and c.params.chat_id == refused.params.chat_id then
        assert.is_nil(again, "sent twice")
        again = c
      end
    end
    assert.truthy(again, "the refused reminder was sent again")
    assert.is_true(again.at - refused.at >= RETRY, ("sent again after %.2f s"):format(again.at - refused.at))
    assert.are.equal(20, #taken(emu, chats))
  end)
end)

describe("scheduled channel posts falling due together", function()
  local b, fx, channel

  setup(function()
    channel = -(1008000000000 + math.random(1, 99999999))
    b = bot.start { env = { SHOP_CHANNEL_ID = tostring(channel) } }   -- the emulator at Telegram's numbers
    fx = bot.catalog(b)
    b.emu:chat(channel, { type = "channel", title = "Guldasta" })
  end)

  teardown(function()
    if channel then pg.query("DELETE FROM channel_posts WHERE chat_id = $1", channel) end
    bot.drop_catalog(fx)
    if b then b:stop() end
  end)

  it("keep the group limit with zero 429s", function()
    local N = 18
    local before = b.emu.stats.rate_limited
    q([[INSERT INTO channel_posts (product_id, template, chat_id, lang, caption, status, scheduled_at)
        SELECT $1, 'product', $2, 'ru', 'post ' || g, 'scheduled', now() - interval '1 minute'
          FROM generate_series(1, $3::int) g]], fx.rose, channel, N)
    bot.eventually(function()
      return q("SELECT count(*)::int AS n FROM channel_posts WHERE chat_id = $1 AND status = 'posted'",
        channel)[1].n == N
    end, 40, "every post posted")
    assert.are.equal(before, b.emu.stats.rate_limited, "429s from the emulator")
    local at = {}
    for _, c in ipairs(b.emu:calls_of("sendPhoto")) do
      if c.status == 200 and tonumber(c.params.chat_id) == channel then at[#at + 1] = c.at end
    end
    assert.are.equal(N, #at)
    -- 15 at once, then one every 3 s: the last three over ~9 s, never 20 in a minute
    assert.is_true(at[N] - at[1] >= (N - 15) * 3 - 0.5, ("%d posts in %.1f s"):format(N, at[N] - at[1]))
    for i = 16, N do
      assert.is_true(at[i] - at[i - 1] >= 2.5, ("post %d came %.2f s after the one before"):format(i, at[i] - at[i - 1]))
    end
  end)
end)
