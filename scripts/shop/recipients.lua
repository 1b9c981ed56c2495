-- scripts/shop/recipients.lua — the people a customer has sent flowers to:
-- the recipients of their own orders, newest first, one per distinct
-- name, phone, address and landmark. The checkout offers them so that a
-- returning customer picks one instead of typing it all again. An order
-- is the record (no table of its own): a recipient is named by the id of
-- the customer's latest order to them.
local pg = require "pg"
local rules = require "rules"

local M = {}

local function must(res, err)
  if res == nil then error("recipients: " .. tostring(err), 0) end
  return res
end

local function row(r)
  return {
    order_id = r.id, name = r.recipient_name, phone = r.recipient_phone,
    address = r.address, landmark = r.landmark ~= pg.null and r.landmark or nil,
  }
end

-- Up to rules.checkout.SAVED_RECIPIENTS recipients of this customer's
-- orders, the most recent first: { order_id, name, phone, address, landmark }.
function M.recent(customer_id, limit)
  limit = limit or rules.checkout.SAVED_RECIPIENTS
  if limit <= 0 then return {} end
  local rows = must(pg.query([[
    SELECT id, recipient_name, recipient_phone, address, landmark FROM (
      SELECT DISTINCT ON (recipient_name, recipient_phone, address, coalesce(landmark, ''))
             id, recipient_name, recipient_phone, address, landmark, created_at
        FROM orders
       WHERE customer_id = $1 AND recipient_name IS NOT NULL
         AND recipient_phone IS NOT NULL AND address IS NOT NULL
       ORDER BY recipient_name, recipient_phone, address, coalesce(landmark, ''), created_at DESC, id DESC
    ) r ORDER BY created_at DESC, id DESC LIMIT $2]], customer_id, limit))
  local list = {}
  for i, r in ipairs(rows) do list[i] = row(r) end
  return list
end

-- The recipient of one of this customer's orders, or nil (not theirs, or
-- no recipient on it).
function M.of_order(customer_id, order_id)
  local rows = must(pg.query([[
    SELECT id, recipient_name, recipient_phone, address, landmark FROM orders
     WHERE id = $1 AND customer_id = $2 AND recipient_name IS NOT NULL
       AND recipient_phone IS NOT NULL AND address IS NOT NULL]], order_id, customer_id))
  return rows[1] and row(rows[1]) or nil
end

return M
