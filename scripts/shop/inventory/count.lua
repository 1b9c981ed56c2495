-- scripts/shop/inventory/count.lua — a whole stock count at once (the
-- CSV of `guldasta stock import`): what each line would change, and
-- applying all of it in one transaction or nothing.
--
--   count.plan(lines) -> results, totals
--       lines = { { line =, code =, on_hand = "text", threshold = "text" | nil }, ... }
--       results[i] = { line =, code =, status = "changed" | "unchanged" | "refused",
--                      reason = key, params =, product_id =, on_hand = {before, after},
--                      threshold = {before, after} | nil }
--       totals = { changed =, unchanged =, refused = }
--       Refusal keys (stock.refused.csv.*): unknown_code, not_whole,
--       below_zero, below_reserved ({ reserved = }), duplicate ({ first = line }).
--   count.lines(parsed) -> lines | nil
--       lib/csv.lua's parse() as the lines above; nil when the header
--       does not name code and on_hand (threshold optional, the rest
--       informative)
--   count.apply(actor, lines, note) -> results, totals, applied[, error_key]
--       the plan; when nothing is refused, every change in one
--       transaction: each change of on_hand an inventory_log 'correction'
--       row with `note` (the file's name), a threshold set as it says.
--       A line refused then (stock moved since the plan) refuses it all:
--       applied is false and nothing changed.
--
-- A count applied from the shop's shell is the shop's own authority: it is
-- not split into proposals for the owner as the bot's large corrections are.
local pg = require "pg"
local stock = require "shop.stock"
local move = require "shop.inventory.move"
local store = require "shop.inventory.store"

local M = {}

local function whole(s)
  if type(s) ~= "string" then return nil end
  s = s:match("^%s*(.-)%s*$")
  if not s:match("^[-+]?%d+$") or #s > 9 then return nil end
  return math.tointeger(tonumber(s))
end

local BY_CODES = [[SELECT p.id, p.code, coalesce(s.on_hand, 0) AS on_hand, coalesce(s.threshold, 0) AS threshold
                     FROM products p LEFT JOIN stock s ON s.product_id = p.id
                    WHERE p.code = ANY($1::text[])]]

local function refuse(r, key, params)
  r.status, r.reason, r.params = "refused", "stock.refused.csv." .. key, params
  return r
end

local function column(header, name)
  for i, h in ipairs(header) do
    if h:lower() == name then return i end
  end
end

function M.lines(parsed)
  local c_code, c_on_hand = column(parsed.header, "code"), column(parsed.header, "on_hand")
  local c_threshold = column(parsed.header, "threshold")
  if not (c_code and c_on_hand) then return nil end
  local lines = {}
  for i, row in ipairs(parsed.rows) do
    local f = row.fields
    lines[i] = { line = row.line, code = f[c_code] or "", on_hand = f[c_on_hand] or "",
                 threshold = c_threshold and (f[c_threshold] or "") or nil }
  end
  return lines
end

function M.plan(lines)
  local codes = {}
  for _, l in ipairs(lines) do
    if type(l.code) == "string" and l.code ~= "" then codes[#codes + 1] = l.code end
  end
  local rows = store.check(pg.query(BY_CODES, pg.array(codes)))
  local known = {}
  for _, r in ipairs(rows) do known[r.code] = r end
  local results, totals, first = {}, { changed = 0, unchanged = 0, refused = 0 }, {}
  for i, l in ipairs(lines) do
    local code = type(l.code) == "string" and l.code:match("^%s*(.-)%s*$") or ""
    local r = { line = l.line, code = code }
    results[i] = r
    local p = known[code]
    local n, th = whole(l.on_hand), nil
    if l.threshold ~= nil and l.threshold:match("%S") then th = whole(l.threshold) end
    if first[code] then refuse(r, "duplicate", { first = first[code] })
    elseif not p then refuse(r, "unknown_code")
    elseif not n or (l.threshold ~= nil and l.threshold:match("%S") and not th) then refuse(r, "not_whole")
    elseif n < 0 or (th and th < 0) then refuse(r, "below_zero")
    else
      r.product_id = p.id
      r.on_hand = { p.on_hand, n }
      if th and th ~= p.threshold then r.threshold = { p.threshold, th } end
      local reserved = n < p.on_hand and stock.reserved(p.id) or 0
      if n < p.on_hand and n < reserved then
        refuse(r, "below_reserved", { reserved = reserved })
      else
        r.status = (n ~= p.on_hand or r.threshold) and "changed" or "unchanged"
      end
    end
    if code ~= "" and not first[code] then first[code] = l.line end
    totals[r.status] = totals[r.status] + 1
  end
  return results, totals
end

local function body(tx, touched, actor, results, note)
  local changes = {}
  for _, r in ipairs(results) do
    if r.status == "changed" then changes[#changes + 1] = r end
  end
  -- every row locked at once, in product order (store.lock_many), so that
  -- two counts never wait for each other's locks
  local ids = {}
  for i, r in ipairs(changes) do ids[i] = r.product_id end
  local locked = #ids > 0 and store.lock_many(tx, ids) or {}
  table.sort(changes, function(a, b) return a.product_id < b.product_id end)
  for _, r in ipairs(changes) do
    local p = locked[r.product_id]
    if not p then error({ refused = "stock.refused.csv.unknown_code", params = { line = r.line } }, 0) end
    local delta = r.on_hand[2] - p.on_hand
    if delta ~= 0 then
      local ok, err = pcall(move.apply, tx, r.product_id, delta,
        { reason = "correction", actor_id = actor and actor.id, note = note }, touched, p)
      if not ok then
        if type(err) == "table" and err.refused then
          local kind = err.refused == "stock.refused.below_reserved" and "below_reserved" or "below_zero"
          local params = { line = r.line, reserved = err.params and err.params.reserved }
          error({ refused = "stock.refused.csv." .. kind, params = params }, 0)
        end
        error(err, 0)
      end
    end
    if r.threshold then
      touched[#touched + 1] = r.product_id
      store.check(tx:query("UPDATE stock SET threshold = $2, updated_at = now() WHERE product_id = $1",
        r.product_id, r.threshold[2]))
    end
  end
  return true
end

function M.apply(actor, lines, note)
  local results, totals = M.plan(lines)
  if totals.refused > 0 then return results, totals, false end
  local res, key, params = move.run(function(tx, touched) return body(tx, touched, actor, results, note) end)
  if res then return results, totals, true end
  if not (params and params.line) then return results, totals, false, key end
  -- a line refused under the locks (stock moved since the plan): say which
  for _, r in ipairs(results) do
    if params and r.line == params.line then
      totals[r.status] = totals[r.status] - 1
      refuse(r, key:match("[^.]+$"), params)
      totals.refused = totals.refused + 1
    end
  end
  return results, totals, false
end

return M
