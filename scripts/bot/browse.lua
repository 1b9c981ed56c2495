-- scripts/bot/browse.lua — categories → subcategories → products.
--
-- One screen per category: its subcategories first, then its own products,
-- paged together; "c:<id>:<page>" (id 0 = the top level). Every press edits
-- the same message.
local i18n = require "i18n"
local keyboard = require "bot.keyboard"
local catalog = require "shop.catalog"
local listing = require "bot.listing"
local out = require "bot.out"
local menu = require "bot.menu"
local rules = require "rules"
local season = require "shop.season"

local M = {}

-- The screen of category `id` at `page` in `lang`, or nil when there is
-- no such active category. Screens are the same for every customer of a
-- language, so each is made once per catalog copy (shop/catalog.lua makes
-- a new copy when the shop's data changes, and it starts with no screens):
-- a press then costs a table lookup, not a page of buttons and labels.
-- What a screen shows of a seasonal product depends on the day (marked or
-- hidden out of season, shop/catalog.lua's seen_category): the day is part
-- of the screen's key.
local function screen(c, lang, id, page)
  local day = season.today()
  local cat, subs, products
  if id == 0 then
    subs, products = c.roots, {}
  else
    cat = c.categories[id]
    if not cat then return nil end
    subs, products = c.children[id], (catalog.seen_category(c, id, day))
  end
  local nsubs, count = #subs, #subs + #products
  page = listing.clamp(page, count, rules.catalog.PAGE_SIZE)
  local views = c.browse_views
  if not views then views = {}; c.browse_views = views end
  local vkey = lang .. ":" .. id .. ":" .. page .. ":" .. catalog.day_key(day)
  local view = views[vkey]
  if view then return view end
  local header
  if not cat then
    header = i18n.t(lang, "catalog.title")
  elseif count == 0 then
    header = i18n.join({ i18n.t(lang, "catalog.category_title", { name = catalog.name(lang, cat) }),
                         i18n.t(lang, "catalog.empty") }, "\n\n")
  else
    header = i18n.t(lang, "catalog.category_title", { name = catalog.name(lang, cat) })
  end
  local back = {}
  if cat then
    back[#back + 1] = keyboard.button(i18n.t(lang, "common.back"), keyboard.cb("c", cat.parent_id or 0, 0))
  end
  back[#back + 1] = menu.back_row({ lang = lang })[1]   -- depends on the language only
  -- subcategories first, then the category's own products; only the
  -- page's buttons are built
  local idx = {}
  for i = 1, count do idx[i] = i end
  view = listing.view {
    lang = lang, header = header, items = idx, page = page,
    item = function(i)
      if i <= nsubs then
        local s = subs[i]
        local _, n = catalog.seen_category(c, s.id, day)
        return keyboard.button(i18n.t(lang, "catalog.category_button",
          { name = catalog.name(lang, s), count = n }), keyboard.cb("c", s.id, 0))
      end
      return listing.product_item(lang, products[i - nsubs], day)
    end,
    page_data = function(p) return keyboard.cb("c", id, p) end,
    rows = { back },
  }
  views[vkey] = view
  return view
end

-- Shows category `id` (0 = top level) at `page`. opts.fresh: a new
-- message. Returns false when there is no such active category.
function M.show(ctx, id, page, opts)
  local view = screen(catalog.get(), ctx.lang, id, page)
  if not view then return false end
  -- the cached screen is shared: the per-call flag goes on a copy
  out.show(ctx, { text = view.text, markup = view.markup, fresh = opts and opts.fresh })
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
