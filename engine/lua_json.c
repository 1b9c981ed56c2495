/*
** lua_json.c — the `json` module: lua-cjson, with errors returned as
** nil, err instead of raised, because JSON usually comes from outside (a
** webhook body, a provider's answer) and bad input must not end the unit.
** json.null is the engine's one null sentinel, shared with pg and redis.
*/
#include <lauxlib.h>
#include <lua-cjson.h>

#include "bindings.h"

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

int eng_open_json(lua_State *L) {
  luaL_requiref(L, "cjson", luaopen_cjson, 0);
  int cj = lua_gettop(L);
  lua_newtable(L);
  const char *wrapped[] = {"encode", "decode"};
  for (int i = 0; i < 2; i++) {
    lua_getfield(L, cj, wrapped[i]);
    lua_pushcclosure(L, protected_call, 1);
    lua_setfield(L, -2, wrapped[i]);
  }
  /* Sparse arrays like {[1]=x,[5]=y} are common in Lua; encode them as
  ** arrays instead of refusing. */
  lua_getfield(L, cj, "encode_sparse_array");
  lua_pushboolean(L, 1);
  lua_call(L, 1, 0);
  eng_push_null(L);
  lua_setfield(L, -2, "null");
  return 1;
}
