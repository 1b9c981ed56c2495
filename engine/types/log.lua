---@meta
---@class log
local log = {}
---@param msg string
---@param fields table|nil
function log.debug(msg, fields) end
---@param msg string
---@param fields table|nil
function log.info(msg, fields) end
---@param msg string
---@param fields table|nil
function log.warn(msg, fields) end
---@param msg string
---@param fields table|nil
function log.error(msg, fields) end
---@param level "debug"|"info"|"warn"|"error"
---@return boolean
function log.enabled(level) end
return log
