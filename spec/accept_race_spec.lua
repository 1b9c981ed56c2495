-- spec/accept_race_spec.lua — ten florists press [Accept] on the same order
-- within the same millisecond: exactly one wins, the others are told who
-- took it, and the stock is written off exactly once.
--
-- Twice: at the module (ten units of work calling flow.accept at one
-- instant, so ten transactions really race for the row lock), and through
-- the bot (ten florists pressing the channel post's button: presses in a
-- channel are queued per person, so the ten are handled side by side and
-- race in PostgreSQL as well; the spec checks what people see).
local fx = require "support.orders"
local i18n = require "i18n"
local engine = require "engine"
local timer = require "timer"
local flow = require "shop.order_flow"

local function T(lang, key, vars) return i18n.str(i18n.t(lang, key, vars)) end

local N = 10

-- An order of 3 stems and 2 compositions of 5 of them: 13 stems in all.
local function order_of(customer)
  local rose = fx.product { on_hand = 50 }
  local box = fx.composition { { rose, 5 } }
  local id = fx.order { customer = customer, items = { { rose, 3 }, { box, 2 } } }
  return id, rose
end

local function check_written_off_once(id, rose, winner)
  assert.equal(50 - 13, fx.on_hand(rose))
  local log = fx.log(id)
  assert.equal(1, #log)
  assert.same({ product = rose, delta = -13, reason = "sale", actor = winner.id }, log[1])
  local ev = fx.events(id)
  assert.equal(2, #ev)
  assert.same({ from = "new", to = "accepted", actor = winner.id }, ev[2])
  local row = fx.row(id)
  assert.equal("accepted", row.status)
  assert.equal(winner.id, row.florist_id)
end

describe("ten florists accepting one order", function()
  it("at the module: one wins, nine are refused naming the winner", function()
    local emu = fx.telegram()
    finally(function() fx.stop(emu) end)
    local florists = {}
    for i = 1, N do florists[i] = fx.staff("florist", { name = "Racer " .. i }) end
    local id, rose = order_of(fx.customer {})

    local at = timer.monotonic() + 0.05     -- everyone goes at this instant
    local units = {}
    for i = 1, N do
      units[i] = engine.spawn(function()
        local wait = at - timer.monotonic()
        if wait > 0 then timer.sleep(wait) end
        return flow.accept(id, florists[i])
      end)
    end
    local winners, winner, refusals = 0, nil, {}
    for i, u in ipairs(units) do
      local ok, o, key, params = u:wait()
      assert.is_true(ok, tostring(o))
      if o then
        winners = winners + 1
        winner = florists[i]
      else
        refusals[#refusals + 1] = { key = key, name = params and params.name }
      end
    end
    assert.equal(1, winners)
    assert.equal(N - 1, #refusals)
    for _, r in ipairs(refusals) do
      assert.same({ key = "flow.refused.taken", name = winner.name }, r)
    end
    check_written_off_once(id, rose, winner)
  end)

  it("through the bot: the channel post's button, pressed by ten florists at once", function()
    local b = fx.bot()
    finally(function() b.stop() end)
    local emu = b.emu
    local people, florists = {}, {}
    for i = 1, N do
      local tg = fx.tg_id()
      florists[i] = fx.staff("florist", { tg_id = tg, name = "Florist " .. i, lang = "ru" })
      people[i] = emu:user { id = tg, first_name = "Florist " .. i }
    end
    local customer = fx.customer { lang = "uz" }
    local cu = emu:user { id = customer.tg_id }
    local id, rose = order_of(customer)

    assert(flow.placed(id))
    local ch = emu.chats[emu.florists]
    local post = ch.messages[#ch.messages]
    assert.equal("s:acc:" .. id, post.reply_markup.inline_keyboard[1][1].callback_data)

    local presses = {}
    for i = 1, N do presses[i] = people[i]:press(post, "s:acc:" .. id) end
    local won, winner = 0, nil
    local answers = {}
    for i = 1, N do
      local a = people[i]:wait_answer(presses[i], 15)
      answers[i] = a.text
      if a.text == T("ru", "flow.done.accepted", { id = id }) then won = won + 1; winner = florists[i] end
    end
    assert.equal(1, won, table.concat(answers, " | "))
    for i = 1, N do
      if florists[i] ~= winner then
        assert.equal(T("ru", "flow.refused.taken", { name = winner.name }), answers[i])
      end
    end
    check_written_off_once(id, rose, winner)

    -- the post shows who took it and offers that florist the next step
    local cur = ch.by_id[post.message_id]
    assert.truthy(cur.text:find(T("ru", "flow.post.state.accepted", { name = winner.name }), 1, true))
    assert.equal("s:asm:" .. id, cur.reply_markup.inline_keyboard[1][1].callback_data)
    -- and the customer heard once
    cu:wait_message(function(m) return m.text == T("uz", "flow.customer.accepted", { id = id }) end, 10)
    local heard = 0
    for _, m in ipairs(cu:messages()) do
      if m.text == T("uz", "flow.customer.accepted", { id = id }) then heard = heard + 1 end
    end
    assert.equal(1, heard)
  end)
end)
