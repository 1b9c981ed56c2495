---@meta tg
-- Editor stub for the engine's `tg` module (engine/lua/tg.lua).
-- See engine/README.md, "`tg`".

---@class tg
local tg = {}

---@alias tg.code integer|"network"|"timeout"|"busy"

---@class tg.upload
---@field name string          form field; refer to it as "attach://<name>"
---@field data string          the bytes
---@field filename string|nil
---@field content_type string|nil

---@class tg.call_opts
---@field timeout number|nil   seconds, default 30
---@field files tg.upload[]|nil  switches to multipart/form-data
---@field result false|nil  false: a success returns true without decoding the answer
---@field raw boolean|nil  a success returns Telegram's answer as text
---@field json string|nil  more parameters as ready JSON object members ('"text":"…"')

---One direct Bot API call: no rate limiting, no retry.
---@param method string        "getMe", "answerCallbackQuery", ...
---@param params table|nil
---@param opts tg.call_opts|nil
---@return any|nil result
---@return string|nil description
---@return tg.code|nil error_code
---@return table|nil parameters  ResponseParameters (retry_after, migrate_to_chat_id)
function tg.call(method, params, opts) end

---A call that puts a message in a chat, through the outbound limiter:
---~30/s overall, 1/s per private chat (burst 3), 20/min per group or channel,
---shared across processes; 429 waited out; 5xx/network retried with backoff;
---gives up after 6 attempts or 120 s with a logged error. Returns when sent.
---@param method string        "sendMessage", "sendPhoto", "editMessageText", ...
---@param params table
---@param opts tg.call_opts|nil
---@return any|nil result
---@return string|nil description
---@return tg.code|nil error_code
---@return table|nil parameters
function tg.send(method, params, opts) end

---@class tg.media
---@field key string   cache key, e.g. "products/S01"
---@field path string  absolute path of the image file

---sendPhoto by cached file_id, or uploaded once and the file_id cached.
---@param params table   sendPhoto parameters without `photo`
---@param media tg.media
---@param opts tg.call_opts|nil  as for tg.send (an upload always decodes its answer)
---@return table|nil message
---@return string|nil description
---@return tg.code|nil error_code
function tg.send_photo(params, media, opts) end

---@param key string
---@return string|nil file_id
function tg.file_id(key) end

---@param key string
---@param file_id string
function tg.remember_file_id(key, file_id) end

---@param key string
function tg.forget_file_id(key) end

---Registers the application's update handler (while the generation loads).
---@param fn fun(update: table)
function tg.on_update(fn) end

---Starts long polling, or the webhook when WEBHOOK_URL is set (at load).
function tg.start() end

---@param update table
---@return integer|nil chat_id
function tg.chat_id_of(update) end

---@param update table
---@return table|nil user  the User who caused the update
function tg.user_of(update) end

---@param update table
---@return string kind  "message", "callback_query", ...
function tg.kind_of(update) end

---The file_id of a photo message's largest size, or nil when it is not a photo.
---@param message table
---@return string|nil
function tg.photo_id(message) end

---answerCallbackQuery; opts: show_alert, url, cache_time.
---@param callback_query table|string  the query or its id
---@param text string|nil
---@param opts table|nil
---@return any|nil result
---@return string|nil description
---@return tg.code|nil error_code
function tg.answer(callback_query, text, opts) end

return tg
