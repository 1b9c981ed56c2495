-- scripts/bot/language.lua — Russian or Oʻzbekcha: asked at the first
-- /start, remembered in users.lang, changeable from the menu at any time.
--
-- The question is asked before we know the language, so it is said in both
-- (each language's own sentence, from its own templates file), and each
-- button is labelled in its own language.
local i18n = require "i18n"
local keyboard = require "bot.keyboard"
local users = require "shop.users"
local out = require "bot.out"
local menu = require "bot.menu"
local deeplink = require "bot.deeplink"

local M = {}

-- `target` (optional) is a deep link to open once the language is chosen,
-- in deeplink.lua's short form ("p12", "p12_7", "c3", "x" for a bad link); it rides
-- in the buttons' callback data, so nothing is stored meanwhile.
function M.ask(ctx, target, fresh)
  local suffix = target and (":" .. target) or ""
  local rows = {}
  for _, lang in ipairs(i18n.LANGS) do
    rows[#rows + 1] = { keyboard.button(i18n.t(lang, "lang.self"), "l:" .. lang .. suffix) }
  end
  local parts = {}
  for _, lang in ipairs(i18n.LANGS) do parts[#parts + 1] = i18n.t(lang, "lang.ask") end
  local view = { text = i18n.join(parts, "\n"), markup = keyboard.markup(rows), fresh = fresh }
  -- The question is bilingual; out.show needs some language for limits.
  return out.show(ctx, view)
end

-- /start: the language question first when none was chosen (a deep link
-- rides in its buttons), else the link or the menu.
function M.on_start(ctx, rest)
  deeplink.count(ctx, rest)
  if not ctx.lang then return M.ask(ctx, deeplink.target(rest), true) end
  return deeplink.on_start(ctx, rest)
end

-- "lq": the menu's language button.
function M.on_ask(ctx) return M.ask(ctx) end

-- /lang
function M.on_command(ctx) return M.ask(ctx, nil, true) end

-- "l:<lang>[:<target>]"
function M.on_choose(ctx, args)
  local lang = args[2]
  if not i18n.valid(lang) then return M.ask(ctx) end
  users.set_lang(ctx.user, lang)
  ctx.lang = lang
  local target = args[3]
  if target and target ~= "" then
    menu.show(ctx, i18n.t(lang, "lang.saved"))
    return deeplink.open(ctx, target)
  end
  return menu.show(ctx, i18n.t(lang, "lang.saved"))
end

return M
