/*
** fuzz_json_decode.c — libFuzzer target for json.decode's parser
** (json_decode.c), which reads what strangers send: webhook bodies, a
** payment provider's answers.
**
** The first byte chooses whether a member name is left out ("a", which
** short random inputs hit often); the rest is the JSON text. Checked: a
** success pushes exactly one value and a failure nothing, with a message;
** whatever decodes is also one whole value to the scanner json.items uses;
** and ASan/UBSan watch every byte read.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "json_decode.h"

static lua_State *L;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  if (!L) L = luaL_newstate();
  const char *omit = (data[0] & 1) ? "a" : NULL;
  const char *s = (const char *)data + 1;
  size_t len = size - 1;
  char err[160];
  int top = lua_gettop(L);
  int rc = json_decode_push(L, s, len, omit, omit ? 1 : 0, err, sizeof err);
  if (rc == 0) {
    if (lua_gettop(L) != top + 1) abort();
    const char *end = json_skip_value(s, s + len, 0);
    if (!end || json_ws(end, s + len) != s + len) abort();
  } else {
    if (lua_gettop(L) != top || err[0] == '\0' || strlen(err) >= sizeof err) abort();
  }
  lua_settop(L, top);
  if (lua_gc(L, LUA_GCCOUNT, 0) > 64 * 1024) lua_gc(L, LUA_GCCOLLECT, 0);
  return 0;
}
