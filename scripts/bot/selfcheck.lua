-- scripts/bot/selfcheck.lua — what must hold before a generation serves the
-- bot: the templates of both languages match, and every code the shop's
-- rules/catalog.lua offers as a filter has its words in templates/. Run by
-- scripts/main.lua's selfcheck, so an edit that breaks these is refused at
-- reload and the previous version keeps serving.
local i18n = require "i18n"
local rules = require "rules"

local M = {}

function M.run()
  local ok, why = i18n.check()
  if not ok then return false, why end
  local cat = rules.catalog
  if type(cat) ~= "table" then return false, "rules/catalog.lua is missing" end
  for _, pair in ipairs { { cat.COLOURS, "colour." }, { cat.OCCASIONS, "occasion." } } do
    for _, code in ipairs(pair[1]) do
      for _, lang in ipairs(i18n.LANGS) do
        if not i18n.has(lang, pair[2] .. code) then
          return false, ("rules/catalog.lua offers %s but templates/%s.lua has no %s%s"):format(
            code, lang, pair[2], code)
        end
      end
    end
  end
  -- an order awaiting payment keeps its stock longer than a cart does
  if not rules.payments.hold_outlasts_cart(require("config").reservation_ttl) then
    return false, "rules/payments.lua: HOLD_MINUTES must outlast a cart's hold (RESERVATION_TTL)"
  end
  for _, r in ipairs(cat.PRICE_RANGES) do
    for _, v in ipairs { r.min or 0, r.max or 0 } do
      if not rules.money.format_som(v) then return false, "rules/catalog.lua: a price is not integer tiyin" end
    end
  end
  return true
end

return M
