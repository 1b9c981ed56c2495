-- devkit/seed/check.lua — the sanity checks a demo catalog must pass before
-- the seed writes anything (../shared/specs/domain.md §4): every recipe
-- names products that exist, no composition is cheaper than its parts, gift
-- compositions have an odd number of main flowers and mourning ones an even
-- number (R-B1..R-B3), a composition made of seasonal flowers says so, lead
-- times follow R-B6, and every Uzbek text writes oʻ and gʻ with U+02BB.
--
--   local problems = require("devkit.seed.check").run(catalog)   -- {} when all is well
--
-- Pure: it looks at the tables only, so the spec can feed it broken copies.
local M = {}

-- Occasion tags of domain.md §4 (the filters in rules/catalog.lua offer a
-- subset of them).
M.OCCASIONS = {
  "birthday", "love", "anniversary", "march8", "feb14", "navruz", "teachers_day",
  "first_school_day", "last_bell", "graduation", "wedding", "newborn", "apology",
  "thanks", "corporate", "mother", "sympathy", "new_year", "just_because",
}

-- Colour keys products may carry; devkit/seed/paint.lua has an RGB for each.
M.COLOURS = {
  "red", "white", "pink", "peach", "yellow", "lilac", "orange", "blue", "green",
  "purple", "dark_red", "mixed", "pastel", "kraft", "assorted", "gold", "beige",
  "clear", "brown",
}

local KIND_OF_PREFIX = { S = "stem", C = "composition", E = "extra" }

local BASKET_MIN_PREP = 24 * 60   -- R-B6: baskets need a day
local WEDDING_MIN_PREP = 48 * 60  -- R-B6: weddings need two

local function set(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

local function has(list, value)
  for _, v in ipairs(list or {}) do if v == value then return true end end
  return false
end

local function nonempty(s)
  return type(s) == "string" and s:match("%S") ~= nil
end

-- An Uzbek text that writes oʻ/gʻ with anything but U+02BB: an ASCII
-- apostrophe or backtick, or the curly quotes U+2018/U+2019, right after o
-- or g. (ʼ U+02BC, the tutuq belgisi, is a different letter and allowed.)
local function bad_uzbek_apostrophe(s)
  return s:find("[oOgG]['`]") or s:find("[oOgG]\u{2018}") or s:find("[oOgG]\u{2019}")
end

local function check_categories(cats, problems)
  local seen = {}
  for i, c in ipairs(cats) do
    local where = "category " .. tostring(c.code or ("#" .. i))
    if type(c.code) ~= "string" or not c.code:match("^[a-z][a-z0-9_]*$") then
      problems[#problems + 1] = where .. ": code must be lowercase letters, digits and _"
    elseif seen[c.code] then
      problems[#problems + 1] = where .. ": code used twice"
    end
    if c.parent and not seen[c.parent] then
      problems[#problems + 1] = where .. ": parent " .. tostring(c.parent) .. " is not listed before it"
    end
    if not nonempty(c.name_ru) or not nonempty(c.name_uz) then
      problems[#problems + 1] = where .. ": needs name_ru and name_uz"
    elseif bad_uzbek_apostrophe(c.name_uz) then
      problems[#problems + 1] = where .. ": name_uz must write oʻ/gʻ with ʻ (U+02BB)"
    end
    if c.code then seen[c.code] = c end
  end
  return seen
end

-- Main flowers of a recipe: stems that are not greenery (R-B3).
local function main_flowers(p, by_code)
  local n = 0
  for _, r in ipairs(p.recipe or {}) do
    local part = by_code[r[1]]
    if part and part.kind == "stem" and not part.filler then n = n + r[2] end
  end
  return n
end

local function check_recipe(p, by_code, where, problems)
  if p.kind ~= "composition" then
    if p.recipe and #p.recipe > 0 then problems[#problems + 1] = where .. ": only compositions have a recipe" end
    return
  end
  if type(p.recipe) ~= "table" then
    problems[#problems + 1] = where .. ": a composition needs a recipe (may be empty)"
    return
  end
  local sum, used = 0, {}
  for _, r in ipairs(p.recipe) do
    local code, count = r[1], r[2]
    local part = by_code[code]
    if not part then
      problems[#problems + 1] = where .. ": recipe names unknown product " .. tostring(code)
    elseif part.kind == "composition" then
      problems[#problems + 1] = where .. ": recipe names another composition " .. code
    elseif used[code] then
      problems[#problems + 1] = where .. ": recipe names " .. code .. " twice"
    elseif math.type(count) ~= "integer" or count < 1 then
      problems[#problems + 1] = where .. ": recipe count for " .. code .. " must be a positive integer"
    else
      used[code] = true
      sum = sum + part.price * count
      for _, tag in ipairs(part.tags or {}) do
        if tag:match("^season_") and not has(p.tags, tag) then
          problems[#problems + 1] = where .. ": made of seasonal " .. code .. ", so needs tag " .. tag
        end
      end
    end
  end
  if sum > p.price then
    problems[#problems + 1] = string.format("%s: price %d so'm is below its recipe's %d so'm", where, p.price, sum)
  end
  local n = main_flowers(p, by_code)
  if n > 0 then
    if has(p.occasions, "sympathy") then
      if n % 2 ~= 0 then problems[#problems + 1] = where .. ": a mourning composition needs an even count of main flowers, has " .. n end
    elseif n % 2 ~= 1 then
      problems[#problems + 1] = where .. ": a gift composition needs an odd count of main flowers, has " .. n
    end
  end
end

local function check_product(p, cats, by_code, occasions, colours, problems)
  local where = "product " .. tostring(p.code)
  local prefix = type(p.code) == "string" and p.code:match("^([SCE])%d%d$")
  if not prefix then
    problems[#problems + 1] = where .. ": code must look like S01, C01 or E01"
  elseif KIND_OF_PREFIX[prefix] ~= p.kind then
    problems[#problems + 1] = where .. ": code prefix does not match kind " .. tostring(p.kind)
  end
  local cat = cats[p.category]
  if not cat then
    problems[#problems + 1] = where .. ": unknown category " .. tostring(p.category)
  end
  if math.type(p.price) ~= "integer" or p.price <= 0 then
    problems[#problems + 1] = where .. ": price must be a positive whole number of so'm"
  end
  for _, field in ipairs { "name_ru", "name_uz", "description_ru", "description_uz" } do
    if not nonempty(p[field]) then
      problems[#problems + 1] = where .. ": needs " .. field
    elseif field:match("_uz$") and bad_uzbek_apostrophe(p[field]) then
      problems[#problems + 1] = where .. ": " .. field .. " must write oʻ/gʻ with ʻ (U+02BB)"
    end
  end
  for _, o in ipairs(p.occasions or {}) do
    if not occasions[o] then problems[#problems + 1] = where .. ": unknown occasion " .. tostring(o) end
  end
  for _, c in ipairs(p.colours or {}) do
    if not colours[c] then problems[#problems + 1] = where .. ": unknown colour " .. tostring(c) end
  end
  for _, field in ipairs { "stock", "threshold", "prep_minutes" } do
    local v = p[field]
    if v ~= nil and (math.type(v) ~= "integer" or v < 0) then
      problems[#problems + 1] = where .. ": " .. field .. " must be a whole number >= 0"
    end
  end
  if type(p.look) ~= "table" then problems[#problems + 1] = where .. ": needs a look for its photo" end
  if math.type(p.price) == "integer" then check_recipe(p, by_code, where, problems) end
  local prep = p.prep_minutes or 0
  if p.look and p.look.shape == "basket" and prep < BASKET_MIN_PREP then
    problems[#problems + 1] = where .. ": a basket needs prep_minutes >= " .. BASKET_MIN_PREP
  end
  if p.category == "wedding" and prep < WEDDING_MIN_PREP then
    problems[#problems + 1] = where .. ": a wedding composition needs prep_minutes >= " .. WEDDING_MIN_PREP
  end
end

-- All problems found, as sentences for the developer who edits the data
-- files; an empty array when the catalog is fit to load.
function M.run(catalog)
  local problems = {}
  local cats = check_categories(catalog.categories, problems)
  local occasions, colours = set(M.OCCASIONS), set(M.COLOURS)
  local seen = {}
  for _, p in ipairs(catalog.products) do
    if seen[p.code] then problems[#problems + 1] = "product " .. tostring(p.code) .. ": code used twice" end
    seen[p.code] = true
  end
  for _, p in ipairs(catalog.products) do
    check_product(p, cats, catalog.by_code, occasions, colours, problems)
  end
  return problems
end

M.main_flowers = main_flowers

return M
