-- scripts/shop/normalize.lua — one search key for every way people type a word.
--
-- Customers in Bukhara write Uzbek in Latin with any of five apostrophes
-- (oʻ o' o‘ o’ o`), in the old Cyrillic alphabet (ўзбек), or Russian. The
-- key folds all of them to the same plain ASCII so that a simple substring
-- test finds the product:
--
--   key("Qoʻgʻirchoq")  == key("qo'g'irchoq") == key("қўғирчоқ") == "qogirchoq"
--   key("Роза красная") == "roza krasnaya"
--
-- Steps: lower case; Cyrillic -> Uzbek Latin (the letter table below,
-- after tahrirchi/fitrat's cyr_lat alphabet); every apostrophe dropped, so the
-- variants (and none at all: "dokon") match; anything that is not a Latin
-- letter or a digit becomes a space; spaces collapsed. The same function
-- makes the keys of product names and of the customer's query, so it only
-- has to be consistent, not a perfect transliteration.
--
-- This file holds an alphabet, not sentences: spec/no_raw_text_spec.lua
-- allows its Cyrillic.
local utf8_codes, utf8_char = utf8.codes, utf8.char
local concat = table.concat

local M = {}

-- Cyrillic lower-case letter -> Latin. ў and ғ lose their apostrophe with
-- the rest; е and ц depend on the neighbours (below).
local CYR = {
  ["а"] = "a", ["б"] = "b", ["в"] = "v", ["г"] = "g", ["д"] = "d", ["ж"] = "j",
  ["з"] = "z", ["и"] = "i", ["й"] = "y", ["к"] = "k", ["л"] = "l", ["м"] = "m",
  ["н"] = "n", ["о"] = "o", ["п"] = "p", ["р"] = "r", ["с"] = "s", ["т"] = "t",
  ["у"] = "u", ["ф"] = "f", ["х"] = "x", ["ч"] = "ch", ["ш"] = "sh", ["щ"] = "sh",
  ["ъ"] = "", ["ы"] = "i", ["ь"] = "", ["э"] = "e", ["ю"] = "yu", ["я"] = "ya",
  ["ё"] = "yo", ["ў"] = "o", ["ғ"] = "g", ["қ"] = "q", ["ҳ"] = "h", ["ц"] = "ts",
  ["е"] = "e",
}

local VOWELS = { a = true, e = true, i = true, o = true, u = true }

-- Upper -> lower for the letters above. Basic Cyrillic is a fixed offset;
-- the Uzbek and Russian extras are listed.
local LOWER_EXTRA = {
  [0x0401] = 0x0451, -- Ё
  [0x040E] = 0x045E, -- Ў
  [0x0492] = 0x0493, -- Ғ
  [0x049A] = 0x049B, -- Қ
  [0x04B2] = 0x04B3, -- Ҳ
}

-- Every apostrophe people use for oʻ/gʻ and the tutuq belgisi (ʼ).
local APOSTROPHE = {
  [0x0027] = true, [0x0060] = true, [0x00B4] = true, [0x02BB] = true,
  [0x02BC] = true, [0x02B9] = true, [0x2018] = true, [0x2019] = true,
  [0x201B] = true, [0x2032] = true,
}

local function lower_cp(c)
  if c >= 0x41 and c <= 0x5A then return c + 32 end
  if c >= 0x0410 and c <= 0x042F then return c + 32 end
  return LOWER_EXTRA[c] or c
end

-- The key of a text: ASCII [a-z0-9] words separated by one space.
function M.key(s)
  if type(s) ~= "string" or s == "" then return "" end
  local out, n = {}, 0
  local prev = " "   -- last Latin letter emitted (for е -> ye), or a space
  local ok = pcall(function()
    for _, c in utf8_codes(s) do
      c = lower_cp(c)
      local piece
      if APOSTROPHE[c] then
        piece = nil                           -- dropped, the word goes on
      elseif (c >= 0x61 and c <= 0x7A) or (c >= 0x30 and c <= 0x39) then
        piece = string.char(c)
      elseif c >= 0x0400 and c <= 0x04FF then
        local ch = utf8_char(c)
        piece = CYR[ch] or " "
        if ch == "е" and (prev == " " or VOWELS[prev]) then piece = "ye" end
      else
        piece = " "
      end
      if piece and piece ~= "" then
        if piece == " " then
          if prev ~= " " then n = n + 1; out[n] = " " end
          prev = " "
        else
          n = n + 1; out[n] = piece
          prev = piece:sub(-1)
        end
      end
    end
  end)
  if not ok then
    -- Not UTF-8 (a client bug): keep the ASCII letters and digits only.
    return (s:lower():gsub("[^a-z0-9]+", " "):gsub("^ +", ""):gsub(" +$", ""))
  end
  if out[n] == " " then out[n] = nil end
  return concat(out)
end

-- The words of a key, for "every word must match".
function M.words(key)
  local words = {}
  for w in key:gmatch("%S+") do words[#words + 1] = w end
  return words
end

return M
