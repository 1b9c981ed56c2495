-- engine/lua/tg/media.lua — photos: uploaded once, then sent by file_id.
--
-- Telegram gives every uploaded file a file_id the same bot may reuse
-- forever; sending by file_id costs no upload and is instant. The cache is
-- the Redis hash `tg:file_ids` (media key -> file_id), shared by all
-- processes. A cached id Telegram no longer knows is forgotten and the file
-- uploaded again. Two units wanting the same new photo at once do not both
-- upload: the first takes `tg:uploading:<key>` and the others wait for its
-- file_id (bounded; after that they upload themselves).
local redis = require "redis"
local fs = require "fs"
local timer = require "timer"
local send = require "tg.send"
local keys = require "tg.keys"

local M = {}

local TYPES = { png = "image/png", jpg = "image/jpeg", jpeg = "image/jpeg", webp = "image/webp", gif = "image/gif" }

-- The command M.file_id sends, for a caller that reads it in its own
-- pipeline with what else it needs, and what M.file_id makes of its reply:
-- the file_id, false when none is cached, nil when the reply is an error.
function M.file_id_command(key)
  return { "HGET", keys.prefix() .. "file_ids", key }
end

function M.file_id_of(reply)
  if type(reply) == "string" then return reply end
  if reply == redis.null then return false end
  return nil
end

function M.file_id(key)
  local v, err, code = redis.call(table.unpack(M.file_id_command(key)))
  if v == nil then return nil, err, code end
  return M.file_id_of(v) or nil
end

function M.remember_file_id(key, file_id)
  return redis.call("HSET", keys.prefix() .. "file_ids", key, file_id)
end

function M.forget_file_id(key)
  return redis.call("HDEL", keys.prefix() .. "file_ids", key)
end

-- The largest size's file_id of a photo message (one the bot sent, or
-- one a user sent it), or nil.
function M.photo_id(msg)
  local sizes = type(msg) == "table" and msg.photo
  if type(sizes) ~= "table" or #sizes == 0 then return nil end
  return sizes[#sizes].file_id
end

local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

local function upload(params, media, opts)
  local data, err, code = fs.read(media.path)
  if not data then return nil, err, code end
  local name = media.path:match("([^/]+)$") or "photo"
  local ext = (name:match("%.(%w+)$") or ""):lower()
  local p = copy(params)
  p.photo = nil      -- the file part named "photo" is the photo
  local res, serr, scode, extra = send.send("sendPhoto", p, {
    files = { { name = "photo", data = data, filename = name, content_type = TYPES[ext] or "application/octet-stream" } },
    timeout = 120,
    json = opts and opts.json,      -- caption and keyboard, as the caller gave them
  })
  if not res then return nil, serr, scode, extra end
  local id = M.photo_id(res)
  if id and media.key then M.remember_file_id(media.key, id) end
  return res
end

-- tg.send_photo(params, media, opts): params as for sendPhoto without
-- `photo`; media = { key = "products/S01", path = "/abs/file.png" }; opts as
-- for tg.send (an upload always reads its result: the file_id is in it).
-- media.file_id, when the caller read it already (M.file_id_of: a string,
-- or false for none cached), saves reading it again.
function M.send_photo(params, media, opts)
  assert(type(media) == "table" and (media.key or media.path), "tg.send_photo: media needs key and path")
  local key = media.key
  local fid = media.file_id
  if fid == nil then fid = key and M.file_id(key) end
  if fid then
    local p = copy(params)
    p.photo = fid
    local res, err, code, extra = send.send("sendPhoto", p, opts)
    if res or code ~= 400 or not tostring(err):find("file", 1, true) then return res, err, code, extra end
    M.forget_file_id(key)      -- a file_id Telegram does not know (another bot's, a reset test server)
  end
  if not media.path then return nil, "no cached file_id for " .. tostring(key) .. " and no path", "enoent" end
  if not key then return upload(params, media, opts) end
  local lock = keys.prefix() .. "uploading:" .. key
  if redis.call("SET", lock, "1", "NX", "EX", 60) == "OK" then
    local res, err, code, extra = upload(params, media, opts)
    redis.call("DEL", lock)
    return res, err, code, extra
  end
  -- someone else uploads it right now: wait for the file_id (bounded)
  local deadline = timer.monotonic() + 30
  while timer.monotonic() < deadline do
    timer.sleep(0.05)
    fid = M.file_id(key)
    if fid then
      local p = copy(params)
      p.photo = fid
      return send.send("sendPhoto", p, opts)
    end
    if redis.call("EXISTS", lock) == 0 then break end
  end
  return upload(params, media, opts)
end

return M
