-- spec/pg_spec.lua — the `pg` binding against the test run's private
-- PostgreSQL (DATABASE_URL). The specs own one table, spec_pg_items, which
-- they create and drop; the reconnect spec stops and restarts the server
-- with tools/services.sh (needs SERVICES_DIR).
local pg = require "pg"
local json = require "json"

local has_engine, engine = pcall(require, "engine")
local has_proc, proc = pcall(require, "proc")
local has_timer, timer = pcall(require, "timer")

local function sleep(sec)
  if has_timer then return timer.sleep(sec) end
  proc.run({ "sleep", tostring(sec) }, {})
end

local function now()
  return has_timer and timer.monotonic() or os.time()
end

local function one(sql, ...)
  local rows, err, code = pg.query(sql, ...)
  assert(rows, tostring(err) .. " (" .. tostring(code) .. ")")
  return rows[1]
end

local function count_items()
  return one("SELECT count(*)::int AS n FROM spec_pg_items").n
end

local function needs_spawn()
  if not has_engine or not engine.spawn then
    pending("engine.spawn is not available")
    return true
  end
end

describe("pg", function()
  setup(function()
    assert(pg.query("DROP TABLE IF EXISTS spec_pg_items"))
    assert(pg.query([[CREATE TABLE spec_pg_items (
      id int PRIMARY KEY, name text, price bigint, data jsonb)]]))
  end)

  teardown(function()
    pg.query("DROP TABLE IF EXISTS spec_pg_items")
  end)

  before_each(function()
    assert(pg.query("DELETE FROM spec_pg_items"))
  end)

  describe("typed results", function()
    it("gives integer types as Lua integers", function()
      local r = one([[SELECT 1::int2 AS a, 2::int4 AS b, 9007199254740993::int8 AS c,
                             '-9223372036854775808'::int8 AS d, 26::oid AS e]])
      assert.are.equal(1, r.a)
      assert.are.equal(2, r.b)
      assert.are.equal(9007199254740993, r.c)
      assert.are.equal(math.mininteger, r.d)
      assert.are.equal(26, r.e)
      for _, k in ipairs({ "a", "b", "c", "d", "e" }) do
        assert.are.equal("integer", math.type(r[k]), k)
      end
    end)

    it("gives integral numerics as integers and the rest as floats", function()
      local r = one([[SELECT 150000.00::numeric AS money, 12.50::numeric AS half,
                             -7::numeric AS neg, 123456789012345678901234::numeric AS huge,
                             'NaN'::numeric AS nan]])
      assert.are.equal(150000, r.money)
      assert.are.equal("integer", math.type(r.money))
      assert.are.equal(12.5, r.half)
      assert.are.equal("float", math.type(r.half))
      assert.are.equal(-7, r.neg)
      assert.are.equal("integer", math.type(r.neg))
      assert.are.equal("float", math.type(r.huge))
      assert.is_true(math.abs(r.huge - 1.2345678901234568e23) < 1e9)
      assert.is_true(r.nan ~= r.nan)
    end)

    it("gives floats, booleans and text", function()
      local r = one([[SELECT 0.5::float4 AS f4, 0.1::float8 AS f8, 'Infinity'::float8 AS inf,
                             true AS t, false AS f, 'oʻzbek'::text AS s, 'x'::varchar AS v,
                             'ab'::char(3) AS c]])
      assert.are.equal(0.5, r.f4)
      assert.are.equal(0.1, r.f8)
      assert.are.equal(math.huge, r.inf)
      assert.are.equal("float", math.type(r.f8))
      assert.is_true(r.t)
      assert.is_false(r.f)
      assert.are.equal("oʻzbek", r.s)
      assert.are.equal("x", r.v)
      assert.are.equal("ab ", r.c)
    end)

    it("gives other types, timestamptz included, as their text", function()
      local r = one([[SELECT '2026-03-08 10:00:00+05'::timestamptz AS ts, '2026-03-08'::date AS d,
                             '00000000-0000-0000-0000-000000000001'::uuid AS u, '\x01ff'::bytea AS b]])
      assert.is_string(r.ts)
      assert.truthy(r.ts:match("^2026%-03%-08 "))
      assert.are.equal("2026-03-08", r.d)
      assert.are.equal("00000000-0000-0000-0000-000000000001", r.u)
      assert.are.equal("\\x01ff", r.b)
    end)

    it("gives NULL as pg.null, the shared null sentinel", function()
      local r = one("SELECT NULL::int AS a, NULL::text AS b, NULL::jsonb AS c, NULL::int[] AS d")
      assert.are.equal(pg.null, json.null)
      for _, k in ipairs({ "a", "b", "c", "d" }) do
        assert.are.equal(pg.null, r[k], k)
      end
      assert.is_not_nil(r.a)
    end)

    it("decodes json and jsonb, JSON null as the sentinel", function()
      local r = one([[SELECT '{"a":[1,2,null],"b":{"c":"d"}}'::jsonb AS j,
                             '[true, "x"]'::json AS arr, 'null'::jsonb AS jnull]])
      assert.are.equal(1, r.j.a[1])
      assert.are.equal(json.null, r.j.a[3])
      assert.are.equal("d", r.j.b.c)
      assert.is_true(r.arr[1])
      assert.are.equal("x", r.arr[2])
      assert.are.equal(json.null, r.jnull)
    end)

    it("gives arrays as Lua arrays with typed elements and NULLs in place", function()
      local r = one([[SELECT '{1,NULL,3}'::int4[] AS i4, '{1,2}'::int2[] AS i2,
                             '{9007199254740993}'::int8[] AS i8, '{1.50,2.00}'::numeric[] AS num,
                             '{t,f,NULL}'::bool[] AS b, '{}'::int[] AS empty,
                             '{{1,2},{3,4}}'::int[] AS grid, '{0.25}'::float8[] AS f8,
                             '{a,b}'::varchar[] AS vc]])
      assert.are.same({ 1, pg.null, 3 }, r.i4)
      assert.are.equal("integer", math.type(r.i4[1]))
      assert.are.same({ 1, 2 }, r.i2)
      assert.are.same({ 9007199254740993 }, r.i8)
      assert.are.equal(1.5, r.num[1])
      assert.are.equal(2, r.num[2])
      assert.are.equal("integer", math.type(r.num[2]))
      assert.are.same({ true, false, pg.null }, r.b)
      assert.are.same({}, r.empty)
      assert.are.same({ { 1, 2 }, { 3, 4 } }, r.grid)
      assert.are.same({ 0.25 }, r.f8)
      assert.are.same({ "a", "b" }, r.vc)
    end)

    it("parses quoted text array elements: spaces, quotes, backslashes, NULL", function()
      local want = { "a b", 'say "hi"', "back\\slash", "", "NULL", "x,y", "{}", "  pad  ", "роза", "null" }
      -- built by the server from parameters, so it comes back in its own quoting
      local r = one("SELECT ARRAY[$1::text, $2, $3, $4, $5, $6, $7, $8, $9, $10] AS t, ARRAY['a', NULL, 'c'] AS n",
        table.unpack(want))
      assert.are.same(want, r.t)
      assert.are.same({ "a", pg.null, "c" }, r.n)
      assert.are.equal("NULL", r.t[5])
    end)

    it("returns rows in order, keyed by column name, with affected counts", function()
      local res = assert(pg.query([[INSERT INTO spec_pg_items (id, name, price)
                                    SELECT g, 'n' || g, g * 100 FROM generate_series(1, 5) g]]))
      assert.are.equal(5, res.affected)
      assert.are.equal(0, #res)
      res = assert(pg.query("SELECT id, name FROM spec_pg_items ORDER BY id"))
      assert.are.equal(5, #res)
      assert.are.equal(5, res.affected)
      assert.are.same({ id = 3, name = "n3" }, res[3])
      res = assert(pg.query("UPDATE spec_pg_items SET price = price + 1 WHERE id > $1", 3))
      assert.are.equal(2, res.affected)
      res = assert(pg.query("SELECT 1 WHERE false"))
      assert.are.equal(0, #res)
      res = assert(pg.query("SET application_name = 'guldasta'"))
      assert.are.equal(0, res.affected)
      -- affected lives in the metatable: rows stay a plain array
      res = assert(pg.query("SELECT 1 AS n"))
      assert.are.equal('[{"n":1}]', json.encode(res))
    end)
  end)

  describe("parameters", function()
    it("sends nil and pg.null as NULL, also in the middle and at the end", function()
      local r = one("SELECT $1::int AS a, $2::text AS b, $3::int AS c, $4::text AS d, $5::text AS e",
        1, nil, 3, pg.null, nil)
      assert.are.equal(1, r.a)
      assert.are.equal(pg.null, r.b)
      assert.are.equal(3, r.c)
      assert.are.equal(pg.null, r.d)
      assert.are.equal(pg.null, r.e)
    end)

    it("sends booleans, integers and floats exactly", function()
      local r = one("SELECT $1::bool AS t, $2::bool AS f, $3::int8 AS big, $4::float8 = 0.1 AS same, $5::float8 AS third",
        true, false, math.maxinteger, 0.1, 1 / 3)
      assert.is_true(r.t)
      assert.is_false(r.f)
      assert.are.equal(math.maxinteger, r.big)
      assert.is_true(r.same)
      assert.are.equal(1 / 3, r.third)
    end)

    it("sends tables as JSON for json and jsonb", function()
      local doc = { name = "Qizil atirgul", tags = { "rose", "red" }, stems = 25, vip = false }
      assert(pg.query("INSERT INTO spec_pg_items (id, data) VALUES ($1, $2)", 1, doc))
      local r = one("SELECT data, data->>'name' AS name FROM spec_pg_items WHERE id = 1")
      assert.are.equal("Qizil atirgul", r.name)
      assert.are.same(doc, r.data)
    end)

    it("sends floats in their shortest exact form", function()
      local r = one("SELECT $1::numeric AS n, $1::text AS t, $2::float8 AS third", 0.1, 1 / 3)
      assert.are.equal("0.1", r.t)
      assert.are.equal(0.1, r.n)
      assert.are.equal(1 / 3, r.third)
    end)

    it("sends arrays built with pg.array, quoting every element", function()
      local words = { "a b", 'say "hi"', "back\\", "NULL", "{x,y}", "" }
      local r = one("SELECT $1::text[] AS t, $2::int[] AS i, $3::bool[] AS b, $4::int[] AS grid",
        pg.array(words), pg.array({ 1, pg.null, 3 }), pg.array({ true, false }), pg.array({ { 1, 2 }, { 3, 4 } }))
      assert.are.same(words, r.t)
      assert.are.same({ 1, pg.null, 3 }, r.i)
      assert.are.same({ true, false }, r.b)
      assert.are.same({ { 1, 2 }, { 3, 4 } }, r.grid)
      assert(pg.query("INSERT INTO spec_pg_items (id) SELECT unnest($1::int[])", pg.array({ 5, 6, 7 })))
      local rows = assert(pg.query("SELECT id FROM spec_pg_items WHERE id = ANY($1::int[]) ORDER BY id", pg.array({ 6, 7, 8 })))
      assert.are.same({ { id = 6 }, { id = 7 } }, rows)
      assert.are.equal("{}", pg.array({}))
      assert.has_error(function() pg.array({ function() end }) end)
      assert.has_error(function() pg.array("x") end)
    end)

    it("never interpolates: quotes and SQL in values stay values", function()
      local evil = "x'); DROP TABLE spec_pg_items; --"
      assert.are.equal(evil, one("SELECT $1::text AS s", evil).s)
      assert.are.equal(0, count_items())
    end)

    it("raises on values that cannot be sent", function()
      assert.has_error(function() pg.query("SELECT $1", function() end) end)
      assert.has_error(function() pg.query("SELECT $1", "a\0b") end)
      assert.has_error(function() pg.query(42) end)
    end)
  end)

  describe("errors", function()
    it("returns nil, message, SQLSTATE for server errors", function()
      local rows, err, code = pg.query("SELEC 1")
      assert.is_nil(rows)
      assert.are.equal("42601", code)
      assert.truthy(err:find("syntax error"))
      rows, err, code = pg.query("SELECT 1/0")
      assert.is_nil(rows)
      assert.are.equal("22012", code)
      assert.are.equal("division by zero", err)
    end)

    it("reports unique violations with their detail", function()
      assert(pg.query("INSERT INTO spec_pg_items (id) VALUES (1)"))
      local rows, err, code = pg.query("INSERT INTO spec_pg_items (id) VALUES (1)")
      assert.is_nil(rows)
      assert.are.equal("23505", code)
      assert.truthy(err:find("duplicate key", 1, true))
      assert.truthy(err:find("(id)=(1)", 1, true))
    end)

    it("refuses a parameter count that does not match", function()
      local rows, _, code = pg.query("SELECT $1::int + $2::int", 1)
      assert.is_nil(rows)
      assert.is_string(code)
      assert.are.equal(5, #code)
      assert.are.equal(3, one("SELECT $1::int + $2::int AS n", 1, 2).n)
    end)
  end)

  describe("transactions", function()
    it("commits and returns fn's results", function()
      local a, b, c = pg.transaction(function(tx, id)
        assert(tx:query("INSERT INTO spec_pg_items (id, name) VALUES ($1, 'a')", id))
        assert(tx:query("INSERT INTO spec_pg_items (id, name) VALUES ($1, 'b')", id + 1))
        return "done", nil, 3
      end, 10)
      assert.are.equal("done", a)
      assert.is_nil(b)
      assert.are.equal(3, c)
      assert.are.equal(2, count_items())
    end)

    it("rolls back when fn raises and returns nil, err", function()
      local ok, err = pg.transaction(function(tx)
        assert(tx:query("INSERT INTO spec_pg_items (id) VALUES (1)"))
        error("out of roses", 0)
      end)
      assert.is_nil(ok)
      assert.are.equal("out of roses", err)
      assert.are.equal(0, count_items())
    end)

    it("rolls back when fn returns nil, err", function()
      local ok, err, code = pg.transaction(function(tx)
        assert(tx:query("INSERT INTO spec_pg_items (id) VALUES (1)"))
        return nil, "stock_short", "biz"
      end)
      assert.is_nil(ok)
      assert.are.equal("stock_short", err)
      assert.are.equal("biz", code)
      assert.are.equal(0, count_items())
    end)

    it("rolls back a transaction aborted by an error fn ignored", function()
      local ok, _, code = pg.transaction(function(tx)
        tx:query("INSERT INTO spec_pg_items (id) VALUES (1)")
        tx:query("INSERT INTO spec_pg_items (id) VALUES (1)")   -- 23505, ignored
        return true
      end)
      assert.is_nil(ok)
      assert.are.equal("25P02", code)
      assert.are.equal(0, count_items())
    end)

    it("keeps uncommitted rows invisible to pg.query, which uses another connection", function()
      local seen_inside, seen_outside
      assert(pg.transaction(function(tx)
        assert(tx:query("INSERT INTO spec_pg_items (id) VALUES (1)"))
        seen_inside = tx:query("SELECT count(*)::int AS n FROM spec_pg_items")[1].n
        seen_outside = count_items()
        return true
      end))
      assert.are.equal(1, seen_inside)
      assert.are.equal(0, seen_outside)
      assert.are.equal(1, count_items())
    end)

    it("gives the connection back after failures: more transactions than the pool holds", function()
      local size = pg.stats().max
      for i = 1, size * 2 + 1 do
        local ok = pg.transaction(function(tx)
          tx:query("INSERT INTO spec_pg_items (id) VALUES ($1)", i)
          if i % 2 == 0 then error("fail " .. i) end
          return nil, "fail " .. i
        end)
        assert.is_nil(ok)
      end
      local s = pg.stats()
      assert.are.equal(0, s.in_use)
      assert.are.equal(0, s.waiting)
      assert.is_true(pg.transaction(function(tx)
        return tx:query("SELECT 1") ~= nil
      end))
      assert.are.equal(0, count_items())
    end)

    it("ends the tx object with the transaction", function()
      local kept
      assert(pg.transaction(function(tx) kept = tx return true end))
      local rows, _, code = kept:query("SELECT 1")
      assert.is_nil(rows)
      assert.are.equal("closed", code)
      assert.are.equal("unknown", kept:status())
    end)

    it("runs multi-statement scripts with exec_script", function()
      assert(pg.transaction(function(tx)
        assert.are.equal("intrans", tx:status())
        return tx:exec_script([[
          INSERT INTO spec_pg_items (id) VALUES (1);
          INSERT INTO spec_pg_items (id) VALUES (2);
        ]])
      end))
      assert.are.equal(2, count_items())
      local rows, _, code = pg.exec_script("SELECT 1; SELEC 2;")
      assert.is_nil(rows)
      assert.are.equal("42601", code)
      assert.has_error(function() pg.exec_script("SELECT $1", 1) end)
    end)
  end)

  describe("concurrency", function()
    it("serves 40 units at once through the pool, queueing the rest", function()
      if needs_spawn() then return end
      local n, max = 40, pg.stats().max
      local handles, peak_waiting = {}, 0
      local t0 = now()
      for i = 1, n do
        handles[i] = engine.spawn(function()
          local rows, err = pg.query("SELECT pg_sleep(0.05), $1::int * 2 AS v", i)
          assert(rows, err)
          return rows[1].v
        end)
      end
      for _ = 1, 3 do
        sleep(0.01)
        peak_waiting = math.max(peak_waiting, pg.stats().waiting)
        assert.is_true(pg.stats().size <= max)
      end
      for i = 1, n do
        local ok, v = handles[i]:wait()
        assert.is_true(ok, tostring(v))
        assert.are.equal(i * 2, v)
      end
      assert.is_true(peak_waiting > 0)
      -- in parallel: far less than n sleeps one after another
      if has_timer then assert.is_true(now() - t0 < n * 0.05 * 0.6) end
      local s = pg.stats()
      assert.are.equal(0, s.in_use)
      assert.are.equal(0, s.waiting)
      if engine.metric then
        assert.are.equal(0, engine.metric("guldasta_pg_pool_in_use"))
        assert.are.equal(s.size, engine.metric("guldasta_pg_pool_size"))
      end
    end)

    it("runs concurrent transactions without losing updates", function()
      if needs_spawn() then return end
      assert(pg.query("INSERT INTO spec_pg_items (id, price) VALUES (1, 0)"))
      local handles = {}
      for i = 1, 20 do
        handles[i] = engine.spawn(function()
          return pg.transaction(function(tx)
            local row = tx:query("SELECT price FROM spec_pg_items WHERE id = 1 FOR UPDATE")[1]
            assert(tx:query("UPDATE spec_pg_items SET price = $1 WHERE id = 1", row.price + 1))
            return true
          end)
        end)
      end
      for i = 1, 20 do
        local ok, res = handles[i]:wait()
        assert.is_true(ok and res, tostring(res))
      end
      assert.are.equal(20, one("SELECT price FROM spec_pg_items WHERE id = 1").price)
    end)
  end)

  describe("timeouts", function()
    it("fails a slow query with 'timeout' and keeps serving", function()
      local t0 = now()
      local rows, err, code = pg.query({ "SELECT pg_sleep(3)", timeout = 0.2 })
      assert.is_nil(rows)
      assert.are.equal("timeout", code)
      assert.is_string(err)
      if has_timer then assert.is_true(now() - t0 < 1.5) end
      assert.are.equal(1, one("SELECT 1 AS n").n)
      assert.are.equal(2, one({ sql = "SELECT $1::int AS n", timeout = 5 }, 2).n)
    end)

    it("times out waiting for a free connection", function()
      if needs_spawn() then return end
      local max, busy = pg.stats().max, {}
      for i = 1, max do
        busy[i] = engine.spawn(function() return pg.query("SELECT pg_sleep(0.6)") end)
      end
      sleep(0.1)
      local rows, _, code = pg.query({ "SELECT 1", timeout = 0.1 })
      assert.is_nil(rows)
      assert.are.equal("timeout", code)
      for i = 1, max do assert.is_truthy(select(2, busy[i]:wait())) end
      assert.are.equal(0, pg.stats().waiting)
    end)

    it("times out a transaction's query and closes its connection", function()
      local ok, _, code = pg.transaction(function(tx)
        return tx:query({ "SELECT pg_sleep(3)", timeout = 0.1 })
      end)
      assert.is_nil(ok)
      assert.are.equal("timeout", code)
      assert.are.equal(0, pg.stats().in_use)
      assert.is_true(pg.ping())
    end)
  end)

  describe("health", function()
    it("pings and reports its pool", function()
      assert.is_true(pg.ping())
      assert.is_true(pg.ping(0.5))
      local s = pg.stats()
      assert.is_true(s.up)
      assert.is_true(s.size >= 1 and s.size <= s.max)
      if has_engine and engine.metric then
        assert.are.equal(1, engine.metric("guldasta_pg_up"))
      end
    end)
  end)

  -- Each connection prepares a query's SQL the first time it sees it and
  -- runs it by name afterwards. Everything a script can see stays the same
  -- as unprepared, including after the schema changes under a statement.
  describe("prepared statements", function()
    local function prepared_count(tx, sql)
      return tx:query("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1",
        sql)[1].n
    end

    after_each(function()
      pg.query("DROP TABLE IF EXISTS spec_pg_ddl")
    end)

    it("prepares a statement once per connection and reuses it", function()
      local sql = "SELECT $1::int * 2 AS v -- spec: reuse"
      local before = pg.stats()
      local n = assert(pg.transaction(function(tx)
        for i = 1, 3 do
          assert.are.equal(i * 2, tx:query(sql, i)[1].v)
        end
        return prepared_count(tx, sql)
      end))
      assert.are.equal(1, n)
      local after = pg.stats()
      assert.is_true(after.prepared > before.prepared)
      assert.is_true(after.reused >= before.reused + 2)
      -- reused results are typed and counted like any other
      local rows = assert(pg.query(sql, 21))
      assert.are.equal(42, rows[1].v)
      assert.are.equal("integer", math.type(rows[1].v))
      assert.are.equal(1, rows.affected)
    end)

    it("fails a statement that cannot be prepared as before, and keeps nothing", function()
      for _ = 1, 2 do
        local rows, err, code = pg.query("SELECT nope FROM spec_pg_items WHERE id = $1", 1)
        assert.is_nil(rows)
        assert.are.equal("42703", code)
        assert.are.equal('column "nope" does not exist', err)
        rows, _, code = pg.query("SELEC $1", 1)
        assert.is_nil(rows)
        assert.are.equal("42601", code)
      end
      local n = assert(pg.transaction(function(tx)
        return prepared_count(tx, "SELEC $1")
      end))
      assert.are.equal(0, n)
    end)

    it("keeps at most 256 statements on a connection", function()
      local function run(from, to)
        for k = from, to do
          assert.are.equal(k + 1, one("SELECT $1::int + " .. k .. " AS n -- spec: many", 1).n)
        end
      end
      local function held()
        return assert(pg.transaction(function(tx)
          return tx:query("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE $1",
            "guldasta%")[1].n
        end))
      end
      run(1, 200)
      -- A schema change: the 200 are forgotten but still on the server; the
      -- next new ones fill up to 256, then DEALLOCATE ALL starts afresh.
      assert(pg.query("CREATE TEMP TABLE spec_pg_tmp (a int)"))
      run(201, 300)
      assert.is_true(held() <= 256)
      run(1, 300)   -- past the limit: the rest run unprepared
      assert.is_true(held() <= 256)
      assert(pg.query("DISCARD ALL"))
      run(1, 3)
    end)

    it("never prepares exec_script, nor SQL without parameters", function()
      local before = pg.stats().prepared
      assert(pg.exec_script("SELECT 1; SELECT 2"))
      assert(pg.query("SELECT 3 AS n -- spec: no parameters"))
      assert.are.equal(before, pg.stats().prepared)
    end)

    it("runs a query again after a DDL changed its result between two runs", function()
      assert(pg.query("CREATE TABLE spec_pg_ddl (a int)"))
      assert(pg.query("INSERT INTO spec_pg_ddl VALUES ($1)", 1))
      local sql = "SELECT * FROM spec_pg_ddl WHERE a = $1"
      for _ = 1, 2 do
        local r = one(sql, 1)
        assert.are.equal(1, r.a)
        assert.is_nil(r.b)
      end
      -- A plain ALTER on the same connection: the cache is dropped.
      assert(pg.query("ALTER TABLE spec_pg_ddl ADD COLUMN b text DEFAULT 'x'"))
      assert.are.equal("x", one(sql, 1).b)
      assert.are.equal("x", one(sql, 1).b)
      -- A change the engine cannot see in the command tag (as if another
      -- connection had made it): the server says the plan is stale, the
      -- query runs again unprepared, and the next run prepares anew.
      assert(pg.query([[DO $$ BEGIN
        EXECUTE 'ALTER TABLE spec_pg_ddl ALTER COLUMN b DROP DEFAULT, ALTER COLUMN b TYPE int USING 7';
      END $$]]))
      local r = one(sql, 1)
      assert.are.equal(7, r.b)
      assert.are.equal("integer", math.type(r.b))
      assert.are.equal(7, one(sql, 1).b)
      -- The table dropped and made again with other columns.
      assert(pg.query("DROP TABLE spec_pg_ddl"))
      assert(pg.query("CREATE TABLE spec_pg_ddl (a int, z bool DEFAULT true)"))
      assert(pg.query("INSERT INTO spec_pg_ddl (a) VALUES (1)"))
      r = one(sql, 1)
      assert.is_true(r.z)
      assert.is_nil(r.b)
    end)

    it("handles a DDL inside a transaction between two identical queries", function()
      assert(pg.query("CREATE TABLE spec_pg_ddl (a int)"))
      assert(pg.query("INSERT INTO spec_pg_ddl VALUES (1)"))
      local sql = "SELECT * FROM spec_pg_ddl WHERE a = $1"
      local r = assert(pg.transaction(function(tx)
        assert(tx:query(sql, 1))
        assert(tx:query(sql, 1))
        assert(tx:query("ALTER TABLE spec_pg_ddl ADD COLUMN c int DEFAULT 5"))
        local rows, err, code = tx:query(sql, 1)
        assert(rows, tostring(err) .. " (" .. tostring(code) .. ")")
        return rows[1]
      end))
      assert.are.equal(5, r.c)
      -- Rolled back: the column is gone again, and so is any plan that had it.
      local ok = pg.transaction(function(tx)
        assert(tx:query("ALTER TABLE spec_pg_ddl DROP COLUMN c"))
        assert.is_nil(tx:query(sql, 1)[1].c)
        return nil, "undo"
      end)
      assert.is_nil(ok)
      assert.are.equal(5, assert(pg.transaction(function(tx) return tx:query(sql, 1)[1].c end)))
      assert.are.equal(5, one(sql, 1).c)
    end)
  end)

  describe("reconnect", function()
    local dir = os.getenv("SERVICES_DIR")

    local function services(what)
      local r = assert(proc.run({ "tools/services.sh", what, dir }, { timeout = 120 }))
      assert(r.code == 0, what .. " failed: " .. tostring(r.stderr))
    end

    it("fails while PostgreSQL is down and serves again once it is back", function()
      if not dir or not has_proc or not has_engine or not engine.spawn then
        pending("needs SERVICES_DIR, proc and engine.spawn")
        return
      end
      assert.is_true(pg.ping())
      -- A query in flight when the server goes away fails with "closed".
      local inflight = engine.spawn(function() return pg.query("SELECT pg_sleep(20)") end)
      sleep(0.1)
      services("stop-pg")
      local ok, rows, err, code = inflight:wait()
      assert.is_true(ok)
      assert.is_nil(rows)
      assert.are.equal("closed", code, tostring(err))

      -- While down: a fast "refused", and the gauge says so.
      local t0 = now()
      local pong, perr, pcode = pg.ping()
      assert.is_nil(pong)
      assert.is_string(perr)
      assert.are.equal("refused", pcode)
      if has_timer then assert.is_true(now() - t0 < 1) end
      rows, _, code = pg.query("SELECT 1")
      assert.is_nil(rows)
      assert.are.equal("refused", code)
      assert.is_false(pg.stats().up)
      if engine.metric then assert.are.equal(0, engine.metric("guldasta_pg_up")) end
      local tx_ok, _, tx_code = pg.transaction(function() return true end)
      assert.is_nil(tx_ok)
      assert.are.equal("refused", tx_code)

      services("start-pg")
      local up = false
      for _ = 1, 100 do
        if pg.ping() then up = true break end
        sleep(0.1)
      end
      assert.is_true(up, "postgres did not come back")
      assert.is_true(pg.stats().up)
      if engine.metric then assert.are.equal(1, engine.metric("guldasta_pg_up")) end
      assert.are.equal(7, one("SELECT $1::int AS n", 7).n)
      assert.is_true(pg.transaction(function(tx) return tx:query("SELECT 1") ~= nil end))
    end)
  end)
end)
