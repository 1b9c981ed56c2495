-- spec/rules_slots_spec.lua — rules/slots.lua, runnable alone:
--   build/asan/guldasta-dev run spec/runner.lua spec/rules_slots_spec.lua
local slots = require("rules").slots
local i18n = require "i18n"

-- UTC epoch of Bukhara local time: `days` after Monday 2026-03-02, hh:mm.
-- 2026-03-02 00:00 in Bukhara (UTC+5) is 2026-03-01 19:00 UTC = 1772391600.
local MONDAY = 1772391600
local function at(days, hh, mm) return MONDAY + days * 86400 + (hh * 60 + (mm or 0)) * 60 end

local function by_start(list)
  local t = {}
  for _, w in ipairs(list) do t[w.start] = w end
  return t
end

describe("rules/slots.lua", function()
  it("works in Bukhara time, UTC+5", function()
    assert.equal(5 * 3600, slots.UTC_OFFSET)
    assert.equal("2026-03-02", slots.local_date(at(0, 0, 0)))
    assert.equal("2026-03-01", slots.local_date(at(0, 0, 0) - 1))
    assert.equal("14:30", slots.local_time(at(0, 14, 30)))
    assert.equal(1, slots.weekday("2026-03-02"))
    assert.equal(7, slots.weekday("2026-03-08"))
    assert.equal("2026-03-01", slots.add_days("2026-02-28", 1))
    assert.equal(at(0, 15, 0), slots.epoch("2026-03-02", "15:00"))
  end)

  it("at 14:30 on a weekday closes 15–18 by the lead time and leaves 18–21 open", function()
    local w = by_start(slots.windows("2026-03-02", at(0, 14, 30)))
    assert.equal("past", w["09:00"].why)
    assert.equal("past", w["12:00"].why)
    assert.is_false(w["15:00"].open); assert.equal("cutoff", w["15:00"].why)
    assert.is_true(w["18:00"].open); assert.is_nil(w["18:00"].why)
    assert.equal(8, w["18:00"].capacity); assert.equal(8, w["18:00"].left)
    assert.equal("21:00", w["18:00"]["end"])
  end)

  it("a bouquet's longer preparation time moves the first slot", function()
    local w = by_start(slots.windows("2026-03-02", at(0, 9, 0), { prep_minutes = 8 * 60 }))
    assert.equal("cutoff", w["15:00"].why)
    assert.is_true(w["18:00"].open)
    w = by_start(slots.windows("2026-03-03", at(0, 9, 30), { prep_minutes = 24 * 60 }))
    assert.equal("cutoff", w["09:00"].why)
    assert.is_true(w["12:00"].open)
  end)

  it("has no same-day slot after the weekday's cut-off (16:00 on Saturday)", function()
    local sat = "2026-03-14"
    assert.equal(6, slots.weekday(sat))
    for _, w in ipairs(slots.windows(sat, at(12, 16, 30))) do
      assert.is_false(w.open, w.start)
    end
    assert.is_true(by_start(slots.windows(sat, at(12, 15, 30)))["18:00"].open)
    for _, w in ipairs(slots.windows(sat, at(12, 16, 0))) do assert.is_false(w.open, w.start) end
    -- a weekday keeps same-day slots until 18:00
    assert.is_true(by_start(slots.windows("2026-03-02", at(0, 16, 0)))["18:00"].open)
    assert.equal("past", by_start(slots.windows("2026-03-02", at(0, 18, 0)))["18:00"].why)
  end)

  it("closes next-morning slots after 18:00 the day before", function()
    local w = by_start(slots.windows("2026-03-03", at(0, 19, 0)))
    assert.equal("cutoff", w["09:00"].why)
    assert.is_true(w["12:00"].open)
    assert.is_true(by_start(slots.windows("2026-03-03", at(0, 17, 0)))["09:00"].open)
  end)

  it("a full window is not open", function()
    local w = by_start(slots.windows("2026-03-03", at(0, 10, 0), { taken = { ["12:00"] = 8, ["15:00"] = 5 } }))
    assert.is_false(w["12:00"].open); assert.equal("full", w["12:00"].why); assert.equal(0, w["12:00"].left)
    assert.is_true(w["15:00"].open); assert.equal(3, w["15:00"].left)
    w = by_start(slots.windows("2026-03-03", at(0, 10, 0), { taken = { ["12:00"] = 99 } }))
    assert.equal(0, w["12:00"].left)
  end)

  it("peak days change capacity and cut-off", function()
    -- 8 March 2026 is a Sunday: normal cut-off 16:00, on 8 March 12:00
    local w = by_start(slots.windows("2026-03-08", at(6, 9, 0)))
    assert.equal(14, w["15:00"].capacity)
    assert.is_true(w["15:00"].open)
    for _, x in ipairs(slots.windows("2026-03-08", at(6, 12, 30))) do assert.is_false(x.open) end
  end)

  it("closed days have no slots and are left out of the dates", function()
    for _, w in ipairs(slots.windows("2027-01-01", at(0, 9, 0))) do
      assert.equal("closed", w.why)
    end
    local closed = { "2026-03-04" }
    for _, w in ipairs(slots.windows("2026-03-04", at(0, 9, 0), { closed = closed })) do
      assert.equal("closed", w.why)
    end
    local dates = slots.dates(at(0, 9, 0), { closed = closed })
    assert.same({ "2026-03-02", "2026-03-03", "2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08" }, dates)
    -- after the day's cut-off today is not offered
    assert.equal("2026-03-03", slots.dates(at(0, 19, 0))[1])
    assert.equal(slots.DAYS_AHEAD, #slots.dates(at(0, 9, 0)))
  end)

  it("Z4 is delivered from the next day; Z3 same day only until 16:00", function()
    local w = by_start(slots.windows("2026-03-02", at(0, 9, 0), { zone = "Z4" }))
    for _, x in pairs(w) do assert.is_false(x.open) end
    assert.equal("zone", w["18:00"].why)
    assert.is_true(by_start(slots.windows("2026-03-03", at(0, 9, 0), { zone = "Z4" }))["12:00"].open)
    assert.equal("2026-03-03", slots.dates(at(0, 9, 0), { zone = "Z4" })[1])
    assert.is_true(by_start(slots.windows("2026-03-02", at(0, 15, 0), { zone = "Z3" }))["18:00"].open)
    assert.equal("zone", by_start(slots.windows("2026-03-02", at(0, 16, 0), { zone = "Z3" }))["18:00"].why)
    assert.is_true(by_start(slots.windows("2026-03-02", at(0, 16, 0), { zone = "Z2" }))["18:00"].open)
  end)

  it("offers no date beyond DAYS_AHEAD", function()
    for _, w in ipairs(slots.windows("2026-03-09", at(0, 9, 0))) do assert.equal("closed", w.why) end
  end)

  it("answers odd input with a reason, never an error", function()
    for _, d in ipairs { "2026-02-30", "tomorrow", 42 } do
      local list, why = slots.windows(d, at(0, 9, 0))
      assert.same({}, list); assert.equal("rules.slots.bad_date", why)
    end
    local list, why = slots.windows("2026-03-02", "now")
    assert.same({}, list); assert.equal("rules.slots.bad_time", why)
    assert.same({}, (slots.dates(nil)))
    assert.is_nil(slots.local_date("x"))
    -- nil opts, odd opts
    assert.equal(4, #slots.windows("2026-03-03", at(0, 9, 0), { taken = "x", prep_minutes = "y", zone = "Z9" }))
  end)

  it("has every key it can return in both languages", function()
    for _, key in ipairs(slots.keys()) do
      for _, lang in ipairs { "ru", "uz" } do assert.is_true(i18n.has(lang, key), lang .. " " .. key) end
    end
  end)

  it("passes its selfcheck", function() assert.is_true(slots.selfcheck()) end)
end)
