-- scripts/shop/catalog.lua — the catalog as the bot reads it: categories,
-- subcategories and active products, held in memory.
--
-- Customers browse far more often than the shop edits, and a catalog of a
-- few hundred products is a few hundred KB of Lua tables: so each
-- generation keeps one copy, read with two queries. Browsing, cards, search
-- and filters then cost no query at all. Every TTL seconds one query asks
-- PostgreSQL for a fingerprint of exactly the rows and columns the copy is
-- made of (an md5 of them); only when it differs is the copy read again.
-- Rebuilding it every TTL regardless threw away the screens, cards and
-- search answers cached on it, and rebuilding those all at once stalled
-- the engine at every TTL under load (bench/README.md). A refresh that
-- fails keeps serving the old copy (and retries on the next TTL); units
-- that arrive while a refresh runs use the old copy too, so only the very
-- first load is waited for.
local pg = require "pg"
local timer = require "timer"
local log = require "log"
local rules = require "rules"
local normalize = require "shop.normalize"
local season = require "shop.season"

local M = {}

M.TTL = 5   -- seconds an admin's edit may take to show in the bot

local current      -- the loaded catalog
local loading = false

local function check(rows, err, code)
  if not rows then error(("catalog: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return rows
end

local function nonnull(v) if v == pg.null then return nil end return v end

-- "red-white", "white, dark red" -> { red = true, white = true, dark = true }
local function colour_set(colour)
  local set = {}
  if type(colour) == "string" then
    for w in colour:lower():gmatch("[a-z0-9_]+") do set[w] = true end
  end
  return set
end

-- What a copy is made of; the fingerprint hashes the same. A product of a
-- hidden category (or of a category under a hidden one) is hidden with it:
-- not found by search or the filters either.
local CATEGORIES = "SELECT id, parent_id, code, name_ru, name_uz, sort FROM categories WHERE active"
local PRODUCTS = [[SELECT id, category_id, kind, name_ru, name_uz, description_ru, description_uz, price,
                          colour, tags, occasions, vip, media_key, code, prep_minutes
                     FROM products
                    WHERE active AND (category_id IS NULL OR category_id NOT IN (
                            WITH RECURSIVE hidden AS (
                              SELECT id FROM categories WHERE NOT active
                              UNION SELECT c.id FROM categories c JOIN hidden h ON c.parent_id = h.id)
                            SELECT id FROM hidden))]]
local FINGERPRINT = ([[
  SELECT md5(coalesce((SELECT string_agg(c::text, ',' ORDER BY c.id) FROM (%s) c), '') || '|' ||
             coalesce((SELECT string_agg(p::text, ',' ORDER BY p.id) FROM (%s) p), '')) AS v]])
  :format(CATEGORIES, PRODUCTS)

local function fingerprint()
  return check(pg.query(FINGERPRINT))[1].v
end

local function load()
  local version = fingerprint()   -- first: an edit during the reads shows at the next check
  local cats = check(pg.query(CATEGORIES .. " ORDER BY sort, id"))
  local prods = check(pg.query(PRODUCTS .. " ORDER BY price, id"))
  local c = { categories = {}, roots = {}, children = {}, products = {}, by_category = {},
              by_code = {}, list = {}, loaded_at = timer.monotonic(), version = version }
  for _, row in ipairs(cats) do
    row.parent_id, row.code = nonnull(row.parent_id), nonnull(row.code)
    c.categories[row.id] = row
    c.children[row.id] = {}
    c.by_category[row.id] = {}
  end
  for _, row in ipairs(cats) do
    local parent = row.parent_id and c.categories[row.parent_id]
    if parent then
      table.insert(c.children[parent.id], row)
    elseif not row.parent_id then
      c.roots[#c.roots + 1] = row
    end
    -- a child of an inactive parent is unreachable from the root; a deep
    -- link may still open it.
  end
  for _, p in ipairs(prods) do
    p.category_id = nonnull(p.category_id)
    p.description_ru, p.description_uz = nonnull(p.description_ru), nonnull(p.description_uz)
    p.colour, p.media_key, p.code = nonnull(p.colour), nonnull(p.media_key), nonnull(p.code)
    p.tag_set = {}
    for _, t in ipairs(p.tags) do p.tag_set[t] = true end
    if p.code then c.by_code[p.code] = p end
    p.colours = colour_set(p.colour)
    p.occasion_set = {}
    for _, o in ipairs(p.occasions) do p.occasion_set[o] = true end
    p.key = " " .. normalize.key(table.concat({ p.name_ru, p.name_uz, table.concat(p.tags, " ") }, " "))
    c.products[p.id] = p
    c.list[#c.list + 1] = p
    if p.category_id and c.by_category[p.category_id] then
      table.insert(c.by_category[p.category_id], p)
    end
  end
  for id, n in pairs(M.counts(c, c.by_category)) do c.categories[id].count = n end
  return c
end

-- Products in each category and all its subcategories, for the buttons'
-- "(12)": { [category_id] = n }, counting by_category's lists. Depth is
-- small; guard against a cycle anyway.
function M.counts(c, by_category)
  local function count(id, depth)
    if depth > 16 then return 0 end
    local n = #by_category[id]
    for _, ch in ipairs(c.children[id]) do n = n + count(ch.id, depth + 1) end
    return n
  end
  local out = {}
  for id in pairs(c.categories) do out[id] = count(id, 0) end
  return out
end

-- The catalog (loading or refreshing it when needed). Raises when there is
-- no copy at all and the database cannot be read.
function M.get()
  local now = timer.monotonic()
  if current and now - current.loaded_at < M.TTL then return current end
  if loading then
    if current then return current end
    local deadline = now + 10
    while loading and timer.monotonic() < deadline do timer.sleep(0.005) end
    if current then return current end
    error("catalog: the first load did not finish")
  end
  loading = true
  local ok, res = pcall(function()
    if current and current.version and fingerprint() == current.version then
      current.loaded_at = timer.monotonic()
      return current                -- unchanged: keep the copy and what is cached on it
    end
    return load()
  end)
  loading = false
  if ok then
    current = res
    return current
  end
  if current then
    log.warn("catalog refresh failed, serving the previous copy", { err = tostring(res) })
    current.loaded_at = now
    return current
  end
  error(res, 0)
end

-- Forget the copy: the next get() reads the database (specs, admin edits).
function M.invalidate() if current then current.loaded_at = -math.huge end end

-- {======================================================================
-- Queries over the copy
-- =======================================================================

function M.name(lang, row) return lang == "uz" and row.name_uz or row.name_ru end

-- A product's colour codes in the order the shop wrote them, once each
-- ("red, white" -> { "red", "white" }): what a card or a post names.
function M.colour_codes(p)
  local codes, seen = {}, {}
  for w in (p.colour or ""):lower():gmatch("[a-z0-9_]+") do
    if not seen[w] then seen[w] = true; codes[#codes + 1] = w end
  end
  return codes
end

-- {======================================================================
-- What a customer sees on a day: out of season, a product is marked or
-- hidden, as rules/season.lua says (shop/season.lua asks it)
-- =======================================================================

local function hiding() return rules.season.OUT_OF_SEASON == "hidden" end

-- The part of the key of anything cached that depends on the day.
function M.day_key(day) return (hiding() and "h:" or "s:") .. day end

-- The products of `list` a customer sees on `day` (the list itself when
-- nothing is hidden).
function M.seen(list, day)
  if not hiding() then return list end
  local out = {}
  for _, p in ipairs(list) do
    if season.shown(p, day) ~= "hidden" then out[#out + 1] = p end
  end
  return out
end

-- The products of category `id` a customer sees on `day`, and the count
-- of its button; the lists and counts of a day are made once per copy.
function M.seen_category(c, id, day)
  if not hiding() then return c.by_category[id], c.categories[id] and c.categories[id].count end
  local days = c.seen_days
  if not days then days = {}; c.seen_days = days end
  local v = days[day]
  if not v then
    v = { by_category = {} }
    for cid, list in pairs(c.by_category) do v.by_category[cid] = M.seen(list, day) end
    v.counts = M.counts(c, v.by_category)
    days[day] = v
  end
  return v.by_category[id], v.counts[id]
end
function M.description(lang, p) return lang == "uz" and p.description_uz or p.description_ru end

-- Query words with their alternatives: the word itself, the word without a
-- final vowel (a light stem: "rozi" for розы still finds "roza"), and the
-- synonyms of rules/catalog.lua whose first letters it types.
local VOWEL_END = "[aeiouy]$"
local function alternatives(word)
  local alts = { word }
  if #word >= 4 and word:find(VOWEL_END) then alts[#alts + 1] = word:sub(1, -2) end
  for _, group in ipairs(rules.catalog.SYNONYMS) do
    for _, syn in ipairs(group) do
      if #word >= 3 and syn:sub(1, #word) == word then
        for _, other in ipairs(group) do alts[#alts + 1] = other end
        break
      end
    end
  end
  return alts
end

-- Products whose names (either language) contain every word of the query
-- key, as the start of a word of the name: "atir" finds "atirgul", "gul"
-- finds "gul" and "guldasta" but not "atirgul".
--
-- The answer is kept on the catalog copy, so the same words typed again
-- within the copy's life (TTL) cost one lookup; at most SEARCH_CACHE keys
-- per copy, then the cache starts over. Callers must not change the list.
local SEARCH_CACHE = 2000

local function search(c, key)
  local words = normalize.words(key)
  if #words == 0 then return {} end
  local need = {}
  for i, w in ipairs(words) do
    local alts = alternatives(w)
    for j, a in ipairs(alts) do alts[j] = " " .. a end
    need[i] = alts
  end
  local out = {}
  for _, p in ipairs(c.list) do
    local ok = true
    for _, alts in ipairs(need) do
      local hit = false
      for _, a in ipairs(alts) do
        if p.key:find(a, 1, true) then hit = true; break end
      end
      if not hit then ok = false; break end
    end
    if ok then out[#out + 1] = p end
  end
  return out
end

function M.search(key, day)
  local c = M.get()
  local cache = c.searches
  if not cache or c.searches_n >= SEARCH_CACHE then
    cache = {}
    c.searches, c.searches_n = cache, 0
  end
  local found = cache[key]
  if not found then
    found = search(c, key)
    cache[key] = found
    c.searches_n = c.searches_n + 1
  end
  return M.seen(found, day or season.today())
end

-- filter = { colour = "red"|nil, occasion = "march8"|nil, vip = true|nil,
--            price = {min=, max=}|nil }; day: see M.seen (default today)
function M.filter(f, day)
  local c = M.get()
  local out = {}
  local kinds = rules.catalog.FILTER_KINDS
  for _, p in ipairs(c.list) do
    if kinds[p.kind] and (not f.colour or p.colours[f.colour])
        and (not f.occasion or p.occasion_set[f.occasion])
        and (not f.vip or p.vip)
        and (not f.price or ((not f.price.min or p.price >= f.price.min)
                             and (not f.price.max or p.price < f.price.max))) then
      out[#out + 1] = p
    end
  end
  return M.seen(out, day or season.today())
end

return M
