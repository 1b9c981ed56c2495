-- rules/constructor.lua — what a bouquet built from single stems may be:
-- the etiquette of counts, what packaging holds how many stems, what extras
-- go with which packaging, the postcard's length. A florist should be able
-- to read and edit this file. Every reason a customer reads is a template
-- key (topic `rules`: rules.constructor.<problem>, rules.packaging.<code>).
--
--   constructor.check(b) -> { ok = bool, problems = {{key=, params=, ...}},
--                             warnings = {{key=, params=}}, suggest = {count=, delta=}|nil }
--   b = { occasion = "birthday", stems = {{product=, count=, colour=}},
--         packaging = "kraft", extras = {{product=, count=}}, card_text = "…"|nil }
--   product = a catalog row: {id=, code=, kind=, price=, colour=, tags = {...}
--             (or tag_set), category = "<category code>" (extras)}
--   constructor.check_stems(b) -> the same, for the flowers only (the
--     constructor asks it after each count, before packaging is chosen).
--   constructor.quick_counts(b, product) -> { n, ... } the count buttons
--     for one more flower `product` in bouquet b (its other stems).
--
-- A problem makes ok false (the bouquet cannot go to the cart); a warning
-- is a soft hint. A problem may carry `product_id` (the stem or extra it is
-- about) and `packaging` (a code): the bot names them in the customer's
-- language. Odd input (nil fields, zero counts, unknown codes) is a
-- problem, never an error.

local M = {}

-- {======================================================================
-- Etiquette (../shared/specs/domain.md §2.1)
-- =======================================================================

-- Flowers as a gift are given in odd numbers, mourning flowers in even
-- numbers (R-B1, R-B2) — but only in smaller bouquets: at this many main
-- flowers and above, nobody counts (prokazan.ru: "25+ — the rule no longer
-- applies"). The shop may lower it (some florists say 12).
M.PARITY_THRESHOLD = 25

-- What a wrong count does: "refuse" (the bouquet cannot go to the cart;
-- the constructor offers the nearest right count) or "warn" (a hint only).
M.PARITY_MODE = { gift = "refuse", mourning = "refuse" }

M.GIFT_OCCASIONS = {
  "birthday", "love", "anniversary", "march8", "feb14", "navruz", "teachers_day",
  "first_school_day", "last_bell", "graduation", "wedding", "newborn", "apology",
  "thanks", "corporate", "mother", "new_year", "just_because",
}
M.MOURNING_OCCASIONS = { "sympathy" }

-- Stems with one of these tags are greenery: they fill the bouquet but are
-- not counted for parity (R-B3: 15 roses + 3 eucalyptus is odd).
M.FILLER_TAGS = { "filler" }

-- Counts offered as buttons (R-B4); "101 roses" is the big gesture here.
-- These are the gift sizes; quick_counts below moves each to the nearest
-- count the parity rule accepts for the occasion and the flowers already
-- chosen (for mourning 1 → 2, 3 → 4 …), so no button is ever refused.
M.QUICK_COUNTS = { 1, 3, 5, 7, 9, 11, 15, 21, 25, 51, 101 }

-- Most stems of one flower in one bouquet (a typed count above it is a
-- typo or a joke), and most pieces of one extra.
M.MAX_STEMS_PER_FLOWER = 201
M.MAX_EXTRA_COUNT = 5

-- Colours some recipients read as "parting" (R-B5): a hint, never a block.
M.HINT_COLOURS = { yellow = "rules.constructor.yellow_hint" }
-- Bright colours that do not suit a mourning bouquet (R-B2): a hint.
M.MOURNING_BRIGHT = { "yellow", "orange" }

-- {======================================================================
-- Packaging, ribbon, postcard
-- =======================================================================

-- What the bouquet comes in. product: the catalog's extra that is sold as
-- this packaging; min/max: stems it holds (greenery included: it takes
-- room too); extras: the categories of extras that go with it.
--   a kraft or film wrap carries anything tied on or handed over with it;
--   a hat box is closed with a lid: no balloons or toys on it, no vase;
--   a basket has a handle for balloons, but holds its own water (no vase).
M.PACKAGING = {
  { code = "kraft",  product = "E01", min = 1,  max = 51,
    extras = { "cards", "decor", "balloons", "toys", "sweets", "vases" } },
  { code = "film",   product = "E02", min = 3,  max = 101,
    extras = { "cards", "decor", "balloons", "toys", "sweets", "vases" } },
  { code = "hatbox", product = "E12", min = 7,  max = 35,
    extras = { "cards", "decor", "sweets" } },
  { code = "basket", product = "E13", min = 11, max = 101,
    extras = { "cards", "decor", "balloons", "toys", "sweets" } },
}

M.RIBBON = "E03"   -- satin ribbon, yes/no
M.CARD = "E04"     -- the postcard written with the customer's text

-- The postcard is printed verbatim (R-D9): this many characters at most.
M.CARD_MAX_CHARS = 250

-- {======================================================================
-- Helpers
-- =======================================================================

local function member(list, v)
  for _, x in ipairs(list) do if x == v then return true end end
  return false
end

-- The entry of M.PACKAGING whose `field` is `value`, or nil.
local function packaging_by(field, value)
  for _, p in ipairs(M.PACKAGING) do
    if p[field] == value then return p end
  end
  return nil
end

function M.packaging(code) return packaging_by("code", code) end

-- The packaging sold as catalog extra `product_code`, or nil.
function M.packaging_of_product(product_code) return packaging_by("product", product_code) end

function M.kind_of_occasion(occasion)
  if member(M.MOURNING_OCCASIONS, occasion) then return "mourning" end
  if member(M.GIFT_OCCASIONS, occasion) then return "gift" end
  return nil
end

-- The nearest odd count; between two equally near, the bigger (a florist
-- adds a flower rather than takes one away). 0 -> 1.
function M.nearest_odd(n)
  n = math.tointeger(n) or 0
  if n < 1 then return 1 end
  if n % 2 == 1 then return n end
  return n + 1
end

-- The nearest even count, the bigger when two are equally near. 0 -> 2.
function M.nearest_even(n)
  n = math.tointeger(n) or 0
  if n < 2 then return 2 end
  if n % 2 == 0 then return n end
  return n + 1
end

local function has_tag(product, tag)
  if type(product.tag_set) == "table" and product.tag_set[tag] then return true end
  if type(product.tags) == "table" then return member(product.tags, tag) end
  return false
end

function M.is_filler(product)
  if type(product) ~= "table" then return false end
  for _, t in ipairs(M.FILLER_TAGS) do
    if has_tag(product, t) then return true end
  end
  return false
end

local function is_count(n, max) return math.type(n) == "integer" and n >= 1 and n <= max end

-- The colour a stem line is in: the one chosen, or the product's only one.
local function colour_of(line)
  if type(line.colour) == "string" then return line.colour end
  local c = type(line.product) == "table" and line.product.colour
  if type(c) == "string" and not c:find("[^%a_]") then return c end
  return nil
end

-- {======================================================================
-- The checks
-- =======================================================================

local function result()
  local r = { ok = true, problems = {}, warnings = {} }
  r.problem = function(key, params, extra)
    local p = { key = "rules.constructor." .. key, params = params or {} }
    for k, v in pairs(extra or {}) do p[k] = v end
    r.problems[#r.problems + 1] = p
    r.ok = false
  end
  r.warning = function(key, params, extra)
    local w = { key = key:find("^rules%.") and key or "rules.constructor." .. key, params = params or {} }
    for k, v in pairs(extra or {}) do w[k] = v end
    for _, x in ipairs(r.warnings) do if x.key == w.key then return end end
    r.warnings[#r.warnings + 1] = w
  end
  return r
end

local function finish(r)
  r.problem, r.warning = nil, nil
  return r
end

-- Counts the stems: main flowers and all, or records what is wrong.
local function count_stems(b, r)
  local main, all = 0, 0
  if type(b.stems) ~= "table" or #b.stems == 0 then
    r.problem("no_flowers")
    return main, all
  end
  for _, line in ipairs(b.stems) do
    local p = type(line) == "table" and line.product
    if type(p) ~= "table" then
      r.problem("unknown_flower")
    elseif p.kind ~= "stem" then
      r.problem("not_a_flower", nil, { product_id = p.id })
    elseif not is_count(line.count, M.MAX_STEMS_PER_FLOWER) then
      r.problem("bad_count", { max = M.MAX_STEMS_PER_FLOWER }, { product_id = p.id })
    else
      all = all + line.count
      if not M.is_filler(p) then main = main + line.count end
    end
  end
  if r.ok and main == 0 then r.problem("only_greenery") end
  return main, all
end

local function check_parity(b, r, main)
  local kind = M.kind_of_occasion(b.occasion)
  if b.occasion == nil then return r.problem("no_occasion") end
  if not kind then return r.problem("unknown_occasion") end
  if main < 1 or main >= M.PARITY_THRESHOLD then return end
  local want_odd = kind == "gift"
  if (main % 2 == 1) == want_odd then return end
  local target = want_odd and M.nearest_odd(main) or M.nearest_even(main)
  local key = want_odd and "odd_needed" or "even_needed"
  local params = { count = main, suggest = target, threshold = M.PARITY_THRESHOLD }
  if M.PARITY_MODE[kind] == "warn" then
    r.warning(key .. "_hint", params)
  else
    r.problem(key, params)
  end
  r.suggest = { count = target, delta = target - main }
end

local function check_colours(b, r)
  local mourning = M.kind_of_occasion(b.occasion) == "mourning"
  for _, line in ipairs(type(b.stems) == "table" and b.stems or {}) do
    local c = type(line) == "table" and colour_of(line)
    if c then
      if M.HINT_COLOURS[c] and not mourning then r.warning(M.HINT_COLOURS[c]) end
      if mourning and member(M.MOURNING_BRIGHT, c) then r.warning("mourning_bright") end
    end
  end
end

function M.check_stems(b)
  local r = result()
  if type(b) ~= "table" then
    r.problem("no_flowers")
    return finish(r)
  end
  local main, all = count_stems(b, r)
  if r.ok then check_parity(b, r, main) end
  check_colours(b, r)
  r.main, r.all = main, all
  return finish(r)
end

-- The count buttons for one more flower `product` in bouquet b (b.stems:
-- the other flowers, without this one): each of QUICK_COUNTS, asked of
-- check_stems itself and, where the parity rule wants another count
-- (refused, or only hinted at in "warn" mode), moved to the count it
-- suggests; in the order of QUICK_COUNTS, without repeats. Greenery does
-- not count for parity (R-B3), so its buttons are QUICK_COUNTS as they are.
function M.quick_counts(b, product)
  if type(b) ~= "table" or type(product) ~= "table" then return {} end
  local list, seen = {}, {}
  if M.is_filler(product) then
    for _, q in ipairs(M.QUICK_COUNTS) do
      if q <= M.MAX_STEMS_PER_FLOWER then list[#list + 1] = q end
    end
    return list
  end
  local stems = {}
  for i, line in ipairs(type(b.stems) == "table" and b.stems or {}) do stems[i] = line end
  local last = #stems + 1
  local function suggestion(n)
    stems[last] = { product = product, count = n }
    return M.check_stems({ occasion = b.occasion, stems = stems }).suggest
  end
  for _, q in ipairs(M.QUICK_COUNTS) do
    local s = suggestion(q)
    local n = s and q + s.delta or q
    if n >= 1 and n <= M.MAX_STEMS_PER_FLOWER and not seen[n] and not (s and suggestion(n)) then
      seen[n] = true
      list[#list + 1] = n
    end
  end
  return list
end

local function check_packaging(b, r, all)
  if b.packaging == nil or b.packaging == false then return r.problem("no_packaging") end
  local pk = M.packaging(b.packaging)
  if not pk then return r.problem("unknown_packaging") end
  if all > 0 and all < pk.min then
    r.problem("too_few_for_packaging", { min = pk.min, count = all }, { packaging = pk.code })
  elseif all > pk.max then
    r.problem("too_many_for_packaging", { max = pk.max, count = all }, { packaging = pk.code })
  end
  return pk
end

local function check_extras(b, r, pk)
  if b.extras == nil then return end
  if type(b.extras) ~= "table" then return r.problem("unknown_extra") end
  for _, e in ipairs(b.extras) do
    local p = type(e) == "table" and e.product
    if type(p) ~= "table" or p.kind ~= "extra" then
      r.problem("unknown_extra")
    elseif not is_count(e.count, M.MAX_EXTRA_COUNT) then
      r.problem("bad_extra_count", { max = M.MAX_EXTRA_COUNT }, { product_id = p.id })
    elseif pk and not member(pk.extras, p.category) then
      r.problem("extra_not_fit", nil, { product_id = p.id, packaging = pk.code })
    end
  end
end

-- The postcard's text as it will be printed, or nil, problem key.
function M.card_problem(text)
  if text == nil then return nil end
  if type(text) ~= "string" then return "card_bad_text" end
  local len = utf8.len(text)
  if not len then return "card_bad_text" end
  if not text:find("%S") then return "card_empty" end
  if len > M.CARD_MAX_CHARS then return "card_too_long", len end
  return nil
end

function M.check(b)
  local r = result()
  if type(b) ~= "table" then
    r.problem("no_flowers")
    return finish(r)
  end
  local main, all = count_stems(b, r)
  if r.ok then check_parity(b, r, main) end
  check_colours(b, r)
  local pk = check_packaging(b, r, all)
  check_extras(b, r, pk)
  local card, len = M.card_problem(b.card_text)
  if card then r.problem(card, { max = M.CARD_MAX_CHARS, length = len or 0 }) end
  r.main, r.all = main, all
  return finish(r)
end

-- Every template key this file may hand out, and the labels it names.
function M.keys()
  local keys = {}
  for _, k in ipairs {
    "no_flowers", "unknown_flower", "not_a_flower", "bad_count", "only_greenery", "no_occasion",
    "unknown_occasion", "odd_needed", "even_needed", "odd_needed_hint", "even_needed_hint",
    "yellow_hint", "mourning_bright", "no_packaging", "unknown_packaging", "too_few_for_packaging",
    "too_many_for_packaging", "unknown_extra", "bad_extra_count", "extra_not_fit", "card_bad_text",
    "card_empty", "card_too_long",
  } do keys[#keys + 1] = "rules.constructor." .. k end
  for _, p in ipairs(M.PACKAGING) do keys[#keys + 1] = "rules.packaging." .. p.code end
  for _, k in pairs(M.HINT_COLOURS) do keys[#keys + 1] = k end
  return keys
end

function M.selfcheck()
  if math.type(M.PARITY_THRESHOLD) ~= "integer" or M.PARITY_THRESHOLD < 1 then
    return false, "PARITY_THRESHOLD must be a whole number"
  end
  for kind, mode in pairs(M.PARITY_MODE) do
    if mode ~= "refuse" and mode ~= "warn" then return false, "PARITY_MODE." .. kind .. " is refuse or warn" end
  end
  for _, p in ipairs(M.PACKAGING) do
    if not (p.min >= 1 and p.max >= p.min) then return false, "packaging " .. p.code .. " min/max" end
  end
  local rose = { id = 1, kind = "stem", tags = {} }
  local leaf = { id = 2, kind = "stem", tags = { "filler" } }
  local r = M.check { occasion = "birthday", packaging = "kraft",
                      stems = { { product = rose, count = 15 }, { product = leaf, count = 3 } } }
  if not r.ok then return false, "15 roses + 3 eucalyptus must pass" end
  r = M.check_stems { occasion = "birthday", stems = { { product = rose, count = 4 } } }
  if r.ok and M.PARITY_MODE.gift == "refuse" then return false, "4 roses as a gift must be refused" end
  for _, occasion in ipairs { M.GIFT_OCCASIONS[1], M.MOURNING_OCCASIONS[1] } do
    local counts = M.quick_counts({ occasion = occasion, stems = {} }, rose)
    if #counts == 0 then return false, "no quick counts for " .. tostring(occasion) end
    for _, n in ipairs(counts) do
      r = M.check_stems { occasion = occasion, stems = { { product = rose, count = n } } }
      if not r.ok or r.suggest then return false, "quick count " .. n .. " is refused for " .. tostring(occasion) end
    end
  end
  return true
end

return M
