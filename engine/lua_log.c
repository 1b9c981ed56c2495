/*
** lua_log.c — the `log` module: log.info("msg", {key = value, ...}).
** Inside a unit of work the unit's id is added, so every line of one request
** or update can be found together.
*/
#include <lauxlib.h>
#include <string.h>

#include "bindings.h"
#include "buf.h"
#include "log.h"
#include "scheduler.h"

static void add_value(lua_State *L, buf_t *b, int idx) {
  switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) buf_printf(b, "%lld", (long long)lua_tointeger(L, idx));
      else buf_printf(b, "%.17g", lua_tonumber(L, idx));
      break;
    case LUA_TBOOLEAN:
      buf_adds(b, lua_toboolean(L, idx) ? "true" : "false");
      break;
    case LUA_TNIL:
      buf_adds(b, "null");
      break;
    default: {
      size_t n;
      const char *s = luaL_tolstring(L, idx, &n);
      buf_addc(b, '"');
      buf_add_json_escaped(b, s, n);
      buf_addc(b, '"');
      lua_pop(L, 1);
    }
  }
}

static int log_at(lua_State *L, int level) {
  if (!log_enabled(level)) return 0;
  const char *msg = luaL_checkstring(L, 1);
  buf_t b;
  buf_init(&b);
  sched_task *t = sched_current_or_null(L);
  if (t) buf_printf(&b, ",\"unit\":%llu", (unsigned long long)sched_id(t));
  if (lua_istable(L, 2)) {
    lua_pushnil(L);
    while (lua_next(L, 2)) {
      if (lua_type(L, -2) == LUA_TSTRING) {
        size_t kn;
        const char *k = lua_tolstring(L, -2, &kn);
        buf_adds(&b, ",\"");
        buf_add_json_escaped(&b, k, kn);
        buf_adds(&b, "\":");
        add_value(L, &b, -1);
      }
      lua_pop(L, 1);
    }
  }
  log_write_fields(level, msg, b.data, b.len);
  buf_free(&b);
  return 0;
}

static int l_debug(lua_State *L) { return log_at(L, LOG_DEBUG); }
static int l_info(lua_State *L) { return log_at(L, LOG_INFO); }
static int l_warn(lua_State *L) { return log_at(L, LOG_WARN); }
static int l_error(lua_State *L) { return log_at(L, LOG_ERROR); }
static int l_enabled(lua_State *L) {
  int lvl = log_level_from_name(luaL_checkstring(L, 1));
  lua_pushboolean(L, lvl >= 0 && log_enabled(lvl));
  return 1;
}

int eng_open_log(lua_State *L) {
  static const luaL_Reg fns[] = {{"debug", l_debug}, {"info", l_info}, {"warn", l_warn},
                                 {"error", l_error}, {"enabled", l_enabled}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
