-- scripts/shop/payments/store.lua — the SQL of online payments: the order
-- as a payment sees it (locked), the `payments` rows of a provider's
-- transactions, and their state changes. Every function that changes data
-- takes `tx`: the caller (payme.lua, click.lua) decides what is one commit.
-- Locks are taken in one order everywhere — the order row first, then its
-- payments — so two calls about one order queue instead of deadlocking.
local pg = require "pg"
local timer = require "timer"

local M = {}

local function check(rows, err, code)
  if not rows then error(("payments: %s (%s)"):format(tostring(err), tostring(code)), 2) end
  return rows
end

local function plain(row)
  if not row then return nil end
  for k, v in pairs(row) do if v == pg.null then row[k] = nil end end
  return row
end
M.plain = plain

-- pg.query as a method, so M.by_tx(M.pg, ...) and M.by_tx(tx, ...) read alike.
M.pg = { query = function(_, ...) return pg.query(...) end }

-- Now, in epoch milliseconds: the clock Payme's times are compared with.
function M.now_ms() return math.floor(timer.now() * 1000) end

-- An order id as a provider sends it ("42", 42): a positive integer, or nil.
function M.order_id(v)
  if type(v) == "number" then v = math.tointeger(v)
  elseif type(v) == "string" and v:match("^%d+$") and #v <= 18 then v = math.tointeger(tonumber(v))
  else v = nil end
  if v and v > 0 then return v end
end

-- {======================================================================
-- The order
-- =======================================================================

local LOCK_ORDER = [[
  SELECT id, status, payment_method, payment_status, total, delivery_fee, discount, lang, customer_id
    FROM orders WHERE id = $1 FOR UPDATE]]

function M.lock_order(tx, id)
  return plain(check(tx:query(LOCK_ORDER, id))[1])
end

local SET_PAYMENT = [[UPDATE orders SET payment_status = $2, payment_method = coalesce($3, payment_method),
                             updated_at = now() WHERE id = $1]]

function M.set_payment_status(tx, id, status, method)
  check(tx:query(SET_PAYMENT, id, status, method or pg.null))
end

-- {======================================================================
-- Transactions
-- =======================================================================

local COLUMNS = [[id, order_id, provider, provider_tx_id, amount, state, provider_state, provider_ms,
                  create_ms, perform_ms, cancel_ms, reason, account]]

local BY_TX = "SELECT " .. COLUMNS .. " FROM payments WHERE provider = $1 AND provider_tx_id = $2"
local BY_TX_LOCK = BY_TX .. " FOR UPDATE"
local BY_ID_LOCK = "SELECT " .. COLUMNS .. " FROM payments WHERE id = $1 AND provider = $2 FOR UPDATE"

-- A provider's transaction by its id, unlocked (q: pg-like or tx).
function M.by_tx(q, provider, tx_id)
  return plain(check(q:query(BY_TX, provider, tx_id))[1])
end

function M.lock_tx(tx, provider, tx_id)
  return plain(check(tx:query(BY_TX_LOCK, provider, tx_id))[1])
end

function M.lock_id(tx, id, provider)
  return plain(check(tx:query(BY_ID_LOCK, id, provider))[1])
end

-- The order's attempts that are not over: created (unfinished) or
-- performed (paid), of any provider, locked.
local LIVE = "SELECT " .. COLUMNS .. [[ FROM payments
   WHERE order_id = $1 AND state IN ('created', 'performed') ORDER BY id FOR UPDATE]]

function M.live(tx, order_id)
  local rows = check(tx:query(LIVE, order_id))
  for _, r in ipairs(rows) do plain(r) end
  return rows
end

local INSERT = [[
  INSERT INTO payments (order_id, provider, provider_tx_id, amount, state, provider_state,
                        provider_ms, provider_time, create_ms, create_time, account, raw)
  VALUES ($1, $2, $3, $4, 'created', 1, $5::bigint, to_timestamp($5::bigint / 1000.0),
          $6::bigint, to_timestamp($6::bigint / 1000.0),
          $7::jsonb, $8::jsonb)
  RETURNING ]] .. COLUMNS

-- t = { order_id, provider, tx_id, amount, provider_ms?, create_ms, account, raw }
function M.insert(tx, t)
  return plain(check(tx:query(INSERT, t.order_id, t.provider, t.tx_id, t.amount, t.provider_ms or pg.null,
    t.create_ms, t.account, t.raw or {}))[1])
end

-- The state words of 0001 beside the provider's numbers.
local WORD = { [1] = "created", [2] = "performed", [-1] = "cancelled", [-2] = "refunded" }

local PERFORM = [[UPDATE payments SET state = 'performed', provider_state = 2, perform_ms = $2::bigint,
                         perform_time = to_timestamp($2::bigint / 1000.0), updated_at = now()
                   WHERE id = $1 RETURNING ]] .. COLUMNS
local CANCEL = [[UPDATE payments SET state = $2, provider_state = $3, cancel_ms = $4::bigint,
                        cancel_time = to_timestamp($4::bigint / 1000.0), reason = $5, updated_at = now()
                  WHERE id = $1 RETURNING ]] .. COLUMNS

function M.perform(tx, id, ms)
  return plain(check(tx:query(PERFORM, id, ms))[1])
end

-- to_state: -1 (before perform) or -2 (after: refunded).
function M.cancel(tx, id, to_state, ms, reason)
  return plain(check(tx:query(CANCEL, id, WORD[to_state], to_state, ms, reason or pg.null))[1])
end

function M.set_answer(tx, id, answer)
  check(tx:query("UPDATE payments SET answer = $2::jsonb WHERE id = $1", id, answer))
end

-- Payme's GetStatement: by Payme's `time`, inclusive, ascending.
local STATEMENT = "SELECT " .. COLUMNS .. [[ FROM payments
   WHERE provider = 'payme' AND provider_ms BETWEEN $1 AND $2 ORDER BY provider_ms, id]]

function M.statement(from, to)
  local rows = check(pg.query(STATEMENT, from, to))
  for _, r in ipairs(rows) do plain(r) end
  return rows
end

-- {======================================================================
-- Notices for the owner, money owed back
-- =======================================================================

local NOTICE = [[INSERT INTO payment_notices (order_id, kind, detail) VALUES ($1, $2, $3::jsonb)
                 ON CONFLICT (order_id, kind) DO NOTHING RETURNING id]]

-- Outside any payment transaction (a refusal rolls nothing back, the
-- notice must stay). Returns its id when it is new, nil when it was there.
function M.notice(order_id, kind, detail)
  local rows = check(pg.query(NOTICE, order_id, kind, detail))
  return rows[1] and rows[1].id
end

-- One row per order for its money back (a cancellation, a claim), and one
-- per accepted substitution for a cheaper substitute's difference
-- (t.substitution_id): a second of either is nothing.
local OWED = [[INSERT INTO refunds_owed (order_id, payment_id, provider, amount, reason, substitution_id)
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id]]

function M.owe(tx, t)
  return check(tx:query(OWED, t.order_id, t.payment_id or pg.null, t.provider, t.amount, t.reason or pg.null,
    t.substitution_id or pg.null))[1]
end

return M
