-- scripts/shop/channel/when.lua — the time a marketer types for a
-- scheduled post, "YYYY-MM-DD HH:MM" in the shop's time zone
-- (rules/slots.lua's UTC_OFFSET), as epoch seconds, and back.
--
--   when.parse("2026-03-08 09:30", now) -> epoch | nil, "bad"|"past"|"far"
--   when.format(epoch)                  -> "2026-03-08 09:30"
local rules = require "rules"

local M = {}

function M.format(epoch)
  local slots = rules.slots
  return slots.local_date(epoch) .. " " .. slots.local_time(epoch)
end

function M.parse(s, now)
  local date, h, m = tostring(s or ""):match("^%s*(%d%d%d%d%-%d%d%-%d%d)%s+(%d%d?):(%d%d)%s*$")
  if not date or tonumber(h) > 23 or tonumber(m) > 59 then return nil, "bad" end
  local hhmm = ("%02d:%s"):format(tonumber(h), m)
  local at = rules.slots.epoch(date, hhmm)
  -- a date that does not exist (02-30) comes back as another day
  if not at or rules.slots.local_date(at) ~= date then return nil, "bad" end
  if at <= now then return nil, "past" end
  if at > now + rules.channel.SCHEDULE_DAYS * 86400 then return nil, "far" end
  return at
end

return M
