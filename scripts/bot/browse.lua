-- scripts/bot/browse.lua — categories → subcategories → products.
--
-- One screen per category: its subcategories first, then its own products,
-- paged together; "c:<id>:<page>" (id 0 = the top level). Every press edits
-- the same message.
local i18n = require "i18n"
local keyboard = require "bot.keyboard"
local catalog = require "bot.catalog"
local listing = require "bot.listing"
local out = require "bot.out"
local menu = require "bot.menu"

local M = {}

-- Shows category `id` (0 = top level) at `page`. opts.fresh: a new
-- message. Returns false when there is no such active category.
function M.show(ctx, id, page, opts)
  local lang = ctx.lang
  local c = catalog.get()
  local cat, subs, products
  if id == 0 then
    subs, products = c.roots, {}
  else
    cat = c.categories[id]
    if not cat then return false end
    subs, products = c.children[id], c.by_category[id]
  end
  local items = {}
  for _, s in ipairs(subs) do
    items[#items + 1] = keyboard.button(i18n.t(lang, "catalog.category_button",
      { name = catalog.name(lang, s), count = s.count }), keyboard.cb("c", s.id, 0))
  end
  for _, p in ipairs(products) do
    items[#items + 1] = listing.product_button(lang, p, keyboard.cb("p", p.id, "l"))
  end
  local header
  if not cat then
    header = i18n.t(lang, "catalog.title")
  elseif #items == 0 then
    header = i18n.join({ i18n.t(lang, "catalog.category_title", { name = catalog.name(lang, cat) }),
                         i18n.t(lang, "catalog.empty") }, "\n\n")
  else
    header = i18n.t(lang, "catalog.category_title", { name = catalog.name(lang, cat) })
  end
  local back = {}
  if cat then
    back[#back + 1] = keyboard.button(i18n.t(lang, "common.back"), keyboard.cb("c", cat.parent_id or 0, 0))
  end
  back[#back + 1] = menu.back_row(ctx)[1]
  local view = listing.view {
    lang = lang, header = header, items = items, page = page,
    page_data = function(p) return keyboard.cb("c", id, p) end,
    rows = { back },
  }
  view.fresh = opts and opts.fresh
  out.show(ctx, view)
  return true
end

-- "c:<id>:<page>"
function M.on_press(ctx, args)
  local id = math.tointeger(tonumber(args[2])) or 0
  local page = math.tointeger(tonumber(args[3])) or 0
  if not M.show(ctx, id, page) then
    out.answer(ctx, i18n.t(ctx.lang, "catalog.gone"))
    return M.show(ctx, 0, 0)
  end
end

-- /catalog
function M.on_command(ctx) return M.show(ctx, 0, 0, { fresh = true }) end

return M
