---@meta
---@class json
---@field null lightuserdata the null sentinel shared with pg and redis
local json = {}
---@return string|nil
---@return string|nil err
function json.encode(value) end
---@param s string
---@return any
---@return string|nil err
function json.decode(s) end
return json
