-- engine/lua/tg/update.lua — reading an Update whatever its kind: which chat
-- it belongs to (the unit of per-chat ordering) and which user caused it,
-- and decoding one. The readers trust the update's shape: every update is
-- checked at the door (tg/shape.lua) before any of them sees it.
local json = require "json"

local M = {}

-- An Update from its JSON text (nil, err if it is not JSON), without any
-- `reply_markup`: the only one an update carries is the keyboard of the
-- bot's own message a button was pressed on, echoed whole in every
-- callback_query — dozens of tables per press that no handler reads (the
-- handler knows its keyboards by callback_data). Without it a press
-- decodes into about half the memory (bench/README.md).
-- Whole numbers come as integers (json.decode).
function M.decode(text)
  return json.decode(text, "reply_markup")
end

-- Kinds whose payload carries a `chat` (a Message or a ChatMemberUpdated...).
local CHAT_KINDS = { "message", "edited_message", "channel_post", "edited_channel_post",
                     "business_message", "edited_business_message", "my_chat_member",
                     "chat_member", "chat_join_request", "message_reaction",
                     "message_reaction_count", "chat_boost", "removed_chat_boost" }
-- Kinds that only know their user: the user's private chat orders them.
local USER_KINDS = { "inline_query", "chosen_inline_result", "shipping_query",
                     "pre_checkout_query", "purchased_paid_media" }

-- The chat id an update belongs to, or nil (a poll's state has no chat).
function M.chat_id_of(u)
  if type(u) ~= "table" then return nil end
  for _, k in ipairs(CHAT_KINDS) do
    local p = u[k]
    if p then return p.chat and p.chat.id end
  end
  local q = u.callback_query
  if q then
    if q.message and q.message.chat then return q.message.chat.id end
    return q.from and q.from.id
  end
  for _, k in ipairs(USER_KINDS) do
    local p = u[k]
    if p then return p.from and p.from.id end
  end
  if u.poll_answer then return u.poll_answer.user and u.poll_answer.user.id end
  return nil
end

-- The User behind an update (`from`), or nil.
function M.user_of(u)
  if type(u) ~= "table" then return nil end
  for k, p in pairs(u) do
    if k ~= "update_id" and type(p) == "table" then
      if p.from then return p.from end
      if p.user then return p.user end
    end
  end
  return nil
end

-- The kind of an update: "message", "callback_query", ...
function M.kind_of(u)
  for k in pairs(u) do if k ~= "update_id" then return k end end
end

return M
