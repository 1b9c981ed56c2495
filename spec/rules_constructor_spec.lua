-- spec/rules_constructor_spec.lua — rules/constructor.lua, runnable alone:
--   build/asan/guldasta-dev run spec/runner.lua spec/rules_constructor_spec.lua
local ctor = require("rules").constructor
local i18n = require "i18n"

local rose = { id = 1, code = "S01", kind = "stem", colour = "red", tags = { "classic" } }
local tulip = { id = 6, code = "S06", kind = "stem", colour = "red,yellow,pink,white", tags = {} }
local eucalyptus = { id = 16, code = "S16", kind = "stem", colour = "green", tags = { "greenery", "filler" } }
local gyps = { id = 15, code = "S15", kind = "stem", colour = "white", tag_set = { filler = true } }
local balloon = { id = 106, code = "E06", kind = "extra", category = "balloons" }
local sweets = { id = 109, code = "E09", kind = "extra", category = "sweets" }
local kraft = { id = 101, code = "E01", kind = "extra", category = "wrapping" }

local function bouquet(occasion, stems, more)
  local b = { occasion = occasion, stems = stems, packaging = "film" }
  for k, v in pairs(more or {}) do b[k] = v end
  return b
end
local function keys(list) local t = {} for _, p in ipairs(list) do t[#t + 1] = p.key end return t end

describe("rules/constructor.lua", function()
  it("counts main flowers only: 15 roses + 3 eucalyptus is odd", function()
    local r = ctor.check(bouquet("birthday", { { product = rose, count = 15 }, { product = eucalyptus, count = 3 } }))
    assert.is_true(r.ok); assert.same({}, r.problems)
    assert.equal(15, r.main); assert.equal(18, r.all)
  end)

  it("refuses an even gift below the threshold and suggests the nearest odd count", function()
    local r = ctor.check(bouquet("love", { { product = rose, count = 10 }, { product = gyps, count = 1 } }))
    assert.is_false(r.ok)
    assert.same({ "rules.constructor.odd_needed" }, keys(r.problems))
    assert.same({ count = 10, suggest = 11, threshold = 25 }, r.problems[1].params)
    assert.same({ count = 11, delta = 1 }, r.suggest)
    -- two flowers whose sum is even
    r = ctor.check_stems(bouquet("birthday", { { product = rose, count = 3 }, { product = tulip, count = 3, colour = "red" } }))
    assert.is_false(r.ok); assert.equal(7, r.suggest.count)
  end)

  it("does not count parity at and above PARITY_THRESHOLD", function()
    assert.equal(25, ctor.PARITY_THRESHOLD)
    assert.is_true(ctor.check(bouquet("love", { { product = rose, count = 26 } })).ok)
    assert.is_false(ctor.check(bouquet("love", { { product = rose, count = 24 } })).ok)
    assert.is_true(ctor.check(bouquet("love", { { product = rose, count = 101 } })).ok)
  end)

  it("wants an even count for mourning", function()
    local r = ctor.check(bouquet("sympathy", { { product = rose, count = 6 }, { product = eucalyptus, count = 3 } }))
    assert.is_true(r.ok)
    r = ctor.check(bouquet("sympathy", { { product = rose, count = 5 } }))
    assert.same({ "rules.constructor.even_needed" }, keys(r.problems))
    assert.same({ count = 6, delta = 1 }, r.suggest)
  end)

  it("only warns when the shop sets PARITY_MODE to warn", function()
    local saved = ctor.PARITY_MODE.gift
    ctor.PARITY_MODE.gift = "warn"
    local ok, r = pcall(ctor.check, bouquet("love", { { product = rose, count = 4 } }))
    ctor.PARITY_MODE.gift = saved
    assert.is_true(ok)
    assert.is_true(r.ok)
    assert.same({ "rules.constructor.odd_needed_hint" }, keys(r.warnings))
    assert.equal(5, r.suggest.count)
  end)

  it("knows the nearest odd and even counts", function()
    assert.equal(1, ctor.nearest_odd(0)); assert.equal(3, ctor.nearest_odd(2)); assert.equal(7, ctor.nearest_odd(7))
    assert.equal(2, ctor.nearest_even(1)); assert.equal(6, ctor.nearest_even(5)); assert.equal(1, ctor.nearest_odd("x"))
  end)

  it("keeps stems within the packaging's min and max", function()
    local r = ctor.check(bouquet("love", { { product = rose, count = 3 } }, { packaging = "hatbox" }))
    assert.same({ "rules.constructor.too_few_for_packaging" }, keys(r.problems))
    assert.equal("hatbox", r.problems[1].packaging)
    assert.equal(7, r.problems[1].params.min)
    r = ctor.check(bouquet("love", { { product = rose, count = 51 } }, { packaging = "hatbox" }))
    assert.same({ "rules.constructor.too_many_for_packaging" }, keys(r.problems))
    -- greenery takes room: 33 roses + 3 eucalyptus do not fit a hat box of 35
    r = ctor.check(bouquet("love", { { product = rose, count = 33 }, { product = eucalyptus, count = 3 } }, { packaging = "hatbox" }))
    assert.same({ "rules.constructor.too_many_for_packaging" }, keys(r.problems))
    assert.is_true(ctor.check(bouquet("love", { { product = rose, count = 101 } }, { packaging = "film" })).ok)
    assert.same({ "rules.constructor.no_packaging" },
      keys(ctor.check(bouquet("love", { { product = rose, count = 5 } }, { packaging = false })).problems))
  end)

  it("lets only fitting extras go with a packaging", function()
    assert.is_true(ctor.check(bouquet("love", { { product = rose, count = 9 } },
      { packaging = "kraft", extras = { { product = balloon, count = 1 } } })).ok)
    local r = ctor.check(bouquet("love", { { product = rose, count = 9 } },
      { packaging = "hatbox", extras = { { product = balloon, count = 1 }, { product = sweets, count = 1 } } }))
    assert.same({ "rules.constructor.extra_not_fit" }, keys(r.problems))
    assert.equal(106, r.problems[1].product_id); assert.equal("hatbox", r.problems[1].packaging)
    r = ctor.check(bouquet("love", { { product = rose, count = 9 } }, { extras = { { product = kraft, count = 1 } } }))
    assert.same({ "rules.constructor.extra_not_fit" }, keys(r.problems))
    r = ctor.check(bouquet("love", { { product = rose, count = 9 } }, { extras = { { product = sweets, count = 0 } } }))
    assert.same({ "rules.constructor.bad_extra_count" }, keys(r.problems))
  end)

  it("limits the postcard to CARD_MAX_CHARS characters, not bytes", function()
    assert.equal(250, ctor.CARD_MAX_CHARS)
    local ru = string.rep("я", 250)                     -- 500 bytes, 250 characters
    assert.is_true(ctor.check(bouquet("love", { { product = rose, count = 5 } }, { card_text = ru })).ok)
    local r = ctor.check(bouquet("love", { { product = rose, count = 5 } }, { card_text = ru .. "!" }))
    assert.same({ "rules.constructor.card_too_long" }, keys(r.problems))
    assert.same({ max = 250, length = 251 }, r.problems[1].params)
    assert.same({ "rules.constructor.card_empty" },
      keys(ctor.check(bouquet("love", { { product = rose, count = 5 } }, { card_text = "  \n" })).problems))
    assert.same({ "rules.constructor.card_bad_text" },
      keys(ctor.check(bouquet("love", { { product = rose, count = 5 } }, { card_text = "\xff\xfe" })).problems))
  end)

  it("hints at yellow flowers but does not block", function()
    local r = ctor.check(bouquet("birthday", { { product = tulip, count = 7, colour = "yellow" } }))
    assert.is_true(r.ok)
    assert.same({ "rules.constructor.yellow_hint" }, keys(r.warnings))
    r = ctor.check(bouquet("birthday", { { product = tulip, count = 7, colour = "red" } }))
    assert.same({}, r.warnings)
  end)

  it("answers odd input with problems, never an error", function()
    local cases = {
      { nil, "rules.constructor.no_flowers" },
      { {}, "rules.constructor.no_flowers" },
      { { occasion = "love", stems = { {} }, packaging = "film" }, "rules.constructor.unknown_flower" },
      { { occasion = "love", stems = { { product = rose } }, packaging = "film" }, "rules.constructor.bad_count" },
      { { occasion = "love", stems = { { product = rose, count = 0 } }, packaging = "film" }, "rules.constructor.bad_count" },
      { { occasion = "love", stems = { { product = rose, count = 999 } }, packaging = "film" }, "rules.constructor.bad_count" },
      { { occasion = "love", stems = { { product = sweets, count = 3 } }, packaging = "film" }, "rules.constructor.not_a_flower" },
      { { occasion = "love", stems = { { product = eucalyptus, count = 3 } }, packaging = "film" }, "rules.constructor.only_greenery" },
      { { stems = { { product = rose, count = 3 } }, packaging = "film" }, "rules.constructor.no_occasion" },
      { { occasion = "party", stems = { { product = rose, count = 3 } }, packaging = "film" }, "rules.constructor.unknown_occasion" },
      { { occasion = "love", stems = { { product = rose, count = 3 } }, packaging = "box" }, "rules.constructor.unknown_packaging" },
      { { occasion = "love", stems = { { product = rose, count = 3 } }, packaging = "film", extras = "x" }, "rules.constructor.unknown_extra" },
      { { occasion = "love", stems = { { product = rose, count = 3 } }, packaging = "film", card_text = 5 }, "rules.constructor.card_bad_text" },
    }
    for i, c in ipairs(cases) do
      local ok, r = pcall(ctor.check, c[1])
      assert.is_true(ok, "case " .. i .. " raised")
      assert.is_false(r.ok, "case " .. i)
      assert.equal(c[2], r.problems[1].key, "case " .. i)
    end
  end)

  it("describes packaging, ribbon, postcard and quick counts", function()
    assert.same({ 1, 3, 5, 7, 9, 11, 15, 21, 25, 51, 101 }, ctor.QUICK_COUNTS)
    assert.equal("E03", ctor.RIBBON); assert.equal("E04", ctor.CARD)
    local codes = {}
    for _, p in ipairs(ctor.PACKAGING) do codes[p.product] = p.code end
    assert.same({ E01 = "kraft", E02 = "film", E12 = "hatbox", E13 = "basket" }, codes)
    assert.equal("basket", ctor.packaging_of_product("E13").code)
    assert.equal("mourning", ctor.kind_of_occasion("sympathy"))
    assert.equal("gift", ctor.kind_of_occasion("march8"))
  end)

  it("has every key it can return, and every label, in both languages", function()
    for _, key in ipairs(ctor.keys()) do
      for _, lang in ipairs { "ru", "uz" } do assert.is_true(i18n.has(lang, key), lang .. " " .. key) end
    end
    for _, o in ipairs(ctor.GIFT_OCCASIONS) do assert.is_true(i18n.has("uz", "occasion." .. o), o) end
    for _, o in ipairs(ctor.MOURNING_OCCASIONS) do assert.is_true(i18n.has("ru", "occasion." .. o), o) end
  end)

  it("passes its selfcheck", function() assert.is_true(ctor.selfcheck()) end)
end)
