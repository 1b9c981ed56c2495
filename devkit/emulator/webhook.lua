-- devkit/emulator/webhook.lua — delivering updates to the bot's webhook
-- the way the Bot API server does (WebhookActor.cpp, shared/specs/telegram.md):
--
--   * one update in flight per chat, different chats in parallel, at most
--     max_connections requests at once;
--   * POST with the JSON update and X-Telegram-Bot-Api-Secret-Token;
--   * any non-2xx answer or network failure is retried: the first retry at
--     once, then after 2, 4, 8 ... s, capped (60 s by default; specs lower it);
--   * an update is dropped when it expires (callback queries after 150 s,
--     messages after 24 h).
local http = require "http"
local json = require "json"
local timer = require "timer"
local engine = require "engine"

local M = {}
M.__index = M

function M.new(emu, cfg)
  return setmetatable({
    emu = emu, url = cfg.url, secret = cfg.secret, max = cfg.max_connections or 40,
    queues = {},      -- chat key -> array of pending items, oldest first
    waiting = {},     -- chat keys with work and no sender, FIFO
    waiting_set = {},
    busy = {},        -- chat key -> true while its sender runs
    senders = 0,
    stopped = false,
  }, M)
end

local function key_of(item) return item.chat or ("u" .. item.update.update_id) end

function M:push(item)
  local k = key_of(item)
  local q = self.queues[k]
  if not q then q = {} self.queues[k] = q end
  q[#q + 1] = item
  if not self.busy[k] and not self.waiting_set[k] then
    self.waiting[#self.waiting + 1] = k
    self.waiting_set[k] = true
  end
  self:pump()
end

function M:stop() self.stopped = true end

function M:pump()
  while not self.stopped and self.senders < self.max and #self.waiting > 0 do
    local k = table.remove(self.waiting, 1)
    self.waiting_set[k] = nil
    self.busy[k] = true
    self.senders = self.senders + 1
    engine.spawn(self.send_chat, self, k)
  end
end

-- Delivers the head of chat k's queue until it is accepted or expires, then
-- gives the slot to the next waiting chat (fairness: a chat with a long
-- backlog goes to the back of the line after each update).
function M.send_chat(self, k)
  local emu = self.emu
  local q = self.queues[k]
  local delay = 0
  while not self.stopped and q and q[1] do
    local item = q[1]
    if item.done or emu:expired(item) then
      table.remove(q, 1)
      emu:finish(item)
      delay = 0
    else
      emu.limits:credit(item.chat, timer.monotonic())
      local headers = { ["Content-Type"] = "application/json" }
      if self.secret then headers["X-Telegram-Bot-Api-Secret-Token"] = self.secret end
      local res = http.request { method = "POST", url = self.url, headers = headers,
                                 body = emu:update_json(item), timeout = emu.webhook_timeout }
      emu.stats.webhook_posts = emu.stats.webhook_posts + 1
      if self.stopped then break end
      if res and res.status >= 200 and res.status < 300 then
        table.remove(q, 1)
        emu:finish(item)
        break
      end
      emu.stats.webhook_failures = emu.stats.webhook_failures + 1
      item.attempts = (item.attempts or 0) + 1
      local retry_after = res and tonumber(res.headers["retry-after"] or "")
      if retry_after then delay = math.min(retry_after, 3600)
      elseif item.attempts == 1 then delay = 0
      else delay = math.min(2 ^ (item.attempts - 1), emu.webhook_retry_cap) end
      if delay > 0 then timer.sleep(delay) end
    end
  end
  self.busy[k] = nil
  self.senders = self.senders - 1
  if q and #q == 0 then self.queues[k] = nil
  elseif q and not self.stopped and not self.waiting_set[k] then
    self.waiting[#self.waiting + 1] = k
    self.waiting_set[k] = true
  end
  self:pump()
end

return M
