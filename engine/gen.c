/*
** gen.c — generations of the Lua world, and their reload.
**
** Like Redis's function library load (functions.c): the new generation is
** built completely beside the old one — fresh lua_State, bindings, sandboxed
** rules and templates with their self-checks, the entry script — and only
** then does one pointer swap make it current. Anything that fails before the
** swap is rolled back by closing the new state; the old one never noticed.
** A retired generation lives on while tasks still run in it (reference count)
** and closes when the last one finishes.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "bindings.h"
#include "gen.h"
#include "log.h"
#include "metrics.h"
#include "profile.h"
#include "sandbox.h"
#include "scheduler.h"
#include "snapshot.h"

typedef struct retire_cb {
  int id;
  void (*fn)(void *);
  void *ud;
} retire_cb;

struct gen {
  eng_t *eng;
  lua_State *L;
  int id;
  int refs;
  int current;
  int retired;
  size_t mem_used, mem_cap;
  unsigned long long mem_allocated; /* bytes ever asked for: garbage per unit of work */
  snapshot_t snap;
  retire_cb *cbs;
  int ncbs, next_cb;
};

static gen_t *current;
static int next_id = 1;
static int alive;
static int reload_failures;

gen_t *gen_current(void) { return current; }
int gen_id(gen_t *g) { return g->id; }
lua_State *gen_state(gen_t *g) { return g->L; }
int gen_is_current(gen_t *g) { return g == current; }
int gen_is_retired(gen_t *g) { return g->retired; }
int gen_reload_failures(void) { return reload_failures; }
int gen_count_alive(void) { return alive; }
size_t gen_mem_used(gen_t *g) { return g->mem_used; }
unsigned long long gen_mem_allocated(gen_t *g) { return g->mem_allocated; }
size_t gen_mem_cap(gen_t *g) { return g->mem_cap; }
void gen_set_mem_cap(gen_t *g, size_t cap) { g->mem_cap = cap; }
const snapshot_t *gen_snapshot(gen_t *g) { return &g->snap; }

gen_t *gen_of(lua_State *L) {
  void *ud;
  lua_getallocf(L, &ud);
  return ud;
}

eng_t *eng_of(lua_State *L) { return gen_of(L)->eng; }

/* Every byte a generation allocates passes here, which is what makes the
** sandbox's per-call memory cap possible. */
static void *gen_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  gen_t *g = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    g->mem_used -= old;
    return NULL;
  }
  if (g->mem_cap && nsize > old && g->mem_used + (nsize - old) > g->mem_cap) return NULL;
  void *p = realloc(ptr, nsize);
  if (!p) return NULL;
  g->mem_used = g->mem_used - old + nsize;
  if (nsize > old) {
    g->mem_allocated += nsize - old;
    if (profile_by_allocation) profile_alloc(nsize - old);
  }
  return p;
}

static void update_metrics(void) {
  metrics_gauge_set("guldasta_generation", NULL, current ? current->id : 0);
  metrics_gauge_set("guldasta_generations_alive", NULL, alive);
  metrics_gauge_set("guldasta_reload_failures_total", NULL, reload_failures);
}

static void destroy(gen_t *g) {
  sched_forget_gen(g);
  lua_close(g->L);
  snapshot_free(&g->snap);
  free(g->cbs);
  free(g);
  alive--;
  update_metrics();
}

void gen_retain(gen_t *g) { g->refs++; }

void gen_release(gen_t *g) {
  if (--g->refs == 0) destroy(g);
}

int gen_on_retire(gen_t *g, void (*fn)(void *), void *ud) {
  retire_cb *cbs = realloc(g->cbs, sizeof *cbs * (size_t)(g->ncbs + 1));
  if (!cbs) abort();
  g->cbs = cbs;
  g->cbs[g->ncbs] = (retire_cb){++g->next_cb, fn, ud};
  g->ncbs++;
  return g->next_cb;
}

void gen_cancel_retire(gen_t *g, int id) {
  for (int i = 0; i < g->ncbs; i++)
    if (g->cbs[i].id == id) {
      g->cbs[i] = g->cbs[--g->ncbs];
      return;
    }
}

static void retire(gen_t *g) {
  if (g->retired) return;
  g->retired = 1;
  g->current = 0;
  /* Callbacks may cancel others while we walk, so take them one at a time. */
  while (g->ncbs > 0) {
    retire_cb cb = g->cbs[--g->ncbs];
    cb.fn(cb.ud);
  }
}

/* {======================================================================
** Building a generation
** ======================================================================= */

static int traceback(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (!msg) msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/* require("a.b") finds engine/lua/a/b.lua (modules the engine provides in
** Lua, like `tg`), then scripts/a/b.lua (or .../init.lua) — all in the
** generation's snapshot, never on disk. */
static int snapshot_searcher(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  gen_t *g = gen_of(L);
  char rel[512];
  const char *forms[] = {"engine/lua/%s.lua", "engine/lua/%s/init.lua", "scripts/%s.lua",
                         "scripts/%s/init.lua"};
  for (int i = 0; i < 4; i++) {
    snprintf(rel, sizeof rel, forms[i], name);
    char *start = strchr(rel, '/') + 1;
    if (i < 2) start = strchr(start, '/') + 1;
    for (char *p = start; *p && strcmp(p, ".lua") != 0 && strcmp(p, "/init.lua") != 0; p++)
      if (*p == '.') *p = '/';
    const snap_file *f = snapshot_find(&g->snap, rel);
    if (!f) continue;
    lua_pushfstring(L, "@%s", rel);
    if (luaL_loadbufferx(L, f->data, f->len, lua_tostring(L, -1), "t") != LUA_OK)
      return luaL_error(L, "%s", lua_tostring(L, -1));
    lua_pushstring(L, rel);
    return 2;
  }
  lua_pushfstring(L, "no file 'engine/lua/%s.lua' or 'scripts/%s.lua' in the loaded scripts", name, name);
  return 1;
}

static void set_paths(lua_State *L, const char *root) {
  lua_getglobal(L, "package");
  /* Spec helpers (spec/support/...) and the system's Lua libraries (busted)
  ** come from disk; application code comes from the snapshot searcher. */
  lua_getfield(L, -1, "path");
  lua_pushfstring(L, "%s/spec/?.lua;%s/?.lua;%s", root, root, lua_tostring(L, -1));
  lua_setfield(L, -3, "path");
  lua_pop(L, 1);
  lua_getfield(L, -1, "searchers");
  lua_Integer n = luaL_len(L, -1);
  for (lua_Integer i = n; i >= 2; i--) {
    lua_rawgeti(L, -1, i);
    lua_rawseti(L, -2, i + 1);
  }
  lua_pushcfunction(L, snapshot_searcher);
  lua_rawseti(L, -2, 2);
  lua_pop(L, 2);
}

static void preload_bindings(lua_State *L) {
  struct { const char *name; lua_CFunction open; } mods[] = {
      {"pg.core", eng_open_pg},    {"redis", eng_open_redis},   {"http", eng_open_http},
      {"timer", eng_open_timer},   {"crypto", eng_open_crypto}, {"proc", eng_open_proc},
      {"fs", eng_open_fs},         {"log", eng_open_log},       {"json", eng_open_json},
      {"rawtcp", eng_open_rawtcp}, {"exec", eng_open_exec},
      {"engine", eng_open_engine}, {"config", eng_open_config},
  };
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  for (size_t i = 0; i < sizeof mods / sizeof mods[0]; i++) {
    if (!mods[i].open) continue;
    lua_pushcfunction(L, mods[i].open);
    lua_setfield(L, -2, mods[i].name);
  }
  lua_pop(L, 1);
}

static int starts_with(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

/* "rules/zones/bukhara.lua" -> "zones.bukhara" */
static void module_name(const char *path, const char *dir, char *out, size_t n) {
  snprintf(out, n, "%s", path + strlen(dir));
  char *dot = strstr(out, ".lua");
  if (dot) *dot = '\0';
  for (char *p = out; *p; p++)
    if (*p == '/') *p = '.';
}

static int fail(gen_t *g, char *err, size_t errlen, const char *msg) {
  snprintf(err, errlen, "%s", msg);
  (void)g;
  return -1;
}

/* Loads every rules/ file sandboxed, runs its selfcheck(), and publishes the
** wrapped modules as require("rules"). */
static int load_rules(gen_t *g, char *err, size_t errlen) {
  lua_State *L = g->L;
  lua_newtable(L); /* the `rules` module */
  for (int i = 0; i < g->snap.count; i++) {
    const char *path = g->snap.files[i].path;
    if (!starts_with(path, "rules/")) continue;
    char name[256];
    module_name(path, "rules/", name, sizeof name);
    lua_getfield(L, LUA_REGISTRYINDEX, "sandbox.base");
    lua_getfield(L, -1, "require");
    lua_remove(L, -2);
    lua_pushstring(L, name);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) return fail(g, err, errlen, lua_tostring(L, -1));
    if (!lua_istable(L, -1)) {
      snprintf(err, errlen, "%s: a rules file must return a table of functions", path);
      return -1;
    }
    if (lua_getfield(L, -1, "selfcheck") == LUA_TFUNCTION) {
      int n = sandbox_pcall(L, 0);
      if (n < 0) {
        snprintf(err, errlen, "%s: selfcheck failed: %s", path, lua_tostring(L, -1));
        return -1;
      }
      if (n == 0 || !lua_toboolean(L, -n)) {
        const char *why = n >= 2 ? lua_tostring(L, -n + 1) : NULL;
        snprintf(err, errlen, "%s: selfcheck failed: %s", path, why ? why : "returned false");
        return -1;
      }
      lua_pop(L, n);
    } else {
      lua_pop(L, 1);
    }
    sandbox_wrap_module(L, -1, name);
    lua_setfield(L, -3, name);
    lua_pop(L, 1);
  }
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_insert(L, -2);
  lua_setfield(L, -2, "rules");
  lua_pop(L, 1);
  return 0;
}

/* Files under templates/ are data the marketer edits: sandboxed like rules, each
** must return a table; published as require("templates"). */
static int load_templates(gen_t *g, char *err, size_t errlen) {
  lua_State *L = g->L;
  lua_newtable(L);
  for (int i = 0; i < g->snap.count; i++) {
    const snap_file *f = &g->snap.files[i];
    if (!starts_with(f->path, "templates/")) continue;
    char name[256], chunk[300];
    module_name(f->path, "templates/", name, sizeof name);
    snprintf(chunk, sizeof chunk, "@%s", f->path);
    if (sandbox_load(L, chunk, f->data, f->len) != 0) return fail(g, err, errlen, lua_tostring(L, -1));
    if (!lua_istable(L, -1)) {
      snprintf(err, errlen, "%s: a templates file must return a table", f->path);
      return -1;
    }
    lua_setfield(L, -2, name);
  }
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_insert(L, -2);
  lua_setfield(L, -2, "templates");
  lua_pop(L, 1);
  return 0;
}

static int load_entry(gen_t *g, const char *entry, char *err, size_t errlen) {
  lua_State *L = g->L;
  const snap_file *f = snapshot_find(&g->snap, entry);
  if (!f) {
    snprintf(err, errlen, "%s: not found under %s", entry, g->eng->root);
    return -1;
  }
  lua_pushcfunction(L, traceback);
  char chunk[300];
  snprintf(chunk, sizeof chunk, "@%s", entry);
  if (luaL_loadbufferx(L, f->data, f->len, chunk, "t") != LUA_OK ||
      lua_pcall(L, 0, 1, -2) != LUA_OK)
    return fail(g, err, errlen, lua_tostring(L, -1));
  /* An entry may return its app table with a selfcheck() of its own. */
  if (lua_istable(L, -1) && lua_getfield(L, -1, "selfcheck") == LUA_TFUNCTION) {
    if (lua_pcall(L, 0, 2, -3) != LUA_OK) return fail(g, err, errlen, lua_tostring(L, -1));
    if (!lua_toboolean(L, -2)) {
      snprintf(err, errlen, "%s: selfcheck failed: %s", entry,
               lua_isstring(L, -1) ? lua_tostring(L, -1) : "returned false");
      return -1;
    }
  }
  lua_settop(L, 0);
  return 0;
}

gen_t *gen_load(eng_t *e, snapshot_t *snap, const char *entry, char *err, size_t errlen) {
  gen_t *g = calloc(1, sizeof *g);
  if (!g) abort();
  g->eng = e;
  g->snap = *snap;
  memset(snap, 0, sizeof *snap);
  g->refs = 1;
  g->id = next_id++;
  alive++;
  g->L = lua_newstate(gen_alloc, g);
  if (!g->L) {
    snprintf(err, errlen, "cannot create a Lua state");
    snapshot_free(&g->snap);
    free(g);
    alive--;
    return NULL;
  }
  lua_State *L = g->L;
  *(void **)lua_getextraspace(L) = NULL;  /* threads copy this: NULL = not a task */
  luaL_openlibs(L);
  set_paths(L, e->root);
  preload_bindings(L);
  sandbox_install(L);
  int rc = load_templates(g, err, errlen);
  if (rc == 0) rc = load_rules(g, err, errlen);
  if (rc == 0 && entry) rc = load_entry(g, entry, err, errlen);
  if (rc != 0) {
    retire(g);
    gen_release(g);
    return NULL;
  }
  lua_settop(L, 0);
  /* Incremental, not generational: the generational collector measured
  ** more CPU per update in the bot benchmark (bench/README.md), and its
  ** major collections are one stop-the-world pass over the whole heap.
  ** Lua's default pause and step multiplier measured best. */
  lua_gc(L, LUA_GCINC, 0, 0, 0);
  update_metrics();
  return g;
}

gen_t *gen_load_from_disk(eng_t *e, const char *entry, char *err, size_t errlen) {
  snapshot_t snap;
  if (snapshot_read(&snap, e->root) != 0) {
    snprintf(err, errlen, "%s", snap.error);
    snapshot_free(&snap);
    return NULL;
  }
  return gen_load(e, &snap, entry, err, errlen);
}

/* Compiles (without running) every scripts/ file, so `guldasta check` also
** catches a syntax error in a module that is only required lazily. */
int gen_check_all(gen_t *g, char *err, size_t errlen) {
  lua_State *L = g->L;
  for (int i = 0; i < g->snap.count; i++) {
    const snap_file *f = &g->snap.files[i];
    if (!starts_with(f->path, "scripts/") && !starts_with(f->path, "engine/lua/")) continue;
    char chunk[300];
    snprintf(chunk, sizeof chunk, "@%s", f->path);
    if (luaL_loadbufferx(L, f->data, f->len, chunk, "t") != LUA_OK) {
      snprintf(err, errlen, "%s", lua_tostring(L, -1));
      lua_pop(L, 1);
      return -1;
    }
    lua_pop(L, 1);
  }
  return 0;
}

void gen_activate(gen_t *g) {
  gen_t *old = current;
  current = g;
  g->current = 1;
  update_metrics();
  if (old) {
    sched_forget_gen(old);
    retire(old);
    gen_release(old);  /* the reference that made it current */
  }
}

void gen_shutdown(void) {
  gen_t *old = current;
  current = NULL;
  if (old) {
    retire(old);
    gen_release(old);
  }
  update_metrics();
}

/* }====================================================================== */

/* {======================================================================
** Reload: read on the thread pool, build on the loop
** ======================================================================= */

static struct {
  uv_work_t work;
  snapshot_t snap;
  eng_t *eng;
  char entry[256];
  int running, again;
  int rc;
} R;

static void read_tree(uv_work_t *w) {
  (void)w;
  R.rc = snapshot_read(&R.snap, R.eng->root);
}

static void after_read(uv_work_t *w, int status) {
  (void)w;
  R.running = 0;
  char err[2048] = "";
  gen_t *g = NULL;
  if (status != 0 || R.rc != 0) {
    snprintf(err, sizeof err, "%s", R.rc ? R.snap.error : "reload cancelled");
    snapshot_free(&R.snap);
  } else if (R.eng->stopping) {
    snapshot_free(&R.snap);
    return;
  } else {
    g = gen_load(R.eng, &R.snap, R.entry[0] ? R.entry : NULL, err, sizeof err);
  }
  if (g) {
    int old = current ? current->id : 0;
    gen_activate(g);
    char a[16], b[16];
    snprintf(a, sizeof a, "%d", old);
    snprintf(b, sizeof b, "%d", g->id);
    log_write(LOG_INFO, "reloaded", "from_generation", a, "generation", b, NULL);
  } else {
    reload_failures++;
    update_metrics();
    log_write(LOG_ERROR, "reload refused, previous generation keeps serving", "error", err, NULL);
  }
  if (R.again && !R.eng->stopping) {
    R.again = 0;
    gen_reload(R.eng, R.entry[0] ? R.entry : NULL);
  }
}

void gen_reload(eng_t *e, const char *entry) {
  if (R.running) {
    R.again = 1;
    return;
  }
  R.eng = e;
  snprintf(R.entry, sizeof R.entry, "%s", entry ? entry : "");
  R.running = 1;
  if (uv_queue_work(e->loop, &R.work, read_tree, after_read) != 0) {
    R.running = 0;
    log_write(LOG_ERROR, "reload could not start", NULL);
  }
}

/* }====================================================================== */
