-- rules/channel.lua — the shop's channel (SHOP_CHANNEL_ID): in what
-- language it is written, how often due posts are looked for, and how long
-- a click on a post's [Order] button makes the customer's next order that
-- post's.
local M = {}

-- The channel speaks one language: Bukhara's customers read Russian
-- first, and one post per product keeps the channel short. Change it to
-- "uz" and every post (caption and [Order] button) is Uzbek.
M.LANG = "ru"

-- Every this many seconds an engine process looks for posts whose time has
-- come (and, after a restart, those missed while it was down).
M.CHECK_SECONDS = 2

-- A post claimed by a process that has not finished it within this many
-- minutes (the process died mid-send) is claimed again: it may then go out
-- twice, which is better than never.
M.CLAIM_STALE_MINUTES = 10

-- An order belongs to the post its customer clicked within this many hours
-- before ordering (the latest such click wins).
M.ATTRIBUTION_HOURS = 24

-- How many of the latest posts /posts lists.
M.RECENT = 10

-- How far ahead a post may be scheduled, in days.
M.SCHEDULE_DAYS = 60

-- A finished work's photos (/work): Telegram sends an album as one message
-- per photo, all within a moment, and never marks the last one. The
-- preview comes once no photo has arrived for this many seconds.
M.ALBUM_QUIET_SECONDS = 1.5

-- How long a /work waits for its photos, in minutes.
M.WORK_WAIT_MINUTES = 30

return M
