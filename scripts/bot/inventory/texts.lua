-- scripts/bot/inventory/texts.lua — how the bot words stock: an item, a
-- refusal of the domain (shop/inventory/: stock.refused.* with params),
-- a movement done.
local i18n = require "i18n"

local M = {}

-- A product's name in `lang` (the domain gives { ru =, uz = }).
function M.name(lang, n)
  if type(n) == "table" then return n[lang] or n.ru or "" end
  return n or ""
end

function M.item(lang, it)
  local code = it.code
  if code == nil or type(code) ~= "string" then code = "-" end
  return i18n.t(lang, "stock.item", { name = M.name(lang, { ru = it.name_ru, uz = it.name_uz }), code = code,
                                      on_hand = it.on_hand })
end

-- A refusal as a Text.
function M.reason(lang, key, params)
  local vars = {}
  for k, v in pairs(params or {}) do vars[k] = v end
  if vars.name then vars.name = M.name(lang, vars.name) end
  if type(vars.roles) == "table" then
    local names = {}
    for i, r in ipairs(vars.roles) do names[i] = i18n.t(lang, "role." .. r) end
    vars.roles = i18n.join(names, ", ")
  end
  if type(vars.state) == "string" then vars.state = i18n.t(lang, "stock.state." .. vars.state) end
  if not i18n.has(lang, key) then key = "stock.refused.error" end
  return i18n.t(lang, key, vars)
end

return M
