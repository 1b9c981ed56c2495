// spec/support/png_check.mjs — an independent PNG reader for the seed spec:
// checks what devkit/lib/png.lua writes with code that shares nothing with
// it (node's zlib for inflate and Adler-32, our own CRC-32 here, every
// filter type undone), and prints one JSON line per file:
//
//   node spec/support/png_check.mjs FILE...
//   {"file":"...","ok":true,"width":320,"height":320,"text":{...},"rgb_sha256":"..."}
//   {"file":"...","ok":false,"error":"chunk IDAT: bad CRC"}
//
// Exit status 0 when every file is a valid 8-bit RGB PNG.
import { readFileSync } from "node:fs";
import { inflateSync } from "node:zlib";
import { createHash } from "node:crypto";

const CRC = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC[n] = c >>> 0;
}
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function check(file) {
  const d = readFileSync(file);
  if (!d.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))) throw new Error("no PNG signature");
  let pos = 8, width, height, ended = false;
  const idat = [], text = {};
  while (pos < d.length) {
    const len = d.readUInt32BE(pos);
    const type = d.toString("latin1", pos + 4, pos + 8);
    const body = d.subarray(pos + 8, pos + 8 + len);
    if (crc32(d.subarray(pos + 4, pos + 8 + len)) !== d.readUInt32BE(pos + 8 + len)) throw new Error(`chunk ${type}: bad CRC`);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8 || body[9] !== 2 || body[12] !== 0) throw new Error("not 8-bit RGB, non-interlaced");
    } else if (type === "IDAT") {
      idat.push(body);
    } else if (type === "tEXt") {
      const z = body.indexOf(0);
      text[body.toString("latin1", 0, z)] = body.toString("latin1", z + 1);
    } else if (type === "IEND") {
      ended = true;
      break;
    }
    pos += 12 + len;
  }
  if (!ended) throw new Error("no IEND");
  const raw = inflateSync(Buffer.concat(idat));   // throws on a bad stream or Adler-32
  const stride = width * 3;
  if (raw.length !== height * (stride + 1)) throw new Error(`inflated ${raw.length} bytes, want ${height * (stride + 1)}`);
  const rgb = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= 3 ? rgb[y * stride + i - 3] : 0;
      const b = y > 0 ? rgb[(y - 1) * stride + i] : 0;
      const c = i >= 3 && y > 0 ? rgb[(y - 1) * stride + i - 3] : 0;
      const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : f === 4 ? paeth(a, b, c) : -1;
      if (pred < 0) throw new Error(`row ${y}: filter type ${f}`);
      rgb[y * stride + i] = (line[i] + pred) & 0xff;
    }
  }
  return { width, height, text, rgb_sha256: createHash("sha256").update(rgb).digest("hex") };
}

let bad = 0;
for (const file of process.argv.slice(2)) {
  try {
    console.log(JSON.stringify({ file, ok: true, ...check(file) }));
  } catch (e) {
    bad++;
    console.log(JSON.stringify({ file, ok: false, error: e.message }));
  }
}
process.exit(bad ? 1 : 0);
