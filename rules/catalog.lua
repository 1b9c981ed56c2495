-- rules/catalog.lua — how the catalog is shown to customers: the shop edits
-- this file. Every word a customer reads is in templates/ (the keys named
-- here); amounts are tiyin (1 so'm = 100 tiyin).

local SOM = 100   -- tiyin in one so'm, so that prices below read as so'm

local M = {}

-- Buttons per page in a list of categories or products. Telegram allows
-- 100 buttons, but a phone screen shows about eight without scrolling.
M.PAGE_SIZE = 8

-- Search results shown per page (the same screen, so the same size).
M.SEARCH_PAGE_SIZE = 8

-- Longest search query we look at, in characters; longer text is cut.
M.SEARCH_MAX_CHARS = 60

-- Price ranges offered by the price filter, cheapest first. `min` is
-- inclusive, `max` exclusive; a missing bound is open. The button reads
-- templates' filter.price_upto / price_between / price_from.
M.PRICE_RANGES = {
  { max = 150000 * SOM },
  { min = 150000 * SOM, max = 300000 * SOM },
  { min = 300000 * SOM, max = 600000 * SOM },
  { min = 600000 * SOM },
}

-- Colours offered by the colour filter, in this order. Each needs
-- templates' colour.<code>; a product matches when its colour field names
-- the code ("red", "red-white", "white, dark red" all match "red").
M.COLOURS = { "red", "white", "pink", "yellow", "orange", "blue", "purple", "peach", "mixed" }

-- Occasions offered by the occasion filter (products carry the codes in
-- `occasions`). Each needs templates' occasion.<code>.
M.OCCASIONS = {
  "march8", "birthday", "love", "wedding", "anniversary", "mother",
  "teachers_day", "graduation", "newborn", "thanks", "apology", "corporate",
}

-- What the filters (colour, occasion, VIP, price) choose from: flowers and
-- bouquets, the things given. Extras (ribbons, wrapping, cards) go with a
-- bouquet; they are found in their category, by search and in the
-- constructor, and a white ribbon is no answer to "white flowers".
M.FILTER_KINDS = { stem = true, composition = true }

-- Words that mean the same thing across the two languages, as search keys
-- (see scripts/bot/normalize.lua: Cyrillic is already in Latin letters).
-- Typing any word of a group also finds the others.
M.SYNONYMS = {
  { "roza", "atirgul" },
  { "tyulpan", "lola" },
  { "gvozdika", "chinnigul" },
  { "buket", "guldasta" },
  { "korzina", "savat" },
  { "korobka", "quti" },
}

-- A product's photo sent to the bot (/product_new): at most this many
-- bytes fetched (Telegram's own photos are well under it). The shop keeps
-- it as its own file, as the seeded pictures are.
M.PHOTO_MAX_BYTES = 10 * 1024 * 1024

-- Which price range (index into PRICE_RANGES) a price falls in, or nil.
function M.price_range(tiyin)
  for i, r in ipairs(M.PRICE_RANGES) do
    if (not r.min or tiyin >= r.min) and (not r.max or tiyin < r.max) then return i end
  end
  return nil
end

function M.selfcheck()
  if math.type(M.PAGE_SIZE) ~= "integer" or M.PAGE_SIZE < 1 or M.PAGE_SIZE > 20 then
    return false, "PAGE_SIZE must be 1..20"
  end
  if math.type(M.PHOTO_MAX_BYTES) ~= "integer" or M.PHOTO_MAX_BYTES < 1 then
    return false, "PHOTO_MAX_BYTES must be a positive whole number"
  end
  local prev
  for i, r in ipairs(M.PRICE_RANGES) do
    if r.min and r.max and r.min >= r.max then return false, "PRICE_RANGES[" .. i .. "] is empty" end
    if prev and r.min ~= prev then return false, "PRICE_RANGES must touch: check range " .. i end
    prev = r.max
  end
  for _, list in ipairs { M.COLOURS, M.OCCASIONS } do
    for _, code in ipairs(list) do
      if not code:match("^[a-z0-9_]+$") then return false, "bad code " .. code end
    end
  end
  return true
end

return M
