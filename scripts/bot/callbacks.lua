-- scripts/bot/callbacks.lua — every callback-data prefix the bot uses, in
-- one place: the first part of a button's data ("c:12:2") says who handles
-- the press (bot/router.lua). A prefix not listed here cannot be routed (the
-- router refuses to load), and no two differ only in case, so a misread
-- letter never opens the wrong screen.
--
-- Data is at most 64 bytes (bot/keyboard.lua), ids and small numbers only.
local M = {}

M.PREFIXES = {
  l    = "choose a language: l:<lang>[:<deep link target>]",
  lq   = "the language question (the menu's language button)",
  m    = "the main menu",
  c    = "a category page: c:<id>:<page> (0 = the top level)",
  p    = "a product card: p:<id>[:l] (l: opened from a list, so it can be closed)",
  x    = "close (delete) a card",
  q    = "a search page: q:<page>:<normalised key>",
  sp   = "the search prompt",
  n    = "nothing to do (a page label)",
  f    = "the filter screen: f:<c.o.v.p>",
  fc   = "pick a colour for the filters",
  fo   = "pick an occasion for the filters",
  fp   = "pick a price range for the filters",
  r    = "filter results: r:<c.o.v.p>:<page>",
  a    = "add a product to the cart: a:<id>",
  k    = "the cart and its editing: k[:<action>:<line>]",
  b    = "the bouquet constructor: b[:<step>:...]",
  o    = "the checkout: o:<step>:<action>[:<arg>] (o:nm:R:<order id>: an earlier recipient), o:start, o:x, o:ok:<token>",
  u    = "my orders: u[:<action>:<id>]",
  y    = "paying an order online: y:c:<id> (cash instead), y:p:<id> (the pay buttons)",
  iv   = "a stock operation in progress: iv:p:<product_id> (item picked), iv:k:<kind> (loss kind), iv:s (skip), iv:x (stop)",
  up   = "a CSV sent to the bot: up:a:<token> (apply that file), up:x (drop it)",
  cp   = "a channel post's preview: cp:ok:<id> (publish or schedule), cp:x:<id> (cancel)",
  fb   = "the score after delivery: fb:<feedback id>:<0..10>, fb:<feedback id>:n (no comment)",
  cl   = "open a claim on a delivered order: cl:<order id> (from my orders)",
  rm   = "a reminder next year: rm:i:<order id> (opt in), rm:o:<reminder id> (opt out), rm:r:<reminder id> (repeat the order)",
  pe   = "a product's editing (owner, manager): pe:f:<id>:<field>, pe:v:<id>, pe:a:<id>, pe:c:<id>, pe:m:<id>:<category id>, pe:p:<id>, pe:x",
  pn   = "a new product, guided (owner, manager): pn:s:<step> (skip), pn:k:<step>:<kind>, pn:c:<step>:<category id>, pn:v:<step>:<1|0>, pn:ok (create), pn:x",
  pc   = "the categories (owner, manager): pc:l, pc:o:<id>, pc:n (a new one), pc:r:<id>:<name_ru|name_uz>, pc:a:<id> (hide / show), pc:x",
  sb   = "a substitute proposed for an item of the customer's order: sb:a:<id> (accept), sb:d:<id> (decline)",
  s    = "staff: s:<action>:...; every action behind it checks the presser's role",
}

-- Every prefix known, or an error naming the first clash: used when the
-- router loads, so a bad edit is refused at reload.
function M.check(prefixes)
  local folded = {}
  for p in pairs(prefixes) do
    if not p:match("^[%w_]+$") then return nil, "bad callback prefix " .. p end
    local f = p:lower()
    if folded[f] and folded[f] ~= p then
      return nil, ("callback prefixes %q and %q differ only in case"):format(folded[f], p)
    end
    folded[f] = p
  end
  return true
end

assert(M.check(M.PREFIXES))

return M
