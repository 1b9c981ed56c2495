-- scripts/bot/search.lua — search by typed text.
--
-- Whatever a customer types outside a command is a search. The text is
-- folded to a key by shop/normalize.lua (case, the five Uzbek apostrophes,
-- Cyrillic Uzbek and Russian -> Latin), so "qo'g'irchoq", "qoʻgʻirchoq"
-- and "қўғирчоқ" find the same products. The key is plain ASCII, so the
-- pages' buttons carry it themselves ("q:<page>:<key>"): paging needs no
-- stored state, and survives a restart.
local i18n = require "i18n"
local rules = require "rules"
local keyboard = require "bot.keyboard"
local normalize = require "shop.normalize"
local catalog = require "shop.catalog"
local listing = require "bot.listing"
local out = require "bot.out"
local menu = require "bot.menu"

local M = {}

local KEY_MAX = 64 - #"q:99999:"   -- what is left of callback_data for the key

-- Cuts a key to fit a callback, at a word boundary when it can.
local function fit(key)
  if #key <= KEY_MAX then return key end
  local cut = key:sub(1, KEY_MAX)
  local at_space = cut:match("^(.*) ")
  return at_space or cut
end

-- The typed text as far as search reads it: at most SEARCH_MAX_CHARS
-- characters, cut after a whole word when there is one. The second value
-- is true when something was left out. The echo in "nothing found" is this
-- same text, so a long paste is never repeated back whole.
local function query_of(text)
  local max = rules.catalog.SEARCH_MAX_CHARS
  local len = utf8.len(text)
  if not len then
    -- not UTF-8: the bytes up to the limit, without a broken tail
    text = text:sub(1, max):gsub("[\128-\255]+$", "")
    return text, true
  end
  if len <= max then return text, false end
  local cut = text:sub(1, utf8.offset(text, max + 1) - 1)
  local at_space = cut:match("^(.*%S)%s")
  return at_space or cut, true
end

function M.key(text)
  if type(text) ~= "string" then return "" end
  return fit(normalize.key((query_of(text))))
end

-- The query as the customer is shown it: cut like the search, with "…".
local function echo(lang, text)
  local q, cut = query_of(text)
  if cut then q = q .. i18n.str(i18n.t(lang, "common.ellipsis")) end
  return q
end

local function results_view(ctx, key, page, query_text)
  local lang = ctx.lang
  local found = catalog.search(key)
  if #found == 0 then
    local filters = require "bot.filters"
    local lead = i18n.t(lang, "search.nothing", { query = query_text and echo(lang, query_text) or key })
    return filters.screen_view(ctx, filters.EMPTY, lead)
  end
  return listing.view {
    lang = lang, items = found, page = page,
    item = function(p) return listing.product_item(lang, p) end,
    header = i18n.t(lang, "search.found", { count = #found }),
    size = rules.catalog.SEARCH_PAGE_SIZE,
    page_data = function(n) return keyboard.cb("q", n, key) end,
    rows = { menu.back_row(ctx) },
  }
end

-- A typed text.
function M.on_text(ctx, text)
  local key = M.key(text)
  if key == "" then
    return out.show(ctx, { text = i18n.t(ctx.lang, "search.empty_query"),
                           markup = keyboard.markup { menu.back_row(ctx) }, fresh = true })
  end
  local view = results_view(ctx, key, 0, text)
  view.fresh = true
  return out.show(ctx, view)
end

-- "q:<page>:<key>"
function M.on_press(ctx, args)
  local key = normalize.key(args[3] or "")
  if key == "" then return M.on_prompt(ctx) end
  return out.show(ctx, results_view(ctx, key, args[2]))
end

-- "sp": the menu's search button asks for a word.
function M.on_prompt(ctx)
  return out.show(ctx, { text = i18n.t(ctx.lang, "search.prompt"),
                         markup = keyboard.markup { menu.back_row(ctx) } })
end

-- /search [words]
function M.on_command(ctx, rest)
  if rest and rest:find("%S") then return M.on_text(ctx, rest) end
  return out.show(ctx, { text = i18n.t(ctx.lang, "search.prompt"),
                         markup = keyboard.markup { menu.back_row(ctx) }, fresh = true })
end

return M
