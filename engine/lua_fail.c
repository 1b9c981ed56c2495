/*
** lua_fail.c — how a binding reports a libuv error to Lua: nil, the message,
** and libuv's error name in lower case ("ENOENT" -> "enoent"), the short code
** scripts branch on.
*/
#include <ctype.h>

#include <lauxlib.h>
#include <uv.h>

#include "bindings.h"

int eng_push_uv_fail(lua_State *L, const char *msg, int status) {
  char code[32];
  const char *n = uv_err_name(status);
  size_t i = 0;
  for (; n[i] && i < sizeof code - 1; i++) code[i] = (char)tolower((unsigned char)n[i]);
  code[i] = '\0';
  lua_pushnil(L);
  lua_pushstring(L, msg);
  lua_pushstring(L, code);
  return 3;
}
