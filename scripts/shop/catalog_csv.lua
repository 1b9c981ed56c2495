-- scripts/shop/catalog_csv.lua — the catalog as CSV (DESIGN.md §2): the
-- products written out, and a file of products read back: what each line
-- would change, and applying all of it in one transaction or nothing.
--
--   catalog_csv.COLUMNS                      the columns, in export order
--   catalog_csv.export() -> text             UTF-8 with a BOM, `;`, CRLF
--   catalog_csv.plan(parsed) -> results, totals | nil, err
--       parsed = lib/csv.lua's parse(); err names a missing column
--       results[i] = { line =, code =, status = "changed" | "unchanged" | "refused",
--                      new = true | nil, fields = { name, ... } (what changes),
--                      reason = key, params = }
--       totals = { changed =, unchanged =, refused = }
--   catalog_csv.apply(actor, parsed) -> results, totals, applied | nil, err
--       the plan made again under the rows' locks; when nothing is
--       refused, every change in one transaction, each one an audit_log
--       row (action 'catalog.import', before and after of the changed
--       fields); then the catalog copy is read again.
--
-- Products are added and changed by `code`, never deleted: a product
-- leaves the shop with active = 0. A column absent from the header leaves
-- that field as it is; an empty cell clears an optional field (category,
-- colour, occasions, tags, the fiscal codes). A new product needs kind,
-- name_ru, name_uz and price_som. Refusal keys (catalog.refused.csv.*):
-- no_code, duplicate ({ first = line }), missing ({ field = }),
-- bad_kind, bad_price, bad_flag ({ field = }), unknown_category,
-- bad_mxik, bad_package; and for a code typed in the bot (read_code)
-- code_word.
local pg = require "pg"
local json = require "json"
local rules = require "rules"
local csv = require "lib.csv"
local catalog = require "shop.catalog"

local M = {}

M.COLUMNS = { "code", "category_code", "kind", "name_ru", "name_uz", "price_som", "colour",
              "occasions", "tags", "vip", "active", "mxik_code", "package_code" }
local FIELDS = { table.unpack(M.COLUMNS, 2) }
local KNOWN = {}
for _, c in ipairs(M.COLUMNS) do KNOWN[c] = true end
local KINDS = { stem = true, composition = true, extra = true }
local REQUIRED_NEW = { "kind", "name_ru", "name_uz", "price_som" }
local MAX_PRICE_SOM = 1000000000

local SELECT = [[SELECT p.id, p.code, c.code AS category_code, p.kind, p.name_ru, p.name_uz, p.price,
                        p.colour, p.occasions, p.tags, p.vip, p.active, p.mxik_code, p.package_code,
                        p.description_ru, p.description_uz
                   FROM products p LEFT JOIN categories c ON c.id = p.category_id]]
M.SELECT = SELECT

local function check(rows, err, code)
  if not rows then error(("catalog csv: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return rows
end

local function nonnull(v) if v == pg.null then return nil end return v end
local function trim(s) return (s:match("^%s*(.-)%s*$")) end

-- A product row as the CSV's values: NULL as nil, lists as "a,b".
local function values(r)
  return {
    category_code = nonnull(r.category_code), kind = r.kind, name_ru = r.name_ru, name_uz = r.name_uz,
    price_som = r.price // rules.money.TIYIN_PER_SOM, colour = nonnull(r.colour),
    occasions = table.concat(r.occasions, ","), tags = table.concat(r.tags, ","),
    vip = r.vip, active = r.active, mxik_code = nonnull(r.mxik_code), package_code = nonnull(r.package_code),
    description_ru = nonnull(r.description_ru), description_uz = nonnull(r.description_uz),
  }
end
M.values = values

function M.export()
  local out = { M.COLUMNS }
  for _, r in ipairs(check(pg.query(SELECT .. " WHERE p.code IS NOT NULL ORDER BY p.code"))) do
    local v = values(r)
    local row = { r.code }   -- every cell filled: csv.format reads up to the first nil
    for _, f in ipairs(FIELDS) do
      local x = v[f]
      if type(x) == "boolean" then x = x and 1 or 0 elseif x == nil then x = "" end
      row[#row + 1] = x
    end
    out[#out + 1] = row
  end
  return csv.BOM .. csv.format(out, ";"), #out - 1
end

local FLAGS = { ["1"] = true, ["0"] = false, ["true"] = true, ["false"] = false, yes = true, no = false }

local function list(s)
  local items, seen = {}, {}
  for w in s:lower():gmatch("[^,%s|]+") do
    if not seen[w] then seen[w] = true; items[#items + 1] = w end
  end
  return table.concat(items, ",")
end

-- One cell read as the field's value: value, or nil, refusal key, params.
-- `categories` = { [code] = true }. Also the rule of one field typed in
-- the bot (bot/product_admin.lua through shop/product_edit.lua), so both
-- ways of editing refuse the same values. description_ru/_uz are not CSV
-- columns; like colour, an empty value clears them.
local function read(field, s, categories)
  s = trim(s)
  if field == "kind" then
    if not KINDS[s:lower()] then return nil, "bad_kind" end
    return s:lower()
  elseif field == "name_ru" or field == "name_uz" then
    if s == "" then return nil, "missing", { field = field } end
    return s
  elseif field == "price_som" then
    local digits = s:gsub("[%s\194\160]", "")
    local n = digits:match("^%d+$") and #digits <= 10 and math.tointeger(tonumber(digits))
    if not n or n > MAX_PRICE_SOM then return nil, "bad_price" end
    return n
  elseif field == "vip" or field == "active" then
    local b = FLAGS[s:lower()]
    if b == nil then return nil, "bad_flag", { field = field } end
    return b
  elseif field == "occasions" or field == "tags" then
    return list(s)
  elseif s == "" then
    return false                                     -- an optional field cleared
  elseif field == "category_code" then
    if not categories[s] then return nil, "unknown_category" end
    return s
  elseif field == "mxik_code" then
    if not s:match("^%d+$") or #s ~= 17 then return nil, "bad_mxik" end
    return s
  elseif field == "package_code" then
    if not s:match("^%d+$") then return nil, "bad_package" end
    return s
  end
  return s                                           -- colour, descriptions
end
M.read = read

-- A code typed in the bot (a new product's, a new category's): one word,
-- since /product CODE reads the first word. value, or nil, refusal key.
function M.read_code(s)
  s = trim(s)
  if s == "" then return nil, "no_code" end
  if s:find("%s") then return nil, "code_word" end
  return s
end

local function column_map(header)
  local at = {}
  for i, h in ipairs(header) do
    local name = h:lower()
    if KNOWN[name] then at[name] = at[name] or i end
  end
  return at
end

-- The plan against `q` (pg.query, or a transaction's query that locks).
local function plan(parsed, q, lock)
  local at = column_map(parsed.header)
  if not at.code then return nil, "missing_code_column" end
  local codes = {}
  for _, row in ipairs(parsed.rows) do
    local c = trim(row.fields[at.code] or "")
    if c ~= "" then codes[#codes + 1] = c end
  end
  local known = {}
  for _, r in ipairs(check(q(SELECT .. " WHERE p.code = ANY($1::text[]) ORDER BY p.id" .. (lock and " FOR UPDATE OF p" or ""),
                             pg.array(codes)))) do
    known[r.code] = r
  end
  local categories = {}
  for _, r in ipairs(check(q("SELECT code FROM categories WHERE code IS NOT NULL"))) do categories[r.code] = true end
  local results, totals, first = {}, { changed = 0, unchanged = 0, refused = 0 }, {}
  for i, row in ipairs(parsed.rows) do
    local code = trim(row.fields[at.code] or "")
    local r = { line = row.line, code = code, fields = {} }
    results[i] = r
    local p = known[code]
    local before = p and values(p) or {}
    local after = {}
    local function refuse(key, params) r.status, r.reason, r.params = "refused", "catalog.refused.csv." .. key, params end
    if code == "" then refuse("no_code")
    elseif first[code] then refuse("duplicate", { first = first[code] })
    else
      first[code] = row.line
      for _, f in ipairs(FIELDS) do
        if at[f] then
          local v, key, params = read(f, row.fields[at[f]] or "", categories)
          if v == nil then refuse(key, params); break end
          after[f] = v
        end
      end
      if not r.status and not p then
        for _, f in ipairs(REQUIRED_NEW) do
          if after[f] == nil then refuse("missing", { field = f }); break end
        end
      end
    end
    if not r.status then
      r.product_id, r.new, r.before, r.after = p and p.id, not p or nil, {}, {}
      for _, f in ipairs(FIELDS) do
        local a = after[f]
        if a == false and f ~= "vip" and f ~= "active" then a = nil end
        if after[f] ~= nil and (not p or a ~= before[f]) then
          r.fields[#r.fields + 1] = f
          r.before[f], r.after[f] = before[f], a
        end
      end
      r.status = #r.fields > 0 and "changed" or "unchanged"
      r.values = after
    end
    totals[r.status] = totals[r.status] + 1
  end
  return results, totals
end

function M.plan(parsed) return plan(parsed, pg.query) end

local function cell(v) if v == nil then return pg.null end return v end

local function lists(s) return pg.array(s and s ~= "" and (function()
  local t = {}
  for w in s:gmatch("[^,]+") do t[#t + 1] = w end
  return t
end)() or {}) end

-- The audit's view of values: NULL as JSON null.
local function audit_json(t, fields)
  local o = {}
  for _, f in ipairs(fields) do
    if t[f] == nil then o[f] = json.null else o[f] = t[f] end
  end
  return json.encode(o)
end

-- Writes one planned change r (product_id, new, fields, before, after as
-- plan() makes them) in transaction tx, with its audit_log row (`action`,
-- 'catalog.import' by default).
local function write(tx, actor, r, action)
  local a = r.after
  local cat = a.category_code
  local id = r.product_id
  local tiyin = a.price_som and a.price_som * rules.money.TIYIN_PER_SOM
  if r.new then
    id = check(tx:query([[
      INSERT INTO products (code, category_id, kind, name_ru, name_uz, price, colour, occasions, tags,
                            vip, active, mxik_code, package_code, description_ru, description_uz)
      VALUES ($1, (SELECT id FROM categories WHERE code = $2), $3, $4, $5, $6, $7, $8::text[], $9::text[],
              coalesce($10, false), coalesce($11, true), $12, $13, $14, $15)
      RETURNING id]], r.code, cell(cat), a.kind, a.name_ru, a.name_uz, tiyin, cell(a.colour),
      lists(a.occasions), lists(a.tags), cell(a.vip), cell(a.active), cell(a.mxik_code), cell(a.package_code),
      cell(a.description_ru), cell(a.description_uz)))[1].id
  else
    local sets, args = {}, { id }
    for _, f in ipairs(r.fields) do
      local v = a[f]
      if f == "category_code" then
        args[#args + 1] = cell(v)
        sets[#sets + 1] = ("category_id = (SELECT id FROM categories WHERE code = $%d)"):format(#args)
      elseif f == "price_som" then
        args[#args + 1] = tiyin
        sets[#sets + 1] = ("price = $%d"):format(#args)
      elseif f == "occasions" or f == "tags" then
        args[#args + 1] = lists(v)
        sets[#sets + 1] = ("%s = $%d::text[]"):format(f, #args)
      else
        args[#args + 1] = cell(v)
        sets[#sets + 1] = ("%s = $%d"):format(f, #args)
      end
    end
    check(tx:query(("UPDATE products SET %s, updated_at = now() WHERE id = $1"):format(table.concat(sets, ", ")),
      table.unpack(args, 1, #args)))
  end
  check(tx:query([[INSERT INTO audit_log (actor_id, action, entity, entity_id, before, after)
                   VALUES ($1, $5, 'products', $2, $3::jsonb, $4::jsonb)]],
    cell(actor and actor.id), id, r.new and pg.null or audit_json(r.before, r.fields), audit_json(r.after, r.fields),
    action or "catalog.import"))
  return id
end
M.write = write

function M.apply(actor, parsed)
  local results, totals, err = M.plan(parsed)
  if not results then return nil, totals end
  if totals.refused > 0 then return results, totals, false end
  local res, terr, code = pg.transaction(function(tx)
    local again, t2 = plan(parsed, function(...) return tx:query(...) end, true)
    if t2.refused > 0 then return { results = again, totals = t2, refused = true } end
    for _, r in ipairs(again) do
      if r.status == "changed" then write(tx, actor, r) end
    end
    return { results = again, totals = t2 }
  end)
  if not res then return nil, ("the database refused the import: %s (%s)"):format(tostring(terr), tostring(code)) end
  if res.refused then return res.results, res.totals, false end
  catalog.invalidate()
  return res.results, res.totals, true, err
end

-- Does a CSV header name a catalog file (rather than a stock count)?
function M.is_catalog(header)
  local at = column_map(header)
  return at.code ~= nil and (at.name_uz or at.price_som or at.kind or at.active or at.category_code) ~= nil
end

return M
