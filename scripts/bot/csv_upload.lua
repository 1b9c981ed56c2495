-- scripts/bot/csv_upload.lua — a CSV file sent to the bot by the owner or a
-- manager: a catalog (shop/catalog_csv.lua) or a stock count
-- (shop/inventory/count.lua), told apart by the header. The bot fetches
-- the file (getFile and the file link), answers with the dry run — how
-- many lines change, how many do not, the refused ones with their line
-- numbers and reasons — and applies it, in one transaction, only when
-- [Apply] is pressed. A file with a refused line has no [Apply].
-- A feature module (bot/router.lua).
--
-- The file waits in Redis ("up:<user_id>", rules/orders.lua's
-- AWAIT_MINUTES) with a token that the button carries: up:a:<token>
-- applies that file and no other (a newer upload replaces it), up:x drops
-- it. Apply plans again under the rows' locks, so what changed in between
-- is refused then, with nothing applied.
local i18n = require "i18n"
local json = require "json"
local redis = require "redis"
local crypto = require "crypto"
local rules = require "rules"
local keyboard = require "bot.keyboard"
local out = require "bot.out"
local users = require "shop.users"
local csv = require "lib.csv"
local count = require "shop.inventory.count"
local catalog_csv = require "shop.catalog_csv"

local M = {}

local ROLE = "manager"   -- owners pass every role check

local function t(ctx, key, vars) return i18n.t(ctx.lang, key, vars) end
local function say(ctx, text, rows)
  return out.show(ctx, { text = text, markup = rows and keyboard.markup(rows) or nil, fresh = true })
end
local function key(user_id) return "up:" .. user_id end

-- The file read: { kind = "catalog" | "stock", parsed =, lines = } | nil, Text
local function read(ctx, text)
  local parsed, err = csv.parse(text)
  if not parsed then
    local line = tostring(err):match("line (%d+)")
    return nil, line and t(ctx, "upload.unreadable_line", { line = line }) or t(ctx, "upload.unreadable")
  end
  if catalog_csv.is_catalog(parsed.header) then return { kind = "catalog", parsed = parsed } end
  local lines = count.lines(parsed)
  if lines then return { kind = "stock", parsed = parsed, lines = lines } end
  return nil, t(ctx, "upload.unknown_header")
end

local function plan(f, actor, note)
  if f.kind == "catalog" then
    if actor then return catalog_csv.apply(actor, f.parsed) end
    return catalog_csv.plan(f.parsed)
  end
  if actor then return count.apply(actor, f.lines, note) end
  return count.plan(f.lines)
end

local function reason(ctx, kind, r)
  return t(ctx, "upload.reason." .. kind .. "." .. r.reason:match("[^.]+$"), r.params or {})
end

local function line_text(ctx, kind, r)
  local code = r.code ~= "" and r.code or "-"
  if r.status == "refused" then
    return t(ctx, "upload.line.refused", { line = r.line, code = code, reason = reason(ctx, kind, r) })
  end
  if kind == "stock" then
    return t(ctx, "upload.line.stock", { line = r.line, code = code, before = r.on_hand[1], after = r.on_hand[2] })
  end
  if r.new then return t(ctx, "upload.line.new", { line = r.line, code = code }) end
  return t(ctx, "upload.line.catalog", { line = r.line, code = code, fields = table.concat(r.fields, ", ") })
end

-- The summary of a plan or an apply: the totals, then the lines that
-- matter (refused first, then changed), at most UPLOAD_LINES_SHOWN.
local function summary(ctx, kind, name, results, totals)
  local parts = { t(ctx, "upload.summary." .. kind, { file = name, changed = totals.changed,
                                                       unchanged = totals.unchanged, refused = totals.refused }) }
  local limit, shown, listed = rules.inventory.UPLOAD_LINES_SHOWN, 0, 0
  for _, status in ipairs { "refused", "changed" } do
    for _, r in ipairs(results) do
      if r.status == status then
        listed = listed + 1
        if shown < limit then shown = shown + 1; parts[#parts + 1] = line_text(ctx, kind, r) end
      end
    end
  end
  if listed > shown then parts[#parts + 1] = t(ctx, "upload.more", { count = listed - shown }) end
  return parts
end

local function on_document(ctx)
  local doc = ctx.msg.document
  if not users.has_role(ctx.user, ROLE) then return say(ctx, t(ctx, "upload.role")) end
  local max = rules.inventory.UPLOAD_MAX_BYTES
  if math.tointeger(doc.file_size) and doc.file_size > max then
    return say(ctx, t(ctx, "upload.too_big", { max = max // 1024 }))
  end
  local data, _, code = require("tg").download(doc.file_id, max)
  if not data then
    return say(ctx, t(ctx, code == "too_big" and "upload.too_big" or "upload.fetch_failed", { max = max // 1024 }))
  end
  local f, why = read(ctx, data)
  if not f then return say(ctx, why) end
  local name = type(doc.file_name) == "string" and doc.file_name or "file.csv"
  local results, totals = plan(f)
  if not results then return say(ctx, t(ctx, "upload.unknown_header")) end
  local parts = summary(ctx, f.kind, name, results, totals)
  local rows
  if totals.refused > 0 then
    parts[#parts + 1] = t(ctx, "upload.blocked")
  elseif totals.changed == 0 then
    parts[#parts + 1] = t(ctx, "upload.nothing")
  else
    local token = crypto.hex(crypto.random_bytes(6))
    redis.call("SET", key(ctx.user.id), assert(json.encode({ token = token, name = name, text = data })),
      "EX", rules.orders.AWAIT_MINUTES * 60)
    parts[#parts + 1] = t(ctx, "upload.confirm")
    rows = { { keyboard.button(t(ctx, "upload.button.apply"), keyboard.cb("up", "a", token)),
               keyboard.button(t(ctx, "upload.button.cancel"), keyboard.cb("up", "x")) } }
  end
  return say(ctx, i18n.join(parts, "\n"), rows)
end

function M.on_input(ctx)
  local doc = ctx.msg and ctx.msg.document
  if type(doc) ~= "table" or type(doc.file_id) ~= "string" then return false end
  -- other documents are not this feature's (the router's "not text" answer)
  local name, mime = tostring(doc.file_name or ""):lower(), tostring(doc.mime_type or ""):lower()
  if not (name:match("%.csv$") or mime:find("csv", 1, true)) then return false end
  on_document(ctx)
  return true
end

local function take(user_id, token)
  local raw = redis.call("GET", key(user_id))
  if raw == redis.null or raw == nil then return nil end
  local st = json.decode(raw)
  if type(st) ~= "table" or st.token ~= token then return nil end
  -- one press applies it: a second press (or another engine process) finds nothing
  if redis.call("DEL", key(user_id)) ~= 1 then return nil end
  return st
end

local function on_apply(ctx, args)
  out.answer(ctx)
  local st = take(ctx.user.id, args[3])
  if not st then return say(ctx, t(ctx, "upload.expired")) end
  local f = read(ctx, st.text)
  if not f then return say(ctx, t(ctx, "upload.expired")) end
  local results, totals, applied, ekey = plan(f, ctx.user, "bot upload: " .. st.name)
  if not results then return say(ctx, t(ctx, "upload.error")) end
  local parts = summary(ctx, f.kind, st.name, results, totals)
  if applied then
    parts[#parts + 1] = t(ctx, "upload.applied", { changed = totals.changed })
  else
    parts[#parts + 1] = t(ctx, (ekey or totals.refused == 0) and "upload.error" or "upload.moved")
  end
  return say(ctx, i18n.join(parts, "\n"))
end

local function on_cancel(ctx)
  out.answer(ctx)
  redis.call("DEL", key(ctx.user.id))
  return say(ctx, t(ctx, "upload.cancelled"))
end

local function on_press(ctx, args)
  if args[2] == "a" then return on_apply(ctx, args) end
  return on_cancel(ctx)
end

M.callbacks = {
  up = { fn = on_press, role = ROLE },
}

return M
