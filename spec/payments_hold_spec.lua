-- spec/payments_hold_spec.lua — an order awaiting online payment holds its
-- stock and its window's place for rules.payments.HOLD_MINUTES, then,
-- unpaid, is cancelled by the shop's timer: both are given back and the
-- customer is told why. A payment that comes after that is refused (the
-- decision README.md "Connecting Payme and Click" records): Payme's
-- PerformTransaction gets an account error, Click's Complete -9, so the
-- provider returns the money and nothing is kept; the order stays
-- cancelled. An attempt under way when the hold ends gets its
-- ATTEMPT_BLOCKS_MINUTES first.
--
-- The engine runs from a copy of the project whose rules hold an order
-- 15 s (RESERVATION_TTL is 10 s there, so the hold still outlasts a
-- cart's), count an attempt abandoned after 6 s, and sweep every second.
local fx = require "support.orders"
local pay = require "support.payments"
local root = require "support.root"
local server = require "support.server"
local walk = require "support.walk"
local Payme = require "devkit.providers.payme_caller"
local stock = require "shop.stock"
local slot_book = require "shop.slot_book"
local pg = require "pg"
local fs = require "fs"
local eventually = server.eventually

local T, is = walk.T, walk.is

describe("the hold of an order awaiting payment", function()
  local env, dir

  setup(function()
    dir = root.make()
    local function edit(file, from, to)
      local path = dir .. "/rules/" .. file
      local text = assert(fs.read(path))
      local n
      text, n = text:gsub(from, to)
      assert(n == 1, file .. ": " .. from)
      assert(fs.write(path, text))
    end
    edit("payments.lua", "M.HOLD_MINUTES = %d+", "M.HOLD_MINUTES = 0.25")
    edit("payments.lua", "M.ATTEMPT_BLOCKS_MINUTES = %d+", "M.ATTEMPT_BLOCKS_MINUTES = 0.1")
    edit("orders.lua", "M.NOTICE_RETRY_SECONDS = %d+", "M.NOTICE_RETRY_SECONDS = 1")
    env = pay.start { root = dir, env = { RESERVATION_TTL = "10" } }
  end)
  teardown(function()
    if env then env.stop() end
    server.remove_root(dir)
  end)

  -- An order awaiting payment with its stock held (o:<id>) and a place in
  -- its window, as the checkout leaves it.
  local function held_order(lang, method)
    local c = fx.customer { lang = lang }
    local cu = env.emu:user { id = c.tg_id, first_name = "Aziza" }
    local rose = pay.product { price = 50000, on_hand = 5 }
    local o = pay.order { customer = c, lang = lang, method = method, items = { { rose, 2, 50000 } } }
    assert(stock.reserve("o:" .. o.id, { [rose] = 2 }, 0))
    assert(pg.transaction(function(tx)
      return slot_book.book(tx, "2030-03-08", "09:00", "12:00", 8, o.id)
    end))
    return o, cu, rose
  end

  local function taken(id)
    return pg.query([[SELECT s.taken FROM orders o JOIN delivery_slots s ON s.id = o.slot_id WHERE o.id = $1]], id)[1]
  end

  it("cancels an unpaid order when its hold runs out, gives back stock and place, tells the customer", function()
    local o, cu, rose = held_order("uz", "payme")
    local before = taken(o.id).taken
    assert.equal(3, stock.available(rose))
    local m = cu:wait_message(function(x) return x.text and x.text:find("#" .. o.id, 1, true) end, 40)
    assert.equal(T("uz", "flow.customer.cancelled", { id = o.id,
      reason = T("uz", "payments.cancel_reason.hold_expired") }), m.text)
    local row = pay.row(o.id)
    assert.same({ "cancelled", "pending" }, { row.status, row.payment_status })
    assert.equal(5, stock.available(rose))
    assert.equal(before - 1, taken(o.id).taken)
    local ev = fx.events(o.id)
    assert.same({ "pending", "cancelled" }, { ev[#ev].from, ev[#ev].to })
    assert.is_nil(ev[#ev].actor)

    -- Payme comes late: refused, nothing changes, the money goes back
    local code = function(a) return a.error and a.error.code end
    assert.equal(-31052, code(env.payme:check_perform(o.id, o.total)))
    assert.equal(-31052, code(env.payme:create(o.id, o.total)))
    assert.equal(0, #pay.payments(o.id))
    assert.equal("cancelled", pay.row(o.id).status)
  end)

  it("refuses a payment whose attempt began before the hold ran out and finished after it", function()
    local o, cu = held_order("ru", "click")
    local a = env.click:prepare { merchant_trans_id = o.id, amount = "1000" }
    assert.equal(0, a.error)
    -- the attempt under way keeps the order until it counts as abandoned
    cu:wait_message(is(T("ru", "flow.customer.cancelled", { id = o.id,
      reason = T("ru", "payments.cancel_reason.hold_expired") })), 60)
    local p = pay.payments(o.id)[1]
    assert.truthy((p.create_ms or 0) > 0)
    local b = env.click:complete { click_trans_id = a.click_trans_id, merchant_trans_id = o.id, amount = "1000",
                                   merchant_prepare_id = a.merchant_prepare_id }
    assert.equal(-9, b.error)
    assert.same({ "cancelled", "pending" }, { pay.row(o.id).status, pay.row(o.id).payment_status })
    assert.equal("cancelled", pay.payments(o.id)[1].state)
    -- Payme likewise: an attempt created before, performed after
    local o2 = held_order("ru", "payme")
    local t = Payme.new_id()
    assert.equal(1, env.payme:create(o2.id, o2.total, { id = t }).result.state)
    eventually(function() return pay.row(o2.id).status == "cancelled" end, 60, "the hold to run out")
    local x = env.payme:perform(t)
    assert.equal(-31052, x.error and x.error.code)
    assert.equal("cancelled", pay.row(o2.id).status)
  end)
end)
