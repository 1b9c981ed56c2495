-- spec/bot_language_spec.lua — end to end through the Bot API emulator:
-- /start asks Russian or Oʻzbekcha, the choice is remembered, the menu
-- changes it at any time, and the bot speaks only the chosen language.
local bot = require "support.bot"
local i18n = require "i18n"
local pg = require "pg"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end

local function lang_of(tg_id)
  local row = assert(pg.query("SELECT lang FROM users WHERE tg_id = $1", tg_id))[1]
  return row and row.lang
end

describe("the bot's languages", function()
  local b

  setup(function() b = bot.start() end)
  teardown(function() if b then b:stop() end end)

  for _, case in ipairs {
    { lang = "ru", other = "uz" },
    { lang = "uz", other = "ru" },
  } do
    local lang, other = case.lang, case.other

    it("asks at the first /start, remembers " .. lang .. ", and changes to " .. other, function()
      local u = b.emu:user { id = bot.user_id(), first_name = "Spec", language_code = lang }
      u:command("/start")
      local q = u:wait_message(bot.says(T("ru", "lang.ask")), 10)
      -- said in both languages, a button in each
      assert.truthy(bot.body(q):find(T("uz", "lang.ask"), 1, true))
      assert.truthy(bot.button(q, "Русский"))
      assert.truthy(bot.button(q, "Oʻzbekcha"))
      local registered = assert(pg.query("SELECT id, name FROM users WHERE tg_id = $1", u.id))[1]
      assert.truthy(registered, "the user is registered on first contact")
      assert.equal("Spec", registered.name)

      bot.press(u, q, T(lang, "lang.self"))
      local m = u:wait_message(bot.says(T(lang, "lang.saved")), 10)
      assert.equal(q.message_id, m.message_id, "the question is edited into the menu")
      assert.truthy(bot.button(m, T(lang, "menu.catalog")))
      assert.equal(lang, lang_of(u.id))

      -- remembered: the next /start goes straight to the menu
      u:command("/start")
      local menu = u:wait_message(bot.says(T(lang, "menu.title")), 10)
      assert.is_nil(bot.body(menu):find(T(other, "lang.ask"), 1, true))

      -- changed from the menu
      bot.press(u, menu, "🌐")
      q = u:wait_message(bot.says(T(other, "lang.ask")), 10)
      assert.equal(menu.message_id, q.message_id)
      bot.press(u, q, T(other, "lang.self"))
      m = u:wait_message(bot.says(T(other, "lang.saved")), 10)
      assert.truthy(bot.button(m, T(other, "menu.catalog")))
      assert.equal(other, lang_of(u.id))

      -- and everything after is in the new language
      u:command("/nosuchcommand")
      m = u:wait_message(bot.says(T(other, "common.unknown_command")), 10)
      assert.truthy(bot.button(m, T(other, "menu.search")))
    end)
  end

  it("asks for the language first whatever a new user sends", function()
    local u = b.emu:user { id = bot.user_id() }
    u:send("розы")
    u:wait_message(bot.says(T("uz", "lang.ask")), 10)
    local u2 = b.emu:user { id = bot.user_id() }
    u2:share_location(39.77, 64.42)
    u2:wait_message(bot.says(T("ru", "lang.ask")), 10)
  end)

  it("answers what it does not read with the menu, in the user's language", function()
    local u = b.emu:user { id = bot.user_id() }
    u:command("/start")
    bot.press(u, u:wait_message(bot.says(T("uz", "lang.ask")), 10), T("uz", "lang.self"))
    u:wait_message(bot.says(T("uz", "lang.saved")), 10)
    u:share_contact("+998901234567")
    local m = u:wait_message(bot.says(T("uz", "common.not_text")), 10)
    assert.truthy(bot.button(m, T("uz", "menu.catalog")))
    u:command("/help")
    u:wait_message(bot.says(T("uz", "help.text")), 10)
  end)

  it("the bot's every button fits callback_data's 64 bytes", function()
    for _, c in ipairs(b.emu:calls_of()) do
      assert.is_nil(c.error and c.error:find("BUTTON_DATA_INVALID"), c.method)
    end
  end)
end)
