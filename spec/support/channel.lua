-- spec/support/channel.lua — the shop's channel as the channel specs need
-- it: a bot whose SHOP_CHANNEL_ID is a channel of its own in the emulator,
-- the spec catalog (support/bot.lua's), a product (with a photo) whose
-- description makes any caption too long, and a marketer.
--
--   local ch = channel.start()   -- { b =, emu =, fx =, channel =, marketer =, mu =, long_code = }
--   channel.stop(ch)             -- its posts, the catalog, the bot
local bot = require "support.bot"
local orders = require "support.orders"
local pg = require "pg"

local M = {}

function M.start()
  local ch = { channel = -(1009000000000 + math.random(1, 99999999)) }
  ch.b = bot.start { env = { SHOP_CHANNEL_ID = tostring(ch.channel) } }
  ch.emu = ch.b.emu
  local fx = bot.catalog(ch.b)
  ch.fx = fx
  ch.long_code = fx.code .. "-long"
  assert(pg.query([[INSERT INTO products (code, category_id, kind, name_ru, name_uz, description_ru, description_uz,
                                          price, colour, media_key)
                    VALUES ($1, $2, 'composition', $3, $4, $5, $5, 1000000, 'red', $6)]],
    ch.long_code, fx.sub, "Длинный " .. fx.n, "Uzun " .. fx.n, string.rep("Очень длинное описание. ", 60),
    "spec/" .. fx.tag .. "-rose"))
  ch.emu:chat(ch.channel, { type = "channel", title = "Guldasta" })
  ch.marketer = orders.staff("marketing")
  ch.mu = ch.emu:user { id = ch.marketer.tg_id }
  return ch
end

function M.stop(ch)
  if not ch then return end
  pg.query("DELETE FROM channel_posts WHERE chat_id = $1", ch.channel)
  bot.drop_catalog(ch.fx)
  if ch.b then ch.b:stop() end
end

return M
