-- spec/order_assign_spec.lua — a manager gives an order to a florist or a
-- courier with /assign, and takes it from one for another with /reassign
-- (guldasta serve + the Bot API emulator): the order's row changes under
-- the same lock as the buttons, an order_events row is written, the people
-- concerned are told in their private chats; an order someone already has
-- is refused to /assign (naming them), and a florist may not assign.
local pg = require "pg"
local fx = require "support.orders"
local bot = require "support.bot"
local i18n = require "i18n"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end
local says = bot.says
local function status(lang, s) return T(lang, "flow.status." .. s) end

describe("assigning orders", function()
  local b, emu, owner_id

  setup(function()
    owner_id = fx.tg_id()
    b = fx.bot { owner = owner_id }
    emu = b.emu
  end)
  teardown(function() if b then b.stop() end end)

  local function person(role, lang, name) return fx.person(emu, role, lang, name) end

  local function last_event(id)
    return assert(pg.query([[SELECT from_status, to_status, actor_id, note FROM order_events
                              WHERE order_id = $1 ORDER BY id DESC LIMIT 1]], id))[1]
  end

  it("assigns a new order to a florist (stock written off), refuses a second /assign, reassigns on /reassign", function()
    local manager, mu = person("manager", "ru", "Manager")
    local f1, f1u = person("florist", "ru", "Dilnoza")
    local f2, f2u = person("florist", "uz", "Malika")
    local rose = fx.product { on_hand = 10 }
    local c = fx.customer { lang = "ru", name = "Aziza" }
    local id = fx.order { customer = c, lang = "ru", items = { { rose, 3 } } }

    mu:command("/assign", ("%d florist %d"):format(id, f1.tg_id))
    mu:wait_message(says(T("ru", "flow.assign.done.florist", { id = id, name = "Dilnoza", status = status("ru", "accepted") })), 10)
    f1u:wait_message(says(T("ru", "flow.assign.told.florist", { id = id, status = status("ru", "accepted") })), 10)
    local row = fx.row(id)
    assert.same({ "accepted", f1.id }, { row.status, row.florist_id })
    assert.equal(7, fx.on_hand(rose))
    local e = last_event(id)
    assert.same({ "new", "accepted", f1.id }, { e.from_status, e.to_status, e.actor_id })
    assert.truthy(e.note:find("assigned by " .. manager.id, 1, true))

    -- someone has it: /assign is refused, naming them, and changes nothing
    mu:command("/assign", ("%d florist %d"):format(id, f2.tg_id))
    mu:wait_message(says(T("ru", "flow.refused.taken", { name = "Dilnoza" })), 10)
    assert.equal(f1.id, fx.row(id).florist_id)

    mu:command("/reassign", ("%d florist %d"):format(id, f2.tg_id))
    mu:wait_message(says(T("ru", "flow.assign.done.florist", { id = id, name = "Malika", status = status("ru", "accepted") })), 10)
    f2u:wait_message(says(T("uz", "flow.assign.told.florist", { id = id, status = status("uz", "accepted") })), 10)
    f1u:wait_message(says(T("ru", "flow.assign.taken_away", { id = id })), 10)
    row = fx.row(id)
    assert.same({ "accepted", f2.id }, { row.status, row.florist_id })
    assert.equal(7, fx.on_hand(rose))   -- written off once
    e = last_event(id)
    assert.same({ "accepted", "accepted", manager.id, ("florist: %d -> %d"):format(f1.id, f2.id) },
      { e.from_status, e.to_status, e.actor_id, e.note })
  end)

  it("gives a ready order to a courier, then to another; a florist may not assign", function()
    local _, ou = nil, emu:user { id = owner_id, first_name = "Owner" }
    fx.customer { tg_id = owner_id, lang = "ru", name = "Owner" }
    local k1, k1u = person("courier", "ru", "Jasur")
    local k2, k2u = person("courier", "ru", "Rustam")
    local florist, fu = person("florist", "ru", "Nodira")
    local c = fx.customer { lang = "ru", name = "Aziza" }
    local id = fx.order { customer = c, lang = "ru", status = "ready", items = { { fx.product {}, 1 } } }

    fu:command("/assign", ("%d courier %d"):format(id, k1.tg_id))
    fu:wait_message(says(T("ru", "roles.needs", { roles = T("ru", "role.manager") })), 10)
    assert.is_nil(fx.row(id).courier_id)

    ou:command("/assign", ("%d courier %d"):format(id, k1.tg_id))
    ou:wait_message(says(T("ru", "flow.assign.done.courier", { id = id, name = "Jasur", status = status("ru", "delivering") })), 10)
    k1u:wait_message(says(T("ru", "flow.assign.told.courier", { id = id, status = status("ru", "delivering") })), 10)
    assert.same({ "delivering", k1.id }, { fx.row(id).status, fx.row(id).courier_id })

    -- a florist is not a courier
    ou:command("/reassign", ("%d courier %d"):format(id, florist.tg_id))
    ou:wait_message(says(T("ru", "flow.refused.not_staff", { role = "courier" })), 10)

    ou:command("/reassign", ("%d courier %d"):format(id, k2.tg_id))
    k2u:wait_message(says(T("ru", "flow.assign.told.courier", { id = id, status = status("ru", "delivering") })), 10)
    k1u:wait_message(says(T("ru", "flow.assign.taken_away", { id = id })), 10)
    assert.equal(k2.id, fx.row(id).courier_id)
  end)
end)
