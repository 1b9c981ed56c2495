---@meta
-- Type stubs for the engine's core modules (see engine/README.md).

---@class SpawnHandle
local SpawnHandle = {}
---@return boolean ok
---@return any ...
function SpawnHandle:wait() end
---@return boolean
function SpawnHandle:done() end

---@class engine
local engine = {}
---@param fn function
---@return SpawnHandle
function engine.spawn(fn, ...) end
---@return boolean
function engine.current() end
---@return integer
function engine.generation() end
---@return integer|nil
function engine.unit_id() end
function engine.reload() end
---@param code integer
function engine.exit(code) end
---@param name string
---@param labels string|nil
---@param v number|nil
function engine.counter(name, labels, v) end
---@param name string
---@param labels string|nil
---@param v number
function engine.gauge(name, labels, v) end
---@param name string
---@param labels string|nil
---@param seconds number
function engine.observe(name, labels, seconds) end
---@param name string
---@param type "counter"|"gauge"|"histogram"
---@param text string
function engine.help(name, type, text) end
---@return number
function engine.metric(name, labels) end
---@return string
function engine.metrics() end
---@return table
function engine.stats() end
---@param name string
---@param source string
---@return table|nil module
---@return string|nil err
function engine.load_rule(name, source) end
---@return string
function engine.executable() end
return engine
