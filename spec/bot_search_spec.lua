-- spec/bot_search_spec.lua — end to end through the Bot API emulator, in
-- both languages: search by typed text with each Uzbek apostrophe and in
-- Cyrillic, paging of results, an empty result that offers the filters,
-- and the filters themselves (colour, occasion, VIP, price).
local bot = require "support.bot"
local i18n = require "i18n"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end

local function price(lang, amount)
  return T(lang, "common.price", { amount = amount, currency = i18n.t(lang, "currency") })
end

describe("search and filters", function()
  local b, fx
  local start, stop = bot.catalog_fixture(function(bot_, fx_) b, fx = bot_, fx_ end)
  setup(start)
  teardown(stop)

  local function user_in(lang) return bot.user_in(b, lang) end

  for _, lang in ipairs { "ru", "uz" } do
    local doll = lang == "ru" and "doll_ru" or "doll_uz"

    it("finds by typed text with every apostrophe and in Cyrillic (" .. lang .. ")", function()
      local u = user_in(lang)
      local queries = { "qoʻgʻirchoq", "qo'g'irchoq", "qo‘g‘irchoq", "qo’g’irchoq", "qo`g`irchoq",
                        "QOʻGʻIRCHOQ", "qogirchoq", "қўғирчоқ", "ҚЎҒИРЧОҚ гулдаста", "кукла" }
      local last
      for _, q in ipairs(queries) do
        u:send(q .. " " .. fx.n)
        local m = u:wait_message(bot.says(T(lang, "search.found", { count = 1 })), 10)
        assert(bot.button(m, fx[doll]), q .. " did not find " .. fx[doll])
        last = m
      end
      bot.press(u, last, fx[doll])
      local card = u:wait_message(bot.says(T(lang, "card.title", { name = fx[doll] })), 10)
      assert.truthy(card.text:find(price(lang, "210 000"), 1, true))
    end)

    it("says when nothing is found and offers the filters (" .. lang .. ")", function()
      local u = user_in(lang)
      local q = "баобаб " .. fx.n
      u:send(q)
      local m = u:wait_message(bot.says(T(lang, "search.nothing", { query = q })), 10)
      assert.truthy(bot.button(m, T(lang, "filter.show")))
      bot.press(u, m, T(lang, "filter.colour", { value = T(lang, "filter.any") }))
      m = u:wait_message(bot.says(T(lang, "filter.pick_colour")), 10)
      assert.truthy(bot.button(m, T(lang, "colour.red")))
    end)
  end

  it("echoes a 4 000-character search shortened at a word, never cut by Telegram's limit", function()
    local u = user_in("ru")
    local words = {}
    for i = 1, 500 do words[i] = "баобаб" .. i end     -- distinct words, ~4 500 chars
    local long = table.concat(words, " "):sub(1, 4000)
    local max = require("rules").catalog.SEARCH_MAX_CHARS
    local kept = {}
    local len = 0
    for _, w in ipairs(words) do
      local add = utf8.len(w) + (#kept > 0 and 1 or 0)
      if len + add > max then break end
      kept[#kept + 1] = w
      len = len + add
    end
    local echo = table.concat(kept, " ") .. T("ru", "common.ellipsis")
    u:send(long)
    local m = u:wait_message(bot.says(T("ru", "search.nothing", { query = echo })), 10)
    assert.truthy(utf8.len(bot.body(m)) < 4096)
    assert.falsy(bot.body(m):find(words[#kept + 1] .. " ", 1, true), "nothing past the cut is echoed")
    -- the screen ends as the template does: it was not cut short
    local tail = T("ru", "filter.title")
    assert.are.equal(tail, bot.body(m):sub(-#tail))
  end)

  it("pages search results by editing, the query riding in the buttons", function()
    local u = user_in("ru")
    u:send("Гвоздика " .. fx.n)   -- nine of them; the uz names say chinnigul
    local m = u:wait_message(bot.says(T("ru", "search.found", { count = 9 })), 10)
    local id = m.message_id
    assert.truthy(bot.button(m, T("ru", "common.page", { page = 1, pages = 2 })))
    bot.press(u, m, T("ru", "common.next"))
    m = u:wait_message(function(x) return bot.button(x, T("ru", "common.page", { page = 2, pages = 2 })) end, 10)
    assert.equal(id, m.message_id)
    assert.truthy(bot.button(m, "Гвоздика " .. fx.n .. "-9"))
    for _, btn in ipairs(bot.buttons(m)) do assert.is_true(#btn.callback_data <= 64) end
    u:send("chinnigul " .. fx.n)
    u:wait_message(bot.says(T("ru", "search.found", { count = 9 })), 10)
  end)

  it("finds Russian words through the Uzbek name and back", function()
    local u = user_in("uz")
    u:send("атиргул " .. fx.n)         -- Cyrillic Uzbek for the uz name "Alvon atirgul"
    local m = u:wait_message(bot.says(T("uz", "search.found", { count = 1 })), 10)
    assert.truthy(bot.button(m, fx.rose_uz))
    u:send("роза " .. fx.n)            -- the ru name
    m = u:wait_message(bot.says(T("uz", "search.found", { count = 1 })), 10)
    assert.truthy(bot.button(m, fx.rose_uz))
  end)

  for _, lang in ipairs { "ru", "uz" } do
    it("filters by colour, occasion, VIP and price (" .. lang .. ")", function()
      local u, menu = user_in(lang)
      local any = T(lang, "filter.any")
      bot.press(u, menu, T(lang, "menu.filters"))
      local m = u:wait_message(bot.says(T(lang, "filter.title")), 10)
      local id = m.message_id
      assert.equal(menu.message_id, id)

      bot.press(u, m, T(lang, "filter.colour", { value = any }))
      m = u:wait_message(bot.says(T(lang, "filter.pick_colour")), 10)
      bot.press(u, m, T(lang, "colour.blue"))
      m = u:wait_message(function(x) return bot.button(x, T(lang, "filter.colour", { value = T(lang, "colour.blue") })) end, 10)

      bot.press(u, m, T(lang, "filter.occasion", { value = any }))
      m = u:wait_message(bot.says(T(lang, "filter.pick_occasion")), 10)
      bot.press(u, m, T(lang, "occasion.anniversary"))
      m = u:wait_message(function(x) return bot.button(x, T(lang, "occasion.anniversary")) end, 10)

      bot.press(u, m, T(lang, "filter.vip_off"))
      m = u:wait_message(function(x) return bot.button(x, T(lang, "filter.vip_on")) end, 10)

      bot.press(u, m, T(lang, "filter.price", { value = any }))
      m = u:wait_message(bot.says(T(lang, "filter.pick_price")), 10)
      local from600 = T(lang, "filter.price_from", { from = price(lang, "600 000") })
      bot.press(u, m, from600)
      m = u:wait_message(function(x) return bot.button(x, from600) end, 10)

      bot.press(u, m, T(lang, "filter.show"))
      m = u:wait_message(function(x) return x.text:find("🎛", 1, true) and bot.button(x, T(lang, "filter.change")) end, 10)
      assert.equal(id, m.message_id, "all of it in one message")
      m = bot.page_to(u, m, lang == "ru" and fx.vip_ru or fx.vip_uz, T(lang, "common.next"))
      assert.is_nil(bot.button(m, lang == "ru" and fx.doll_ru or fx.doll_uz))

      -- nothing that cheap is VIP, blue and for an anniversary: the
      -- filters are offered again, as they were
      bot.press(u, m, T(lang, "filter.change"))
      m = u:wait_message(bot.says(T(lang, "filter.title")), 10)
      bot.press(u, m, from600)
      m = u:wait_message(bot.says(T(lang, "filter.pick_price")), 10)
      local cheap = T(lang, "filter.price_upto", { to = price(lang, "150 000") })
      bot.press(u, m, cheap)
      m = u:wait_message(function(x) return bot.button(x, cheap) end, 10)
      bot.press(u, m, T(lang, "filter.show"))
      m = u:wait_message(bot.says(T(lang, "filter.nothing")), 10)
      assert.truthy(bot.button(m, cheap))
      assert.truthy(bot.button(m, T(lang, "filter.vip_on")))
      assert.truthy(bot.button(m, T(lang, "filter.reset")))
    end)
  end
end)
