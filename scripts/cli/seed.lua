-- scripts/cli/seed.lua — `guldasta seed`: loads the demo catalog of a
-- Bukhara flower shop (devkit/seed/*.lua) with its pictures.
--
--   guldasta seed                         categories, products, recipes, stock, photos
--   MEDIA_DIR=/srv/media guldasta seed    photos somewhere else (default <root>/media)
--
-- Order of work: check the data (domain.md §4 sanity rules; nothing is
-- written when a check fails), paint the pictures that changed into
-- MEDIA_DIR/products/<code>.png, then upsert everything in one transaction
-- and forget the Telegram file_id of every rewritten picture (products and
-- the tg module's Redis cache, tg.forget_file_id: its keys are per bot
-- token, so BOT_TOKEN should be the bot's).
--
-- Idempotent: a second run finds every row and picture as it left them and
-- changes nothing. Exit code 1 with a message on any failure.
local config = require "config"
local engine = require "engine"
local tg = require "tg"
local timer = require "timer"
local catalog_mod = require "devkit.seed.catalog"
local check = require "devkit.seed.check"
local photos = require "devkit.seed.photos"
local store = require "devkit.seed.store"

local cli = require "lib.cli"
local say, failed = cli.say, cli.failer("seed")

local function main()
  local t0 = timer.monotonic()
  local catalog = catalog_mod.load()
  local problems = check.run(catalog)
  if #problems > 0 then
    return failed("the demo catalog has problems, nothing was written:\n  ", table.concat(problems, "\n  "))
  end

  local pics, err = photos.write_all(catalog, config.media_dir)
  if not pics then return failed("photos in ", config.media_dir, ": ", tostring(err)) end
  local rewritten = {}
  for _, code in ipairs(pics.written) do rewritten[code] = true end

  local counts, code
  counts, err, code = store.save(catalog, { rewritten = rewritten })
  if not counts then return failed("database: ", tostring(err), " (", tostring(code), ")") end

  for _, c in ipairs(pics.written) do
    local ok, rerr = tg.forget_file_id(photos.media_key(c))
    if not ok then return failed("redis: cannot forget the cached file_id of ", c, ": ", tostring(rerr)) end
  end

  local function triple(c) return string.format("%d new, %d updated, %d unchanged", c.inserted, c.updated, c.unchanged) end
  say(string.format("seed: categories: %s", triple(counts.categories)))
  say(string.format("seed: products: %s", triple(counts.products)))
  say(string.format("seed: recipe lines changed: %d; stock rows created: %d", counts.recipes, counts.stock))
  say(string.format("seed: photos in %s: %d written, %d unchanged", config.media_dir, #pics.written, pics.kept))
  say(string.format("seed: done in %.1f s", timer.monotonic() - t0))
end

main()
