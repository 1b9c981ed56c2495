/*
** json_decode.c — JSON text to Lua values, for json.decode (lua_json.c).
**
** Why not lua-cjson's decoder: it makes every number a float (ids and
** tiyin amounts must be integers, so a second walk over the result fixed
** them), and it grows every table one member at a time, each growth a new
** allocation. Decoding was the largest source of garbage in the bot
** (bench/README.md), and Lua's collector pays for every byte. Here a container's values wait on the Lua stack until its end, so
** its table is made once at its final size; whole numbers are integers as
** they are read; and members named `omit` are skipped without being built.
**
** Strict JSON (RFC 8259): no comments, hex, NaN or trailing commas. null
** is the engine's null (a NULL light userdata, json.null). Nesting deeper
** than JSON_MAX_DEPTH is refused, not overflowed.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "bindings.h"
#include "buf.h"
#include "json_decode.h"

#define JSON_MAX_DEPTH 1000
/* Values of one container kept on the stack before its table is made; a
** longer container moves them into a table of that size and goes on
** appending (the stack is not meant for a million slots). */
#define STACK_CHUNK 256

/* {===================================================================
** Scanning without building (also json.items)
** ==================================================================== */

const char *json_ws(const char *p, const char *e) {
  while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
  return p;
}

const char *json_skip_string(const char *p, const char *e) {
  for (p++; p < e; p++) {           /* p starts at the opening quote */
    if (*p == '\\') p++;
    else if (*p == '"') return p + 1;
  }
  return NULL;
}

const char *json_skip_value(const char *p, const char *e, int depth) {
  p = json_ws(p, e);
  if (p >= e || depth > JSON_MAX_DEPTH) return NULL;
  if (*p == '"') return json_skip_string(p, e);
  if (*p == '{' || *p == '[') {
    char close = *p == '{' ? '}' : ']';
    p = json_ws(p + 1, e);
    if (p < e && *p == close) return p + 1;
    while (p < e) {
      if (close == '}') {
        if (*p != '"' || !(p = json_skip_string(p, e))) return NULL;
        p = json_ws(p, e);
        if (p >= e || *p != ':') return NULL;
        p++;
      }
      if (!(p = json_skip_value(p, e, depth + 1))) return NULL;
      p = json_ws(p, e);
      if (p < e && *p == ',') { p = json_ws(p + 1, e); continue; }
      if (p < e && *p == close) return p + 1;
      return NULL;
    }
    return NULL;
  }
  const char *start = p;             /* a number, true, false, null */
  while (p < e && (*p == '-' || *p == '+' || *p == '.' || (*p >= '0' && *p <= '9') ||
                   (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
    p++;
  return p > start ? p : NULL;
}

/* }=================================================================== */

/* {===================================================================
** Decoding
** ==================================================================== */

typedef struct {
  lua_State *L;
  const char *s, *p, *e;
  const char *omit;
  size_t olen;
  buf_t *str;                /* a string with escapes, unescaped */
  char *err;
  size_t errlen;
} dec_t;

static int fail(dec_t *d, const char *what) {
  if (!d->err[0]) snprintf(d->err, d->errlen, "%s at character %ld", what, (long)(d->p - d->s) + 1);
  return -1;
}

static int hex4(const char *p, const char *e, unsigned *out) {
  if (e - p < 4) return -1;
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return -1;
  }
  *out = v;
  return 0;
}

static void put_utf8(buf_t *b, unsigned cp) {
  char u[4];
  int n;
  if (cp < 0x80) u[0] = (char)cp, n = 1;
  else if (cp < 0x800) u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
  else if (cp < 0x10000)
    u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[2] = (char)(0x80 | (cp & 0x3F)),
    n = 3;
  else
    u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
  buf_add(b, u, (size_t)n);
}

/* d->p at the opening quote. Sets *out and *len to the string's bytes: inside
** the text when it has no escapes (the common case), else in d->str. */
static int read_string(dec_t *d, const char **out, size_t *len) {
  const char *p = d->p + 1, *e = d->e, *start = p;
  while (p < e && *p != '"' && *p != '\\') p++;
  if (p < e && *p == '"') {
    *out = start, *len = (size_t)(p - start);
    d->p = p + 1;
    return 0;
  }
  buf_reset(d->str);
  buf_add(d->str, start, (size_t)(p - start));
  while (p < e && *p != '"') {
    if (*p != '\\') {
      const char *run = p;
      while (p < e && *p != '"' && *p != '\\') p++;
      buf_add(d->str, run, (size_t)(p - run));
      continue;
    }
    if (++p >= e) break;
    char c = *p++;
    switch (c) {
    case '"': case '\\': case '/': buf_addc(d->str, c); break;
    case 'b': buf_addc(d->str, '\b'); break;
    case 'f': buf_addc(d->str, '\f'); break;
    case 'n': buf_addc(d->str, '\n'); break;
    case 'r': buf_addc(d->str, '\r'); break;
    case 't': buf_addc(d->str, '\t'); break;
    case 'u': {
      unsigned cp, lo;
      if (hex4(p, e, &cp) != 0) { d->p = p; return fail(d, "invalid \\u escape"); }
      p += 4;
      if (cp >= 0xD800 && cp <= 0xDBFF) {          /* a surrogate pair */
        if (e - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, e, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF) {
          d->p = p;
          return fail(d, "unpaired UTF-16 surrogate in \\u escape");
        }
        p += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        d->p = p;
        return fail(d, "unpaired UTF-16 surrogate in \\u escape");
      }
      put_utf8(d->str, cp);
      break;
    }
    default:
      d->p = p - 1;
      return fail(d, "invalid escape in string");
    }
  }
  if (p >= e) { d->p = e; return fail(d, "unterminated string"); }
  *out = d->str->data ? d->str->data : "", *len = d->str->len;
  d->p = p + 1;
  return 0;
}

/* A number by JSON's grammar; whole values in int64 range are integers
** ("2.0" and "1e3" too: ids and amounts must not turn into floats). */
static int read_number(dec_t *d) {
  const char *p = d->p, *e = d->e, *start = p;
  int frac = 0;
  if (p < e && *p == '-') p++;
  if (p < e && *p == '0') p++;
  else if (p < e && *p >= '1' && *p <= '9') while (p < e && *p >= '0' && *p <= '9') p++;
  else return fail(d, "invalid number");
  if (p < e && *p == '.') {
    frac = 1;
    if (++p >= e || *p < '0' || *p > '9') { d->p = p; return fail(d, "invalid number"); }
    while (p < e && *p >= '0' && *p <= '9') p++;
  }
  if (p < e && (*p == 'e' || *p == 'E')) {
    frac = 1;
    p++;
    if (p < e && (*p == '+' || *p == '-')) p++;
    if (p >= e || *p < '0' || *p > '9') { d->p = p; return fail(d, "invalid number"); }
    while (p < e && *p >= '0' && *p <= '9') p++;
  }
  char tmp[64];
  size_t n = (size_t)(p - start);
  char *num = n < sizeof tmp ? tmp : malloc(n + 1);
  if (!num) return fail(d, "out of memory");
  memcpy(num, start, n);
  num[n] = '\0';
  if (!frac) {
    errno = 0;
    long long v = strtoll(num, NULL, 10);
    if (errno == 0) {
      lua_pushinteger(d->L, (lua_Integer)v);
      if (num != tmp) free(num);
      d->p = p;
      return 0;
    }
  }
  double v = strtod(num, NULL);
  if (num != tmp) free(num);
  lua_Integer i;
  if (lua_numbertointeger(v, &i) && (double)i == v) lua_pushinteger(d->L, i);
  else lua_pushnumber(d->L, v);
  d->p = p;
  return 0;
}

static int read_value(dec_t *d, int depth);

/* Puts a new table of the given sizes under the values a container has on
** the stack above base, at base+1, once: returns 1 (now in a table). */
static int table_below(lua_State *L, int base, int in_table, int narr, int nrec) {
  if (!in_table) {
    lua_createtable(L, narr, nrec);
    lua_insert(L, base + 1);
  }
  return 1;
}

/* Moves the n values above base+1 (the table) into it, as array items
** first+1..first+n; leaves the stack at the table. */
static void flush_items(lua_State *L, int base, lua_Integer first, int n) {
  for (int i = n; i >= 1; i--) lua_rawseti(L, base + 1, first + i);
}

static int read_array(dec_t *d, int depth) {
  lua_State *L = d->L;
  int base = lua_gettop(L), n = 0, in_table = 0;
  lua_Integer total = 0;
  d->p = json_ws(d->p + 1, d->e);
  if (d->p < d->e && *d->p == ']') {
    d->p++;
    lua_createtable(L, 0, 0);
    return 0;
  }
  for (;;) {
    if (n == STACK_CHUNK) {            /* long: go on in a table */
      in_table = table_below(L, base, in_table, STACK_CHUNK * 2, 0);
      flush_items(L, base, total - n, n);
      n = 0;
    }
    if (!lua_checkstack(L, 4)) return fail(d, "too deeply nested");
    if (read_value(d, depth + 1) != 0) return -1;
    n++, total++;
    d->p = json_ws(d->p, d->e);
    if (d->p < d->e && *d->p == ',') { d->p = json_ws(d->p + 1, d->e); continue; }
    if (d->p < d->e && *d->p == ']') { d->p++; break; }
    return fail(d, "expected ',' or ']' in array");
  }
  table_below(L, base, in_table, n, 0);
  flush_items(L, base, total - n, n);
  return 0;
}

/* Sets the n key/value pairs above base+1 into the table there, in text
** order (a repeated key: the last one wins), and pops them. */
static void flush_members(lua_State *L, int base, int n) {
  for (int i = 0; i < n; i++) {
    lua_pushvalue(L, base + 2 + 2 * i);
    lua_pushvalue(L, base + 3 + 2 * i);
    lua_rawset(L, base + 1);
  }
  lua_settop(L, base + 1);
}

static int read_object(dec_t *d, int depth) {
  lua_State *L = d->L;
  int base = lua_gettop(L), n = 0, in_table = 0;
  d->p = json_ws(d->p + 1, d->e);
  if (d->p < d->e && *d->p == '}') {
    d->p++;
    lua_createtable(L, 0, 0);
    return 0;
  }
  for (;;) {
    if (n == STACK_CHUNK) {
      in_table = table_below(L, base, in_table, 0, STACK_CHUNK * 2);
      flush_members(L, base, n);
      n = 0;
    }
    if (d->p >= d->e || *d->p != '"') return fail(d, "expected a string key in object");
    const char *k;
    size_t klen;
    if (read_string(d, &k, &klen) != 0) return -1;
    d->p = json_ws(d->p, d->e);
    if (d->p >= d->e || *d->p != ':') return fail(d, "expected ':' after key in object");
    d->p = json_ws(d->p + 1, d->e);
    if (d->omit && klen == d->olen && memcmp(k, d->omit, klen) == 0) {
      const char *after = json_skip_value(d->p, d->e, depth + 1);
      if (!after) return fail(d, "malformed value");
      d->p = after;
    } else {
      if (!lua_checkstack(L, 5)) return fail(d, "too deeply nested");
      lua_pushlstring(L, k, klen);
      if (read_value(d, depth + 1) != 0) return -1;
      n++;
    }
    d->p = json_ws(d->p, d->e);
    if (d->p < d->e && *d->p == ',') { d->p = json_ws(d->p + 1, d->e); continue; }
    if (d->p < d->e && *d->p == '}') { d->p++; break; }
    return fail(d, "expected ',' or '}' in object");
  }
  table_below(L, base, in_table, 0, n);
  flush_members(L, base, n);
  return 0;
}

static int literal(dec_t *d, const char *word, size_t n) {
  if ((size_t)(d->e - d->p) < n || memcmp(d->p, word, n) != 0) return fail(d, "invalid token");
  d->p += n;
  return 0;
}

static int read_value(dec_t *d, int depth) {
  d->p = json_ws(d->p, d->e);
  if (d->p >= d->e) return fail(d, "unexpected end of JSON");
  if (depth > JSON_MAX_DEPTH) return fail(d, "too deeply nested");
  switch (*d->p) {
  case '{': return read_object(d, depth);
  case '[': return read_array(d, depth);
  case '"': {
    const char *s;
    size_t len;
    if (read_string(d, &s, &len) != 0) return -1;
    lua_pushlstring(d->L, s, len);
    return 0;
  }
  case 't':
    if (literal(d, "true", 4) != 0) return -1;
    lua_pushboolean(d->L, 1);
    return 0;
  case 'f':
    if (literal(d, "false", 5) != 0) return -1;
    lua_pushboolean(d->L, 0);
    return 0;
  case 'n':
    if (literal(d, "null", 4) != 0) return -1;
    eng_push_null(d->L);
    return 0;
  default:
    if (*d->p == '-' || (*d->p >= '0' && *d->p <= '9')) return read_number(d);
    return fail(d, "invalid token");
  }
}

int json_decode_push(lua_State *L, const char *s, size_t len, const char *omit, size_t olen, char *err,
                     size_t errlen) {
  /* One buffer kept between calls: a Lua memory error can longjmp out of
  ** a decode, and a buffer of its own would then leak. */
  static buf_t str;
  dec_t d = { .L = L, .s = s, .p = s, .e = s + len, .omit = olen ? omit : NULL, .olen = olen,
              .str = &str, .err = err, .errlen = errlen };
  err[0] = '\0';
  int top = lua_gettop(L);
  int rc = read_value(&d, 0);
  if (rc == 0) {
    d.p = json_ws(d.p, d.e);
    if (d.p != d.e) rc = fail(&d, "unexpected text after the JSON value");
  }
  if (str.cap > 65536) buf_free(&str);   /* a rare long string is not kept */
  if (rc != 0) lua_settop(L, top);
  return rc;
}

/* }=================================================================== */
