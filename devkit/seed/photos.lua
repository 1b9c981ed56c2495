-- devkit/seed/photos.lua — writes each product's picture to
-- <media_dir>/products/<code>.png, painting only what changed.
--
-- Painting and compressing 45 pictures in Lua takes seconds, and the demo
-- seeds at every start, so each file carries a fingerprint in a tEXt chunk:
-- a SHA-256 of what the picture depends on (the product's code, kind,
-- colours, look and recipe, its parts' looks, and the source of the
-- painter, the canvas and the encoder). A file whose fingerprint matches is
-- left alone without painting; otherwise we paint, and write only when the
-- bytes differ. A rewritten picture's cached Telegram file_id is stale: the
-- caller forgets it (devkit.seed.store and the cli).
--
--   local photos = require "devkit.seed.photos"
--   local res = photos.write_all(catalog, config.media_dir)
--   --> { written = { "S01", ... }, kept = 44 } | nil, err
local fs = require "fs"
local crypto = require "crypto"
local config = require "config"
local png = require "devkit.lib.png"
local paint = require "devkit.seed.paint"

local M = {}

M.DIR = "products"               -- under media_dir; media_key = "products/<code>"
local TEXT_KEY = "guldasta:fingerprint"
local SOURCES = { "devkit/lib/png.lua", "devkit/lib/canvas.lua", "devkit/seed/paint.lua" }

function M.media_key(code)
  return M.DIR .. "/" .. code
end

function M.path(media_dir, code)
  return media_dir .. "/" .. M.media_key(code) .. ".png"
end

-- A canonical text for a Lua value (keys sorted): json.encode's key order
-- follows the table's hash order, which Lua randomises per process.
local function canonical(v)
  local t = type(v)
  if t == "table" then
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    local parts = {}
    for _, k in ipairs(keys) do parts[#parts + 1] = tostring(k) .. "=" .. canonical(v[k]) end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif t == "string" then
    return string.format("%q", v)
  end
  return tostring(v)
end

-- What the painter reads of a product, its recipe's parts included.
local function picture_inputs(p, by_code)
  local parts = {}
  for _, r in ipairs(p.recipe or {}) do
    local part = by_code[r[1]]
    parts[#parts + 1] = { r[1], r[2], part and part.kind, part and part.colours, part and part.look,
                          part and part.filler }
  end
  return { p.code, p.kind, p.colours, p.look, parts }
end

local function sources_digest()
  local all = {}
  for _, rel in ipairs(SOURCES) do
    local src, err = fs.read(config.root .. "/" .. rel)
    if not src then return nil, err end
    all[#all + 1] = src
  end
  return crypto.sha256(table.concat(all, "\0"))
end

-- The fingerprint stored in a PNG's tEXt chunk, or nil.
local function stored_fingerprint(bytes)
  local pos = 9
  while pos + 8 <= #bytes do
    local len, kind = string.unpack(">I4c4", bytes, pos)
    if kind == "tEXt" then
      local body = bytes:sub(pos + 8, pos + 7 + len)
      local key, value = body:match("^([^%z]+)%z(.*)$")
      if key == TEXT_KEY then return value end
    elseif kind == "IDAT" or kind == "IEND" then
      return nil
    end
    pos = pos + 12 + len
  end
  return nil
end

local function mkdir(path)
  local ok, err, code = fs.mkdir(path)
  if ok or code == "eexist" then return true end
  return nil, err
end

-- Paints and writes every product's picture as needed.
function M.write_all(catalog, media_dir)
  local ok, err = mkdir(media_dir)
  if not ok then return nil, err end
  ok, err = mkdir(media_dir .. "/" .. M.DIR)
  if not ok then return nil, err end
  local digest
  digest, err = sources_digest()
  if not digest then return nil, err end
  local res = { written = {}, kept = 0 }
  for _, p in ipairs(catalog.products) do
    local path = M.path(media_dir, p.code)
    local fingerprint = crypto.hex(crypto.sha256(digest .. canonical(picture_inputs(p, catalog.by_code))))
    local old = fs.read(path)
    if old and stored_fingerprint(old) == fingerprint then
      res.kept = res.kept + 1
    else
      local w, h, pixels = paint.product(p, catalog.by_code)
      local bytes = png.encode(w, h, pixels, { text = { [TEXT_KEY] = fingerprint } })
      if bytes == old then
        res.kept = res.kept + 1
      else
        ok, err = fs.write(path, bytes)
        if not ok then return nil, err end
        res.written[#res.written + 1] = p.code
      end
      -- Seconds of CPU in all: let the loop breathe between pictures.
      coroutine.yield()
    end
  end
  return res
end

M.stored_fingerprint = stored_fingerprint

return M
