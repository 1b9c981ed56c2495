-- devkit/seed/catalog.lua — the demo catalog as one value: the category
-- tree and every product with its kind, read from the data files beside
-- this one. No I/O (the data files are plain tables).
--
--   local catalog = require("devkit.seed.catalog").load()
--   catalog.categories   -- array, parents before children
--   catalog.products     -- array: stems, then compositions, then extras
--   catalog.by_code      -- code -> product
local M = {}

local SOURCES = {
  { module = "devkit.seed.stems", kind = "stem" },
  { module = "devkit.seed.compositions", kind = "composition" },
  { module = "devkit.seed.extras", kind = "extra" },
}

-- Fresh tables every time: the seed and the specs may change what they get
-- (a spec breaks a copy on purpose) without touching the loaded modules.
local function copy(v)
  if type(v) ~= "table" then return v end
  local t = {}
  for k, x in pairs(v) do t[k] = copy(x) end
  return t
end

function M.load()
  local products, by_code = {}, {}
  for _, src in ipairs(SOURCES) do
    for _, p in ipairs(require(src.module)) do
      local item = copy(p)
      item.kind = src.kind
      products[#products + 1] = item
      by_code[item.code] = item
    end
  end
  return { categories = copy(require "devkit.seed.categories"), products = products, by_code = by_code }
end

return M
