-- scripts/bot/card.lua — the product card: photo, name, description, price,
-- colour, occasions, and its buttons.
--
-- A card is always a new message (with the photo when we have one), so the
-- list it was opened from stays above it to go on browsing; "x" closes the
-- card again. The photo is our own file, config.media_dir/<media_key>
-- (".png" added when the key has no extension): the tg module uploads it
-- once and reuses Telegram's file_id after that. No file: a text card.
--
-- Out of season (rules/season.lua), the card says when the product is in
-- season and has no "Add to cart" button — or, when the rule hides such
-- products, is not shown at all. The cart refuses it either way (an old
-- card's button still says a:<id>).
local i18n = require "i18n"
local fs = require "fs"
local timer = require "timer"
local config = require "config"
local keyboard = require "bot.keyboard"
local catalog = require "shop.catalog"
local listing = require "bot.listing"
local out = require "bot.out"
local season = require "shop.season"
local season_text = require "bot.season"
local recommend = require "shop.recommend"
local redis = require "redis"

local M = {}

-- {======================================================================
-- Photos
-- =======================================================================

local STAT_TTL = 30            -- seconds a "file exists / does not" answer is trusted
local photo_cache = {}         -- media_key -> { path = string|false, at = monotonic }

local function media_path(key)
  if key:find("%.%.") or key:sub(1, 1) == "/" then return nil end   -- stay under media_dir
  local base = config.media_dir .. "/" .. key
  local candidates = key:find("%.%w+$") and { base } or { base .. ".png", base .. ".jpg", base }
  for _, path in ipairs(candidates) do
    local st = fs.stat(path)
    if st and st.type == "file" then return path end
  end
  return nil
end

-- { key =, path = } for a product with a photo file, else nil.
function M.media(p)
  if not p.media_key or p.media_key == "" then return nil end
  local now = timer.monotonic()
  local hit = photo_cache[p.media_key]
  if not hit or now - hit.at > STAT_TTL then
    hit = { path = media_path(p.media_key) or false, at = now }
    photo_cache[p.media_key] = hit
  end
  if not hit.path then return nil end
  return { key = p.media_key, path = hit.path }
end

-- {======================================================================
-- The card
-- =======================================================================

local function names(lang, prefix, codes)
  local out_list = {}
  for _, code in ipairs(codes) do
    if i18n.has(lang, prefix .. code) then out_list[#out_list + 1] = i18n.t(lang, prefix .. code) end
  end
  return out_list
end

-- The card's text (caption): a Text. off: out of season.
function M.text(lang, p, off)
  local lines = { i18n.t(lang, "card.title", { name = catalog.name(lang, p) }) }
  if p.vip then lines[#lines + 1] = i18n.t(lang, "card.vip") end
  local desc = catalog.description(lang, p)
  if desc and desc ~= "" then lines[#lines + 1] = i18n.t(lang, "card.description", { text = desc }) end
  lines[#lines + 1] = i18n.t(lang, "card.price", { price = listing.price(lang, p.price) })
  if off then lines[#lines + 1] = season_text.card_line(lang, p) end
  local colours = names(lang, "colour.", catalog.colour_codes(p))
  if #colours > 0 then
    lines[#lines + 1] = i18n.t(lang, "card.colour", { colours = i18n.join(colours, ", ") })
  end
  local occasions = names(lang, "occasion.", p.occasions)
  if #occasions > 0 then
    lines[#lines + 1] = i18n.t(lang, "card.occasions", { occasions = i18n.join(occasions, ", ") })
  end
  return i18n.join(lines, "\n")
end

-- One button per suggestion (shop/recommend.lua), each opening that
-- product's card: "often chosen together", "suits you", "best seller".
function M.suggestion_rows(lang, list)
  local rows = {}
  for _, s in ipairs(list) do
    rows[#rows + 1] = { keyboard.button(i18n.t(lang, "recommend." .. s.source,
      { name = catalog.name(lang, s.product) }), keyboard.cb("p", s.product.id)) }
  end
  return rows
end

-- The card's buttons. from_list: opened from a list above it (so "close"
-- makes sense); off: out of season (nothing to add). Returns the rows;
-- M.markup seals them.
function M.rows(lang, p, from_list, off)
  local rows = {}
  if not off then rows[#rows + 1] = { keyboard.button(i18n.t(lang, "card.add"), keyboard.cb("a", p.id)) } end
  local nav = {}
  local cat = p.category_id and catalog.get().categories[p.category_id]
  if cat then
    nav[#nav + 1] = keyboard.button(i18n.t(lang, "card.category", { name = catalog.name(lang, cat) }),
      keyboard.cb("c", cat.id, 0))
  end
  if from_list then nav[#nav + 1] = keyboard.button(i18n.t(lang, "common.close"), "x") end
  rows[#rows + 1] = nav
  rows[#rows + 1] = { keyboard.button(i18n.t(lang, "common.menu"), "m") }
  return rows
end

function M.markup(lang, p, from_list, off) return keyboard.markup(M.rows(lang, p, from_list, off)) end

-- The card's suggestions and its photo's file_id, read from Redis in one
-- round trip (the recommendations' reads and the file_id's). Returns the
-- suggestions and the photo with its file_id (photo.file_id, false: none
-- cached; the tg module then uploads the photo without asking again).
local function reads(p, user, off, photo)
  local tg = require "tg"
  local cmds = off and {} or recommend.commands(p.id)
  local n = #cmds
  if photo then cmds[n + 1] = tg.file_id_command(photo.key) end
  if #cmds == 0 then return {}, photo end
  local res = redis.pipeline(cmds)
  if photo and res then photo.file_id = tg.file_id_of(res[n + 1]) end
  if off then return {}, photo end
  return recommend.for_product(p.id, user, res and table.move(res, 1, n, 1, {}) or false), photo
end

-- Sends product `id`'s card. Returns false when there is no such active
-- product (or it is out of season and the rule hides it). opts.from_list:
-- see M.markup.
--
-- The text and buttons of a card are kept on the catalog's copy of the
-- product, per language and from_list (an edit in the shop makes a new
-- copy, so it shows within the catalog's TTL as before).
function M.send(ctx, id, opts)
  local p = catalog.get().products[id]
  if not p then return false end
  local shown = season.shown(p)
  if shown == "hidden" then return false end
  local off = shown ~= "yes"
  local lang, from_list = ctx.lang, opts and opts.from_list and true or false
  local cards = p.cards
  if not cards then cards = {}; p.cards = cards end
  local ck = (from_list and lang .. ":l" or lang) .. (off and ":off" or "")
  local c = cards[ck]
  if not c then
    c = { text = M.text(lang, p, off), rows = M.rows(lang, p, from_list, off) }
    c.markup = keyboard.markup(c.rows)
    cards[ck] = c
  end
  -- the suggestions are the client's own, so they are added to the kept
  -- buttons, above them, rather than kept with them
  local markup = c.markup
  local suggested, photo = reads(p, ctx.user, off, M.media(p))
  if #suggested > 0 then
    local rows = M.suggestion_rows(lang, suggested)
    for _, r in ipairs(c.rows) do rows[#rows + 1] = r end
    markup = keyboard.markup(rows)
  end
  out.show(ctx, { text = c.text, markup = markup, photo = photo, fresh = true })
  return true
end

-- "p:<id>[:l]"
function M.on_press(ctx, args)
  local id = math.tointeger(tonumber(args[2]))
  if not id or not M.send(ctx, id, { from_list = args[3] == "l" }) then
    return out.answer(ctx, i18n.t(ctx.lang, "card.gone"))
  end
end

-- "x": close a card.
function M.on_close(ctx)
  if ctx.cq and ctx.cq.message then out.delete(ctx.chat_id, ctx.cq.message.message_id) end
end

return M
