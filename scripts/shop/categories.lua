-- scripts/shop/categories.lua — the catalog's categories kept by the owner
-- or a manager (the bot's /categories, bot/categories_admin.lua): listed
-- with the hidden ones, added (code, names ru and uz), renamed, hidden and
-- shown. A code and a name are read by the catalog CSV's rules
-- (shop/catalog_csv.lua). Each change and its audit_log row (entity
-- 'categories', action 'category.add' or 'category.edit', before and
-- after of what changed) are one transaction; then the catalog copy is
-- read again. A hidden category is not in the customers' catalog, and
-- neither are its products (shop/catalog.lua).
--
--   categories.ROLE                   who may
--   categories.list() -> { { id, code, name_ru, name_uz, active, products }, ... }
--   categories.get(id) -> row | nil
--   categories.read(field, text) -> value | nil, key, params
--       field: code | name_ru | name_uz; key: catalog.refused.csv.* or
--       catalog.refused.new.category_taken ({ code = })
--   categories.add(actor, { code, name_ru, name_uz }) -> row | nil, key, params
--   categories.set(actor, id, field, value) -> row | nil, key
--       field: name_ru | name_uz (text) | active (boolean); key
--       catalog.refused.edit.gone | .same, or read's
local pg = require "pg"
local json = require "json"
local catalog = require "shop.catalog"
local catalog_csv = require "shop.catalog_csv"
local edit = require "shop.product_edit"

local M = {}

M.ROLE = edit.ROLE

local function check(rows, err, code)
  if not rows then error(("categories: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return rows
end

local SELECT = [[SELECT c.id, c.code, c.name_ru, c.name_uz, c.active,
                        (SELECT count(*)::int FROM products p WHERE p.category_id = c.id) AS products
                   FROM categories c]]

local function nonnull(r)
  if r and r.code == pg.null then r.code = nil end
  return r
end

function M.list()
  local rows = check(pg.query(SELECT .. " ORDER BY c.sort, c.id"))
  for _, r in ipairs(rows) do nonnull(r) end
  return rows
end

function M.get(id, q)
  return nonnull(check((q or pg.query)(SELECT .. " WHERE c.id = $1", id))[1])
end

function M.read(field, text)
  if field == "code" then
    local code, key = catalog_csv.read_code(text)
    if not code then return nil, "catalog.refused.csv." .. key end
    if check(pg.query("SELECT 1 FROM categories WHERE code = $1", code))[1] then
      return nil, "catalog.refused.new.category_taken", { code = code }
    end
    return code
  end
  local v, key, params = catalog_csv.read(field, text, {})
  if v == nil then return nil, "catalog.refused.csv." .. key, params end
  return v
end

local function audit(tx, actor, id, action, before, after)
  check(tx:query([[INSERT INTO audit_log (actor_id, action, entity, entity_id, before, after)
                   VALUES ($1, $2, 'categories', $3, $4::jsonb, $5::jsonb)]],
    actor and actor.id or pg.null, action, id, before and json.encode(before) or pg.null, json.encode(after)))
end

local function done(res, err, code)
  if not res then error(("categories: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  if res.refused then return nil, res.refused, res.params end
  catalog.invalidate()
  return M.get(res.id)
end

function M.add(actor, c)
  for _, f in ipairs { "code", "name_ru", "name_uz" } do
    if not c[f] then return nil, "catalog.refused.csv.missing", { field = f } end
  end
  return done(pg.transaction(function(tx)
    local id = check(tx:query([[INSERT INTO categories (code, name_ru, name_uz, sort)
                                VALUES ($1, $2, $3, coalesce((SELECT max(sort) + 1 FROM categories), 0))
                                ON CONFLICT (code) DO NOTHING RETURNING id]], c.code, c.name_ru, c.name_uz))[1]
    if not id then return { refused = "catalog.refused.new.category_taken", params = { code = c.code } } end
    audit(tx, actor, id.id, "category.add", nil, { code = c.code, name_ru = c.name_ru, name_uz = c.name_uz })
    return { id = id.id }
  end))
end

local FIELDS = { name_ru = true, name_uz = true, active = true }

function M.set(actor, id, field, value)
  if not FIELDS[field] then return nil, "catalog.refused.edit.gone" end
  if type(value) == "string" then
    local v, key, params = M.read(field, value)
    if v == nil then return nil, key, params end
    value = v
  end
  return done(pg.transaction(function(tx)
    local before = check(tx:query("SELECT " .. field .. " AS v FROM categories WHERE id = $1 FOR UPDATE", id))[1]
    if not before then return { refused = "catalog.refused.edit.gone" } end
    if before.v == value then return { refused = "catalog.refused.edit.same" } end
    check(tx:query("UPDATE categories SET " .. field .. " = $2 WHERE id = $1", id, value))
    audit(tx, actor, id, "category.edit", { [field] = before.v }, { [field] = value })
    return { id = id }
  end))
end

return M
