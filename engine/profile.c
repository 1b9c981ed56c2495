/*
** profile.c — where the Lua code spends its time, for benchmarks.
**
** perf sees the Lua VM as one anonymous blob; this says which script line
** it was running. With GULDASTA_LUA_PROFILE=<file>, a CPU-time timer
** ("%p" in it becomes the process id) (ITIMER_PROF, every PROFILE_PERIOD_US) fires SIGPROF. The handler may not
** touch Lua, except lua_sethook, which the manual allows from a signal: it
** arms a one-instruction count hook on the coroutine the scheduler is
** resuming. The hook then runs at the next VM instruction of that coroutine
** (so time in a C function is charged to the Lua line that called it),
** writes the Lua stack as one folded line — "outer;...;inner" with
** "file:line" frames, the input format of flame graph tools — and disarms.
** Samples taken outside any coroutine (libuv, the kernel, the bindings'
** callbacks) are counted as one "[native]" line at the end.
**
**   sort FILE | uniq -c | sort -rn | head       # hottest stacks
**
** With GULDASTA_LUA_PROFILE_ALLOC=1 as well, a sample is taken every
** PROFILE_ALLOC_BYTES the Lua states allocate instead of every millisecond
** of CPU: the lines that make the garbage (gen.c calls profile_alloc).
**
** Off (no timer, no signal handler) unless the variable is set.
*/
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <lauxlib.h>

#include "profile.h"

#define PROFILE_PERIOD_US 1000
#define PROFILE_DEPTH 12
#define PROFILE_ALLOC_BYTES 65536

static FILE *out;
static lua_State *volatile current;
static volatile sig_atomic_t native_samples;
int profile_by_allocation;
static size_t allocated; /* bytes since the last allocation sample */

static void on_sample(lua_State *L, lua_Debug *unused) {
  (void)unused;
  lua_sethook(L, NULL, 0, 0);
  lua_Debug ar;
  const char *frames[PROFILE_DEPTH];
  char lines[PROFILE_DEPTH][160];
  int n = 0;
  for (int level = 0; n < PROFILE_DEPTH && lua_getstack(L, level, &ar); level++) {
    if (!lua_getinfo(L, "Sl", &ar)) break;
    if (ar.currentline < 0) continue; /* C functions: the caller's line says it */
    snprintf(lines[n], sizeof lines[n], "%s:%d", ar.short_src, ar.currentline);
    frames[n] = lines[n];
    n++;
  }
  for (int i = n - 1; i >= 0; i--) fprintf(out, "%s%s", frames[i], i ? ";" : "\n");
  if (n == 0) fputs("[C]\n", out);
}

/* Arms the sample hook on the running coroutine (safe from a signal). */
static void sample(void) {
  lua_State *L = current;
  if (L) lua_sethook(L, on_sample, LUA_MASKCOUNT, 1);
  else native_samples++;
}

static void on_sigprof(int sig) {
  (void)sig;
  sample();
}

void profile_alloc(size_t bytes) {
  allocated += bytes;
  if (allocated < PROFILE_ALLOC_BYTES) return;
  allocated -= PROFILE_ALLOC_BYTES;
  sample();
}

void profile_start(const char *path, int by_allocation) {
  if (!path || !*path) return;
  /* "%p" becomes the pid: a benchmark's processes each write their own */
  char name[512];
  const char *p = strstr(path, "%p");
  if (p) snprintf(name, sizeof name, "%.*s%ld%s", (int)(p - path), path, (long)getpid(), p + 2);
  else snprintf(name, sizeof name, "%s", path);
  out = fopen(name, "w");
  if (!out) {
    perror(path);
    return;
  }
  if (by_allocation) {
    profile_by_allocation = 1;
    return;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigprof;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGPROF, &sa, NULL);
  struct itimerval it = { { 0, PROFILE_PERIOD_US }, { 0, PROFILE_PERIOD_US } };
  setitimer(ITIMER_PROF, &it, NULL);
}

void profile_enter(lua_State *co) {
  if (out) current = co;
}

void profile_leave(void) {
  if (!out) return;
  lua_State *L = current;
  current = NULL;
  /* a sample that arrived too late to run is dropped with its hook */
  if (L) lua_sethook(L, NULL, 0, 0);
}

void profile_stop(void) {
  if (!out) return;
  struct itimerval off = { { 0, 0 }, { 0, 0 } };
  if (!profile_by_allocation) setitimer(ITIMER_PROF, &off, NULL);
  profile_by_allocation = 0;
  for (int i = 0; i < native_samples; i++) fputs("[native]\n", out);
  fclose(out);
  out = NULL;
}
