-- spec/substitution_spec.lua — a substitute with the customer's consent,
-- through the engine (`guldasta serve` on a private project copy whose
-- rules/substitution.lua looks every second) and the Bot API emulator, as
-- the florist, the customer and the owner drive it:
--   * the accepting florist's [🔄 Substitute]: the order's lines, then the
--     rule's substitutes (same colour family, occasion, price band; not an
--     unlike one), then the proposal; the customer's [Accept] swaps the
--     line, the stock (a 'return' of the old, a 'sale' of the new, with the
--     order's id) and the total (cash: the amount due); a second answer is
--     refused; every step an order_events row;
--   * paid online: a cheaper substitute's difference is owed back (its own
--     refunds_owed row; a later cancellation owes the rest), a dearer one's
--     is due in cash at the door;
--   * only the florist who accepted may propose (not another florist, not
--     a manager), and only while the order is accepted or assembling;
--   * a decline goes to the owner's chat: [Keep] keeps the order, [Cancel
--     with a refund] cancels it with the stock back and the money owed;
--   * no answer by the deadline (the deadline put in the past) goes to the
--     owner once, with two engine processes looking.
--
--   build/asan/guldasta-dev run spec/runner.lua spec/substitution_spec.lua
local fx = require "support.orders"
local bot = require "support.bot"
local server = require "support.server"
local pg = require "pg"
local i18n = require "i18n"
local crypto = require "crypto"
local flow = require "shop.order_flow"
local sub = require "shop.substitution"
local catalog = require "shop.catalog"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end
local function price(lang, tiyin) return i18n.str(require("bot.listing").price(lang, tiyin)) end
local function q(sql, ...) return assert(pg.query(sql, ...)) end
local eventually = bot.eventually
local says = bot.says

describe("substitution with the customer's consent", function()
  local emu, dir, srv, owner, ou, colour
  local made = {}

  local function env() return fx.serve_env(emu, owner.tg_id) end

  setup(function()
    emu = fx.telegram()
    dir = server.copy_root_with_rule("substitution", function(text)
      return (text:gsub("M.CHECK_SECONDS = %d+", "M.CHECK_SECONDS = 1"))
    end)
    owner, ou = fx.person(emu, "client", "ru", "Owner")
    srv = server.start { root = dir, env = env() }
  end)

  teardown(function()
    if made[1] then q("UPDATE products SET active = false WHERE id = ANY($1::bigint[])", pg.array(made)) end
    if srv then srv:stop() end
    fx.stop(emu)
    server.remove_root(dir)
  end)

  -- A colour of this test's own: no other product is of its family.
  before_each(function() colour = "spec" .. crypto.hex(crypto.random_bytes(4)) end)

  -- An active product of this test's colour (or `opts.colour`), for the
  -- occasion "love" unless said otherwise.
  local function product(opts)
    local id = fx.product { on_hand = opts.on_hand or 20, price = opts.price, name = opts.name }
    q("UPDATE products SET active = true, colour = $2, occasions = $3::text[] WHERE id = $1",
      id, opts.colour or colour, "{" .. (opts.occasion or "love") .. "}")
    made[#made + 1] = id
    return id
  end

  local function ready_catalog(ids)
    catalog.invalidate()
    eventually(function()
      local c = catalog.get()
      for _, id in ipairs(ids) do if not c.products[id] then return false end end
      return true
    end, 10, "the products in this process's catalog")
  end

  -- An order of `count` of product `pid` at `price`, accepted by a
  -- florist through the bot's [Accept]. opts: lang, payment (paid online).
  local function accepted_order(pid, count, price, opts)
    opts = opts or {}
    local lang = opts.lang or "ru"
    local florist, fu = fx.person(emu, "florist", lang, "Florist " .. lang)
    local c, cu = fx.person(emu, "client", lang, "Client " .. lang)
    local id = fx.order { customer = c, lang = lang, items = { { pid, count, price } },
                          payment_method = opts.paid and "payme" or "cash" }
    assert(flow.placed(id))
    if opts.paid then
      q("UPDATE orders SET status = 'paid', payment_status = 'paid', paid_at = now() WHERE id = $1", id)
      q([[INSERT INTO payments (order_id, provider, provider_tx_id, amount, state, perform_time, perform_ms,
                                provider_state)
          VALUES ($1, 'payme', $2, $3, 'performed', now(), (extract(epoch FROM now()) * 1000)::bigint, 2)]],
        id, "spec-sub-" .. id, count * price)
    end
    local ch = emu.chats[emu.florists]
    local post = ch.messages[#ch.messages]
    local pq = fu:press(post, "s:acc:" .. id)
    assert.equal(T(lang, "flow.done.accepted", { id = id }), fu:wait_answer(pq, 10).text)
    return id, florist, fu, c, cu, post
  end

  local function notes(id)
    local out = {}
    for _, e in ipairs(fx.events(id)) do
      if e.note and e.note:match("^substitution") then out[#out + 1] = e.note:gsub("^substitution %d+: ", "") end
    end
    return out
  end

  local function item_of(id) return q("SELECT id, product_id, unit_price FROM order_items WHERE order_id = $1", id)[1] end

  -- The florist's way to a proposal, in her private chat: [🔄 Substitute]
  -- on the post, the line, the substitute. Returns the proposal's id.
  local function propose_in_bot(id, fu, lang, post, item, new_id, want_offers)
    local cur = eventually(function()
      local m = emu.chats[emu.florists].by_id[post.message_id]
      return bot.button(m, T("ru", "substitution.button.substitute")) and m
    end, 10, "the post's substitute button")
    local pq = fu:press(cur, "s:sub:" .. id)
    assert.equal(T(lang, "substitution.florist.proposed_toast"), fu:wait_answer(pq, 10).text)
    local m = fu:wait_message(says(T(lang, "substitution.florist.choose_item", { id = id })), 10)
    -- the engine's catalog copy shows new products within its TTL: until
    -- then the line has no substitute, and the florist asks again
    local first = m
    m = eventually(function()
      fu:press(first, ("s:subi:%d:%d"):format(id, item.id))
      local ok, x = pcall(fu.wait_message, fu, function(x)
        return x.message_id == first.message_id and bot.buttons(x)[1] ~= nil
          and bot.buttons(x)[1].callback_data:match("^s:subp:") ~= nil
      end, 2)
      return ok and x
    end, 20, "the substitutes offered")
    local offered = {}
    for _, b in ipairs(bot.buttons(m)) do offered[#offered + 1] = tonumber(b.callback_data:match(":(%d+)$")) end
    if want_offers then assert.are.same(want_offers, offered) end
    fu:press(m, ("s:subp:%d:%d:%d"):format(id, item.id, new_id))
    fu:wait_message(says(T(lang, "substitution.florist.proposed", { id = id, time = "" }):sub(1, 20)), 10)
    return q("SELECT id FROM substitutions WHERE order_id = $1 ORDER BY id DESC LIMIT 1", id)[1].id
  end

  it("swaps the line, the stock and the amount due when the customer accepts (cash)", function()
    local rose = product { price = 1000000, on_hand = 20, name = "Spec sub rose" }
    local near = product { price = 1100000, on_hand = 10, name = "Spec sub garnet" }
    local far = product { price = 1250000, on_hand = 10 }                         -- also like: offered second
    product { price = 1000000, on_hand = 10, colour = "white" }                  -- another colour family
    product { price = 1000000, on_hand = 10, occasion = "funeral" }              -- another occasion
    product { price = 2000000, on_hand = 10 }                                    -- out of the price band
    product { price = 1050000, on_hand = 1 }                                     -- too few for three
    local lang = "uz"
    local id, florist, fu, c, cu, post = accepted_order(rose, 3, 1000000, { lang = lang })
    assert.equal(17, fx.on_hand(rose))
    local item = item_of(id)
    local sid = propose_in_bot(id, fu, lang, post, item, near, { near, far })

    -- the customer's proposal, in their language, with the new amount due
    local p = cu:wait_message(says(T(lang, "substitution.customer.proposal", { id = id, old = "Spec sub rose",
      new = "Spec sub garnet", count = 3, money = T(lang, "substitution.customer.cash_total",
      { total = price(lang, 3300000) }),
      time = sub.get(sid).answer_by_text })), 10)
    bot.press(cu, p, T(lang, "substitution.button.accept"))
    cu:wait_message(says(T(lang, "substitution.customer.accepted", { id = id, new = "Spec sub garnet", count = 3,
      total = price(lang, 3300000) })), 10)
    fu:wait_message(says(T(lang, "substitution.florist.accepted", { id = id, old = "Spec sub rose",
      new = "Spec sub garnet", count = 3 })), 10)

    -- the line, the stock (with the order's id) and the total
    local it = item_of(id)
    assert.equal(near, it.product_id)
    assert.equal(1100000, it.unit_price)
    assert.equal(20, fx.on_hand(rose))
    assert.equal(7, fx.on_hand(near))
    assert.are.same({ { product = rose, delta = -3, reason = "sale", actor = florist.id },
                      { product = rose, delta = 3, reason = "return", actor = c.id },
                      { product = near, delta = -3, reason = "sale", actor = c.id } }, fx.log(id))
    local o = fx.row(id)
    assert.equal(3300000, o.total)
    assert.equal(3300000, o.items_total)
    assert.equal(0, o.extra_due)
    assert.equal("accepted", o.status)
    assert.are.same({ ("proposed %d -> %d"):format(rose, near), "accepted" }, notes(id))
    -- the florists' post names the new line
    eventually(function()
      return bot.body(emu.chats[emu.florists].by_id[post.message_id]):find("Spec sub garnet", 1, true)
    end, 10, "the post to show the substitute")

    -- the first answer counts
    local again, why = sub.answer(sid, c, false)
    assert.is_nil(again)
    assert.equal("substitution.refused.answered", why)
    assert.equal("accepted", q("SELECT state FROM substitutions WHERE id = $1", sid)[1].state)
    assert.equal(2, #notes(id))
  end)

  it("owes a cheaper substitute's difference back, and takes a dearer one's in cash (paid online)", function()
    local rose = product { price = 1000000, on_hand = 20 }
    local cheap = product { price = 800000, on_hand = 20 }
    local dear = product { price = 1200000, on_hand = 20 }
    ready_catalog { rose, cheap, dear }

    -- cheaper: 2 × 200 000 owed back through the refund path
    local id, florist, _, c = accepted_order(rose, 2, 1000000, { paid = true })
    local item = item_of(id)
    local s = assert(sub.propose(id, item.id, cheap, florist))
    assert(sub.answer(s.id, c, true))
    local r = q([[SELECT provider, amount, substitution_id FROM refunds_owed WHERE order_id = $1]], id)
    assert.equal(1, #r)
    assert.equal(400000, r[1].amount)
    assert.equal(s.id, r[1].substitution_id)
    assert.equal("payme", r[1].provider)
    local o = fx.row(id)
    assert.equal(1600000, o.total)
    assert.equal("paid", o.payment_status)
    -- the accountant's day sees no mismatch: the payment is the total as paid
    local day = require("shop.payments").day(os.date("%Y-%m-%d"))
    for _, m in ipairs(day.mismatches) do assert.are_not.equal(id, m.order_id) end
    -- a cancellation now owes the rest, not the whole payment again
    local manager = fx.staff("manager")
    assert(flow.cancel(id, manager, "shop closed today"))
    local rows = q([[SELECT amount FROM refunds_owed WHERE order_id = $1 AND substitution_id IS NULL]], id)
    assert.equal(1600000, rows[1].amount)

    -- dearer: 2 × 200 000 due in cash at the door, nothing owed
    local id2, florist2, _, c2 = accepted_order(rose, 2, 1000000, { paid = true })
    local s2 = assert(sub.propose(id2, item_of(id2).id, dear, florist2))
    assert(sub.answer(s2.id, c2, true))
    o = fx.row(id2)
    assert.equal(2400000, o.total)
    assert.equal(400000, o.extra_due)
    assert.equal(0, q("SELECT count(*)::int AS n FROM refunds_owed WHERE order_id = $1", id2)[1].n)
    local route = require("bot.order_texts").route("ru", flow.get(id2))
    assert.truthy(i18n.str(route):find(T("ru", "flow.route.extra_cash",
      { price = price("ru", 400000) }), 1, true))
  end)

  it("lets only the florist who accepted propose, while the order is accepted or assembling", function()
    local rose = product { price = 1000000 }
    local alt = product { price = 1000000 }
    ready_catalog { rose, alt }
    local id, florist, fu, _, _, post = accepted_order(rose, 1, 1000000)
    local item = item_of(id)
    local other = fx.staff("florist")
    local manager = fx.staff("manager")
    assert.equal("substitution.refused.not_yours", select(2, sub.propose(id, item.id, alt, other)))
    assert.equal("substitution.refused.not_yours", select(2, sub.propose(id, item.id, alt, manager)))
    -- another florist pressing the post's button is refused, with nothing made
    local _, ou2 = fx.person(emu, "florist", "ru", "Other")
    local cur = eventually(function()
      local m = emu.chats[emu.florists].by_id[post.message_id]
      return bot.button(m, T("ru", "substitution.button.substitute")) and m
    end, 10, "the post's substitute button")
    local pq = ou2:press(cur, "s:sub:" .. id)
    assert.equal(T("ru", "substitution.refused.not_yours"), ou2:wait_answer(pq, 10).text)
    -- not for something the rule does not offer
    assert.equal("substitution.refused.not_offered", select(2, sub.propose(id, item.id, rose, florist)))
    assert.equal(0, q("SELECT count(*)::int AS n FROM substitutions WHERE order_id = $1", id)[1].n)
    -- once it is ready, too late
    q("UPDATE orders SET status = 'ready' WHERE id = $1", id)
    assert.equal("substitution.refused.state", select(2, sub.propose(id, item.id, alt, florist)))
    local _ = fu
  end)

  it("takes a decline to the owner: [Keep] keeps the order, [Cancel with a refund] cancels it", function()
    local rose = product { price = 1000000, on_hand = 20, name = "Spec keep rose" }
    local alt = product { price = 1000000, on_hand = 20, name = "Spec keep alt" }
    ready_catalog { rose, alt }

    -- declined, then kept
    local id, florist, fu, c, cu, post = accepted_order(rose, 2, 1000000)
    local sid = propose_in_bot(id, fu, "ru", post, item_of(id), alt)
    local p = cu:wait_message(function(m) return bot.button(m, T("ru", "substitution.button.decline")) ~= nil end, 10)
    bot.press(cu, p, T("ru", "substitution.button.decline"))
    cu:wait_message(says(T("ru", "substitution.customer.declined", { id = id })), 10)
    fu:wait_message(says(T("ru", "substitution.florist.declined", { id = id })), 10)
    local ask = ou:wait_message(says(T("ru", "substitution.owner.declined", { id = id, old = "Spec keep rose",
      new = "Spec keep alt", count = 2 })), 10)
    -- a customer cannot decide
    assert.equal("substitution.refused.role", select(2, sub.decide(sid, c, "keep")))
    bot.press(ou, ask, T("ru", "substitution.button.keep"))
    ou:wait_message(says(T("ru", "substitution.owner.kept", { id = id })), 10)
    fu:wait_message(says(T("ru", "substitution.florist.kept", { id = id, old = "Spec keep rose" })), 10)
    cu:wait_message(says(T("ru", "substitution.customer.kept", { id = id })), 10)
    assert.equal(rose, item_of(id).product_id)
    assert.equal(18, fx.on_hand(rose))
    assert.equal("accepted", fx.row(id).status)
    assert.are.same({ ("proposed %d -> %d"):format(rose, alt), "declined", "kept" }, notes(id))
    -- decided once
    assert.equal("substitution.refused.decided", select(2, sub.decide(sid, fx.staff("manager"),
      "cancel", "too late to decide")))

    -- declined, then cancelled with a refund (paid online)
    local id2, florist2, _, c2 = accepted_order(rose, 2, 1000000, { paid = true })
    local s2 = assert(sub.propose(id2, item_of(id2).id, alt, florist2))
    assert(sub.answer(s2.id, c2, false))
    ask = ou:wait_message(says(T("ru", "substitution.owner.declined", { id = id2, old = "Spec keep rose",
      new = "Spec keep alt", count = 2 })), 10)
    bot.press(ou, ask, T("ru", "substitution.button.cancel"))
    ou:wait_message(says(T("ru", "substitution.owner.cancelled", { id = id2 })), 10)
    local o = fx.row(id2)
    assert.equal("cancelled", o.status)
    assert.equal("refund_pending", o.payment_status)
    assert.equal(2000000, q("SELECT amount FROM refunds_owed WHERE order_id = $1", id2)[1].amount)
    assert.equal(18, fx.on_hand(rose))     -- both orders' stems: the first kept, the second's back
    assert.are.same({ ("proposed %d -> %d"):format(rose, alt), "declined", "cancelled with refund" }, notes(id2))
    local _ = florist
  end)

  it("takes no answer by the deadline to the owner once, with two engine processes", function()
    local rose = product { price = 1000000, name = "Spec late rose" }
    local alt = product { price = 1000000, name = "Spec late alt" }
    ready_catalog { rose, alt }
    local id, florist, _, c = accepted_order(rose, 1, 1000000)
    local second
    local ok, err = pcall(function()
      second = server.start { root = dir, env = env() }
      local s = assert(sub.propose(id, item_of(id).id, alt, florist))
      -- the deadline comes: the clock is the row's
      q("UPDATE substitutions SET answer_by = now() - interval '1 second' WHERE id = $1", s.id)
      assert.equal("substitution.refused.late", select(2, sub.answer(s.id, c, true)))
      ou:wait_message(says(T("ru", "substitution.owner.expired", { id = id, old = "Spec late rose",
        new = "Spec late alt", count = 1, time = sub.get(s.id).answer_by_text })), 15)
      -- a few more looks by both processes (every second) change nothing
      require("timer").sleep(3)
      local n = 0
      for _, m in ipairs(ou:messages()) do
        if bot.body(m):find(T("ru", "substitution.owner.expired", { id = id, old = "Spec late rose",
          new = "Spec late alt", count = 1, time = sub.get(s.id).answer_by_text }), 1, true) then n = n + 1 end
      end
      assert.equal(1, n, "the owner was asked once")
      assert.are.same({ ("proposed %d -> %d"):format(rose, alt), "no answer" }, notes(id))
      assert.equal("expired", q("SELECT state FROM substitutions WHERE id = $1", s.id)[1].state)
    end)
    if second then second:stop() end
    assert(ok, err)
  end)
end)
