/*
** io/pg.c — the PostgreSQL pool: which op runs on which connection. See
** pg.h for the contract with callers; io/pg_conn.c runs one connection.
**
** Ops that find no idle connection wait in a FIFO queue; one pool timer
** fires at the earliest deadline among them. pg__dispatch hands connections
** that turn idle to waiters in order and opens new ones (up to max) while
** ops wait. Every change of size, use or queue length is published as
** gauges on /metrics.
*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics.h"
#include "pg_int.h"

/* {========================================================================
** Small helpers
** =========================================================================*/

/* libpq messages span lines ("...failed: Connection refused\n\tIs the server
** running..."). Logs and Lua errors want one line: runs of whitespace become
** one space, the tail is trimmed. */
void pg__copy_msg(char *dst, const char *src) {
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

void pg__publish(pg_pool_t *p) {
  int size = p->closing ? 0 : p->nconns;
  int in_use = p->closing ? 0 : p->in_use;
  int waiting = p->closing ? 0 : p->nwaiting;
  if (size != p->pub.size) metrics_gauge_set("guldasta_pg_pool_size", NULL, p->pub.size = size);
  if (in_use != p->pub.in_use) metrics_gauge_set("guldasta_pg_pool_in_use", NULL, p->pub.in_use = in_use);
  if (waiting != p->pub.waiting) metrics_gauge_set("guldasta_pg_pool_waiting", NULL, p->pub.waiting = waiting);
  if (p->up != p->pub.up) metrics_gauge_set("guldasta_pg_up", NULL, p->pub.up = p->up);
}

/* Logs a lost or refused connection once per outage, not once per attempt:
** while the server is down every query tries to connect. */
void pg__set_down(pg_pool_t *p, const char *what, const char *msg) {
  log_write(p->warned ? LOG_DEBUG : LOG_WARN, what, "error", msg, NULL);
  p->warned = 1;
  p->up = 0;
}

void pg__set_up(pg_pool_t *p) {
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

void pg__fail_waiters(pg_pool_t *p, int status, const char *msg) {
  while (p->whead) {
    pg_op_t *op = p->whead;
    dequeue(p, op);
    op->status = status;
    pg__copy_msg(op->err, msg);
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
  pg__publish(p);
}

/* }======================================================================== */

/* {========================================================================
** Dispatch
** =========================================================================*/

/* Opens connections for waiting ops, up to the pool's size. -1 with err when
** a connect failed at once. */
static int grow(pg_pool_t *p, char *err) {
  while (p->nconnecting < p->nwaiting && p->nconns < p->max) {
    if (!pg__conn_new(p, err)) {
      pg__set_down(p, "pg connect failed", err);
      return -1;
    }
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
void pg__dispatch(pg_pool_t *p) {
  if (p->closing) return;
  pg_conn_t *c;
  while (p->whead && (c = find_idle(p)) != NULL) {
    pg_op_t *op = p->whead;
    dequeue(p, op);
    if (op->kind == PG_ACQUIRE) {
      checkout(c, op);
      op->done(op);
    } else if (pg__conn_send(c, op) != 0) {
      pg__conn_lost(c, PQerrorMessage(c->pc));
      enqueue(p, op, 1);
    }
  }
  char err[PG_ERRLEN];
  if (p->whead && grow(p, err) < 0 && p->nconns == 0) pg__fail_waiters(p, PG_EREFUSED, err);
  pg__publish(p);
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
  pg__publish(p);
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
  pg__fail_waiters(p, PG_ECLOSED, "the PostgreSQL pool is closed");
  while (p->conns) {
    pg_conn_t *c = p->conns;
    pg_op_t *op = c->op ? pg__conn_take_op(c) : NULL;
    pg__conn_drop(c);
    if (op) {
      if (op->res) PQclear(op->res);
      op->res = NULL;
      op->status = PG_ECLOSED;
      snprintf(op->err, PG_ERRLEN, "the PostgreSQL pool is closed");
      op->done(op);
    }
  }
  p->up = 0;
  pg__publish(p);
  uv_close((uv_handle_t *)&p->wtimer, on_pool_closed);
}

void pg_pool_stats(pg_pool_t *p, pg_stats_t *st) {
  st->size = p->nconns;
  st->max = p->max;
  st->in_use = p->in_use;
  st->waiting = p->nwaiting;
  st->up = p->up;
  st->prepared = p->nprepared;
  st->reused = p->nreused;
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
  pg__copy_msg(op->err, msg);
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
      pg__publish(p);
      return 1;
    }
    if (pg__conn_send(c, op) == 0) {
      pg__publish(p);
      return 0;
    }
    pg__conn_lost(c, PQerrorMessage(c->pc));
  }
  enqueue(p, op, 0);
  char err[PG_ERRLEN];
  if (grow(p, err) < 0 && p->nconns == 0) {
    /* Nothing else can be waiting with no connection at all. */
    dequeue(p, op);
    pg__publish(p);
    return finish_now(op, PG_EREFUSED, err);
  }
  pg__publish(p);
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
  if (pg__conn_send(c, op) != 0) {
    finish_now(op, PG_ECLOSED, PQerrorMessage(c->pc));
    pg__conn_lost(c, op->err);
    pg__dispatch(p);
    return 1;
  }
  return 0;
}

void pg_release(pg_conn_t *c) {
  if (!c->checked_out) return;
  c->checked_out = 0;
  if (c->state == C_DEAD) {
    pg__conn_maybe_free(c);
    return;
  }
  pg_pool_t *p = c->pool;
  if (c->op) {
    /* Its owner is gone (a collected transaction): nobody wants the answer. */
    pg_op_t *op = pg__conn_take_op(c);
    op->status = PG_ECLOSED;
    pg__conn_drop(c);
  } else if (PQtransactionStatus(c->pc) != PQTRANS_IDLE) {
    /* Left inside a transaction (a killed unit of work): closing the
    ** connection is the rollback that cannot fail. */
    pg__conn_drop(c);
  } else if (c->in_use) {
    c->in_use = 0;
    p->in_use--;
  }
  pg__dispatch(p);
}

PGTransactionStatusType pg_conn_tx_status(pg_conn_t *c) {
  if (c->state == C_DEAD || !c->pc) return PQTRANS_UNKNOWN;
  return PQtransactionStatus(c->pc);
}

void pg_op_abandon(pg_op_t *op) {
  if (op->where_ == W_QUEUED) {
    dequeue(op->pool_, op);
    pg__publish(op->pool_);
  } else if (op->where_ == W_FLIGHT) {
    pg_conn_t *c = op->on_;
    pg_pool_t *p = c->pool;
    pg__conn_take_op(c);
    pg__conn_drop(c);
    if (p) pg__dispatch(p);
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
