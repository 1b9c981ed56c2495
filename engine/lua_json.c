/*
** lua_json.c — the `json` module: lua-cjson, with whole numbers decoded as
** integers, and errors returned as nil, err instead of raised because JSON
** usually comes from outside (a webhook body, a provider's answer) and bad
** input must not end the unit.
** json.null is the engine's one null sentinel, shared with pg and redis.
*/
#include <lauxlib.h>
#include <lua-cjson.h>

#include "bindings.h"

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

/* json.decode: cjson's, errors as nil, err, then integers(). */
static int decode(lua_State *L) {
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
  /* Sparse arrays like {[1]=x,[5]=y} are common in Lua; encode them as
  ** arrays instead of refusing. */
  lua_getfield(L, cj, "encode_sparse_array");
  lua_pushboolean(L, 1);
  lua_call(L, 1, 0);
  eng_push_null(L);
  lua_setfield(L, -2, "null");
  return 1;
}
