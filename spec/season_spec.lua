-- spec/season_spec.lua — a product out of season (rules/season.lua) is
-- shown as unavailable (the rule's OUT_OF_SEASON) and cannot be put in a
-- cart, whatever the way in: a card's button pressed after the season
-- ended, a deep link, the constructor, "+" on a cart line; in season all
-- of it works.
--
-- The day is the rule's input: the rule and shop/cart.lua are asked about
-- chosen days (7 December for tulips, the day the issue found them sold;
-- 8 March); the bot, which asks about today, gets products whose season
-- the spec writes around today ("season_<this month>_<this month>" is in,
-- the two months after are out), so no clock is faked anywhere.
local bot = require "support.bot"
local i18n = require "i18n"
local pg = require "pg"
local rules = require "rules"
local catalog = require "shop.catalog"
local cart = require "shop.cart"
local quote = require "shop.quote"
local stock = require "shop.stock"
local shop_season = require "shop.season"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end

local MON = { "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec" }

-- The season tags around today: this month only, and the next two.
local function tags_around_today()
  local month = tonumber(shop_season.today():sub(6, 7))
  local function m(k) return MON[(month - 1 + k) % 12 + 1] end
  return "season_" .. m(0) .. "_" .. m(0), "season_" .. m(1) .. "_" .. m(2), month
end

describe("seasonal products", function()
  local b, n, code, cat, ids, on_tag, off_tag, month

  local function insert(key, kind, ru, uz, tags, price)
    local id = assert(pg.query([[INSERT INTO products (code, category_id, kind, name_ru, name_uz, price, colour, tags, active)
                                 VALUES ($1, $2, $3, $4, $5, $6, 'red', $7, true) RETURNING id]],
      code .. "-" .. key, cat, kind, ru, uz, price, pg.array(tags)))[1].id
    assert(pg.query("INSERT INTO stock (product_id, on_hand) VALUES ($1, 50)", id))
    ids[key] = id
    return id
  end

  setup(function()
    n = bot.number()
    code = "spec-season-" .. n
    on_tag, off_tag, month = tags_around_today()
    ids = {}
    cat = assert(pg.query([[INSERT INTO categories (code, name_ru, name_uz, sort) VALUES ($1, $2, $3, -1000000001)
                            RETURNING id]], code, "Сезон " .. n, "Mavsum " .. n))[1].id
    -- tulips as the demo catalog has them: January to April
    insert("tulip", "stem", "Тюльпан сп " .. n, "Lola sp " .. n, { "season_jan_apr" }, 1200000)
    insert("bunch", "composition", "Тюльпаны 15 сп " .. n, "15 ta lola sp " .. n, {}, 22000000)
    assert(pg.query("INSERT INTO composition_items (composition_id, component_id, count) VALUES ($1, $2, 15)",
      ids.bunch, ids.tulip))
    insert("rose", "stem", "Роза сп " .. n, "Atirgul sp " .. n, {}, 1500000)
    -- around today, for the bot
    insert("on", "composition", "Сезонный букет " .. n, "Mavsumiy guldasta " .. n, { on_tag }, 10000000)
    insert("off", "composition", "Несезонный букет " .. n, "Mavsumsiz guldasta " .. n, { off_tag }, 11000000)
    insert("on_stem", "stem", "Сезонный цветок " .. n, "Mavsumiy gul " .. n, { on_tag }, 1000000)
    insert("off_stem", "stem", "Несезонный цветок " .. n, "Mavsumsiz gul " .. n, { off_tag }, 1000000)
    insert("late", "composition", "Последний букет сезона " .. n, "Mavsumning soʻnggi guldastasi " .. n,
      { on_tag }, 12000000)
    catalog.invalidate()
    stock.invalidate()
    b = bot.start()
  end)

  teardown(function()
    if ids then
      local list = {}
      for _, id in pairs(ids) do list[#list + 1] = id end
      pg.query("UPDATE products SET active = false WHERE code LIKE $1", code .. "-%")
      pg.query("UPDATE categories SET active = false WHERE code = $1", code)
      stock.forget(list)
    end
    if b then b:stop() end
  end)

  describe("the rule", function()
    it("takes the day as its input", function()
      local tulips = { tags = { "season_jan_apr" } }
      assert.is_false((rules.season.in_season(tulips, "2026-12-07")))
      assert.is_true((rules.season.in_season(tulips, "2027-03-08")))
      assert.is_true((rules.season.in_season(tulips, "2027-04-30")))
      assert.is_false((rules.season.in_season(tulips, "2027-05-01")))
      local peonies = { tag_set = { season_may_jun = true } }
      assert.is_true((rules.season.in_season(peonies, "2027-06-15")))
      assert.is_false((rules.season.in_season(peonies, "2027-07-01")))
      local winter = { tags = { "season_nov_feb" } }
      assert.is_true((rules.season.in_season(winter, "2026-12-31")))
      assert.is_true((rules.season.in_season(winter, "2027-02-01")))
      assert.is_false((rules.season.in_season(winter, "2027-03-01")))
      assert.is_true((rules.season.in_season({ tags = { "filler" } }, "2026-12-07")), "no season: always")
      assert.is_false((rules.season.in_season(tulips, "7 December")), "no date: not sold")
      assert.equal("unavailable", rules.season.shown(tulips, "2026-12-07"))
      assert.equal("yes", rules.season.shown(tulips, "2027-03-08"))
    end)
  end)

  describe("the cart, on a day the spec names", function()
    local uid
    before_each(function() uid = bot.user_id(); catalog.invalidate() end)
    after_each(function() cart.clear(uid) end)

    it("refuses tulips on 7 December, by themselves and as a bouquet's part, and takes them on 8 March", function()
      local dec, mar = { date = "2026-12-07" }, { date = "2027-03-08" }
      local line, err, out = cart.add_product(uid, ids.tulip, 1, dec)
      assert.is_nil(line)
      assert.equal("season", err)
      assert.same({ 1, 4, ids.tulip }, { out.from, out.to, out.product.id })
      -- an untagged composition made of tulips is refused by its part
      line, err, out = cart.add_product(uid, ids.bunch, 1, dec)
      assert.equal("season", err)
      assert.equal(ids.tulip, out.product.id)
      local bouquet = { occasion = "birthday", packaging = nil, stems = { { product_id = ids.tulip, count = 5 } } }
      line, err = cart.add_bouquet(uid, bouquet, dec)
      assert.equal("season", err)
      assert.same({ lines = {} }, cart.get(uid))
      assert.equal(50, stock.available(ids.tulip), "nothing reserved")

      line = assert(cart.add_product(uid, ids.tulip, 1, mar))
      assert(cart.add_product(uid, ids.bunch, 1, mar))
      assert(cart.add_bouquet(uid, bouquet, mar))
      assert.equal(50 - 1 - 15 - 5, stock.available(ids.tulip))
      -- "+" on the line the day after the season ended
      local _, e2 = cart.change(uid, line.id, 1, { date = "2027-05-01" })
      assert.equal("season", e2)
      assert.equal(1, assert(cart.change(uid, line.id, 0, { date = "2027-05-01" })).count)
      -- and the quote leaves out of season lines out: checkout refuses them
      local q = assert(quote.of(cart.get(uid), { today = "2027-05-01" }))
      assert.equal(3, #q.unavailable)
      q = assert(quote.of(cart.get(uid), { today = "2027-04-30" }))
      assert.equal(0, #q.unavailable)
    end)
  end)

  describe("the bot, today", function()
    local lang = "ru"
    local function name(key, l) l = l or lang
      local r = pg.query("SELECT name_ru, name_uz FROM products WHERE id = $1", ids[key])[1]
      return l == "uz" and r.name_uz or r.name_ru
    end
    local function months(l)
      local _, _, m = tags_around_today()
      return { from = T(l, "season.month.m" .. (m % 12 + 1)), to = T(l, "season.month.m" .. ((m + 1) % 12 + 1)) }
    end

    it("lists an out of season product as unavailable, its card says when, and it has no add button", function()
      assert.equal("unavailable", rules.season.OUT_OF_SEASON)
      local u, menu = bot.user_in(b, lang)
      bot.press(u, menu, T(lang, "menu.catalog"))
      local m = u:wait_message(bot.says(T(lang, "catalog.title")), 10)
      bot.press(u, m, "Сезон " .. n)
      m = u:wait_message(function(x) return bot.button(x, name("on")) ~= nil end, 10)
      assert.truthy(bot.button(m, T(lang, "season.product_button", { name = name("off") })))
      assert.is_nil(bot.button(m, T(lang, "season.product_button", { name = name("on") })))
      -- the tulips too, unless this is January to April
      local tulips_in = month >= 1 and month <= 4
      assert.equal(not tulips_in, bot.button(m, T(lang, "season.product_button", { name = name("tulip") })) ~= nil)

      bot.press(u, m, T(lang, "season.product_button", { name = name("off") }))
      local card = u:wait_message(bot.says(T(lang, "card.title", { name = name("off") })), 10)
      local vars = months(lang)
      assert.truthy(bot.body(card):find(T(lang, "season.card", vars), 1, true))
      assert.is_nil(bot.button(card, T(lang, "card.add")))
    end)

    it("opens a deep link to it without an add button, in Uzbek too", function()
      local u = select(1, bot.user_in(b, "uz"))
      u:command("/start", "p_" .. ids.off)
      local card = u:wait_message(bot.says(T("uz", "card.title", { name = name("off", "uz") })), 10)
      assert.truthy(bot.body(card):find(T("uz", "season.card", months("uz")), 1, true))
      assert.is_nil(bot.button(card, T("uz", "card.add")))
      -- in season: the same link has the button, and it adds
      u:command("/start", "p_" .. ids.on)
      card = u:wait_message(bot.says(T("uz", "card.title", { name = name("on", "uz") })), 10)
      local q = bot.press(u, card, T("uz", "card.add"))
      assert.equal(T("uz", "cart.added", { count = 1 }), u:wait_answer(q, 10).text)
    end)

    it("refuses an old card's add button once the season is over", function()
      local u = select(1, bot.user_in(b, lang))
      local key = "late"
      u:command("/start", "p_" .. ids[key])
      local old = u:wait_message(bot.says(T(lang, "card.title", { name = name(key) })), 10)
      assert.truthy(bot.button(old, T(lang, "card.add")))
      -- the shop marks it out of season (its season is now the next months)
      assert(pg.query("UPDATE products SET tags = $2 WHERE id = $1", ids[key], pg.array { off_tag }))
      bot.eventually(function()
        u:command("/start", "p_" .. ids[key])
        local m = u:poll_message(bot.says(T(lang, "card.title", { name = name(key) })), 5)
        return m and bot.button(m, T(lang, "card.add")) == nil
      end, 20, "the bot to see the new season")
      local q = bot.press(u, old, T(lang, "card.add"))
      local vars = months(lang)
      vars.name = name(key)
      assert.equal(T(lang, "season.not_now", vars), u:wait_answer(q, 10).text)
      local uid = assert(pg.query("SELECT id FROM users WHERE tg_id = $1", u.id))[1].id
      assert.same({ lines = {} }, cart.get(uid))
    end)

    it("does not offer an out of season flower in the constructor, and offers one in season", function()
      local u, menu = bot.user_in(b, lang)
      bot.press(u, menu, T(lang, "menu.constructor"))
      local m = u:wait_message(bot.says(T(lang, "constructor.occasion_title")), 10)
      bot.press(u, m, T(lang, "occasion.birthday"))
      m = u:wait_message(bot.says(T(lang, "constructor.flower_title")), 10)
      -- every page of flowers
      local seen = {}
      for _ = 1, 30 do
        for _, x in ipairs(bot.buttons(m)) do seen[#seen + 1] = x.text end
        if not bot.button(m, T(lang, "common.next")) then break end
        local id = m.message_id
        bot.press(u, m, T(lang, "common.next"))
        m = u:wait_message(function(x) return x.message_id == id end, 10)
      end
      local all = table.concat(seen, "\n")
      assert.truthy(all:find(name("on_stem"), 1, true), "in season: offered")
      assert.is_nil(all:find(name("off_stem"), 1, true), "out of season: not offered")
      assert.equal(month >= 1 and month <= 4, all:find(name("tulip"), 1, true) ~= nil,
        "tulips only January to April")
    end)
  end)
end)
