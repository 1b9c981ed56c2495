-- bench/broadcast_bench.lua — a batch of reminders through the engine's
-- own reminder job (bot/reminders.lua, its timer in bot/init.lua) against
-- the Bot API emulator with Telegram's flood limits on at Telegram's
-- numbers (30 messages/s overall, 1/s to one chat). BENCH_CUSTOMERS (10 000)
-- customers, each with a delivered birthday order and a reminder opted in
-- through shop/reminders.lua (the orders themselves are inserted in bulk),
-- all due before `guldasta serve` starts. Prints the time from the first
-- reminder the emulator took to the last, the 429s it answered, the most
-- messages in any one second and the most to one chat; the target is
-- BENCH_CUSTOMERS / 30 s × 1.05 with zero 429s. Not a test. Run against
-- private services, never the shop's database (it writes users, orders
-- and reminders, and deletes them again at the end):
--
--   make build-asan   # or build/release
--   tools/services.sh start build/services-bench && . build/services-bench/env
--   GULDASTA_ROOT=$PWD build/release/guldasta migrate
--   GULDASTA_ROOT=$PWD build/release/guldasta-dev run bench/broadcast_bench.lua
local pg = require "pg"
local timer = require "timer"
local Emulator = require "devkit.emulator"
local conductor = require "bench.lib.conductor"
local reminders = require "shop.reminders"

local N = tonumber(os.getenv("BENCH_CUSTOMERS")) or 10000
local RATE = 30                            -- Telegram's, on both sides
local BASE = 930000000                     -- tg ids BASE + 1..N

local function q(sql, ...) return assert(pg.query(sql, ...)) end
local say = conductor.say

local function cleanup()
  q("DELETE FROM orders WHERE customer_id IN (SELECT id FROM users WHERE tg_id > $1 AND tg_id <= $1 + 1000000)", BASE)
  q("DELETE FROM users WHERE tg_id > $1 AND tg_id <= $1 + 1000000", BASE)
end

-- Customers with a delivered birthday order each (today, so the reminder's
-- date is a year ahead), opted in by the shop's own code, then made due.
local function fixture()
  q([[INSERT INTO users (tg_id, name, lang)
      SELECT $1::bigint + g, 'User' || ($1::bigint + g), CASE WHEN g % 2 = 0 THEN 'ru' ELSE 'uz' END
        FROM generate_series(1, $2::int) g]], BASE, N)
  local orders = q([[
    INSERT INTO orders (customer_id, status, lang, delivery_date, occasion, recipient_name, recipient_phone, address)
    SELECT u.id, 'delivered', u.lang, current_date, 'birthday', 'Malika', '+998901234567', 'Bukhara'
      FROM users u WHERE u.tg_id > $1 AND u.tg_id <= $1 + $2
    RETURNING id, customer_id]], BASE, N)
  for _, o in ipairs(orders) do assert(reminders.opt_in({ id = o.customer_id }, o.id)) end
  q([[UPDATE reminders r SET due_at = now() - interval '1 minute'
        FROM users u WHERE u.id = r.customer_id AND u.tg_id > $1 AND u.tg_id <= $1 + $2]], BASE, N)
  return #orders
end

local bench = conductor.new { logs = "broadcast" }
local ok, err = pcall(function()
  cleanup()
  local t0 = timer.monotonic()
  local made = fixture()
  say("%d customers with a reminder due, made in %.1f s", made, timer.monotonic() - t0)

  local emu = Emulator.start { token = bench.env.BOT_TOKEN, limits = { global_rate = RATE } }
  for i = 1, N do emu:user { id = BASE + i, first_name = "User" .. (BASE + i) } end
  local started = timer.monotonic()
  emu:chat(-1009300000001, { type = "channel", title = "Florists" })
  emu:chat(-1009300000002, { type = "supergroup", title = "Couriers" })
  bench:start_serve(emu.api_url, false, { TG_GLOBAL_RATE = tostring(RATE), FLORIST_CHAT_ID = "-1009300000001",
    COURIER_CHAT_ID = "-1009300000002", SHOP_CHANNEL_ID = "-1009300000003", OWNER_TG_IDS = "1",
    OWNER_CHAT_ID = "1" })
  say("guldasta serve up in %.1f s; waiting for %d reminders", timer.monotonic() - started, N)

  local function delivered()
    return q([[SELECT count(*)::int AS n FROM reminders r JOIN users u ON u.id = r.customer_id
                WHERE u.tg_id > $1 AND u.tg_id <= $1 + $2 AND r.sent_at IS NOT NULL]], BASE, N)[1].n
  end
  local deadline = started + N / RATE * 2 + 120
  local n, shown = 0, 0
  while timer.monotonic() < deadline do
    n = delivered()
    if n >= N then break end
    if timer.monotonic() - shown > 30 then
      say("  %d sent after %.0f s", n, timer.monotonic() - started)
      shown = timer.monotonic()
    end
    timer.sleep(1)
  end
  local wall = timer.monotonic() - started

  local sent, per_chat = {}, {}
  for _, c in ipairs(emu:calls_of("sendMessage")) do
    local chat = tonumber(c.params.chat_id)
    if c.status == 200 and chat and chat > BASE and chat <= BASE + N then
      sent[#sent + 1] = c.at
      per_chat[chat] = (per_chat[chat] or 0) + 1
    end
  end
  local most_chat = 0
  for _, k in pairs(per_chat) do most_chat = math.max(most_chat, k) end
  local most_second, j = 0, 1
  for i = 1, #sent do
    while sent[i] - sent[j] >= 1 do j = j + 1 end
    most_second = math.max(most_second, i - j + 1)
  end
  local span = #sent > 1 and sent[#sent] - sent[1] or 0
  local target = N / RATE * 1.05
  print(("reminders: %d of %d marked sent, %d taken by the emulator, to %d chats"):format(n, N, #sent,
    (function() local c = 0 for _ in pairs(per_chat) do c = c + 1 end return c end)()))
  print(("first to last: %.1f s (%.2f/s); from serve's start: %.1f s; target %.1f s: %s")
    :format(span, span > 0 and (#sent - 1) / span or 0, wall, target, span <= target and "met" or "NOT met"))
  print(("429s from the emulator: %d; most in one second: %d; most to one chat: %d")
    :format(emu.stats.rate_limited, most_second, most_chat))
  emu:stop()
end)
if ok then pcall(cleanup) end
bench:finish(ok, err)
