-- scripts/shop/orders_new.lua — placing an order: the customer pressed
-- Confirm on the checkout's last screen.
--
--   orders_new.place(user, draft) -> order_id, existed | nil, reason[, detail]
--
-- draft (bot/checkout.lua builds it from the checkout state):
--   token            the checkout's own id: one order per confirmed checkout
--   total            the total the customer saw on the confirmation screen
--   lang, recipient_name, recipient_phone (E.164), address, landmark,
--   lat, lon (a pin, or nil), zone ("Z1"…), delivery_date ("YYYY-MM-DD"),
--   slot_start, slot_end ("09:00"), surprise, anonymous (booleans),
--   card_text (verbatim, or nil), promo_code (or nil), payment_method
--   ("cash", or "payme" / "click": the order is placed `pending`, awaiting
--   its payment, and reaches the florists only when paid)
--
-- reason (the caller turns it into a sentence and a step to go back to):
--   "cart_empty"      nothing in the cart (the reservation ran out)
--   "gone"            a product left the catalog
--   "price_changed"   the quote differs from draft.total; detail = the new q
--   "slot_full"       the window filled up meanwhile
--   "slot_gone"       the window closed (cut-off, lead time); detail = why
--   "promo_<why>"     the promo code is no longer valid (shop/promo.lua's why)
--   "quote_failed"    pricing refused; detail = its reason key (templates)
--   "db"              PostgreSQL failed; nothing was written
--
-- ONE PostgreSQL transaction writes: the order (status 'new', its totals,
-- and the very quote object shown as breakdown), its items, its first
-- order_events row (NULL -> new, by the customer), one place in the
-- delivery window, and the promo code's use. The order row goes in first
-- with ON CONFLICT (checkout_token) DO NOTHING, so a second Confirm of
-- the same checkout — a double tap handled by another process, or a tap
-- after a crash — finds the first order and writes nothing; the window's
-- place is taken last, so its row lock (shop/slot_book.lua) is held for
-- one statement and the COMMIT.
--
-- After the commit: the cart's reservation becomes the order's
-- (stock.convert "u:<uid>" -> "o:<id>"), the cart is emptied without giving
-- stock back, the checkout state is cleared, and the florists are told
-- (shop/order_flow.lua's placed, in its own unit of work so the customer's
-- answer does not wait for the channel's rate limit).
local pg = require "pg"
local log = require "log"
local engine = require "engine"
local stock = require "shop.stock"
local cart = require "shop.cart"
local slot_book = require "shop.slot_book"
local promo = require "shop.promo"
local quote = require "shop.quote"
local catalog = require "shop.catalog"

local M = {}

-- {======================================================================
-- What the order needs to know of the cart
-- =======================================================================

-- The longest preparation among the cart's products, in minutes: a
-- window is offered only if the florists have that long (R-S3).
function M.prep_minutes(c)
  local products = catalog.get().products
  local most = 0
  local function take(id)
    local p = products[id]
    local m = p and math.tointeger(p.prep_minutes)
    if m and m > most then most = m end
  end
  for _, l in ipairs(c.lines) do
    if l.kind == "product" then take(l.product_id)
    else
      for _, s in ipairs(l.stems or {}) do take(s.product_id) end
      for _, e in ipairs(l.extras or {}) do take(e.product_id) end
    end
  end
  return most
end

-- order_items rows from the quote (its prices are the ones shown): a
-- catalog product is one row; a constructor bouquet is one row per
-- component, each carrying the bouquet's options so the florist sees
-- which stems, wrap and card make one bouquet.
function M.items(c, q)
  local by_id = {}
  for _, l in ipairs(c.lines) do by_id[l.id] = l end
  local rows = {}
  for _, ql in ipairs(q.lines) do
    local l = by_id[ql.id] or {}
    if ql.kind == "bouquet" then
      local opts = { bouquet = ql.id, packaging = l.packaging, ribbon = l.ribbon == true,
                     card_text = l.card_text, occasion = l.occasion }
      for _, part in ipairs(ql.parts or {}) do
        local o = { what = part.what }
        for k, v in pairs(opts) do o[k] = v end
        rows[#rows + 1] = { product_id = part.product_id, count = part.count * ql.count,
                            unit_price = part.amount // part.count, options = o }
      end
    else
      rows[#rows + 1] = { product_id = l.product_id, count = ql.count, unit_price = ql.unit,
                          options = { line = ql.id } }
    end
  end
  return rows
end

-- {======================================================================
-- The transaction
-- =======================================================================

local INSERT_ORDER = [[
  INSERT INTO orders (customer_id, status, items_total, delivery_fee, discount, total, breakdown,
                      recipient_name, recipient_phone, address, landmark, lat, lon, zone,
                      delivery_date, slot_start, slot_end, anonymous, surprise, card_text,
                      payment_method, lang, checkout_token, promo_code, payment_status)
  VALUES ($1, $24, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13,
          $14::date, $15::time, $16::time, $17, $18, $19, $20, $21, $22, $23,
          CASE WHEN $24 = 'pending' THEN 'pending' ELSE 'unpaid' END)
  ON CONFLICT (checkout_token) DO NOTHING
  RETURNING id]]

-- The items and the first event in one statement.
local FINISH = [[
  WITH items AS (INSERT INTO order_items (order_id, product_id, count, unit_price, options)
                 SELECT $1, x.product_id, x.count, x.unit_price, x.options
                   FROM jsonb_to_recordset($2::jsonb)
                        AS x(product_id bigint, count integer, unit_price bigint, options jsonb))
  INSERT INTO order_events (order_id, from_status, to_status, actor_id) VALUES ($1, NULL, $4, $3)]]

-- An order paid online starts `pending` (awaiting its payment); cash, `new`.
local ONLINE = { payme = true, click = true }
function M.first_status(payment_method) return ONLINE[payment_method] and "pending" or "new" end

local function existing(token)
  local rows = pg.query("SELECT id FROM orders WHERE checkout_token = $1", token)
  return rows and rows[1] and rows[1].id
end

-- The order a checkout (its token) placed for this customer, or nil: a
-- second tap on Confirm is told which order the first one made.
function M.by_token(token, customer_id)
  local rows = pg.query("SELECT id FROM orders WHERE checkout_token = $1 AND customer_id = $2", token, customer_id)
  return rows and rows[1] and rows[1].id
end

local function write(user, d, q, window, items)
  return pg.transaction(function(tx)
    local discount = q.discount and q.discount.amount or 0
    local ins, err, code = tx:query(INSERT_ORDER,
      user.id, q.items, q.delivery and q.delivery.fee or 0, discount, q.total, q,
      d.recipient_name, d.recipient_phone, d.address, d.landmark, d.lat, d.lon, d.zone,
      d.delivery_date, d.slot_start, d.slot_end, d.anonymous == true, d.surprise == true, d.card_text,
      d.payment_method or "cash", d.lang, d.token, q.discount and q.discount.code or nil,
      M.first_status(d.payment_method))
    if not ins then return nil, err, code end
    if not ins[1] then
      -- the same checkout was confirmed already: that order stands
      local row = assert(tx:query("SELECT id FROM orders WHERE checkout_token = $1", d.token))[1]
      return row.id, true
    end
    local id = ins[1].id
    local ok
    ok, err, code = tx:query(FINISH, id, items, user.id, M.first_status(d.payment_method))
    if not ok then return nil, err, code end
    if q.discount then
      local took = promo.take(tx, q.discount.code, id, user.id)
      if not took then return nil, "promo_used_up" end
    end
    -- last: the window's row stays locked until COMMIT
    local slot_id, why = slot_book.book(tx, d.delivery_date, window.start, window["end"], window.capacity, id)
    if not slot_id then return nil, why end
    return id, false
  end)
end

-- {======================================================================
-- After the commit
-- =======================================================================

local function handed_over(user, id)
  local moved, err = stock.convert("u:" .. user.id, "o:" .. id)
  if not moved then
    -- the cart's hold lapsed between the last check and now: the order
    -- stands, the florist's acceptance checks stock in PostgreSQL anyway
    log.warn("order placed without its reservation", { order = id, user = user.id, err = err })
  end
  cart.clear(user.id, { keep_stock = true })
end

local function tell_florists(id)
  engine.spawn(function()
    local done, err = pcall(require("shop.order_flow").placed, id)
    if not done then log.error("order_flow.placed failed", { order = id, err = tostring(err) }) end
  end)
end

engine.help("guldasta_orders_placed_total", "counter", "orders written by the checkout")

-- {======================================================================
-- place
-- =======================================================================

function M.place(user, d)
  local prior = existing(d.token)
  if prior then
    handed_over(user, prior)
    return prior, true
  end

  local c = cart.get(user.id)
  if #c.lines == 0 or not cart.touch(user.id) then return nil, "cart_empty" end

  local promo_row
  if d.promo_code then
    local why
    promo_row, why = promo.find(d.promo_code)
    if not promo_row then return nil, "promo_" .. why end
  end
  local q, qerr = quote.of(c, { zone = d.zone, date = d.delivery_date, promo = promo_row })
  if not q then return nil, "quote_failed", qerr end
  if q.unavailable and #q.unavailable > 0 then return nil, "gone" end
  if promo_row and not q.discount then return nil, "promo_min_total", q end
  if q.total ~= d.total then return nil, "price_changed", q end

  local window, why = slot_book.find(d.delivery_date, d.slot_start, os.time(),
    { zone = d.zone, prep_minutes = M.prep_minutes(c) })
  if not window then
    if why == "full" then return nil, "slot_full" end
    return nil, "slot_gone", why
  end

  local id, res, code = write(user, d, q, window, M.items(c, q))
  if not id then
    if res == "slot_full" or res == "promo_used_up" then return nil, res end
    log.error("placing an order failed", { user = user.id, err = tostring(res), code = code })
    return nil, "db"
  end
  local existed = res == true
  handed_over(user, id)
  if not existed then
    engine.counter("guldasta_orders_placed_total", nil, 1)
    tell_florists(id)
  end
  return id, existed
end

return M
