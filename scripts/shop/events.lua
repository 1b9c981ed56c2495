-- scripts/shop/events.lua — how the domain says what happened.
--
-- The shop never calls its presenters (the Telegram bot, later the HTTP
-- API); it emits an event, and whoever presents it subscribes:
--
--   events.on("order.moved", "bot", function(e) ... end)   -- at load
--   events.emit("order.moved", { order = o, from = "new", to = "accepted" })
--
-- A subscriber is named, so subscribing again (a spec, a second install)
-- replaces it instead of telling people twice. Subscriptions live in the
-- generation that made them: a reload subscribes afresh.
--
-- emit returns true when at least one subscriber took the event and none
-- failed (a subscriber fails by raising or by returning false); a notice
-- that must not be lost (shop/notices.lua) is kept for later otherwise.
local log = require "log"

local M = {}

local subscribers = {}   -- name -> { { key =, fn = }, ... } in subscription order

function M.on(name, key, fn)
  local list = subscribers[name]
  if not list then
    list = {}
    subscribers[name] = list
  end
  for _, s in ipairs(list) do
    if s.key == key then
      s.fn = fn
      return
    end
  end
  list[#list + 1] = { key = key, fn = fn }
end

function M.off(name, key)
  local list = subscribers[name] or {}
  for i, s in ipairs(list) do
    if s.key == key then
      table.remove(list, i)
      return
    end
  end
end

function M.emit(name, payload)
  local list = subscribers[name]
  if not list or #list == 0 then return false end
  local all = true
  for _, s in ipairs(list) do
    local ok, res = pcall(s.fn, payload)
    if not ok then
      log.error("event subscriber failed", { event = name, subscriber = s.key, err = tostring(res) })
      all = false
    elseif res == false then
      all = false
    end
  end
  return all
end

return M
