-- spec/docs_schema_spec.lua — the ER diagram of docs/schema.md cannot drift
-- from the migrations. The project's migrations/ are applied by `guldasta
-- migrate`, run as an operator runs it, to a database of their own
-- (guldasta_docs_schema_spec, in the test run's PostgreSQL): the test run's
-- own database also holds what other specs create for a while, and the
-- diagram is of what the migrations make, nothing else. Its catalog
-- (information_schema.columns, pg_constraint) is then compared with the
-- diagram by spec/support/schema_doc.lua: every table and column with a
-- compatible type and its PK/FK/UK marks, nothing in the diagram that the
-- database lacks, and every foreign key drawn as a relationship with the
-- right ends. A failure lists each difference, e.g.
--   orders.bouquet_photo is in the database but not in docs/schema.md
--
--   build/asan/guldasta-dev run spec/runner.lua spec/docs_schema_spec.lua
local pg = require "pg"
local fs = require "fs"
local json = require "json"
local config = require "config"
local engine = require "engine"
local proc = require "proc"
local schema_doc = require "support.schema_doc"

local DB = "guldasta_docs_schema_spec"
local url = os.getenv("DATABASE_URL") or ""
-- postgresql://user@host:port/guldasta?x=y -> .../guldasta_docs_schema_spec?x=y
local spec_url = url:match("^postgres") and (url:gsub("/[^/?]*(%??[^/]*)$", "/" .. DB .. "%1")) or nil

-- Runs the engine binary against the spec's database.
local function guldasta(args)
  local argv = { engine.executable() }
  for _, a in ipairs(args) do argv[#argv + 1] = a end
  local r = assert(proc.run(argv, { cwd = config.root, env = { DATABASE_URL = spec_url, MIGRATIONS_DIR = false },
                                    timeout = 120 }))
  assert(r.code == 0, table.concat(args, " ") .. " failed: " .. r.stderr)
  return r
end

-- The catalog of the migrated database, read by a child engine (this
-- process's pool belongs to the test run's database).
local function catalog(tmp)
  local file = tmp .. "/catalog.lua"
  assert(fs.write(file, string.format([[
    local pg, json = require "pg", require "json"
    io.stdout:write(json.encode { columns = assert(pg.query(%q)), constraints = assert(pg.query(%q)) })
  ]], schema_doc.CATALOG_SQL.columns, schema_doc.CATALOG_SQL.constraints)))
  return json.decode(guldasta({ "run", file }).stdout)
end

describe("docs/schema.md", function()
  local db, text, tmp

  setup(function()
    assert(spec_url, "DATABASE_URL must be a postgresql:// URL")
    tmp = assert(proc.run({ "mktemp", "-d" })).stdout:gsub("%s+$", "")
    assert(pg.query("DROP DATABASE IF EXISTS " .. DB .. " WITH (FORCE)"))
    assert(pg.query("CREATE DATABASE " .. DB))
    guldasta({ "migrate" })
    db = catalog(tmp)
    text = assert(fs.read(config.root .. "/" .. schema_doc.DOC))
  end)

  teardown(function()
    if tmp then proc.run({ "rm", "-rf", tmp }) end
    if spec_url then pg.query("DROP DATABASE IF EXISTS " .. DB .. " WITH (FORCE)") end
  end)

  it("draws every table, column, key and foreign key the migrations make, and nothing else", function()
    assert.is_true(#db.columns > 0 and #db.constraints > 0, "the migrated database has no tables")
    local drift = schema_doc.compare(schema_doc.parse(text), db)
    assert(#drift == 0, "\n" .. schema_doc.DOC .. " has drifted from migrations/*.sql:\n  "
                        .. table.concat(drift, "\n  ") .. "\n")
  end)

  -- The comparison on the real page and the real database, with one thing
  -- taken out or changed: each must be named as it is. What the page gets
  -- wrong already is the test above's to report, so it is left out here.
  local function drift_after(from, to)
    local s, e = text:find(from, 1, true)
    assert(s, "the page no longer has " .. from)
    local known = {}
    for _, d in ipairs(schema_doc.compare(schema_doc.parse(text), db)) do known[d] = true end
    local new = {}
    for _, d in ipairs(schema_doc.compare(schema_doc.parse(text:sub(1, s - 1) .. to .. text:sub(e + 1)), db)) do
      if not known[d] then new[#new + 1] = d end
    end
    return new
  end

  -- The page's line number of the first line starting with `from`.
  local function line_of(from)
    return select(2, text:sub(1, text:find(from, 1, true)):gsub("\n", "")) + 1
  end

  it("names a column missing from the diagram", function()
    assert.are.same({ "orders.bouquet_photo is in the database but not in docs/schema.md" },
                    drift_after('        text bouquet_photo "file_id"\n', ""))
  end)

  it("names a column the database does not have, and a wrong type", function()
    local drift = drift_after("        bigint total \"tiyin\"\n",
                              "        integer total \"tiyin\"\n        text gift_wrap\n")
    local line = line_of("        bigint total") + 1
    assert.are.same({ "orders.total is bigint in the database but integer in docs/schema.md",
                      "orders.gift_wrap is in docs/schema.md (line " .. line .. ") but not in the database" },
                    drift)
  end)

  it("names a missing relationship and a wrong key mark", function()
    local drift = drift_after('    users ||--o{ orders : "customer_id"\n', "")
    assert.are.same({ 'the foreign key orders.customer_id -> users is in the database but not a relationship'
                      .. ' in docs/schema.md (add: users ||--o{ orders : "customer_id")' }, drift)
    drift = drift_after("        bigint product_id PK, FK\n", "        bigint product_id PK\n")
    assert.are.same({ "stock.product_id is a foreign key in the database but not marked FK in docs/schema.md" }, drift)
    drift = drift_after('    delivery_slots |o--o{ orders : "slot_id"\n', '    delivery_slots ||--o{ orders : "slot_id"\n')
    assert.are.same({ "docs/schema.md line " .. line_of('    delivery_slots |o--o{ orders : "slot_id"')
                      .. " draws orders.slot_id -> delivery_slots as ||--o{, the database says |o--o{"
                      .. " (the column may be NULL)" }, drift)
  end)

  it("refuses a line it cannot read rather than skipping it", function()
    local line = line_of('        text bouquet_photo "file_id"')
    assert.are.same({ "docs/schema.md line " .. line .. ": cannot read the column line 'text bouquet photo'"
                      .. ' (want: type name [PK, FK, UK] ["comment"])',
                      "orders.bouquet_photo is in the database but not in docs/schema.md" },
                    drift_after('        text bouquet_photo "file_id"\n', "        text bouquet photo\n"))
  end)

  it("names a table missing from the diagram", function()
    local s = text:find("    schema_migrations {", 1, true)
    local e = select(2, text:find("}\n", s, true))
    local drift = drift_after(text:sub(s, e), "")
    assert.are.same({ "table schema_migrations is in the database but not in docs/schema.md" }, drift)
  end)
end)
