-- engine/lua/tg/context.lua — which update the current unit of work is
-- handling. The inbound runtime sets it around the application's handler;
-- the outbound path reads it to tell a reply (to that update's chat) from a
-- broadcast. Keyed by coroutine, weakly, so a unit that dies leaves nothing.
local M = {}

-- Messages of a reply that skip the rate buckets (tg/send.lua spends them).
M.REPLY_CREDITS = 3

local by_co = setmetatable({}, { __mode = "k" })

function M.enter(update, chat)
  local ctx = { update = update, chat = chat, credits = M.REPLY_CREDITS }
  by_co[coroutine.running()] = ctx
  return ctx
end

function M.leave()
  by_co[coroutine.running()] = nil
end

function M.current()
  return by_co[coroutine.running()]
end

return M
