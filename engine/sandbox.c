/*
** sandbox.c — the four parts of the rule sandbox (STYLE.md): text-only load
** with a per-file _ENV; a read-only proxied subset of the standard library
** with the string metatable locked; a count hook that kills a runaway call
** by yielding out of it; an allocator cap (gen.c counts every byte).
*/
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "gen.h"
#include "log.h"
#include "sandbox.h"
#include "snapshot.h"

#define SANDBOX_MAGIC 0x73616e64u /* "sand" */
#define BASE_KEY "sandbox.base"
#define LOADED_KEY "sandbox.loaded"

typedef struct budget {
  unsigned magic;  /* first, like sched_task's: extraspace users tell each other apart */
  long ticks, limit;
  int exceeded;
} budget_t;

/* The safe base. Proxies (not copies) keep the originals unreachable for
** writing; __metatable hides the proxies' metatables from getmetatable. */
static const char *base_src =
    "local readonly_tables = ...\n"
    "local setmetatable, error, next, rawget = setmetatable, error, next, rawget\n"
    "local function readonly(t, name)\n"
    "  return setmetatable({}, {\n"
    "    __index = t,\n"
    "    __newindex = function() error(name .. ' is read-only', 2) end,\n"
    "    __pairs = function() return next, t, nil end,\n"
    "    __len = function() return #t end,\n"
    "    __metatable = false,\n"
    "  })\n"
    "end\n"
    "local base = {}\n"
    "for _, k in ipairs{'assert','error','ipairs','next','pairs','pcall','rawequal','rawget',\n"
    "  'rawlen','select','setmetatable','getmetatable','tonumber','tostring','type','xpcall'} do\n"
    "  base[k] = _G[k]\n"
    "end\n"
    "base._VERSION = _VERSION\n"
    "base.unpack = table.unpack\n"
    "for _, lib in ipairs{'string','table','math','utf8'} do\n"
    "  base[lib] = readonly(_G[lib], lib)\n"
    "end\n"
    "base.os = readonly({time = os.time, date = os.date, clock = os.clock}, 'os')\n"
    "return base, readonly\n";

/* load() inside the sandbox: text only, and the environment defaults to the
** calling file's own, never the engine's globals. */
static int sb_load(lua_State *L) {
  size_t len;
  const char *chunk = luaL_checklstring(L, 1, &len);
  const char *name = luaL_optstring(L, 2, "=(load)");
  if (luaL_loadbufferx(L, chunk, len, name, "t") != LUA_OK) {
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
  }
  if (!lua_isnoneornil(L, 4)) {
    lua_pushvalue(L, 4);
  } else {
    lua_pushvalue(L, lua_upvalueindex(1));
  }
  lua_setupvalue(L, -2, 1);
  return 1;
}

static void push_file_env(lua_State *L) {
  lua_newtable(L);                                /* env */
  lua_newtable(L);                                /* its metatable */
  lua_getfield(L, LUA_REGISTRYINDEX, BASE_KEY);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);                          /* getmetatable(_ENV) must not reach base */
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_pushcclosure(L, sb_load, 1);
  lua_setfield(L, -2, "load");
  lua_pushvalue(L, -1);
  lua_setfield(L, -2, "_G");
}

static int valid_module_name(const char *s) {
  if (!*s) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '_' || *s == '.'))
      return 0;
  return 1;
}

/* require() inside the sandbox reaches only other files under rules/, loaded
** sandboxed themselves and cached per generation. */
static int sb_require(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  if (!valid_module_name(name)) return luaL_error(L, "require: '%s' is not a rules module name", name);
  lua_getfield(L, LUA_REGISTRYINDEX, LOADED_KEY);
  if (lua_getfield(L, -1, name) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  char path[512];
  snprintf(path, sizeof path, "rules/%s.lua", name);
  for (char *p = path + 6; *p && strcmp(p, ".lua") != 0; p++)
    if (*p == '.') *p = '/';
  const snap_file *f = snapshot_find(gen_snapshot(gen_of(L)), path);
  if (!f) return luaL_error(L, "require: no rules module '%s' (only files under rules/ can be required)", name);
  char chunkname[520];
  snprintf(chunkname, sizeof chunkname, "@%s", path);
  if (sandbox_load(L, chunkname, f->data, f->len) != 0) return lua_error(L);
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, name);
  return 1;
}

void sandbox_install(lua_State *L) {
  /* string.dump would hand out bytecode, which load() refuses here but other
  ** embedders' loaders might not; nobody needs it. */
  lua_getglobal(L, "string");
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  lua_pop(L, 1);
  /* Lock the shared string metatable: sandboxed code could otherwise reach the
  ** real string table through getmetatable("").__index and change it for all. */
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);

  if (luaL_loadbufferx(L, base_src, strlen(base_src), "=sandbox", "t") != LUA_OK ||
      lua_pcall(L, 0, 2, 0) != LUA_OK) {
    log_write(LOG_ERROR, "sandbox base failed", "error", lua_tostring(L, -1), NULL);
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1); /* readonly helper, unused from C */
  lua_pushcfunction(L, sb_require);
  lua_setfield(L, -2, "require");
  lua_setfield(L, LUA_REGISTRYINDEX, BASE_KEY);
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, LOADED_KEY);
}

int sandbox_load(lua_State *L, const char *chunkname, const char *data, size_t len) {
  if (luaL_loadbufferx(L, data, len, chunkname, "t") != LUA_OK) return -1;
  push_file_env(L);
  if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
  int n = sandbox_pcall(L, 0);
  if (n < 0) return -1;
  if (n == 0) lua_pushnil(L);
  else if (n > 1) lua_pop(L, n - 1);
  return 0;
}

static void budget_hook(lua_State *co, lua_Debug *ar) {
  (void)ar;
  budget_t *b = *(budget_t **)lua_getextraspace(co);
  if (!b || b->magic != SANDBOX_MAGIC) return;
  if (++b->ticks > b->limit) {
    b->exceeded = 1;
    lua_yield(co, 0);
  }
}

int sandbox_pcall(lua_State *L, int nargs) {
  gen_t *g = gen_of(L);
  budget_t b = {SANDBOX_MAGIC, 0, SANDBOX_INSTRUCTIONS / SANDBOX_HOOK_EVERY, 0};
  lua_State *co = lua_newthread(L);
  lua_insert(L, -(nargs + 2));                 /* thread below function and args */
  lua_xmove(L, co, nargs + 1);
  *(budget_t **)lua_getextraspace(co) = &b;
  lua_sethook(co, budget_hook, LUA_MASKCOUNT, SANDBOX_HOOK_EVERY);

  /* Nested calls (a rule requiring another) keep the tighter, outer cap. */
  size_t outer_cap = gen_mem_cap(g);
  size_t cap = gen_mem_used(g) + SANDBOX_MEMORY_CAP;
  if (outer_cap && outer_cap < cap) cap = outer_cap;
  gen_set_mem_cap(g, cap);
  int nres = 0;
  int status = lua_resume(co, L, nargs, &nres);
  gen_set_mem_cap(g, outer_cap);

  if (status == LUA_OK) {
    luaL_checkstack(L, nres + 1, "too many results from a rule");
    lua_xmove(co, L, nres);
    lua_remove(L, -(nres + 1));                /* the thread */
    return nres;
  }
  if (status == LUA_YIELD)
    lua_pushstring(L, b.exceeded ? "instruction budget exceeded (runaway loop?)"
                                 : "rules cannot yield");
  else if (status == LUA_ERRMEM)
    lua_pushfstring(L, "memory cap of %d MiB exceeded", (int)(SANDBOX_MEMORY_CAP >> 20));
  else if (lua_type(co, -1) == LUA_TSTRING)
    lua_pushstring(L, lua_tostring(co, -1));
  else
    lua_pushfstring(L, "rule raised a %s value", luaL_typename(co, -1));
  *(budget_t **)lua_getextraspace(co) = NULL;
  lua_resetthread(co);
  lua_remove(L, -2);                           /* the thread */
  return -1;
}

static int wrapped_call(lua_State *L) {
  int nargs = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  int n = sandbox_pcall(L, nargs);
  if (n >= 0) return n;
  const char *msg = lua_tostring(L, -1);
  log_write(LOG_ERROR, "rule failed", "rule", lua_tostring(L, lua_upvalueindex(2)), "error", msg, NULL);
  lua_pushnil(L);
  lua_pushliteral(L, "rule_failed");
  lua_pushstring(L, msg);
  return 3;
}

void sandbox_wrap_module(lua_State *L, int idx, const char *name) {
  idx = lua_absindex(L, idx);
  lua_newtable(L);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    if (lua_type(L, -2) == LUA_TSTRING && lua_isfunction(L, -1)) {
      lua_pushfstring(L, "%s.%s", name, lua_tostring(L, -2));
      lua_pushcclosure(L, wrapped_call, 2);
    }
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, -4);
  }
}
