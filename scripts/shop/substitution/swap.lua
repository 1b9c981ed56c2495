-- scripts/shop/substitution/swap.lua — what accepting a substitute changes,
-- inside the answer's transaction: the order's item, its stock and its
-- price (shop/substitution.lua calls it with the proposal and the order
-- locked).
--
--   swap.apply(tx, s, o, actor_id, touched) -> { on_hand = { [product_id] = n }, diff = tiyin }
--
-- Stock: what the old item took at acceptance goes back on hand ('return'
-- rows, into the newest lot) and the substitute is written off ('sale'
-- rows, oldest lot first), both with the order's id, so a later
-- cancellation settles the substitute, not the old item. A product both
-- use (a composition's part) moves by the net. A substitute may not take
-- what carts and orders reserve: refused like any stock operation, and
-- nothing is written. `touched` collects the products whose Redis mirror
-- was set (the caller forgets them after a rollback).
--
-- Price: the line gets the substitute's price, the order's items total
-- and total move by the difference. Cash not yet paid: the amount due is
-- the new total. Paid online: a cheaper substitute's difference is owed
-- back through the refund path (its own refunds_owed row); a dearer one's
-- is due in cash at the door (orders.extra_due), because neither Payme
-- nor Click lets the shop take a second payment for an order here.
local stock = require "shop.stock"
local lots = require "shop.inventory.lots"
local inv = require "shop.inventory.store"
local flow_store = require "shop.flow.store"
local refunds = require "shop.payments.refunds"

local M = {}

local function check(rows, err, code)
  if not rows then error(("substitution: %s (%s)"):format(tostring(err), tostring(code)), 2) end
  return rows
end

local function refuse(key, params) error({ refused = key, params = params }, 0) end

-- { [product_id] = units } the item consumes: a composition its parts.
local function needs(product_id, count)
  local out = {}
  for pid, n in pairs(stock.parts(product_id)) do out[pid] = n * count end
  return out
end

local ITEM = [[UPDATE order_items SET product_id = $2, unit_price = $3,
                      options = options || jsonb_build_object('instead_of', $4::bigint)
                WHERE id = $1 AND order_id = $5]]

local TOTAL = [[UPDATE orders SET items_total = greatest(0, items_total + $2), total = greatest(0, total + $2),
                      extra_due = extra_due + $3, updated_at = now()
                WHERE id = $1]]

local SET = [[UPDATE stock SET on_hand = $2, updated_at = now() WHERE product_id = $1]]

function M.apply(tx, s, o, actor_id, touched)
  local back, take = needs(s.old_product_id, s.count), needs(s.new_product_id, s.count)
  local pids, seen = {}, {}
  for _, t in ipairs { back, take } do
    for pid in pairs(t) do
      if not seen[pid] then seen[pid] = true; pids[#pids + 1] = pid end
    end
  end
  table.sort(pids)   -- stock rows locked in one order: no deadlock with an acceptance
  local on_hand = {}
  local rb, db, rt, dt = {}, {}, {}, {}
  for _, pid in ipairs(pids) do
    local p = inv.lock(tx, pid)
    if not p then refuse("substitution.refused.not_found") end
    local b, t = back[pid] or 0, take[pid] or 0
    local net = b - t
    local after = p.on_hand + net
    local name = { ru = p.name_ru, uz = p.name_uz }
    if after < 0 then refuse("substitution.refused.short", { name = name }) end
    touched[#touched + 1] = pid
    if not stock.guard(pid, after, net < 0) then refuse("substitution.refused.short", { name = name }) end
    if net ~= 0 then
      check(tx:query(SET, pid, after))
      lots.move(tx, pid, p.on_hand, net, "back")
    end
    on_hand[pid] = after
    if b > 0 then rb[#rb + 1], db[#db + 1] = pid, b end
    if t > 0 then rt[#rt + 1], dt[#dt + 1] = pid, -t end
  end
  local note = ("substitution %d"):format(s.id)
  if rb[1] then flow_store.log(tx, rb, db, "return", o.id, actor_id, note) end
  if rt[1] then flow_store.log(tx, rt, dt, "sale", o.id, actor_id, note) end

  local diff = (s.new_unit_price - s.old_unit_price) * s.count
  check(tx:query(ITEM, s.item_id, s.new_product_id, s.new_unit_price, s.old_product_id, o.id))
  local extra = 0
  if o.payment_status == "paid" then
    if diff > 0 then extra = diff
    elseif diff < 0 then refunds.owe_difference(tx, o.id, s.id, -diff, note) end
  end
  check(tx:query(TOTAL, o.id, diff, extra))
  return { on_hand = on_hand, diff = diff, extra = extra }
end

return M
