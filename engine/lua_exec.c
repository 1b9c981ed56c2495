/*
** lua_exec.c — the product's `exec` module: run one fixed program to its
** end and take its output (io/proc.c does the process work).
**
**   exec.run(argv [, opts]) -> stdout | nil, err, code
**
** argv is an array of strings: argv[1] is the program (looked up in PATH),
** the rest reach it as they are. There is no shell and no string form, so
** nothing in an argument is ever interpreted. opts: stdin (a string written
** to the program, then end-of-file), timeout (seconds, default 10), max_output
** (bytes kept of stdout and of stderr each, default 8 MiB).
**
** A success is an exit status of 0. Everything else is nil, a message that
** names the program (and the first bytes of its stderr), and a code:
** "enoent"/"eacces"/... (it could not start: libuv's name), "exit" (a
** non-zero status), "signal" (a signal ended it), "timeout" (killed after
** opts.timeout), "too_big" (killed after writing more than max_output).
**
** The program runs in a session of its own, so a timeout kills whatever it
** started too. The calling unit of work yields until the program is done;
** the loop goes on serving meanwhile.
*/
#include <math.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "bindings.h"
#include "eng.h"
#include "io/proc.h"
#include "scheduler.h"

#define EXEC_TIMEOUT_S 10.0
#define EXEC_MAX_OUTPUT (8u << 20)
#define EXEC_MAX_ARGS 1000
#define EXEC_STDERR_SHOWN 200        /* bytes of stderr quoted in a message */

/* argv from the array at idx, as a userdata of pointers into the strings
** the array holds (anchored by the array, which stays on the stack). */
static char **build_argv(lua_State *L, int idx) {
  luaL_checktype(L, idx, LUA_TTABLE);
  lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
  if (n == 0) luaL_argerror(L, idx, "empty argv");
  if (n > EXEC_MAX_ARGS) luaL_argerror(L, idx, "argv too long");
  char **argv = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *argv, 0);
  for (lua_Integer i = 1; i <= n; i++) {
    if (lua_rawgeti(L, idx, i) != LUA_TSTRING) luaL_argerror(L, idx, "argv must hold strings");
    argv[i - 1] = (char *)lua_tostring(L, -1);
    lua_pop(L, 1);
  }
  argv[n] = NULL;
  return argv;
}

static double opt_number(lua_State *L, int opts, const char *name, double dflt) {
  if (!opts) return dflt;
  lua_getfield(L, opts, name);
  double v = dflt;
  if (!lua_isnil(L, -1)) {
    if (!lua_isnumber(L, -1) || lua_tonumber(L, -1) <= 0) luaL_error(L, "opts.%s: a number > 0", name);
    v = lua_tonumber(L, -1);
  }
  lua_pop(L, 1);
  return v;
}

static void on_done(proc_t *p) { sched_wake((sched_task *)p->data); }

/* "prog: what went wrong[: first bytes of stderr]" */
static void push_message(lua_State *L, proc_t *p, const char *prog, const char *what) {
  size_t n = p->err.len < EXEC_STDERR_SHOWN ? p->err.len : EXEC_STDERR_SHOWN;
  while (n && (p->err.data[n - 1] == '\n' || p->err.data[n - 1] == ' ')) n--;
  lua_pushfstring(L, "%s: %s", prog, what);
  if (!n) return;
  lua_pushliteral(L, ": ");
  lua_pushlstring(L, p->err.data, n);
  lua_concat(L, 3);
}

static int k_run(lua_State *L, int status, lua_KContext ctx) {
  proc_t *p = (proc_t *)ctx;
  const char *prog = lua_tostring(L, 3);     /* argv[1], anchored below */
  char what[64];
  const char *code = NULL;
  (void)status;
  if (p->timed_out) {
    snprintf(what, sizeof what, "timed out, killed");
    code = "timeout";
  } else if (p->too_big) {
    snprintf(what, sizeof what, "wrote more than %zu bytes, killed", p->out_max);
    code = "too_big";
  } else if (p->term_signal) {
    const char *n = proc_signal_name(p->term_signal);
    snprintf(what, sizeof what, "killed by SIG%s", n ? n : "?");
    code = "signal";
  } else if (p->exit_status != 0) {
    snprintf(what, sizeof what, "exit status %d", (int)p->exit_status);
    code = "exit";
  }
  if (code) {
    lua_pushnil(L);
    push_message(L, p, prog, what);
    lua_pushstring(L, code);
  } else {
    lua_pushlstring(L, p->out.data ? p->out.data : "", p->out.len);
  }
  proc_close(p);
  return code ? 3 : 1;
}

static int l_run(lua_State *L) {
  lua_settop(L, 2);
  sched_task *t = sched_current(L);
  char **argv = build_argv(L, 1);            /* index 3 */
  int opts = 0;
  if (!lua_isnil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    opts = 2;
  }
  proc_opts_t o;
  memset(&o, 0, sizeof o);
  o.out_mode = o.err_mode = PROC_CAPTURE;
  o.own_group = 1;
  o.timeout_ms = (uint64_t)ceil(opt_number(L, opts, "timeout", EXEC_TIMEOUT_S) * 1000.0);
  double max = opt_number(L, opts, "max_output", EXEC_MAX_OUTPUT);
  o.out_max = max > 1e12 ? (size_t)1e12 : (size_t)max;
  if (opts) {
    lua_getfield(L, opts, "stdin");          /* index 4: anchors the bytes */
    if (!lua_isnil(L, -1)) {
      if (lua_type(L, -1) != LUA_TSTRING) return luaL_error(L, "opts.stdin must be a string");
      o.stdin_data = lua_tolstring(L, -1, &o.stdin_len);
    }
  }
  char err[512];
  proc_t *p;
  int rc = proc_start(eng_of(L)->loop, &p, argv, &o, on_done, err, sizeof err);
  if (rc < 0) return eng_push_uv_fail(L, err, rc);
  p->data = t;
  lua_settop(L, 2);
  lua_rawgeti(L, 1, 1);                      /* index 3: the program's name */
  return sched_wait(L, t, (lua_KContext)p, k_run);
}

int eng_open_exec(lua_State *L) {
  static const luaL_Reg fns[] = {{"run", l_run}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
