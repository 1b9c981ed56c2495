-- scripts/bot/listing.lua — one paged list of buttons, the shape shared by
-- the catalog, search results and filter results: a header, up to
-- rules.catalog.PAGE_SIZE buttons, a ◀ 2/5 ▶ row, then the caller's own
-- rows (back, menu). Paging presses edit the same message.
local i18n = require "i18n"
local rules = require "rules"
local keyboard = require "bot.keyboard"
local catalog = require "shop.catalog"
local season = require "shop.season"
local season_text = require "bot.season"

local M = {}

-- 15000000 tiyin -> Text "150 000 сум" / "150 000 so'm"
function M.price(lang, tiyin)
  local amount = assert(rules.money.format_som(tiyin))
  return i18n.t(lang, "common.price", { amount = amount, currency = i18n.t(lang, "currency") })
end

-- The button of a product in a list: name and price. `data` is its press.
-- The label is made once per product and language and kept on the
-- catalog's copy of the product (a refresh makes new copies).
function M.product_button(lang, p, data)
  local labels = p.labels
  if not labels then labels = {}; p.labels = labels end
  local label = labels[lang]
  if not label then
    label = i18n.t(lang, "catalog.product_button", { name = catalog.name(lang, p), price = M.price(lang, p.price) })
    labels[lang] = label
  end
  return keyboard.button(label, data)
end

-- Clamps a page number from a callback to the list's pages.
function M.clamp(page, count, size)
  local pages = math.max(1, (count + size - 1) // size)
  page = math.tointeger(tonumber(page)) or 0
  if page < 0 then page = 0 end
  if page > pages - 1 then page = pages - 1 end
  return page, pages
end

-- The button of product p in a list, opening its card ("p:<id>:l"); out
-- of season on `day` (default today) it says so instead of the price
-- (rules/season.lua; a product it hides is not listed at all). Kept on the
-- catalog's copy of the product like the label.
function M.product_item(lang, p, day)
  local buttons = p.buttons
  if not buttons then buttons = {}; p.buttons = buttons end
  local off = season.shown(p, day) ~= "yes"
  local k = off and lang .. ":off" or lang
  local b = buttons[k]
  if not b then
    local data = keyboard.cb("p", p.id, "l")
    b = off and keyboard.button(season_text.button_label(lang, p), data) or M.product_button(lang, p, data)
    buttons[k] = b
  end
  return b
end

-- args:
--   lang, header (Text), page, page_data = function(page) -> callback data,
--   items = { button, ... } (already built), or items = { thing, ... }
--     with item = function(thing, i) -> button: then only the buttons of
--     the page shown are built (a category of 200 products shows 8),
--   rows = { {button, ...}, ... } appended after the pager,
--   size (default rules.catalog.PAGE_SIZE)
-- -> view { text, markup }
function M.view(args)
  local size = args.size or rules.catalog.PAGE_SIZE
  local items, item = args.items, args.item
  local page, pages = M.clamp(args.page, #items, size)
  local rows = {}
  for i = page * size + 1, math.min(#items, (page + 1) * size) do
    rows[#rows + 1] = { item and item(items[i], i) or items[i] }
  end
  if pages > 1 then
    local nav = {}
    if page > 0 then
      nav[#nav + 1] = keyboard.button(i18n.t(args.lang, "common.prev"), args.page_data(page - 1))
    end
    nav[#nav + 1] = keyboard.button(i18n.t(args.lang, "common.page", { page = page + 1, pages = pages }), "n")
    if page < pages - 1 then
      nav[#nav + 1] = keyboard.button(i18n.t(args.lang, "common.next"), args.page_data(page + 1))
    end
    rows[#rows + 1] = nav
  end
  for _, r in ipairs(args.rows or {}) do rows[#rows + 1] = r end
  return { text = args.header, markup = keyboard.markup(rows) }
end

return M
