-- spec/support/bot.lua — the bot as a black box for end-to-end specs:
-- the Bot API emulator in the spec's process, `guldasta serve` as a real
-- subprocess talking to it over HTTP, and a small catalog of the spec's own
-- (unique codes and names, so it never depends on the demo seed or on other
-- specs sharing the database).
--
--   local bot = require "support.bot"
--   local b = bot.start { owner = 9001 }           -- emulator + engine
--   local fx = bot.catalog(b)                        -- categories, products, a photo
--   local u = b.emu:user { id = bot.user_id() }
--   ...
--   bot.drop_catalog(fx); b:stop()
local Emulator = require "devkit.emulator"
local server = require "support.server"
local pg = require "pg"
local crypto = require "crypto"
local fs = require "fs"
local proc = require "proc"
local config = require "config"

local M = {}

local function rand(n) return crypto.hex(crypto.random_bytes(n)) end

-- A fresh Telegram user id (distinct across specs and runs).
function M.user_id()
  return 800000000 + (string.unpack("<I4", crypto.random_bytes(4)) % 100000000)
end

-- A number for names: digits survive every normalisation of the search
-- key, so "Qoʻgʻirchoq 482913" is found by "қўғирчоқ 482913" and by
-- nothing another spec created.
function M.number()
  return tostring(100000 + string.unpack("<I4", crypto.random_bytes(4)) % 900000)
end

local Bot = {}
Bot.__index = Bot

function Bot:stop()
  if self.srv then self.srv:stop() end
  self.emu:stop()
  if self.media_dir and self.media_dir:match("^/tmp/") then proc.run({ "rm", "-rf", self.media_dir }) end
end

function Bot:log() return self.srv:log() end

-- opts.owner: OWNER_TG_IDS; opts.root: a private project copy;
-- opts.env: more variables.
function M.start(opts)
  opts = opts or {}
  local token = "spec" .. rand(6)
  local emu = Emulator.start { token = token }
  local media_dir = "/tmp/guldasta-spec-media-" .. rand(6)
  assert(proc.run({ "mkdir", "-p", media_dir .. "/spec" }).code == 0)
  local env = {
    BOT_TOKEN = token,
    TELEGRAM_API_URL = emu.api_url,
    OWNER_TG_IDS = tostring(opts.owner or 1),
    MEDIA_DIR = media_dir,
    LOG_LEVEL = "warn",
    GULDASTA_WATCH = "0",
  }
  for k, v in pairs(opts.env or {}) do env[k] = v end
  local ok, srv = pcall(server.start, { root = opts.root, env = env })
  if not ok then emu:stop(); error(srv, 0) end
  return setmetatable({ emu = emu, srv = srv, media_dir = media_dir, token = token }, Bot)
end

-- A private copy of the project (scripts, rules, templates, migrations and
-- the engine's own Lua modules), for specs that change the application.
M.copy_root = server.copy_root

-- {======================================================================
-- The spec's catalog
-- =======================================================================

-- A tiny real PNG (8x8 red), for the card's photo.
local function png_bytes()
  local ok, png = pcall(require, "devkit.lib.png")
  if ok then
    local px = {}
    for _ = 1, 64 do px[#px + 1] = 200; px[#px + 1] = 20; px[#px + 1] = 40 end
    return png.encode(8, 8, px)
  end
  -- 1x1 PNG, should lib.png be missing
  return crypto.base64_decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
end

local function insert_category(code, parent, ru, uz, sort)
  return assert(pg.query([[INSERT INTO categories (code, parent_id, name_ru, name_uz, sort)
                           VALUES ($1, $2, $3, $4, $5) RETURNING id]], code, parent, ru, uz, sort))[1].id
end

local function insert_product(p)
  return assert(pg.query([[INSERT INTO products (code, category_id, kind, name_ru, name_uz, description_ru,
                             description_uz, price, colour, occasions, vip, media_key, active)
                           VALUES ($1, $2, 'composition', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                           RETURNING id]],
    p.code, p.category, p.ru, p.uz, p.desc_ru, p.desc_uz, p.price, p.colour,
    pg.array(p.occasions or {}), p.vip or false, p.media_key, p.active ~= false))[1].id
end

-- Creates, under a top-level category sorted first:
--   root "Спек N" / "Spek N"  ->  sub "Розы N" / "Atirgullar N" with
--   rose (photo, red, 8 March + birthday, 150 000), doll (Uzbek apostrophes,
--   no photo), vip (VIP, blue-white, anniversary, 650 000) and 9 fillers
--   (so the list has two pages), plus an inactive product.
-- Returns fx = { n=, tag=, root=, sub=, rose=, doll=, vip=, gone=, names... }.
function M.catalog(b)
  local n, tag = M.number(), rand(4)
  local code = "spec-" .. tag
  local fx = { n = n, tag = tag, code = code }
  fx.root_ru, fx.root_uz = "Спек " .. n, "Spek " .. n
  fx.sub_ru, fx.sub_uz = "Розы " .. n, "Atirgullar " .. n
  fx.root = insert_category(code .. "-root", nil, fx.root_ru, fx.root_uz, -1000000000)
  fx.sub = insert_category(code .. "-sub", fx.root, fx.sub_ru, fx.sub_uz, 0)
  fx.rose_ru, fx.rose_uz = "Роза алая " .. n, "Alvon atirgul " .. n
  fx.rose = insert_product { code = code .. "-rose", category = fx.sub, ru = fx.rose_ru, uz = fx.rose_uz,
    desc_ru = "Одна роза на длинном стебле.", desc_uz = "Uzun bandli bitta atirgul.",
    price = 15000000, colour = "red", occasions = { "march8", "birthday" }, media_key = "spec/" .. tag .. "-rose" }
  fx.doll_ru, fx.doll_uz = "Кукла из цветов " .. n, "Qoʻgʻirchoq guldasta " .. n
  fx.doll = insert_product { code = code .. "-doll", category = fx.sub, ru = fx.doll_ru, uz = fx.doll_uz,
    price = 21000000, colour = "pink", occasions = { "birthday" } }
  fx.vip_ru, fx.vip_uz = "Корзина люкс " .. n, "Hashamatli savat " .. n
  fx.vip = insert_product { code = code .. "-vip", category = fx.sub, ru = fx.vip_ru, uz = fx.vip_uz,
    price = 65000000, colour = "blue-white", occasions = { "anniversary" }, vip = true }
  for i = 1, 9 do
    insert_product { code = code .. "-f" .. i, category = fx.sub, ru = "Гвоздика " .. n .. "-" .. i,
      uz = "Chinnigul " .. n .. "-" .. i, price = 900000 + i * 100, colour = "white" }
  end
  fx.gone = insert_product { code = code .. "-gone", category = fx.sub, ru = "Снято " .. n,
    uz = "Olib tashlangan " .. n, price = 100000, active = false }
  if b then
    assert(fs.write(b.media_dir .. "/spec/" .. tag .. "-rose.png", png_bytes()))
  end
  return fx
end

function M.drop_catalog(fx)
  if not fx then return end
  pg.query("DELETE FROM products WHERE code LIKE $1", fx.code .. "-%")
  pg.query("DELETE FROM categories WHERE code = $1", fx.code .. "-sub")
  pg.query("DELETE FROM categories WHERE code = $1", fx.code .. "-root")
end

-- For a describe block whose tests share one bot and the spec catalog:
-- returns its setup and teardown (busted's setup/teardown are the spec
-- file's, not ours to call). Setup starts both and hands them to
-- `ready(b, fx)`; teardown drops them.
--   local start, stop = bot.catalog_fixture(function(b_, fx_) b, fx = b_, fx_ end)
--   setup(start); teardown(stop)
function M.catalog_fixture(ready)
  local b, fx
  local function start()
    b = M.start()
    fx = M.catalog(b)
    ready(b, fx)
  end
  local function stop()
    M.drop_catalog(fx)
    if b then b:stop() end
  end
  return start, stop
end

-- {======================================================================
-- Reading what the bot sent
-- =======================================================================

M.eventually = server.eventually

-- The bot's message `id` in u's chat as it is now, or nil (deleted).
function M.message(u, id)
  for _, m in ipairs(u:messages()) do
    if m.message_id == id then return m end
  end
end

-- Waits until the bot's message `id` in u's chat is deleted. A deletion is
-- often a step's last call (the constructor deletes its old screen after
-- sending the new one; a card's close is answered too): when the step's
-- other message is seen, the delete may still be on its way.
function M.wait_deleted(u, id, secs)
  M.eventually(function() return M.message(u, id) == nil end, secs or 10, "message " .. tostring(id) .. " to be deleted")
end

function M.body(m) return m and (m.text or m.caption) or "" end

-- The first button of m whose label contains `part` (plain text), or nil.
function M.button(m, part)
  for _, row in ipairs((m.reply_markup or {}).inline_keyboard or {}) do
    for _, b in ipairs(row) do
      if b.text:find(part, 1, true) then return b end
    end
  end
end

-- Every button of m: { {text=, callback_data=}, ... }.
function M.buttons(m)
  local out = {}
  for _, row in ipairs((m.reply_markup or {}).inline_keyboard or {}) do
    for _, b in ipairs(row) do out[#out + 1] = b end
  end
  return out
end

-- A predicate: the message's text or caption contains `part`.
function M.says(part)
  return function(m) return M.body(m):find(part, 1, true) ~= nil end
end

-- Presses the button labelled with `part` (first match), after checking it
-- is there, and returns the callback query.
function M.press(u, m, part)
  local b = M.button(m, part)
  assert(b, ("no button with %q on %q; buttons: %s"):format(part, M.body(m):sub(1, 80),
    (function() local t = {} for _, x in ipairs(M.buttons(m)) do t[#t + 1] = x.text end return table.concat(t, " | ") end)()))
  return u:press(m, b.callback_data)
end

-- On a paged list: presses "next" until a button with `part` shows, and
-- returns the message (the same one, edited).
function M.page_to(u, m, part, next_label, limit)
  for _ = 1, limit or 20 do
    if M.button(m, part) then return m end
    local id = m.message_id
    local before = M.body(m)
    M.press(u, m, next_label)
    m = u:wait_message(function(x) return x.message_id == id end, 10)
    assert(m.message_id == id, "paging sent a new message instead of editing")
    local _ = before
  end
  error("no button " .. part .. " after paging")
end

-- A user of bot b who has chosen `lang` (through `command`, "/start" by
-- default; "/lang" asks again whether or not they chose before). Returns the
-- user and the confirmation message that carries the menu.
function M.user_in(b, lang, opts)
  opts = opts or {}
  local i18n = require "i18n"
  local T = function(l, key) return i18n.str(i18n.t(l, key)) end
  local u = b.emu:user { id = opts.id or M.user_id() }
  u:command(opts.command or "/start")
  M.press(u, u:wait_message(M.says(T("ru", "lang.ask")), 10), T(lang, "lang.self"))
  return u, u:wait_message(M.says(T(lang, "lang.saved")), 10)
end

return M
