-- rules/pricing.lua — what an order costs: items, the peak-day surcharge,
-- a promo code, delivery by zone, and the rounding. The shop edits this
-- file; every word a customer reads is in templates/ (topic `rules`:
-- rules.zone.<code>, rules.district.<code>, rules.peak.<code>,
-- rules.pricing.<reason>). Amounts are integer tiyin (1 so'm = 100 tiyin).
--
-- The one function the app calls is
--
--   pricing.quote(input) -> q | nil, reason_key
--
--   input = { lines = { { id=, kind="product", count=, product = {id=, code=, kind=, price=} },
--                       { id=, kind="bouquet", count=1, stems = {{product=, count=}},
--                         extras = {{product=, count=}}, packaging = {code=, product=}|nil,
--                         ribbon = product|nil, card = product|nil } },
--             zone = "Z1"|nil, date = "YYYY-MM-DD"|nil (local delivery date),
--             promo = {code=, kind="percent"|"fixed", value=, min_total=}|nil }
--   q = { lines = { {id=, kind=, count=, unit=, amount=, parts = {{what="stem"|"extra"|
--             "packaging"|"ribbon"|"card", product_id=, count=, amount=}} } },
--         items = n, surcharge = {day=, percent=, amount=}|nil,
--         discount = {code=, amount=}|nil, delivery = {zone=, fee=, free=bool}|nil,
--         rounding = n (<= 0), total = n,
--         notes = {{key=, params=}} }   -- e.g. a promo below its minimum
--
-- The same q is shown in the cart, on the confirmation screen and to the
-- florist, and stored on the order: one object, so they never disagree.
-- The order of the sums, as the breakdown reads:
--   items                        the goods at normal prices
-- + surcharge                    peak day: percent of items
-- - discount                     promo: percent of items, or fixed; never below zero
-- + delivery fee                 by zone; free when the goods reach the zone's free_from
-- + rounding                     down to whole ROUND_TO (never up: see below)
-- = total

local money = require "money"

local SOM = 100   -- tiyin in one so'm, so that amounts below read as so'm

local M = {}

-- {======================================================================
-- Zones and districts (ILLUSTRATIVE: the owner confirms fees and borders)
-- =======================================================================

-- The shop's point: Labi-hovuz, Bukhara. Zones are rings around it.
M.SHOP = { lat = 39.7747, lon = 64.4179 }

-- Ordered from the centre out. max_km: the ring's outer edge (haversine
-- distance from the shop). free_from: goods (after surcharge and discount)
-- at or above this ride free; nil = never free.
M.ZONES = {
  { code = "Z1", max_km = 3,  fee = 15000 * SOM, free_from = 500000 * SOM },   -- old city
  { code = "Z2", max_km = 8,  fee = 25000 * SOM, free_from = 800000 * SOM },   -- the rest of the city
  { code = "Z3", max_km = 20, fee = 40000 * SOM },                              -- Kogon, Buxoro tumani
  { code = "Z4", max_km = 60, fee = 80000 * SOM },                              -- the province's towns
}
-- Beyond the last ring there is no delivery: zone_for answers nil.

-- Districts a customer may choose by name when they share no location pin.
-- The zone comes with the district: the customer never picks a fee.
M.DISTRICTS = {
  { code = "old_city",       zone = "Z1" },   -- Labi-hovuz, Ark, Poi-Kalyan
  { code = "city_centre",    zone = "Z2" },   -- Navoi avenue, the bazaar, the station road
  { code = "microdistricts", zone = "Z2" },   -- the microdistricts, the university
  { code = "kogon",          zone = "Z3" },   -- ~12 km
  { code = "galaosiyo",      zone = "Z3" },   -- Buxoro tumani, ~10 km
  { code = "jondor",         zone = "Z4" },   -- ~25 km
  { code = "vobkent",        zone = "Z4" },   -- ~30 km
  { code = "romitan",        zone = "Z4" },   -- ~30 km
  { code = "gijduvon",       zone = "Z4" },   -- ~45 km
  { code = "qorakol",        zone = "Z4" },   -- ~55 km
}

-- {======================================================================
-- Peak days
-- =======================================================================

-- Days when flowers cost more (R-P4) and deliveries are tighter (R-P5).
-- `day = "MM-DD"` repeats every year; `date = "YYYY-MM-DD"` is one year's
-- entry, for days that move (first school day, last bell: the owner adds
-- them when the school calendar is out). A dated entry wins over a yearly
-- one on the same day.
--   percent   surcharge on the items, whole percent
--   capacity  deliveries per slot that day (extra couriers), nil = normal
--   cutoff    same-day ordering stops at this local time, nil = normal
-- rules/slots.lua reads capacity and cutoff from here: one calendar.
M.PEAK_DAYS = {
  { day = "02-14", code = "feb14",        percent = 30, capacity = 12, cutoff = "14:00" },
  { day = "03-07", code = "march8_eve",   percent = 30, capacity = 12 },
  { day = "03-08", code = "march8",       percent = 50, capacity = 14, cutoff = "12:00" },
  { day = "03-21", code = "navruz",       percent = 20, capacity = 10 },
  { day = "10-01", code = "teachers_day", percent = 20, capacity = 12, cutoff = "14:00" },
  { day = "12-31", code = "new_year",     percent = 20, capacity = 10, cutoff = "14:00" },
  -- owner-edited, one year each (kun.uz / uzdaily.uz publish the dates)
  { date = "2025-09-02", code = "first_school_day", percent = 20, capacity = 12 },
  { date = "2026-05-25", code = "last_bell",        percent = 20, capacity = 12 },
  { date = "2026-09-02", code = "first_school_day", percent = 20, capacity = 12 },
}

-- {======================================================================
-- Rounding
-- =======================================================================

-- The total is rounded DOWN to whole 1 000 so'm: cash changes hands in
-- notes, couriers carry no coins, and rounding in the customer's favour
-- never makes a total larger than the breakdown above it. The breakdown
-- shows the rounding as its own (negative) line. A total smaller than one
-- step is left as it is (never rounded to nothing).
M.ROUND_TO = 1000 * SOM

-- {======================================================================
-- Small helpers
-- =======================================================================

local function is_count(n) return math.type(n) == "integer" and n >= 1 and n <= 10000 end
local function is_amount(n) return math.type(n) == "integer" and n >= 0 end

-- Percent of an amount, in whole tiyin, half up.
local function percent_of(amount, percent) return (amount * percent + 50) // 100 end

local function valid_date(date)
  if type(date) ~= "string" then return nil end
  local y, m, d = date:match("^(%d%d%d%d)-(%d%d)-(%d%d)$")
  if not y then return nil end
  m, d = tonumber(m), tonumber(d)
  if m < 1 or m > 12 or d < 1 or d > 31 then return nil end
  return true
end

function M.zone(code)
  for _, z in ipairs(M.ZONES) do
    if z.code == code then return z end
  end
  return nil
end

function M.district(code)
  for _, d in ipairs(M.DISTRICTS) do
    if d.code == code then return d end
  end
  return nil
end

-- The peak-day entry for a local date "YYYY-MM-DD", or nil.
function M.peak_day(date)
  if not valid_date(date) then return nil end
  local md = date:sub(6)
  local yearly
  for _, p in ipairs(M.PEAK_DAYS) do
    if p.date == date then return p end
    if p.day == md then yearly = yearly or p end
  end
  return yearly
end

-- Great-circle distance in km (haversine; the Earth as a sphere is within
-- 0.5 % here, far finer than a zone's edge).
local EARTH_KM = 6371.0
function M.distance_km(lat1, lon1, lat2, lon2)
  local r = math.pi / 180
  local dlat, dlon = (lat2 - lat1) * r, (lon2 - lon1) * r
  local a = math.sin(dlat / 2) ^ 2 + math.cos(lat1 * r) * math.cos(lat2 * r) * math.sin(dlon / 2) ^ 2
  return 2 * EARTH_KM * math.asin(math.min(1, math.sqrt(a)))
end

-- The zone of a shared location pin -> code, km; nil, reason when the pin
-- is beyond the last zone (or not a place at all).
function M.zone_for(lat, lon)
  if type(lat) ~= "number" or type(lon) ~= "number" or lat ~= lat or lon ~= lon
      or lat < -90 or lat > 90 or lon < -180 or lon > 180 then
    return nil, "rules.pricing.bad_location"
  end
  local km = M.distance_km(M.SHOP.lat, M.SHOP.lon, lat, lon)
  for _, z in ipairs(M.ZONES) do
    if km <= z.max_km then return z.code, km end
  end
  return nil, "rules.pricing.too_far"
end

-- {======================================================================
-- Lines
-- =======================================================================

local function price_of(product)
  if type(product) ~= "table" or not is_amount(product.price) then return nil end
  return product.price
end

local function part(what, product, count)
  local price = price_of(product)
  if not price then return nil end
  if not is_count(count) then return nil end
  return { what = what, product_id = product.id, count = count, amount = price * count }
end

-- The parts of a bouquet line with their amounts, or nil, reason.
local function bouquet_parts(line)
  local parts = {}
  if type(line.stems) ~= "table" or #line.stems == 0 then return nil, "rules.pricing.empty_bouquet" end
  for _, s in ipairs(line.stems) do
    local p = type(s) == "table" and part("stem", s.product, s.count)
    if not p then return nil, "rules.pricing.bad_line" end
    parts[#parts + 1] = p
  end
  for _, e in ipairs(type(line.extras) == "table" and line.extras or {}) do
    local p = type(e) == "table" and part("extra", e.product, e.count)
    if not p then return nil, "rules.pricing.bad_line" end
    parts[#parts + 1] = p
  end
  if line.packaging ~= nil then
    local p = type(line.packaging) == "table" and part("packaging", line.packaging.product, 1)
    if not p then return nil, "rules.pricing.bad_line" end
    p.code = line.packaging.code
    parts[#parts + 1] = p
  end
  for _, what in ipairs { "ribbon", "card" } do
    if line[what] ~= nil then
      local p = part(what, line[what], 1)
      if not p then return nil, "rules.pricing.bad_line" end
      parts[#parts + 1] = p
    end
  end
  return parts
end

local function quote_line(line)
  if type(line) ~= "table" then return nil, "rules.pricing.bad_line" end
  local count = line.count == nil and 1 or line.count
  if not is_count(count) then return nil, "rules.pricing.bad_count" end
  local unit, parts
  if line.kind == "product" then
    unit = price_of(line.product)
    if not unit then return nil, "rules.pricing.unknown_product" end
    parts = {}
  elseif line.kind == "bouquet" then
    local err
    parts, err = bouquet_parts(line)
    if not parts then return nil, err end
    unit = 0
    for _, p in ipairs(parts) do unit = unit + p.amount end
  else
    return nil, "rules.pricing.bad_line"
  end
  return { id = line.id, kind = line.kind, count = count, unit = unit, amount = unit * count, parts = parts }
end

-- {======================================================================
-- Promo, delivery, rounding
-- =======================================================================

-- A promo already checked in PostgreSQL (dates, uses). What is left here:
-- its minimum and its size. -> discount | nil, note
local function discount_of(promo, items, goods)
  if type(promo) ~= "table" or math.type(promo.value) ~= "integer" or promo.value <= 0 then
    return nil, { key = "rules.pricing.promo_bad" }
  end
  local min_total = math.type(promo.min_total) == "integer" and promo.min_total or 0
  if items < min_total then
    return nil, { key = "rules.pricing.promo_min_total", params = { min = money.format_som(min_total) } }
  end
  local amount
  if promo.kind == "percent" then
    amount = percent_of(items, math.min(promo.value, 100))
  elseif promo.kind == "fixed" then
    amount = promo.value
  else
    return nil, { key = "rules.pricing.promo_bad" }
  end
  amount = math.min(amount, goods)   -- never below zero; delivery is not discounted
  return { code = promo.code, kind = promo.kind, value = promo.value, amount = amount }
end

local function delivery_of(zone_code, goods)
  local z = M.zone(zone_code)
  if not z then return nil end
  local free = z.free_from ~= nil and goods >= z.free_from
  return { zone = z.code, fee = free and 0 or z.fee, free = free, free_from = z.free_from }
end

-- raw -> rounding (<= 0)
function M.rounding(raw)
  if math.type(raw) ~= "integer" or raw < M.ROUND_TO then return 0 end
  return -(raw % M.ROUND_TO)
end

-- {======================================================================
-- The quote
-- =======================================================================

function M.quote(input)
  if type(input) ~= "table" or type(input.lines) ~= "table" then return nil, "rules.pricing.bad_input" end
  local q = { lines = {}, items = 0, rounding = 0, total = 0, notes = {} }
  for _, line in ipairs(input.lines) do
    local l, err = quote_line(line)
    if not l then return nil, err end
    q.lines[#q.lines + 1] = l
    q.items = q.items + l.amount
  end
  if input.date ~= nil and not valid_date(input.date) then return nil, "rules.pricing.bad_date" end
  if input.zone ~= nil and not M.zone(input.zone) then return nil, "rules.pricing.unknown_zone" end

  local goods = q.items
  local peak = input.date and M.peak_day(input.date)
  if peak and peak.percent and peak.percent > 0 and q.items > 0 then
    q.surcharge = { day = peak.code, percent = peak.percent, amount = percent_of(q.items, peak.percent) }
    goods = goods + q.surcharge.amount
  end
  if input.promo ~= nil then
    local d, note = discount_of(input.promo, q.items, goods)
    if d then
      q.discount = d
      goods = goods - d.amount
    else
      q.notes[#q.notes + 1] = note
    end
  end
  local fee = 0
  if input.zone then
    q.delivery = delivery_of(input.zone, goods)
    fee = q.delivery.fee
  end
  local raw = goods + fee
  q.rounding = M.rounding(raw)
  q.total = raw + q.rounding
  return q
end

-- Every template key this file may hand out (the spec checks both
-- languages have them).
function M.keys()
  local keys = {
    "rules.pricing.bad_input", "rules.pricing.bad_line", "rules.pricing.bad_count",
    "rules.pricing.unknown_product", "rules.pricing.empty_bouquet", "rules.pricing.bad_date",
    "rules.pricing.unknown_zone", "rules.pricing.promo_bad", "rules.pricing.promo_min_total",
    "rules.pricing.bad_location", "rules.pricing.too_far",
  }
  for _, z in ipairs(M.ZONES) do keys[#keys + 1] = "rules.zone." .. z.code end
  for _, d in ipairs(M.DISTRICTS) do keys[#keys + 1] = "rules.district." .. d.code end
  for _, p in ipairs(M.PEAK_DAYS) do keys[#keys + 1] = "rules.peak." .. p.code end
  return keys
end

function M.selfcheck()
  local prev = 0
  for i, z in ipairs(M.ZONES) do
    if not z.code:match("^Z%d$") then return false, "ZONES[" .. i .. "] code" end
    if not (z.max_km > prev) then return false, "ZONES must grow outwards: " .. z.code end
    if not is_amount(z.fee) then return false, "ZONES " .. z.code .. " fee must be integer tiyin" end
    if z.free_from ~= nil and not is_amount(z.free_from) then return false, z.code .. " free_from" end
    prev = z.max_km
  end
  for _, d in ipairs(M.DISTRICTS) do
    if not M.zone(d.zone) then return false, "district " .. d.code .. " names no zone" end
  end
  for _, p in ipairs(M.PEAK_DAYS) do
    local ok = (p.day and p.day:match("^%d%d%-%d%d$")) or (p.date and valid_date(p.date))
    if not ok then return false, "peak day " .. tostring(p.code) .. " needs day MM-DD or date YYYY-MM-DD" end
    if math.type(p.percent) ~= "integer" or p.percent < 0 or p.percent > 500 then
      return false, "peak day " .. p.code .. " percent"
    end
    if p.cutoff and not p.cutoff:match("^%d%d:%d%d$") then return false, "peak day " .. p.code .. " cutoff" end
  end
  if M.zone_for(M.SHOP.lat, M.SHOP.lon) ~= "Z1" then return false, "the shop is not in Z1" end
  local q = M.quote { lines = { { id = "t", kind = "product", count = 2, product = { id = 1, price = 1500001 } } } }
  if not q or q.total ~= 3000000 or q.rounding ~= -2 then return false, "rounding self-test" end
  return true
end

return M
