-- spec/payments_click_spec.lua — POST /payments/click/prepare and
-- /complete against `guldasta serve` over real HTTP, driven by devkit's
-- Click double: the 15 steps of Click's tester (payments.md 2.7, amount
-- 500 so'm), every error code, and the extra cases of the reference.
local pg = require "pg"
local pay = require "support.payments"
local Click = require "devkit.providers.click_caller"

describe("Click SHOP API", function()
  local env, ck

  setup(function()
    env = pay.start()
    ck = env.click
  end)
  teardown(function() if env then env.stop() end end)

  local function order() return pay.order { price = 50000, method = "click" } end   -- 500 so'm

  it("runs Click's tester: steps 1..15", function()
    local o1 = order()
    local id = tostring(o1.id)
    local t1 = Click.new_trans_id()
    local before = pay.snapshot(o1.id)
    -- 1: bad sign; nothing touched
    assert.equal(-1, ck:prepare { click_trans_id = t1, merchant_trans_id = id, amount = "500", sign = ("0"):rep(32) }.error)
    assert.same(before, pay.snapshot(o1.id))
    -- 2: unknown order
    assert.equal(-5, ck:prepare { merchant_trans_id = "999999999", amount = "500" }.error)
    -- 3: valid
    local a = ck:prepare { click_trans_id = t1, merchant_trans_id = id, amount = "500" }
    assert.equal(0, a.error)
    assert.equal("Success", a.error_note)
    local p1 = a.merchant_prepare_id
    assert.is_number(p1)
    assert.equal(id, a.merchant_trans_id)
    local done = { click_trans_id = t1, merchant_trans_id = id, merchant_prepare_id = p1, amount = "500" }
    local function with(t) local c = {}; for k, v in pairs(done) do c[k] = v end; for k, v in pairs(t) do c[k] = v end; return c end
    -- 4: complete, bad sign
    assert.equal(-1, ck:complete(with { secret_as = "not-the-secret" }).error)
    -- 5: wrong amount
    assert.equal(-2, ck:complete(with { amount = "300" }).error)
    assert.equal("pending", pay.row(o1.id).payment_status)
    -- 6: complete
    local b = ck:complete(with {})
    assert.same({ 0, p1 }, { b.error, b.merchant_confirm_id })
    local row = pay.row(o1.id)
    assert.same({ "paid", "paid", "click" }, { row.status, row.payment_status, row.payment_method })
    -- 7: again: already paid
    assert.equal(-4, ck:complete(with {}).error)
    -- 8: cancel of a confirmed one: already paid (the reference's recommendation)
    assert.equal(-4, ck:complete(with { error = -5017 }).error)
    assert.equal("paid", pay.row(o1.id).payment_status)

    -- 9..11
    local o2 = order()
    local t2 = Click.new_trans_id()
    a = ck:prepare { click_trans_id = t2, merchant_trans_id = o2.id, amount = "500.00" }
    assert.equal(0, a.error)
    assert.equal(-6, ck:complete { click_trans_id = t2, merchant_trans_id = o2.id, amount = "500.00",
                                   merchant_prepare_id = 999999999 }.error)
    assert.equal(0, ck:complete { click_trans_id = t2, merchant_trans_id = o2.id, amount = "500.00",
                                  merchant_prepare_id = a.merchant_prepare_id }.error)

    -- 12..15
    local o3 = order()
    local t3 = Click.new_trans_id()
    a = ck:prepare { click_trans_id = t3, merchant_trans_id = o3.id, amount = "500" }
    assert.equal(0, a.error)
    local c3 = { click_trans_id = t3, merchant_trans_id = o3.id, amount = "500", merchant_prepare_id = a.merchant_prepare_id }
    c3.error = -5017
    assert.equal(-9, ck:complete(c3).error)
    local p = pay.payments(o3.id)[1]
    assert.same({ "cancelled", -1 }, { p.state, p.provider_state })
    assert.same({ "pending", "pending" }, { pay.row(o3.id).status, pay.row(o3.id).payment_status })
    assert.equal(-9, ck:complete(c3).error)
    c3.error = 0
    assert.equal(-9, ck:complete(c3).error)
    assert.equal("pending", pay.row(o3.id).payment_status)
  end)

  it("answers -8 for a missing or malformed field, -3 for a wrong action, -1 for another service", function()
    local o = order()
    assert.equal(-8, ck:prepare { merchant_trans_id = o.id, amount = "500", omit = { "sign_time" } }.error)
    assert.equal(-8, ck:prepare { merchant_trans_id = o.id, amount = "five hundred" }.error)
    assert.equal(-3, ck:prepare { merchant_trans_id = o.id, amount = "500", action = "2" }.error)
    assert.equal(-3, ck:prepare { merchant_trans_id = o.id, amount = "500", action = "1" }.error)
    assert.equal(-1, ck:prepare { merchant_trans_id = o.id, amount = "500", service_id = "999" }.error)
    assert.equal(-8, ck:complete { merchant_trans_id = o.id, amount = "500", merchant_prepare_id = "x" }.error)
    assert.equal(0, #pay.payments(o.id))
  end)

  it("hashes the amount as sent: 500 and 500.00 both verify; a repeated Prepare is the same prepare", function()
    local o = order()
    local t = Click.new_trans_id()
    local a = ck:prepare { click_trans_id = t, merchant_trans_id = o.id, amount = "500" }
    local b = ck:prepare { click_trans_id = t, merchant_trans_id = o.id, amount = "500.00" }
    assert.same({ 0, 0 }, { a.error, b.error })
    assert.equal(a.merchant_prepare_id, b.merchant_prepare_id)
    assert.equal(1, #pay.payments(o.id))
    assert.equal(-2, ck:prepare { merchant_trans_id = pay.order { price = 50000, method = "click" }.id, amount = "500.01" }.error)
  end)

  it("answers -9 for a cancelled order and for Click's own error on Prepare", function()
    local o = order()
    assert(pg.query("UPDATE orders SET status = 'cancelled' WHERE id = $1", o.id))
    assert.equal(-9, ck:prepare { merchant_trans_id = o.id, amount = "500" }.error)
    local o2 = order()
    assert.equal(-9, ck:prepare { merchant_trans_id = o2.id, amount = "500", error = -5017 }.error)
    assert.equal(0, #pay.payments(o2.id))
  end)

  it("answers -7 when the database refuses the completion, and changes nothing", function()
    local o = order()
    local t = Click.new_trans_id()
    local a = ck:prepare { click_trans_id = t, merchant_trans_id = o.id, amount = "500" }
    -- a trigger that makes the order's update fail, for this order only
    assert(pg.query(([[CREATE OR REPLACE FUNCTION spec_refuse_%d() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN RAISE EXCEPTION 'refused by spec'; END $$]]):format(o.id)))
    assert(pg.query(([[CREATE TRIGGER spec_refuse_%d BEFORE UPDATE ON orders FOR EACH ROW
      WHEN (OLD.id = %d) EXECUTE FUNCTION spec_refuse_%d()]]):format(o.id, o.id, o.id)))
    local b = ck:complete { click_trans_id = t, merchant_trans_id = o.id, amount = "500",
                            merchant_prepare_id = a.merchant_prepare_id }
    assert(pg.query(("DROP TRIGGER spec_refuse_%d ON orders"):format(o.id)))
    assert(pg.query(("DROP FUNCTION spec_refuse_%d()"):format(o.id)))
    assert.equal(-7, b.error)
    assert.equal("created", pay.payments(o.id)[1].state)
    assert.equal("pending", pay.row(o.id).payment_status)
    -- Click tries again: now it goes through
    assert.equal(0, ck:complete { click_trans_id = t, merchant_trans_id = o.id, amount = "500",
                                  merchant_prepare_id = a.merchant_prepare_id }.error)
  end)

  it("stores a forged call with the caller's address and changes nothing", function()
    local o = order()
    local before = pay.snapshot(o.id)
    local t = Click.new_trans_id()
    assert.equal(-1, ck:prepare { click_trans_id = t, merchant_trans_id = o.id, amount = "500", secret_as = "guess" }.error)
    assert.equal(-1, ck:complete { click_trans_id = t, merchant_trans_id = o.id, amount = "500",
                                   merchant_prepare_id = 1, secret_as = "guess" }.error)
    assert.same(before, pay.snapshot(o.id))
    local calls = pay.calls { provider = "click", tx_id = t }
    assert.equal(2, #calls)
    for _, c in ipairs(calls) do
      assert.is_false(c.authentic)
      assert.equal(-1, c.error)
      assert.truthy(c.remote:match("^127%.0%.0%.1:%d+$"))
      assert.equal(o.id, c.order_id)
    end
  end)
end)
