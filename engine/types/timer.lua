---@meta timer
-- Editor stub for the engine's `timer` module (engine/lua_timer.c).
-- See engine/README.md, "`timer`".

---@class timer
local timer = {}

---@class timer.handle
local handle = {}

---No more firings (a running one finishes). Idempotent.
function handle:stop() end

---@return boolean
function handle:active() end

---Wall-clock time (as timer.now()) of the next firing, nil when stopped.
---@return number|nil
function handle:next() end

---Yields the current unit of work for `seconds` (fractions allowed).
---false when cut short by the retirement of its generation (a reload).
---@param seconds number
---@return boolean
function timer.sleep(seconds) end

---Runs fn once, in a new unit of work, `seconds` from now.
---@param seconds number
---@param fn fun()
---@return timer.handle
function timer.after(seconds, fn) end

---Runs fn every `seconds` (> 0), each time in a new unit of work; a firing
---due while the previous one still runs is skipped.
---@param seconds number
---@param fn fun()
---@return timer.handle
function timer.every(seconds, fn) end

---Runs fn daily when the shop's clock (SHOP_TZ) shows "HH:MM" or "HH:MM:SS".
---@param hhmm string
---@param fn fun()
---@return timer.handle
function timer.at(hhmm, fn) end

---Wall clock: float seconds since the epoch.
---@return number
function timer.now() end

---Monotonic clock: float seconds from an arbitrary origin.
---@return number
function timer.monotonic() end

---@class timer.signal
local signal = {}
---Yields until notify() (true) or until sec seconds pass (false).
---@param sec number
---@return boolean notified
function signal:wait(sec) end
---Wakes the waiter; with none, the next wait returns true at once.
function signal:notify() end

---A signal one task waits on and another notifies.
---@return timer.signal
function timer.signal() end

return timer
