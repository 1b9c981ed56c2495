/*
** lua_engine.c — the `engine` module: the scheduler, generations and metrics
** as scripts see them.
**
**   engine.spawn(fn, ...) -> handle      run fn in a new unit of work
**   handle:wait()         -> true, ... | false, err
**   engine.current()      -> is the calling generation still current?
**                            (long-running loops stop when it says false)
**   engine.generation(), engine.unit_id(), engine.reload(), engine.exit(code)
**   engine.counter/gauge/observe(name, labels, value), engine.metrics()
*/
#include <stdlib.h>

#include <lauxlib.h>

#include "bindings.h"
#include "buf.h"
#include "gen.h"
#include "metrics.h"
#include "sandbox.h"
#include "scheduler.h"

#define SPAWN_MT "engine.spawn_handle"

/* Shared by the task side and the Lua handle; freed when both let go. */
typedef struct spawned {
  int refs;
  int done;
  int results_ref;    /* registry ref to {ok=, n=, ...} once done */
  sched_task *waiter;
  lua_State *owner;   /* any thread of the generation, for luaL_unref */
} spawned_t;

static void spawned_release(spawned_t *s) {
  if (--s->refs > 0) return;
  if (s->results_ref != LUA_NOREF && s->owner) luaL_unref(s->owner, LUA_REGISTRYINDEX, s->results_ref);
  free(s);
}

static void spawn_done(sched_task *t, int ok, int nres, void *ud) {
  spawned_t *s = ud;
  lua_State *co = sched_thread(t);
  int base = lua_gettop(co) - nres;
  lua_createtable(co, nres, 2);
  lua_pushboolean(co, ok);
  lua_setfield(co, -2, "ok");
  lua_pushinteger(co, nres);
  lua_setfield(co, -2, "n");
  for (int i = 1; i <= nres; i++) {
    lua_pushvalue(co, base + i);
    lua_rawseti(co, -2, i);
  }
  s->results_ref = luaL_ref(co, LUA_REGISTRYINDEX);
  s->owner = gen_state(sched_gen(t));
  s->done = 1;
  if (s->waiter) {
    sched_task *w = s->waiter;
    s->waiter = NULL;
    sched_wake(w);
  }
  spawned_release(s);
}

static int l_spawn(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  int n = lua_gettop(L);
  sched_task *t = sched_new(gen_of(L), "spawn");
  spawned_t *s = calloc(1, sizeof *s);
  if (!s) return luaL_error(L, "out of memory");
  s->refs = 2;
  s->results_ref = LUA_NOREF;
  spawned_t **h = lua_newuserdatauv(L, sizeof *h, 0);
  *h = s;
  luaL_setmetatable(L, SPAWN_MT);
  lua_insert(L, 1);
  lua_xmove(L, sched_thread(t), n);
  sched_on_done(t, spawn_done, s);
  sched_start(t, n - 1);
  return 1;
}

static int push_results(lua_State *L, spawned_t *s) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, s->results_ref);
  int tbl = lua_gettop(L);
  lua_getfield(L, tbl, "ok");
  lua_getfield(L, tbl, "n");
  int n = (int)lua_tointeger(L, -1);
  lua_pop(L, 1);
  luaL_checkstack(L, n, "too many results");
  for (int i = 1; i <= n; i++) lua_rawgeti(L, tbl, i);
  lua_remove(L, tbl);
  return n + 1;
}

static int k_wait(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  return push_results(L, (spawned_t *)ctx);
}

static int l_wait(lua_State *L) {
  spawned_t *s = *(spawned_t **)luaL_checkudata(L, 1, SPAWN_MT);
  if (s->done) return push_results(L, s);
  if (s->waiter) return luaL_error(L, "another unit is already waiting for this one");
  sched_task *t = sched_current(L);
  s->waiter = t;
  return sched_wait(L, t, (lua_KContext)s, k_wait);
}

static int l_done(lua_State *L) {
  spawned_t *s = *(spawned_t **)luaL_checkudata(L, 1, SPAWN_MT);
  lua_pushboolean(L, s->done);
  return 1;
}

static int l_handle_gc(lua_State *L) {
  spawned_t **h = luaL_checkudata(L, 1, SPAWN_MT);
  if (*h) {
    if ((*h)->waiter) (*h)->waiter = NULL;
    spawned_release(*h);
    *h = NULL;
  }
  return 0;
}

static int l_current(lua_State *L) {
  lua_pushboolean(L, gen_is_current(gen_of(L)));
  return 1;
}

static int l_generation(lua_State *L) {
  lua_pushinteger(L, gen_id(gen_of(L)));
  return 1;
}

static int l_unit_id(lua_State *L) {
  sched_task *t = sched_current_or_null(L);
  if (!t) return 0;
  lua_pushinteger(L, (lua_Integer)sched_id(t));
  return 1;
}

static int l_reload(lua_State *L) {
  eng_t *e = eng_of(L);
  gen_reload(e, e->entry[0] ? e->entry : NULL);
  return 0;
}

/* The running binary, so specs can start `guldasta serve` as a black box. */
static int l_executable(lua_State *L) {
  char path[4096];
  size_t n = sizeof path;
  if (uv_exepath(path, &n) != 0) return 0;
  lua_pushlstring(L, path, n);
  return 1;
}

static int l_exit(lua_State *L) {
  eng_of(L)->exit_code = (int)luaL_optinteger(L, 1, 0);
  return 0;
}

static const char *opt_labels(lua_State *L, int idx) { return luaL_optstring(L, idx, NULL); }

static int l_counter(lua_State *L) {
  metrics_counter_add(luaL_checkstring(L, 1), opt_labels(L, 2), luaL_optnumber(L, 3, 1));
  return 0;
}

static int l_gauge(lua_State *L) {
  metrics_gauge_set(luaL_checkstring(L, 1), opt_labels(L, 2), luaL_checknumber(L, 3));
  return 0;
}

static int l_observe(lua_State *L) {
  metrics_observe(luaL_checkstring(L, 1), opt_labels(L, 2), luaL_checknumber(L, 3));
  return 0;
}

static int l_help(lua_State *L) {
  metrics_help(luaL_checkstring(L, 1), luaL_checkstring(L, 2), luaL_checkstring(L, 3));
  return 0;
}

static int l_metric(lua_State *L) {
  lua_pushnumber(L, metrics_get(luaL_checkstring(L, 1), opt_labels(L, 2)));
  return 1;
}

static int l_metrics(lua_State *L) {
  metrics_gauge_set("guldasta_units_in_flight", NULL, sched_alive());
  metrics_gauge_set("guldasta_lua_memory_bytes", NULL, (double)gen_mem_used(gen_of(L)));
  metrics_gauge_set("guldasta_lua_allocated_bytes", NULL, (double)gen_mem_allocated(gen_of(L)));
  buf_t b;
  buf_init(&b);
  metrics_render(&b);
  lua_pushlstring(L, b.data ? b.data : "", b.len);
  buf_free(&b);
  return 1;
}

static int l_stats(lua_State *L) {
  lua_createtable(L, 0, 7);
  lua_pushinteger(L, sched_alive());
  lua_setfield(L, -2, "units_in_flight");
  lua_pushinteger(L, gen_id(gen_of(L)));
  lua_setfield(L, -2, "generation");
  lua_pushinteger(L, gen_current() ? gen_id(gen_current()) : 0);
  lua_setfield(L, -2, "current_generation");
  lua_pushinteger(L, gen_count_alive());
  lua_setfield(L, -2, "generations_alive");
  lua_pushinteger(L, gen_reload_failures());
  lua_setfield(L, -2, "reload_failures");
  lua_pushinteger(L, (lua_Integer)gen_mem_used(gen_of(L)));
  lua_setfield(L, -2, "lua_memory");
  lua_pushinteger(L, (lua_Integer)gen_mem_allocated(gen_of(L)));
  lua_setfield(L, -2, "lua_allocated");
  return 1;
}

/* engine.load_rule(name, source) -> module | nil, err: loads source as if
** it were rules/<name>.lua, sandboxed and wrapped. For specs and tools that
** check a rule before it is saved. */
static int l_load_rule(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  size_t len;
  const char *src = luaL_checklstring(L, 2, &len);
  lua_pushfstring(L, "@rules/%s.lua", name);
  if (sandbox_load(L, lua_tostring(L, -1), src, len) != 0) {
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
  }
  if (!lua_istable(L, -1)) {
    lua_pushnil(L);
    lua_pushfstring(L, "rules/%s.lua: a rules file must return a table of functions", name);
    return 2;
  }
  sandbox_wrap_module(L, -1, name);
  return 1;
}

int eng_open_engine(lua_State *L) {
  static const luaL_Reg handle_methods[] = {{"wait", l_wait}, {"done", l_done}, {NULL, NULL}};
  static const luaL_Reg fns[] = {
      {"spawn", l_spawn},     {"current", l_current}, {"generation", l_generation},
      {"unit_id", l_unit_id}, {"reload", l_reload},   {"exit", l_exit},
      {"counter", l_counter}, {"gauge", l_gauge},     {"observe", l_observe},
      {"help", l_help},       {"metric", l_metric},   {"metrics", l_metrics},
      {"stats", l_stats},     {"load_rule", l_load_rule},
      {"executable", l_executable}, {NULL, NULL}};
  eng_new_class(L, SPAWN_MT, handle_methods, l_handle_gc, NULL);
  luaL_newlib(L, fns);
  return 1;
}
