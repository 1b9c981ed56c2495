/*
** timer_signal.c — timer.signal(): one task waits, with a timeout, until
** another says "now".
**
**   local s = timer.signal()
**   s:wait(sec)  -> true when notified, false when sec passed first
**   s:notify()      wakes the waiter; with nobody waiting, the next wait
**                   returns true at once (one notification is remembered)
**
** Why: the long-polling loop waits a few milliseconds for the oldest
** update's handler before asking Telegram again. Sleeping in small steps and
** looking each time added up to a step's worth of delay to every poll; the
** handler now wakes the poller the moment it finishes.
**
** One waiter at a time: a second wait on a signal already waited on
** raises. The waiting task keeps the signal alive (it is on its stack).
*/
#include <math.h>
#include <stdlib.h>

#include <lauxlib.h>
#include <uv.h>

#include "bindings.h"
#include "eng.h"
#include "scheduler.h"
#include "timer_signal.h"

#define SIGNAL_MT "guldasta.timer.signal"

typedef struct lsignal lsignal_t;

typedef struct wait_op {
  uv_timer_t h;
  sched_task *t;
  lsignal_t *sig;   /* NULL once settled: notified, or timed out */
  int notified;
} wait_op_t;

struct lsignal {
  wait_op_t *op;    /* the wait in progress, or NULL */
  int pending;      /* notified while nobody waited */
};

static void on_wait_closed(uv_handle_t *h) { free(h->data); }

/* Timed out: the wait is settled, a later notify is remembered instead. */
static void on_wait_timer(uv_timer_t *h) {
  wait_op_t *op = h->data;
  if (op->sig) op->sig->op = NULL;
  op->sig = NULL;
  sched_wake(op->t);
}

static int k_wait(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  wait_op_t *op = (wait_op_t *)ctx;
  int notified = op->notified;
  uv_close((uv_handle_t *)&op->h, on_wait_closed);
  lua_pushboolean(L, notified);
  return 1;
}

static int l_wait(lua_State *L) {
  lsignal_t *s = luaL_checkudata(L, 1, SIGNAL_MT);
  double sec = luaL_checknumber(L, 2);
  if (!(sec >= 0)) return luaL_argerror(L, 2, "seconds must be >= 0");
  if (s->op) return luaL_error(L, "timer.signal: another task is waiting on it");
  if (s->pending) {
    s->pending = 0;
    lua_pushboolean(L, 1);
    return 1;
  }
  sched_task *t = sched_current(L);
  wait_op_t *op = calloc(1, sizeof *op);
  if (!op) return luaL_error(L, "out of memory");
  op->t = t;
  op->sig = s;
  s->op = op;
  uv_loop_t *loop = eng_of(L)->loop;
  uv_timer_init(loop, &op->h);
  op->h.data = op;
  uv_update_time(loop);  /* the loop's clock is as old as this iteration */
  double ms = ceil(sec * 1000.0);
  uv_timer_start(&op->h, on_wait_timer, ms > 1e12 ? (uint64_t)1e12 : (uint64_t)ms, 0);
  return sched_wait(L, t, (lua_KContext)op, k_wait);
}

static int l_notify(lua_State *L) {
  lsignal_t *s = luaL_checkudata(L, 1, SIGNAL_MT);
  wait_op_t *op = s->op;
  if (!op) {
    s->pending = 1;
    return 0;
  }
  s->op = NULL;
  op->sig = NULL;
  op->notified = 1;
  uv_timer_stop(&op->h);   /* so the timer cannot wake it a second time */
  sched_wake(op->t);
  return 0;
}

static int l_gc(lua_State *L) {
  lsignal_t *s = luaL_checkudata(L, 1, SIGNAL_MT);
  if (s->op) s->op->sig = NULL;  /* cannot happen while its waiter holds it; be safe */
  return 0;
}

static int l_tostring(lua_State *L) {
  lsignal_t *s = luaL_checkudata(L, 1, SIGNAL_MT);
  lua_pushfstring(L, "timer.signal (%s)", s->op ? "waited on" : s->pending ? "notified" : "idle");
  return 1;
}

static int l_signal(lua_State *L) {
  lsignal_t *s = lua_newuserdatauv(L, sizeof *s, 0);
  s->op = NULL;
  s->pending = 0;
  luaL_setmetatable(L, SIGNAL_MT);
  return 1;
}

void timer_signal_register(lua_State *L) {
  static const luaL_Reg methods[] = {{"wait", l_wait}, {"notify", l_notify}, {NULL, NULL}};
  eng_new_class(L, SIGNAL_MT, methods, l_gc, l_tostring);
  lua_pushcfunction(L, l_signal);
  lua_setfield(L, -2, "signal");
}
