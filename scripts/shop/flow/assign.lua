-- scripts/shop/flow/assign.lua — a manager (or the owner) gives an order
-- to a florist or a courier, or takes it from one and gives it to another.
--
--   assign.run(order_id, role, target_user, actor_user, reassign)
--       -> order | nil, reason_key, params
--       role "florist" | "courier"; reassign true: the order may already
--       be someone's (without it, that is refused as flow.refused.taken,
--       naming them — as a second press of [Accept] is).
--
-- One transaction under the order's row lock, the same lock the florists'
-- and couriers' buttons take, so a button and an assignment never both
-- win. An order nobody has yet is moved as if the person had pressed the
-- button themselves (a florist accepts a new or paid order: the stock is
-- written off; a courier takes a ready one), through the flow's own move,
-- with the manager named in the event's note. An order someone has is
-- given to the other person: its florist_id or courier_id changed and an
-- order_events row (the status unchanged, the actor the manager, the note
-- "<role>: <old user id> -> <new user id>"). After the commit the event
-- "order.assigned" { order =, role =, to = user, from = user | nil } lets
-- the presenter tell both people in their private chats.
local pg = require "pg"
local log = require "log"
local users = require "shop.users"
local events = require "shop.events"
local store = require "shop.flow.store"
local flow = require "shop.order_flow"

local M = {}

local function check(rows, err, code)
  if not rows then error(("order assignment: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return rows
end

-- The move that gives an order nobody has to the person: from which states.
local TAKE = {
  florist = { to = "accepted", from = { new = true, paid = true } },
  courier = { to = "delivering", from = { ready = true } },
}
-- The states in which the person who has it may be replaced.
local REASSIGN = {
  florist = { accepted = true, assembling = true },
  courier = { delivering = true },
}

local function body(tx, id, role, target, actor, reassign)
  local o = store.lock(tx, id)
  if not o then return { refused = "flow.refused.not_found" } end
  local current = o[role .. "_id"]
  if current == target.id then
    return { refused = "flow.refused.assigned", params = { name = o[role .. "_name"] or "-" } }
  end
  if current then
    if not reassign then return { refused = "flow.refused.taken", params = { name = o[role .. "_name"] or "-" } } end
    if not REASSIGN[role][o.status] then return { refused = "flow.refused.illegal", params = { status = o.status } } end
    check(tx:query(("UPDATE orders SET %s_id = $2, updated_at = now() WHERE id = $1"):format(role), id, target.id))
    store.event(tx, id, o.status, o.status, actor.id, ("%s: %d -> %d"):format(role, current, target.id))
    return { from_user = current }
  end
  local take = TAKE[role]
  if not take.from[o.status] then return { refused = "flow.refused.illegal", params = { status = o.status } } end
  local res = flow.move_in(tx, id, take.to, target, { note = ("%s: assigned by %d"):format(role, actor.id) })
  if res.refused then return res end
  return { moved = res, to = take.to }
end

function M.run(order_id, role, target, actor, reassign)
  local id = math.tointeger(tonumber(order_id))
  if not id then return nil, "flow.refused.not_found" end
  if not TAKE[role] then return nil, "flow.refused.role" end
  if not users.has_role(actor, "manager") then return nil, "flow.refused.role" end
  -- the person must hold the role themselves: an owner is not a florist here
  if not (target and target.role_set and target.role_set[role]) then
    return nil, "flow.refused.not_staff", { role = role }
  end
  local res, err, code = pg.transaction(body, id, role, target, actor, reassign)
  if not res then
    if type(err) == "table" and err.short then
      return nil, "flow.refused.short", { name = { ru = err.short.name_ru, uz = err.short.name_uz } }
    end
    log.error("order assignment failed", { order = id, role = role, err = tostring(err), code = code })
    return nil, "flow.refused.error"
  end
  if res.refused then return nil, res.refused, res.params end
  local o
  if res.moved then o = flow.after_move(id, res.to, target, res.moved)
  else o = store.load(store.pg, id) end
  log.info("order assigned", { order = id, role = role, to = target.id, from = res.from_user, by = actor.id })
  local from_user
  if res.from_user then
    local r = pg.query("SELECT tg_id FROM users WHERE id = $1", res.from_user)
    from_user = r and r[1] and users.find(r[1].tg_id)
  end
  local ok, e = pcall(events.emit, "order.assigned", { order = o, role = role, to = target, from = from_user, by = actor })
  if not ok then log.error("order assignment: notice failed", { order = id, err = tostring(e) }) end
  return o
end

return M
