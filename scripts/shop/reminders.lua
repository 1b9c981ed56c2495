-- scripts/shop/reminders.lua — a customer's reminder before the same date
-- next year of an order made for an occasion. No Telegram: the bot asks,
-- sends and presents (bot/reminders.lua); the repeat order is
-- shop/reminders/repeat.lua.
--
--   reminders.offer(user, order_id) -> { occasion =, reminder = row|nil } | nil
--       may this order be remembered (delivered, the customer's, made for
--       an occasion: orders.occasion or a constructor bouquet's), and the
--       reminder it has
--   reminders.opt_in(user, order_id)   -> row | nil, reason_key
--   reminders.opt_out(user, id)        -> row | nil, reason_key
--   reminders.due() -> { {id=, order_id=, tg_id=, lang=, occasion=, remind_for=}, ... }
--       first marks skipped every reminder whose date has passed unsent
--       (the engine was down all that time), then claims those whose
--       due_at has come: FOR UPDATE SKIP LOCKED, so with two engine
--       processes each goes out once; a claim older than
--       CLAIM_STALE_MINUTES (its process died) is taken again
--   reminders.sent(id)     Telegram took it
--   reminders.release(id)  it did not: the next look tries again
--   reminders.get(user, id) -> row | nil   one of the customer's reminders
local pg = require "pg"
local rules = require "rules"

local M = {}

local function check(rows, err, code)
  if not rows then error(("reminders: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return rows
end

local function null(v) if v == pg.null then return nil end return v end

-- The occasion of an order: its own column, else a bouquet's.
local OCCASION = [[coalesce(o.occasion,
  (SELECT i.options->>'occasion' FROM order_items i
    WHERE i.order_id = o.id AND i.options->>'occasion' IS NOT NULL ORDER BY i.id LIMIT 1))]]

local ROW = [[r.id, r.order_id, r.occasion, to_char(r.remind_for, 'YYYY-MM-DD') AS remind_for,
              r.active, r.sent_at IS NOT NULL AS sent, r.skipped_at IS NOT NULL AS skipped]]

local OFFER = [[
  SELECT ]] .. OCCASION .. [[ AS occasion FROM orders o
   WHERE o.id = $1 AND o.customer_id = $2 AND o.status = 'delivered']]

local function reminder_of(order_id)
  return check(pg.query("SELECT " .. ROW .. " FROM reminders r WHERE r.order_id = $1", order_id))[1]
end

function M.offer(user, order_id)
  local o = check(pg.query(OFFER, order_id, user.id))[1]
  if not o or not null(o.occasion) then return nil end
  return { occasion = o.occasion, reminder = reminder_of(order_id) }
end

-- The same date next year (29 February becomes the 28th), due DAYS_BEFORE
-- earlier at SEND_HOUR in the shop's time zone.
local OPT_IN = [[
  INSERT INTO reminders (order_id, customer_id, occasion, remind_for, due_at)
  SELECT o.id, o.customer_id, ]] .. OCCASION .. [[, d.remind_for,
         ((d.remind_for - $3::int) + make_interval(hours => $4))::timestamp AT TIME ZONE 'UTC'
           - make_interval(secs => $5)
    FROM orders o,
         LATERAL (SELECT (coalesce(o.delivery_date, o.created_at::date) + interval '1 year')::date AS remind_for) d
   WHERE o.id = $1 AND o.customer_id = $2 AND o.status = 'delivered'
  ON CONFLICT (order_id) DO UPDATE SET active = true
  RETURNING id]]

function M.opt_in(user, order_id)
  if not M.offer(user, order_id) then return nil, "reminders.refused.not_found" end
  local r = rules.reminders
  local row = check(pg.query(OPT_IN, order_id, user.id, r.DAYS_BEFORE, r.SEND_HOUR,
    math.tointeger(rules.slots.UTC_OFFSET)))[1]
  if not row then return nil, "reminders.refused.not_found" end
  return reminder_of(order_id)
end

function M.opt_out(user, id)
  local row = check(pg.query([[UPDATE reminders r SET active = false
                                WHERE r.id = $1 AND r.customer_id = $2 RETURNING ]] .. ROW, id, user.id))[1]
  if not row then return nil, "reminders.refused.not_found" end
  return row
end

function M.get(user, id)
  return check(pg.query("SELECT " .. ROW .. " FROM reminders r WHERE r.id = $1 AND r.customer_id = $2",
    id, user.id))[1]
end

local SKIP = [[
  UPDATE reminders SET skipped_at = now()
   WHERE active AND sent_at IS NULL AND skipped_at IS NULL AND remind_for < $1::date]]

local CLAIM = [[
  UPDATE reminders r SET claimed_at = now()
    FROM users u
   WHERE u.id = r.customer_id
     AND r.id IN (SELECT r2.id FROM reminders r2
                   WHERE r2.active AND r2.sent_at IS NULL AND r2.skipped_at IS NULL
                     AND r2.due_at <= now() AND r2.remind_for >= $2::date
                     AND (r2.claimed_at IS NULL OR r2.claimed_at < now() - make_interval(mins => $1))
                   ORDER BY r2.due_at, r2.id LIMIT 20
                     FOR UPDATE OF r2 SKIP LOCKED)
  RETURNING r.id, r.order_id, r.occasion, to_char(r.remind_for, 'YYYY-MM-DD') AS remind_for,
            u.tg_id, coalesce((SELECT o.lang FROM orders o WHERE o.id = r.order_id), u.lang) AS lang]]

function M.due(now)
  local today = rules.slots.local_date(now or os.time())
  check(pg.query(SKIP, today))
  local rows = check(pg.query(CLAIM, math.tointeger(rules.reminders.CLAIM_STALE_MINUTES) or 10, today))
  for _, row in ipairs(rows) do row.lang = null(row.lang) end
  table.sort(rows, function(a, b) return a.id < b.id end)
  return rows
end

function M.sent(id) check(pg.query("UPDATE reminders SET sent_at = now() WHERE id = $1", id)) end

function M.release(id)
  check(pg.query("UPDATE reminders SET claimed_at = NULL WHERE id = $1 AND sent_at IS NULL", id))
end

return M
