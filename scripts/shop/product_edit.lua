-- scripts/shop/product_edit.lua — one field of one product changed by the
-- owner or a manager (the bot's /product, bot/product_admin.lua), by the
-- same rules and the same write as the catalog CSV (shop/catalog_csv.lua):
-- a value the import would refuse is refused here with the same key, and
-- the change and its audit_log row (action 'catalog.edit', before and
-- after of that field) are one transaction. Then the catalog copy is read
-- again, so customers see the change at once.
--
--   product_edit.ROLE                        who may edit
--   product_edit.FIELDS                      the fields a value is typed for
--   product_edit.get(code_or_id) -> row | nil   inactive ones too:
--       { id, code, category_code, kind, name_ru, name_uz, price (tiyin),
--         price_som, colour, vip, active, mxik_code, package_code,
--         description_ru, description_uz, category = { name_ru, name_uz } | nil }
--   product_edit.categories() -> { { id, code, name_ru, name_uz }, ... }
--   product_edit.set(actor, product_id, field, value) -> row | nil, key, params
--       value: the text typed, or for vip/active a boolean, for
--       category_code a category's code. key: catalog.refused.csv.*
--       (the import's) or catalog.refused.edit.gone | .same
local pg = require "pg"
local catalog = require "shop.catalog"
local catalog_csv = require "shop.catalog_csv"

local M = {}

M.ROLE = "manager"   -- owners pass every role check

M.FIELDS = { "price_som", "name_ru", "name_uz", "description_ru", "description_uz", "colour",
             "mxik_code", "package_code" }
local EDITABLE = { vip = true, active = true, category_code = true }
for _, f in ipairs(M.FIELDS) do EDITABLE[f] = true end

local function check(rows, err, code)
  if not rows then error(("product edit: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return rows
end

local function categories_known(q)
  local known = {}
  for _, r in ipairs(check(q("SELECT code FROM categories WHERE code IS NOT NULL"))) do known[r.code] = true end
  return known
end

function M.get(key, q)
  q = q or pg.query
  local id = math.tointeger(key)
  local where = id and " WHERE p.id = $1" or " WHERE p.code = $1"
  local row = check(q(catalog_csv.SELECT .. where, id or tostring(key)))[1]
  if not row then return nil end
  local v = catalog_csv.values(row)
  v.id, v.code, v.price = row.id, row.code, row.price
  if v.category_code then
    local c = check(q("SELECT name_ru, name_uz FROM categories WHERE code = $1", v.category_code))[1]
    v.category = c
  end
  return v, row
end

function M.categories()
  return check(pg.query([[SELECT id, code, name_ru, name_uz FROM categories
                           WHERE active AND code IS NOT NULL ORDER BY sort, id]]))
end

function M.set(actor, product_id, field, value)
  if not EDITABLE[field] then return nil, "catalog.refused.edit.gone" end
  local res, err, code = pg.transaction(function(tx)
    local q = function(...) return tx:query(...) end
    check(q("SELECT id FROM products WHERE id = $1 FOR UPDATE", product_id))
    local before = M.get(product_id, q)
    if not before then return { refused = "catalog.refused.edit.gone" } end
    local v, key, params = value, nil, nil
    if type(value) == "string" then
      v, key, params = catalog_csv.read(field, value, categories_known(q))
      if v == nil then return { refused = "catalog.refused.csv." .. key, params = params } end
      if v == false and field ~= "vip" and field ~= "active" then v = nil end
    end
    if v == before[field] then return { refused = "catalog.refused.edit.same" } end
    catalog_csv.write(tx, actor, { product_id = product_id, fields = { field },
                                   before = { [field] = before[field] }, after = { [field] = v } }, "catalog.edit")
    return { ok = true }
  end)
  if not res then error(("product edit: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  if res.refused then return nil, res.refused, res.params end
  catalog.invalidate()
  return M.get(product_id)
end

return M
