/*
** lua_json.c — the `json` module: lua-cjson, with whole numbers decoded as
** integers, and errors returned as nil, err instead of raised because JSON
** usually comes from outside (a webhook body, a provider's answer) and bad
** input must not end the unit.
** json.null is the engine's one null sentinel, shared with pg and redis.
*/
#include <string.h>

#include <lauxlib.h>
#include <lua-cjson.h>

#include "bindings.h"
#include "buf.h"

void eng_push_null(lua_State *L) { lua_pushlightuserdata(L, NULL); }

int eng_is_null(lua_State *L, int idx) {
  return lua_type(L, idx) == LUA_TLIGHTUSERDATA && lua_touserdata(L, idx) == NULL;
}

/* lua-cjson makes every JSON number a float. Ids (Telegram's chat and user
** ids, our order numbers) and money in tiyin are integers, and a float one
** prints as "5001.0" and misses every table lookup and Redis key: so after
** decoding, every whole number in int64 range becomes an integer, in place.
** In C, because the same walk in Lua cost as much as the decoding itself. */
static int whole(lua_State *L, int idx, lua_Integer *out) {
  if (lua_type(L, idx) != LUA_TNUMBER || lua_isinteger(L, idx)) return 0;
  lua_Number n = lua_tonumber(L, idx);
  return lua_numbertointeger(n, out) && (lua_Number)*out == n;
}

static void integers(lua_State *L, int depth) {
  if (depth > 1000 || !lua_checkstack(L, 3)) return; /* cjson nests at most 1000 */
  int t = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_Integer i;
    if (whole(L, -1, &i)) {
      lua_pushvalue(L, -2);
      lua_pushinteger(L, i);
      lua_rawset(L, t); /* an existing field: allowed while traversing */
    } else if (lua_type(L, -1) == LUA_TTABLE) {
      integers(L, depth + 1);
    }
    lua_pop(L, 1);
  }
}

static int protected_call(lua_State *L) {
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  if (lua_pcall(L, n, 1, 0) != LUA_OK) {
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
  }
  return 1;
}

/* {===================================================================
** json.items: an array member's elements as raw JSON text
** ==================================================================== */

/* A scanner over JSON text that only finds where values end: enough to
** cut an array into its elements without building them. Each function
** returns the position after what it skipped, or NULL on malformed text. */
static const char *ws(const char *p, const char *e) {
  while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
  return p;
}

static const char *skip_string(const char *p, const char *e) {
  for (p++; p < e; p++) {           /* p starts at the opening quote */
    if (*p == '\\') p++;
    else if (*p == '"') return p + 1;
  }
  return NULL;
}

static const char *skip_value(const char *p, const char *e, int depth) {
  p = ws(p, e);
  if (p >= e || depth > 1000) return NULL;
  if (*p == '"') return skip_string(p, e);
  if (*p == '{' || *p == '[') {
    char close = *p == '{' ? '}' : ']';
    p = ws(p + 1, e);
    if (p < e && *p == close) return p + 1;
    while (p < e) {
      if (close == '}') {
        if (*p != '"' || !(p = skip_string(p, e))) return NULL;
        p = ws(p, e);
        if (p >= e || *p != ':') return NULL;
        p++;
      }
      if (!(p = skip_value(p, e, depth + 1))) return NULL;
      p = ws(p, e);
      if (p < e && *p == ',') { p = ws(p + 1, e); continue; }
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

/* json.items(text, key) -> { element_text, ... } | nil, err: text is a JSON
** object whose member `key` is an array. Why: the long-polling loop stores
** each update of a getUpdates answer in Redis as JSON; cutting the answer
** saves encoding every update again, and an update the engine has already
** seen needs no decoding at all (its update_id is read from its text). */
static int l_items(lua_State *L) {
  size_t len, klen;
  const char *s = luaL_checklstring(L, 1, &len);
  const char *key = luaL_checklstring(L, 2, &klen);
  const char *p = s, *e = s + len;
  p = ws(p, e);
  if (p >= e || *p != '{') goto bad;
  p = ws(p + 1, e);
  while (p < e && *p == '"') {
    const char *k = p + 1, *kend = skip_string(p, e);
    if (!kend) goto bad;
    p = ws(kend, e);
    if (p >= e || *p != ':') goto bad;
    p = ws(p + 1, e);
    if ((size_t)(kend - 1 - k) == klen && memcmp(k, key, klen) == 0) {
      if (p >= e || *p != '[') {
        lua_pushnil(L);
        lua_pushfstring(L, "member '%s' is not an array", key);
        return 2;
      }
      lua_newtable(L);
      lua_Integer n = 0;
      p = ws(p + 1, e);
      if (p < e && *p == ']') return 1;
      while (p < e) {
        const char *v = p;
        if (!(p = skip_value(p, e, 0))) goto bad;
        lua_pushlstring(L, v, (size_t)(p - v));
        lua_rawseti(L, -2, ++n);
        p = ws(p, e);
        if (p < e && *p == ',') { p = ws(p + 1, e); continue; }
        if (p < e && *p == ']') return 1;
        goto bad;
      }
      goto bad;
    }
    if (!(p = skip_value(p, e, 0))) goto bad;
    p = ws(p, e);
    if (p < e && *p == ',') p = ws(p + 1, e);
  }
  lua_pushnil(L);
  lua_pushfstring(L, "no member '%s'", key);
  return 2;
bad:
  lua_pushnil(L);
  lua_pushliteral(L, "malformed JSON");
  return 2;
}

/* }=================================================================== */

/* {===================================================================
** json.decode, with members left out
** ==================================================================== */

/* Copies the value at p to b, leaving out every object member named
** key (at any depth). Returns the position after the value, or NULL on
** malformed text. Whitespace between tokens is not copied. */
static const char *copy_without(const char *p, const char *e, buf_t *b, const char *key, size_t klen,
                                int depth) {
  p = ws(p, e);
  if (p >= e || depth > 1000) return NULL;
  if (*p == '[') {
    buf_addc(b, '[');
    p = ws(p + 1, e);
    if (p < e && *p == ']') { buf_addc(b, ']'); return p + 1; }
    while (p < e) {
      if (!(p = copy_without(p, e, b, key, klen, depth + 1))) return NULL;
      p = ws(p, e);
      if (p < e && *p == ',') { buf_addc(b, ','); p++; continue; }
      if (p < e && *p == ']') { buf_addc(b, ']'); return p + 1; }
      return NULL;
    }
    return NULL;
  }
  if (*p == '{') {
    int first = 1;
    buf_addc(b, '{');
    p = ws(p + 1, e);
    if (p < e && *p == '}') { buf_addc(b, '}'); return p + 1; }
    while (p < e) {
      if (*p != '"') return NULL;
      const char *k = p, *kend = skip_string(p, e);
      if (!kend) return NULL;
      p = ws(kend, e);
      if (p >= e || *p != ':') return NULL;
      p++;
      if ((size_t)(kend - k - 2) == klen && memcmp(k + 1, key, klen) == 0) {
        if (!(p = skip_value(p, e, depth + 1))) return NULL;
      } else {
        if (!first) buf_addc(b, ',');
        first = 0;
        buf_add(b, k, (size_t)(kend - k));
        buf_addc(b, ':');
        if (!(p = copy_without(p, e, b, key, klen, depth + 1))) return NULL;
      }
      p = ws(p, e);
      if (p < e && *p == ',') { p = ws(p + 1, e); continue; }
      if (p < e && *p == '}') { buf_addc(b, '}'); return p + 1; }
      return NULL;
    }
    return NULL;
  }
  const char *v = p;
  if (!(p = skip_value(p, e, depth))) return NULL;
  buf_add(b, v, (size_t)(p - v));
  return p;
}

/* json.decode(text [, omit]): cjson's, errors as nil, err, then integers().
** omit names a member to leave out wherever it occurs, without building
** it: a Telegram button press carries the pressed message's whole keyboard
** (dozens of tables per update), which nothing reads, and it was a fifth
** of the garbage the bot made (bench/README.md). */
static int decode(lua_State *L) {
  size_t len, klen;
  const char *omit = luaL_optlstring(L, 2, NULL, &klen);
  lua_settop(L, 1);
  if (omit && lua_type(L, 1) == LUA_TSTRING) {
    const char *s = lua_tolstring(L, 1, &len);
    if (klen > 0 && memmem(s, len, omit, klen)) {
      static buf_t b;               /* one decode at a time: kept between calls */
      buf_reset(&b);
      const char *end = copy_without(s, s + len, &b, omit, klen, 0);
      if (!end || ws(end, s + len) != s + len) {
        lua_pushnil(L);
        lua_pushliteral(L, "malformed JSON");
        return 2;
      }
      lua_pushlstring(L, b.data ? b.data : "", b.len);
      lua_replace(L, 1);
      if (b.cap > 65536) buf_free(&b); /* a rare big one is not kept */
    }
  }
  if (protected_call(L) == 2) return 2;
  lua_Integer i;
  if (lua_type(L, -1) == LUA_TTABLE) {
    integers(L, 0);
  } else if (whole(L, -1, &i)) {
    lua_pop(L, 1);
    lua_pushinteger(L, i);
  }
  return 1;
}

/* }=================================================================== */

int eng_open_json(lua_State *L) {
  luaL_requiref(L, "cjson", luaopen_cjson, 0);
  int cj = lua_gettop(L);
  lua_newtable(L);
  lua_getfield(L, cj, "encode");
  lua_pushcclosure(L, protected_call, 1);
  lua_setfield(L, -2, "encode");
  lua_getfield(L, cj, "decode");
  lua_pushcclosure(L, decode, 1);
  lua_setfield(L, -2, "decode");
  lua_pushcfunction(L, l_items);
  lua_setfield(L, -2, "items");
  /* Sparse arrays like {[1]=x,[5]=y} are common in Lua; encode them as
  ** arrays instead of refusing. */
  lua_getfield(L, cj, "encode_sparse_array");
  lua_pushboolean(L, 1);
  lua_call(L, 1, 0);
  eng_push_null(L);
  lua_setfield(L, -2, "null");
  return 1;
}
