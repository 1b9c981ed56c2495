---@meta exec
-- Editor stub for the engine's `exec` module (engine/lua_exec.c).
-- exec.run yields the current unit of work; see engine/README.md, "`exec`".

---@class exec
local exec = {}

---"enoent", "eacces", ... (the program could not start), "exit" (non-zero
---status), "signal", "timeout", "too_big" (more than max_output).
---@alias exec.code string

---@class exec.opts
---@field stdin? string       written to the program, then end-of-file
---@field timeout? number     seconds before it is killed (default 10)
---@field max_output? integer bytes of stdout (and of stderr) kept (default 8 MiB)

---Runs argv[1] (looked up in PATH) with argv, no shell, to its end.
---@param argv string[]
---@param opts? exec.opts
---@return string|nil stdout
---@return string? message
---@return exec.code? code
function exec.run(argv, opts) end

return exec
