-- spec/bot_errors_spec.lua — a Lua error while handling an update ends that
-- update only: the user gets templates' error.generic in their language,
-- the error is logged with the update id and a traceback, the button's
-- spinner is stopped, and the bot goes on serving.
--
-- The fault is real code in a private copy of the project: a module loaded
-- before the bot that makes two handlers raise on a signal.
local bot = require "support.bot"
local server = require "support.server"
local i18n = require "i18n"
local fs = require "fs"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end

local FAULT = [[
-- Installed by spec/bot_errors_spec.lua: raise on the word "boom" and on
-- closing a card.
local search = require "bot.search"
local card = require "bot.card"
local on_text = search.on_text
search.on_text = function(ctx, text)
  if text == "boom" then error("spec: injected fault") end
  return on_text(ctx, text)
end
card.on_close = function() error("spec: injected fault on a press") end
]]

describe("an error in a handler", function()
  local b, root, fx

  setup(function()
    root = bot.copy_root()
    assert(fs.write(root .. "/scripts/spec_fault.lua", FAULT))
    local main = assert(fs.read(root .. "/scripts/main.lua"))
    assert(fs.write(root .. "/scripts/main.lua", 'require "spec_fault"\n' .. main))
    b = bot.start { root = root }
    fx = bot.catalog(b)
  end)
  teardown(function()
    bot.drop_catalog(fx)
    if b then b:stop() end
    server.remove_root(root)
  end)

  local function user_in(lang) return bot.user_in(b, lang) end

  for _, lang in ipairs { "ru", "uz" } do
    it("gives the user a polite message in their language (" .. lang .. ")", function()
      local u = user_in(lang)
      u:send("boom")
      u:wait_message(bot.says(T(lang, "error.generic")), 10)
      local log = b:log()
      assert.truthy(log:find("spec: injected fault", 1, true))
      assert.truthy(log:find('"update_id":', 1, true))
      assert.truthy(log:find("stack traceback", 1, true))
      -- and the bot still serves this chat
      u:send("роза " .. fx.n)
      u:wait_message(bot.says(T(lang, "search.found", { count = 1 })), 10)
    end)
  end

  it("answers the pressed button and apologises", function()
    local u = user_in("uz")
    u:command("/start", "p_" .. fx.vip)
    local card = u:wait_message(bot.says(fx.vip_uz), 10)
    u:send("Hashamatli " .. fx.n)
    local list = u:wait_message(bot.says(T("uz", "search.found", { count = 1 })), 10)
    bot.press(u, list, fx.vip_uz)
    card = u:wait_message(function(m) return bot.button(m, T("uz", "common.close")) ~= nil end, 10)
    local q = bot.press(u, card, T("uz", "common.close"))
    u:wait_answer(q, 10)
    u:wait_message(bot.says(T("uz", "error.generic")), 10)
  end)
end)
