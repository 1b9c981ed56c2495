-- scripts/bot/payments_report.lua — the accountant's (and the owner's)
-- tools: a day's payments, the refunds owed and every mismatch, with the
-- failure rate against the shop's target; the CSV of a period as a file.
-- A feature module (bot/router.lua); every entry declares its role.
--
-- The accountant sees and exports, and changes nothing: marking a refund
-- owed as returned writes a settlement, so it is the owner's (SETTLER).
-- The accountant's day lists the refunds owed without their buttons, and
-- a press of one anyway (an old message, a forwarded one) is refused by
-- the router like any button of a role one does not have.
--
--   /payments [YYYY-MM-DD]            the day (today when none)
--   /payments_csv FROM [TO]           the CSV of FROM..TO (one day when no TO)
--   s:pcsv:<YYYYMMDD>                 the day's CSV (a button under the day)
--   s:rfd:<order_id>                  "the money was returned" (a refund owed; the owner's)
local i18n = require "i18n"
local rules = require "rules"
local keyboard = require "bot.keyboard"
local listing = require "bot.listing"
local out = require "bot.out"
local payments = require "shop.payments"
local users = require "shop.users"

local M = {}

local ROLE = "accountant"   -- owners pass every role check
local SETTLER = "owner"      -- who marks a refund owed as returned
local LABEL = { payme = "Payme", click = "Click", cash = "-" }

local function t(ctx, k, vars) return i18n.t(ctx.lang, k, vars) end
local function price(ctx, v) return listing.price(ctx.lang, v or 0) end
local function today() return os.date("%Y-%m-%d") end

local packed, unpacked = keyboard.packed_day, keyboard.day

-- The day's report as a Text and its buttons.
function M.report(ctx, date)
  local d = payments.day(date)
  local limit = rules.payments.REPORT_LINES
  local parts = { t(ctx, "payments.report.title", { date = date }) }
  if not d.payments[1] then parts[#parts + 1] = t(ctx, "payments.report.none") end
  for i, p in ipairs(d.payments) do
    if i > limit then
      parts[#parts + 1] = t(ctx, "payments.report.more", { count = #d.payments - limit })
      break
    end
    parts[#parts + 1] = t(ctx, "payments.report.payment", { order = p.order_id, provider = LABEL[p.provider] or p.provider,
      state = t(ctx, "payments.report.state." .. p.state), amount = price(ctx, p.amount) })
  end
  local rows = {}
  local settles = users.has_role(ctx.user, SETTLER)
  if d.refunds_owed[1] then
    parts[#parts + 1] = t(ctx, "payments.report.owed_title")
    for _, r in ipairs(d.refunds_owed) do
      parts[#parts + 1] = t(ctx, "payments.report.owed", { order = r.order_id, provider = LABEL[r.provider] or r.provider,
        amount = price(ctx, r.amount), reason = r.reason or "-" })
      if not r.settled_at and settles then
        rows[#rows + 1] = { keyboard.button(t(ctx, "payments.report.settle_button", { order = r.order_id }),
          keyboard.cb("s", "rfd", r.order_id)) }
      end
    end
    if not settles then parts[#parts + 1] = t(ctx, "payments.report.owed_by_owner") end
  else
    parts[#parts + 1] = t(ctx, "payments.report.owed_none")
  end
  if d.mismatches[1] then
    parts[#parts + 1] = t(ctx, "payments.report.mismatch_title")
    for _, m in ipairs(d.mismatches) do
      parts[#parts + 1] = t(ctx, "payments.report.mismatch." .. m.kind, { order = m.order_id,
        provider = LABEL[m.provider] or m.provider or "-", amount = price(ctx, m.amount), total = price(ctx, m.order_total) })
    end
  else
    parts[#parts + 1] = t(ctx, "payments.report.mismatch_none")
  end
  local r = d.rate
  if r.percent then
    parts[#parts + 1] = t(ctx, "payments.report.rate", { percent = ("%.1f"):format(r.percent), failed = r.failed,
      finished = r.finished, target = r.target })
  else
    parts[#parts + 1] = t(ctx, "payments.report.rate_none", { target = r.target })
  end
  rows[#rows + 1] = { keyboard.button(t(ctx, "payments.report.csv_button", { date = date }),
    keyboard.cb("s", "pcsv", packed(date))) }
  return i18n.join(parts, "\n"), keyboard.markup(rows)
end

local function on_payments(ctx, rest)
  local date = rest ~= "" and rest or today()
  if not payments.valid_date(date) then
    return out.show(ctx, { text = t(ctx, "payments.report.bad_date"), fresh = true })
  end
  local text, markup = M.report(ctx, date)
  return out.show(ctx, { text = text, markup = markup, fresh = true })
end

-- The CSV of from..to, sent as a file to this chat.
local function send_csv(ctx, from, to)
  local csv, count = payments.csv(from, to)
  if not csv then return out.show(ctx, { text = t(ctx, "payments.report.csv_usage"), fresh = true }) end
  return out.document(ctx.lang, ctx.chat_id, ("payments_%s_%s.csv"):format(from, to), csv, "text/csv",
    t(ctx, "payments.report.csv_caption", { from = from, to = to, count = count }))
end

local function on_csv(ctx, rest)
  local from, to = (rest or ""):match("^(%S+)%s*(%S*)$")
  if not from then return out.show(ctx, { text = t(ctx, "payments.report.csv_usage"), fresh = true }) end
  return send_csv(ctx, from, to ~= "" and to or from)
end

local function on_csv_press(ctx, args)
  local date = unpacked(args[3])
  out.answer(ctx)
  if not date then return end
  return send_csv(ctx, date, date)
end

local function on_settle(ctx, args)
  local id = math.tointeger(tonumber(args[3]))
  local ok = id and payments.settle_refund(id, ctx.user.id)
  out.answer(ctx, t(ctx, ok and "payments.report.settled" or "payments.report.not_owed", { order = id or "-" }))
end

M.commands = {
  payments = { fn = on_payments, role = ROLE },
  payments_csv = { fn = on_csv, role = ROLE },
}

M.staff = {
  pcsv = { fn = on_csv_press, role = ROLE },
  rfd  = { fn = on_settle, role = SETTLER },
}

return M
