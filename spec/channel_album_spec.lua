-- spec/channel_album_spec.lua — a channel post of a finished work, end to
-- end through the engine and the Bot API emulator, as the marketer drives
-- it: /work CODE, then the photos (an album arrives as one message per
-- photo sharing a media_group_id); the preview is the album itself; posted,
-- the album reaches SHOP_CHANNEL_ID with the caption on its first photo,
-- whose last line is the [Order] deep link (an album takes no keyboard); a
-- press of it comes back as /start p_<product>_<post> and is counted for
-- the post; /post_edit edits the album's caption, /post_delete deletes
-- every photo of it; a scheduled album goes out at its time; a single
-- photo keeps the [Order] button; an eleventh photo is refused; a caption
-- over Telegram's limit is refused; a customer cannot /work.
local bot = require "support.bot"
local support_channel = require "support.channel"
local orders = require "support.orders"
local pg = require "pg"
local i18n = require "i18n"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end

local function q(sql, ...) return assert(pg.query(sql, ...)) end

local function link_of(m) return (m.caption or ""):match('href="([^"]+)"') end

describe("channel posts of a finished work", function()
  local b, fx, emu, channel, marketer, mu, long_code

  local ch

  setup(function()
    ch = support_channel.start()
    b, emu, fx, channel, marketer, mu, long_code = ch.b, ch.emu, ch.fx, ch.channel, ch.marketer, ch.mu, ch.long_code
  end)

  teardown(function() support_channel.stop(ch) end)

  local function file_ids(msgs)
    local ids = {}
    for i, m in ipairs(msgs) do ids[i] = m.photo[#m.photo].file_id end
    return ids
  end

  -- The messages in `all` of the album whose first photo
  -- carries `link`, in order.
  local function album_with(all, link)
    local group
    for _, m in ipairs(all) do if link_of(m) == link then group = m.media_group_id end end
    local out = {}
    for _, m in ipairs(all) do if group and m.media_group_id == group then out[#out + 1] = m end end
    return out
  end

  -- /work, the photos, the preview: returns the question, the post's id,
  -- the photos sent and the preview's messages (an album, or one photo).
  local function work(rest, n, question_key, vars)
    mu:mark_seen()
    mu:command("/work", rest)
    mu:wait_message(bot.says(T("ru", "channel.work_send", { code = rest:match("^%S+"), max = 10 })), 10)
    local sent = n == 1 and { mu:send_photo() } or mu:send_album(n)
    -- the question under the preview: its buttons are cp:ok:<post>, cp:x:<post>
    local question = mu:wait_message(function(m)
      local kb = m.text and m.reply_markup and m.reply_markup.inline_keyboard
      return kb and (kb[1][1].callback_data or ""):match("^cp:ok:%d+$") ~= nil
    end, 15)
    local post = tonumber(question.reply_markup.inline_keyboard[1][1].callback_data:match("(%d+)$"))
    local v = { id = post }
    for k, x in pairs(vars or {}) do v[k] = x end
    assert.equal(T("ru", question_key or "channel.preview_now", v), question.text)
    local shown = {}
    for _, m in ipairs(mu:messages()) do
      if m.photo and m.message_id < question.message_id and m.message_id > sent[#sent].message_id then
        shown[#shown + 1] = m
      end
    end
    return question, post, sent, shown
  end

  it("posts an album with its caption and [Order] link; the click counts; edit and delete reach every photo", function()
    local code = fx.code .. "-rose"
    local question, post, sent, shown = work(code, 3)
    -- the preview is the album itself, caption and link on its first photo
    assert.equal(3, #shown)
    assert.same(file_ids(sent), file_ids(shown))
    local url = "https://t.me/guldasta_test_bot?start=p_" .. fx.rose .. "_" .. post
    assert.equal(url, link_of(shown[1]))
    assert.truthy(shown[1].caption:find(fx.rose_ru, 1, true), shown[1].caption)
    assert.truthy(shown[1].caption:find(T("ru", "channel.order_button"), 1, true))
    assert.equal(0, #album_with(emu:chat(channel):messages(), url), "a preview is not a post")

    bot.press(mu, question, T("ru", "channel.publish"))
    mu:wait_message(bot.says(T("ru", "channel.published", { id = post })), 15)
    local posted = album_with(emu:chat(channel):messages(), url)
    assert.equal(3, #posted)
    assert.same(file_ids(sent), file_ids(posted))
    assert.truthy(posted[1].caption:find("150 000", 1, true), posted[1].caption)
    assert.is_nil(posted[2].caption)
    local call
    for _, c in ipairs(emu.calls) do
      if c.method:lower() == "sendmediagroup" and tonumber(c.params.chat_id) == channel then call = c end
    end
    assert.equal("HTML", call.params.media[1].parse_mode)
    local row = q("SELECT status, message_id, message_ids, cardinality(photos) AS n FROM channel_posts WHERE id = $1",
      post)[1]
    assert.equal("posted", row.status)
    assert.equal(3, row.n)
    assert.equal(posted[1].message_id, row.message_id)
    assert.same({ posted[1].message_id, posted[2].message_id, posted[3].message_id }, row.message_ids)

    -- a customer presses the link: /start p_<product>_<post>
    local u = bot.user_in(b, "uz")
    u:command("/start", url:match("start=(.+)$"))
    u:wait_message(function(m) return m.photo ~= nil and bot.body(m):find(fx.rose_uz, 1, true) end, 15)
    bot.eventually(function()
      return q("SELECT count(*)::int AS n FROM channel_post_clicks WHERE post_id = $1", post)[1].n == 1
    end, 10, "the click counted for the post")
    orders.order { customer = orders.customer { tg_id = u.id }, items = { { fx.rose, 1 } } }
    mu:command("/posts")
    local list = mu:wait_message(bot.says(T("ru", "channel.list_title")), 10)
    local line = T("ru", "channel.list_item", { id = post, code = code, at = "", status = T("ru", "channel.status.posted"),
                                                clicks = 1, orders = 1 })
    assert.truthy(list.text:find(line:match("\n(.*)$"), 1, true), list.text)

    -- another template: the album's caption edited in place, the link kept
    mu:command("/post_edit", post .. " product")
    mu:wait_message(bot.says(T("ru", "channel.edited", { id = post })), 10)
    local first = album_with(emu:chat(channel):messages(), url)[1]
    assert.equal(posted[1].message_id, first.message_id)
    assert.truthy(first.edit_date, "edited")
    assert.equal(url, link_of(first))
    assert.truthy(first.caption:find(T("ru", "channel.order_button"), 1, true), first.caption)

    mu:command("/post_delete", tostring(post))
    mu:wait_message(bot.says(T("ru", "channel.deleted", { id = post })), 10)
    for _, m in ipairs(posted) do
      bot.eventually(function()
        for _, x in ipairs(emu:chat(channel):messages()) do if x.message_id == m.message_id then return false end end
        return true
      end, 10, "photo " .. m.message_id .. " gone from the channel")
    end
    assert.equal("deleted", q("SELECT status FROM channel_posts WHERE id = $1", post)[1].status)
  end)

  it("posts a scheduled album at its time", function()
    local at = (os.time() + 120) // 60 * 60
    local typed = os.date("!%Y-%m-%d %H:%M", at + 5 * 3600)
    local question, post, sent = work(fx.code .. "-rose work " .. typed, 2, "channel.preview_at", { at = typed })
    bot.press(mu, question, T("ru", "channel.schedule"))
    mu:wait_message(bot.says(T("ru", "channel.scheduled", { id = post, at = typed })), 10)
    local url = "https://t.me/guldasta_test_bot?start=p_" .. fx.rose .. "_" .. post
    local row = q("SELECT status, extract(epoch FROM scheduled_at)::bigint AS at FROM channel_posts WHERE id = $1",
      post)[1]
    assert.equal("scheduled", row.status)
    assert.equal(at, row.at)
    assert.equal(0, #album_with(emu:chat(channel):messages(), url), "not before its time")
    -- the clock: the due time is the row's; bring it to three seconds from now
    q("UPDATE channel_posts SET scheduled_at = now() + interval '3 seconds' WHERE id = $1", post)
    mu:wait_message(bot.says(T("ru", "channel.published", { id = post })), 20)
    local posted = album_with(emu:chat(channel):messages(), url)
    assert.same(file_ids(sent), file_ids(posted))
    assert.is_true(q("SELECT posted_at >= scheduled_at AS ok FROM channel_posts WHERE id = $1", post)[1].ok)
  end)

  it("posts two albums of ten due at once within the channel's flood limit, one after the other", function()
    local limited = emu.stats.rate_limited
    local ids, files = {}, {}
    for i = 1, 2 do
      files[i] = {}
      for j = 1, 10 do files[i][j] = emu:add_file(("%d-%d"):format(i, j), 640, 640).file_id end
      ids[i] = q([[INSERT INTO channel_posts (product_id, template, chat_id, lang, caption, created_by, status,
                                             scheduled_at, photos)
                   VALUES ($1, 'work', $2, 'ru', $3, $4, 'scheduled', now(), $5) RETURNING id]],
        fx.rose, channel, "<b>" .. fx.rose_ru .. "</b> " .. i, marketer.id, pg.array(files[i]))[1].id
    end
    mu:mark_seen()
    for i = 1, 2 do mu:wait_message(bot.says(T("ru", "channel.published", { id = ids[i] })), 40) end
    for i = 1, 2 do
      local url = "https://t.me/guldasta_test_bot?start=p_" .. fx.rose .. "_" .. ids[i]
      assert.same(files[i], file_ids(album_with(emu:chat(channel):messages(), url)))
    end
    assert.equal(limited, emu.stats.rate_limited, "no 429 from the emulator: the limiter waited instead")
  end)

  it("posts a single photo of a work with the [Order] button", function()
    local question, post, sent, shown = work(fx.code .. "-rose", 1)
    assert.equal(1, #shown)
    bot.press(mu, question, T("ru", "channel.publish"))
    mu:wait_message(bot.says(T("ru", "channel.published", { id = post })), 15)
    local m = emu:chat(channel):wait_message(function(x)
      return x.photo ~= nil and x.photo[1].file_id == sent[1].photo[1].file_id
    end, 10)
    local btn = m.reply_markup.inline_keyboard[1][1]
    assert.equal(T("ru", "channel.order_button"), btn.text)
    assert.equal("https://t.me/guldasta_test_bot?start=p_" .. fx.rose .. "_" .. post, btn.url)
    assert.is_nil(link_of(m))
  end)

  it("refuses an eleventh photo and previews the first ten", function()
    local question, post, sent, shown = work(fx.code .. "-rose", 11)
    mu:wait_message(bot.says(T("ru", "channel.work_too_many", { max = 10 })), 10)
    assert.equal(10, #shown)
    local ten = file_ids(sent)
    ten[11] = nil
    assert.same(ten, file_ids(shown))
    assert.equal(10, q("SELECT cardinality(photos) AS n FROM channel_posts WHERE id = $1", post)[1].n)
    bot.press(mu, question, T("ru", "channel.cancel"))
    mu:wait_message(bot.says(T("ru", "channel.cancelled", { id = post })), 10)
  end)

  it("refuses a caption over Telegram's limit, and a customer's /work", function()
    mu:mark_seen()
    mu:command("/work", long_code)
    mu:wait_message(function(m)
      return bot.body(m):find(T("ru", "channel.too_long", { length = 0, max = 1024 }):match("^[^:]+"), 1, true) ~= nil
    end, 10)
    -- nothing waits for photos: one sent now is not taken
    mu:send_photo()
    mu:wait_message(bot.says(T("ru", "common.not_text")), 10)
    local n = q([[SELECT count(*)::int AS n FROM channel_posts c JOIN products p ON p.id = c.product_id
                  WHERE p.code = $1]], long_code)[1].n
    assert.equal(0, n, "nothing drafted")

    local u = bot.user_in(b, "ru")
    u:command("/work", fx.code .. "-rose")
    local roles = i18n.join({ i18n.t("ru", "role.marketing"), i18n.t("ru", "role.manager") }, ", ")
    u:wait_message(bot.says(T("ru", "roles.needs", { roles = roles })), 10)
    u:send_photo()
    u:wait_message(bot.says(T("ru", "common.not_text")), 10)
  end)
end)
