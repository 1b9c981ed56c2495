---@meta proc
-- Editor stub for the engine's `proc` module (engine/lua_proc.c).
-- proc.run and h:wait yield the current unit of work; see engine/README.md, "`proc`".

---@class proc
local proc = {}

---An array of strings (no shell), or one string run by /bin/sh -c.
---@alias proc.argv (string|number)[]|string

---@class proc.opts
---@field cwd? string
---@field env? table<string, string|number|false>  merged over the engine's environment; false removes
---@field stdin? string                              written to the child's stdin, then EOF
---@field timeout? number                            seconds; SIGKILL on expiry
---@field stdout? string|false                       spawn only: file path (appended) or false for /dev/null
---@field stderr? string|false                       spawn only: file path (appended) or false for /dev/null

---@class proc.result
---@field code integer     exit status, or 128 + signal number
---@field signal? string   the signal that ended it ("TERM", "KILL", ...)
---@field stdout string
---@field stderr string

---Runs a command to completion, capturing its output.
---On timeout: nil, message, "timeout", and the partial result fourth.
---@param argv proc.argv
---@param opts? proc.opts
---@return proc.result|nil result
---@return string? message
---@return string? code       "enoent", "eacces", "timeout", ...
---@return proc.result? partial
function proc.run(argv, opts) end

---@class proc.handle
local handle = {}

---@return integer
function handle:pid() end

---@return boolean
function handle:running() end

---Sends a signal (name like "TERM"/"KILL"/"INT" or a number; default "TERM").
---@param sig? string|integer
---@return true|nil ok
---@return string? message
---@return string? code    "esrch" when the process has exited
function handle:kill(sig) end

---Yields until the process exits. With timeout (seconds) and the process
---still running: nil, message, "timeout".
---@param timeout? number
---@return integer|nil code   exit status, or 128 + signal number
---@return string? signal     signal name, or (on timeout) the message
---@return string? errcode    "timeout"
function handle:wait(timeout) end

---Starts a command in the background. It gets SIGTERM when the generation
---that started it is retired; dropping the handle does not stop it.
---@param argv proc.argv
---@param opts? proc.opts
---@return proc.handle|nil handle
---@return string? message
---@return string? code
function proc.spawn(argv, opts) end

return proc
