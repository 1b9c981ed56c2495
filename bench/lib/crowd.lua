-- bench/lib/crowd.lua — the simulated customers of a load process: emulator
-- users with Telegram ids base + 1..n (the ids the conductor registered
-- with a language, bench/lib/db.lua), each made the first time it is
-- needed, found by index or by chat, and taken in turn by a step.
--
-- A customer is a table the load file adds its own state to:
-- { u = the emulator user, i = its index, ... }.
local M = {}
local Crowd = {}
Crowd.__index = Crowd

-- fresh(st), if given, sets up the load file's state of a new customer.
function M.new(emu, base, fresh)
  return setmetatable({ emu = emu, base = base, fresh = fresh, list = {}, by_chat = {} }, Crowd)
end

-- Customer i, with the name the conductor gave it ("User<id>").
function Crowd:get(i)
  local st = self.list[i]
  if not st then
    local id = self.base + i
    st = { u = self.emu:user { id = id, first_name = "User" .. id }, i = i }
    if self.fresh then self.fresh(st) end
    self.list[i] = st
    self.by_chat[id] = st
  end
  return st
end

-- The next customer in turn for whom free(st) holds: once round the
-- step's `users` from step.cursor, which it moves. nil when none is free.
function Crowd:next(step, free)
  for _ = 1, step.users do
    step.cursor = step.cursor % step.users + 1
    local st = self:get(step.cursor)
    if free(st) then return st end
  end
end

return M
