-- scripts/shop/slot_book.lua — delivery windows as the customer sees them,
-- and booking one place in a window when the order is written.
--
-- rules/slots.lua decides which windows a day has, their capacity, the
-- cut-off and the lead time; PostgreSQL remembers how many places each
-- window has given away (delivery_slots.taken). Joined here:
--
--   slot_book.windows(date, now, {zone=, prep_minutes=})
--       -> { {start="09:00", ["end"]="12:00", capacity=, left=, open=, why=}, ... } | nil, err
--   slot_book.open_dates(now, {zone=, prep_minutes=})
--       -> { {date="YYYY-MM-DD", windows = {open windows}}, ... }   dates with a free window
--   slot_book.find(date, start, now, opts) -> window | nil, why   (why: "gone" or the rule's why)
--   slot_book.book(tx, date, start, end, capacity[, order_id]) -> slot_id | nil, "slot_full"
--       (with order_id, the same statement sets that order's slot_id)
--   slot_book.release(order[, tx])   -- on cancellation: the place back (order.slot_id)
--
-- Booking is one statement inside the order's transaction: the window's
-- row is made by the first booking (capacity copied from the rule) and
-- later ones add one to `taken` only while it is below the rule's capacity
-- of the moment (the owner may raise it for 8 March: it counts at once).
-- ON CONFLICT DO UPDATE locks the row and checks its WHERE against the
-- latest committed version, so concurrent bookings of one window queue on
-- it and the last place goes to exactly one of them; the others get no row
-- back and are told the window is full (R-S4). The row stays locked until
-- the order's COMMIT, so the order's transaction books its place last.
local pg = require "pg"
local log = require "log"
local rules = require "rules"

local M = {}

local function check(rows, err, code)
  if not rows then error(("slot_book: %s (%s)"):format(tostring(err), tostring(code)), 2) end
  return rows
end

-- Places given away per window start, for one or more dates:
-- { ["YYYY-MM-DD"] = { ["09:00"] = n } }.
local function taken_by_date(dates)
  local rows = check(pg.query([[SELECT to_char(date, 'YYYY-MM-DD') AS date,
                                       to_char(start_time, 'HH24:MI') AS start, taken
                                  FROM delivery_slots WHERE date = ANY($1::date[])]], pg.array(dates)))
  local by = {}
  for _, d in ipairs(dates) do by[d] = {} end
  for _, r in ipairs(rows) do
    by[r.date] = by[r.date] or {}
    by[r.date][r.start] = r.taken
  end
  return by
end

function M.taken(date) return taken_by_date({ date })[date] end

-- {======================================================================
-- The rule's answers, kept for the minute
-- =======================================================================

-- rules/slots.lua answers from the clock's minute (cut-offs, lead times),
-- the zone, the lead time of the cart and the places taken — nothing else.
-- Its date list walks every window of the next days, and the checkout asks
-- it on every date and time screen, which under load was a large share of
-- the engine's CPU (bench/README.md). So an answer is kept
-- until the minute changes, under a key of everything it depends on. The
-- lists are shared: callers read them, never change them.
local MEMO_MAX = 1000
local memo, memo_minute, memo_n = {}, nil, 0

local function remembered(key, now, compute)
  local minute = math.floor(now / 60)
  if minute ~= memo_minute or memo_n >= MEMO_MAX then
    memo, memo_minute, memo_n = {}, minute, 0
  end
  local hit = memo[key]
  if hit then return hit end
  local v, err = compute()
  if v then                         -- a failure is not kept: the next call asks again
    memo[key] = v
    memo_n = memo_n + 1
  end
  return v, err
end

local function taken_key(taken)
  local parts = {}
  for _, w in ipairs(rules.slots.WINDOWS) do parts[#parts + 1] = tostring(taken and taken[w.start] or 0) end
  return table.concat(parts, ",")
end

local function rule_windows(date, now, opts, taken)
  local key = ("w|%s|%s|%s|%s"):format(date, tostring(opts.zone), tostring(opts.prep_minutes), taken_key(taken))
  return remembered(key, now, function()
    local list, err, msg = rules.slots.windows(date, now, {
      zone = opts.zone, prep_minutes = opts.prep_minutes, taken = taken,
    })
    if not list then
      log.error("slots.windows failed", { date = date, err = err, msg = msg })
      return nil, err or "rule_failed"
    end
    return list
  end)
end

local function rule_dates(now, opts)
  local key = ("d|%s|%s"):format(tostring(opts.zone), tostring(opts.prep_minutes))
  return remembered(key, now, function()
    local dates = rules.slots.dates(now, { zone = opts.zone, prep_minutes = opts.prep_minutes })
    if type(dates) ~= "table" then return nil end
    return dates
  end)
end

function M.windows(date, now, opts)
  opts = opts or {}
  return rule_windows(date, now, opts, M.taken(date))
end

-- The next dates that still have a window open for this zone and lead
-- time, with those windows: one query for every date.
function M.open_dates(now, opts)
  opts = opts or {}
  local dates = rule_dates(now, opts)
  if not dates or #dates == 0 then return {} end
  local taken = taken_by_date(dates)
  local out = {}
  for _, date in ipairs(dates) do
    local list = rule_windows(date, now, opts, taken[date])
    local open = {}
    for _, w in ipairs(list or {}) do
      if w.open then open[#open + 1] = w end
    end
    if #open > 0 then out[#out + 1] = { date = date, windows = open } end
  end
  return out
end

-- The window starting at `start` on `date`, as the rules see it now, if it
-- is still open; nil and why not otherwise ("gone" when the day no longer
-- has such a window).
function M.find(date, start, now, opts)
  local list, err = M.windows(date, now, opts)
  if not list then return nil, err end
  for _, w in ipairs(list) do
    if w.start == start then
      if w.open then return w end
      return nil, w.why or "closed"
    end
  end
  return nil, "gone"
end

local BOOK = [[
  INSERT INTO delivery_slots AS s (date, start_time, end_time, capacity, taken)
  SELECT $1::date, $2::time, $3::time, $4::integer, 1 WHERE $4::integer > 0
  ON CONFLICT (date, start_time)
  DO UPDATE SET taken = s.taken + 1, capacity = EXCLUDED.capacity, end_time = EXCLUDED.end_time
          WHERE s.taken < EXCLUDED.capacity
  RETURNING id]]

-- The same, and the order's slot_id set in the one statement.
local BOOK_FOR = [[
  WITH slot AS (]] .. BOOK .. [[)
  UPDATE orders o SET slot_id = slot.id FROM slot WHERE o.id = $5 RETURNING slot.id]]

-- One place in the window, inside the caller's transaction `tx`.
function M.book(tx, date, start, finish, capacity, order_id)
  local got
  if order_id then
    got = check(tx:query(BOOK_FOR, date, start, finish, capacity, order_id))
  else
    got = check(tx:query(BOOK, date, start, finish, capacity))
  end
  if not got[1] then return nil, "slot_full" end
  return got[1].id
end

-- Gives the order's place back (a cancelled order). `order` is a row with
-- slot_id (or the slot id itself); `tx` the caller's transaction, if any.
-- Returns true when a place was given back.
function M.release(order, tx)
  local id = type(order) == "table" and order.slot_id or order
  if id == nil or id == pg.null then return false end
  local sql = "UPDATE delivery_slots SET taken = taken - 1 WHERE id = $1 AND taken > 0 RETURNING id"
  local rows
  if tx then rows = check(tx:query(sql, id)) else rows = check(pg.query(sql, id)) end
  return rows[1] ~= nil
end

return M
