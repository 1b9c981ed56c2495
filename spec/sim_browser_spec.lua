-- spec/sim_browser_spec.lua — the chat simulator of `make demo` in a real
-- browser. Three processes, as in the demo: the Bot API emulator with the
-- simulator page (`guldasta run devkit/emulator_main.lua`), the bot
-- (`guldasta serve` against it), and headless Chromium driven by
-- playwright-core (spec/browser/sim.test.mjs, run with node). The page must
-- load, /start must bring the language question, a button press must change
-- the conversation, a deep link must show a product card whose photo the
-- browser decodes, "add to cart" must show its toast, the checkout's reply
-- keyboard must be drawn and its request_contact button share a contact,
-- the page's icon must be there; and the marketer's persona must post a
-- product to the shop's channel, which shows it, whose [Order] button opens
-- the product in the customer's chat, and an album there is one group of
-- photos.
--
--   build/asan/guldasta-dev run spec/runner.lua spec/sim_browser_spec.lua
--
-- Needs node, node_modules/playwright-core and /usr/bin/chromium
-- (tools/deps.sh installs them). The test prints which node (path and
-- version) and which playwright-core it runs with, and when it cannot run
-- it fails saying why (spec/support/browser_tools.lua).
local proc = require "proc"
local http = require "http"
local fs = require "fs"
local crypto = require "crypto"
local engine = require "engine"
local config = require "config"
local timer = require "timer"
local pg = require "pg"
local stock = require "shop.stock"
local server = require "support.server"
local bot = require "support.bot"
local browser_tools = require "support.browser_tools"

local BROWSER_TIMEOUT = 180   -- seconds for the whole browser run
local SHOP_CHANNEL = "-1003"
local MARKETER = 700301       -- devkit/emulator_main.lua's marketer persona

-- The emulator process on a free port; returns its handle, URL and log.
local function start_emulator(token)
  for _ = 1, 5 do
    local port = math.random(20000, 59000)
    local log = os.tmpname()
    local p = assert(proc.spawn({ engine.executable(), "run", config.root .. "/devkit/emulator_main.lua",
                                  "127.0.0.1:" .. port },
      { env = { BOT_TOKEN = token, LOG_LEVEL = "warn", FLORIST_CHAT_ID = "-1001", COURIER_CHAT_ID = "-1002",
                SHOP_CHANNEL_ID = SHOP_CHANNEL }, stdout = log, stderr = log }))
    local url = "http://127.0.0.1:" .. port
    local deadline = timer.monotonic() + 15
    while timer.monotonic() < deadline and p:running() do
      local res = http.request { url = url .. "/sim/api/state", timeout = 2 }
      if res and res.status == 200 then return p, url, log end
      timer.sleep(0.05)
    end
    if p:running() then p:kill("KILL"); p:wait() end
    os.remove(log)
  end
  error("the emulator process did not start")
end

local function stop(p)
  if p and p:running() then
    p:kill("TERM")
    if not p:wait(10) then p:kill("KILL"); p:wait() end
  end
end

describe("the chat simulator in headless Chromium", function()
  local emu_proc, emu_url, emu_log, srv, fx, media, token

  setup(function()
    token = "sim" .. crypto.hex(crypto.random_bytes(6))
    emu_proc, emu_url, emu_log = start_emulator(token)
    media = "/tmp/guldasta-sim-spec-" .. crypto.hex(crypto.random_bytes(6))
    assert(proc.run({ "mkdir", "-p", media .. "/spec" }).code == 0)
    fx = bot.catalog({ media_dir = media })
    -- the spec's catalog has no stock: the browser puts a rose in its cart
    assert(pg.query("INSERT INTO stock (product_id, on_hand) VALUES ($1, 5)", fx.rose))
    stock.forget({ fx.rose })
    -- the marketer persona posts to the channel, as tools/demo.sh grants it
    require("support.orders").staff("marketing", { tg_id = MARKETER, lang = "ru", name = "Madina" })
    srv = server.start { env = { BOT_TOKEN = token, TELEGRAM_API_URL = emu_url, MEDIA_DIR = media,
                                 OWNER_TG_IDS = "1", LOG_LEVEL = "warn", GULDASTA_WATCH = "0",
                                 SHOP_CHANNEL_ID = SHOP_CHANNEL } }
  end)

  teardown(function()
    if srv then srv:stop() end
    stop(emu_proc)
    if emu_log then os.remove(emu_log) end
    if fx then stock.forget({ fx.rose }) end
    bot.drop_catalog(fx)
    if media then proc.run({ "rm", "-rf", media }) end
  end)

  it("serves the page and its scripts", function()
    local page = assert(http.get(emu_url .. "/"))
    assert.are.equal(200, page.status)
    assert.is_truthy(page.body:find("chat simulator", 1, true))
    for _, f in ipairs { "/sim/sim.js", "/sim/sim.css" } do
      assert.are.equal(200, assert(http.get(emu_url .. f)).status, f)
    end
    assert.are.equal(404, assert(http.get(emu_url .. "/sim/../emulator_main.lua")).status)
    local icon = assert(http.get(emu_url .. "/favicon.ico"))
    assert.are.equal(200, icon.status)
    assert.are.equal("image/png", icon.headers["content-type"])
    assert.are.equal("\137PNG\r\n\26\n", icon.body:sub(1, 8))
  end)

  it("talks to the bot: /start, the language buttons, a deep link with a photo", function()
    local tools = browser_tools.find()
    io.stdout:write(tools.summary, "\n")
    assert(tools.ok, tools.why)
    local res = assert(proc.run({ tools.node.path, config.root .. "/spec/browser/sim.test.mjs", emu_url .. "/", fx.rose,
                                fx.code .. "-rose", token },
      { cwd = config.root, timeout = BROWSER_TIMEOUT }))
    local out = res.stdout .. res.stderr
    local why = out .. "\n--- emulator log:\n" .. (fs.read(emu_log) or "") .. "\n--- bot log:\n" .. srv:log()
    assert.are.equal(0, res.code, why)
    assert.is_truthy(out:find("ok - page loads", 1, true), why)
    assert.is_truthy(out:find("ok - /start gets the language question", 1, true), why)
    assert.is_truthy(out:find("ok - pressing a button changes the conversation", 1, true), why)
    assert.is_truthy(out:find("ok - the deep link shows the product card with its photo (8x8)", 1, true), why)
    assert.is_truthy(out:find("ok - a button answered with a toast shows it: ", 1, true), why)
    assert.is_truthy(out:find("ok %- the reply keyboard's \"[^\n]+\" shares the contact and the bot goes on"), why)
    assert.is_truthy(out:find("ok - /favicon.ico is an image (200, image/png, 32 px wide)", 1, true), why)
    assert.is_truthy(out:find("ok - ?staff=1 shows customer, florist and courier side by side", 1, true), why)
    assert.is_truthy(out:find("ok - the marketer's chat: /post " .. fx.code .. "-rose previews the post", 1, true), why)
    assert.is_truthy(out:find("ok - the shop's channel shows the post with its photo and [Order] (p_" .. fx.rose .. "_", 1, true), why)
    assert.is_truthy(out:find("ok - [Order] in the channel opens the product in the customer's chat", 1, true), why)
    assert.is_truthy(out:find("ok - an album in the channel is one group of 2 photos", 1, true), why)
  end)
end)
