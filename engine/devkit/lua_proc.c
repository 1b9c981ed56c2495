/*
** lua_proc.c — the `proc` module: run a command and collect its output, or
** start one in the background (io/proc.c does the process work).
**
**   proc.run(argv, opts)   -> { code=, signal=, stdout=, stderr= }
**                           | nil, err, code ("timeout": killed; the partial
**                             result table comes fourth)
**   proc.spawn(argv, opts) -> handle | nil, err, code
**     h:pid()  h:running()  h:kill([sig])  h:wait([timeout]) -> code, signal
**
** argv is an array of strings (argv[1] is looked up in PATH), or one string
** run by /bin/sh -c. opts: cwd, env (merged over the engine's environment;
** false removes a variable), stdin (a string), timeout (seconds; SIGKILL to
** the process group on expiry), and for spawn stdout/stderr (a file path
** appended to, false for /dev/null, default: the engine's own).
**
** code is the exit status, or 128 + the signal number when a signal ended
** the process (as the shell reports it); signal is then its name ("TERM").
**
** A background process belongs to the generation that started it: it keeps
** that generation open while it runs and gets SIGTERM when the generation is
** retired (reload or shutdown). Dropping the handle does not stop it; the
** handle's memory is released once both the process and Lua are done.
*/
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "bindings.h"
#include "eng.h"
#include "gen.h"
#include "io/proc.h"
#include "scheduler.h"

#define PROC_MT "guldasta.proc"

extern char **environ;

static int push_fail(lua_State *L, const char *msg, const char *code) {
  lua_pushnil(L);
  lua_pushstring(L, msg);
  lua_pushstring(L, code);
  return 3;
}

static const char *code_of(int status) {
  static char code[32];
  const char *n = uv_err_name(status);
  size_t i = 0;
  for (; n[i] && i < sizeof code - 1; i++) code[i] = (char)(n[i] >= 'A' && n[i] <= 'Z' ? n[i] + 32 : n[i]);
  code[i] = '\0';
  return code;
}

/* Pushes code, signal-name-or-nil of a finished process. */
static void push_status(lua_State *L, const proc_t *p) {
  if (p->term_signal) {
    lua_pushinteger(L, 128 + p->term_signal);
    const char *n = proc_signal_name(p->term_signal);
    if (n) lua_pushstring(L, n);
    else lua_pushinteger(L, p->term_signal);
  } else {
    lua_pushinteger(L, (lua_Integer)p->exit_status);
    lua_pushnil(L);
  }
}

/* {========================================================================
** Arguments → proc_opts_t
**
** Everything C needs only during uv_spawn (argv, env, cwd) points into Lua
** strings that stay on the stack until proc_start returns, and the pointer
** arrays are userdata: a luaL_error half-way leaks nothing.
** ========================================================================= */

static char **build_argv(lua_State *L, int idx) {
  if (lua_type(L, idx) == LUA_TSTRING) {
    char **argv = lua_newuserdatauv(L, 4 * sizeof *argv, 0);
    argv[0] = "/bin/sh";
    argv[1] = "-c";
    argv[2] = (char *)lua_tostring(L, idx);
    argv[3] = NULL;
    return argv;
  }
  luaL_checktype(L, idx, LUA_TTABLE);
  lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
  if (n == 0) luaL_argerror(L, idx, "empty argv");
  if (n > 100000) luaL_argerror(L, idx, "argv too long");
  char **argv = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *argv, 0);
  luaL_checkstack(L, (int)n, "argv too long");
  for (lua_Integer i = 1; i <= n; i++) {
    int t = lua_rawgeti(L, idx, i);    /* stays on the stack: a number's string */
    if (t != LUA_TSTRING && t != LUA_TNUMBER) luaL_argerror(L, idx, "argv must hold strings");
    argv[i - 1] = (char *)lua_tostring(L, -1);
  }
  argv[n] = NULL;
  return argv;
}

/* The engine's environment with opts.env laid over it. Every "K=V" string is
** kept in a table pushed on the stack. */
static char **build_env(lua_State *L, int envidx) {
  size_t n = 0, cap;
  for (char **e = environ; *e; e++) n++;
  lua_pushnil(L);
  while (lua_next(L, envidx)) {
    if (lua_type(L, -2) != LUA_TSTRING) luaL_error(L, "opts.env: keys must be strings");
    int t = lua_type(L, -1);
    if (t != LUA_TSTRING && t != LUA_TNUMBER && !(t == LUA_TBOOLEAN && !lua_toboolean(L, -1)))
      luaL_error(L, "opts.env.%s: a string, a number or false", lua_tostring(L, -2));
    lua_pop(L, 1);
    n++;
  }
  cap = n + 1;
  lua_createtable(L, (int)cap, 0);   /* anchors */
  int anchors = lua_gettop(L);
  char **env = lua_newuserdatauv(L, cap * sizeof *env, 0);
  size_t k = 0;
  for (char **e = environ; *e; e++) {
    const char *eq = strchr(*e, '=');
    if (!eq) continue;
    lua_pushlstring(L, *e, (size_t)(eq - *e));
    int overridden = lua_rawget(L, envidx) != LUA_TNIL;
    lua_pop(L, 1);
    if (!overridden) env[k++] = *e;
  }
  lua_pushnil(L);
  while (lua_next(L, envidx)) {
    if (lua_type(L, -1) != LUA_TBOOLEAN) {
      lua_pushfstring(L, "%s=%s", lua_tostring(L, -2), lua_tostring(L, -1));
      env[k++] = (char *)lua_tostring(L, -1);
      lua_rawseti(L, anchors, (lua_Integer)k);
    }
    lua_pop(L, 1);
  }
  env[k] = NULL;
  return env;
}

static const char *opt_string(lua_State *L, int opts, const char *name) {
  if (opts == 0) return NULL;
  lua_getfield(L, opts, name);       /* left on the stack: anchors the string */
  if (lua_isnil(L, -1)) return NULL;
  if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "opts.%s must be a string", name);
  return lua_tostring(L, -1);
}

/* stdout/stderr of spawn: nil inherits, false discards, a string is a file. */
static void opt_output(lua_State *L, int opts, const char *name, int *mode, const char **path) {
  *mode = PROC_INHERIT;
  if (opts == 0) return;
  lua_getfield(L, opts, name);
  if (lua_isnil(L, -1)) return;
  if (lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1)) { *mode = PROC_NULL; return; }
  if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "opts.%s: a file path or false", name);
  *mode = PROC_FILE;
  *path = lua_tostring(L, -1);
}

/* Reads argv (index 1) and opts (index 2; the stack is at least 2 high) and
** starts the process. Returns 0,
** or pushes nil, err, code and returns 3. Leaves anchors on the stack. */
static int start(lua_State *L, int capture, proc_t **pp, proc_done_fn done) {
  char **argv = build_argv(L, 1);
  int opts = 0;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    opts = 2;
  }
  proc_opts_t o;
  memset(&o, 0, sizeof o);
  o.cwd = opt_string(L, opts, "cwd");
  size_t inlen = 0;
  if (opts) {
    lua_getfield(L, opts, "stdin");
    if (!lua_isnil(L, -1)) {
      if (lua_type(L, -1) != LUA_TSTRING) return luaL_error(L, "opts.stdin must be a string");
      o.stdin_data = lua_tolstring(L, -1, &inlen);
      o.stdin_len = inlen;
    }
    lua_getfield(L, opts, "timeout");
    if (!lua_isnil(L, -1)) {
      if (!lua_isnumber(L, -1) || lua_tonumber(L, -1) <= 0)
        return luaL_error(L, "opts.timeout: a number of seconds > 0");
      o.timeout_ms = (uint64_t)ceil(lua_tonumber(L, -1) * 1000.0);
    }
    lua_getfield(L, opts, "env");
    if (!lua_isnil(L, -1)) {
      if (!lua_istable(L, -1)) return luaL_error(L, "opts.env must be a table");
      o.env = build_env(L, lua_gettop(L));
    }
  }
  if (capture) {
    o.out_mode = o.err_mode = PROC_CAPTURE;
    o.own_group = 1;                   /* a timeout kills the whole pipeline */
  } else {
    opt_output(L, opts, "stdout", &o.out_mode, &o.out_path);
    opt_output(L, opts, "stderr", &o.err_mode, &o.err_path);
  }
  char err[512];
  int rc = proc_start(eng_of(L)->loop, pp, argv, &o, done, err, sizeof err);
  if (rc < 0) return push_fail(L, err, code_of(rc));
  return 0;
}

/* }======================================================================== */

/* {========================================================================
** proc.run
** ========================================================================= */

static void on_run_done(proc_t *p) { sched_wake((sched_task *)p->data); }

static int k_run(lua_State *L, int status, lua_KContext ctx) {
  proc_t *p = (proc_t *)ctx;
  (void)status;
  lua_createtable(L, 0, 4);
  push_status(L, p);
  lua_setfield(L, -3, "signal");
  lua_setfield(L, -2, "code");
  lua_pushlstring(L, p->out.data ? p->out.data : "", p->out.len);
  lua_setfield(L, -2, "stdout");
  lua_pushlstring(L, p->err.data ? p->err.data : "", p->err.len);
  lua_setfield(L, -2, "stderr");
  int timed_out = p->timed_out;
  proc_close(p);
  if (!timed_out) return 1;
  lua_getfield(L, 2, "timeout");       /* a timeout implies an opts table */
  lua_Number secs = lua_tonumber(L, -1);
  lua_pop(L, 1);
  lua_pushnil(L);
  lua_pushfstring(L, "timed out after %f s, killed", secs);
  lua_pushstring(L, "timeout");
  lua_rotate(L, -4, -1);               /* nil, err, code, result */
  return 4;
}

static int l_run(lua_State *L) {
  lua_settop(L, 2);                    /* argv, opts: anchors go above */
  sched_task *t = sched_current(L);
  proc_t *p;
  int n = start(L, 1, &p, on_run_done);
  if (n) return n;
  p->data = t;
  lua_settop(L, 2);
  return sched_wait(L, t, (lua_KContext)p, k_run);
}

/* }======================================================================== */

/* {========================================================================
** proc.spawn and its handle
** ========================================================================= */

typedef struct waiter waiter_t;

typedef struct spawned {
  proc_t *p;
  gen_t *g;
  int retire_id;
  int finished;                      /* done ran: status is final */
  int lua_alive;                     /* the userdata exists */
  waiter_t *waiters;
} spawned_t;

/* One task in h:wait(). It is unlinked from the list by whichever comes
** first, the exit or its timeout, and freed by its continuation. */
struct waiter {
  sched_task *t;
  spawned_t *s;
  uv_timer_t timer;
  int has_timer, timed_out;
  waiter_t *next;
};

static void unlink_waiter(spawned_t *s, waiter_t *w) {
  for (waiter_t **pp = &s->waiters; *pp; pp = &(*pp)->next)
    if (*pp == w) { *pp = w->next; return; }
}

static void free_spawned(spawned_t *s) {
  proc_close(s->p);
  free(s);
}

/* The process exited. Waiters wake; the generation is let go; whoever of C
** and Lua is last frees the state. g is read first: gen_release may close
** the generation, whose __gc may free s. */
static void on_spawn_done(proc_t *p) {
  spawned_t *s = p->data;
  gen_t *g = s->g;
  s->finished = 1;
  while (s->waiters) {
    waiter_t *w = s->waiters;
    s->waiters = w->next;
    if (w->has_timer) uv_timer_stop(&w->timer);
    sched_wake(w->t);
  }
  if (s->retire_id) gen_cancel_retire(g, s->retire_id);
  s->retire_id = 0;
  s->g = NULL;
  if (!s->lua_alive) free_spawned(s);
  gen_release(g);
}

static void on_gen_retire(void *ud) {
  spawned_t *s = ud;
  s->retire_id = 0;
  proc_kill(s->p, SIGTERM);
}

static spawned_t *check_handle(lua_State *L) {
  return *(spawned_t **)luaL_checkudata(L, 1, PROC_MT);
}

/* The box is made before the process starts, so a failure anywhere leaves
** nothing behind: a box whose process never started frees itself in __gc. */
static int l_spawn(lua_State *L) {
  lua_settop(L, 2);
  spawned_t **box = lua_newuserdatauv(L, sizeof *box, 0);   /* index 3 */
  *box = calloc(1, sizeof **box);
  if (!*box) return luaL_error(L, "out of memory");
  luaL_setmetatable(L, PROC_MT);
  spawned_t *s = *box;
  s->lua_alive = 1;
  proc_t *p;
  int n = start(L, 0, &p, on_spawn_done);
  if (n) return n;
  s->p = p;
  s->g = gen_of(L);
  p->data = s;
  gen_retain(s->g);
  s->retire_id = gen_on_retire(s->g, on_gen_retire, s);
  lua_pushvalue(L, 3);
  return 1;
}

static int l_pid(lua_State *L) {
  lua_pushinteger(L, check_handle(L)->p->pid);
  return 1;
}

static int l_running(lua_State *L) {
  lua_pushboolean(L, !check_handle(L)->finished);
  return 1;
}

static int l_kill(lua_State *L) {
  spawned_t *s = check_handle(L);
  int sig = SIGTERM;
  if (lua_type(L, 2) == LUA_TNUMBER) sig = (int)luaL_checkinteger(L, 2);
  else if (!lua_isnoneornil(L, 2)) {
    sig = proc_signal_number(luaL_checkstring(L, 2));
    if (!sig) return luaL_argerror(L, 2, "unknown signal name");
  }
  if (s->finished) return push_fail(L, "process has exited", "esrch");
  int rc = proc_kill(s->p, sig);
  if (rc < 0) return push_fail(L, uv_strerror(rc), code_of(rc));
  lua_pushboolean(L, 1);
  return 1;
}

static void on_waiter_closed(uv_handle_t *h) { free(h->data); }

static void on_wait_timeout(uv_timer_t *tm) {
  waiter_t *w = tm->data;
  w->timed_out = 1;
  unlink_waiter(w->s, w);
  sched_wake(w->t);
}

static int k_wait(lua_State *L, int status, lua_KContext ctx) {
  waiter_t *w = (waiter_t *)ctx;
  spawned_t *s = w->s;
  int timed_out = w->timed_out;
  (void)status;
  if (w->has_timer) uv_close((uv_handle_t *)&w->timer, on_waiter_closed);
  else free(w);
  if (timed_out) return push_fail(L, "process still running", "timeout");
  push_status(L, s->p);
  return 2;
}

static int l_wait(lua_State *L) {
  spawned_t *s = check_handle(L);
  double timeout = luaL_optnumber(L, 2, -1);
  if (s->finished) {
    push_status(L, s->p);
    return 2;
  }
  sched_task *t = sched_current(L);
  waiter_t *w = calloc(1, sizeof *w);
  if (!w) return luaL_error(L, "out of memory");
  w->t = t;
  w->s = s;
  if (timeout >= 0) {
    uv_loop_t *loop = eng_of(L)->loop;
    uv_timer_init(loop, &w->timer);
    w->timer.data = w;
    uv_update_time(loop);              /* the cached clock may be stale */
    w->has_timer = 1;
    uv_timer_start(&w->timer, on_wait_timeout, (uint64_t)ceil(timeout * 1000.0), 0);
  }
  w->next = s->waiters;
  s->waiters = w;
  lua_settop(L, 1);                    /* the handle stays anchored while we wait */
  return sched_wait(L, t, (lua_KContext)w, k_wait);
}

/* Lua let go of the handle. A running process goes on; whoever finishes
** last frees. (Waiting tasks hold the handle, so none can be waiting.) */
static int l_gc(lua_State *L) {
  spawned_t **box = luaL_checkudata(L, 1, PROC_MT);
  spawned_t *s = *box;
  *box = NULL;
  if (!s) return 0;
  s->lua_alive = 0;
  if (!s->p) free(s);                  /* never started */
  else if (s->finished) free_spawned(s);
  return 0;
}

static int l_tostring(lua_State *L) {
  spawned_t *s = check_handle(L);
  lua_pushfstring(L, "proc (pid %d, %s)", s->p->pid, s->finished ? "exited" : "running");
  return 1;
}

/* }======================================================================== */

int eng_open_proc(lua_State *L) {
  static const luaL_Reg methods[] = {
    {"pid", l_pid}, {"running", l_running}, {"kill", l_kill}, {"wait", l_wait},
    {NULL, NULL}
  };
  static const luaL_Reg fns[] = {{"run", l_run}, {"spawn", l_spawn}, {NULL, NULL}};
  eng_new_class(L, PROC_MT, methods, l_gc, l_tostring);
  luaL_newlib(L, fns);
  return 1;
}
