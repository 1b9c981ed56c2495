-- scripts/bot/categories_admin.lua — the catalog's categories for the
-- owner and managers, in their private chat (a feature module:
-- bot/router.lua): the list with the hidden ones, a new category (code,
-- names ru and uz, asked one after another), renaming, hiding and showing.
-- The change itself is shop/categories.lua's: audited, the catalog read
-- again at once; a hidden category's products are hidden with it.
--
--   /categories
--
-- Buttons (pc):
--   pc:l               the list          pc:o:<id>          one category
--   pc:n               a new category    pc:r:<id>:<field>  type a new name (name_ru | name_uz)
--   pc:a:<id>          hide / show       pc:x               stop typing
--
-- What is being typed lives in Redis ("pc:<user_id>", bot/await.lua):
-- { cid =, field = } for a name, { add = { ... }, field = } for a new one.
local i18n = require "i18n"
local keyboard = require "bot.keyboard"
local out = require "bot.out"
local categories = require "shop.categories"
local product_new = require "bot.product_new"

local M = {}

local state = require("bot.await").new("pc")
local ADD_FIELDS = { "code", "name_ru", "name_uz" }

local function t(ctx, key, vars) return i18n.t(ctx.lang, key, vars) end
local function say(ctx, text, rows)
  return out.show(ctx, { text = text, markup = rows and keyboard.markup(rows) or nil, fresh = true })
end
local function name(ctx, c) return ctx.lang == "uz" and c.name_uz or c.name_ru end
local function stop_row(ctx)
  return { { keyboard.button(t(ctx, "catalog_edit.button.stop"), keyboard.cb("pc", "x")) } }
end

local function show_list(ctx, head)
  local rows = {}
  for _, c in ipairs(categories.list()) do
    rows[#rows + 1] = { keyboard.button(t(ctx, c.active and "catalog_new.categories.item" or "catalog_new.categories.item_hidden",
                                          { name = name(ctx, c), count = c.products }), keyboard.cb("pc", "o", c.id)) }
  end
  rows[#rows + 1] = { keyboard.button(t(ctx, "catalog_new.categories.button.add"), keyboard.cb("pc", "n")) }
  local text = t(ctx, "catalog_new.categories.title")
  if head then text = i18n.join({ head, text }, "\n\n") end
  return say(ctx, text, rows)
end

local function show_card(ctx, c, head)
  local text = t(ctx, "catalog_new.categories.card", {
    code = c.code or t(ctx, "catalog_edit.empty"), name_ru = c.name_ru, name_uz = c.name_uz,
    active = t(ctx, c.active and "catalog_edit.yes" or "catalog_edit.no"), count = c.products })
  if head then text = i18n.join({ head, text }, "\n\n") end
  return say(ctx, text, {
    { keyboard.button(t(ctx, "catalog_new.field.name_ru"), keyboard.cb("pc", "r", c.id, "name_ru")),
      keyboard.button(t(ctx, "catalog_new.field.name_uz"), keyboard.cb("pc", "r", c.id, "name_uz")) },
    { keyboard.button(t(ctx, c.active and "catalog_new.categories.button.hide" or "catalog_new.categories.button.show"),
                      keyboard.cb("pc", "a", c.id)) },
    { keyboard.button(t(ctx, "catalog_new.categories.button.back"), keyboard.cb("pc", "l")) },
  })
end

local function refused(ctx, key, params)
  if key == "catalog.refused.edit.same" then return t(ctx, "catalog_edit.same") end
  if key == "catalog.refused.edit.gone" then return t(ctx, "catalog_new.categories.gone") end
  return t(ctx, "catalog_new.refused", { reason = product_new.reason(ctx, key, params) })
end

-- The answer of shop/categories.set or .add: the card with `done`, or why not.
local function after(ctx, done, c, key, params)
  if c then return show_card(ctx, c, t(ctx, done)) end
  return say(ctx, refused(ctx, key, params))
end

local function ask(ctx, st, head)
  local text = t(ctx, "catalog_new.categories.ask." .. st.field)
  if head then text = i18n.join({ head, text }, "\n\n") end
  return say(ctx, text, stop_row(ctx))
end

M.commands = {
  categories = { fn = function(ctx) return show_list(ctx) end, role = categories.ROLE },
}

local function on_press(ctx, args)
  local what, id = args[2], math.tointeger(tonumber(args[3]))
  out.answer(ctx)
  if what == "x" then
    state.clear(ctx.user.id)
    return say(ctx, t(ctx, "catalog_edit.stopped"))
  end
  if what == "l" then return show_list(ctx) end
  if what == "n" then
    local st = { add = {}, field = ADD_FIELDS[1] }
    state.save(ctx.user.id, st)
    return ask(ctx, st)
  end
  local c = id and categories.get(id)
  if not c then return say(ctx, t(ctx, "catalog_new.categories.gone")) end
  if what == "r" and (args[4] == "name_ru" or args[4] == "name_uz") then
    local st = { cid = id, field = args[4] }
    state.save(ctx.user.id, st)
    return ask(ctx, st)
  end
  if what == "a" then return after(ctx, "catalog_edit.saved", categories.set(ctx.user, id, "active", not c.active)) end
  return show_card(ctx, c)
end

M.callbacks = {
  pc = { fn = on_press, role = categories.ROLE },
}

function M.input_keys(ctx) return { state.key(ctx.user.id) } end

function M.on_input(ctx)
  local st = state.load(ctx.user.id)
  if not st or type(st.field) ~= "string" then return false end
  local text = ctx.msg.text
  if type(text) ~= "string" or not text:find("%S") then ask(ctx, st); return true end
  if not state.allowed(ctx, categories.ROLE) then return false end
  if type(st.add) == "table" then
    local v, key, params = categories.read(st.field, text)
    if v == nil then ask(ctx, st, refused(ctx, key, params)); return true end
    st.add[st.field] = v
    for i, f in ipairs(ADD_FIELDS) do
      if f == st.field then st.field = ADD_FIELDS[i + 1]; break end
    end
    if st.field then
      state.save(ctx.user.id, st)
      ask(ctx, st)
      return true
    end
    state.clear(ctx.user.id)
    after(ctx, "catalog_new.categories.added", categories.add(ctx.user, st.add))
    return true
  end
  local c, key, params = categories.set(ctx.user, st.cid, st.field, text)
  if c or key == "catalog.refused.edit.same" or key == "catalog.refused.edit.gone" then
    state.clear(ctx.user.id)
    after(ctx, "catalog_edit.saved", c, key, params)
  else
    ask(ctx, st, refused(ctx, key, params))
  end
  return true
end

return M
