-- spec/rules_inventory_spec.lua — rules/inventory.lua, runnable alone:
--   build/asan/guldasta-dev run spec/runner.lua spec/rules_inventory_spec.lua
local inventory = require("rules").inventory

describe("rules/inventory.lua", function()
  it("lets a small count difference through and sends a large one for approval", function()
    local max = inventory.CORRECTION_MAX_UNITS
    assert.is_false(inventory.needs_approval(1, 200))
    assert.is_false(inventory.needs_approval(-1, 200))
    assert.is_true(inventory.needs_approval(max + 1, 100000))
    assert.is_true(inventory.needs_approval(-(max + 1), 100000))
    assert.is_false(inventory.needs_approval(max, 100000))
  end)
  it("counts a difference as large also by its share of what was on hand", function()
    local pct = inventory.CORRECTION_MAX_PERCENT
    -- on 100 units, pct percent is the most one person corrects alone
    assert.is_false(inventory.needs_approval(math.min(pct, inventory.CORRECTION_MAX_UNITS), 100))
    assert.is_true(inventory.needs_approval(-10, 12))
  end)
  it("knows its loss kinds, and which need a note", function()
    for _, k in ipairs { "wilted", "broken", "unsold", "other" } do assert.is_true(inventory.is_loss_kind(k)) end
    assert.is_false(inventory.is_loss_kind("stolen"))
    assert.is_true(inventory.LOSS_NEEDS_NOTE.other)
    assert.is_nil(inventory.LOSS_NEEDS_NOTE.wilted)
  end)
  it("passes its own selfcheck", function()
    assert.is_true(inventory.selfcheck())
  end)
end)
