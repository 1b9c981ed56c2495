-- scripts/bot/product_admin.lua — a product's card for the owner and
-- managers, and its editing, in their private chat (a feature module:
-- bot/router.lua). The change itself is shop/product_edit.lua's: the CSV
-- import's rules, audited, the catalog read again at once.
--
--   /product CODE      the product's fields (inactive ones too) with buttons
--
-- Buttons (pe):
--   pe:f:<id>:<field>  type a new value for that field (shop/product_edit.FIELDS)
--   pe:v:<id>          VIP on/off          pe:a:<id>       hide / show
--   pe:c:<id>          the categories      pe:m:<id>:<cat> move there
--   pe:p:<id>          the card again      pe:x            stop typing
--
-- The field waiting for a value is in Redis ("pe:<user_id>", rules/orders.lua's
-- AWAIT_MINUTES), so the typed answer is taken by on_input in whatever
-- engine process gets it. A lone "." clears an optional field (a message
-- cannot be empty).
local i18n = require "i18n"
local keyboard = require "bot.keyboard"
local out = require "bot.out"
local listing = require "bot.listing"
local edit = require "shop.product_edit"

local M = {}

local function t(ctx, key, vars) return i18n.t(ctx.lang, key, vars) end
local function say(ctx, text, rows)
  return out.show(ctx, { text = text, markup = rows and keyboard.markup(rows) or nil, fresh = true })
end

-- {======================================================================
-- The field waiting for a value
-- =======================================================================

local state = require("bot.await").new("pe")

local function load(user_id)
  local st = state.load(user_id)
  if not st or not math.tointeger(st.pid) or type(st.field) ~= "string" then return nil end
  return st
end

local save, clear = state.save, state.clear

-- {======================================================================
-- The card
-- =======================================================================

local function shown(ctx, v)
  if v == nil or v == "" then return t(ctx, "catalog_edit.empty") end
  if type(v) == "boolean" then return t(ctx, v and "catalog_edit.yes" or "catalog_edit.no") end
  return tostring(v)
end

local function card_text(ctx, p)
  local cat = p.category and (ctx.lang == "uz" and p.category.name_uz or p.category.name_ru) or nil
  return t(ctx, "catalog_edit.card", {
    code = p.code, name_ru = p.name_ru, name_uz = p.name_uz, price = listing.price(ctx.lang, p.price),
    description_ru = shown(ctx, p.description_ru), description_uz = shown(ctx, p.description_uz),
    colour = shown(ctx, p.colour), category = shown(ctx, cat), vip = shown(ctx, p.vip),
    active = shown(ctx, p.active), mxik_code = shown(ctx, p.mxik_code), package_code = shown(ctx, p.package_code),
  })
end

local function card_rows(ctx, p)
  local rows, row = {}, {}
  for _, f in ipairs(edit.FIELDS) do
    row[#row + 1] = keyboard.button(t(ctx, "catalog_edit.field." .. f), keyboard.cb("pe", "f", p.id, f))
    if #row == 2 then rows[#rows + 1], row = row, {} end
  end
  if row[1] then rows[#rows + 1] = row end
  rows[#rows + 1] = {
    keyboard.button(t(ctx, p.vip and "catalog_edit.button.vip_off" or "catalog_edit.button.vip_on"),
                    keyboard.cb("pe", "v", p.id)),
    keyboard.button(t(ctx, p.active and "catalog_edit.button.hide" or "catalog_edit.button.show"),
                    keyboard.cb("pe", "a", p.id)),
  }
  rows[#rows + 1] = { keyboard.button(t(ctx, "catalog_edit.button.move"), keyboard.cb("pe", "c", p.id)) }
  return rows
end

local function show_card(ctx, p, head)
  local text = card_text(ctx, p)
  if head then text = i18n.join({ head, text }, "\n\n") end
  return say(ctx, text, card_rows(ctx, p))
end

-- The answer of shop/product_edit.set: the card with "saved", or why not.
local function after_set(ctx, p, key, params)
  if p then return show_card(ctx, p, t(ctx, "catalog_edit.saved")) end
  if key == "catalog.refused.edit.same" then return say(ctx, t(ctx, "catalog_edit.same")) end
  if key == "catalog.refused.edit.gone" then return say(ctx, t(ctx, "catalog_edit.gone")) end
  -- the import's refusals, worded as the CSV upload words them
  local reason = t(ctx, "upload.reason.catalog." .. key:match("[^.]+$"), params or {})
  return say(ctx, t(ctx, "catalog_edit.refused", { reason = reason }),
             { { keyboard.button(t(ctx, "catalog_edit.button.stop"), keyboard.cb("pe", "x")) } })
end

-- {======================================================================
-- Commands, buttons, typed answers
-- =======================================================================

local function on_product(ctx, rest)
  local code = (rest or ""):match("^%s*(%S+)")
  if not code then return say(ctx, t(ctx, "catalog_edit.usage")) end
  local p = edit.get(code)
  if not p then return say(ctx, t(ctx, "catalog_edit.not_found", { code = code })) end
  return show_card(ctx, p)
end

M.commands = {
  product = { fn = on_product, role = edit.ROLE },
}

local FIELD = {}
for _, f in ipairs(edit.FIELDS) do FIELD[f] = true end

local function on_press(ctx, args)
  local what, id = args[2], math.tointeger(tonumber(args[3]))
  if what == "x" then
    clear(ctx.user.id)
    out.answer(ctx)
    return say(ctx, t(ctx, "catalog_edit.stopped"))
  end
  local p = id and edit.get(id)
  if not p then return out.answer(ctx, t(ctx, "catalog_edit.gone")) end
  out.answer(ctx)
  if what == "f" and FIELD[args[4]] then
    save(ctx.user.id, { pid = id, field = args[4] })
    return say(ctx, t(ctx, "catalog_edit.ask." .. args[4]),
               { { keyboard.button(t(ctx, "catalog_edit.button.stop"), keyboard.cb("pe", "x")) } })
  end
  if what == "v" then return after_set(ctx, edit.set(ctx.user, id, "vip", not p.vip)) end
  if what == "a" then return after_set(ctx, edit.set(ctx.user, id, "active", not p.active)) end
  if what == "c" then
    local rows = {}
    for _, c in ipairs(edit.categories()) do
      rows[#rows + 1] = { keyboard.button(t(ctx, "catalog_edit.category", { name = ctx.lang == "uz" and c.name_uz or c.name_ru }),
                                          keyboard.cb("pe", "m", id, c.id)) }
    end
    rows[#rows + 1] = { keyboard.button(t(ctx, "catalog_edit.button.back"), keyboard.cb("pe", "p", id)) }
    return say(ctx, t(ctx, "catalog_edit.pick_category"), rows)
  end
  if what == "m" then
    local cat = math.tointeger(tonumber(args[4]))
    for _, c in ipairs(edit.categories()) do
      if c.id == cat then return after_set(ctx, edit.set(ctx.user, id, "category_code", c.code)) end
    end
  end
  return show_card(ctx, p)
end

M.callbacks = {
  pe = { fn = on_press, role = edit.ROLE },
}

function M.input_keys(ctx) return { state.key(ctx.user.id) } end

function M.on_input(ctx)
  local st = load(ctx.user.id)
  if not st then return false end
  local text = ctx.msg.text
  if type(text) ~= "string" or not text:find("%S") then
    say(ctx, t(ctx, "catalog_edit.ask." .. st.field),
        { { keyboard.button(t(ctx, "catalog_edit.button.stop"), keyboard.cb("pe", "x")) } })
    return true
  end
  if not state.allowed(ctx, edit.ROLE) then return false end
  if text:match("^%s*%.%s*$") then text = "" end
  local p, key, params = edit.set(ctx.user, st.pid, st.field, text)
  if p or key ~= nil and not key:find("^catalog%.refused%.csv%.") then clear(ctx.user.id) end
  after_set(ctx, p, key, params)
  return true
end

return M
