-- scripts/shop/recommend/compute.lua — item-to-item neighbours from
-- co-purchase counts (pure: counts in, neighbours out).
--
--   compute.neighbours(pairs, counts, keep) -> { [id] = { {id =, score =}, ... } }
--     pairs  = { {a =, b =, n =}, ... }  orders holding both a and b (a < b),
--              already cut at the minimum support
--     counts = { [id] = orders holding id }
--
-- The score is the cosine of the two products' order vectors:
-- n(a,b) / sqrt(n(a) * n(b)), in 0..1 and symmetric. Cosine rather than
-- Jaccard (n(a,b) / (n(a) + n(b) - n(a,b))): both damp a product that is in
-- every order (a ribbon would otherwise be everyone's neighbour), but
-- Jaccard damps by the sum, so a rare bouquet bought mostly with a best
-- seller scores almost nothing against it; cosine damps by the geometric
-- mean and keeps that pair visible. Ties go to the smaller id, so the
-- result is the same on every run.
local M = {}

function M.neighbours(pairs_, counts, keep)
  local out = {}
  local function push(x, y, score)
    local list = out[x]
    if not list then list = {}; out[x] = list end
    list[#list + 1] = { id = y, score = score }
  end
  for _, p in ipairs(pairs_) do
    local na, nb = counts[p.a], counts[p.b]
    if na and nb and na > 0 and nb > 0 then
      local score = p.n / math.sqrt(na * nb)
      push(p.a, p.b, score)
      push(p.b, p.a, score)
    end
  end
  for _, list in pairs(out) do
    table.sort(list, function(x, y)
      if x.score ~= y.score then return x.score > y.score end
      return x.id < y.id
    end)
    for i = #list, keep + 1, -1 do list[i] = nil end
  end
  return out
end

-- { {id =, score =}, ... } <-> "12:0.6708,9:0.5164" (a Redis hash's value)
function M.encode(list)
  local parts = {}
  for i, x in ipairs(list) do parts[i] = ("%d:%.4f"):format(x.id, x.score) end
  return table.concat(parts, ",")
end

function M.decode(s, into)
  into = into or {}
  if type(s) ~= "string" then return into end
  for id, score in s:gmatch("(%d+):([%d.]+)") do
    id, score = math.tointeger(tonumber(id)), tonumber(score)
    if id and score and score > (into[id] or -1) then into[id] = score end
  end
  return into
end

return M
