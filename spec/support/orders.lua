-- spec/support/orders.lua — orders made with SQL for specs of what happens
-- after checkout (the florists, the couriers, cancellation), and a Bot API
-- emulator in the spec's own process for specs that call shop modules
-- directly (their messages must go somewhere real).
--
--   local fx = require "support.orders"
--   local rose = fx.product { on_hand = 20, price = 1500000 }
--   local box  = fx.composition { { rose, 7 }, { fx.product { kind = "extra" }, 1 } }
--   local customer = fx.customer { lang = "uz" }            -- users row (id, tg_id)
--   local florist = fx.staff("florist")                      -- users.find(tg_id): roles loaded
--   local id = fx.order { customer = customer, items = { { rose, 3 }, { box, 1 } }, card_text = "..." }
--   fx.on_hand(rose) --> 20;  fx.events(id);  fx.log(id)
--
-- Products get unique codes ("spec-ord-<tag>-<n>") and are inactive by
-- default, so catalog and search specs never see them. An order is
-- inserted as checkout would leave it: the order, its items, the first
-- order_events row (NULL -> new).
local pg = require "pg"
local crypto = require "crypto"
local config = require "config"

local M = {}

local function rand(n) return crypto.hex(crypto.random_bytes(n)) end

local seq = 0
local tag = rand(4)

local function q(sql, ...)
  local rows, err, code = pg.query(sql, ...)
  if not rows then error(("support.orders: %s (%s)"):format(tostring(err), tostring(code)), 3) end
  return rows
end

-- A fresh Telegram id (distinct across specs and runs).
function M.tg_id()
  return 700000000 + (string.unpack("<I4", crypto.random_bytes(4)) % 90000000)
end

-- opts: kind ("stem"), price (tiyin, 1 000 000), on_hand (10), name,
-- active (false). Returns the product id.
function M.product(opts)
  opts = opts or {}
  seq = seq + 1
  local code = ("spec-ord-%s-%d"):format(tag, seq)
  local name = opts.name or ("Spec item " .. tag .. "-" .. seq)
  local id = q([[INSERT INTO products (code, kind, name_ru, name_uz, price, active)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id]],
    code, opts.kind or "stem", opts.name_ru or name, opts.name_uz or name,
    opts.price or 1000000, opts.active == true)[1].id
  q("INSERT INTO stock (product_id, on_hand) VALUES ($1, $2)", id, opts.on_hand or 10)
  return id
end

-- A composition of parts { {product_id, count}, ... } (its own stock row
-- is 0: selling it consumes the parts).
function M.composition(parts, opts)
  opts = opts or {}
  opts.kind = "composition"
  opts.on_hand = opts.on_hand or 0
  local id = M.product(opts)
  for _, p in ipairs(parts) do
    q("INSERT INTO composition_items (composition_id, component_id, count) VALUES ($1, $2, $3)", id, p[1], p[2])
  end
  return id
end

-- A user (created or updated): opts.tg_id, lang, name. Returns the user
-- as shop/users.lua reads it (id, tg_id, lang, role_set...).
function M.customer(opts)
  opts = opts or {}
  local tg_id = opts.tg_id or M.tg_id()
  local row = q([[INSERT INTO users (tg_id, name, lang) VALUES ($1, $2, $3)
                  ON CONFLICT (tg_id) DO UPDATE SET name = coalesce(EXCLUDED.name, users.name),
                                                    lang = coalesce(EXCLUDED.lang, users.lang)
                  RETURNING id, tg_id]], tg_id, opts.name or ("Customer " .. tg_id), opts.lang)[1]
  return require("shop.users").find(row.tg_id)
end

-- A staff member with `role` (a user_roles row, as /grant would make):
-- returns the user as shop/users.lua reads it (roles included). lang = false:
-- one who never chose a language.
function M.staff(role, opts)
  opts = opts or {}
  local lang = opts.lang
  if lang == nil then lang = "ru" elseif lang == false then lang = nil end
  local u = M.customer { tg_id = opts.tg_id, lang = lang, name = opts.name }
  if role == "client" then return u end
  for r in tostring(role):gmatch("[^,]+") do
    q("INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING", u.id, r)
  end
  return require("shop.users").find(u.tg_id)
end

-- opts.customer (a users row), opts.items { {product_id, count[, unit_price[, options]]}, ... },
-- and any of: status ('new'), total, lang, recipient_name, recipient_phone,
-- address, landmark, lat, lon, zone, delivery_date ('YYYY-MM-DD'),
-- slot_start, slot_end ('HH:MM'), anonymous, surprise, card_text, note,
-- payment_method ('cash'), occasion. Returns the order id.
function M.order(opts)
  local c = assert(opts.customer, "order needs a customer")
  local total = 0
  for _, it in ipairs(opts.items) do total = total + (it[3] or 1000000) * it[2] end
  local id = q([[
    INSERT INTO orders (customer_id, status, items_total, total, lang, recipient_name, recipient_phone,
                        address, landmark, lat, lon, zone, delivery_date, slot_start, slot_end,
                        anonymous, surprise, card_text, note, payment_method, occasion)
    VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::date, $13::time, $14::time,
            $15, $16, $17, $18, $19, $20)
    RETURNING id]],
    c.id, opts.status or "new", opts.total or total, opts.lang, opts.recipient_name or "Malika",
    opts.recipient_phone or "+998901234567", opts.address or "Bukhara, Mustaqillik 12",
    opts.landmark, opts.lat, opts.lon, opts.zone or "Z1", opts.delivery_date or "2030-03-08",
    opts.slot_start or "09:00", opts.slot_end or "12:00", opts.anonymous == true, opts.surprise == true,
    opts.card_text, opts.note, opts.payment_method or "cash", opts.occasion)[1].id
  for _, it in ipairs(opts.items) do
    q([[INSERT INTO order_items (order_id, product_id, count, unit_price, options)
        VALUES ($1, $2, $3, $4, $5::jsonb)]], id, it[1], it[2], it[3] or 1000000, it[4] or {})
  end
  q("INSERT INTO order_events (order_id, from_status, to_status, actor_id) VALUES ($1, NULL, 'new', $2)", id, c.id)
  return id
end

function M.on_hand(product_id)
  return q("SELECT on_hand FROM stock WHERE product_id = $1", product_id)[1].on_hand
end

function M.set_on_hand(product_id, n)
  q("UPDATE stock SET on_hand = $2 WHERE product_id = $1", product_id, n)
end

-- The order's events, oldest first: { {from=, to=, actor=, note=}, ... }
-- (from is nil for the creation).
function M.events(order_id)
  local out = {}
  for _, r in ipairs(q([[SELECT from_status, to_status, actor_id, note FROM order_events
                          WHERE order_id = $1 ORDER BY id]], order_id)) do
    out[#out + 1] = { from = r.from_status ~= pg.null and r.from_status or nil, to = r.to_status,
                      actor = r.actor_id ~= pg.null and r.actor_id or nil,
                      note = r.note ~= pg.null and r.note or nil }
  end
  return out
end

-- The order's inventory_log rows: { {product=, delta=, reason=, actor=}, ... }.
function M.log(order_id)
  local out = {}
  for _, r in ipairs(q([[SELECT product_id, delta, reason, actor_id FROM inventory_log
                          WHERE order_id = $1 ORDER BY id]], order_id)) do
    out[#out + 1] = { product = r.product_id, delta = r.delta, reason = r.reason,
                      actor = r.actor_id ~= pg.null and r.actor_id or nil }
  end
  return out
end

function M.row(order_id)
  local r = q("SELECT * FROM orders WHERE id = $1", order_id)[1]
  for k, v in pairs(r) do if v == pg.null then r[k] = nil end end
  return r
end

-- {======================================================================
-- Telegram for specs that call shop modules in their own process
-- =======================================================================

-- A staff member with `role` who is also a user of the emulator `emu`:
-- returns the user (as staff() does) and the emulator's person.
function M.person(emu, role, lang, name)
  local tg = M.tg_id()
  return M.staff(role, { tg_id = tg, lang = lang, name = name }), emu:user { id = tg, first_name = name }
end

-- The spec's own florists' channel and couriers' group: fresh ids per
-- call, so the flood limits of one spec's posts never slow another's.
local function chat_id()
  return -(1000000000000 + string.unpack("<I4", crypto.random_bytes(4)) % 100000000)
end

local saved

-- Starts a Bot API emulator in this process for BOT_TOKEN (no flood
-- limits) and points this process's tg module and configuration at it:
-- TELEGRAM_API_URL, and FLORIST_CHAT_ID / COURIER_CHAT_ID set to a new
-- channel and group it registers. Customers and staff must be emu:user{}s
-- to receive messages. Returns emu, with emu.florists and emu.couriers
-- (the chat ids). M.stop(emu) in teardown puts the configuration back.
function M.telegram()
  local Emulator = require "devkit.emulator"
  local emu = Emulator.start { token = config.bot_token, limits = false }
  saved = { config.telegram_api_url, config.florist_chat_id, config.courier_chat_id }
  emu.florists, emu.couriers = chat_id(), chat_id()
  config.telegram_api_url = emu.api_url
  config.florist_chat_id, config.courier_chat_id = tostring(emu.florists), tostring(emu.couriers)
  emu:chat(emu.florists, { type = "channel", title = "Florists" })
  emu:chat(emu.couriers, { type = "supergroup", title = "Couriers" })
  -- this process presents the shop's order events, as the bot does
  require("bot.order_notices").subscribe()
  return emu
end

-- The environment of a `guldasta serve` (support.server.start { env = })
-- talking to emulator `emu` (M.telegram) with its chats, whose owner —
-- tg id `owner_tg` — has the owner's chat in their private chat.
function M.serve_env(emu, owner_tg)
  return {
    BOT_TOKEN = config.bot_token, TELEGRAM_API_URL = emu.api_url,
    FLORIST_CHAT_ID = tostring(emu.florists), COURIER_CHAT_ID = tostring(emu.couriers),
    OWNER_TG_IDS = tostring(owner_tg), OWNER_CHAT_ID = tostring(owner_tg),
    LOG_LEVEL = "warn", GULDASTA_WATCH = "0",
  }
end

-- The same emulator, and `guldasta serve` (the whole bot) talking to it
-- with the same token and chats, so the spec can both call shop modules
-- (flow.placed) and play the people. opts.owner: OWNER_TG_IDS; opts.env:
-- more variables (OWNER_CHAT_ID, ...).
-- Returns { emu =, srv =, stop = function }.
function M.bot(opts)
  opts = opts or {}
  local server = require "support.server"
  local emu = M.telegram()
  local env = {
    BOT_TOKEN = config.bot_token,
    TELEGRAM_API_URL = emu.api_url,
    FLORIST_CHAT_ID = tostring(emu.florists),
    COURIER_CHAT_ID = tostring(emu.couriers),
    OWNER_TG_IDS = tostring(opts.owner or 1),
    LOG_LEVEL = "warn",
    GULDASTA_WATCH = "0",
  }
  for k, v in pairs(opts.env or {}) do env[k] = v end
  local ok, srv = pcall(server.start, { env = env })
  if not ok then M.stop(emu); error(srv, 0) end
  return { emu = emu, srv = srv, stop = function()
    srv:stop()
    M.stop(emu)
  end }
end

-- The whole bot (M.bot) with an owner who has a private chat with it, in
-- Russian, the owner's chat being that chat. Returns b, emu, owner_id and
-- the owner as an emulator user.
function M.owner_bot(opts)
  opts = opts or {}
  local owner_id = M.tg_id()
  local env = { OWNER_CHAT_ID = tostring(owner_id) }
  for k, v in pairs(opts.env or {}) do env[k] = v end
  local b = M.bot { owner = owner_id, env = env }
  M.customer { tg_id = owner_id, lang = "ru", name = "Owner" }
  return b, b.emu, owner_id, b.emu:user { id = owner_id, first_name = "Owner" }
end

function M.stop(emu)
  if emu then emu:stop() end
  if saved then
    config.telegram_api_url, config.florist_chat_id, config.courier_chat_id = saved[1], saved[2], saved[3]
    saved = nil
  end
end

return M
