-- scripts/shop/claims.lua — a customer's claim about a delivered order,
-- and what the shop does with it. No Telegram: bot/feedback.lua asks for
-- the photo and text and shows the claim to the owner and managers.
--
--   claims.window(order_id, user) -> true | nil, reason_key
--       may this customer open a claim on this order now: their own,
--       delivered, within rules/feedback.lua's CLAIM_WINDOW_HOURS of
--       delivery, none opened yet
--   claims.open(order_id, user, text, photo) -> claim | nil, reason_key, params
--   claims.answer(id, actor, text)  -> claim | nil, reason_key, params   the text goes to the customer
--   claims.redo(id, actor)          -> claim | nil, reason_key           the florists make it again
--   claims.refund(id, actor)        -> claim | nil, reason_key           the order's money owed back
--   claims.get(id) -> claim (with order_id, customer tg_id and lang) | nil
--   claims.sweep() -> n    claims whose post to the owner is still owed, delivered
--
-- One claim per order (claims.order_id is unique). Each step is one
-- transaction under the claim's row lock, and writes an order_events row
-- with the order's status unchanged and the note "claim <id>: <step>":
-- the order's history shows it. That row is marked noticed at once: its
-- news is the claim's own (the bot tells the customer, the owner's chat,
-- the florists right after the step), not an order move's.
-- The opened claim must reach the owner and managers: it is a notice
-- driven from its row (told_at, told_claimed_at: shop/notices.lua's kind),
-- the event "claim.opened" { claim = } emitted right after the commit and,
-- while a presenter has not taken it (Telegram refused, the process died),
-- by the sweep of any engine process, once.
-- Answer, redo and refund need a manager (owners pass); a claim redone or
-- refunded is settled, and refuses another of those two (an answer may
-- still follow). A refund goes through the payments' refund path
-- (payments.owe_order: the refunds_owed row the accountant settles, or
-- Payme's cancel settles by itself) and marks a paid order refund_pending.
local pg = require "pg"
local rules = require "rules"
local users = require "shop.users"
local payments = require "shop.payments"
local store = require "shop.flow.store"
local events = require "shop.events"
local notices = require "shop.notices"

local M = {}

local function check(rows, err, code)
  if not rows then error(("claims: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return rows
end

local function plain(row) return row and store.plain(row) end

local function event(tx, order_id, status, actor_id, claim_id, step)
  store.note(tx, order_id, status, actor_id, ("claim %d: %s"):format(claim_id, step))
end

local ORDER = [[SELECT o.id, o.status, o.customer_id, o.payment_status,
                       extract(epoch FROM now() - o.delivered_at)::float8 / 3600 AS hours,
                       EXISTS (SELECT 1 FROM claims c WHERE c.order_id = o.id) AS claimed
                  FROM orders o WHERE o.id = $1]]

local function may_open(q, order_id, user)
  local o = plain(check(q(ORDER .. " FOR UPDATE", order_id))[1])
  if not o or o.customer_id ~= user.id then return nil, "feedback.claim.refused.not_found" end
  if o.status ~= "delivered" or not o.hours then return nil, "feedback.claim.refused.not_delivered" end
  if o.claimed then return nil, "feedback.claim.refused.exists" end
  if not rules.feedback.claim_open(o.hours) then return nil, "feedback.claim.refused.window" end
  return o
end

function M.window(order_id, user)
  local o, why = may_open(function(sql, ...) return pg.query(sql, ...) end, order_id, user)
  if not o then return nil, why end
  return true
end

local function text_ok(text)
  if type(text) ~= "string" then return nil, "feedback.claim.refused.text" end
  text = text:match("^%s*(.-)%s*$")
  local n = utf8.len(text) or #text
  local r = rules.feedback
  if n < r.CLAIM_TEXT_MIN_CHARS or n > r.CLAIM_TEXT_MAX_CHARS then return nil, "feedback.claim.refused.text" end
  return text
end

local INSERT = [[INSERT INTO claims (order_id, customer_id, text, photo) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (order_id) DO NOTHING RETURNING id]]

function M.open(order_id, user, text, photo)
  local body, why = text_ok(text)
  if not body then
    return nil, why, { min = rules.feedback.CLAIM_TEXT_MIN_CHARS, max = rules.feedback.CLAIM_TEXT_MAX_CHARS }
  end
  if type(photo) ~= "string" or photo == "" then return nil, "feedback.claim.refused.photo" end
  local id, err = pg.transaction(function(tx)
    local o, w = may_open(function(sql, ...) return tx:query(sql, ...) end, order_id, user)
    if not o then return nil, w end
    local row = check(tx:query(INSERT, order_id, user.id, body, photo))[1]
    if not row then return nil, "feedback.claim.refused.exists" end
    event(tx, order_id, o.status, user.id, row.id, "opened")
    return row.id
  end)
  if not id then return nil, err end
  M.notice.deliver(id)
  return M.get(id)
end

local GET = [[SELECT c.*, c.created_at::text AS created_text, o.status AS order_status, o.total,
                     o.payment_method, o.payment_status, u.tg_id AS customer_tg_id,
                     coalesce(o.lang, u.lang) AS customer_lang, u.name AS customer_name
                FROM claims c JOIN orders o ON o.id = c.order_id JOIN users u ON u.id = c.customer_id
               WHERE c.id = $1]]

function M.get(id) return plain(check(pg.query(GET, id))[1]) end

-- The claim's post to the owner's chat, owed until a presenter took it.
M.notice = notices.kind {
  what = "claim notices", table = "claims", at = "created_at",
  done = "told_at", claimed = "told_claimed_at", returning = "id",
  tell = function(row)
    local c = M.get(row.id)
    if not c then return true end
    return events.emit("claim.opened", { claim = c })
  end,
}

M.sweep = M.notice.sweep

local SETTLED = { redo = true, refunded = true }

-- One step on claim `id` by `actor`, under the claim's lock: fn(tx, c)
-- does the step's own writes and returns the new status.
local function step(id, actor, name, fn)
  if not (actor and users.has_role(actor, "manager")) then return nil, "feedback.claim.refused.role" end
  local ok, why = pg.transaction(function(tx)
    local c = plain(check(tx:query([[SELECT c.id, c.order_id, c.status, o.status AS order_status
                                       FROM claims c JOIN orders o ON o.id = c.order_id
                                      WHERE c.id = $1 FOR UPDATE OF c]], id))[1])
    if not c then return nil, "feedback.claim.refused.not_found" end
    local status, w = fn(tx, c)
    if not status then return nil, w end
    event(tx, c.order_id, c.order_status, actor.id, c.id, name)
    return true
  end)
  if not ok then return nil, why end
  return M.get(id)
end

function M.answer(id, actor, text)
  local body, why = text_ok(text)
  if not body then
    return nil, why, { min = rules.feedback.CLAIM_TEXT_MIN_CHARS, max = rules.feedback.CLAIM_TEXT_MAX_CHARS }
  end
  return step(id, actor, "answered", function(tx, c)
    local status = SETTLED[c.status] and c.status or "answered"
    check(tx:query([[UPDATE claims SET status = $2, answer = $3, decided_by = $4, decided_at = now()
                      WHERE id = $1]], c.id, status, body, actor.id))
    return status
  end)
end

local function settle(id, actor, name, status, extra)
  return step(id, actor, name, function(tx, c)
    if SETTLED[c.status] then return nil, "feedback.claim.refused.settled" end
    if extra then extra(tx, c) end
    check(tx:query([[UPDATE claims SET status = $2, decided_by = $3, decided_at = now() WHERE id = $1]],
      c.id, status, actor.id))
    return status
  end)
end

function M.redo(id, actor) return settle(id, actor, "redo", "redo") end

function M.refund(id, actor)
  return settle(id, actor, "refund owed", "refunded", function(tx, c)
    payments.owe_order(tx, c.order_id, ("claim %d"):format(c.id))
    check(tx:query([[UPDATE orders SET payment_status = 'refund_pending', updated_at = now()
                      WHERE id = $1 AND payment_status = 'paid']], c.order_id))
  end)
end

return M
