---@meta fs
-- Editor stub for the engine's `fs` module (engine/lua_fs.c).
-- Calls yield the current unit of work; see engine/README.md, "`fs`".

---@class fs
local fs = {}

---libuv's error name in lower case ("enoent", "eacces", "eisdir", "enotdir",
---"eexist", "enotempty", "enospc", "einval", ...).
---@alias fs.code string

---@class fs.stat
---@field size integer   bytes
---@field mtime number   seconds since the epoch, with fractions
---@field type "file"|"dir"|"link"|"fifo"|"socket"|"char"|"block"|"other"
---@field mode integer   permission bits (st_mode & 07777)

---Reads the whole file.
---@param path string
---@return string|nil data
---@return string? message
---@return fs.code? code
function fs.read(path) end

---Replaces the file atomically (temporary file, fdatasync, rename).
---@param path string
---@param data string
---@return true|nil ok
---@return string? message
---@return fs.code? code
function fs.write(path, data) end

---Entry names of a directory, sorted bytewise, without "." and "..".
---@param dir string
---@return string[]|nil names
---@return string? message
---@return fs.code? code
function fs.list(dir) end

---stat(2), following symbolic links.
---@param path string
---@return fs.stat|nil stat
---@return string? message
---@return fs.code? code
function fs.stat(path) end

---Creates one directory (mode 0777 less the umask); "eexist" if it exists.
---@param path string
---@return true|nil ok
---@return string? message
---@return fs.code? code
function fs.mkdir(path) end

---Removes a file, a symbolic link or an empty directory.
---@param path string
---@return true|nil ok
---@return string? message
---@return fs.code? code
function fs.remove(path) end

return fs
