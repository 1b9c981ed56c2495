-- devkit/seed/store.lua — puts the demo catalog into PostgreSQL, in one
-- transaction, keyed by the stable codes (categories.code, products.code).
--
-- Seeding again is safe and cheap:
--   * categories and products are upserted; a row whose values already
--     match is not touched (its updated_at stays), one that differs is set
--     back to the seed's values (the demo's catalog is the data files);
--   * recipes (composition_items) are made to match the files exactly;
--   * stock rows are only created: what the shop sold or counted since the
--     first seed stays. A new stock row gets its `incoming` entry in
--     inventory_log, so the ledger explains on_hand (R-I5);
--   * photo_file_id is cleared for the products whose picture was
--     rewritten (`rewritten`: code -> true): Telegram's cached id would
--     show the old picture.
--
--   local counts = store.save(catalog, { rewritten = { S01 = true } })
--   --> { categories = {inserted, updated, unchanged}, products = {...}, recipes = n, stock = n } | nil, err
local pg = require "pg"
local photos = require "devkit.seed.photos"

local M = {}

local TIYIN_PER_SOM = 100

local UPSERT_CATEGORY = [[
INSERT INTO categories (code, parent_id, name_ru, name_uz, sort, active)
VALUES ($1, $2, $3, $4, $5, true)
ON CONFLICT (code) DO UPDATE
   SET parent_id = EXCLUDED.parent_id, name_ru = EXCLUDED.name_ru, name_uz = EXCLUDED.name_uz,
       sort = EXCLUDED.sort, active = true
 WHERE (categories.parent_id, categories.name_ru, categories.name_uz, categories.sort, categories.active)
       IS DISTINCT FROM (EXCLUDED.parent_id, EXCLUDED.name_ru, EXCLUDED.name_uz, EXCLUDED.sort, true)
RETURNING id, (xmax = 0) AS inserted]]

local UPSERT_PRODUCT = [[
INSERT INTO products (code, category_id, kind, name_ru, name_uz, description_ru, description_uz,
                      price, colour, tags, occasions, vip, prep_minutes, media_key, active)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text[], $11::text[], $12, $13, $14, true)
ON CONFLICT (code) DO UPDATE
   SET category_id = EXCLUDED.category_id, kind = EXCLUDED.kind,
       name_ru = EXCLUDED.name_ru, name_uz = EXCLUDED.name_uz,
       description_ru = EXCLUDED.description_ru, description_uz = EXCLUDED.description_uz,
       price = EXCLUDED.price, colour = EXCLUDED.colour, tags = EXCLUDED.tags,
       occasions = EXCLUDED.occasions, vip = EXCLUDED.vip, prep_minutes = EXCLUDED.prep_minutes,
       media_key = EXCLUDED.media_key, active = true, updated_at = now()
 WHERE (products.category_id, products.kind, products.name_ru, products.name_uz,
        products.description_ru, products.description_uz, products.price, products.colour,
        products.tags, products.occasions, products.vip, products.prep_minutes,
        products.media_key, products.active)
       IS DISTINCT FROM
       (EXCLUDED.category_id, EXCLUDED.kind, EXCLUDED.name_ru, EXCLUDED.name_uz,
        EXCLUDED.description_ru, EXCLUDED.description_uz, EXCLUDED.price, EXCLUDED.colour,
        EXCLUDED.tags, EXCLUDED.occasions, EXCLUDED.vip, EXCLUDED.prep_minutes,
        EXCLUDED.media_key, true)
RETURNING id, (xmax = 0) AS inserted]]

local UPSERT_RECIPE_ITEM = [[
INSERT INTO composition_items (composition_id, component_id, count) VALUES ($1, $2, $3)
ON CONFLICT (composition_id, component_id) DO UPDATE SET count = EXCLUDED.count
 WHERE composition_items.count <> EXCLUDED.count
RETURNING id]]

local DELETE_OTHER_RECIPE_ITEMS = [[
DELETE FROM composition_items WHERE composition_id = $1 AND NOT (component_id = ANY($2::bigint[]))]]

local INSERT_STOCK = [[
INSERT INTO stock (product_id, on_hand, threshold) VALUES ($1, $2, $3)
ON CONFLICT (product_id) DO NOTHING
RETURNING product_id]]

local LOG_INCOMING = [[
INSERT INTO inventory_log (product_id, delta, reason, note) VALUES ($1, $2, 'incoming', 'demo seed')]]

local FORGET_FILE_ID = "UPDATE products SET photo_file_id = NULL WHERE id = $1 AND photo_file_id IS NOT NULL"

-- Inside pg.transaction: a failed statement aborts the whole seed.
local function must(res, err, code)
  if not res then error(string.format("%s (%s)", tostring(err), tostring(code)), 0) end
  return res
end

-- Looks up the id of an existing row after an upsert that changed nothing
-- (such an upsert returns no row).
local function id_of(tx, tbl, code)
  local rows = must(tx:query("SELECT id FROM " .. tbl .. " WHERE code = $1", code))
  return rows[1].id
end

local function count(counts, kind, rows)
  if #rows == 0 then counts[kind].unchanged = counts[kind].unchanged + 1
  elseif rows[1].inserted then counts[kind].inserted = counts[kind].inserted + 1
  else counts[kind].updated = counts[kind].updated + 1 end
end

local function save_categories(tx, catalog, counts)
  local ids = {}
  for _, c in ipairs(catalog.categories) do
    local parent = c.parent and ids[c.parent] or pg.null
    local rows = must(tx:query(UPSERT_CATEGORY, c.code, parent, c.name_ru, c.name_uz, c.sort or 0))
    count(counts, "categories", rows)
    ids[c.code] = rows[1] and rows[1].id or id_of(tx, "categories", c.code)
  end
  return ids
end

-- The stored tags: the data's own, plus "filler" for greenery, which is how
-- the constructor (rules/constructor.lua) knows a stem is not a main flower.
local function tags_of(p)
  local tags = {}
  for _, t in ipairs(p.tags or {}) do if t ~= "filler" then tags[#tags + 1] = t end end
  if p.filler then tags[#tags + 1] = "filler" end
  return tags
end

local function save_products(tx, catalog, cat_ids, counts)
  local ids = {}
  for _, p in ipairs(catalog.products) do
    local colour = #(p.colours or {}) > 0 and table.concat(p.colours, ", ") or pg.null
    local rows = must(tx:query(UPSERT_PRODUCT, p.code, cat_ids[p.category], p.kind, p.name_ru, p.name_uz,
      p.description_ru, p.description_uz, p.price * TIYIN_PER_SOM, colour, pg.array(tags_of(p)),
      pg.array(p.occasions or {}), p.vip == true, p.prep_minutes or 0, photos.media_key(p.code)))
    count(counts, "products", rows)
    ids[p.code] = rows[1] and rows[1].id or id_of(tx, "products", p.code)
  end
  return ids
end

local function save_recipes(tx, catalog, ids, counts)
  for _, p in ipairs(catalog.products) do
    if p.kind == "composition" then
      local keep = {}
      for _, r in ipairs(p.recipe or {}) do
        keep[#keep + 1] = ids[r[1]]
        local rows = must(tx:query(UPSERT_RECIPE_ITEM, ids[p.code], ids[r[1]], r[2]))
        counts.recipes = counts.recipes + #rows
      end
      local res = must(tx:query(DELETE_OTHER_RECIPE_ITEMS, ids[p.code], pg.array(keep)))
      counts.recipes = counts.recipes + res.affected
    end
  end
end

local function save_stock(tx, catalog, ids, counts)
  for _, p in ipairs(catalog.products) do
    local on_hand = p.stock or 0
    local rows = must(tx:query(INSERT_STOCK, ids[p.code], on_hand, p.threshold or 0))
    if #rows > 0 then
      counts.stock = counts.stock + 1
      if on_hand > 0 then must(tx:query(LOG_INCOMING, ids[p.code], on_hand)) end
    end
  end
end

function M.save(catalog, opts)
  opts = opts or {}
  local counts = {
    categories = { inserted = 0, updated = 0, unchanged = 0 },
    products = { inserted = 0, updated = 0, unchanged = 0 },
    recipes = 0, stock = 0, file_ids_cleared = 0,
  }
  local ok, err, code = pg.transaction(function(tx)
    local cat_ids = save_categories(tx, catalog, counts)
    local ids = save_products(tx, catalog, cat_ids, counts)
    save_recipes(tx, catalog, ids, counts)
    save_stock(tx, catalog, ids, counts)
    for c in pairs(opts.rewritten or {}) do
      local res = must(tx:query(FORGET_FILE_ID, ids[c]))
      counts.file_ids_cleared = counts.file_ids_cleared + res.affected
    end
    return true
  end)
  if not ok then return nil, err, code end
  return counts
end

return M
