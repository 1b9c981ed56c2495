-- spec/order_cancel_spec.lua — cancelling an order in each state, as
-- rules/orders.lua's CANCEL says: what becomes of the stock (inventory_log
-- reasons and deltas, stock.on_hand, the Redis reservation), the order's
-- status and its order_events row, and who is told — the customer, and
-- the order's florist and courier in their private chats — seen through
-- the Bot API emulator. The whole bot runs too (support.orders' bot), so
-- the manager's /cancel_order of an order out for delivery goes the way a
-- manager would send it.
local fx = require "support.orders"
local bot = require "support.bot"
local i18n = require "i18n"
local flow = require "shop.order_flow"
local stock = require "shop.stock"
local config = require "config"
local crypto = require "crypto"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end
local function is(text) return function(m) return bot.body(m) == text end end

describe("cancelling an order", function()
  local b, emu, florist, fu, courier, ku, manager, mu

  setup(function()
    b = fx.bot {}
    emu = b.emu
    -- the florist reads Russian, the courier Uzbek, the customers Uzbek:
    -- each is told in their own language
    florist = fx.staff("florist", { lang = "ru", name = "Dilnoza" })
    courier = fx.staff("courier", { lang = "uz", name = "Jasur" })
    manager = fx.staff("manager", { lang = "ru", name = "Manager" })
    fu = emu:user { id = florist.tg_id, first_name = "Dilnoza" }
    ku = emu:user { id = courier.tg_id, first_name = "Jasur" }
    mu = emu:user { id = manager.tg_id, first_name = "Manager" }
  end)
  teardown(function() if b then b.stop() end end)

  -- A florists' channel and a couriers' group of the test's own: one
  -- order's life is a post and five edits in each, and Telegram's (and the
  -- tg module's) 20 messages a minute to one group would slow the tests
  -- after the first few. The bot edits a post where it is (the order says).
  local function fresh_chats()
    local function chat_id() return -(1000000000000 + string.unpack("<I4", crypto.random_bytes(4)) % 100000000) end
    emu.florists, emu.couriers = chat_id(), chat_id()
    emu:chat(emu.florists, { type = "channel", title = "Florists" })
    emu:chat(emu.couriers, { type = "supergroup", title = "Couriers" })
    config.florist_chat_id, config.courier_chat_id = tostring(emu.florists), tostring(emu.couriers)
  end

  -- An order of 3 roses and a composition of 5 roses + 2 greens (8 roses,
  -- 2 greens in all), placed (its stock reserved, its post in the
  -- florists' channel) and moved on to `state`.
  local function order_in(state)
    fresh_chats()
    local cu = fx.customer { lang = "uz" }
    local s = { u = emu:user { id = cu.tg_id }, customer = cu }
    s.rose = fx.product { on_hand = 20 }
    s.green = fx.product { on_hand = 10 }
    local box = fx.composition { { s.rose, 5 }, { s.green, 2 } }
    s.id = fx.order { customer = cu, lang = "uz", items = { { s.rose, 3 }, { box, 1 } },
                      status = state == "pending" and "pending" or "new" }
    assert(stock.reserve("o:" .. s.id, { [s.rose] = 8, [s.green] = 2 }))
    assert(flow.placed(s.id))
    local steps = { "accepted", "assembling", "ready", "delivering" }
    for _, to in ipairs(steps) do
      if state == "new" or state == "pending" then break end
      if to == "accepted" then assert(flow.accept(s.id, florist))
      elseif to == "assembling" then assert(flow.transition(s.id, "assembling", florist))
      elseif to == "ready" then
        local photo = fu:send_photo()
        assert(flow.transition(s.id, "ready", florist, { photo = photo.photo[#photo.photo].file_id }))
      else assert(flow.take(s.id, courier)) end
      if to == state then break end
    end
    assert.equal(state, fx.row(s.id).status)
    -- what each person has had so far is not what this spec looks at
    s.u:mark_seen(); fu:mark_seen(); ku:mark_seen(); mu:mark_seen()
    return s
  end

  -- The order's inventory_log rows written by the cancellation (after
  -- `skip` earlier ones), as "reason:product:delta" strings, sorted.
  local function entries(s, skip)
    local out = {}
    for i, l in ipairs(fx.log(s.id)) do
      if i > skip then
        out[#out + 1] = ("%s:%s:%d"):format(l.reason, l.product == s.rose and "rose" or "green", l.delta)
        assert.equal(manager.id, l.actor)
      end
    end
    table.sort(out)
    return out
  end

  local function cancelled_event(s, from, reason)
    local ev = fx.events(s.id)
    assert.same({ from = from, to = "cancelled", actor = manager.id, note = reason }, ev[#ev])
    local row = fx.row(s.id)
    assert.equal("cancelled", row.status)
    assert.equal(reason, row.cancel_reason)
  end

  local function customer_told(s, reason)
    s.u:wait_message(is(T("uz", "flow.customer.cancelled", { id = s.id, reason = reason })), 10)
  end

  local function florist_told(s, reason, what)
    fu:wait_message(is(T("ru", "flow.cancel_notice.title", { id = s.id, reason = reason }) .. "\n"
                       .. T("ru", "flow.cancel_notice." .. what)), 10)
  end

  -- Nothing about this order reached `u`'s private chat since the mark.
  local function not_told(u, s)
    local m = u:poll_message(function(x) return bot.body(x):find("#" .. s.id, 1, true) ~= nil end, 0.5)
    assert.is_nil(m, "told about #" .. s.id .. ": " .. (m and bot.body(m) or ""))
  end

  for _, state in ipairs { "new", "pending" } do
    it("before a florist has it (" .. state .. "): lets the reservation go, no ledger entry", function()
      local s = order_in(state)
      assert.equal(12, stock.available(s.rose))
      local reason = "Customer called to cancel"
      assert(flow.cancel(s.id, manager, reason))
      cancelled_event(s, state, reason)
      assert.same({}, fx.log(s.id))
      assert.equal(20, fx.on_hand(s.rose))
      assert.equal(10, fx.on_hand(s.green))
      assert.same({}, stock.held("o:" .. s.id))
      assert.equal(20, stock.available(s.rose))
      customer_told(s, reason)
      not_told(fu, s)
      not_told(ku, s)
    end)
  end

  it("accepted: the stems are whole, so they are returned; the florist is told to stop", function()
    local s = order_in("accepted")
    assert.equal(12, fx.on_hand(s.rose))
    local reason = "Wrong address, order again"
    local o = assert(flow.cancel(s.id, manager, reason))
    assert.equal("return", o.cancel_stock)
    cancelled_event(s, "accepted", reason)
    assert.same({ "return:green:2", "return:rose:8" }, entries(s, 2))
    assert.equal(20, fx.on_hand(s.rose))
    assert.equal(10, fx.on_hand(s.green))
    assert.equal(20, stock.available(s.rose))
    customer_told(s, reason)
    florist_told(s, reason, "florist_stop")
    not_told(ku, s)
  end)

  for _, state in ipairs { "assembling", "ready" } do
    it(state .. ": the bouquet is made, so the sale is reversed and its stems booked as a loss", function()
      local s = order_in(state)
      local reason = "Recipient is away for a week"
      local o = assert(flow.cancel(s.id, manager, reason))
      assert.equal("loss", o.cancel_stock)
      cancelled_event(s, state, reason)
      assert.same({ "loss:green:-2", "loss:rose:-8", "sale:green:2", "sale:rose:8" }, entries(s, 2))
      -- the stems are in the bouquet, not in the buckets: on hand stays
      assert.equal(12, fx.on_hand(s.rose))
      assert.equal(8, fx.on_hand(s.green))
      assert.equal(12, stock.available(s.rose))
      customer_told(s, reason)
      florist_told(s, reason, "florist_loss")
      not_told(ku, s)   -- no courier has it yet
      if state == "ready" then
        -- the couriers' group post says so and loses its [Take]
        local ch = emu.chats[emu.couriers]
        local post = ch.messages[#ch.messages]
        local cur = require("support.server").eventually(function()
          local c = ch.by_id[post.message_id]
          return c.text:find(T("ru", "flow.post.state.cancelled", { reason = reason }), 1, true) and c
        end, 10, "the couriers' post to say cancelled")
        assert.is_nil(cur.reply_markup)
      end
    end)
  end

  it("delivering, by /cancel_order: a loss; the courier is told to bring it back, the florist too", function()
    local s = order_in("delivering")
    local reason = "Recipient refused by phone"
    mu:command("/cancel_order", s.id .. " " .. reason)
    mu:wait_message(is(T("ru", "flow.cancelled_loss", { id = s.id })), 10)
    cancelled_event(s, "delivering", reason)
    assert.same({ "loss:green:-2", "loss:rose:-8", "sale:green:2", "sale:rose:8" }, entries(s, 2))
    assert.equal(12, fx.on_hand(s.rose))
    assert.equal(8, fx.on_hand(s.green))
    customer_told(s, reason)
    florist_told(s, reason, "florist_loss")
    ku:wait_message(is(T("uz", "flow.cancel_notice.title", { id = s.id, reason = reason }) .. "\n"
                       .. T("uz", "flow.cancel_notice.courier_back")), 10)
    -- the courier's [Delivered] on the route card is refused now
    local _, key = flow.transition(s.id, "delivered", courier)
    assert.equal("flow.refused.illegal", key)
  end)

  it("does not tell the person who cancelled what they did", function()
    local boss = fx.staff("florist,manager", { lang = "ru", name = "Boss" })
    local bu = emu:user { id = boss.tg_id, first_name = "Boss" }
    local s = order_in("new")
    assert(flow.accept(s.id, boss))
    bu:mark_seen()
    assert(flow.cancel(s.id, boss, "Made a mistake"))
    customer_told(s, "Made a mistake")
    not_told(bu, s)
  end)
end)
