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
  it("gives a flower's vase life by its tag, else its kind, else the default; extras do not wilt", function()
    local v = inventory.VASE_LIFE_DAYS
    assert.equal(v.tag.carnation, inventory.vase_life("stem", { "teachers_day", "carnation" }))
    -- several flower tags: the shortest-lived decides
    assert.equal(math.min(v.tag.rose, v.tag.carnation), inventory.vase_life("stem", { "carnation", "rose" }))
    assert.equal(v.kind.composition, inventory.vase_life("composition", { "love" }))
    assert.is_nil(inventory.vase_life("extra", {}))
    assert.equal(v.default, inventory.vase_life("something_new", nil))
  end)
  it("calls a lot ageing within LOTS_WARN_DAYS of its vase life's end, and past it", function()
    local warn = inventory.LOTS_WARN_DAYS
    assert.is_nil(inventory.lot_ageing(0, warn + 2))
    assert.equal(warn, inventory.lot_ageing(2, warn + 2))
    assert.equal(0, inventory.lot_ageing(5, 5))
    assert.equal(-3, inventory.lot_ageing(8, 5))
    assert.is_nil(inventory.lot_ageing(100, nil))
  end)
  it("refuses a vase life that is not a positive whole number", function()
    local saved = inventory.VASE_LIFE_DAYS.tag.rose
    inventory.VASE_LIFE_DAYS.tag.rose = 0
    local ok = inventory.selfcheck()
    inventory.VASE_LIFE_DAYS.tag.rose = saved
    assert.is_false(ok)
  end)
  it("passes its own selfcheck", function()
    assert.is_true(inventory.selfcheck())
  end)
end)
