-- devkit/lib/png.lua — a PNG encoder in pure Lua: 8-bit RGB, one IDAT.
--
-- The demo's product photos are drawn by the project itself (no downloads,
-- no image library), so we need to write PNG files. PNG is small enough to
-- do by hand: a signature, an IHDR, the scanlines deflated into a zlib
-- stream inside one IDAT, an IEND; every chunk carries a CRC-32 and the zlib
-- stream an Adler-32.
--
--   local png = require "devkit.lib.png"
--   local bytes = png.encode(w, h, pixels)       -- pixels: {r,g,b, r,g,b, ...} 0..255, row by row
--   local bytes = png.encode(w, h, pixels, { stored = true })   -- no compression
--   local bytes = png.encode(w, h, pixels, { text = { Title = "Roses" } })   -- tEXt chunks
--
-- Compression is plain deflate with the fixed Huffman codes of RFC 1951
-- §3.2.6 and a hash-chain LZ77 search: no dynamic tables, yet the flat
-- backgrounds and gradients of our drawings (filtered with "Up") shrink to a
-- few tens of KB. `stored = true` writes uncompressed blocks instead: bigger,
-- but handy to check the compressor against.
--
-- Pure computation, no I/O: callable anywhere. It is CPU work, though: a
-- 320x320 image takes a good fraction of a second in the interpreter, so a
-- caller painting many images yields between them.
local byte, char, concat, unpack = string.byte, string.char, table.concat, table.unpack

local M = {}

-- {======================================================================
-- Checksums
-- =======================================================================

local CRC_TABLE = {}
for n = 0, 255 do
  local c = n
  for _ = 1, 8 do
    if c & 1 == 1 then c = 0xEDB88320 ~ (c >> 1) else c = c >> 1 end
  end
  CRC_TABLE[n] = c
end

-- CRC-32 (ISO 3309, as in PNG and gzip) of string s, continuing from crc.
function M.crc32(s, crc)
  local c = (crc or 0) ~ 0xFFFFFFFF
  for i = 1, #s do
    c = CRC_TABLE[(c ~ byte(s, i)) & 0xFF] ~ (c >> 8)
  end
  return c ~ 0xFFFFFFFF
end

-- Adler-32 of an array of byte values (the uncompressed zlib payload). The
-- sums are reduced every 5552 bytes, the largest run that cannot overflow
-- 32 bits in zlib's C; Lua's 64-bit integers would allow more, but this
-- keeps the numbers small and the code recognisable.
local function adler32(bytes, n)
  local a, b = 1, 0
  local i = 1
  while i <= n do
    local last = i + 5551
    if last > n then last = n end
    for j = i, last do
      a = a + bytes[j]
      b = b + a
    end
    a = a % 65521
    b = b % 65521
    i = last + 1
  end
  return (b << 16) | a
end

function M.adler32(s)
  local t = { byte(s, 1, -1) }
  return adler32(t, #t)
end

-- }======================================================================

-- {======================================================================
-- Deflate
-- =======================================================================

-- A bit writer: deflate packs bits starting from the least significant bit
-- of each byte. Bytes go into a table of numbers, turned into a string once.
local function bitwriter()
  return { out = {}, n = 0, acc = 0, bits = 0 }
end

local function putbits(w, value, count)
  w.acc = w.acc | (value << w.bits)
  w.bits = w.bits + count
  local out, n = w.out, w.n
  while w.bits >= 8 do
    n = n + 1
    out[n] = w.acc & 0xFF
    w.acc = w.acc >> 8
    w.bits = w.bits - 8
  end
  w.n = n
end

local function flushbits(w)
  if w.bits > 0 then putbits(w, 0, 8 - w.bits) end
end

local function reverse(code, len)
  local r = 0
  for _ = 1, len do
    r = (r << 1) | (code & 1)
    code = code >> 1
  end
  return r
end

-- Fixed literal/length codes (RFC 1951 §3.2.6), bit-reversed because
-- Huffman codes are sent most significant bit first.
local LIT_CODE, LIT_LEN = {}, {}
for v = 0, 287 do
  local code, len
  if v <= 143 then code, len = 0x30 + v, 8
  elseif v <= 255 then code, len = 0x190 + v - 144, 9
  elseif v <= 279 then code, len = v - 256, 7
  else code, len = 0xC0 + v - 280, 8 end
  LIT_CODE[v], LIT_LEN[v] = reverse(code, len), len
end

local LEN_BASE = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                   35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 }
local LEN_EXTRA = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                    3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 }
local DIST_BASE = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                    257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
                    8193, 12289, 16385, 24577 }
local DIST_EXTRA = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
                     7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 }

-- Length 3..258 -> index into LEN_* (symbol 257 + index - 1); the same for
-- distances 1..32768, looked up through a table of the first 32768 values.
local LEN_INDEX = {}
for i = 1, #LEN_BASE do
  local last = (i < #LEN_BASE) and LEN_BASE[i + 1] - 1 or 258
  for l = LEN_BASE[i], last do LEN_INDEX[l] = i end
end
LEN_INDEX[258] = #LEN_BASE   -- 258 has its own code (285), not 284 + extra bits
local DIST_INDEX = {}
for i = 1, #DIST_BASE do
  local last = (i < #DIST_BASE) and DIST_BASE[i + 1] - 1 or 32768
  for d = DIST_BASE[i], last do DIST_INDEX[d] = i end
end
local DIST_CODE = {}
for i = 0, 29 do DIST_CODE[i] = reverse(i, 5) end

local WINDOW = 32768
local MIN_MATCH, MAX_MATCH = 3, 258
local MAX_CHAIN = 24       -- candidates tried per position: speed over the last few %
local HASH_MASK = 0xFFFF

-- One final block with the fixed codes. `head[h]` is the latest position
-- whose next three bytes hash to h, `prev[p % WINDOW]` the one before p
-- with the same hash: the chain we walk to find the longest earlier match.
-- prev is a ring of WINDOW slots: a slot is overwritten only by a position
-- a whole window later, and the walk stops at candidates that far back
-- anyway. This is the hot loop of the whole seed, so the bit writer is
-- inlined with locals.
local function deflate_fixed(data, n, w)
  putbits(w, 1, 1)   -- BFINAL
  putbits(w, 1, 2)   -- BTYPE = 01, fixed Huffman
  local out, o, acc, bits = w.out, w.n, w.acc, w.bits
  local head, prev = {}, {}
  local RING = WINDOW - 1
  local i = 1
  while i <= n do
    local best_len, best_dist = 0, 0
    local h
    if i + 2 <= n then
      h = ((data[i] << 10) ~ (data[i + 1] << 5) ~ data[i + 2]) & HASH_MASK
      local cand = head[h]
      local chain = MAX_CHAIN
      local limit = n - i + 1
      if limit > MAX_MATCH then limit = MAX_MATCH end
      while cand and chain > 0 and i - cand <= WINDOW do
        if data[cand + best_len] == data[i + best_len] then
          local l = 0
          while l < limit and data[cand + l] == data[i + l] do l = l + 1 end
          if l > best_len then
            best_len, best_dist = l, i - cand
            if l == limit then break end
          end
        end
        cand = prev[cand & RING]
        chain = chain - 1
      end
    end
    local step
    if best_len >= MIN_MATCH then
      local li = LEN_INDEX[best_len]
      local sym = 256 + li
      acc = acc | (LIT_CODE[sym] << bits)
      bits = bits + LIT_LEN[sym]
      local eb = LEN_EXTRA[li]
      if eb > 0 then
        acc = acc | ((best_len - LEN_BASE[li]) << bits)
        bits = bits + eb
      end
      local di = DIST_INDEX[best_dist]
      acc = acc | (DIST_CODE[di - 1] << bits)
      bits = bits + 5
      eb = DIST_EXTRA[di]
      if eb > 0 then
        acc = acc | ((best_dist - DIST_BASE[di]) << bits)
        bits = bits + eb
      end
      step = best_len
    else
      local v = data[i]
      acc = acc | (LIT_CODE[v] << bits)
      bits = bits + LIT_LEN[v]
      step = 1
    end
    -- at most 15 + 5 + 5 + 13 = 38 bits were added: flush whole bytes
    while bits >= 8 do
      o = o + 1
      out[o] = acc & 0xFF
      acc = acc >> 8
      bits = bits - 8
    end
    -- remember every position we pass (the last two have no 3-byte hash)
    if h then
      prev[i & RING] = head[h]
      head[h] = i
    end
    local last = i + step - 1
    if last > n - 2 then last = n - 2 end
    for p = i + 1, last do
      local hp = ((data[p] << 10) ~ (data[p + 1] << 5) ~ data[p + 2]) & HASH_MASK
      prev[p & RING] = head[hp]
      head[hp] = p
    end
    i = i + step
  end
  w.n, w.acc, w.bits = o, acc, bits
  putbits(w, LIT_CODE[256], LIT_LEN[256])   -- end of block
  flushbits(w)
end

-- Stored blocks: at most 65535 bytes each, byte-aligned, with LEN and its
-- one's complement.
local function deflate_stored(data, n, w)
  local i = 1
  repeat
    local len = n - i + 1
    if len > 65535 then len = 65535 end
    local final = (i + len > n) and 1 or 0
    putbits(w, final, 1)
    putbits(w, 0, 2)
    flushbits(w)
    putbits(w, len & 0xFFFF, 16)
    putbits(w, (~len) & 0xFFFF, 16)
    local out, o = w.out, w.n
    for j = i, i + len - 1 do
      o = o + 1
      out[o] = data[j]
    end
    w.n = o
    i = i + len
  until i > n
end

local function bytes_to_string(t, n)
  local parts = {}
  for i = 1, n, 4096 do
    local j = i + 4095
    if j > n then j = n end
    parts[#parts + 1] = char(unpack(t, i, j))
  end
  return concat(parts)
end

local function u32(v)
  return char((v >> 24) & 0xFF, (v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF)
end

-- A zlib stream (RFC 1950) of the byte array: header 78 01 (deflate, 32 KiB
-- window, no dictionary, "fastest" level), the deflate data, Adler-32.
function M.zlib(data, n, opts)
  local w = bitwriter()
  putbits(w, 0x78, 8)
  putbits(w, 0x01, 8)
  if opts and opts.stored then deflate_stored(data, n, w) else deflate_fixed(data, n, w) end
  return bytes_to_string(w.out, w.n) .. u32(adler32(data, n))
end

-- }======================================================================

-- {======================================================================
-- PNG
-- =======================================================================

local SIGNATURE = "\137PNG\r\n\26\n"

local function chunk(kind, data)
  return u32(#data) .. kind .. data .. u32(M.crc32(kind .. data))
end

-- Scanlines with filter byte 2 ("Up": each byte minus the one above) on
-- every row but the first, which has filter 0. Up turns flat areas and
-- vertical gradients into runs of equal bytes that LZ77 eats whole.
local function filtered(w, h, pixels)
  local data, n = {}, 0
  local stride = w * 3
  for y = 0, h - 1 do
    local row = y * stride
    n = n + 1
    if y == 0 then
      data[n] = 0
      for i = 1, stride do
        n = n + 1
        data[n] = pixels[row + i]
      end
    else
      data[n] = 2
      local above = row - stride
      for i = 1, stride do
        n = n + 1
        data[n] = (pixels[row + i] - pixels[above + i]) & 0xFF
      end
    end
  end
  return data, n
end

-- Encodes w x h pixels (a flat array of integers 0..255, three per pixel,
-- left to right, top to bottom) as a PNG file. Raises on bad arguments: a
-- wrong size or a value out of range is a bug in the painter, not input.
function M.encode(w, h, pixels, opts)
  assert(math.type(w) == "integer" and w > 0 and math.type(h) == "integer" and h > 0,
    "png.encode: width and height must be positive integers")
  assert(#pixels == w * h * 3, "png.encode: expected " .. w * h * 3 .. " values, got " .. #pixels)
  for i = 1, #pixels do
    local v = pixels[i]
    if math.type(v) ~= "integer" or v < 0 or v > 255 then
      error("png.encode: value " .. tostring(v) .. " at " .. i .. " is not an integer 0..255", 2)
    end
  end
  local data, n = filtered(w, h, pixels)
  -- IHDR: size, bit depth 8, colour type 2 (RGB), deflate, adaptive
  -- filtering, no interlace.
  local ihdr = u32(w) .. u32(h) .. char(8, 2, 0, 0, 0)
  -- tEXt: keyword (1..79 bytes, no NUL), NUL, text. Sorted, so that the
  -- same options always give the same bytes.
  local texts = {}
  if opts and opts.text then
    local keys = {}
    for k in pairs(opts.text) do keys[#keys + 1] = k end
    table.sort(keys)
    for _, k in ipairs(keys) do
      assert(#k >= 1 and #k <= 79 and not k:find("%z"), "png.encode: bad tEXt keyword")
      texts[#texts + 1] = chunk("tEXt", k .. "\0" .. tostring(opts.text[k]))
    end
  end
  return SIGNATURE .. chunk("IHDR", ihdr) .. table.concat(texts) .. chunk("IDAT", M.zlib(data, n, opts))
    .. chunk("IEND", "")
end

-- }======================================================================

return M
