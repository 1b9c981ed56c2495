-- scripts/shop/posts.lua — a channel post of a product, from the post
-- templates in templates/posts/ (pure rendering: no Telegram, no I/O).
--
--   local posts = require "shop.posts"
--   posts.names()                             --> { "product", ... }
--   posts.render("product", p, "ru", { date = "2026-03-08" })
--     --> "<b>Розы &amp; …</b>…" (Telegram HTML), or nil, reason[, "too_long", length]
--   posts.with_link(caption, "🛒 Заказать", url)
--     --> the caption with a last line linking `url` (an album's [Order]),
--         or nil, reason, "too_long", length
--   posts.check()                             --> true | false, reason
--
-- p is a product as shop/catalog.lua holds it (or a template's sample).
-- Every value that reaches the post is escaped; the template's own text is
-- checked to be HTML Telegram accepts. A caption longer than Telegram
-- allows is refused with its length, never cut: the marketer shortens the
-- template (or the product's description) and knows it.
--
-- check() renders every template's sample in both languages; the app's
-- selfcheck (scripts/main.lua) runs it, so a template that does not render
-- is refused at reload with its file and line, and the previous generation
-- (with the previous templates) keeps serving.
local templates = require "templates"
local rules = require "rules"
local i18n = require "i18n"
local catalog = require "shop.catalog"
local template = require "shop.posts.template"
local html = require "shop.posts.html"

local M = {}

M.CAPTION_MAX = 1024   -- Telegram's limit for a photo's caption, in characters

local PREFIX = "posts."

local function file_of(name) return "templates/posts/" .. name:gsub("%.", "/") .. ".lua" end

-- The post templates of this generation, by name ("product").
function M.names()
  local list = {}
  for key in pairs(templates) do
    if type(key) == "string" and key:sub(1, #PREFIX) == PREFIX then list[#list + 1] = key:sub(#PREFIX + 1) end
  end
  table.sort(list)
  return list
end

-- Parsed once per generation (a reload is a new Lua state).
local parsed = {}

local function tree(name, lang)
  local key = name .. ":" .. lang
  local hit = parsed[key]
  if hit then return hit[1], hit[2] end
  local file = templates[PREFIX .. name]
  local t, why
  if type(file) ~= "table" then
    why = ("no post template %s"):format(file_of(name))
  elseif type(file[lang]) ~= "string" then
    why = ("%s: no %s text"):format(file_of(name), lang)
  else
    local e
    t, e = template.parse(file[lang])
    if not t then why = ("%s: %s, line %d of the text: %s"):format(file_of(name), lang, e.line, e.msg) end
  end
  parsed[key] = { t, why }
  return t, why
end

-- {======================================================================
-- Values and filters
-- =======================================================================

local function words(lang, prefix, codes)
  local list = {}
  for _, code in ipairs(codes) do
    if i18n.has(lang, prefix .. code) then list[#list + 1] = i18n.str(i18n.t(lang, prefix .. code)) end
  end
  return list
end

-- What a template can name, for product p in lang on day `date`.
function M.vars(p, lang, date)
  local colours = words(lang, "colour.", catalog.colour_codes(p))
  local occasions = words(lang, "occasion.", p.occasions or {})
  local desc = lang == "uz" and p.description_uz or p.description_ru
  return {
    name = (lang == "uz" and p.name_uz or p.name_ru) or "",
    description = (type(desc) == "string" and desc ~= "") and desc or false,
    price = p.price,
    vip = p.vip == true,
    code = p.code or false,
    colours = colours, colour_count = #colours,
    occasions = occasions, occasion_count = #occasions,
    prep_hours = (p.prep_minutes or 0) // 60,
    in_season = rules.season.in_season(p, date) and true or false,
    date = date,
  }
end

local function filters(lang)
  return {
    som = function(v)
      local amount = math.type(v) == "integer" and rules.money.format_som(v)
      if not amount then return nil, "som needs an amount in tiyin" end
      return i18n.str(i18n.t(lang, "common.price", { amount = amount, currency = i18n.t(lang, "currency") }))
    end,
    date = function(v)
      local m, d = tostring(v):match("^%d%d%d%d%-(%d%d)%-(%d%d)$")
      m = tonumber(m)
      if not m or m < 1 or m > 12 then return nil, "date needs YYYY-MM-DD" end
      return i18n.str(i18n.t(lang, "posts.date",
        { day = tonumber(d), month = i18n.t(lang, "checkout.month.m" .. m) }))
    end,
    plural = function(v, arg)
      local n = math.tointeger(tonumber(v))
      if not n then return nil, "plural needs a whole number" end
      local forms = {}
      for f in (arg or ""):gmatch("[^/]+") do forms[#forms + 1] = f:match("^%s*(.-)%s*$") end
      if #forms ~= 1 and #forms ~= 3 then return nil, "plural takes one form, or three: one/few/many" end
      local which = ({ one = 1, few = 2, many = 3 })[i18n.plural_form(lang, n)]
      return n .. " " .. (forms[which] or forms[1])
    end,
  }
end

local opts_of = {}
local function opts(lang)
  local o = opts_of[lang]
  if not o then o = { escape = html.escape, filters = filters(lang) }; opts_of[lang] = o end
  return o
end

-- {======================================================================
-- Rendering
-- =======================================================================

-- The caption of template `name` for product p in lang: Telegram HTML, or
-- nil and why (and, when only the length is wrong, "too_long" and the
-- length, so the marketer can be told in words). o.date: the post's day, "YYYY-MM-DD" (default: the shop's
-- today, rules/slots.lua).
function M.render(name, p, lang, o)
  if not i18n.valid(lang) then return nil, "unsupported language " .. tostring(lang) end
  local t, why = tree(name, lang)
  if not t then return nil, why end
  local date = o and o.date or rules.slots.local_date(os.time())
  local s, e = template.render(t, M.vars(p, lang, date), opts(lang))
  if not s then return nil, ("%s: %s, line %d of the text: %s"):format(file_of(name), lang, e.line, e.msg) end
  s = s:gsub("^%s+", ""):gsub("%s+$", "")
  local ok, bad = html.check(s)
  if not ok then return nil, ("%s: %s: the post is not Telegram HTML: %s"):format(file_of(name), lang, bad) end
  local len = html.length(s)
  if len > M.CAPTION_MAX then
    return nil, ("%s: %s: the caption of %s is %d characters, Telegram allows %d; shorten the template or the text")
      :format(file_of(name), lang, tostring(p.code or p.id or "the product"), len, M.CAPTION_MAX), "too_long", len
  end
  return s
end

-- The caption with one more paragraph: `label` linking `url`. An album
-- (sendMediaGroup) cannot carry a keyboard, so its [Order] is this link in
-- the caption, which Telegram shows under the album. Only the label counts
-- towards Telegram's limit (a link's address is not part of the text); a
-- caption that no longer fits is refused, never cut.
function M.with_link(caption, label, url)
  local s = caption .. "\n\n" .. '<a href="' .. html.escape(url) .. '">' .. html.escape(label) .. "</a>"
  local len = html.length(s)
  if len > M.CAPTION_MAX then
    return nil, ("the caption with its [Order] link is %d characters, Telegram allows %d"):format(len, M.CAPTION_MAX),
      "too_long", len
  end
  return s
end

-- Every post template renders its sample in both languages.
function M.check()
  for _, name in ipairs(M.names()) do
    local file = templates[PREFIX .. name]
    local sample = type(file.sample) == "table" and file.sample
    if not sample or type(sample.product) ~= "table" then
      return false, file_of(name) .. ": no sample = { product = {...} } to render"
    end
    for _, lang in ipairs(i18n.LANGS) do
      local s, why = M.render(name, sample.product, lang, { date = sample.date })
      if not s then return false, why end
    end
  end
  return true
end

return M
