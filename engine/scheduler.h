/*
** scheduler.h — the scheduler: one Lua coroutine per unit of work.
**
** A unit of work (an HTTP request, a Telegram update, a timer tick, the body of
** `guldasta run`) is a sched_task: a coroutine anchored in its generation's
** registry. A binding that does I/O follows one skeleton:
**
**     static int l_thing(lua_State *L) {
**       sched_task *t = sched_current(L);        // raises if not yieldable
**       op_t *op = ...;                           // check args, allocate op
**       op->task = t;
**       start_async(op, on_complete);             // library / libuv call
**       return sched_wait(L, t, (lua_KContext)op, k_thing);
**     }
**     static void on_complete(op_t *op, ...) {    // libuv or library callback
**       op->result = ...;                         // store raw C result only
**       sched_wake(op->task);                     // exactly once
**     }
**     static int k_thing(lua_State *L, int status, lua_KContext ctx) {
**       op_t *op = (op_t *)ctx;                   // runs at the loop's top level
**       ... push Lua values, free op ...
**       return nresults;
**     }
**
** sched_wake never resumes inside the call: the task goes on a ready queue that
** is drained from a uv_check handle, i.e. from the loop's top level. So a
** library callback that fires synchronously (hiredis's free, libcurl's timer
** callback) can never re-enter Lua.
*/
#ifndef SCHEDULER_H
#define SCHEDULER_H

#include <stdint.h>
#include <lua.h>
#include "eng.h"

typedef struct sched_task sched_task;

/* Called once when a task's coroutine ends. ok=1: its return values are on
** the task's thread stack (sched_thread(t), indices 1..nres). ok=0: the error
** message with traceback is on top of that stack (already logged). The task is
** freed right after this returns. */
typedef void (*sched_done_fn)(sched_task *t, int ok, int nres, void *ud);

void sched_init(eng_t *e);
void sched_close(eng_t *e);

/* Creates a task in generation g. Push the function and its arguments on
** sched_thread(t), then sched_start(t, nargs). kind names the unit in logs and
** metrics ("http", "timer", "update", "run", "spawn"). */
sched_task *sched_new(gen_t *g, const char *kind);
lua_State *sched_thread(sched_task *t);
void sched_on_done(sched_task *t, sched_done_fn fn, void *ud);
void sched_start(sched_task *t, int nargs);

/* The task owning coroutine L. Raises a Lua error when L is not a task's own
** coroutine or cannot yield here (a nested coroutine.wrap, a table.sort
** comparator, a generation being loaded). */
sched_task *sched_current(lua_State *L);
/* Same, but returns NULL instead of raising. */
sched_task *sched_current_or_null(lua_State *L);

/* Suspends the current task until sched_wake(t). Use as `return sched_wait(...)`. */
int sched_wait(lua_State *L, sched_task *t, lua_KContext ctx, lua_KFunction k);
/* Puts t on the ready queue; it resumes from the loop's top level. Call exactly
** once per sched_wait. Safe from any callback. */
void sched_wake(sched_task *t);

uint64_t sched_id(sched_task *t);
const char *sched_kind(sched_task *t);
gen_t *sched_gen(sched_task *t);

/* Drops the finished tasks kept for reuse in g (g is about to close). */
void sched_forget_gen(gen_t *g);

/* Number of tasks alive (metrics, tests). */
int sched_alive(void);

#endif
