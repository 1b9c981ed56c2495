-- spec/support/payments.lua — what the payment specs share: `guldasta
-- serve` with Payme and Click configured (a fresh key each time), talking
-- to a Bot API emulator in the spec's process; the provider doubles of
-- devkit/ pointed at it; orders awaiting online payment made with SQL.
--
--   local pay = require "support.payments"
--   local env = pay.start()              -- env.srv, env.emu, env.payme, env.click, env.stop()
--   local o = pay.order { price = 5000000, count = 2 }   -- { id =, total =, products = {...} }
--   pay.payments(o.id); pay.calls { provider = "payme" }
local pg = require "pg"
local crypto = require "crypto"
local fx = require "support.orders"
local server = require "support.server"
local Payme = require "devkit.providers.payme_caller"
local Click = require "devkit.providers.click_caller"

local M = {}

M.MERCHANT_ID = "5e730e8e0b852a417aa49ceb"
M.SERVICE_ID = "31337"
M.CLICK_MERCHANT_ID = "11111"
M.SECRET = "click-secret-" .. crypto.hex(crypto.random_bytes(4))

local function q(sql, ...)
  local rows, err, code = pg.query(sql, ...)
  if not rows then error(("support.payments: %s (%s)"):format(tostring(err), tostring(code)), 3) end
  for _, r in ipairs(rows) do
    for k, v in pairs(r) do if v == pg.null then r[k] = nil end end
  end
  return rows
end

-- opts.env: more variables (or false to leave a provider's out); opts.root:
-- a copy of the project to serve from (support.root).
function M.start(opts)
  opts = opts or {}
  local emu = fx.telegram()
  -- the owner's chat, where what the owner must know of payments goes
  emu.owner_chat = -(3000000000000 + string.unpack("<I4", crypto.random_bytes(4)) % 100000000)
  emu:chat(emu.owner_chat, { type = "supergroup", title = "Owner" })
  local key = "key-" .. crypto.hex(crypto.random_bytes(14))
  local env = {
    BOT_TOKEN = require("config").bot_token, TELEGRAM_API_URL = emu.api_url,
    FLORIST_CHAT_ID = tostring(emu.florists), COURIER_CHAT_ID = tostring(emu.couriers),
    OWNER_TG_IDS = "1", OWNER_CHAT_ID = tostring(emu.owner_chat), LOG_LEVEL = "warn", GULDASTA_WATCH = "0",
    PAYME_MERCHANT_ID = M.MERCHANT_ID, PAYME_KEY = key,
    CLICK_SERVICE_ID = M.SERVICE_ID, CLICK_MERCHANT_ID = M.CLICK_MERCHANT_ID, CLICK_SECRET_KEY = M.SECRET,
  }
  for k, v in pairs(opts.env or {}) do env[k] = v or nil end
  local ok, srv = pcall(server.start, { env = env, root = opts.root })
  if not ok then fx.stop(emu); error(srv, 0) end
  return {
    emu = emu, srv = srv, key = key,
    payme = Payme.new { url = srv.url .. "/payments/payme", key = key },
    click = Click.new { url = srv.url .. "/payments/click", service_id = M.SERVICE_ID, secret = M.SECRET },
    stop = function() srv:stop(); fx.stop(emu); M.close_orders() end,
  }
end

local function digits(n)
  local s = ""
  for _ = 1, n do s = s .. tostring(string.byte(crypto.random_bytes(1)) % 10) end
  return s
end

-- A product with its fiscal codes (mxik = false: without them; active =
-- true: in the catalog, for the bot's customers).
function M.product(opts)
  opts = opts or {}
  local id = fx.product { price = opts.price or 5000000, on_hand = opts.on_hand or 50, name = opts.name,
                          active = opts.active }
  if opts.mxik ~= false then
    q("UPDATE products SET mxik_code = $2, package_code = $3, vat_percent = $4 WHERE id = $1",
      id, "0" .. digits(16), digits(6), opts.vat or 12)
  end
  return id
end

-- Every order made here, so stop() can close them.
local made = {}

-- Closes the orders made here that are still open: a later spec's engine
-- would otherwise post a paid one to its florists (the repost sweep) or
-- hold stock for it.
function M.close_orders()
  if not made[1] then return end
  q([[UPDATE orders SET status = 'cancelled', cancelled_at = now()
       WHERE id = ANY($1::bigint[]) AND status IN ('new', 'pending', 'paid')]], pg.array(made))
  made = {}
end

-- An order awaiting online payment: status pending, payment_status
-- pending, payment_method opts.method ("payme"). opts.items { {product, count, unit_price} }
-- or one product of opts.price x opts.count; opts.total overrides the sum,
-- opts.delivery_fee, opts.lang, opts.customer, opts.status.
function M.order(opts)
  opts = opts or {}
  local items = opts.items
  if not items then
    local price = opts.price or 5000000
    items = { { M.product { price = price, mxik = opts.mxik }, opts.count or 1, price } }
  end
  local sum = 0
  for _, it in ipairs(items) do sum = sum + it[3] * it[2] end
  local fee = opts.delivery_fee or 0
  local customer = opts.customer or fx.customer { lang = opts.lang or "ru" }
  local id = fx.order { customer = customer, items = items, status = opts.status or "pending",
                        payment_method = opts.method or "payme", lang = opts.lang or "ru",
                        total = opts.total or (sum + fee) }
  q("UPDATE orders SET payment_status = $2, delivery_fee = $3, items_total = $4 WHERE id = $1",
    id, opts.payment_status or "pending", fee, sum)
  made[#made + 1] = id
  local products = {}
  for i, it in ipairs(items) do products[i] = it[1] end
  return { id = id, total = opts.total or (sum + fee), products = products, customer = customer }
end

function M.row(id) return fx.row(id) end

-- A pay button's link read as the provider's page reads it.
M.parse_link = require("devkit.providers.checkout_link").read

-- The order's payments rows, oldest first.
function M.payments(order_id)
  return q("SELECT * FROM payments WHERE order_id = $1 ORDER BY id", order_id)
end

-- payment_calls rows matching `where` (provider, method, provider_tx_id,
-- order_id, authentic), oldest first.
function M.calls(where)
  local rows = q([[SELECT * FROM payment_calls
                   WHERE ($1::text IS NULL OR provider = $1) AND ($2::text IS NULL OR method = $2)
                     AND ($3::text IS NULL OR provider_tx_id = $3) AND ($4::bigint IS NULL OR order_id = $4)
                     AND ($5::boolean IS NULL OR authentic = $5)
                   ORDER BY id]], where.provider, where.method, where.tx_id, where.order_id, where.authentic)
  return rows
end

-- Stamps of everything a forged call could have changed, to compare
-- before and after: the order row, its payments, the payments count.
function M.snapshot(order_id)
  local o = fx.row(order_id)
  local p = q("SELECT count(*)::int AS n, coalesce(max(updated_at)::text, '') AS at FROM payments")[1]
  return { status = o.status, payment_status = o.payment_status, updated_at = o.updated_at,
           payments = p.n, payments_at = p.at }
end

return M
