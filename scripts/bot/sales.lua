-- scripts/bot/sales.lua — sales by product in the bot: the marketer's,
-- the manager's and the accountant's (owners pass every role check).
-- The figures are shop/reports/products.lua's; the dates are taken as
-- /report takes them (bot/report.lua's dates), the default being the last
-- rules.reports.SALES_DAYS shop days, today so far included. Clicks and
-- orders per channel post are /posts' (bot/channel.lua): those who may
-- use it get a line pointing there rather than the same figures twice.
-- A feature module (bot/router.lua); every entry declares its role.
--
--   /sales [FROM [TO]]          per product: units and revenue, best first, with
--                               the category; rules.reports.SALES_LINES lines at most
--   /sales_csv [FROM [TO]]      every product of the range as a CSV file
--   s:scsv:<YYYYMMDD>:<YYYYMMDD>  the same file (the button under /sales)
local i18n = require "i18n"
local rules = require "rules"
local keyboard = require "bot.keyboard"
local listing = require "bot.listing"
local out = require "bot.out"
local texts = require "bot.inventory.texts"
local report = require "bot.report"
local channel = require "bot.channel.base"
local users = require "shop.users"
local products = require "shop.reports.products"

local M = {}

local ROLES = { "marketing", "manager", "accountant" }   -- owners pass every role check

local function t(ctx, k, vars) return i18n.t(ctx.lang, "reports.sales." .. k, vars) end
local function price(ctx, v) return listing.price(ctx.lang, v or 0) end

local packed, unpacked = keyboard.packed_day, keyboard.day

-- The days of the command's text, or nil after telling the user how to
-- write them.
local function dates(ctx, rest)
  local from, to = report.dates(rest, products.default_range())
  if not from then
    out.show(ctx, { text = t(ctx, "bad_range", { days = rules.reports.SALES_DAYS, max = rules.reports.MAX_DAYS }),
                    fresh = true })
  end
  return from, to
end

-- The figures s (products.sales) as a Text and its buttons, for ctx's user.
function M.view(ctx, s)
  local parts = { s.from == s.to and t(ctx, "title_day", { date = s.from })
                  or t(ctx, "title_range", { from = s.from, to = s.to }) }
  if s.lines[1] then
    parts[#parts + 1] = t(ctx, "totals", { products = s.products, units = s.units, revenue = price(ctx, s.revenue) })
    for i, p in ipairs(s.lines) do
      local category = p.category_ru and texts.name(ctx.lang, { ru = p.category_ru, uz = p.category_uz })
                       or t(ctx, "no_category")
      parts[#parts + 1] = t(ctx, "line", { n = i, name = texts.name(ctx.lang, { ru = p.name_ru, uz = p.name_uz }),
        category = category, units = p.units, revenue = price(ctx, p.revenue) })
    end
    if s.products > #s.lines then parts[#parts + 1] = t(ctx, "more", { count = s.products - #s.lines }) end
  else
    parts[#parts + 1] = t(ctx, "none")
  end
  if users.has_role(ctx.user, channel.ROLE) then parts[#parts + 1] = t(ctx, "posts") end
  local markup = keyboard.markup { { keyboard.button(t(ctx, "csv_button"),
    keyboard.cb("s", "scsv", packed(s.from), packed(s.to))) } }
  return i18n.join(parts, "\n"), markup
end

local function on_sales(ctx, rest)
  local from, to = dates(ctx, rest)
  if not from then return end
  local text, markup = M.view(ctx, products.sales(from, to))
  return out.show(ctx, { text = text, markup = markup, fresh = true })
end

local function send_csv(ctx, from, to)
  local data, count = products.csv(from, to)
  return out.document(ctx.lang, ctx.chat_id, ("sales_%s_%s.csv"):format(from, to), data, "text/csv",
    t(ctx, "csv_caption", { from = from, to = to, count = count }))
end

local function on_csv(ctx, rest)
  local from, to = dates(ctx, rest)
  if not from then return end
  return send_csv(ctx, from, to)
end

local function on_csv_press(ctx, args)
  local from, to = report.dates(("%s %s"):format(unpacked(args[3]) or "-", unpacked(args[4]) or "-"))
  if not from then
    return out.answer(ctx, t(ctx, "bad_range", { days = rules.reports.SALES_DAYS, max = rules.reports.MAX_DAYS }))
  end
  out.answer(ctx)
  return send_csv(ctx, from, to)
end

M.commands = {
  sales     = { fn = on_sales, role = ROLES },
  sales_csv = { fn = on_csv, role = ROLES },
}

M.staff = {
  scsv = { fn = on_csv_press, role = ROLES },
}

return M
