---@meta crypto
-- Editor stub for the engine's `crypto` module (engine/lua_crypto.c).
-- Synchronous; see engine/README.md, "`crypto`".

---@class crypto
local crypto = {}

---@param s string
---@return string digest 32 raw bytes
function crypto.sha256(s) end

---@param s string
---@return string digest 20 raw bytes
function crypto.sha1(s) end

---@param s string
---@return string digest 16 raw bytes
function crypto.md5(s) end

---@param key string
---@param msg string
---@return string mac 32 raw bytes
function crypto.hmac_sha256(key, msg) end

---@param s string
---@return string hex lowercase
function crypto.hex(s) end

---@param h string
---@return string|nil bytes
---@return string? message
---@return "invalid"? code
function crypto.unhex(h) end

---Standard alphabet, with padding.
---@param s string
---@return string
function crypto.base64_encode(s) end

---Standard alphabet; padding optional.
---@param b string
---@return string|nil bytes
---@return string? message
---@return "invalid"? code
function crypto.base64_decode(b) end

---@param n integer 0 .. 1048576
---@return string bytes
function crypto.random_bytes(n) end

---Constant-time equality (time depends on the lengths only).
---@param a string
---@param b string
---@return boolean
function crypto.equals(a, b) end

return crypto
