---@meta http
-- Editor stub for the engine's `http` module (engine/lua_http.c).
-- Client calls yield the current unit of work; see engine/README.md, "`http`".

---@class http
local http = {}

---@alias http.code "timeout"|"refused"|"resolve"|"closed"|"tls"|"url"|"too_large"|"failed"

---@class http.req
---@field method string   "GET", "POST", ...
---@field path string     without the query string
---@field query string    raw query without '?', "" when none
---@field headers table<string, string>  lowercase names; repeated headers joined with ", "
---@field body string     "" when none
---@field id string       X-Request-Id if sent, else the unit of work's id
---@field remote string   "ip:port" of the peer

---A route handler: returns status (200-599), body (string, nil, or a table
---sent as JSON) and optional headers (name -> string|number|string[]).
---A raise answers 500 {"error":"internal"}.
---@alias http.handler fun(req: http.req): integer, (string|table|nil)?, table<string, string|number|string[]>?

---Registers a route in the current generation. `method` is uppercase or "*";
---`path` is exact ("/healthz") or a prefix ending in '*' ("/api/v1/*").
---@param method string
---@param path string
---@param handler http.handler
function http.route(method, path, handler) end

---Starts this process's HTTP server (SO_REUSEPORT); port 0 picks a free one.
---Codes: "busy" (already serving), "listen" (cannot bind).
---@param host? string  default "127.0.0.1"
---@param port? integer default 0
---@return integer|nil port
---@return string? message
---@return string? code
function http.serve(host, port) end

---The port being served, or nil.
---@return integer|nil
function http.port() end

---Largest request body accepted (bytes) for the whole process; default 1 MiB.
---Bigger bodies are answered 413.
---@param bytes integer
function http.set_body_limit(bytes) end

---@class http.part
---@field name string
---@field data string
---@field filename? string
---@field content_type? string

---@class http.opts
---@field url string
---@field method? string       uppercase; GET, or POST when body/form is given
---@field headers? table<string, string|number>
---@field body? string
---@field form? http.part[]    multipart/form-data
---@field timeout? number      seconds, default 30
---@field max_body? integer    bytes, default 64 MiB
---@field follow? boolean|integer  follow redirects (true = up to 5)
---@field success_marker? string  a 2xx body containing it comes back as {status, matched = true}, no body
---@field json_items? string   a 2xx JSON object body with this member an array comes back as {status, items = {text...}}

---@class http.res
---@field status integer
---@field headers table<string, string>  lowercase names
---@field body string            absent when matched or items
---@field matched? true          the body held opts.success_marker
---@field items? string[]        the elements of opts.json_items, as JSON texts (no body)

---Performs an HTTP(S) request. Any HTTP status is a result; transport
---failures return nil, message, code.
---@param opts http.opts
---@return http.res|nil res
---@return string? message
---@return http.code? code
function http.request(opts) end

---`http.request` with method GET.
---@param url string
---@param opts? http.opts
---@return http.res|nil res
---@return string? message
---@return http.code? code
function http.get(url, opts) end

---Test helper: sends raw bytes over TCP and returns what was read until the
---peer closed (or until `timeout`, if anything came).
---@param host string  an IP address
---@param port integer
---@param bytes string
---@param timeout? number seconds, default 5
---@return string|nil data
---@return string? message
---@return string? code
function http.raw(host, port, bytes, timeout) end

return http
