/*
** scheduler.c — one coroutine per unit of work, resumed only from the loop's top
** level.
**
** A task is born with sched_new (a thread anchored in its generation's
** registry), started with sched_start, and ends when its function returns or
** raises. Bindings park it with sched_wait (lua_yieldk with a continuation);
** their libuv callbacks call sched_wake, which only appends the task to the
** ready queue. A uv_check handle drains that queue right after each poll
** phase, and a uv_idle handle is active while the queue is non-empty so the
** loop does not sleep with work pending. This way no library callback ever
** re-enters Lua, and a resume never happens inside another resume.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "buf.h"
#include "gen.h"
#include "log.h"
#include "metrics.h"
#include "profile.h"
#include "scheduler.h"

#define SCHED_MAGIC 0x7461736bu /* "task": tells a task from other extraspace users */

struct sched_task {
  unsigned magic;
  lua_State *co;
  int ref;                 /* anchor of co in the generation's registry */
  gen_t *gen;
  uint64_t id;
  const char *kind;
  sched_done_fn done;
  void *done_ud;
  int nargs;               /* arguments for the first resume */
  int started;
  int waiting;             /* inside sched_wait, expecting exactly one wake */
  int queued;
  uint64_t t0;             /* uv_hrtime at start, for the latency histogram */
  sched_task *next;        /* ready queue link */
};

static struct {
  eng_t *eng;
  uv_check_t check;
  uv_idle_t idle;
  sched_task *head, *tail;
  uint64_t next_id;
  int alive;
  /* Finished tasks of one generation kept with their threads: creating a
  ** thread and anchoring it costs more than the rest of a small request. */
  sched_task *pool[256];
  int npool;
  gen_t *pool_gen;
  int running;             /* guards against resuming inside a resume */
} S;

static void drain(uv_check_t *h);
static void idle_noop(uv_idle_t *h) { (void)h; }

void sched_init(eng_t *e) {
  memset(&S, 0, sizeof S);
  S.eng = e;
  S.next_id = 1;
  uv_check_init(e->loop, &S.check);
  uv_check_start(&S.check, drain);
  uv_unref((uv_handle_t *)&S.check);
  uv_idle_init(e->loop, &S.idle);
  metrics_help("guldasta_units_total", "counter", "Units of work (requests, updates, timer ticks) handled");
  metrics_help("guldasta_units_failed_total", "counter", "Units of work that ended with a Lua error");
  metrics_help("guldasta_unit_seconds", "histogram", "Duration of units of work");
  profile_start(e->cfg.lua_profile, e->cfg.lua_profile_alloc);
}

void sched_close(eng_t *e) {
  (void)e;
  profile_stop();
  uv_check_stop(&S.check);
  uv_idle_stop(&S.idle);
  uv_close((uv_handle_t *)&S.check, NULL);
  uv_close((uv_handle_t *)&S.idle, NULL);
}

static void push_ready(sched_task *t) {
  if (t->queued) return;
  t->queued = 1;
  t->next = NULL;
  if (S.tail) S.tail->next = t; else S.head = t;
  S.tail = t;
  if (!uv_is_active((uv_handle_t *)&S.idle)) uv_idle_start(&S.idle, idle_noop);
}

sched_task *sched_new(gen_t *g, const char *kind) {
  sched_task *t;
  if (S.npool > 0 && S.pool_gen == g) {
    t = S.pool[--S.npool];
    lua_State *co = t->co;
    int ref = t->ref;
    memset(t, 0, sizeof *t);
    t->co = co;
    t->ref = ref;
  } else {
    t = calloc(1, sizeof *t);
    if (!t) abort();
    lua_State *L = gen_state(g);
    t->co = lua_newthread(L);
    t->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    *(sched_task **)lua_getextraspace(t->co) = t;
  }
  t->magic = SCHED_MAGIC;
  t->gen = g;
  t->id = S.next_id++;
  t->kind = kind;
  gen_retain(g);
  S.alive++;
  return t;
}

lua_State *sched_thread(sched_task *t) { return t->co; }
uint64_t sched_id(sched_task *t) { return t->id; }
const char *sched_kind(sched_task *t) { return t->kind; }
gen_t *sched_gen(sched_task *t) { return t->gen; }
int sched_alive(void) { return S.alive; }

void sched_on_done(sched_task *t, sched_done_fn fn, void *ud) {
  t->done = fn;
  t->done_ud = ud;
}

void sched_start(sched_task *t, int nargs) {
  t->nargs = nargs;
  t->t0 = uv_hrtime();
  push_ready(t);
}

sched_task *sched_current_or_null(lua_State *L) {
  sched_task *t = *(sched_task **)lua_getextraspace(L);
  if (!t || t->magic != SCHED_MAGIC || t->co != L || !lua_isyieldable(L)) return NULL;
  return t;
}

sched_task *sched_current(lua_State *L) {
  sched_task *t = *(sched_task **)lua_getextraspace(L);
  if (!t || t->magic != SCHED_MAGIC || t->co != L)
    luaL_error(L, "I/O is only possible in a unit of work (not while a generation loads, "
                  "not inside a coroutine of your own, not inside a rule)");
  if (!lua_isyieldable(L))
    luaL_error(L, "cannot wait for I/O here (inside a C call such as table.sort, "
                  "string.gsub or a metamethod called from C)");
  return t;
}

int sched_wait(lua_State *L, sched_task *t, lua_KContext ctx, lua_KFunction k) {
  t->waiting = 1;
  return lua_yieldk(L, 0, ctx, k);
}

void sched_wake(sched_task *t) {
  if (!t->waiting) {
    log_write(LOG_ERROR, "sched_wake on a task that is not waiting (binding bug)", "kind", t->kind, NULL);
    return;
  }
  t->waiting = 0;
  push_ready(t);
}

static void label_kind(char *out, size_t n, const char *kind) {
  snprintf(out, n, "kind=\"%s\"", kind);
}

static void finish(sched_task *t, int ok, int nres) {
  char labels[64];
  label_kind(labels, sizeof labels, t->kind);
  metrics_counter_add("guldasta_units_total", labels, 1);
  if (!ok) metrics_counter_add("guldasta_units_failed_total", labels, 1);
  metrics_observe("guldasta_unit_seconds", labels, (double)(uv_hrtime() - t->t0) / 1e9);
  if (t->done) t->done(t, ok, nres, t->done_ud);
  gen_t *g = t->gen;
  t->magic = 0;
  S.alive--;
  /* A thread that returned normally is clean once emptied; one that raised
  ** is reset first (lua_resetthread unwinds it and closes pending tbc
  ** variables). Either can run the next unit of the same generation. */
  int reusable = ok ? (lua_settop(t->co, 0), 1) : lua_resetthread(t->co) == LUA_OK;
  if (reusable && gen_is_current(g) && (S.pool_gen == g || S.npool == 0) &&
      S.npool < (int)(sizeof S.pool / sizeof S.pool[0])) {
    S.pool_gen = g;
    S.pool[S.npool++] = t;
  } else {
    luaL_unref(gen_state(g), LUA_REGISTRYINDEX, t->ref);
    free(t);
  }
  gen_release(g);
}

/* Called by gen.c before a generation's state closes: its pooled threads go
** with it. */
void sched_forget_gen(gen_t *g) {
  if (S.pool_gen != g) return;
  for (int i = 0; i < S.npool; i++) free(S.pool[i]);
  S.npool = 0;
  S.pool_gen = NULL;
}

/* A unit's error is logged with its id and the coroutine's traceback; the
** process serves on. The traceback is built on the generation's main state
** (idle while we are at the loop's top level) because the dead coroutine's
** own stack must keep the error object for the done callback. */
static void report_error(sched_task *t) {
  lua_State *L = gen_state(t->gen);
  const char *msg = lua_tostring(t->co, -1);
  if (!msg) msg = luaL_typename(t->co, -1);
  luaL_traceback(L, t->co, msg, 0);
  /* The unit id goes out as a number, as the Lua `log` module writes it, so
  ** one query finds every line of a unit. */
  buf_t f;
  buf_init(&f);
  buf_printf(&f, ",\"unit\":%llu,\"kind\":\"%s\",\"error\":\"", (unsigned long long)t->id, t->kind);
  size_t n;
  const char *tb = lua_tolstring(L, -1, &n);
  buf_add_json_escaped(&f, tb, n);
  buf_addc(&f, '"');
  log_write_fields(LOG_ERROR, "unit of work failed", f.data, f.len);
  buf_free(&f);
  lua_pop(L, 1);
}

static void run(sched_task *t) {
  int nres = 0;
  int nargs = t->started ? 0 : t->nargs;
  t->started = 1;
  S.running = 1;
  profile_enter(t->co);
  int status = lua_resume(t->co, NULL, nargs, &nres);
  profile_leave();
  S.running = 0;
  if (status == LUA_YIELD) {
    /* A plain coroutine.yield() in task code means "let others run": the
    ** task goes to the back of the queue. */
    if (!t->waiting) {
      lua_pop(t->co, nres);
      push_ready(t);
    }
    return;
  }
  if (status == LUA_OK) {
    finish(t, 1, nres);
  } else {
    report_error(t);
    finish(t, 0, 1);
  }
}

/* Runs every ready task, including those made ready by the tasks run here,
** so one loop iteration finishes all work that needs no new I/O. */
static void drain(uv_check_t *h) {
  (void)h;
  if (S.running) return;
  while (S.head) {
    sched_task *t = S.head;
    S.head = t->next;
    if (!S.head) S.tail = NULL;
    t->queued = 0;
    run(t);
  }
  uv_idle_stop(&S.idle);
}
