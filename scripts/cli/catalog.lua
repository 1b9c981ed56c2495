-- scripts/cli/catalog.lua — the body of `guldasta catalog export|import`
-- (DESIGN.md §2):
--
--   guldasta catalog export [FILE]          the products as CSV; standard output without FILE
--   guldasta catalog import FILE [--apply]  products added and changed from CSV
--
-- The columns and what an import may do are shop/catalog_csv.lua's (and
-- README.md's "Catalog CSV"). Every line is printed with what it would
-- change or why it is refused; without --apply nothing changes; with it,
-- all of it in one transaction or nothing, each change an audit_log row.
-- The last line is "N changed, N unchanged, N refused". Exit 1 when a line
-- is refused (then nothing is applied) or the file cannot be read as CSV.
local cli = require "lib.cli"
local catalog_csv = require "shop.catalog_csv"

local failed = cli.failer("catalog")
local USAGE = "usage: guldasta catalog export [FILE] | guldasta catalog import FILE [--apply]"

local args = { ... }

local REASONS = {
  no_code = function() return "no code" end,
  duplicate = function(p) return ("duplicate code (first on line %d)"):format(p.first) end,
  missing = function(p) return ("%s is needed"):format(p.field) end,
  bad_kind = function() return "kind must be stem, composition or extra" end,
  bad_price = function() return "price_som is not a whole number of som" end,
  bad_flag = function(p) return ("%s must be 1 or 0"):format(p.field) end,
  unknown_category = function() return "unknown category_code" end,
  bad_mxik = function() return "mxik_code must be 17 digits" end,
  bad_package = function() return "package_code must be digits" end,
}

local function show(v)
  if v == nil or v == "" then return "(empty)" end
  if type(v) == "boolean" then return v and "1" or "0" end
  return tostring(v)
end

local function describe(r)
  if r.status == "refused" then return cli.refused_line(r, REASONS) end
  if r.status == "unchanged" then return ("line %d: %s: unchanged"):format(r.line, r.code) end
  if r.new then return ("line %d: %s: new product (%s)"):format(r.line, r.code, table.concat(r.fields, ", ")) end
  local parts = {}
  for _, f in ipairs(r.fields) do parts[#parts + 1] = ("%s %s -> %s"):format(f, show(r.before[f]), show(r.after[f])) end
  return ("line %d: %s: %s"):format(r.line, r.code, table.concat(parts, ", "))
end

local function export(file)
  local text, n = catalog_csv.export()
  return cli.write_export(failed, "catalog", file, text, n, "products")
end

local function import(file, apply)
  local parsed = cli.read_csv(failed, file)
  if not parsed then return end
  local results, totals, applied
  if apply then results, totals, applied = catalog_csv.apply(nil, parsed)
  else results, totals = catalog_csv.plan(parsed) end
  if not results then
    if totals == "missing_code_column" then
      return failed(file, ": line 1 must name the column code (", table.concat(parsed.header, parsed.delim), "); nothing changed")
    end
    return failed(file, ": ", tostring(totals), "; nothing applied")
  end
  for _, r in ipairs(results) do cli.say(describe(r)) end
  if apply then
    io.stderr:write(applied and "catalog: applied\n" or "catalog: a line is refused; nothing applied\n")
  end
  cli.totals(totals, apply, applied)
end

return cli.export_import(args, failed, USAGE, export, import)
