-- spec/feedback_claims_spec.lua — feedback and claims through the engine
-- (`guldasta serve` on a private project copy whose rules/feedback.lua
-- asks 3 seconds after delivery and looks every second) and the Bot API
-- emulator:
--   * the request goes out at its time, in the customer's language, with
--     buttons 0..10; the score and the comment are stored; a second press
--     does not change the score;
--   * the NPS of a fixed fixture is exact, and /metrics has the gauge;
--   * a request missed while the engine was down goes out once when two
--     engine processes come back; one past the cut-off never does;
--   * a claim within the window reaches OWNER_CHAT_ID with its photo;
--     answer, redo and refund each work and write an order_events row; a
--     customer pressing a staff claim button is refused; a claim after the
--     window is refused.
--
--   build/asan/guldasta-dev run spec/runner.lua spec/feedback_claims_spec.lua
local fx = require "support.orders"
local bot = require "support.bot"
local my_orders = require "support.my_orders"
local server = require "support.server"
local pg = require "pg"
local i18n = require "i18n"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end
local function q(sql, ...) return assert(pg.query(sql, ...)) end

describe("feedback and claims", function()
  local emu, dir, srv, owner, ou, rose

  local function env() return fx.serve_env(emu, owner.tg_id) end

  setup(function()
    emu = fx.telegram()
    dir = server.copy_root_with_rule("feedback", function(text)
      return (text:gsub("M.ASK_AFTER_DAYS = %d+", "M.ASK_AFTER_DAYS = 3 / 86400")
                  :gsub("M.ASK_UNTIL_DAYS = %d+", "M.ASK_UNTIL_DAYS = 1")
                  :gsub("M.CHECK_SECONDS = %d+", "M.CHECK_SECONDS = 1"))
    end)
    owner, ou = fx.person(emu, "client", "ru", "Owner")
    rose = fx.product { on_hand = 50 }
    srv = server.start { root = dir, env = env() }
  end)

  teardown(function()
    if srv then srv:stop() end
    fx.stop(emu)
    server.remove_root(dir)
  end)

  -- A customer (an emulator user) and an order of theirs delivered `ago`
  -- (an interval) ago. opts: payment_method, payment_status.
  local function delivered(lang, ago, opts)
    opts = opts or {}
    local c, u = fx.person(emu, "client", lang, "Client")
    local id = fx.order { customer = c, items = { { rose, 1, 2500000 } }, status = "delivered",
                          payment_method = opts.payment_method or "cash", lang = lang }
    q([[UPDATE orders SET delivered_at = now() - $2::interval, payment_status = $3 WHERE id = $1]],
      id, ago, opts.payment_status or "unpaid")
    return id, c, u
  end

  local function asks(u, lang, id)
    return u:wait_message(bot.says(T(lang, "feedback.ask", { id = id })), 20)
  end

  it("asks for a score at its time, in the customer's language, and keeps score and comment", function()
    local id, c, u = delivered("uz", "0 seconds")
    local m = asks(u, "uz", id)
    local row = q([[SELECT extract(epoch FROM f.asked_at - o.delivered_at)::float8 AS after
                      FROM feedback f JOIN orders o ON o.id = f.order_id WHERE f.order_id = $1]], id)[1]
    assert.is_true(row.after >= 3, "asked " .. row.after .. " s after delivery, not before its time")
    assert.equal(11, #bot.buttons(m))
    bot.press(u, m, "7")
    u:wait_message(bot.says(T("uz", "feedback.thanks", { score = 7 })), 10)
    u:send("Gullar chiroyli edi, kuryer kechikdi")
    u:wait_message(bot.says(T("uz", "feedback.comment_saved")), 10)
    local f = q("SELECT score, comment, answered_at IS NOT NULL AS answered FROM feedback WHERE order_id = $1", id)[1]
    assert.equal(7, f.score)
    assert.equal("Gullar chiroyli edi, kuryer kechikdi", f.comment)
    assert.is_true(f.answered)
    -- the first score counts
    local fid = q("SELECT id FROM feedback WHERE order_id = $1", id)[1].id
    local again, why = require("shop.feedback").answer(fid, c, 10)
    assert.is_nil(again)
    assert.equal("feedback.refused.answered", why)
    assert.equal(7, q("SELECT score FROM feedback WHERE order_id = $1", id)[1].score)
    -- nor may another customer answer it
    assert.equal("feedback.refused.not_found", select(2, require("shop.feedback").answer(fid, owner, 3)))
  end)

  it("computes the NPS exactly on a fixture, and shows it on /metrics", function()
    local c = fx.customer { lang = "ru" }
    -- January 2001 is this spec's own period (a rerun leaves its rows)
    q("DELETE FROM feedback WHERE answered_at >= '2000-12-01' AND answered_at < '2001-03-01'")
    local scores = { 10, 9, 9, 10, 8, 7, 6, 0, 3, 10 }   -- 5 promoters, 2 passive, 3 detractors
    local at = {}
    for i = 1, #scores do at[i] = ("2001-01-%02d 12:00+00"):format(i) end
    scores[#scores + 1], at[#at + 1] = 0, "2001-02-01 00:00+00"      -- the end is not in the period
    scores[#scores + 1], at[#at + 1] = 0, "2000-12-31 23:59:59+00"   -- nor the day before
    for i, s in ipairs(scores) do
      local id = fx.order { customer = c, items = { { rose, 1 } }, status = "delivered" }
      q([[UPDATE orders SET delivered_at = '2000-12-01' WHERE id = $1]], id)
      q([[INSERT INTO feedback (order_id, score, asked_at, sent_at, answered_at)
          VALUES ($1, $2, $3::timestamptz, $3::timestamptz, $3::timestamptz)]], id, s, at[i])
    end
    local r = require("shop.feedback").nps("2001-01-01 00:00+00", "2001-02-01 00:00+00")
    assert.equal(10, r.answers)
    assert.equal(5, r.promoters)
    assert.equal(2, r.passives)
    assert.equal(3, r.detractors)
    assert.equal(20, r.nps)
    assert.is_nil(require("shop.feedback").nps("1999-01-01", "1999-02-01").nps)
    bot.eventually(function()
      local res = srv:get("/metrics")
      return res and res.body:match("\nguldasta_nps ") ~= nil, res and res.body:sub(1, 200)
    end, 10, "the NPS gauge on /metrics")
  end)

  it("sends a request missed while the engine was down once, with two engine processes back", function()
    srv:stop()
    srv = nil
    local missed, _, mu = delivered("ru", "1 hour")
    local late, _, lu = delivered("ru", "2 days")     -- past ASK_UNTIL_DAYS: never asked
    local second
    local ok, err = pcall(function()
      srv = server.start { root = dir, env = env() }
      second = server.start { root = dir, env = env() }
      asks(mu, "ru", missed)
      -- a request falling due later goes out too: both processes have been
      -- looking meanwhile
      local next_id, _, nu = delivered("ru", "0 seconds")
      asks(nu, "ru", next_id)
      local n = 0
      for _, m in ipairs(mu:messages()) do
        if bot.body(m):find(T("ru", "feedback.ask", { id = missed }), 1, true) then n = n + 1 end
      end
      assert.equal(1, n, "the missed request went out once")
      assert.equal(0, #lu:messages())
      assert.equal(0, q("SELECT count(*)::int AS n FROM feedback WHERE order_id = $1", late)[1].n)
    end)
    if second then second:stop() end
    assert(ok, err)
  end)

  local details = my_orders.details

  local function open_claim(u, id, text)
    my_orders.claim(u, id)
    u:send("без фото")
    u:wait_message(bot.says(T("ru", "feedback.claim.need_photo", { id = id })), 10)
    ou:mark_seen()
    u:send_photo(nil, { caption = text })
    u:wait_message(bot.says(T("ru", "feedback.claim.sent", { id = id })), 10)
    local post = ou:wait_message(function(m) return m.photo ~= nil and bot.body(m):find(text, 1, true) end, 10)
    return post, tonumber(bot.buttons(post)[1].callback_data:match("(%d+)$"))
  end

  local function notes(id)
    local out = {}
    for _, e in ipairs(fx.events(id)) do if e.note and e.note:match("^claim") then out[#out + 1] = e.note end end
    return out
  end

  it("takes a claim within the window to the owner, whose answer, redo and refund each work", function()
    local id, c, u = delivered("ru", "1 hour")
    local post, claim = open_claim(u, id, "Розы завяли на следующий день")
    assert.equal("open", q("SELECT status FROM claims WHERE id = $1", claim)[1].status)

    -- a customer pressing a staff button (a forwarded post) is refused
    local pressed = u:press(post, "s:clf:" .. claim)
    assert.equal(T("ru", "staff.refused"), u:wait_answer(pressed, 10).text)
    assert.equal(0, q("SELECT count(*)::int AS n FROM refunds_owed WHERE order_id = $1", id)[1].n)
    assert.equal("open", q("SELECT status FROM claims WHERE id = $1", claim)[1].status)

    -- answer: the owner's next text goes to the customer
    ou:mark_seen()
    u:mark_seen()
    ou:press(post, "s:cla:" .. claim)
    ou:wait_message(bot.says(T("ru", "feedback.claim.answer_prompt", { claim = claim })), 10)
    ou:send("Простите нас, привезём новый букет завтра")
    ou:wait_message(bot.says(T("ru", "feedback.claim.answered", { claim = claim })), 10)
    u:wait_message(bot.says(T("ru", "feedback.claim.answer_to_customer",
      { id = id, text = "Простите нас, привезём новый букет завтра" })), 10)

    -- redo: the florists' chat is told, and the customer
    local florists = emu:chat(emu.florists)
    florists:mark_seen()
    ou:mark_seen()
    u:mark_seen()
    ou:press(post, "s:clr:" .. claim)
    ou:wait_message(bot.says(T("ru", "feedback.claim.redone", { claim = claim })), 10)
    florists:wait_message(bot.says(T("ru", "feedback.claim.redo_florists",
      { id = id, claim = claim, text = "Розы завяли на следующий день" })), 10)
    u:wait_message(bot.says(T("ru", "feedback.claim.redo_customer", { id = id })), 10)
    -- a redone claim is settled: no refund on top
    ou:mark_seen()
    ou:press(post, "s:clf:" .. claim)
    ou:wait_message(bot.says(T("ru", "feedback.claim.refused.settled")), 10)
    assert.same({ ("claim %d: opened"):format(claim), ("claim %d: answered"):format(claim),
                  ("claim %d: redo"):format(claim) }, notes(id))
    local _ = c

    -- refund on an order paid online (Click): the refund owed, the order refund_pending
    local paid, _, pu = delivered("ru", "2 hours", { payment_method = "click", payment_status = "paid" })
    local ppost, pclaim = open_claim(pu, paid, "Не тот букет")
    ou:mark_seen()
    pu:mark_seen()
    ou:press(ppost, "s:clf:" .. pclaim)
    ou:wait_message(bot.says(T("ru", "feedback.claim.refunded",
      { claim = pclaim, price = i18n.str(require("bot.listing").price("ru", 2500000)) })), 10)
    pu:wait_message(bot.says(T("ru", "feedback.claim.refund_customer", { id = paid })), 10)
    local owed = q("SELECT provider, amount, reason FROM refunds_owed WHERE order_id = $1", paid)[1]
    assert.equal("click", owed.provider)
    assert.equal(2500000, owed.amount)
    assert.equal("refund_pending", fx.row(paid).payment_status)
    assert.same({ ("claim %d: opened"):format(pclaim), ("claim %d: refund owed"):format(pclaim) }, notes(paid))

    -- a cash order: the refund owed by hand
    local cash, _, cu = delivered("ru", "3 hours")
    local cpost, cclaim = open_claim(cu, cash, "Коробка помята")
    ou:mark_seen()
    ou:press(cpost, "s:clf:" .. cclaim)
    ou:wait_message(bot.says(T("ru", "feedback.claim.refunded",
      { claim = cclaim, price = i18n.str(require("bot.listing").price("ru", 2500000)) })), 10)
    assert.equal("cash", q("SELECT provider FROM refunds_owed WHERE order_id = $1", cash)[1].provider)
  end)

  it("refuses a claim after the window", function()
    local id, _, u = delivered("ru", "23 hours")
    local m = details(u, id)
    assert(bot.button(m, T("ru", "feedback.claim.button")), "the claim button within the window")
    q("UPDATE orders SET delivered_at = now() - interval '25 hours' WHERE id = $1", id)
    u:mark_seen()
    u:press(m, "cl:" .. id)
    u:wait_message(bot.says(T("ru", "feedback.claim.refused.window", { hours = 24 })), 10)
    assert.equal(0, q("SELECT count(*)::int AS n FROM claims WHERE order_id = $1", id)[1].n)
    -- and the order's details no longer offer it
    local again = details(u, id)
    assert.is_nil(bot.button(again, T("ru", "feedback.claim.button")))
  end)
end)
