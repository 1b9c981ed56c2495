-- rules/slots.lua — when the shop can deliver: dates, time windows, their
-- capacity and the cut-offs. The shop edits this file; the reasons a
-- customer reads are in templates/ (rules.slots.why.<why>).
--
--   slots.dates(now, opts) -> { "YYYY-MM-DD", ... }
--       the next DAYS_AHEAD days that may still have a slot (closed days,
--       and days where every window is past or cut off, are left out)
--   slots.windows(date, now, { zone=, prep_minutes=, taken = {["09:00"] = n} })
--       -> { {start="09:00", ["end"]="12:00", capacity=8, left=, open=bool,
--             why="past"|"cutoff"|"full"|"closed"|"zone"|nil} }
--   slots.local_date(now), slots.local_time(now), slots.UTC_OFFSET
--
-- `now` is UTC epoch seconds. The shop works in Bukhara local time,
-- Asia/Tashkent = UTC+5 all year (Uzbekistan has had no daylight saving
-- since 1992), so a fixed offset is exact and the rule needs no tz data.
-- Capacity is taken in PostgreSQL when an order is placed (delivery_slots
-- .taken); this file only says how many places a window has.
local pricing = require "pricing"   -- the peak-day calendar (one calendar for prices and slots)

local M = {}

M.UTC_OFFSET = 5 * 3600   -- Asia/Tashkent, no DST

-- Delivery windows, local time (R-S6: 3-hour windows).
M.WINDOWS = {
  { start = "09:00", ["end"] = "12:00" },
  { start = "12:00", ["end"] = "15:00" },
  { start = "15:00", ["end"] = "18:00" },
  { start = "18:00", ["end"] = "21:00" },
}

-- Deliveries per window: couriers × trips per window (2 × 4). Peak days
-- raise it (rules/pricing.lua PEAK_DAYS capacity).
M.CAPACITY = 8

-- A window is offered only if it starts at least this long after now, or
-- after the bouquet's own preparation time when that is longer (R-S3).
M.LEAD_MINUTES = 120

-- No same-day order after this local time, by ISO weekday (1 = Monday) (R-S2).
M.SAME_DAY_CUTOFF = { "18:00", "18:00", "18:00", "18:00", "18:00", "16:00", "16:00" }

-- Morning windows (starting before `before`) of the next day need the order
-- by `order_by` the day before: the florists prepare them in the evening.
M.NEXT_MORNING = { before = "12:00", order_by = "18:00" }

-- Days with no deliveries at all: "MM-DD" every year, or one "YYYY-MM-DD".
M.CLOSED_DAYS = { "01-01" }

-- How many days are offered, today included.
M.DAYS_AHEAD = 7

-- Zones further out (rules/pricing.lua ZONES): Z3 takes same-day orders
-- only until 16:00; Z4 is delivered from the next day on (the courier
-- plans the trip).
M.ZONE_RULES = {
  Z3 = { same_day_until = "16:00" },
  Z4 = { min_days_ahead = 1 },
}

-- {======================================================================
-- Calendar arithmetic (proleptic Gregorian, days since 1970-01-01)
-- =======================================================================

-- Howard Hinnant's days_from_civil: exact for any year, no tables.
local function days_from_civil(y, m, d)
  y = m <= 2 and y - 1 or y
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

local function civil_from_days(z)
  z = z + 719468
  local era = (z >= 0 and z or z - 146096) // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  return m <= 2 and y + 1 or y, m, d
end

local function format_date(days)
  local y, m, d = civil_from_days(days)
  return ("%04d-%02d-%02d"):format(y, m, d)
end

-- "YYYY-MM-DD" -> days since the epoch, or nil for anything else
-- (including 2026-02-30).
local function parse_date(date)
  if type(date) ~= "string" then return nil end
  local y, m, d = date:match("^(%d%d%d%d)-(%d%d)-(%d%d)$")
  if not y then return nil end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m < 1 or m > 12 or d < 1 or d > 31 then return nil end
  local days = days_from_civil(y, m, d)
  if format_date(days) ~= date then return nil end
  return days
end

-- "HH:MM" -> minutes after midnight
local function minutes(hhmm)
  local h, m = hhmm:match("^(%d%d):(%d%d)$")
  return tonumber(h) * 60 + tonumber(m)
end

local function valid_now(now) return type(now) == "number" and now == now and now > 0 and now < 1e11 end

-- Local day number and minute of the day.
local function local_clock(now)
  local t = math.floor(now) + M.UTC_OFFSET
  return t // 86400, (t % 86400) // 60
end

function M.local_date(now)
  if not valid_now(now) then return nil end
  local day = local_clock(now)
  return format_date(day)
end

function M.local_time(now)
  if not valid_now(now) then return nil end
  local _, min = local_clock(now)
  return ("%02d:%02d"):format(min // 60, min % 60)
end

-- ISO weekday of a date: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday).
function M.weekday(date)
  local days = parse_date(date)
  if not days then return nil end
  return (days + 3) % 7 + 1
end

-- date + n days
function M.add_days(date, n)
  local days = parse_date(date)
  if not days or math.type(n) ~= "integer" then return nil end
  return format_date(days + n)
end

-- UTC epoch seconds of local "HH:MM" on a date (the checkout stores times).
function M.epoch(date, hhmm)
  local days = parse_date(date)
  if not days or type(hhmm) ~= "string" or not hhmm:match("^%d%d:%d%d$") then return nil end
  return days * 86400 + minutes(hhmm) * 60 - M.UTC_OFFSET
end

function M.is_closed(date, closed)
  for _, c in ipairs(closed or M.CLOSED_DAYS) do
    if c == date or c == date:sub(6) then return true end
  end
  return false
end

-- {======================================================================
-- Windows
-- =======================================================================

-- Why a window cannot be booked, or nil when it can (capacity aside).
-- day/now_day are day numbers, now_min the local minute of now.
local function closed_why(date, day, now_day, now_min, w, opts, peak)
  if day - now_day >= M.DAYS_AHEAD then return "closed" end
  if M.is_closed(date, opts.closed) then return "closed" end
  local start = minutes(w.start)
  if day < now_day or (day == now_day and start <= now_min) then return "past" end
  local zr = opts.zone and M.ZONE_RULES[opts.zone]
  if zr then
    if zr.min_days_ahead and day - now_day < zr.min_days_ahead then return "zone" end
    if zr.same_day_until and day == now_day and now_min >= minutes(zr.same_day_until) then return "zone" end
  end
  if day == now_day then
    local cutoff = (peak and peak.cutoff) or M.SAME_DAY_CUTOFF[M.weekday(date)]
    if now_min >= minutes(cutoff) then return "cutoff" end
  end
  if day == now_day + 1 and start < minutes(M.NEXT_MORNING.before)
      and now_min >= minutes(M.NEXT_MORNING.order_by) then
    return "cutoff"
  end
  local prep = math.type(opts.prep_minutes) == "integer" and opts.prep_minutes or 0
  local lead = math.max(M.LEAD_MINUTES, prep)
  if (day - now_day) * 1440 + start < now_min + lead then return "cutoff" end
  return nil
end

function M.windows(date, now, opts)
  opts = type(opts) == "table" and opts or {}
  local day = parse_date(date)
  if not day then return {}, "rules.slots.bad_date" end
  if not valid_now(now) then return {}, "rules.slots.bad_time" end
  local now_day, now_min = local_clock(now)
  local peak = pricing.peak_day(date)
  local capacity = (peak and peak.capacity) or M.CAPACITY
  local taken = type(opts.taken) == "table" and opts.taken or {}
  local list = {}
  for _, w in ipairs(M.WINDOWS) do
    local used = math.tointeger(taken[w.start]) or 0
    local left = math.max(0, capacity - math.max(0, used))
    local why = closed_why(date, day, now_day, now_min, w, opts, peak)
    if not why and left == 0 then why = "full" end
    list[#list + 1] = { start = w.start, ["end"] = w["end"], capacity = capacity, left = left,
                        open = why == nil, why = why }
  end
  return list
end

-- The window starting at `start` on a date, as windows() gives it, or nil.
function M.window(date, start, now, opts)
  for _, w in ipairs(M.windows(date, now, opts)) do
    if w.start == start then return w end
  end
  return nil
end

-- The next DAYS_AHEAD days (today first) that may still have a slot.
-- Fullness is not known here (the caller reads taken per date), so a day
-- is listed when some window is open or only full.
function M.dates(now, opts)
  opts = type(opts) == "table" and opts or {}
  if not valid_now(now) then return {}, "rules.slots.bad_time" end
  local today = local_clock(now)
  local list = {}
  for i = 0, M.DAYS_AHEAD - 1 do
    local date = format_date(today + i)
    local o = { zone = opts.zone, prep_minutes = opts.prep_minutes, closed = opts.closed }
    for _, w in ipairs(M.windows(date, now, o)) do
      if w.open or w.why == "full" then list[#list + 1] = date; break end
    end
  end
  return list
end

-- Every template key this file may hand out.
function M.keys()
  return { "rules.slots.bad_date", "rules.slots.bad_time", "rules.slots.why.past",
           "rules.slots.why.cutoff", "rules.slots.why.full", "rules.slots.why.closed",
           "rules.slots.why.zone", "rules.slots.window" }
end

function M.selfcheck()
  if #M.SAME_DAY_CUTOFF ~= 7 then return false, "SAME_DAY_CUTOFF needs 7 weekdays" end
  for _, w in ipairs(M.WINDOWS) do
    if not (w.start:match("^%d%d:%d%d$") and w["end"]:match("^%d%d:%d%d$")) then
      return false, "window times are HH:MM"
    end
    if minutes(w["end"]) <= minutes(w.start) then return false, "window " .. w.start .. " ends before it starts" end
  end
  if math.type(M.CAPACITY) ~= "integer" or M.CAPACITY < 1 then return false, "CAPACITY" end
  if format_date(days_from_civil(2024, 2, 29)) ~= "2024-02-29" then return false, "calendar arithmetic" end
  if M.weekday("2026-03-08") ~= 7 then return false, "weekday arithmetic" end
  if M.local_date(1772391600) ~= "2026-03-02" then return false, "UTC offset" end
  return true
end

return M
