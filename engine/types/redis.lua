---@meta redis
-- Editor stub for the engine's `redis` module (engine/lua_redis.c).
-- Calls yield the current unit of work; see engine/README.md, "`redis`".

---@class redis
local redis = {}

---@alias redis.arg string|integer|number
---@alias redis.code "redis"|"timeout"|"closed"

---The null sentinel: a nil reply, or a nil element of an array reply.
---The same value as `json.null`; it is truthy, compare with `== redis.null`.
---@type lightuserdata
redis.null = nil

---Runs one command.
---Returns the reply (status → string, integer → integer, bulk → string,
---nil → redis.null, array → table, error inside an array → `{err=msg}`),
---or `nil, message, code` on an error reply ("redis"), a timeout ("timeout")
---or no connection ("closed"). Raises on a non-string/number argument or a
---command refused on the shared connection (SUBSCRIBE, SELECT, MULTI, ...).
---@param cmd string
---@param ... redis.arg
---@return any|nil reply
---@return string? message
---@return redis.code? code
function redis.call(cmd, ...) end

---Sends all commands in one write; returns their replies in order, an error
---reply as `{err = message}`. A timeout or lost connection fails the whole
---pipeline with `nil, message, code`. MULTI ... EXEC is allowed inside one pipeline.
---@param cmds redis.arg[][]   e.g. { {"SET","a","1"}, {"INCR","n"} }
---@return any[]|nil replies
---@return string? message
---@return redis.code? code
function redis.pipeline(cmds) end

---@class redis.script
---@field sha string     hex SHA-1 of the source
---@field source string  the script's Lua source
local script = {}

---Runs the script with EVALSHA; reloads it once on NOSCRIPT (after a Redis
---restart or SCRIPT FLUSH). Results as redis.call.
---@param keys? redis.arg[]
---@param args? redis.arg[]
---@return any|nil reply
---@return string? message
---@return redis.code? code
function script:eval(keys, args) end

---Makes a script object (no I/O: create it once, at module load).
---@param src string Lua source run by Redis
---@return redis.script
function redis.script(src) end

---PING: true, or nil, message, code.
---@return true|nil ok
---@return string? message
---@return redis.code? code
function redis.ping() end

---Whether the connection is up right now (no I/O). The first call starts
---connecting and returns false.
---@return boolean
function redis.connected() end

---Timeout in seconds for the later Redis calls of the calling unit of work
---only; nil restores the default (5 s).
---@param sec number|nil
function redis.set_timeout(sec) end

---The calling unit of work's Redis timeout in seconds.
---@return number
function redis.get_timeout() end

return redis
