-- scripts/bot/season.lua — how the bot says that a product is out of
-- season (shop/season.lua asks rules/season.lua): its mark in a list, the
-- line on its card, and the refusal when the cart or the constructor will
-- not take it. Texts from templates' `season` section.
local i18n = require "i18n"
local catalog = require "shop.catalog"
local season = require "shop.season"

local M = {}

local function month(lang, m) return i18n.t(lang, "season.month.m" .. m) end

-- out = { product =, from =, to = } (shop/season.lua)
local function vars(lang, out)
  return { name = catalog.name(lang, out.product), from = month(lang, out.from), to = month(lang, out.to) }
end

-- The refusal, as a Text (a toast, or a line on a screen).
function M.not_now(lang, out) return i18n.t(lang, "season.not_now", vars(lang, out)) end

-- The card's line for seasonal product p: when it is in season.
function M.card_line(lang, p)
  local s = season.of(p)
  return i18n.t(lang, "season.card", vars(lang, { product = p, from = s.from, to = s.to }))
end

-- A list's button label for product p out of season.
function M.button_label(lang, p)
  return i18n.t(lang, "season.product_button", { name = catalog.name(lang, p) })
end

return M
