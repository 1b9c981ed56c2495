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
-- "<role>: <old user id> -> <new user id>", marked noticed: it is not a
-- move, and the moves' sweep must not tell it as one).
--
-- Each person concerned is owed a notice, written in the same transaction:
-- an assignment_notices row for the one it went to ('given') and, on a
-- reassignment, one for the one it was taken from ('taken'). Each is the
-- event "order.assigned" { order =, role =, to = user } or { order =,
-- role =, from = user }, for the presenter to tell that person privately,
-- emitted right after the commit and, while a presenter has not taken it
-- (Telegram down, the process killed after the commit), by the sweep of
-- any engine process (M.sweep), once (shop/notices.lua's kind). Told
-- late, it is owed only while still true: the order is the person's
-- ('given') or no longer theirs ('taken').
local pg = require "pg"
local log = require "log"
local users = require "shop.users"
local events = require "shop.events"
local store = require "shop.flow.store"
local flow = require "shop.order_flow"
local notices = require "shop.notices"

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

local NOTICE = [[INSERT INTO assignment_notices (order_id, role, user_id, what, by_user)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id]]

-- The notice owed to `user_id`, in the assignment's transaction: its id.
local function owe(tx, id, role, user_id, what, actor)
  return check(tx:query(NOTICE, id, role, user_id, what, actor.id))[1].id
end

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
    store.note(tx, id, o.status, actor.id, ("%s: %d -> %d"):format(role, current, target.id))
    return { from_user = current, notices = { owe(tx, id, role, target.id, "given", actor),
                                              owe(tx, id, role, current, "taken", actor) } }
  end
  local take = TAKE[role]
  if not take.from[o.status] then return { refused = "flow.refused.illegal", params = { status = o.status } } end
  local res = flow.move_in(tx, id, take.to, target, { note = ("%s: assigned by %d"):format(role, actor.id) })
  if res.refused then return res end
  return { moved = res, to = take.to, notices = { owe(tx, id, role, target.id, "given", actor) } }
end

local USER = [[SELECT tg_id FROM users WHERE id = $1]]

-- The notice of assignment_notices row `id`: "order.assigned", while what
-- it says is still so.
M.notice = notices.kind {
  what = "assignment notices", table = "assignment_notices", at = "at",
  done = "told_at", claimed = "told_claimed_at", returning = "order_id, role, user_id, what",
  tell = function(a)
    local o = store.load(store.pg, a.order_id)
    if not o then return true end
    local has = o[a.role .. "_id"] == a.user_id
    if has ~= (a.what == "given") then return true end   -- reassigned again since: moot
    local row = check(pg.query(USER, a.user_id))[1]
    local user = row and users.find(row.tg_id)
    if not user then return true end
    return events.emit("order.assigned", { order = o, role = a.role, [a.what == "given" and "to" or "from"] = user })
  end,
}

M.sweep = M.notice.sweep

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
  for _, n in ipairs(res.notices) do M.notice.deliver(n) end
  return o
end

return M
