/*
** lua_crypto.c — the `crypto` module: digests, HMAC, hex, base64, random
** bytes and constant-time comparison, on OpenSSL 3. Everything here is
** CPU-only and fast, so it runs synchronously: no yield, callable anywhere
** (at load time too).
**
**   crypto.sha256(s)  crypto.sha1(s)  crypto.md5(s)  -> raw digest bytes
**   crypto.hmac_sha256(key, msg)                       -> raw 32 bytes
**   crypto.hex(s) -> lowercase hex     crypto.unhex(h) -> bytes | nil, err, code
**   crypto.base64_encode(s)            crypto.base64_decode(b) -> bytes | nil, err, code
**   crypto.random_bytes(n)             n bytes from OpenSSL's CSPRNG
**   crypto.equals(a, b)                constant-time string equality
**
** MD5 and SHA-1 are here because payment providers (Click) sign with them,
** not for anything new.
*/
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "bindings.h"

#define RANDOM_MAX (1 << 20)          /* random_bytes: more is a bug, not a need */

static int push_fail(lua_State *L, const char *msg, const char *code) {
  lua_pushnil(L);
  lua_pushstring(L, msg);
  lua_pushstring(L, code);
  return 3;
}

/* {========================================================================
** Digests and HMAC
** ========================================================================= */

static int digest(lua_State *L, const EVP_MD *md) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int outlen = 0;
  if (!md || !EVP_Digest(s, len, out, &outlen, md, NULL))
    return luaL_error(L, "crypto: digest failed");
  lua_pushlstring(L, (const char *)out, outlen);
  return 1;
}

static int l_sha256(lua_State *L) { return digest(L, EVP_sha256()); }
static int l_sha1(lua_State *L) { return digest(L, EVP_sha1()); }
static int l_md5(lua_State *L) { return digest(L, EVP_md5()); }

static int l_hmac_sha256(lua_State *L) {
  size_t klen, mlen;
  const char *key = luaL_checklstring(L, 1, &klen);
  const char *msg = luaL_checklstring(L, 2, &mlen);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int outlen = 0;
  if (klen > 0x7fffffff) return luaL_argerror(L, 1, "key too long");
  if (!HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, mlen, out, &outlen))
    return luaL_error(L, "crypto: hmac failed");
  lua_pushlstring(L, (const char *)out, outlen);
  return 1;
}

/* }======================================================================== */

/* {========================================================================
** hex
** ========================================================================= */

static int l_hex(lua_State *L) {
  static const char digits[] = "0123456789abcdef";
  size_t len;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
  luaL_Buffer b;
  char *out = luaL_buffinitsize(L, &b, len * 2);
  for (size_t i = 0; i < len; i++) {
    out[2 * i] = digits[s[i] >> 4];
    out[2 * i + 1] = digits[s[i] & 15];
  }
  luaL_pushresultsize(&b, len * 2);
  return 1;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int l_unhex(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  if (len % 2) return push_fail(L, "hex string of odd length", "invalid");
  luaL_Buffer b;
  char *out = luaL_buffinitsize(L, &b, len / 2);
  for (size_t i = 0; i < len; i += 2) {
    int hi = hexval((unsigned char)s[i]), lo = hexval((unsigned char)s[i + 1]);
    if (hi < 0 || lo < 0) return push_fail(L, "invalid hex digit", "invalid");
    out[i / 2] = (char)(hi << 4 | lo);
  }
  luaL_pushresultsize(&b, len / 2);
  return 1;
}

/* }======================================================================== */

/* {========================================================================
** base64 (RFC 4648, standard alphabet)
**
** Hand-written rather than EVP_EncodeBlock/DecodeBlock: those skip
** whitespace, cannot say how much padding they ate and require it, while
** we want exactly the standard alphabet, padding optional, anything else an
** error.
** ========================================================================= */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int l_base64_encode(lua_State *L) {
  size_t len;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
  size_t outlen = (len + 2) / 3 * 4, o = 0, i = 0;
  luaL_Buffer b;
  char *out = luaL_buffinitsize(L, &b, outlen);
  for (; i + 3 <= len; i += 3) {
    unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
    out[o++] = B64[v >> 18];
    out[o++] = B64[v >> 12 & 63];
    out[o++] = B64[v >> 6 & 63];
    out[o++] = B64[v & 63];
  }
  if (len - i == 1) {
    unsigned v = (unsigned)s[i] << 16;
    out[o++] = B64[v >> 18];
    out[o++] = B64[v >> 12 & 63];
    out[o++] = '=';
    out[o++] = '=';
  } else if (len - i == 2) {
    unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8;
    out[o++] = B64[v >> 18];
    out[o++] = B64[v >> 12 & 63];
    out[o++] = B64[v >> 6 & 63];
    out[o++] = '=';
  }
  luaL_pushresultsize(&b, o);
  return 1;
}

static int b64val(int c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

static int l_base64_decode(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  size_t n = len, pad = 0;
  while (n > 0 && s[n - 1] == '=' && pad < 2) { n--; pad++; }
  if (pad && len % 4 != 0) return push_fail(L, "invalid base64 padding", "invalid");
  if (n % 4 == 1) return push_fail(L, "invalid base64 length", "invalid");
  luaL_Buffer b;
  char *out = luaL_buffinitsize(L, &b, n / 4 * 3 + 2);
  size_t o = 0;
  unsigned acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; i++) {
    int v = b64val((unsigned char)s[i]);
    if (v < 0) return push_fail(L, "invalid base64 character", "invalid");
    acc = (acc << 6 | (unsigned)v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (char)(acc >> bits & 0xff);
    }
  }
  luaL_pushresultsize(&b, o);
  return 1;
}

/* }======================================================================== */

static int l_random_bytes(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1);
  if (n < 0 || n > RANDOM_MAX) return luaL_argerror(L, 1, "0 .. 1048576 bytes");
  luaL_Buffer b;
  unsigned char *out = (unsigned char *)luaL_buffinitsize(L, &b, (size_t)n);
  if (n > 0 && RAND_bytes(out, (int)n) != 1) return luaL_error(L, "crypto: RAND_bytes failed");
  luaL_pushresultsize(&b, (size_t)n);
  return 1;
}

/* Comparing secrets (signatures, tokens) with == leaks, through timing, how
** many leading bytes matched. CRYPTO_memcmp reads every byte regardless.
** Strings of different lengths are unequal, but the content is still read
** once so the time depends on the length only. */
static int l_equals(lua_State *L) {
  size_t la, lb;
  const char *a = luaL_checklstring(L, 1, &la);
  const char *b = luaL_checklstring(L, 2, &lb);
  int eq;
  if (la != lb) {
    (void)CRYPTO_memcmp(a, a, la);
    eq = 0;
  } else {
    eq = CRYPTO_memcmp(a, b, la) == 0;
  }
  lua_pushboolean(L, eq);
  return 1;
}

int eng_open_crypto(lua_State *L) {
  static const luaL_Reg fns[] = {
    {"sha256", l_sha256}, {"sha1", l_sha1}, {"md5", l_md5}, {"hmac_sha256", l_hmac_sha256},
    {"hex", l_hex}, {"unhex", l_unhex},
    {"base64_encode", l_base64_encode}, {"base64_decode", l_base64_decode},
    {"random_bytes", l_random_bytes}, {"equals", l_equals}, {NULL, NULL}
  };
  luaL_newlib(L, fns);
  return 1;
}
