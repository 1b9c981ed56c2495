/*
** io/redis_uv.c — hiredis's event hooks on the libuv loop: which socket
** events a hiredis async context waits for, as a uv_poll, and its writes
** flushed once per loop turn. io/redis.c's client attaches each new context
** here; nothing else in the engine talks to hiredis's event API.
*/
#include <stdlib.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#include "io/redis_uv.h"

/* Our own copy of hiredis's six hooks for libuv. The adapter shipped with
** hiredis 0.14 (Debian 12) ignores a poll callback whose status is an error,
** but libuv reports a refused connect or a reset socket exactly that way
** (UV_EBADF on POLLERR, with the poll stopped): the context would then hang
** in "connecting" forever. Here an error status lets hiredis try the
** operations it was waiting for, so it reads the socket error and tears the
** context down through its normal path (as hiredis 1.x does). */
typedef struct rds_ev {
  uv_poll_t poll;
  uv_prepare_t flush;          /* writes queued commands before the loop polls */
  redisAsyncContext *ac;       /* NULL once hiredis cleaned up */
  int events;                  /* what hiredis wants watched */
  int armed;                   /* what the poll handle watches now */
  int flushing;                /* inside our own redisAsyncHandleWrite */
  int open_handles;
} rds_ev_t;

static void ev_update(struct rds_ev *ev);

static void ev_on_poll(uv_poll_t *h, int status, int events) {
  rds_ev_t *ev = h->data;
  if (status < 0) {
    events = ev->events;
    ev->armed = 0;                               /* libuv stopped the poll */
  }
  if (ev->ac && (events & UV_READABLE)) redisAsyncHandleRead(ev->ac);
  if (ev->ac && (events & UV_WRITABLE)) redisAsyncHandleWrite(ev->ac);
  if (status < 0 && ev->ac) ev_update(ev);     /* resume it */
}

/* In libuv every uv_poll_start is an epoll_ctl DEL at once plus an ADD on the
** next poll, and uv_poll_stop a DEL: so the handle is touched only when the
** mask really changes. hiredis re-adds read interest after every read. */
static void ev_update(rds_ev_t *ev) {
  if (ev->events == ev->armed) return;
  ev->armed = ev->events;
  if (ev->events) uv_poll_start(&ev->poll, ev->events, ev_on_poll);
  else uv_poll_stop(&ev->poll);
}

/* The write side. hiredis asks for write interest every time a command is
** queued, then clears it once the buffer went out: watching for writable
** would cost two poll changes and an extra loop turn per command, while the
** socket almost always has room. So once connected a queued command only
** arms a uv_prepare, which runs at the loop's top level just before libuv
** polls: it writes everything queued in this loop turn (commands of many
** coroutines go out in one write) through hiredis's own redisAsyncHandleWrite,
** which tears the context down properly on a write error. Only output that
** did not fit (hiredis asks for write interest again while we flush) makes us
** watch for writable. Until connected, writable is how hiredis learns the
** connect finished, so then it is watched as asked. */
static void ev_on_flush(uv_prepare_t *h) {
  rds_ev_t *ev = h->data;
  uv_prepare_stop(&ev->flush);
  if (!ev->ac) return;
  ev->flushing = 1;
  redisAsyncHandleWrite(ev->ac);                 /* may free the context */
  ev->flushing = 0;
}

static void ev_add_write(void *p) {
  rds_ev_t *ev = p;
  if (!ev->flushing && ev->ac && (ev->ac->c.flags & REDIS_CONNECTED) && !(ev->events & UV_WRITABLE)) {
    uv_prepare_start(&ev->flush, ev_on_flush);  /* no syscall; idempotent */
    return;
  }
  ev->events |= UV_WRITABLE;
  ev_update(ev);
}

static void ev_del_write(void *p) {
  rds_ev_t *ev = p;
  ev->events &= ~UV_WRITABLE;
  ev_update(ev);
}

static void ev_add_read(void *p) { rds_ev_t *ev = p; ev->events |= UV_READABLE; ev_update(ev); }
static void ev_del_read(void *p) { rds_ev_t *ev = p; ev->events &= ~UV_READABLE; ev_update(ev); }

static void ev_on_close(uv_handle_t *h) {
  rds_ev_t *ev = h->data;
  if (--ev->open_handles == 0) free(ev);
}

/* Called by hiredis while it frees the context: the fd is closed right after,
** so the handles stop now; the memory goes when libuv is done with both. */
static void ev_cleanup(void *p) {
  rds_ev_t *ev = p;
  ev->ac = NULL;
  uv_close((uv_handle_t *)&ev->poll, ev_on_close);
  uv_close((uv_handle_t *)&ev->flush, ev_on_close);
}

int rds_uv_attach(redisAsyncContext *ac, uv_loop_t *loop) {
  rds_ev_t *ev = calloc(1, sizeof *ev);
  if (!ev) return -1;
  if (uv_poll_init(loop, &ev->poll, ac->c.fd) != 0) {
    free(ev);
    return -1;
  }
  uv_prepare_init(loop, &ev->flush);
  ev->open_handles = 2;
  /* An idle connection does not keep the loop alive; a request in flight
  ** does, through the deadline timer. */
  uv_unref((uv_handle_t *)&ev->poll);
  uv_unref((uv_handle_t *)&ev->flush);
  ev->poll.data = ev->flush.data = ev;
  ev->ac = ac;
  ac->ev.data = ev;
  ac->ev.addRead = ev_add_read;
  ac->ev.delRead = ev_del_read;
  ac->ev.addWrite = ev_add_write;
  ac->ev.delWrite = ev_del_write;
  ac->ev.cleanup = ev_cleanup;
  return 0;
}
