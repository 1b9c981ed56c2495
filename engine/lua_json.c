/*
** lua_json.c — the `json` module: lua-cjson's encoder, our decoder
** (json_decode.c: whole numbers as integers), and errors returned as
** nil, err instead of raised because JSON usually comes from outside (a
** webhook body, a provider's answer) and bad input must not end the unit.
** json.null is the engine's one null sentinel, shared with pg and redis.
*/
#include <string.h>

#include <lauxlib.h>
#include <lua-cjson.h>

#include "bindings.h"
#include "json_decode.h"

void eng_push_null(lua_State *L) { lua_pushlightuserdata(L, NULL); }

int eng_is_null(lua_State *L, int idx) {
  return lua_type(L, idx) == LUA_TLIGHTUSERDATA && lua_touserdata(L, idx) == NULL;
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

/* json.items(text, key) -> { element_text, ... } | nil, err: text is a JSON
** object whose member `key` is an array. Why: the long-polling loop stores
** each update of a getUpdates answer in Redis as JSON; cutting the answer
** saves encoding every update again (what the poller does with each text
** is the poller's business, engine/lua/tg/poll.lua).
** The HTTP client cuts an answer the same way before it is a Lua string
** (http.request's json_items, lua_http_client.c). */
int json_push_items(lua_State *L, const char *s, size_t len, const char *key, size_t klen) {
  const char *p = s, *e = s + len;
  p = json_ws(p, e);
  if (p >= e || *p != '{') goto bad;
  p = json_ws(p + 1, e);
  while (p < e && *p == '"') {
    const char *k = p + 1, *kend = json_skip_string(p, e);
    if (!kend) goto bad;
    p = json_ws(kend, e);
    if (p >= e || *p != ':') goto bad;
    p = json_ws(p + 1, e);
    if ((size_t)(kend - 1 - k) == klen && memcmp(k, key, klen) == 0) {
      if (p >= e || *p != '[') {
        lua_pushnil(L);
        lua_pushfstring(L, "member '%s' is not an array", key);
        return 2;
      }
      lua_newtable(L);
      lua_Integer n = 0;
      p = json_ws(p + 1, e);
      if (p < e && *p == ']') return 1;
      while (p < e) {
        const char *v = p;
        if (!(p = json_skip_value(p, e, 0))) {
          lua_pop(L, 1);
          goto bad;
        }
        lua_pushlstring(L, v, (size_t)(p - v));
        lua_rawseti(L, -2, ++n);
        p = json_ws(p, e);
        if (p < e && *p == ',') { p = json_ws(p + 1, e); continue; }
        if (p < e && *p == ']') return 1;
        lua_pop(L, 1);
        goto bad;
      }
      lua_pop(L, 1);
      goto bad;
    }
    if (!(p = json_skip_value(p, e, 0))) goto bad;
    p = json_ws(p, e);
    if (p < e && *p == ',') p = json_ws(p + 1, e);
  }
  lua_pushnil(L);
  lua_pushfstring(L, "no member '%s'", key);
  return 2;
bad:
  lua_pushnil(L);
  lua_pushliteral(L, "malformed JSON");
  return 2;
}

/* json.items(text, key): the elements of the array member `key` of the
** object in text, each as its own JSON text. */
static int l_items(lua_State *L) {
  size_t len, klen;
  const char *s = luaL_checklstring(L, 1, &len);
  const char *key = luaL_checklstring(L, 2, &klen);
  return json_push_items(L, s, len, key, klen);
}

/* }=================================================================== */

/* {===================================================================
** json.decode
** ==================================================================== */

/* json.decode(text [, omit]) -> value | nil, err (json_decode.c). omit
** names a member to leave out wherever it occurs, without building it: a
** Telegram button press carries the pressed message's whole keyboard,
** which nothing reads (tg/update.lua). */
static int decode(lua_State *L) {
  size_t len, olen = 0;
  const char *omit = luaL_optlstring(L, 2, NULL, &olen);
  if (lua_type(L, 1) != LUA_TSTRING) {
    lua_pushnil(L);
    lua_pushfstring(L, "expected JSON text, got %s", luaL_typename(L, 1));
    return 2;
  }
  const char *s = lua_tolstring(L, 1, &len);
  char err[160];
  if (json_decode_push(L, s, len, omit, omit ? olen : 0, err, sizeof err) != 0) {
    lua_pushnil(L);
    lua_pushstring(L, err);
    return 2;
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
  lua_pushcfunction(L, decode);
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
