-- spec/rules_money_spec.lua — rules/money.lua, runnable alone:
--   build/asan/guldasta-dev run spec/runner.lua spec/rules_money_spec.lua
local money = require("rules").money

describe("rules/money.lua", function()
  it("groups thousands with a space and drops tiyin", function()
    assert.are.equal("150 000", money.format_som(15000000))
    assert.are.equal("1 000 000", money.format_som(100000000))
    assert.are.equal("999", money.format_som(99900))
    assert.are.equal("0", money.format_som(0))
  end)
  it("rounds tiyin half up", function()
    assert.are.equal("2", money.format_som(150))
    assert.are.equal("1", money.format_som(149))
  end)
  it("refuses a non-integer amount with a reason", function()
    assert.are.same({ nil, "amount_not_integer" }, { money.format_som(1.5) })
  end)
end)
