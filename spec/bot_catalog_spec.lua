-- spec/bot_catalog_spec.lua — end to end through the Bot API emulator, in
-- both languages: menu -> catalog -> category -> subcategory -> product
-- card. Lists page by editing one message; a card is its own message, with
-- the photo when there is one, and its price in so'm / сум.
local bot = require "support.bot"
local i18n = require "i18n"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end

local NAMES = {
  ru = { root = "root_ru", sub = "sub_ru", rose = "rose_ru", doll = "doll_ru", vip = "vip_ru" },
  uz = { root = "root_uz", sub = "sub_uz", rose = "rose_uz", doll = "doll_uz", vip = "vip_uz" },
}

describe("browsing the catalog", function()
  local b, fx
  local start, stop = bot.catalog_fixture(function(bot_, fx_) b, fx = bot_, fx_ end)
  setup(start)
  teardown(stop)

  -- A user who has chosen `lang`; returns the user and the menu message.
  local function user_in(lang) return bot.user_in(b, lang) end

  for _, lang in ipairs { "ru", "uz" } do
    local name = function(k) return fx[NAMES[lang][k]] end

    it("goes from the menu to a product card, editing one message (" .. lang .. ")", function()
      local u, menu = user_in(lang)
      local list_id = menu.message_id

      bot.press(u, menu, T(lang, "menu.catalog"))
      local m = u:wait_message(bot.says(T(lang, "catalog.title")), 10)
      assert.equal(list_id, m.message_id)
      m = bot.page_to(u, m, name("root"), T(lang, "common.next"))

      bot.press(u, m, name("root"))
      m = u:wait_message(bot.says(T(lang, "catalog.category_title", { name = name("root") })), 10)
      assert.equal(list_id, m.message_id)
      -- the subcategory's button counts the products below it
      assert.truthy(bot.button(m, T(lang, "catalog.category_button", { name = name("sub"), count = 12 })))

      bot.press(u, m, name("sub"))
      m = u:wait_message(bot.says(T(lang, "catalog.category_title", { name = name("sub") })), 10)
      assert.equal(list_id, m.message_id)
      assert.truthy(bot.button(m, T(lang, "common.page", { page = 1, pages = 2 })))
      assert.is_nil(bot.button(m, name("rose")), "cheapest first: the rose is on page 2")

      bot.press(u, m, T(lang, "common.next"))
      m = u:wait_message(bot.says(T(lang, "catalog.category_title", { name = name("sub") })), 10)
      assert.equal(list_id, m.message_id, "paging edits the same message")
      assert.truthy(bot.button(m, T(lang, "common.page", { page = 2, pages = 2 })))
      local price = lang == "ru" and "150 000 сум" or "150 000 soʻm"
      assert.truthy(bot.button(m, name("rose") .. " — " .. price))

      -- the card: a new message with the photo, the list stays above it
      bot.press(u, m, name("rose"))
      local card = u:wait_message(function(x) return x.photo ~= nil end, 15)
      assert.is_not.equal(list_id, card.message_id)
      local caption = card.caption
      assert.truthy(caption:find(name("rose"), 1, true))
      assert.truthy(caption:find(T(lang, "card.price", { price = price }), 1, true))
      assert.truthy(caption:find(T(lang, "colour.red"), 1, true))
      assert.truthy(caption:find(T(lang, "occasion.march8"), 1, true))
      assert.truthy(caption:find(T(lang, "occasion.birthday"), 1, true))
      assert.truthy(caption:find(lang == "ru" and "Одна роза" or "Uzun bandli", 1, true))
      assert.truthy(bot.button(card, name("sub")), "the card leads back to its category")

      -- closing the card leaves the list
      bot.press(u, card, T(lang, "common.close"))
      bot.wait_deleted(u, card.message_id)
      assert.truthy(bot.message(u, list_id), "the list stays")

      -- a product without a photo: a text card
      m = bot.message(u, list_id)
      bot.press(u, m, name("vip"))
      card = u:wait_message(bot.says(name("vip")), 10)
      assert.is_nil(card.photo)
      assert.truthy(card.text:find(lang == "ru" and "650 000 сум" or "650 000 soʻm", 1, true))
      assert.truthy(card.text:find(T(lang, "card.vip"), 1, true))
      assert.truthy(card.text:find(T(lang, "colour.blue") .. ", " .. T(lang, "colour.white"), 1, true))

      -- its category button edits the text card into the list; back goes up
      bot.press(u, card, name("sub"))
      m = u:wait_message(bot.says(T(lang, "catalog.category_title", { name = name("sub") })), 10)
      assert.equal(card.message_id, m.message_id)
      bot.press(u, m, T(lang, "common.back"))
      m = u:wait_message(bot.says(T(lang, "catalog.category_title", { name = name("root") })), 10)
      bot.press(u, m, T(lang, "common.back"))
      m = u:wait_message(bot.says(T(lang, "catalog.title")), 10)
      bot.press(u, m, T(lang, "common.menu"))
      u:wait_message(bot.says(T(lang, "menu.title")), 10)
    end)
  end

  it("keeps the chat short: paging sends no new messages", function()
    local u, menu = user_in("ru")
    bot.press(u, menu, T("ru", "menu.catalog"))
    local m = u:wait_message(bot.says(T("ru", "catalog.title")), 10)
    m = bot.page_to(u, m, fx.root_ru, T("ru", "common.next"))
    bot.press(u, m, fx.root_ru)
    m = u:wait_message(bot.says(T("ru", "catalog.category_title", { name = fx.root_ru })), 10)
    bot.press(u, m, fx.sub_ru)
    m = u:wait_message(bot.says(T("ru", "catalog.category_title", { name = fx.sub_ru })), 10)
    for _ = 1, 2 do
      bot.press(u, m, T("ru", "common.next"))
      m = u:wait_message(function(x)
        return bot.button(x, T("ru", "common.page", { page = 2, pages = 2 })) ~= nil
      end, 10)
      bot.press(u, m, T("ru", "common.prev"))
      m = u:wait_message(function(x)
        return bot.button(x, T("ru", "common.page", { page = 1, pages = 2 })) ~= nil
      end, 10)
    end
    assert.equal(1, #u:messages(), "one message for the whole walk")
  end)

  it("answers every button press", function()
    local u, menu = user_in("uz")
    local q = bot.press(u, menu, T("uz", "menu.catalog"))
    u:wait_answer(q, 10)
  end)
end)
