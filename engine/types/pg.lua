---@meta pg
-- Editor stub for the engine's `pg` module (engine/lua_pg.c).
-- Calls yield the current unit of work; see engine/README.md, "`pg`".

---@class pg
local pg = {}

---SQLSTATE ("23505", "40001", ...) for server errors, else a connection code.
---@alias pg.code string|"timeout"|"closed"|"refused"|"busy"

---A parameter: nil and pg.null are NULL, tables are sent as JSON,
---pg.array(t) gives an array literal.
---@alias pg.param nil|boolean|integer|number|string|table|lightuserdata

---The SQL, or the SQL with options: `{ "SELECT ...", timeout = 5 }` or
---`{ sql = "SELECT ...", timeout = 5 }` (seconds, default 30).
---@alias pg.sql string|{ [1]: string?, sql: string?, timeout: number? }

---Rows in order, each keyed by column name. Values are typed by column
---type: integers, numbers, booleans, decoded JSON, arrays; NULL is pg.null;
---anything else (timestamptz, date, uuid, ...) is the server's text.
---@class pg.rows: { [integer]: table<string, any> }
---@field affected integer rows inserted/updated/deleted/selected (from the command tag), or 0

---The null sentinel for SQL NULL; the same value as `json.null`. Truthy:
---compare with `== pg.null`.
---@type lightuserdata
pg.null = nil

---Runs one statement with $1, $2, ... parameters on a pooled connection.
---@param sql pg.sql
---@param ... pg.param
---@return pg.rows|nil rows
---@return string? message
---@return pg.code? code
function pg.query(sql, ...) end

---Runs fn(tx, ...) inside BEGIN ... COMMIT on one connection of its own.
---fn raising, or returning `nil, err`, rolls back and gives `nil, err`;
---otherwise returns fn's results after COMMIT. A plain pg.query inside fn
---runs on ANOTHER connection, outside the transaction: use tx:query.
---@generic R
---@param fn fun(tx: pg.tx, ...): R
---@param ... any
---@return R|nil
---@return any err
---@return pg.code? code
function pg.transaction(fn, ...) end

---Several statements at once (simple query protocol), no parameters.
---For migration files ONLY: never with anything built from user input.
---Returns the rows of the last statement.
---@param sql pg.sql
---@return pg.rows|nil rows
---@return string? message
---@return pg.code? code
function pg.exec_script(sql) end

---A Lua array as a PostgreSQL array literal ('{1,NULL,"a b"}') for int[],
---text[] or `= ANY($1::int[])` parameters. Use pg.null for NULL elements.
---@param t any[]
---@return string
function pg.array(t) end

---SELECT 1 through the pool.
---@param timeout_s? number default 2
---@return true|nil ok
---@return string? message
---@return pg.code? code
function pg.ping(timeout_s) end

---@class pg.stats
---@field size integer connections open or opening
---@field max integer PG_POOL_SIZE
---@field in_use integer running a query or held by a transaction
---@field waiting integer queries waiting for a connection
---@field up boolean the last connect or query succeeded
---@field prepared integer statements prepared (each connection prepares a SQL text once)
---@field reused integer queries that ran a statement already prepared on their connection

---The pool's state; needs no unit of work.
---@return pg.stats
function pg.stats() end

---A transaction's connection, valid inside pg.transaction's fn only.
---@class pg.tx
local tx = {}

---Like pg.query, on the transaction's connection.
---@param sql pg.sql
---@param ... pg.param
---@return pg.rows|nil rows
---@return string? message
---@return pg.code? code
function tx:query(sql, ...) end

---Like pg.exec_script, inside the transaction. Migration files only.
---@param sql pg.sql
---@return pg.rows|nil rows
---@return string? message
---@return pg.code? code
function tx:exec_script(sql) end

---libpq's transaction status of the connection.
---@return "intrans"|"inerror"|"idle"|"active"|"unknown"
function tx:status() end

return pg
