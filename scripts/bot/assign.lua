-- scripts/bot/assign.lua — a manager (or the owner) gives an order to a
-- florist or a courier (shop/flow/assign.lua). A feature module (see
-- bot/router.lua).
--
--   /assign ORDER florist|courier TG_ID     an order nobody has yet
--   /reassign ORDER florist|courier TG_ID   an order someone has: given to
--                                           another (said explicitly, so
--                                           nobody's work is taken by accident)
--
-- The answer says what happened or why not; the people concerned are told
-- in their private chats by bot/order_notices.lua ("order.assigned").
local i18n = require "i18n"
local out = require "bot.out"
local users = require "shop.users"
local assign = require "shop.flow.assign"
local texts = require "bot.order_texts"

local M = {}

local function say(ctx, text) return out.show(ctx, { text = text, fresh = true }) end

local function command(reassign)
  return function(ctx, rest)
    local id, role, tg = (rest or ""):match("^#?(%d+)%s+(%a+)%s+(%d+)$")
    role = role and role:lower()
    if not id or (role ~= "florist" and role ~= "courier") then
      return say(ctx, i18n.t(ctx.lang, "flow.assign.usage"))
    end
    local target = users.find(math.tointeger(tonumber(tg)))
    if not target then return say(ctx, i18n.t(ctx.lang, "flow.assign.unknown_person", { tg_id = tg })) end
    local o, key, params = assign.run(id, role, target, ctx.user, reassign)
    if not o then return say(ctx, texts.reason(ctx.lang, key, params)) end
    return say(ctx, i18n.t(ctx.lang, "flow.assign.done." .. role,
      { id = o.id, name = o[role .. "_name"] or tg, status = texts.status(ctx.lang, o.status) }))
  end
end

M.commands = {
  assign = { fn = command(false), role = "manager" },
  reassign = { fn = command(true), role = "manager" },
}

return M
