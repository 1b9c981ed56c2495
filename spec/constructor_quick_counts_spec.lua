-- spec/constructor_quick_counts_spec.lua — the constructor's count buttons
-- come from the same parity rule as the check (rules/constructor.lua's
-- quick_counts): for a mourning bouquet they are even, for a gift odd,
-- given the flowers already chosen, and every one offered is accepted —
-- by the rule, and in the chat (each button pressed leads on, not back to
-- a refusal).
local bot = require "support.bot"
local i18n = require "i18n"
local pg = require "pg"
local rules = require "rules"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end

local ctor = rules.constructor

describe("the constructor's quick counts", function()
  local rose = { id = 1, code = "S02", kind = "stem", colour = "white", tags = {} }
  local lily = { id = 2, code = "S12", kind = "stem", colour = "white", tags = {} }
  local leaf = { id = 3, code = "S16", kind = "stem", colour = "green", tags = { "filler" } }

  -- Every quick count for `product` added to `stems` passes check_stems
  -- with no parity hint; returns the counts.
  local function all_accepted(occasion, stems, product)
    local counts = ctor.quick_counts({ occasion = occasion, stems = stems }, product)
    assert.is_true(#counts >= 8, occasion .. ": too few counts offered")
    for _, n in ipairs(counts) do
      local with = { table.unpack(stems) }
      with[#with + 1] = { product = product, count = n }
      local r = ctor.check_stems { occasion = occasion, stems = with }
      assert(r.ok and not r.suggest, ("%s: quick count %d refused (%s)"):format(occasion, n,
        r.problems[1] and r.problems[1].key or "hint"))
    end
    return counts
  end

  it("are even for mourning and odd for gifts, and the check accepts every one", function()
    assert.same({ 2, 4, 6, 8, 10, 12, 16, 22, 25, 51, 101 }, all_accepted("sympathy", {}, rose))
    assert.same({ 1, 3, 5, 7, 9, 11, 15, 21, 25, 51, 101 }, all_accepted("birthday", {}, rose))
    for _, o in ipairs(ctor.GIFT_OCCASIONS) do all_accepted(o, {}, rose) end
    for _, o in ipairs(ctor.MOURNING_OCCASIONS) do all_accepted(o, {}, rose) end
  end)

  it("count the flowers already in the bouquet, and not the greenery", function()
    -- 3 lilies in: a gift needs an even number more, mourning an odd one
    local three = { { product = lily, count = 3 } }
    assert.same({ 2, 4, 6, 8, 10, 12, 16, 22, 25, 51, 101 }, all_accepted("birthday", three, rose))
    assert.same({ 1, 3, 5, 7, 9, 11, 15, 21, 25, 51, 101 }, all_accepted("sympathy", three, rose))
    -- greenery is not counted: its buttons are the plain sizes
    assert.same(ctor.QUICK_COUNTS, ctor.quick_counts({ occasion = "sympathy", stems = three }, leaf))
  end)

  describe("in the chat", function()
    local b, p

    setup(function()
      local store = require "devkit.seed.store"
      assert(store.save(require("devkit.seed.catalog").load(), {}))
      p = assert(pg.query("SELECT id, name_ru, name_uz FROM products WHERE code = 'S02'"))[1]
      b = bot.start()
    end)
    teardown(function() if b then b:stop() end end)

    local function count_screen(u, lang)
      return u:wait_message(bot.says(T(lang, "constructor.count_title",
        { name = lang == "uz" and p.name_uz or p.name_ru })), 10)
    end

    -- Opens the constructor for `occasion`, picks white roses, and presses
    -- every count button offered; each must lead on to the next step.
    local function press_every_count(lang, occasion)
      local u, menu = bot.user_in(b, lang)
      bot.press(u, menu, T(lang, "menu.constructor"))
      local m = u:wait_message(bot.says(T(lang, "constructor.occasion_title")), 10)
      bot.press(u, m, T(lang, "occasion." .. occasion))
      m = u:wait_message(bot.says(T(lang, "constructor.flower_title")), 10)
      local name = lang == "uz" and p.name_uz or p.name_ru
      m = bot.page_to(u, m, name, T(lang, "common.next"))
      bot.press(u, m, name)
      m = count_screen(u, lang)
      local offered = {}
      for _, x in ipairs(bot.buttons(m)) do
        local n = x.callback_data:match("^b:n:(%d+)$")
        if n then offered[#offered + 1] = tonumber(n) end
      end
      assert.is_true(#offered >= 8, "count buttons offered")
      for _, n in ipairs(offered) do
        u:press(m, "b:n:" .. n)
        local more = u:wait_message(bot.says(T(lang, "constructor.more_title")), 10)
        assert.truthy(bot.button(more, T(lang, "constructor.to_packaging")),
          occasion .. ": count " .. n .. " was refused: " .. bot.body(more))
        bot.press(u, more, T(lang, "common.back"))
        m = count_screen(u, lang)
      end
      return offered
    end

    it("accepts every button for a funeral bouquet (ru) and for a gift (uz)", function()
      local mourning = press_every_count("ru", "sympathy")
      for _, n in ipairs(mourning) do
        assert(n % 2 == 0 or n >= ctor.PARITY_THRESHOLD, "odd count " .. n .. " offered for mourning")
      end
      local gift = press_every_count("uz", "birthday")
      for _, n in ipairs(gift) do
        assert(n % 2 == 1 or n >= ctor.PARITY_THRESHOLD, "even count " .. n .. " offered for a gift")
      end
    end)
  end)
end)
