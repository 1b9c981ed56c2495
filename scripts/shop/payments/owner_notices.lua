-- scripts/shop/payments/owner_notices.lua — what the owner must be told
-- about payments (a product without its MXIK or package code, which no
-- online payment can include): a payment_notices row, delivered as the
-- event "payment.notice" { order_id =, kind =, detail = } to whoever
-- presents it (the bot tells OWNER_CHAT_ID).
--
-- Right after the notice is written, in a unit of work of its own (the
-- provider's call never waits on Telegram); one that found no presenter,
-- or whose presenter failed, is owed, and the sweep delivers it later.
local pg = require "pg"
local engine = require "engine"
local events = require "shop.events"
local notices = require "shop.notices"

local M = {}

local CLAIM = [[UPDATE payment_notices SET told_at = now() WHERE id = $1 AND told_at IS NULL
                RETURNING order_id, kind, detail]]

-- Delivers notice `id` unless it was; true when it is delivered.
function M.deliver(id)
  local rows, err = pg.query(CLAIM, id)
  if not rows then return nil, err end
  local n = rows[1]
  if not n then return true end
  local done = events.emit("payment.notice", { order_id = n.order_id, kind = n.kind, detail = n.detail })
  if not done then pg.query("UPDATE payment_notices SET told_at = NULL WHERE id = $1", id) end
  return done
end

-- A new notice: told at once, off the caller's unit of work.
function M.announce(id)
  engine.spawn(M.deliver, id)
end

local OWED = [[
  SELECT id FROM payment_notices
   WHERE told_at IS NULL
     AND created_at < now() - make_interval(secs => $1) AND created_at > now() - make_interval(hours => $2)
     AND $3::int > 0
   ORDER BY id LIMIT 50]]

function M.sweep() return notices.sweep_with(OWED, M.deliver, "payment owner notices") end

return M
