-- spec/rules_payments_spec.lua — rules/payments.lua, runnable alone:
--   build/asan/guldasta-dev run spec/runner.lua spec/rules_payments_spec.lua
local payments = require("rules").payments

describe("rules/payments.lua", function()
  it("holds an unpaid online order longer than a cart", function()
    assert.is_true(payments.HOLD_MINUTES * 60 > 900)
    assert.is_true(payments.hold_outlasts_cart(900))
    assert.is_false(payments.hold_outlasts_cart(payments.HOLD_MINUTES * 60))
  end)
  it("counts an attempt abandoned after ATTEMPT_BLOCKS_MINUTES, not before", function()
    local limit = payments.ATTEMPT_BLOCKS_MINUTES * 60000
    assert.is_false(payments.attempt_abandoned(limit - 1))
    assert.is_true(payments.attempt_abandoned(limit))
  end)
  it("passes its own selfcheck", function()
    assert.is_true(payments.selfcheck())
  end)
end)
