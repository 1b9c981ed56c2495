-- spec/bot_deeplink_spec.lua — end to end through the Bot API emulator:
-- /start p_<id> opens the product's card, /start c_<id> its category; a
-- link that is malformed or names nothing gives a friendly sentence and
-- the main menu; a new user is asked the language first.
local bot = require "support.bot"
local i18n = require "i18n"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end

describe("deep links", function()
  local b, fx
  local start, stop = bot.catalog_fixture(function(bot_, fx_) b, fx = bot_, fx_ end)
  setup(start)
  teardown(stop)

  local function user_in(lang) return (bot.user_in(b, lang)) end

  for _, lang in ipairs { "ru", "uz" } do
    it("a new user chooses the language, then gets the product (" .. lang .. ")", function()
      local u = b.emu:user { id = bot.user_id() }
      u:command("/start", "p_" .. fx.rose)
      local q = u:wait_message(bot.says(T(lang, "lang.ask")), 10)
      bot.press(u, q, T(lang, "lang.self"))
      local card = u:wait_message(function(m) return m.photo ~= nil end, 15)
      assert.truthy(card.caption:find(lang == "ru" and fx.rose_ru or fx.rose_uz, 1, true))
      -- the menu came too, in the chosen language
      local menu = bot.message(u, q.message_id)
      assert.truthy(bot.body(menu):find(T(lang, "lang.saved"), 1, true))
    end)

    it("opens a product and a category for a known user (" .. lang .. ")", function()
      local u = user_in(lang)
      u:command("/start", "p_" .. fx.vip)
      local card = u:wait_message(bot.says(lang == "ru" and fx.vip_ru or fx.vip_uz), 10)
      assert.truthy(card.text:find(T(lang, "card.vip"), 1, true))
      assert.is_nil(bot.button(card, T(lang, "common.close")), "nothing to close back to")

      u:command("/start", "c_" .. fx.sub)
      local name = lang == "ru" and fx.sub_ru or fx.sub_uz
      local m = u:wait_message(bot.says(T(lang, "catalog.category_title", { name = name })), 10)
      assert.is_not.equal(card.message_id, m.message_id)
      assert.truthy(bot.button(m, T(lang, "common.page", { page = 1, pages = 2 })))

      u:command("/start", "c_" .. fx.root)
      name = lang == "ru" and fx.sub_ru or fx.sub_uz
      m = u:wait_message(bot.says(T(lang, "catalog.category_title", { name = lang == "ru" and fx.root_ru or fx.root_uz })), 10)
      assert.truthy(bot.button(m, name))
    end)

    it("answers a bad link kindly, with the menu (" .. lang .. ")", function()
      local u = user_in(lang)
      local bad = {
        "p_" .. fx.gone,              -- no longer sold
        "p_999999999999",             -- never was
        "c_0",
        "x_12", "p_", "p_12abc", "p_-1", "hello",
        string.rep("p", 64),
      }
      for _, payload in ipairs(bad) do
        u:command("/start", payload)
        local m = u:wait_message(bot.says(T(lang, "deeplink.unknown")), 10)
        assert(bot.button(m, T(lang, "menu.catalog")), payload .. ": no menu")
      end
      -- not even Telegram's alphabet: still kind
      u:command("/start", "p_1!")
      u:wait_message(bot.says(T(lang, "deeplink.unknown")), 10)
    end)
  end
end)
