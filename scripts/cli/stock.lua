-- scripts/cli/stock.lua — the body of `guldasta stock export|import`
-- (DESIGN.md §2):
--
--   guldasta stock export [FILE]          the stock as CSV; standard output without FILE
--   guldasta stock import FILE [--apply]  a stock count from CSV
--
-- Export: UTF-8 with a BOM, `;` between fields, CRLF, the columns
-- code;name_ru;on_hand;threshold, one line per product with a stock row,
-- by code. Import (scripts/lib/csv.lua reads BOM or none, `;` or `,`,
-- CRLF or LF, RFC 4180 quoting): the header names the columns (code and
-- on_hand required, threshold optional, name_ru and others informative).
-- Every line is printed with what it would change or why it is refused;
-- without --apply nothing changes; with it, all of it in one transaction
-- or nothing (shop/inventory/count.lua): each change of on_hand an
-- inventory_log 'correction' row whose note names the file. The last line
-- is "N changed, N unchanged, N refused". Exit 1 when a line is refused
-- (then nothing is applied) or the file cannot be read as CSV.
local pg = require "pg"
local csv = require "lib.csv"
local cli = require "lib.cli"
local count = require "shop.inventory.count"

local failed = cli.failer("stock")
local USAGE = "usage: guldasta stock export [FILE] | guldasta stock import FILE [--apply]"

local args = { ... }

local REASONS = {
  unknown_code = function() return "unknown code" end,
  not_whole = function() return "not a whole number" end,
  below_zero = function() return "below zero" end,
  below_reserved = function(p) return ("below what is reserved (%d reserved)"):format(p.reserved or 0) end,
  duplicate = function(p) return ("duplicate code (first on line %d)"):format(p.first) end,
}

local function export(file)
  local rows, err, code = pg.query([[
    SELECT p.code, p.name_ru, s.on_hand, s.threshold
      FROM stock s JOIN products p ON p.id = s.product_id
     WHERE p.code IS NOT NULL ORDER BY p.code]])
  if not rows then return failed("reading stock: ", tostring(err), " (", tostring(code), ")") end
  local out = { { "code", "name_ru", "on_hand", "threshold" } }
  for _, r in ipairs(rows) do out[#out + 1] = { r.code, r.name_ru, r.on_hand, r.threshold } end
  return cli.write_export(failed, "stock", file, csv.BOM .. csv.format(out, ";"), #rows, "products")
end

local function describe(r)
  if r.status == "refused" then return cli.refused_line(r, REASONS) end
  if r.status == "unchanged" then return ("line %d: %s: unchanged (%d)"):format(r.line, r.code, r.on_hand[1]) end
  local parts = {}
  if r.on_hand[1] ~= r.on_hand[2] then parts[#parts + 1] = ("on_hand %d -> %d"):format(r.on_hand[1], r.on_hand[2]) end
  if r.threshold then parts[#parts + 1] = ("threshold %d -> %d"):format(r.threshold[1], r.threshold[2]) end
  return ("line %d: %s: %s"):format(r.line, r.code, table.concat(parts, ", "))
end

local function import(file, apply)
  local parsed = cli.read_csv(failed, file)
  if not parsed then return end
  local lines = count.lines(parsed)
  if not lines then
    return failed(file, ": line 1 must name the columns code and on_hand (", table.concat(parsed.header, parsed.delim),
      "); nothing changed")
  end
  local results, totals, applied, ekey
  if apply then
    local name = file:match("[^/]+$") or file
    results, totals, applied, ekey = count.apply(nil, lines, "stock import: " .. name)
  else
    results, totals = count.plan(lines)
  end
  for _, r in ipairs(results) do cli.say(describe(r)) end
  if apply then
    if applied then io.stderr:write("stock: applied\n")
    elseif ekey then io.stderr:write("stock: the database refused the count (", ekey, "); nothing applied\n")
    else io.stderr:write("stock: a line is refused; nothing applied\n") end
  end
  cli.totals(totals, apply, applied)
end

return cli.export_import(args, failed, USAGE, export, import)
