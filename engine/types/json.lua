---@meta
---@class json
---@field null lightuserdata the null sentinel shared with pg and redis
local json = {}
---@return string|nil
---@return string|nil err
function json.encode(value) end
---Whole numbers come back as integers; every member named `omit` is left out.
---@param s string
---@param omit? string
---@return any
---@return string|nil err
function json.decode(s, omit) end
---The array member `key` of the JSON object `text`, cut into its elements' JSON texts;
---skip = {key =, below =} leaves out the objects whose member `key` is an integer below `below`.
---@param text string
---@param key string
---@param skip? {key: string, below: integer}
---@return string[]|nil
---@return string|nil err
function json.items(text, key, skip) end
return json
