-- scripts/bot/product_new.lua — a new product, guided, in the owner's or
-- a manager's private chat (a feature module: bot/router.lua): one question
-- per field in shop/product_new.lua's STEPS order, each answer read by the
-- catalog CSV's rules; a refused answer is named with its reason and the
-- question asked again. The end is a summary with [Create] and [Cancel];
-- created, the product is in the customers' catalog at once.
--
--   /product_new
--
-- Buttons (pn), <i> the step they answer (a press for an earlier step is
-- stale):
--   pn:s:<i>           skip an optional step
--   pn:k:<i>:<kind>    the kind          pn:c:<i>:<category id>  the category
--   pn:v:<i>:<1|0>     VIP or not        pn:ok   create          pn:x   cancel
--
-- Where the owner is lives in Redis ("pn:<user_id>", bot/await.lua): the
-- step and the answers so far. A photo is kept as its Telegram file_id
-- until [Create] fetches it.
local i18n = require "i18n"
local rules = require "rules"
local keyboard = require "bot.keyboard"
local out = require "bot.out"
local listing = require "bot.listing"
local new = require "shop.product_new"

local M = {}

local state = require("bot.await").new("pn")
local SUMMARY = 0     -- the step number of the summary

local function t(ctx, key, vars) return i18n.t(ctx.lang, key, vars) end
local function say(ctx, text, rows)
  return out.show(ctx, { text = text, markup = rows and keyboard.markup(rows) or nil, fresh = true })
end

-- A refusal key of shop/ (the import's, or the guided flow's own) in words.
function M.reason(ctx, key, params)
  local csv = key:match("^catalog%.refused%.csv%.(.+)$")
  if csv then return t(ctx, "upload.reason.catalog." .. csv, params or {}) end
  return t(ctx, "catalog_new.reason." .. key:match("[^.]+$"), params or {})
end

local function category_name(ctx, c) return ctx.lang == "uz" and c.name_uz or c.name_ru end

-- {======================================================================
-- The questions
-- =======================================================================

local function next_step(d, from)
  for i = from + 1, #new.STEPS do
    if new.needed(d, new.STEPS[i]) then return i end
  end
  return SUMMARY
end

local function ask_rows(ctx, i)
  local step = new.STEPS[i]
  local rows = {}
  if step.field == "kind" then
    for _, k in ipairs { "stem", "composition", "extra" } do
      rows[#rows + 1] = { keyboard.button(t(ctx, "catalog_new.kind." .. k), keyboard.cb("pn", "k", i, k)) }
    end
  elseif step.field == "category_code" then
    for _, c in ipairs(new.categories()) do
      rows[#rows + 1] = { keyboard.button(t(ctx, "catalog_edit.category", { name = category_name(ctx, c) }),
                                          keyboard.cb("pn", "c", i, c.id)) }
    end
  elseif step.field == "vip" then
    rows[#rows + 1] = { keyboard.button(t(ctx, "catalog_new.button.yes"), keyboard.cb("pn", "v", i, 1)),
                        keyboard.button(t(ctx, "catalog_new.button.no"), keyboard.cb("pn", "v", i, 0)) }
  end
  local last = {}
  if step.optional then last[#last + 1] = keyboard.button(t(ctx, "catalog_new.button.skip"), keyboard.cb("pn", "s", i)) end
  last[#last + 1] = keyboard.button(t(ctx, "catalog_new.button.cancel"), keyboard.cb("pn", "x"))
  rows[#rows + 1] = last
  return rows
end

local function shown(ctx, field, v)
  if v == nil or v == "" then return t(ctx, "catalog_edit.empty") end
  if type(v) == "boolean" then return t(ctx, v and "catalog_edit.yes" or "catalog_edit.no") end
  if field == "price_som" then return listing.price(ctx.lang, v * rules.money.TIYIN_PER_SOM) end
  if field == "kind" then return t(ctx, "catalog_new.kind." .. v) end
  if field == "photo" then return t(ctx, "catalog_new.photo_given") end
  return tostring(v)
end

local function summary(ctx, d)
  local lines = { t(ctx, "catalog_new.summary") }
  local parts = {}
  for _, p in ipairs(new.parts(d)) do
    parts[#parts + 1] = t(ctx, "catalog_new.part", { name = ctx.lang == "uz" and p.name_uz or p.name_ru, count = p.count })
  end
  for _, step in ipairs(new.STEPS) do
    if new.needed(d, step) then
      local value
      if step.field == "parts" then value = #parts > 0 and i18n.join(parts, ", ") or shown(ctx, "parts", nil)
      elseif step.field == "category_code" and d.category_code then
        for _, c in ipairs(new.categories()) do
          if c.code == d.category_code then value = category_name(ctx, c) end
        end
      end
      lines[#lines + 1] = t(ctx, "catalog_new.line", { field = t(ctx, "catalog_new.field." .. step.field),
                                                       value = value or shown(ctx, step.field, d[step.field]) })
    end
  end
  return say(ctx, i18n.join(lines, "\n"), {
    { keyboard.button(t(ctx, "catalog_new.button.create"), keyboard.cb("pn", "ok")),
      keyboard.button(t(ctx, "catalog_new.button.cancel"), keyboard.cb("pn", "x")) } })
end

-- Asks step st.step (head: a line before the question), or shows the summary.
local function ask(ctx, st, head)
  if st.step == SUMMARY then return summary(ctx, st.d) end
  local text = t(ctx, "catalog_new.ask." .. new.STEPS[st.step].field)
  if head then text = i18n.join({ head, text }, "\n\n") end
  return say(ctx, text, ask_rows(ctx, st.step))
end

-- The answer v for the current step taken: on to the next one.
local function take(ctx, st, v)
  st.d[new.STEPS[st.step].field] = v
  st.step = next_step(st.d, st.step)
  state.save(ctx.user.id, st)
  return ask(ctx, st)
end

local function refuse(ctx, st, key, params)
  return ask(ctx, st, t(ctx, "catalog_new.refused", { reason = M.reason(ctx, key, params) }))
end

-- {======================================================================
-- The command, the buttons, the answers
-- =======================================================================

local function on_command(ctx)
  local st = { step = 1, d = {} }
  state.save(ctx.user.id, st)
  return ask(ctx, st, t(ctx, "catalog_new.start"))
end

M.commands = {
  product_new = { fn = on_command, role = new.ROLE },
}

local function create(ctx, st)
  local photo
  if st.d.photo then
    local data = require("tg").download(st.d.photo, rules.catalog.PHOTO_MAX_BYTES)
    if not data then
      for i, s in ipairs(new.STEPS) do if s.field == "photo" then st.step = i end end
      state.save(ctx.user.id, st)
      return ask(ctx, st, t(ctx, "catalog_new.photo_failed"))
    end
    photo = { data = data, file_id = st.d.photo }
  end
  local d = {}
  for k, v in pairs(st.d) do d[k] = v end
  d.photo = nil
  local id, key, params = new.create(ctx.user, d, photo)
  if not id then
    -- the code was taken meanwhile (or a field is missing): from the code again
    st.step = 1
    state.save(ctx.user.id, st)
    return refuse(ctx, st, key, params)
  end
  state.clear(ctx.user.id)
  -- the first card shows the photo by the file_id it came with, no upload
  if key then require("tg").remember_file_id(key, st.d.photo) end
  return say(ctx, t(ctx, "catalog_new.created", { code = d.code }))
end

local function on_press(ctx, args)
  local what = args[2]
  local st = state.load(ctx.user.id)
  if what == "x" then
    state.clear(ctx.user.id)
    out.answer(ctx)
    return say(ctx, t(ctx, "catalog_new.cancelled"))
  end
  if not st or not math.tointeger(st.step) or type(st.d) ~= "table" then
    return out.answer(ctx, t(ctx, "catalog_new.expired"))
  end
  if what == "ok" then
    if st.step ~= SUMMARY then return out.answer(ctx, t(ctx, "common.stale")) end
    out.answer(ctx)
    return create(ctx, st)
  end
  local i = math.tointeger(tonumber(args[3]))
  local step = new.STEPS[st.step]
  if i ~= st.step or not step then return out.answer(ctx, t(ctx, "common.stale")) end
  out.answer(ctx)
  if what == "s" and step.optional then return take(ctx, st, nil) end
  if what == "k" and step.field == "kind" then
    local v, key = new.read("kind", args[4] or "")
    if v then return take(ctx, st, v) end
    return refuse(ctx, st, key)
  end
  if what == "c" and step.field == "category_code" then
    local cid = math.tointeger(tonumber(args[4]))
    for _, c in ipairs(new.categories()) do
      if c.id == cid then return take(ctx, st, c.code) end
    end
  end
  if what == "v" and step.field == "vip" then return take(ctx, st, args[4] == "1") end
  return ask(ctx, st)
end

M.callbacks = {
  pn = { fn = on_press, role = new.ROLE },
}

function M.input_keys(ctx) return { state.key(ctx.user.id) } end

function M.on_input(ctx)
  local st = state.load(ctx.user.id)
  if not st or not math.tointeger(st.step) or type(st.d) ~= "table" then return false end
  if not state.allowed(ctx, new.ROLE) then return false end
  local step = new.STEPS[st.step]
  if not step then summary(ctx, st.d); return true end
  local photo = ctx.msg.photo
  if step.field == "photo" then
    if type(photo) == "table" and #photo > 0 and type(photo[#photo].file_id) == "string" then
      take(ctx, st, photo[#photo].file_id)
    else
      refuse(ctx, st, "catalog.refused.new.need_photo")
    end
    return true
  end
  local text = ctx.msg.text
  if type(text) ~= "string" or not text:find("%S") then ask(ctx, st); return true end
  local v, key, params = new.read(step.field, text)
  if v == nil and key then refuse(ctx, st, key, params)
  elseif v == nil and not step.optional then refuse(ctx, st, "catalog.refused.csv.missing", { field = step.field })
  else take(ctx, st, v) end
  return true
end

return M
