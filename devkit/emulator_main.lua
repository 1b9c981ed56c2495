-- devkit/emulator_main.lua — the emulator as a process of its own, for
-- `make demo` (tools/demo.sh) and for trying the bot by hand:
--
--   guldasta run devkit/emulator_main.lua [[HOST:]PORT]
--
-- Serves the Bot API on HOST:PORT (default 127.0.0.1:8081, or EMULATOR_LISTEN)
-- for the token BOT_TOKEN, with the shop's chats (FLORIST_CHAT_ID,
-- COURIER_CHAT_ID, SHOP_CHANNEL_ID) and the owners (OWNER_TG_IDS) known, and
-- runs until killed. Point the bot at it: TELEGRAM_API_URL=http://HOST:PORT.
-- The chat simulator page (devkit/sim/server.lua), when present, is
-- served by the same server with a persona per role (customer, florist,
-- courier, marketer, manager, the owners) and the shop's chats.
-- EMULATOR_LIMITS=0 turns Telegram's flood limits off.
local Emulator = require "devkit.emulator"
local config = require "config"
local timer = require "timer"
local log = require "log"

local listen = (...) or os.getenv("EMULATOR_LISTEN") or "8081"
local host, port = listen:match("^(.+):(%d+)$")
if not host then host, port = "127.0.0.1", listen:match("^%d+$") end
assert(port, "usage: guldasta run devkit/emulator_main.lua [[HOST:]PORT]")

local emu = Emulator.start {
  token = config.bot_token or "test-token",
  host = host, port = tonumber(port),
  log_calls = false,
  limits = os.getenv("EMULATOR_LIMITS") ~= "0" and {} or false,
}

local chats = {}
-- In the florists' channel the simulator presses buttons as the florist, in
-- the couriers' group as the courier (tools/demo.sh grants them the roles).
-- The shop's channel is read as its subscribers read it: the marketer's
-- posts appear there, and a post's [Order] button opens the bot as the
-- customer.
for _, c in ipairs {
  { config.florist_chat_id, "channel", "Florists", "florist" },
  { config.courier_chat_id, "supergroup", "Couriers", "courier" },
  { config.shop_channel_id, "channel", "Guldasta", nil, true },
} do
  local id = math.tointeger(tonumber(c[1] or ""))
  if id and id < 0 then
    emu:chat(id, { type = c[2], title = c[3] })
    chats[#chats + 1] = { id = id, type = c[2], title = c[3], actor = c[4], shop = c[5] }
  end
end
-- Every role of the shop has a persona; tools/demo.sh grants the staff
-- ones their roles (the owners are OWNER_TG_IDS).
local personas = {
  { key = "customer", id = 700001, first_name = "Dilnoza" },
  { key = "florist", id = 700101, first_name = "Malika (florist)", language_code = "uz" },
  { key = "courier", id = 700201, first_name = "Jasur (courier)", language_code = "ru" },
  { key = "marketer", id = 700301, first_name = "Madina (marketer)", language_code = "ru" },
  { key = "manager", id = 700401, first_name = "Aziz (manager)", language_code = "ru" },
}
for i, id in ipairs(config.owner_tg_ids or {}) do
  personas[#personas + 1] = { key = i == 1 and "owner" or ("owner" .. i), id = id, first_name = "Owner" }
end
for _, p in ipairs(personas) do emu:user(p) end

if package.searchpath("devkit.sim.server", package.path) then
  require("devkit.sim.server").install(emu, { personas = personas, chats = chats })
end

log.info("Bot API emulator listening", { url = emu.api_url })
io.stdout:write("emulator: http://" .. host .. ":" .. emu.port .. "\n")
io.stdout:flush()
while true do timer.sleep(3600) end
