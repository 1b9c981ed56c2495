-- spec/channel_posts_spec.lua — publishing to the shop's channel, end to
-- end through the engine and the Bot API emulator: the marketer's /post
-- shows a preview with [Publish] [Cancel]; the post (photo, caption from
-- the template, [Order] deep link) reaches SHOP_CHANNEL_ID; a press of
-- [Order] comes back as /start, is counted for the post and opens the
-- product; an order after it is the post's in /posts; a post scheduled for
-- a time goes out once its due time (kept in PostgreSQL) comes, and one
-- missed while the engine was down goes out, once, when two engine
-- processes come back; a caption
-- over Telegram's limit is refused; a customer cannot /post.
local bot = require "support.bot"
local support_channel = require "support.channel"
local server = require "support.server"
local orders = require "support.orders"
local pg = require "pg"
local i18n = require "i18n"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end

local function q(sql, ...) return assert(pg.query(sql, ...)) end

-- The text of template `key` with one value as a pattern: "%d+".
local function shape(lang, key, vars, var)
  local marker = "\1"
  local v = {}
  for k, x in pairs(vars) do v[k] = x end
  v[var] = marker
  local s = T(lang, key, v):gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0")
  return s:gsub("\1", "%%d+")
end

local function order_url(m)
  for _, row in ipairs((m.reply_markup or {}).inline_keyboard or {}) do
    for _, btn in ipairs(row) do
      if btn.url then return btn.url, btn.text end
    end
  end
end

describe("channel posts", function()
  local b, fx, emu, channel, marketer, mu, long_code

  local ch

  setup(function()
    ch = support_channel.start()
    b, emu, fx, channel, marketer, mu, long_code = ch.b, ch.emu, ch.fx, ch.channel, ch.marketer, ch.mu, ch.long_code
  end)

  teardown(function() support_channel.stop(ch) end)

  local function posts_in_channel()
    local n = 0
    for _, m in ipairs(emu:chat(channel):messages()) do if m.photo then n = n + 1 end end
    return n
  end

  -- /post and its preview: returns the preview photo, the question and the post's id.
  local function preview(rest, question_key, vars)
    mu:mark_seen()
    mu:command("/post", rest)
    local photo = mu:wait_message(function(m) return m.photo ~= nil end, 15)
    local url = order_url(photo)
    local post = tonumber(assert(url, "the preview has an [Order] button"):match("_(%d+)$"))
    local v = { id = post }
    for k, x in pairs(vars or {}) do v[k] = x end
    local question = mu:wait_message(bot.says(T("ru", question_key or "channel.preview_now", v)), 10)
    return photo, question, post, url
  end

  it("posts the photo, caption and deep link; the click is counted and the order attributed", function()
    local code = fx.code .. "-rose"
    local photo, question, post, url = preview(code)
    assert.equal("https://t.me/guldasta_test_bot?start=p_" .. fx.rose .. "_" .. post, url)
    assert.truthy(photo.caption:find(fx.rose_ru, 1, true), photo.caption)
    assert.equal(0, posts_in_channel(), "a preview is not a post")

    bot.press(mu, question, T("ru", "channel.publish"))
    local cm = emu:chat(channel):wait_message(function(m) return m.photo ~= nil end, 15)
    assert.truthy(cm.caption:find(fx.rose_ru, 1, true), cm.caption)
    assert.truthy(cm.caption:find("150 000", 1, true), cm.caption)
    -- sent as Telegram HTML, the photo by the file_id its preview's upload got
    local call
    for _, c in ipairs(emu.calls) do
      if c.method:lower() == "sendphoto" and tonumber(c.params.chat_id) == channel then call = c end
    end
    assert.equal("HTML", call.params.parse_mode)
    assert.equal("string", type(call.params.photo))
    assert.is_nil(call.params.photo:find("attach://", 1, true), "not uploaded again")
    local curl, label = order_url(cm)
    assert.equal(url, curl)
    assert.equal(T("ru", "channel.order_button"), label)
    mu:wait_message(bot.says(T("ru", "channel.published", { id = post })), 10)
    local row = q("SELECT status, message_id FROM channel_posts WHERE id = $1", post)[1]
    assert.equal("posted", row.status)
    assert.equal(cm.message_id, row.message_id)

    -- the customer presses [Order]: /start p_<product>_<post>
    local u = bot.user_in(b, "uz")
    u:command("/start", url:match("start=(.+)$"))
    local card = u:wait_message(function(m) return m.photo ~= nil and bot.body(m):find(fx.rose_uz, 1, true) end, 15)
    assert.truthy(card)
    bot.eventually(function()
      return q("SELECT count(*)::int AS n FROM channel_post_clicks WHERE post_id = $1", post)[1].n == 1
    end, 10, "the click counted")

    -- an order by that customer follows; another customer's does not count
    local c = orders.customer { tg_id = u.id }
    orders.order { customer = c, items = { { fx.rose, 1 } } }
    orders.order { customer = orders.customer(), items = { { fx.rose, 1 } } }

    mu:command("/posts")
    local list = mu:wait_message(bot.says(T("ru", "channel.list_title")), 10)
    local line = T("ru", "channel.list_item", { id = post, code = code, at = "", status = T("ru", "channel.status.posted"),
                                                clicks = 1, orders = 1 })
    local tail = line:match("\n(.*)$")
    local head = "#" .. post .. " · " .. code
    assert.truthy(list.text:find(head, 1, true), list.text)
    assert.truthy(list.text:find(tail, 1, true), list.text)

    -- edit (the caption rendered again) and delete
    mu:command("/post_edit", tostring(post))
    mu:wait_message(bot.says(T("ru", "channel.edited", { id = post })), 10)
    mu:command("/post_delete", tostring(post))
    mu:wait_message(bot.says(T("ru", "channel.deleted", { id = post })), 10)
    bot.eventually(function()
      for _, m in ipairs(emu:chat(channel):messages()) do if m.message_id == cm.message_id then return false end end
      return true
    end, 10, "the post gone from the channel")
    assert.equal("deleted", q("SELECT status FROM channel_posts WHERE id = $1", post)[1].status)
  end)

  it("posts nothing after a preview and Cancel", function()
    local before = posts_in_channel()
    local _, question, post = preview(fx.code .. "-rose")
    bot.press(mu, question, T("ru", "channel.cancel"))
    mu:wait_message(bot.says(T("ru", "channel.cancelled", { id = post })), 10)
    assert.equal("cancelled", q("SELECT status FROM channel_posts WHERE id = $1", post)[1].status)
    -- a later post goes out, and it is the only new one
    local _, q2, post2 = preview(fx.code .. "-rose")
    bot.press(mu, q2, T("ru", "channel.publish"))
    mu:wait_message(bot.says(T("ru", "channel.published", { id = post2 })), 15)
    assert.equal(before + 1, posts_in_channel())
  end)

  it("posts a scheduled post when its time comes", function()
    local now = os.time()
    -- two minutes ahead, in the shop's time zone (UTC+5)
    local at = (now + 120) // 60 * 60
    local typed = os.date("!%Y-%m-%d %H:%M", at + 5 * 3600)
    local before = posts_in_channel()
    local _, question, post = preview(fx.code .. "-rose product " .. typed, "channel.preview_at", { at = typed })
    bot.press(mu, question, T("ru", "channel.schedule"))
    mu:wait_message(bot.says(T("ru", "channel.scheduled", { id = post, at = typed })), 10)
    local row = q([[SELECT status, extract(epoch FROM scheduled_at)::bigint AS at FROM channel_posts WHERE id = $1]],
      post)[1]
    assert.equal("scheduled", row.status)
    assert.equal(at, row.at, "the typed time, read in Bukhara's time zone")
    assert.equal(before, posts_in_channel(), "not before its time")
    -- the clock: the due time is the row's; bring it to three seconds from now
    q("UPDATE channel_posts SET scheduled_at = now() + interval '3 seconds' WHERE id = $1", post)
    mu:wait_message(bot.says(T("ru", "channel.published", { id = post })), 20)
    assert.equal(before + 1, posts_in_channel())
    local r = q([[SELECT status, posted_at >= scheduled_at AS on_time FROM channel_posts WHERE id = $1]], post)[1]
    assert.equal("posted", r.status)
    assert.is_true(r.on_time)
  end)

  it("posts a post missed while the engine was down, once, with two engine processes back", function()
    b.srv:signal("KILL")
    b.srv.proc:wait(10)
    local caption = "<b>" .. fx.rose_ru .. "</b> missed " .. fx.n
    local post = q([[INSERT INTO channel_posts (product_id, template, chat_id, lang, caption, created_by,
                                                status, scheduled_at)
                     VALUES ($1, 'product', $2, 'ru', $3, $4, 'scheduled', now() - interval '10 minutes')
                     RETURNING id]], fx.rose, channel, caption, marketer.id)[1].id
    local env = { BOT_TOKEN = b.token, TELEGRAM_API_URL = emu.api_url, OWNER_TG_IDS = "1", MEDIA_DIR = b.media_dir,
                  LOG_LEVEL = "warn", GULDASTA_WATCH = "0", SHOP_CHANNEL_ID = tostring(channel) }
    mu:mark_seen()
    b.srv = server.start { env = env }
    local second = server.start { env = env }
    local ok, err = pcall(function()
      mu:wait_message(bot.says(T("ru", "channel.published", { id = post })), 20)
      -- a second due post goes out after the first (they are claimed in
      -- order of time): both processes have been looking meanwhile
      local later = q([[INSERT INTO channel_posts (product_id, template, chat_id, lang, caption, created_by,
                                                   status, scheduled_at)
                        VALUES ($1, 'product', $2, 'ru', $3, $4, 'scheduled', now()) RETURNING id]],
        fx.rose, channel, "<i>later</i> " .. fx.n, marketer.id)[1].id
      mu:wait_message(bot.says(T("ru", "channel.published", { id = later })), 20)
      local n = 0
      for _, m in ipairs(emu:chat(channel):messages()) do
        if m.caption == caption then n = n + 1 end
      end
      assert.equal(1, n, "the missed post went out once")
    end)
    second:stop()
    assert(ok, err)
  end)

  it("refuses a caption over Telegram's limit, and a customer's /post", function()
    mu:mark_seen()
    mu:command("/post", long_code)
    local pattern = shape("ru", "channel.too_long", { max = 1024 }, "length")
    mu:wait_message(function(m) return bot.body(m):find(pattern) ~= nil end, 10)
    local n = q([[SELECT count(*)::int AS n FROM channel_posts c JOIN products p ON p.id = c.product_id
                  WHERE p.code = $1]], long_code)[1].n
    assert.equal(0, n, "nothing drafted")

    local u = bot.user_in(b, "ru")
    u:command("/post", fx.code .. "-rose")
    local roles = i18n.join({ i18n.t("ru", "role.marketing"), i18n.t("ru", "role.manager") }, ", ")
    u:wait_message(bot.says(T("ru", "roles.needs", { roles = roles })), 10)
  end)
end)
