-- scripts/bot/inventory.lua — stock work in a staff member's private chat:
-- short guided flows over shop/inventory/.
--
--   /incoming [code or words]   a delivery: item → count → purchase price
--                               per unit (so'm) → supplier → invoice photo
--                               (or skip)                 florist, manager
--   /loss [code or words]       item → count → kind (wilted, broken,
--                               unsold, other + a note)   florist, manager
--   /correct [code or words]    item → what the count found → a note (or
--                               skip); small: booked; large: proposed to
--                               the owner                 manager
--   /threshold CODE N           the item's alert threshold  manager
--   /corrections                corrections waiting, with [Approve] [Reject]  owner
--
-- Buttons: iv:p:<product_id> (the item picked from a search), iv:k:<kind>
-- (a loss's kind), iv:s (skip the optional step), iv:x (stop). The state
-- of a flow is in Redis (bot/inventory/state.lua), so a typed answer is
-- taken by on_input in whatever engine process gets it. The owner's
-- decision buttons (s:ca:<id>, s:cr:<id>) are bot/stock_notices.lua's.
local i18n = require "i18n"
local keyboard = require "bot.keyboard"
local out = require "bot.out"
local users = require "shop.users"
local state = require "bot.inventory.state"
local texts = require "bot.inventory.texts"
local notices = require "bot.stock_notices"
local items = require "shop.inventory.items"
local incoming = require "shop.inventory.incoming"
local loss = require "shop.inventory.loss"
local correction = require "shop.inventory.correction"
local threshold = require "shop.inventory.threshold"
local move = require "shop.inventory.move"
local rules = require "rules"

local M = {}

local TIYIN_PER_SOM = 100

local function t(ctx, key, vars) return i18n.t(ctx.lang, key, vars) end

local function stop_row(ctx) return { keyboard.button(t(ctx, "stock.button.stop"), keyboard.cb("iv", "x")) } end

local function say(ctx, text, rows)
  local markup = rows and keyboard.markup(rows) or nil
  return out.show(ctx, { text = text, markup = markup, fresh = true })
end

local function refused(ctx, key, params)
  return say(ctx, texts.reason(ctx.lang, key, params))
end

-- {======================================================================
-- The steps
-- =======================================================================

-- What each step asks, and the buttons under it.
local function ask(ctx, st)
  local it = st.pid and items.get(st.pid)
  local item = it and texts.item(ctx.lang, it) or nil
  local step = st.step
  if step == "item" then return say(ctx, t(ctx, "stock.ask.item." .. st.op), { stop_row(ctx) }) end
  if step == "kind" then
    local rows = {}
    for _, k in ipairs(rules.inventory.LOSS_KINDS) do
      rows[#rows + 1] = { keyboard.button(t(ctx, "stock.kind." .. k), keyboard.cb("iv", "k", k)) }
    end
    rows[#rows + 1] = stop_row(ctx)
    return say(ctx, t(ctx, "stock.ask.kind", { item = item }), rows)
  end
  local rows = { stop_row(ctx) }
  if step == "invoice" or (step == "note" and st.op == "correct") then
    table.insert(rows, 1, { keyboard.button(t(ctx, "stock.button.skip"), keyboard.cb("iv", "s")) })
  end
  return say(ctx, t(ctx, "stock.ask." .. step, { item = item, max = rules.inventory.MAX_UNITS }), rows)
end

local NEXT = {
  incoming = { item = "count", count = "cost", cost = "supplier", supplier = "invoice" },
  loss     = { item = "count", count = "kind", kind = "note" },
  correct  = { item = "counted", counted = "note" },
}

-- The operation, once every answer is in. Returns the reply's Text.
local function finish(ctx, st, extra)
  state.clear(ctx.user.id)
  users.fresh(ctx.user)   -- roles as they are now
  local res, key, params
  if st.op == "incoming" then
    res, key, params = incoming.receive(ctx.user, { product_id = st.pid, count = st.count, unit_cost = st.cost,
                                                    supplier = st.supplier, invoice_file_id = extra })
    if res then return t(ctx, "stock.done.incoming", { name = texts.name(ctx.lang, res.name), count = res.delta,
                                                       on_hand = res.on_hand }) end
  elseif st.op == "loss" then
    res, key, params = loss.record(ctx.user, { product_id = st.pid, count = st.count, kind = st.kind, note = extra })
    if res then return t(ctx, "stock.done.loss", { name = texts.name(ctx.lang, res.name), count = -res.delta,
                                                   on_hand = res.on_hand }) end
  else
    res, key, params = correction.count(ctx.user, { product_id = st.pid, counted = st.counted, note = extra })
    if res then
      local vars = { name = texts.name(ctx.lang, res.name), on_hand = res.on_hand, delta = res.delta,
                     id = res.proposed or 0 }
      if res.unchanged then return t(ctx, "stock.done.unchanged", vars) end
      if res.proposed then return t(ctx, "stock.done.proposed", vars) end
      return t(ctx, "stock.done.corrected", vars)
    end
  end
  return texts.reason(ctx.lang, key, params)
end

-- Moves the flow on after a step was answered: the next question, or the
-- operation itself.
local function advance(ctx, st, extra)
  local nxt = NEXT[st.op][st.step]
  -- a loss needs a note only for the kinds rules/inventory.lua names
  if st.op == "loss" and st.step == "kind" and not rules.inventory.LOSS_NEEDS_NOTE[st.kind] then nxt = nil end
  if not nxt then return say(ctx, finish(ctx, st, extra)) end
  st.step = nxt
  state.save(ctx.user.id, st)
  return ask(ctx, st)
end

local function pick(ctx, st, it)
  st.pid = it.id
  return advance(ctx, st)
end

-- The item typed (a code or words): one found is taken, several are
-- offered as buttons, none is said.
local function find(ctx, st, text)
  local found = items.find(text, 8)
  if #found == 1 then return pick(ctx, st, found[1]) end
  if #found == 0 then return say(ctx, t(ctx, "stock.not_found", { text = text }), { stop_row(ctx) }) end
  local rows = {}
  for _, it in ipairs(found) do
    rows[#rows + 1] = { keyboard.button(texts.item(ctx.lang, it), keyboard.cb("iv", "p", it.id)) }
  end
  rows[#rows + 1] = stop_row(ctx)
  return say(ctx, t(ctx, "stock.pick"), rows)
end

local function start(op)
  return function(ctx, rest)
    local st = { op = op, step = "item" }
    state.save(ctx.user.id, st)
    if rest and rest:find("%S") then return find(ctx, st, rest) end
    return ask(ctx, st)
  end
end

-- A whole number typed the usual ways ("150 000", "150000").
local function whole(text)
  if type(text) ~= "string" then return nil end
  local s = text:gsub("[%s\194\160]", "")
  if not s:match("^%d+$") or #s > 12 then return nil end
  return math.tointeger(tonumber(s))
end

-- A typed answer to the step waiting.
local function answer(ctx, st, text)
  local step = st.step
  if step == "item" then return find(ctx, st, text) end
  if step == "count" or step == "counted" then
    local n = whole(text)
    local max = rules.inventory.MAX_UNITS
    if not n or n > max or (step == "count" and n < 1) then
      return say(ctx, t(ctx, "stock.bad_number", { max = max }), { stop_row(ctx) })
    end
    st[step] = n
    return advance(ctx, st)
  end
  if step == "cost" then
    local som = whole(text)
    if not som or som * TIYIN_PER_SOM > rules.inventory.MAX_UNIT_COST then
      return say(ctx, t(ctx, "stock.bad_cost"), { stop_row(ctx) })
    end
    st.cost = som * TIYIN_PER_SOM
    return advance(ctx, st)
  end
  if step == "supplier" then
    st.supplier = text
    return advance(ctx, st)
  end
  if step == "note" then return advance(ctx, st, text) end
  -- "kind" waits for a button, "invoice" for a photo
  return ask(ctx, st)
end

-- {======================================================================
-- Commands, buttons, typed answers
-- =======================================================================

local STOCK_STAFF = move.MAY.incoming

local function on_threshold(ctx, rest)
  local code, n = (rest or ""):match("^%s*(%S+)%s+(%d+)%s*$")
  if not code then return say(ctx, t(ctx, "stock.threshold_usage")) end
  local it = items.by_code(code)
  if not it then return say(ctx, t(ctx, "stock.not_found", { text = code })) end
  local res, key, params = threshold.set(ctx.user, it.id, math.tointeger(tonumber(n)))
  if not res then return refused(ctx, key, params) end
  return say(ctx, t(ctx, "stock.done.threshold", { name = texts.name(ctx.lang, res.name), threshold = res.threshold }))
end

local function on_corrections(ctx)
  local list = correction.pending(20)
  if #list == 0 then return say(ctx, t(ctx, "stock.corrections_none")) end
  for _, c in ipairs(list) do notices.proposal(ctx.lang, ctx.chat_id, c) end
end

M.commands = {
  incoming    = { fn = start("incoming"), role = STOCK_STAFF },
  loss        = { fn = start("loss"), role = move.MAY.loss },
  correct     = { fn = start("correct"), role = move.MAY.correct },
  threshold   = { fn = on_threshold, role = move.MAY.threshold },
  corrections = { fn = on_corrections, role = move.MAY.approve },
}

local function on_press(ctx, args)
  local st = state.load(ctx.user.id)
  local what = args[2]
  if what == "x" then
    if st then state.clear(ctx.user.id) end
    out.answer(ctx)
    return say(ctx, t(ctx, "stock.stopped"))
  end
  if not st then return out.answer(ctx, t(ctx, "common.stale")) end
  out.answer(ctx)
  if what == "p" and st.step == "item" then
    local it = items.get(args[3])
    if not it then return say(ctx, t(ctx, "stock.not_found", { text = args[3] or "" })) end
    return pick(ctx, st, it)
  end
  if what == "k" and st.step == "kind" and rules.inventory.is_loss_kind(args[3]) then
    st.kind = args[3]
    return advance(ctx, st)
  end
  if what == "s" and (st.step == "invoice" or (st.step == "note" and st.op == "correct")) then
    return say(ctx, finish(ctx, st, nil))
  end
  return ask(ctx, st)
end

M.callbacks = {
  iv = { fn = on_press, role = STOCK_STAFF },
}

-- The owner's [Approve] / [Reject] under a proposal (any chat): the
-- message is edited to say what was decided; a refusal is a toast.
local function decide(approve)
  return function(ctx, args)
    local id = math.tointeger(tonumber(args[3]))
    local fn = approve and correction.approve or correction.reject
    local res, key, params = fn(ctx.user, id)
    if not res then return out.answer(ctx, texts.reason(ctx.lang, key, params)) end
    local c = res.correction
    local done = t(ctx, "stock.done." .. c.state, { id = c.id, name = texts.name(ctx.lang, { ru = c.name_ru, uz = c.name_uz }),
                                                    delta = c.delta, on_hand = res.on_hand or 0 })
    out.answer(ctx, done)
    local msg = ctx.cq.message
    if msg and msg.message_id then
      out.edit(ctx.lang, ctx.chat_id, msg.message_id, i18n.join({ notices.proposal_text(ctx.lang, c), done }, "\n\n"))
    end
  end
end

M.staff = {
  ca = { fn = decide(true), role = move.MAY.approve },
  cr = { fn = decide(false), role = move.MAY.approve },
}

function M.input_keys(ctx) return { state.key(ctx.user.id) } end


function M.on_input(ctx)
  local st = state.load(ctx.user.id)
  if not st then return false end
  if st.step == "invoice" then
    local photo = require("tg").photo_id(ctx.msg)
    if photo then
      say(ctx, finish(ctx, st, photo))
      return true
    end
  end
  local text = ctx.msg.text
  if type(text) ~= "string" or not text:find("%S") then
    ask(ctx, st)
    return true
  end
  answer(ctx, st, text)
  return true
end

return M
