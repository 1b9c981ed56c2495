/*
** io/pg.c — the PostgreSQL pool: libpq's asynchronous API on libuv. See pg.h
** for the contract with callers.
**
** Every connection has one uv_poll on its socket and one uv_timer. The poll
** drives three states:
**
**   CONNECTING  PQconnectPoll asks for readable or writable; we wait for that.
**   IDLE        readable only: an idle socket that turns readable is either
**               a notice or the server going away (restart, network), and we
**               want to learn the latter before handing the connection out.
**   BUSY        one op in flight; readable → PQconsumeInput, collect results
**               while !PQisBusy; writable only while PQflush has output left.
**
** The timer is the connect deadline while CONNECTING and the op's deadline
** while BUSY. Ops that find no idle connection wait in a FIFO queue; one pool
** timer fires at the earliest deadline among them.
**
** A dead connection (state DEAD) is unlinked from the pool at once; its
** struct is freed when its handles have closed, unless a transaction still
** holds it checked out: then pg_release frees it. That way the Lua side never
** holds a dangling pointer, whatever breaks first.
**
** Idle connections do not keep the loop alive (their poll handle is unref'd):
** `guldasta run` ends when its work ends, and eng_close_pg tidies up.
*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "metrics.h"
#include "pg.h"

enum { C_CONNECTING, C_IDLE, C_BUSY, C_DEAD };
enum { W_NONE = 0, W_QUEUED = 1, W_FLIGHT = 2 };

struct pg_conn {
  pg_pool_t *pool;       /* NULL once dead and checked out (orphan) */
  PGconn *pc;
  uv_poll_t *poll;       /* separate allocation: the socket may change while connecting */
  uv_timer_t timer;
  int fd;
  int events;            /* events the poll watches now */
  int state;
  int want_write;        /* PQflush has output left */
  int checked_out;
  int in_use;            /* counted in pool->in_use */
  int handles;           /* libuv handles not yet closed */
  int ref;               /* poll handle keeps the loop alive */
  pg_op_t *op;           /* in flight */
  pg_conn_t *next, *prev;
};

struct pg_pool {
  uv_loop_t *loop;
  char *conninfo;
  int max;
  pg_conn_t *conns;      /* every live connection: connecting, idle, busy */
  int nconns, nconnecting, in_use;
  pg_op_t *whead, *wtail;
  int nwaiting;
  uv_timer_t wtimer;
  uint64_t wdue;         /* when wtimer fires; 0 = stopped */
  int up;
  int warned;            /* the current outage was logged at warn level */
  int closing;
  pg_stats_t pub;        /* what the gauges show now */
};

static void on_poll(uv_poll_t *h, int status, int events);
static void dispatch(pg_pool_t *p);

/* {========================================================================
** Small helpers
** =========================================================================*/

/* libpq messages span lines ("...failed: Connection refused\n\tIs the server
** running..."). Logs and Lua errors want one line: runs of whitespace become
** one space, the tail is trimmed. */
static void copy_msg(char *dst, const char *src) {
  size_t n = 0;
  int space = 0;
  if (!src) src = "";
  for (; *src && n < PG_ERRLEN - 1; src++) {
    if (isspace((unsigned char)*src)) { space = n > 0; continue; }
    if (space && n < PG_ERRLEN - 2) dst[n++] = ' ';
    space = 0;
    dst[n++] = *src;
  }
  dst[n] = '\0';
}

static void publish(pg_pool_t *p) {
  int size = p->closing ? 0 : p->nconns;
  int in_use = p->closing ? 0 : p->in_use;
  int waiting = p->closing ? 0 : p->nwaiting;
  if (size != p->pub.size) metrics_gauge_set("guldasta_pg_pool_size", NULL, p->pub.size = size);
  if (in_use != p->pub.in_use) metrics_gauge_set("guldasta_pg_pool_in_use", NULL, p->pub.in_use = in_use);
  if (waiting != p->pub.waiting) metrics_gauge_set("guldasta_pg_pool_waiting", NULL, p->pub.waiting = waiting);
  if (p->up != p->pub.up) metrics_gauge_set("guldasta_pg_up", NULL, p->pub.up = p->up);
}

/* The server can print NOTICEs ("relation already exists, skipping"); libpq
** would write them raw on stderr, in the middle of our JSON log lines. */
static void on_notice(void *arg, const char *message) {
  (void)arg;
  if (!log_enabled(LOG_DEBUG)) return;
  char msg[PG_ERRLEN];
  copy_msg(msg, message);
  log_write(LOG_DEBUG, "pg notice", "notice", msg, NULL);
}

/* Logs a lost or refused connection once per outage, not once per attempt:
** while the server is down every query tries to connect. */
static void set_down(pg_pool_t *p, const char *what, const char *msg) {
  log_write(p->warned ? LOG_DEBUG : LOG_WARN, what, "error", msg, NULL);
  p->warned = 1;
  p->up = 0;
}

static void set_up(pg_pool_t *p) {
  if (p->warned) log_write(LOG_INFO, "pg connected again", NULL);
  p->warned = 0;
  p->up = 1;
}

/* }======================================================================== */

/* {========================================================================
** The wait queue
** =========================================================================*/

static void on_wait_timer(uv_timer_t *t);

static void arm_wait_timer(pg_pool_t *p, uint64_t deadline) {
  if (p->wdue && p->wdue <= deadline) return;
  uint64_t now = uv_now(p->loop);
  p->wdue = deadline;
  uv_timer_start(&p->wtimer, on_wait_timer, deadline > now ? deadline - now : 0, 0);
}

static void enqueue(pg_pool_t *p, pg_op_t *op, int front) {
  op->where_ = W_QUEUED;
  if (front) {
    op->prev_ = NULL;
    op->next_ = p->whead;
    if (p->whead) p->whead->prev_ = op; else p->wtail = op;
    p->whead = op;
  } else {
    op->next_ = NULL;
    op->prev_ = p->wtail;
    if (p->wtail) p->wtail->next_ = op; else p->whead = op;
    p->wtail = op;
  }
  p->nwaiting++;
  arm_wait_timer(p, op->deadline_);
}

/* An armed timer would keep the loop alive for nothing: stop it once the
** queue is empty. */
static void dequeue(pg_pool_t *p, pg_op_t *op) {
  if (op->prev_) op->prev_->next_ = op->next_; else p->whead = op->next_;
  if (op->next_) op->next_->prev_ = op->prev_; else p->wtail = op->prev_;
  op->next_ = op->prev_ = NULL;
  op->where_ = W_NONE;
  if (--p->nwaiting == 0 && p->wdue) {
    uv_timer_stop(&p->wtimer);
    p->wdue = 0;
  }
}

static void fail_waiters(pg_pool_t *p, int status, const char *msg) {
  while (p->whead) {
    pg_op_t *op = p->whead;
    dequeue(p, op);
    op->status = status;
    copy_msg(op->err, msg);
    op->done(op);
  }
}

static void on_wait_timer(uv_timer_t *t) {
  pg_pool_t *p = t->data;
  uint64_t now = uv_now(p->loop), next = 0;
  p->wdue = 0;
  for (pg_op_t *op = p->whead, *nx; op; op = nx) {
    nx = op->next_;
    if (op->deadline_ <= now) {
      dequeue(p, op);
      op->status = PG_ETIMEOUT;
      snprintf(op->err, PG_ERRLEN, "timed out waiting for a free PostgreSQL connection");
      op->done(op);
    } else if (!next || op->deadline_ < next) {
      next = op->deadline_;
    }
  }
  if (next) arm_wait_timer(p, next);
  publish(p);
}

/* }======================================================================== */

/* {========================================================================
** Connections
** =========================================================================*/

static void conn_maybe_free(pg_conn_t *c) {
  if (c->state == C_DEAD && c->handles == 0 && !c->checked_out) free(c);
}

static void on_conn_handle_closed(uv_handle_t *h) {
  pg_conn_t *c = h->data;
  if (h != (uv_handle_t *)&c->timer) free(h);
  c->handles--;
  conn_maybe_free(c);
}

/* Makes the poll watch c's current socket for events. PQconnectPoll may
** switch sockets (next host or address, SSL retry): the old handle is closed
** before the new one is made, so libuv never sees two watchers for one fd. */
static int conn_watch(pg_conn_t *c, int events) {
  int fd = PQsocket(c->pc);
  if (fd < 0) return -1;
  if (c->poll && fd != c->fd) {
    uv_close((uv_handle_t *)c->poll, on_conn_handle_closed);
    c->poll = NULL;
  }
  if (!c->poll) {
    uv_poll_t *h = malloc(sizeof *h);
    if (!h) return -1;
    if (uv_poll_init(c->pool->loop, h, fd) != 0) {
      free(h);
      return -1;
    }
    h->data = c;
    c->poll = h;
    c->handles++;
    c->fd = fd;
    c->events = 0;
    c->ref = 1;
  }
  if (events != c->events) {
    if (uv_poll_start(c->poll, events, on_poll) != 0) return -1;
    c->events = events;
  }
  /* Only connections with work keep the loop running. */
  int want_ref = c->state != C_IDLE;
  if (want_ref != c->ref) {
    if (want_ref) uv_ref((uv_handle_t *)c->poll); else uv_unref((uv_handle_t *)c->poll);
    c->ref = want_ref;
  }
  return 0;
}

/* Unlinks c from its pool and closes it. A connection still checked out
** becomes an orphan that pg_release will free. The caller has taken c->op. */
static void conn_drop(pg_conn_t *c) {
  pg_pool_t *p = c->pool;
  if (c->state == C_DEAD) return;
  if (p) {
    if (c->prev) c->prev->next = c->next; else p->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    c->next = c->prev = NULL;
    p->nconns--;
    if (c->state == C_CONNECTING) p->nconnecting--;
    if (c->in_use) p->in_use--;
    c->in_use = 0;
    if (c->checked_out) c->pool = NULL;
  }
  c->state = C_DEAD;
  /* Close the poll before PQfinish closes the fd it watches. */
  if (c->poll) {
    uv_close((uv_handle_t *)c->poll, on_conn_handle_closed);
    c->poll = NULL;
  }
  uv_close((uv_handle_t *)&c->timer, on_conn_handle_closed);
  PQfinish(c->pc);
  c->pc = NULL;
}

static void on_conn_timer(uv_timer_t *t);

/* Starts a non-blocking connect. NULL with err filled when libpq refuses at
** once (bad conninfo, unix socket missing). Defaults come before the dbname
** entry so that anything in the URL overrides them. */
static pg_conn_t *conn_new(pg_pool_t *p, char *err) {
  static const char *const kw[] = {"fallback_application_name", "dbname", NULL};
  const char *val[] = {"guldasta", p->conninfo, NULL};
  PGconn *pc = PQconnectStartParams(kw, val, 1);
  if (!pc) {
    snprintf(err, PG_ERRLEN, "out of memory");
    return NULL;
  }
  if (PQstatus(pc) == CONNECTION_BAD) {
    copy_msg(err, PQerrorMessage(pc));
    PQfinish(pc);
    return NULL;
  }
  PQsetNoticeProcessor(pc, on_notice, NULL);
  pg_conn_t *c = calloc(1, sizeof *c);
  if (!c) abort();
  c->pool = p;
  c->pc = pc;
  c->fd = -1;
  c->state = C_CONNECTING;
  uv_timer_init(p->loop, &c->timer);
  c->timer.data = c;
  c->handles = 1;
  c->next = p->conns;
  if (p->conns) p->conns->prev = c;
  p->conns = c;
  p->nconns++;
  p->nconnecting++;
  /* libpq: act as if PQconnectPoll had last returned PGRES_POLLING_WRITING. */
  if (conn_watch(c, UV_WRITABLE) != 0) {
    snprintf(err, PG_ERRLEN, "cannot watch the PostgreSQL socket");
    conn_drop(c);
    return NULL;
  }
  uv_timer_start(&c->timer, on_conn_timer, PG_CONNECT_TIMEOUT_MS, 0);
  return c;
}

/* Opens connections for waiting ops, up to the pool's size. -1 with err when
** a connect failed at once. */
static int grow(pg_pool_t *p, char *err) {
  while (p->nconnecting < p->nwaiting && p->nconns < p->max) {
    if (!conn_new(p, err)) {
      set_down(p, "pg connect failed", err);
      return -1;
    }
  }
  return 0;
}

static void conn_connect_failed(pg_conn_t *c, const char *why) {
  pg_pool_t *p = c->pool;
  char err[PG_ERRLEN];
  copy_msg(err, why);
  conn_drop(c);
  set_down(p, "pg connect failed", err);
  /* With no connection left nobody would ever serve the waiters; trying
  ** again at once would spin while the server is down. Fail them: the next
  ** submit tries anew. */
  if (p->nconns == 0) fail_waiters(p, PG_EREFUSED, err);
  publish(p);
}

static void conn_ready(pg_conn_t *c) {
  pg_pool_t *p = c->pool;
  uv_timer_stop(&c->timer);
  p->nconnecting--;
  c->state = C_IDLE;
  if (PQsetnonblocking(c->pc, 1) != 0 || conn_watch(c, UV_READABLE) != 0) {
    p->nconnecting++;   /* conn_drop counts a CONNECTING one down again */
    c->state = C_CONNECTING;
    conn_connect_failed(c, "cannot set up the PostgreSQL connection");
    return;
  }
  set_up(p);
  dispatch(p);
}

static void conn_connect_step(pg_conn_t *c) {
  int events;
  switch (PQconnectPoll(c->pc)) {
  case PGRES_POLLING_OK: conn_ready(c); return;
  case PGRES_POLLING_FAILED: conn_connect_failed(c, PQerrorMessage(c->pc)); return;
  case PGRES_POLLING_READING: events = UV_READABLE; break;
  default: events = UV_WRITABLE; break;
  }
  if (conn_watch(c, events) != 0) conn_connect_failed(c, "cannot watch the PostgreSQL socket");
}

/* A connection that is gone. The caller has dealt with its op and calls
** dispatch afterwards (waiters may need a new connection). */
static void conn_lost(pg_conn_t *c, const char *why) {
  pg_pool_t *p = c->pool;
  char err[PG_ERRLEN];
  copy_msg(err, why);
  conn_drop(c);
  if (p) set_down(p, "pg connection lost", err);
}

/* Takes c's op off it: the op is over whatever happens next. */
static pg_op_t *conn_take_op(pg_conn_t *c) {
  pg_op_t *op = c->op;
  c->op = NULL;
  op->where_ = W_NONE;
  op->on_ = NULL;
  uv_timer_stop(&c->timer);
  return op;
}

/* The op in flight failed with the connection: it goes, the op is told. */
static void conn_fail_op(pg_conn_t *c, int status, const char *why) {
  pg_pool_t *p = c->pool;
  pg_op_t *op = conn_take_op(c);
  if (op->res) PQclear(op->res);
  op->res = NULL;
  op->status = status;
  copy_msg(op->err, why);
  if (status == PG_ECLOSED) {
    conn_lost(c, why);
  } else {
    /* A slow query is no outage: the server is up, only this connection
    ** has to go. */
    log_write(LOG_WARN, "pg connection closed", "error", op->err, NULL);
    conn_drop(c);
  }
  op->done(op);
  if (p) dispatch(p);
}

static int res_failed(const PGresult *r) {
  ExecStatusType st = PQresultStatus(r);
  return st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE || st == PGRES_NONFATAL_ERROR;
}

/* "duplicate key value violates unique constraint "x" (Key (id)=(1) already
** exists.)": the primary message and the detail, on one line. */
static void server_msg(pg_op_t *op) {
  const char *prim = PQresultErrorField(op->res, PG_DIAG_MESSAGE_PRIMARY);
  const char *detail = PQresultErrorField(op->res, PG_DIAG_MESSAGE_DETAIL);
  char tmp[PG_ERRLEN];
  if (!prim) {
    copy_msg(op->err, PQresultErrorMessage(op->res));
    return;
  }
  if (detail) snprintf(tmp, sizeof tmp, "%s (%s)", prim, detail);
  else snprintf(tmp, sizeof tmp, "%s", prim);
  copy_msg(op->err, tmp);
}

/* PQgetResult returned NULL: the op's statement(s) are done. */
static void conn_op_done(pg_conn_t *c) {
  pg_pool_t *p = c->pool;
  pg_op_t *op = conn_take_op(c);
  int bad = PQstatus(c->pc) == CONNECTION_BAD;
  if (!op->res) {
    op->status = PG_ECLOSED;
    copy_msg(op->err, bad ? PQerrorMessage(c->pc) : "no result from PostgreSQL");
    bad = 1;
  } else if (res_failed(op->res) && bad) {
    op->status = PG_ECLOSED;
    copy_msg(op->err, PQresultErrorMessage(op->res));
    PQclear(op->res);
    op->res = NULL;
  } else if (res_failed(op->res)) {
    op->status = PG_ESERVER;
    server_msg(op);
  } else {
    op->status = PG_OK;
  }
  if (bad) {
    conn_lost(c, op->err);
  } else {
    set_up(p);
    c->state = C_IDLE;
    if (c->in_use && !c->checked_out) {
      c->in_use = 0;
      p->in_use--;
    }
    if (conn_watch(c, UV_READABLE) != 0) conn_lost(c, "cannot watch the PostgreSQL socket");
  }
  op->done(op);
  if (p) dispatch(p);
}

/* Several statements (a migration file) give several results: keep the
** first error, else the last result. */
static void keep_result(pg_op_t *op, PGresult *r) {
  if (!op->res) {
    op->res = r;
  } else if (res_failed(op->res)) {
    PQclear(r);
  } else {
    PQclear(op->res);
    op->res = r;
  }
}

static void conn_busy_event(pg_conn_t *c, int events) {
  PGconn *pc = c->pc;
  if ((events & UV_READABLE) && !PQconsumeInput(pc)) {
    conn_fail_op(c, PG_ECLOSED, PQerrorMessage(pc));
    return;
  }
  if (c->want_write) {
    int r = PQflush(pc);
    if (r < 0) {
      conn_fail_op(c, PG_ECLOSED, PQerrorMessage(pc));
      return;
    }
    c->want_write = r;
    if (conn_watch(c, UV_READABLE | (r ? UV_WRITABLE : 0)) != 0) {
      conn_fail_op(c, PG_ECLOSED, "cannot watch the PostgreSQL socket");
      return;
    }
  }
  while (!PQisBusy(pc)) {
    PGresult *r = PQgetResult(pc);
    if (!r) {
      conn_op_done(c);
      return;
    }
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
      PQclear(r);
      conn_fail_op(c, PG_ESERVER, "COPY is not supported");
      return;
    }
    keep_result(c->op, r);
  }
}

/* An idle socket turned readable: a notice, or the server went away. */
static void conn_idle_event(pg_conn_t *c) {
  if (!PQconsumeInput(c->pc) || PQstatus(c->pc) == CONNECTION_BAD) {
    pg_pool_t *p = c->pool;
    conn_lost(c, PQerrorMessage(c->pc));
    if (p) {
      dispatch(p);
      publish(p);
    }
    return;
  }
  PGnotify *n;
  while ((n = PQnotifies(c->pc)) != NULL) PQfreemem(n);
}

/* libuv reports POLLERR (a refused connect, a reset) as status UV_EBADF and
** stops the handle. libpq knows better what went wrong, so we still let it
** look at the socket; if that does not end the connection, the error does. */
static void on_poll(uv_poll_t *h, int status, int events) {
  pg_conn_t *c = h->data;
  if (c->state == C_DEAD || h != c->poll) return;
  if (status < 0) {
    c->events = 0;
    events = UV_READABLE | UV_WRITABLE;
  }
  switch (c->state) {
  case C_CONNECTING: conn_connect_step(c); break;
  case C_IDLE: conn_idle_event(c); break;
  case C_BUSY: conn_busy_event(c, events); break;
  }
  if (status < 0 && c->state != C_DEAD && c->events == 0) {
    const char *why = uv_strerror(status);
    if (c->state == C_CONNECTING) conn_connect_failed(c, why);
    else if (c->state == C_BUSY) conn_fail_op(c, PG_ECLOSED, why);
    else {
      pg_pool_t *p = c->pool;
      conn_lost(c, why);
      if (p) dispatch(p);
    }
  }
}

static void on_conn_timer(uv_timer_t *t) {
  pg_conn_t *c = t->data;
  if (c->state == C_CONNECTING) {
    conn_connect_failed(c, "timed out connecting to PostgreSQL");
  } else if (c->state == C_BUSY) {
    pg_op_t *op = c->op;
    uint64_t ms = op->timeout_ms ? op->timeout_ms : PG_DEFAULT_TIMEOUT_MS;
    char why[96];
    snprintf(why, sizeof why, "PostgreSQL query timed out after %.3g s", (double)ms / 1000);
    /* The connection is closed with it: a late answer has nowhere to go. */
    conn_fail_op(c, PG_ETIMEOUT, why);
  }
}

/* Sends op on the idle connection c. -1 when libpq refused (the connection
** is broken; the caller drops it). */
static int conn_send(pg_conn_t *c, pg_op_t *op) {
  PGconn *pc = c->pc;
  int ok = op->kind == PG_SCRIPT
             ? PQsendQuery(pc, op->sql)
             : PQsendQueryParams(pc, op->sql, op->nparams, NULL, op->params, NULL, NULL, 0);
  if (!ok) return -1;
  int r = PQflush(pc);
  if (r < 0) return -1;
  c->want_write = r;
  c->state = C_BUSY;
  if (conn_watch(c, UV_READABLE | (r ? UV_WRITABLE : 0)) != 0) {
    c->state = C_IDLE;
    return -1;
  }
  c->op = op;
  op->on_ = c;
  op->where_ = W_FLIGHT;
  uint64_t now = uv_now(c->pool->loop);
  uv_timer_start(&c->timer, on_conn_timer, op->deadline_ > now ? op->deadline_ - now : 1, 0);
  if (!c->in_use) {
    c->in_use = 1;
    c->pool->in_use++;
  }
  return 0;
}

static void checkout(pg_conn_t *c, pg_op_t *op) {
  c->checked_out = 1;
  if (!c->in_use) {
    c->in_use = 1;
    c->pool->in_use++;
  }
  op->conn = c;
  op->status = PG_OK;
}

static pg_conn_t *find_idle(pg_pool_t *p) {
  for (pg_conn_t *c = p->conns; c; c = c->next)
    if (c->state == C_IDLE && !c->checked_out) return c;
  return NULL;
}

/* Hands idle connections to waiters in order, then opens more if waiters
** remain. Runs after anything that frees or loses a connection. */
static void dispatch(pg_pool_t *p) {
  if (p->closing) return;
  pg_conn_t *c;
  while (p->whead && (c = find_idle(p)) != NULL) {
    pg_op_t *op = p->whead;
    dequeue(p, op);
    if (op->kind == PG_ACQUIRE) {
      checkout(c, op);
      op->done(op);
    } else if (conn_send(c, op) != 0) {
      conn_lost(c, PQerrorMessage(c->pc));
      enqueue(p, op, 1);
    }
  }
  char err[PG_ERRLEN];
  if (p->whead && grow(p, err) < 0 && p->nconns == 0) fail_waiters(p, PG_EREFUSED, err);
  publish(p);
}

/* }======================================================================== */

/* {========================================================================
** Public API
** =========================================================================*/

pg_pool_t *pg_pool_new(uv_loop_t *loop, const char *conninfo, int max_size) {
  pg_pool_t *p = calloc(1, sizeof *p);
  if (!p) abort();
  p->loop = loop;
  p->conninfo = strdup(conninfo ? conninfo : "");
  if (!p->conninfo) abort();
  p->max = max_size > 0 ? max_size : PG_DEFAULT_POOL_SIZE;
  uv_timer_init(loop, &p->wtimer);
  p->wtimer.data = p;
  p->pub.size = p->pub.in_use = p->pub.waiting = p->pub.up = -1;
  metrics_help("guldasta_pg_pool_size", "gauge", "PostgreSQL connections open or opening");
  metrics_help("guldasta_pg_pool_in_use", "gauge", "PostgreSQL connections running a query or held by a transaction");
  metrics_help("guldasta_pg_pool_waiting", "gauge", "Queries waiting for a free PostgreSQL connection");
  metrics_help("guldasta_pg_up", "gauge", "1 when the last PostgreSQL connect or query succeeded");
  publish(p);
  return p;
}

static void on_pool_closed(uv_handle_t *h) {
  pg_pool_t *p = h->data;
  free(p->conninfo);
  free(p);
}

void pg_pool_close(pg_pool_t *p) {
  if (!p || p->closing) return;
  p->closing = 1;
  fail_waiters(p, PG_ECLOSED, "the PostgreSQL pool is closed");
  while (p->conns) {
    pg_conn_t *c = p->conns;
    pg_op_t *op = c->op ? conn_take_op(c) : NULL;
    conn_drop(c);
    if (op) {
      if (op->res) PQclear(op->res);
      op->res = NULL;
      op->status = PG_ECLOSED;
      snprintf(op->err, PG_ERRLEN, "the PostgreSQL pool is closed");
      op->done(op);
    }
  }
  p->up = 0;
  publish(p);
  uv_close((uv_handle_t *)&p->wtimer, on_pool_closed);
}

void pg_pool_stats(pg_pool_t *p, pg_stats_t *st) {
  st->size = p->nconns;
  st->max = p->max;
  st->in_use = p->in_use;
  st->waiting = p->nwaiting;
  st->up = p->up;
}

void pg_op_init(pg_op_t *op, int kind) {
  memset(op, 0, sizeof *op);
  op->kind = kind;
  op->status = PG_PENDING;
}

static void op_start(pg_op_t *op, uv_loop_t *loop) {
  op->status = PG_PENDING;
  op->res = NULL;
  op->conn = NULL;
  op->err[0] = '\0';
  op->deadline_ = uv_now(loop) + (op->timeout_ms ? op->timeout_ms : PG_DEFAULT_TIMEOUT_MS);
}

static int finish_now(pg_op_t *op, int status, const char *msg) {
  op->status = status;
  copy_msg(op->err, msg);
  return 1;
}

int pg_submit(pg_pool_t *p, pg_op_t *op) {
  op_start(op, p->loop);
  op->pool_ = p;
  if (p->closing) return finish_now(op, PG_ECLOSED, "the PostgreSQL pool is closed");
  pg_conn_t *c;
  /* Idle connections exist only while nobody waits: no queue jumping. */
  while (!p->whead && (c = find_idle(p)) != NULL) {
    if (op->kind == PG_ACQUIRE) {
      checkout(c, op);
      publish(p);
      return 1;
    }
    if (conn_send(c, op) == 0) {
      publish(p);
      return 0;
    }
    conn_lost(c, PQerrorMessage(c->pc));
  }
  enqueue(p, op, 0);
  char err[PG_ERRLEN];
  if (grow(p, err) < 0 && p->nconns == 0) {
    /* Nothing else can be waiting with no connection at all. */
    dequeue(p, op);
    publish(p);
    return finish_now(op, PG_EREFUSED, err);
  }
  publish(p);
  return 0;
}

int pg_submit_on(pg_conn_t *c, pg_op_t *op) {
  if (c->state == C_DEAD || !c->pool) {
    op->status = PG_ECLOSED;
    snprintf(op->err, PG_ERRLEN, "the PostgreSQL connection was lost");
    return 1;
  }
  pg_pool_t *p = c->pool;
  op_start(op, p->loop);
  op->pool_ = p;
  if (c->op || c->state != C_IDLE)
    return finish_now(op, PG_EBUSY, "the transaction's connection is already running a query");
  if (conn_send(c, op) != 0) {
    finish_now(op, PG_ECLOSED, PQerrorMessage(c->pc));
    conn_lost(c, op->err);
    dispatch(p);
    return 1;
  }
  return 0;
}

void pg_release(pg_conn_t *c) {
  if (!c->checked_out) return;
  c->checked_out = 0;
  if (c->state == C_DEAD) {
    conn_maybe_free(c);
    return;
  }
  pg_pool_t *p = c->pool;
  if (c->op) {
    /* Its owner is gone (a collected transaction): nobody wants the answer. */
    pg_op_t *op = conn_take_op(c);
    op->status = PG_ECLOSED;
    conn_drop(c);
  } else if (PQtransactionStatus(c->pc) != PQTRANS_IDLE) {
    /* Left inside a transaction (a killed unit of work): closing the
    ** connection is the rollback that cannot fail. */
    conn_drop(c);
  } else if (c->in_use) {
    c->in_use = 0;
    p->in_use--;
  }
  dispatch(p);
}

PGTransactionStatusType pg_conn_tx_status(pg_conn_t *c) {
  if (c->state == C_DEAD || !c->pc) return PQTRANS_UNKNOWN;
  return PQtransactionStatus(c->pc);
}

void pg_op_abandon(pg_op_t *op) {
  if (op->where_ == W_QUEUED) {
    dequeue(op->pool_, op);
    publish(op->pool_);
  } else if (op->where_ == W_FLIGHT) {
    pg_conn_t *c = op->on_;
    pg_pool_t *p = c->pool;
    conn_take_op(c);
    conn_drop(c);
    if (p) dispatch(p);
  }
  op->where_ = W_NONE;
}

const char *pg_op_code(const pg_op_t *op) {
  switch (op->status) {
  case PG_OK: return NULL;
  case PG_ESERVER: {
    const char *s = op->res ? PQresultErrorField(op->res, PG_DIAG_SQLSTATE) : NULL;
    return s ? s : "error";
  }
  case PG_ETIMEOUT: return "timeout";
  case PG_ECLOSED: return "closed";
  case PG_EREFUSED: return "refused";
  case PG_EBUSY: return "busy";
  default: return "error";
  }
}

/* }======================================================================== */

/* {========================================================================
** Text format helpers
** =========================================================================*/

unsigned pg_array_elem_oid(unsigned oid) {
  switch (oid) {
  case 1000: return PG_OID_BOOL;
  case 1005: return PG_OID_INT2;
  case 1007: return PG_OID_INT4;
  case 1016: return PG_OID_INT8;
  case 1028: return PG_OID_OID;
  case 1231: return PG_OID_NUMERIC;
  case 1021: return PG_OID_FLOAT4;
  case 1022: return PG_OID_FLOAT8;
  case 1009: return PG_OID_TEXT;
  case 1014: return PG_OID_BPCHAR;
  case 1015: return PG_OID_VARCHAR;
  case 199: return PG_OID_JSON;
  case 3807: return PG_OID_JSONB;
  default: return 0;
  }
}

int pg_text_to_int64(const char *s, size_t len, int64_t *out) {
  size_t i = 0;
  int neg = 0;
  if (i < len && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  if (i == len || s[i] < '0' || s[i] > '9') return 0;
  uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, v = 0;
  for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
    unsigned d = (unsigned)(s[i] - '0');
    if (v > (limit - d) / 10) return 0;
    v = v * 10 + d;
  }
  if (i < len && s[i] == '.')
    for (i++; i < len && s[i] == '0'; i++) {}
  if (i != len) return 0;
  if (!neg) *out = (int64_t)v;
  else if (v == (uint64_t)INT64_MAX + 1) *out = INT64_MIN;
  else *out = -(int64_t)v;
  return 1;
}

typedef struct {
  const char *s;
  size_t len, i;
  char delim;
  char *scratch;
  const pg_array_cb *cb;
  void *ud;
} arr_parser;

#define PG_ARRAY_MAX_DEPTH 32

static void arr_skip_ws(arr_parser *a) {
  while (a->i < a->len && isspace((unsigned char)a->s[a->i])) a->i++;
}

/* One element, quoted or not. Backslash escapes the next character in both
** forms; only an unquoted, unescaped NULL (any case) is SQL NULL. */
static int arr_elem(arr_parser *a) {
  size_t n = 0;
  if (a->s[a->i] == '"') {
    for (a->i++;; a->i++) {
      if (a->i >= a->len) return -1;
      char ch = a->s[a->i];
      if (ch == '"') break;
      if (ch == '\\') {
        if (++a->i >= a->len) return -1;
        ch = a->s[a->i];
      }
      a->scratch[n++] = ch;
    }
    a->i++;
    a->scratch[n] = '\0';
    return a->cb->elem(a->ud, a->scratch, n, 0) ? -1 : 0;
  }
  size_t keep = 0;      /* length without trailing unescaped whitespace */
  int escaped = 0;
  for (; a->i < a->len; a->i++) {
    char ch = a->s[a->i];
    if (ch == a->delim || ch == '}') break;
    if (ch == '{' || ch == '"') return -1;
    if (ch == '\\') {
      if (++a->i >= a->len) return -1;
      a->scratch[n++] = a->s[a->i];
      keep = n;
      escaped = 1;
      continue;
    }
    a->scratch[n++] = ch;
    if (!isspace((unsigned char)ch)) keep = n;
  }
  a->scratch[keep] = '\0';
  int is_null = !escaped && keep == 4 && strncasecmp(a->scratch, "NULL", 4) == 0;
  return a->cb->elem(a->ud, a->scratch, keep, is_null) ? -1 : 0;
}

static int arr_array(arr_parser *a, int depth) {
  if (depth > PG_ARRAY_MAX_DEPTH || a->i >= a->len || a->s[a->i] != '{') return -1;
  a->i++;
  if (a->cb->open(a->ud)) return -1;
  arr_skip_ws(a);
  if (a->i < a->len && a->s[a->i] == '}') {
    a->i++;
    return a->cb->close(a->ud) ? -1 : 0;
  }
  for (;;) {
    arr_skip_ws(a);
    if (a->i >= a->len) return -1;
    if (a->s[a->i] == '{') {
      if (arr_array(a, depth + 1)) return -1;
    } else if (arr_elem(a)) {
      return -1;
    }
    arr_skip_ws(a);
    if (a->i >= a->len) return -1;
    if (a->s[a->i] == a->delim) {
      a->i++;
      continue;
    }
    if (a->s[a->i] != '}') return -1;
    a->i++;
    return a->cb->close(a->ud) ? -1 : 0;
  }
}

int pg_array_parse(const char *s, size_t len, char delim, char *scratch,
                   const pg_array_cb *cb, void *ud) {
  arr_parser a = {s, len, 0, delim, scratch, cb, ud};
  /* Non-default bounds come first: "[0:2]={1,2,3}". Lua arrays start at 1
  ** whatever the bounds. */
  if (len && s[0] == '[') {
    const char *eq = memchr(s, '=', len);
    if (!eq) return -1;
    a.i = (size_t)(eq - s) + 1;
  }
  arr_skip_ws(&a);
  if (arr_array(&a, 1)) return -1;
  arr_skip_ws(&a);
  return a.i == len ? 0 : -1;
}

/* }======================================================================== */
