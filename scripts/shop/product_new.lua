-- scripts/shop/product_new.lua — a new product, field by field, as the
-- owner or a manager gives it in the bot (/product_new, bot/product_new.lua).
-- Every answer is read by the catalog CSV's rules (shop/catalog_csv.lua's
-- read, the very ones /product and the import use); only what the CSV has
-- no column for is read here: the recipe of a composition and the photo.
-- The product, its recipe and its audit_log row (action 'catalog.create',
-- after = every field given) are one transaction; then the catalog copy is
-- read again, so customers find it at once.
--
--   product_new.ROLE                     who may create (as who may edit)
--   product_new.STEPS                    the steps, in the order asked:
--       { field =, optional = true|nil, only = kind|nil }
--   product_new.needed(draft, step) -> bool   whether the step applies
--   product_new.read(field, text) -> value | nil, key, params
--       key: catalog.refused.csv.* (the import's) or catalog.refused.new.*
--       (code_taken, bad_parts, unknown_part ({ code = }), not_a_part
--       ({ code = }), part_count ({ code =, max = }), part_twice ({ code = }))
--   product_new.categories() -> { { id, code, name_ru, name_uz }, ... }
--   product_new.parts(draft) -> { { code =, count =, name_ru =, name_uz = }, ... }
--   product_new.create(actor, draft, photo) -> id | nil, key, params
--       draft: field -> value as read() gave; photo: nil or
--       { data = bytes, file_id = Telegram's } — kept as the shop's own file
--       MEDIA_DIR/products/<code>-<random>.jpg (media_key), its file_id in
--       products.photo_file_id.
local pg = require "pg"
local fs = require "fs"
local crypto = require "crypto"
local config = require "config"
local rules = require "rules"
local catalog = require "shop.catalog"
local catalog_csv = require "shop.catalog_csv"
local edit = require "shop.product_edit"
local stock = require "shop.stock"

local M = {}

M.ROLE = edit.ROLE

M.STEPS = {
  { field = "code" },
  { field = "kind" },
  { field = "category_code", optional = true },
  { field = "name_ru" },
  { field = "name_uz" },
  { field = "description_ru", optional = true },
  { field = "description_uz", optional = true },
  { field = "price_som" },
  { field = "colour", optional = true },
  { field = "occasions", optional = true },
  { field = "tags", optional = true },
  { field = "vip", optional = true },
  { field = "parts", optional = true, only = "composition" },
  { field = "photo", optional = true },
  { field = "mxik_code", optional = true },
  { field = "package_code", optional = true },
}

-- What a composition may be made of: what the constructor sells singly.
local PART_KINDS = { stem = true, extra = true }

local function check(rows, err, code)
  if not rows then error(("product new: %s (%s)"):format(tostring(err), tostring(code)), 0) end
  return rows
end

function M.needed(draft, step) return not step.only or draft.kind == step.only end

local function categories_known()
  local known = {}
  for _, r in ipairs(check(pg.query("SELECT code FROM categories WHERE code IS NOT NULL"))) do known[r.code] = true end
  return known
end

M.categories = edit.categories

-- "S01 5, S02 x 3" (or one per line): { { code =, count = }, ... }
local function read_parts(s)
  local items, seen = {}, {}
  for item in s:gmatch("[^,;\n]+") do
    if item:find("%S") then
      local code, n = item:match("^%s*(%S+)%s*[x%*]?%s*(%d+)%s*$")
      n = math.tointeger(tonumber(n))
      if not code then return nil, "bad_parts" end
      if seen[code] then return nil, "part_twice", { code = code } end
      seen[code] = true
      items[#items + 1] = { code = code, count = n }
    end
  end
  if #items == 0 then return nil, "bad_parts" end
  local rows = check(pg.query("SELECT code, kind FROM products WHERE code = ANY($1::text[])",
    pg.array((function() local c = {} for i, p in ipairs(items) do c[i] = p.code end return c end)())))
  local kind = {}
  for _, r in ipairs(rows) do kind[r.code] = r.kind end
  local max = rules.constructor.MAX_STEMS_PER_FLOWER
  for _, p in ipairs(items) do
    if not kind[p.code] then return nil, "unknown_part", { code = p.code } end
    if not PART_KINDS[kind[p.code]] then return nil, "not_a_part", { code = p.code } end
    if p.count < 1 or p.count > max then return nil, "part_count", { code = p.code, max = max } end
  end
  return items
end

local function refused(key, params, csv)
  if key == nil then return nil end
  return nil, (csv and "catalog.refused.csv." or "catalog.refused.new.") .. key, params
end

function M.read(field, text)
  if field == "code" then
    local code, key = catalog_csv.read_code(text)
    if not code then return refused(key, nil, true) end
    if check(pg.query("SELECT 1 FROM products WHERE code = $1", code))[1] then
      return refused("code_taken", { code = code })
    end
    return code
  elseif field == "parts" then
    local v, key, params = read_parts(text)
    if not v then return refused(key, params) end
    return v
  end
  local v, key, params = catalog_csv.read(field, text, field == "category_code" and categories_known() or {})
  if v == nil then return refused(key, params, true) end
  if v == false and field ~= "vip" then v = nil end    -- an optional field left empty
  if (field == "occasions" or field == "tags") and v == "" then v = nil end
  return v
end

-- The recipe with the parts' names, for the summary.
function M.parts(draft)
  if not draft.parts then return {} end
  local codes = {}
  for i, p in ipairs(draft.parts) do codes[i] = p.code end
  local names = {}
  for _, r in ipairs(check(pg.query("SELECT code, name_ru, name_uz FROM products WHERE code = ANY($1::text[])",
                                    pg.array(codes)))) do
    names[r.code] = r
  end
  local out = {}
  for i, p in ipairs(draft.parts) do
    local n = names[p.code] or {}
    out[i] = { code = p.code, count = p.count, name_ru = n.name_ru or p.code, name_uz = n.name_uz or p.code }
  end
  return out
end

-- The photo as the shop's own file; its media_key, or nil, error.
local function keep_photo(code, data)
  local dir = config.media_dir .. "/products"
  local ok, err = fs.mkdir(dir)
  if not ok and not (fs.stat(dir) or {}).type then return nil, err end
  local key = ("products/%s-%s.jpg"):format(code:gsub("[^%w_%-]", "_"), crypto.hex(crypto.random_bytes(4)))
  local wok, werr = fs.write(config.media_dir .. "/" .. key, data)
  if not wok then return nil, werr end
  return key
end

-- The fields the audit row names, in the order asked.
local function audited(draft)
  local fields = {}
  for _, s in ipairs(M.STEPS) do
    if s.field ~= "code" and s.field ~= "photo" and draft[s.field] ~= nil then fields[#fields + 1] = s.field end
  end
  return fields
end

function M.create(actor, draft, photo)
  for _, s in ipairs(M.STEPS) do
    if not s.optional and draft[s.field] == nil then return nil, "catalog.refused.csv.missing", { field = s.field } end
  end
  local media_key
  if photo then
    local err
    media_key, err = keep_photo(draft.code, photo.data)
    if not media_key then error(("product new: the photo: %s"):format(tostring(err)), 0) end
  end
  local after = {}
  for k, v in pairs(draft) do after[k] = v end
  after.code = nil
  if draft.kind ~= "composition" then after.parts = nil end
  local fields = audited(after)
  if media_key then
    after.photo = media_key
    fields[#fields + 1] = "photo"
  end
  local res, err, code = pg.transaction(function(tx)
    if check(tx:query("SELECT 1 FROM products WHERE code = $1", draft.code))[1] then
      return { refused = "catalog.refused.new.code_taken", params = { code = draft.code } }
    end
    local id = catalog_csv.write(tx, actor, { code = draft.code, new = true, fields = fields, before = {},
                                              after = after }, "catalog.create")
    if media_key then
      check(tx:query("UPDATE products SET media_key = $2, photo_file_id = $3 WHERE id = $1",
        id, media_key, photo.file_id or pg.null))
    end
    for _, p in ipairs(after.parts or {}) do
      check(tx:query([[INSERT INTO composition_items (composition_id, component_id, count)
                       SELECT $1, id, $3 FROM products WHERE code = $2]], id, p.code, p.count))
    end
    return { id = id }
  end)
  if not res or res.refused then
    if media_key then fs.remove(config.media_dir .. "/" .. media_key) end
    if not res then error(("product new: %s (%s)"):format(tostring(err), tostring(code)), 0) end
    return nil, res.refused, res.params
  end
  catalog.invalidate()
  if after.parts then stock.invalidate() end
  return res.id, media_key
end

return M
