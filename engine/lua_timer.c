/*
** lua_timer.c — the `timer` module: sleeping inside a task, and callbacks
** that run later, repeatedly, or daily at a wall-clock time in the shop's
** time zone.
**
**   timer.sleep(sec)  -> bool    yields the task for sec seconds (fractions ok);
**                                false when cut short by its generation's retirement
**   timer.after(sec, fn)   -> h  fn runs once, sec seconds from now
**   timer.every(sec, fn)   -> h  fn runs every sec seconds, never overlapping
**   timer.at("HH:MM", fn)  -> h  fn runs daily at HH:MM (or HH:MM:SS) local
**   h:stop()  h:active()  h:next() -> wall-clock seconds of the next firing
**   timer.now()        -> wall clock, float seconds since the epoch
**   timer.monotonic()  -> float seconds from an arbitrary origin
**   timer.signal()     -> s    s:wait(sec) until s:notify() (timer_signal.c)
**
** Each firing runs fn in a new task ("timer" kind) of the generation that
** created the timer, so a slow or failing tick harms nobody else. A timer
** belongs to its generation: it stops when the generation is retired (the
** new generation registers its own), and never fires in a generation that
** is not current. While armed it holds the generation open; once stopped
** it lets go, so an old generation closes as soon as its last tick ends.
** Timers do not keep the engine running on their own (uv_unref): serving
** keeps it alive, and a `guldasta run` script ends when its task does.
*/
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#include "bindings.h"
#include "eng.h"
#include "gen.h"
#include "io/timeofday.h"
#include "log.h"
#include "metrics.h"
#include "scheduler.h"
#include "timer_signal.h"

#define TIMER_MT "guldasta.timer"

/* A daily timer re-reads the wall clock at least this often, so stepping
** the clock (NTP, a suspended VM) delays a firing by at most this much. */
#define AT_RECHECK_MS 60000
/* How soon a timer of a generation not yet activated looks again. */
#define NOT_YET_MS 100

enum { T_AFTER, T_EVERY, T_AT };

static double wall_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t to_ms(double sec) {
  if (!(sec > 0)) return 0;
  if (sec > 1e9) sec = 1e9;
  return (uint64_t)ceil(sec * 1000.0);
}

/* {========================================================================
** timer.sleep
** ========================================================================= */

/* A sleep is cut short when its generation is retired (a reload): the
** loops that run for a generation's life (polling, webhook registration,
** retries) look at engine.current() after each sleep and end, so the old
** generation closes at once instead of when its longest sleeper wakes.
** Only the sleep in progress at the retirement is cut; a later one sleeps
** its full time, so a loop that does not look cannot spin. */
typedef struct sleep_op {
  uv_timer_t h;
  sched_task *t;
  gen_t *g;
  int retire_id;                     /* 0: not registered */
  int woken;                         /* sched_wake called: at most once */
  int cut;
} sleep_op_t;

static void on_sleep_closed(uv_handle_t *h) { free(h->data); }

static void on_sleep_timer(uv_timer_t *h) {
  sleep_op_t *op = h->data;
  op->woken = 1;
  sched_wake(op->t);
}

/* The timer may have fired already, its task not yet resumed: then the
** sleep was whole, and the task is woken once only. */
static void on_sleep_retire(void *ud) {
  sleep_op_t *op = ud;
  op->retire_id = 0;                 /* retire() has dropped the callback */
  if (op->woken) return;
  op->woken = 1;
  op->cut = 1;
  uv_timer_stop(&op->h);
  sched_wake(op->t);
}

static int k_sleep(lua_State *L, int status, lua_KContext ctx) {
  sleep_op_t *op = (sleep_op_t *)ctx;
  (void)status;
  if (op->retire_id) gen_cancel_retire(op->g, op->retire_id);
  lua_pushboolean(L, !op->cut);
  uv_close((uv_handle_t *)&op->h, on_sleep_closed);
  return 1;
}

/* sleep(0) still yields once: a long loop can let others run. */
static int l_sleep(lua_State *L) {
  double sec = luaL_checknumber(L, 1);
  if (sec < 0 || sec != sec) return luaL_argerror(L, 1, "seconds must be >= 0");
  sched_task *t = sched_current(L);
  sleep_op_t *op = malloc(sizeof *op);
  if (!op) return luaL_error(L, "out of memory");
  op->t = t;
  op->g = sched_gen(t);
  op->cut = op->woken = 0;
  op->retire_id = gen_is_retired(op->g) ? 0 : gen_on_retire(op->g, on_sleep_retire, op);
  uv_loop_t *loop = eng_of(L)->loop;
  uv_timer_init(loop, &op->h);
  op->h.data = op;
  /* libuv measures timeouts from the loop's cached clock, which is as old
  ** as the current loop iteration: Lua may have run a while since. */
  uv_update_time(loop);
  uv_timer_start(&op->h, on_sleep_timer, to_ms(sec), 0);
  return sched_wait(L, t, (lua_KContext)op, k_sleep);
}

/* }======================================================================== */

/* {========================================================================
** after, every, at
**
** An ltimer_t is shared by up to three owners, counted in refs: the libuv
** handle until its close callback, the Lua handle until its __gc, and the
** tick task in flight until its done callback. The last one frees it.
** ========================================================================= */

typedef struct ltimer {
  uv_timer_t h;
  gen_t *g;
  int kind;
  int fn_ref;                        /* fn in the generation's registry */
  int retire_id;
  uint64_t interval_ms;              /* every */
  int sec_of_day;                    /* at */
  double target;                     /* at: wall-clock time of the next firing */
  int stopped, running, refs;
  int was_current;                   /* its generation has been current */
} ltimer_t;

static void unref_timer(ltimer_t *t) {
  if (--t->refs == 0) free(t);
}

/* g is read before the unref: gen_release may close the generation, and
** with it run the Lua handle's __gc, which may free t. */
static void on_timer_closed(uv_handle_t *h) {
  ltimer_t *t = h->data;
  gen_t *g = t->g;
  unref_timer(t);
  gen_release(g);
}

/* No more firings. The function reference goes at once (a tick in flight
** already has its own copy on its stack); the generation is released when
** libuv has closed the handle. */
static void stop_timer(ltimer_t *t) {
  if (t->stopped) return;
  t->stopped = 1;
  uv_timer_stop(&t->h);
  if (t->retire_id) gen_cancel_retire(t->g, t->retire_id);
  t->retire_id = 0;
  luaL_unref(gen_state(t->g), LUA_REGISTRYINDEX, t->fn_ref);
  t->fn_ref = LUA_NOREF;
  uv_close((uv_handle_t *)&t->h, on_timer_closed);
}

static void on_gen_retire(void *ud) {
  ltimer_t *t = ud;
  t->retire_id = 0;                  /* the hook is spent: nothing to cancel */
  stop_timer(t);
}

/* gen.h has no "retired" query, but generation ids only grow: a generation
** older than the current one has been retired. With no current generation
** we are either before the first activation or shutting down. */
static int gen_retired(gen_t *g) {
  if (gen_is_current(g)) return 0;
  gen_t *cur = gen_current();
  if (cur) return gen_id(g) < gen_id(cur);
  return eng_of(gen_state(g))->stopping;
}

static void on_tick_done(sched_task *task, int ok, int nres, void *ud) {
  ltimer_t *t = ud;
  (void)task;
  (void)ok;
  (void)nres;
  t->running = 0;
  unref_timer(t);
}

static const char *kind_label(int kind) {
  return kind == T_AFTER ? "kind=\"after\"" : kind == T_EVERY ? "kind=\"every\"" : "kind=\"at\"";
}

/* A tick that is still running when the next is due makes that next one
** skip: a job that takes longer than its period must not pile up copies of
** itself. */
static void start_tick(ltimer_t *t) {
  if (t->running) {
    metrics_counter_add("guldasta_timer_skipped_total", kind_label(t->kind), 1);
    log_write(LOG_DEBUG, "timer tick skipped: previous still running", NULL);
    return;
  }
  sched_task *task = sched_new(t->g, "timer");
  if (!task) return;
  lua_State *T = sched_thread(task);
  lua_rawgeti(T, LUA_REGISTRYINDEX, t->fn_ref);
  t->running = 1;
  t->refs++;
  sched_on_done(task, on_tick_done, t);
  metrics_counter_add("guldasta_timer_ticks_total", kind_label(t->kind), 1);
  sched_start(task, 0);
}

/* Arms a daily timer toward t->target, in steps of at most AT_RECHECK_MS. */
static void arm_at(ltimer_t *t);

static void on_fire(uv_timer_t *h) {
  ltimer_t *t = h->data;
  if (t->stopped) return;
  /* Ticks run only in the current generation. One that was current and is
  ** no longer has been retired; one that never was is still being loaded
  ** and checked, and may become current in a moment. */
  if (!gen_is_current(t->g)) {
    if (t->was_current || gen_retired(t->g)) stop_timer(t);
    else if (t->kind != T_EVERY) uv_timer_start(&t->h, on_fire, NOT_YET_MS, 0);
    return;
  }
  t->was_current = 1;
  if (t->kind == T_AT) {
    double now = wall_now();
    if (now < t->target) {           /* a recheck step, or a little early */
      arm_at(t);
      return;
    }
    /* The next day's time is computed from the one just reached, so an
    ** early wake-up can never fire the same minute twice. */
    int64_t from = (int64_t)floor(now > t->target ? now : t->target);
    int64_t next = tod_next_local(from, t->sec_of_day);
    t->target = next > 0 ? (double)next : t->target + 86400;
    arm_at(t);
  }
  start_tick(t);
  if (t->kind == T_AFTER) stop_timer(t);
}

static void arm_at(ltimer_t *t) {
  uint64_t ms = to_ms(t->target - wall_now());
  if (ms > AT_RECHECK_MS) ms = AT_RECHECK_MS;
  uv_timer_start(&t->h, on_fire, ms, 0);
}

static ltimer_t *check_timer(lua_State *L) {
  ltimer_t **box = luaL_checkudata(L, 1, TIMER_MT);
  if (!*box) luaL_argerror(L, 1, "timer already collected");
  return *box;
}

/* Common part of after/every/at: fn is at index 2. Pushes the handle. */
static ltimer_t *new_timer(lua_State *L, int kind) {
  luaL_checktype(L, 2, LUA_TFUNCTION);
  ltimer_t **box = lua_newuserdatauv(L, sizeof *box, 0);
  *box = calloc(1, sizeof **box);
  if (!*box) luaL_error(L, "out of memory");
  ltimer_t *t = *box;
  luaL_setmetatable(L, TIMER_MT);
  t->kind = kind;
  t->g = gen_of(L);
  t->was_current = gen_is_current(t->g);
  t->refs = 2;                       /* the handle and the Lua box */
  lua_pushvalue(L, 2);
  t->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  uv_loop_t *loop = eng_of(L)->loop;
  uv_timer_init(loop, &t->h);
  t->h.data = t;
  uv_update_time(loop);              /* see l_sleep */
  uv_unref((uv_handle_t *)&t->h);
  gen_retain(t->g);
  t->retire_id = gen_on_retire(t->g, on_gen_retire, t);
  if (gen_retired(t->g)) stop_timer(t);   /* its retire hooks already ran */
  return t;
}

static int l_after(lua_State *L) {
  double sec = luaL_checknumber(L, 1);
  if (sec < 0 || sec != sec) return luaL_argerror(L, 1, "seconds must be >= 0");
  ltimer_t *t = new_timer(L, T_AFTER);
  if (!t->stopped) uv_timer_start(&t->h, on_fire, to_ms(sec), 0);
  return 1;
}

static int l_every(lua_State *L) {
  double sec = luaL_checknumber(L, 1);
  if (!(sec > 0)) return luaL_argerror(L, 1, "seconds must be > 0");
  ltimer_t *t = new_timer(L, T_EVERY);
  t->interval_ms = to_ms(sec);
  if (!t->stopped) uv_timer_start(&t->h, on_fire, t->interval_ms, t->interval_ms);
  return 1;
}

static int l_at(lua_State *L) {
  int sod = tod_parse(luaL_checkstring(L, 1));
  if (sod < 0) return luaL_argerror(L, 1, "expected \"HH:MM\" or \"HH:MM:SS\"");
  int64_t next = tod_next_local((int64_t)floor(wall_now()), sod);
  if (next < 0) return luaL_error(L, "timer.at: cannot compute local time");
  ltimer_t *t = new_timer(L, T_AT);
  t->sec_of_day = sod;
  t->target = (double)next;
  if (!t->stopped) arm_at(t);
  return 1;
}

static int l_stop(lua_State *L) {
  stop_timer(check_timer(L));
  return 0;
}

static int l_active(lua_State *L) {
  lua_pushboolean(L, !check_timer(L)->stopped);
  return 1;
}

static int l_next(lua_State *L) {
  ltimer_t *t = check_timer(L);
  if (t->stopped) return 0;
  if (t->kind == T_AT) lua_pushnumber(L, t->target);
  else lua_pushnumber(L, wall_now() + (double)uv_timer_get_due_in(&t->h) / 1000.0);
  return 1;
}

/* Dropping the handle does not stop the timer: `timer.every(60, fn)` with
** the result ignored is the usual way to use it. */
static int l_gc(lua_State *L) {
  ltimer_t **box = luaL_checkudata(L, 1, TIMER_MT);
  if (*box) unref_timer(*box);
  *box = NULL;
  return 0;
}

static int l_tostring(lua_State *L) {
  ltimer_t *t = check_timer(L);
  static const char *names[] = {"after", "every", "at"};
  lua_pushfstring(L, "timer %s (%s)", names[t->kind], t->stopped ? "stopped" : "active");
  return 1;
}

/* }======================================================================== */

static int l_now(lua_State *L) {
  lua_pushnumber(L, wall_now());
  return 1;
}

static int l_monotonic(lua_State *L) {
  lua_pushnumber(L, (double)uv_hrtime() / 1e9);
  return 1;
}

int eng_open_timer(lua_State *L) {
  static const luaL_Reg methods[] = {
    {"stop", l_stop}, {"active", l_active}, {"next", l_next}, {NULL, NULL}
  };
  static const luaL_Reg fns[] = {
    {"sleep", l_sleep}, {"after", l_after}, {"every", l_every}, {"at", l_at},
    {"now", l_now}, {"monotonic", l_monotonic}, {NULL, NULL}
  };
  eng_new_class(L, TIMER_MT, methods, l_gc, l_tostring);
  luaL_newlib(L, fns);
  timer_signal_register(L);
  return 1;
}
