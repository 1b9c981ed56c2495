-- scripts/bot/checkout/view.lua — how a checkout screen is drawn: its
-- header (step n of m), an optional lead line above it (an error, what was
-- just understood), the question, and the step's buttons over Back and
-- Cancel. Also the few words every step shares: dates, windows, zones.
local i18n = require "i18n"
local keyboard = require "bot.keyboard"
local listing = require "bot.listing"
local out = require "bot.out"
local rules = require "rules"

local M = {}

-- The steps in order (callback_data carries the short code). The last
-- one, "ok", is the confirmation screen.
M.STEPS = { "nm", "ph", "ad", "lm", "lc", "dt", "tm", "sp", "an", "cd", "pr", "pm", "ok" }
M.INDEX = {}
for i, s in ipairs(M.STEPS) do M.INDEX[s] = i end

function M.t(ctx, key, vars) return i18n.t(ctx.lang, key, vars) end

function M.button(ctx, key, data, vars) return keyboard.button(i18n.t(ctx.lang, key, vars), data) end

-- Back (to the previous step; from the first, to the cart) and Cancel.
function M.nav(ctx, step)
  local back = M.INDEX[step] == 1 and "k" or keyboard.cb("o", step, "b")
  return { M.button(ctx, "common.back", back), M.button(ctx, "checkout.cancel", "o:x") }
end

-- Shows a step: body is a Text or a list of Texts, rows the step's own
-- buttons (Back and Cancel are added, or `nav` in their place: a screen
-- inside a step has its own Back), lead a Text said first or nil.
function M.screen(ctx, step, body, rows, lead, nav)
  local parts = {}
  if lead then parts[#parts + 1] = lead end
  local n = M.INDEX[step]
  if n < #M.STEPS then
    parts[#parts + 1] = M.t(ctx, "checkout.header", { n = n, total = #M.STEPS - 1 })
  else
    parts[#parts + 1] = M.t(ctx, "checkout.confirm.header")
  end
  if i18n.is_text(body) then parts[#parts + 1] = body
  else for _, b in ipairs(body) do parts[#parts + 1] = b end end
  local all = {}
  for _, r in ipairs(rows or {}) do all[#all + 1] = r end
  all[#all + 1] = nav or M.nav(ctx, step)
  return out.show(ctx, { text = i18n.join(parts, "\n\n"), markup = keyboard.markup(all) })
end

function M.price(ctx, tiyin) return listing.price(ctx.lang, tiyin) end

-- A value the customer typed, cut for a button label ("✓ Dilnoza").
function M.short(ctx, s, max)
  max = max or 28
  if (utf8.len(s) or #s) <= max then return s end
  return s:sub(1, (utf8.offset(s, max) or #s + 1) - 1) .. i18n.str(M.t(ctx, "common.ellipsis"))
end

-- Names from templates' topic `rules`, falling back to the code itself
-- should a name be missing (a zone added to the rules before its words).
function M.zone_name(ctx, code)
  local key = "rules.zone." .. tostring(code)
  if i18n.has(ctx.lang, key) then return M.t(ctx, key) end
  return M.t(ctx, "checkout.zone_code", { code = tostring(code) })
end

function M.district_name(ctx, code)
  local key = "rules.district." .. tostring(code)
  if i18n.has(ctx.lang, key) then return M.t(ctx, key) end
  return M.t(ctx, "checkout.zone_code", { code = tostring(code) })
end

-- "Z2 — the city, delivery 25 000 so'm (free from 800 000 so'm)"
function M.zone_line(ctx, code)
  local z = rules.pricing.zone(code)
  if not z then return M.zone_name(ctx, code) end
  if z.free_from then
    return M.t(ctx, "checkout.zone_fee_free_from", { zone = M.zone_name(ctx, code),
      fee = M.price(ctx, z.fee), free_from = M.price(ctx, z.free_from) })
  end
  return M.t(ctx, "checkout.zone_fee", { zone = M.zone_name(ctx, code), fee = M.price(ctx, z.fee) })
end

-- "Today, 8 March" / "Fri, 10 March": a delivery date as people say it.
function M.date_label(ctx, date, now)
  local slots = rules.slots
  local y, m, d = date:match("^(%d+)-(%d+)-(%d+)$")
  local vars = { day = tonumber(d), month = M.t(ctx, "checkout.month.m" .. tonumber(m)),
                 year = y, weekday = M.t(ctx, "checkout.weekday.d" .. (slots.weekday(date) or 1)) }
  local today = slots.local_date(now or os.time())
  if date == today then return M.t(ctx, "checkout.date.today", vars) end
  if date == slots.add_days(today, 1) then return M.t(ctx, "checkout.date.tomorrow", vars) end
  return M.t(ctx, "checkout.date.other", vars)
end

function M.window_label(ctx, start, finish)
  return M.t(ctx, "checkout.window", { start = start, ["end"] = finish })
end

return M
