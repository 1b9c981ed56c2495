-- scripts/i18n.lua — every sentence the bot says, taken from templates/.
--
--   local i18n = require "i18n"
--   local t = i18n.t("ru", "search.found", { count = 5 })   -- a Text
--   tostring(t) --> "🔎 Нашлось 5 товаров:"
--
-- i18n.t returns a *Text*, not a string: a small sealed object that only this
-- file can make. The one module that talks to Telegram (bot/out.lua) accepts
-- Texts and refuses plain strings, so a sentence typed into code instead of
-- templates/ fails at once (and in the specs) rather than reaching a
-- customer in one language only.
--
-- Templates are strings with {name} placeholders, or plural tables
-- { one = ..., few = ..., many = ... } chosen by vars.count with the
-- language's plural rule. A missing key, a missing variable or a template
-- of the wrong shape raises: they are programming errors, and the update's
-- error handler turns them into the polite error message.
local templates = require "templates"

local type, tostring, setmetatable, getmetatable = type, tostring, setmetatable, getmetatable
local concat = table.concat

local M = {}

M.LANGS = { "ru", "uz" }
M.DEFAULT_LANG = "ru"   -- when we must speak before the user chose

local SUPPORTED = { ru = true, uz = true }

-- {======================================================================
-- Texts
-- =======================================================================

-- __metatable hides the real metatable, so code outside this file cannot
-- forge a Text with setmetatable(getmetatable(t)).
local TEXT = { __metatable = "i18n.text" }
TEXT.__index = TEXT
TEXT.__tostring = function(t) return t[1] end

local function text(s) return setmetatable({ s }, TEXT) end

function M.is_text(v)
  return type(v) == "table" and getmetatable(v) == "i18n.text"
end

-- The string inside a Text; raises for anything else, so a raw string can
-- never be smuggled through.
function M.str(v)
  if not M.is_text(v) then
    error("text not taken from templates: " .. tostring(type(v) == "string" and ("%q"):format(v) or v), 2)
  end
  return v[1]
end

-- {======================================================================
-- Plural rules
-- =======================================================================

-- Russian: 1 роза, 2 розы, 5 роз, 11 роз, 21 роза, 22 розы.
local function plural_ru(n)
  local n10, n100 = n % 10, n % 100
  if n10 == 1 and n100 ~= 11 then return "one" end
  if n10 >= 2 and n10 <= 4 and (n100 < 12 or n100 > 14) then return "few" end
  return "many"
end

-- Uzbek nouns do not change after a numeral ("5 ta atirgul"); the uz
-- templates still carry all three forms so the two files keep one shape.
local function plural_uz(_) return "one" end

local PLURAL = { ru = plural_ru, uz = plural_uz }

function M.plural_form(lang, n)
  if math.type(n) ~= "integer" then n = math.floor(tonumber(n) or 0) end
  return PLURAL[lang](math.abs(n))
end

-- {======================================================================
-- Lookup and rendering
-- =======================================================================

local function is_plural(v)
  return type(v) == "table" and type(v.one) == "string" and type(v.few) == "string"
      and type(v.many) == "string"
end

-- {======================================================================
-- The templates of one language
-- =======================================================================

-- templates/ru.lua holds the bot's core sentences; a topic may have its own
-- file, templates/ru/cart.lua, whose table is the "cart" section (keys
-- cart.*). Smaller files are easier for the marketer to find their way in;
-- for the code it is one tree per language. A topic file whose name is
-- already a section of the main file is a mistake check() reports.
-- Built afresh on each call (lookups are memoised below), so a spec that
-- changes a templates table sees its change. Returns the tree, and the
-- topic files that clash with a section of the main file.
function M.catalog(lang)
  local main = templates[lang]
  if type(main) ~= "table" then return nil end
  local tree, clashes = {}, {}
  for k, v in pairs(main) do tree[k] = v end
  local prefix = lang .. "."
  for name, section in pairs(templates) do
    if type(name) == "string" and name:sub(1, #prefix) == prefix then
      local topic = name:sub(#prefix + 1)
      if tree[topic] ~= nil then clashes[#clashes + 1] = "templates/" .. lang .. "/" .. topic .. ".lua"
      else tree[topic] = section end
    end
  end
  return tree, clashes
end

-- Templates do not change within a generation (a reload builds a new one),
-- so each key is walked once per language and remembered.
local found = { ru = {}, uz = {} }

local function lookup(lang, key)
  local memo = found[lang]
  local v = memo and memo[key]
  if v ~= nil then return v or nil end
  local node = M.catalog(lang)
  if not node then error("no templates for language " .. tostring(lang), 3) end
  for part in key:gmatch("[^.]+") do
    if type(node) ~= "table" then node = nil; break end
    node = node[part]
  end
  memo[key] = node or false
  return node
end

-- Does this key exist? For keys built from data (a colour code from the
-- database), so the caller can skip one the templates do not name.
function M.has(lang, key)
  local v = lookup(lang, key)
  return type(v) == "string" or is_plural(v)
end

-- A template cut at its placeholders once, then filled by a loop: the
-- literal pieces as strings, each {name} as { name }. Filling it with a
-- gsub and a fresh closure per call cost a large share of the engine's CPU
-- (bench/README.md). Keyed by the template's text,
-- which a generation never changes.
local pieces_of = {}

local function pieces(tpl)
  local list = pieces_of[tpl]
  if list then return list end
  list = {}
  local pos = 1
  for at, name, after in tpl:gmatch("(){([%w_]+)}()") do
    if at > pos then list[#list + 1] = tpl:sub(pos, at - 1) end
    list[#list + 1] = { name }
    pos = after
  end
  if pos <= #tpl then list[#list + 1] = tpl:sub(pos) end
  pieces_of[tpl] = list
  return list
end

-- The filled template, or nil and the name of a missing variable.
local function render(tpl, vars)
  local list = pieces(tpl)
  local n = #list
  if n == 0 then return "" end
  if n == 1 and type(list[1]) == "string" then return list[1] end
  local out = {}
  for i = 1, n do
    local p = list[i]
    if type(p) == "table" then
      local v = vars and vars[p[1]]
      if v == nil then return nil, p[1] end
      if getmetatable(v) == "i18n.text" then v = v[1] else v = tostring(v) end
      out[i] = v
    else
      out[i] = p
    end
  end
  return concat(out)
end

-- i18n.t(lang, key[, vars]) -> Text
function M.t(lang, key, vars)
  if not SUPPORTED[lang] then error("unsupported language: " .. tostring(lang), 2) end
  local tpl = lookup(lang, key)
  if is_plural(tpl) then
    local n = vars and vars.count
    if n == nil then error(("plural template %s.%s needs {count}"):format(lang, key), 2) end
    tpl = tpl[M.plural_form(lang, n)]
  elseif type(tpl) ~= "string" then
    error(("missing template %s.%s"):format(lang, key), 2)
  end
  local s, missing = render(tpl, vars)
  if not s then error(("template %s.%s needs {%s}"):format(lang, key, missing), 2) end
  return text(s)
end

-- Separators between Texts may be whitespace and punctuation only: anything
-- with a letter in it is a sentence and belongs in templates/.
local function check_sep(sep)
  if type(sep) ~= "string" or sep:find("[%a\128-\255]") then
    error("a separator must be punctuation or whitespace, not text: " .. tostring(sep), 3)
  end
end

-- i18n.join({text, text, ...}[, sep]) -> Text. Nil holes are not allowed;
-- build the list with only the parts you want.
function M.join(list, sep)
  sep = sep or "\n"
  check_sep(sep)
  local parts = {}
  for i, v in ipairs(list) do parts[i] = M.str(v) end
  return text(concat(parts, sep))
end

-- Cuts a Text to at most `max` characters (Telegram counts characters),
-- ending it with the ellipsis the templates define.
function M.truncate(lang, v, max)
  local s = M.str(v)
  if (utf8.len(s) or #s) <= max then return v end
  local ell = M.str(M.t(lang, "common.ellipsis"))
  local keep = max - utf8.len(ell)
  local cut = utf8.offset(s, keep + 1) or (#s + 1)
  return text(s:sub(1, cut - 1) .. ell)
end

-- Is this one of the bot's languages?
function M.valid(lang) return SUPPORTED[lang] == true end

-- A guess from Telegram's language_code, for the few sentences said before
-- the user chose (the polite error message).
function M.guess(language_code)
  if type(language_code) == "string" and language_code:sub(1, 2) == "uz" then return "uz" end
  return M.DEFAULT_LANG
end

-- Both languages carry the same keys and every leaf is a non-empty string
-- or a complete plural table: true, or false and what is wrong. Run by the
-- application's selfcheck, so a template edit that breaks this is refused
-- at reload and the previous templates keep serving.
local function placeholders(v)
  local names = {}
  local strings = is_plural(v) and { v.one, v.few, v.many } or { v }
  for _, str in ipairs(strings) do
    for name in str:gmatch("{([%w_]+)}") do names[name] = true end
  end
  local list = {}
  for name in pairs(names) do list[#list + 1] = name end
  table.sort(list)
  return table.concat(list, ",")
end

function M.check()
  local function walk(t, prefix, out)
    for k, v in pairs(t) do
      local key = prefix .. tostring(k)
      if is_plural(v) then out[key] = "plural{" .. placeholders(v) .. "}"
      elseif type(v) == "table" then walk(v, key .. ".", out)
      elseif type(v) == "string" and v ~= "" then out[key] = "text{" .. placeholders(v) .. "}"
      else out[key] = "bad" end
    end
    return out
  end
  local shapes = {}
  for _, lang in ipairs(M.LANGS) do
    local tree, clashes = M.catalog(lang)
    if type(tree) ~= "table" then return false, "templates/" .. lang .. ".lua is missing" end
    if clashes[1] then return false, clashes[1] .. " repeats a section of the main file" end
    shapes[lang] = walk(tree, "", {})
  end
  for _, a in ipairs(M.LANGS) do
    for key, shape in pairs(shapes[a]) do
      if shape == "bad" then return false, ("templates/%s.lua: %s is empty or not text"):format(a, key) end
      for _, b in ipairs(M.LANGS) do
        if shapes[b][key] == nil then return false, ("templates/%s.lua lacks %s"):format(b, key) end
        if shapes[b][key] ~= shape then
          return false, ("%s is %s in %s but %s in %s"):format(key, shape, a, shapes[b][key], b)
        end
      end
    end
  end
  return true
end

return M
