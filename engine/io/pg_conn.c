/*
** io/pg_conn.c — one PostgreSQL connection: libpq's asynchronous API on a
** uv_poll, and the statements it runs. The pool (io/pg.c) decides which op
** goes where; this file gets it to the server and the answer back.
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
** while BUSY (one deadline for all the steps of an op, see below).
**
** A dead connection (state DEAD) is unlinked from the pool at once; its
** struct is freed when its handles have closed, unless a transaction still
** holds it checked out: then pg_release frees it. That way the Lua side never
** holds a dangling pointer, whatever breaks first.
**
** Idle connections do not keep the loop alive (their poll handle is unref'd):
** `guldasta run` ends when its work ends, and eng_close_pg tidies up.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pg_int.h"

static void on_poll(uv_poll_t *h, int status, int events);
static void on_conn_timer(uv_timer_t *t);

/* The server can print NOTICEs ("relation already exists, skipping"); libpq
** would write them raw on stderr, in the middle of our JSON log lines. */
static void on_notice(void *arg, const char *message) {
  (void)arg;
  if (!log_enabled(LOG_DEBUG)) return;
  char msg[PG_ERRLEN];
  pg__copy_msg(msg, message);
  log_write(LOG_DEBUG, "pg notice", "notice", msg, NULL);
}

/* {========================================================================
** Lifetime: open, watch, drop
** =========================================================================*/

void pg__conn_maybe_free(pg_conn_t *c) {
  if (c->state == C_DEAD && c->handles == 0 && !c->checked_out) free(c);
}

static void on_conn_handle_closed(uv_handle_t *h) {
  pg_conn_t *c = h->data;
  if (h != (uv_handle_t *)&c->timer) free(h);
  c->handles--;
  pg__conn_maybe_free(c);
}

/* Makes the poll watch c's current socket for events. PQconnectPoll may
** switch sockets (next host or address, SSL retry): the old handle is closed
** before the new one is made, so libuv never sees two watchers for one fd.
** Called once or twice per query: when nothing changes it costs no syscall. */
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
void pg__conn_drop(pg_conn_t *c) {
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
  c->stmt = NULL;
  pg_stmt_reset(&c->stmts);   /* the session that held them is gone */
}

/* Starts a non-blocking connect. NULL with err filled when libpq refuses at
** once (bad conninfo, unix socket missing). Defaults come before the dbname
** entry so that anything in the URL overrides them. */
pg_conn_t *pg__conn_new(pg_pool_t *p, char *err) {
  static const char *const kw[] = {"fallback_application_name", "dbname", NULL};
  const char *val[] = {"guldasta", p->conninfo, NULL};
  PGconn *pc = PQconnectStartParams(kw, val, 1);
  if (!pc) {
    snprintf(err, PG_ERRLEN, "out of memory");
    return NULL;
  }
  if (PQstatus(pc) == CONNECTION_BAD) {
    pg__copy_msg(err, PQerrorMessage(pc));
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
    pg__conn_drop(c);
    return NULL;
  }
  uv_timer_start(&c->timer, on_conn_timer, PG_CONNECT_TIMEOUT_MS, 0);
  return c;
}

static void conn_connect_failed(pg_conn_t *c, const char *why) {
  pg_pool_t *p = c->pool;
  char err[PG_ERRLEN];
  pg__copy_msg(err, why);
  pg__conn_drop(c);
  pg__set_down(p, "pg connect failed", err);
  /* With no connection left nobody would ever serve the waiters; trying
  ** again at once would spin while the server is down. Fail them: the next
  ** submit tries anew. */
  if (p->nconns == 0) pg__fail_waiters(p, PG_EREFUSED, err);
  pg__publish(p);
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
  pg__set_up(p);
  pg__dispatch(p);
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
void pg__conn_lost(pg_conn_t *c, const char *why) {
  pg_pool_t *p = c->pool;
  char err[PG_ERRLEN];
  pg__copy_msg(err, why);
  pg__conn_drop(c);
  if (p) pg__set_down(p, "pg connection lost", err);
}

/* Takes c's op off it: the op is over whatever happens next. */
pg_op_t *pg__conn_take_op(pg_conn_t *c) {
  pg_op_t *op = c->op;
  c->op = NULL;
  c->stmt = NULL;
  op->where_ = W_NONE;
  op->on_ = NULL;
  uv_timer_stop(&c->timer);
  return op;
}

/* The op in flight failed with the connection: it goes, the op is told. */
static void conn_fail_op(pg_conn_t *c, int status, const char *why) {
  pg_pool_t *p = c->pool;
  pg_op_t *op = pg__conn_take_op(c);
  if (op->res) PQclear(op->res);
  op->res = NULL;
  op->status = status;
  pg__copy_msg(op->err, why);
  if (status == PG_ECLOSED) {
    pg__conn_lost(c, why);
  } else {
    /* A slow query is no outage: the server is up, only this connection
    ** has to go. */
    log_write(LOG_WARN, "pg connection closed", "error", op->err, NULL);
    pg__conn_drop(c);
  }
  op->done(op);
  if (p) pg__dispatch(p);
}

/* }======================================================================== */

/* {========================================================================
** Statements: prepared once per connection, then run by name
** =========================================================================*/

/* An op reaches the server in one or more steps, one round trip each. A
** PG_QUERY whose SQL this connection has run before is one S_EXEC (the
** usual case: no parse, no plan on the server); a new one is S_PREPARE then
** S_EXEC. Why not pipeline mode, which would send both in one round trip:
** the extra round trip is paid once per connection and SQL text, while
** pipeline mode would add sync and aborted-pipeline results to every
** result stream, forbid PQsendQuery (exec_script) until we left it again,
** and be one more state for every error path to restore. A step number is
** the smaller machine. */
enum {
  S_SCRIPT,    /* PQsendQuery: exec_script (several statements, never prepared) */
  S_PLAIN,     /* PQsendQueryParams: no parameters, cache full, or the retry */
  S_DEALLOC,   /* DEALLOCATE ALL: the cache is full of forgotten statements */
  S_PREPARE,   /* PQsendPrepare of SQL new to this connection */
  S_EXEC,      /* PQsendQueryPrepared */
};

/* The first step of op on c. Only SQL with parameters is prepared: that
** is the kind a script runs again and again with other values. SQL without
** them is mostly BEGIN/COMMIT, DDL and one-off admin statements, where a
** prepare costs a round trip and the next schema change throws it away.
** DEALLOCATE ALL waits for a moment outside a transaction: inside one, a
** failed statement would make it fail too. */
static int first_step(pg_conn_t *c, pg_op_t *op) {
  if (op->kind == PG_SCRIPT) return S_SCRIPT;
  if (op->nparams == 0) return S_PLAIN;
  if ((c->stmt = pg_stmt_find(&c->stmts, op->sql)) != NULL) {
    c->pool->nreused++;
    return S_EXEC;
  }
  if (!pg_stmt_full(&c->stmts)) return S_PREPARE;
  if (c->stmts.stale && PQtransactionStatus(c->pc) == PQTRANS_IDLE) return S_DEALLOC;
  return S_PLAIN;
}

/* No parameter types, exactly like PQsendQueryParams with NULL types: the
** server infers the same types from the SQL and reports the same errors
** (more parameters than $n in the SQL fail at Bind either way). */
static int send_prepare(pg_conn_t *c, pg_op_t *op) {
  char name[PG_STMT_NAMELEN];
  pg_stmt_name(c->stmts.next_id, name);
  return PQsendPrepare(c->pc, name, op->sql, 0, NULL);
}

/* Sends one step of op. 0, or -1 when libpq refused (a broken connection). */
static int send_step(pg_conn_t *c, pg_op_t *op, int step) {
  PGconn *pc = c->pc;
  int ok;
  c->step = step;
  switch (step) {
  case S_SCRIPT: ok = PQsendQuery(pc, op->sql); break;
  case S_DEALLOC: ok = PQsendQuery(pc, "DEALLOCATE ALL"); break;
  case S_PREPARE: ok = send_prepare(c, op); break;
  case S_EXEC: ok = PQsendQueryPrepared(pc, c->stmt->name, op->nparams, op->params, NULL, NULL, 0); break;
  default: ok = PQsendQueryParams(pc, op->sql, op->nparams, NULL, op->params, NULL, NULL, 0); break;
  }
  if (!ok) return -1;
  /* PQsend* has already tried to write everything; PQflush only tells us
  ** (without a syscall when nothing is left) whether to wait for writable. */
  int r = PQflush(pc);
  if (r < 0) return -1;
  c->want_write = r;
  return 0;
}

static int res_failed(const PGresult *r) {
  ExecStatusType st = PQresultStatus(r);
  return st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE || st == PGRES_NONFATAL_ERROR;
}

/* "cached plan must not change result type": a table under the statement
** changed (a migration, an ALTER on another connection). "prepared
** statement does not exist": someone ran DEALLOCATE or DISCARD. Either way
** the server refused at Bind, before running anything. 0A000 is also plain
** "feature not supported", so the function that raised it decides. */
static int stale_plan(const PGresult *r) {
  const char *code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  if (!code) return 0;
  if (strcmp(code, "26000") == 0) return 1;
  const char *fn = PQresultErrorField(r, PG_DIAG_SOURCE_FUNCTION);
  return strcmp(code, "0A000") == 0 && (!fn || strcmp(fn, "RevalidateCachedQuery") == 0);
}

static void drop_res(pg_op_t *op) {
  PQclear(op->res);
  op->res = NULL;
}

/* The step's results are in. Returns the next step, or -1 when the op is
** over (op->res holds its answer). */
static int next_step(pg_conn_t *c, pg_op_t *op) {
  switch (c->step) {
  case S_DEALLOC:
    /* Whatever it said, our names are never reused: start counting anew. */
    pg_stmt_reset(&c->stmts);
    drop_res(op);
    return S_PREPARE;
  case S_PREPARE:
    /* A failed prepare is the statement's own error (syntax, unknown
    ** column), found where PQsendQueryParams would have found it. */
    if (res_failed(op->res)) return -1;
    c->stmt = pg_stmt_add(&c->stmts, op->sql);
    c->pool->nprepared++;
    drop_res(op);
    return S_EXEC;
  case S_EXEC:
    if (!res_failed(op->res) || !stale_plan(op->res)) return -1;
    pg_stmt_forget(&c->stmts, c->stmt);
    c->stmt = NULL;
    /* Outside a transaction nothing ran: run the SQL once unprepared (the
    ** next run prepares it again). Inside one, the error has aborted the
    ** transaction; the caller sees it, and its retry finds no stale plan. */
    if (PQtransactionStatus(c->pc) != PQTRANS_IDLE) return -1;
    drop_res(op);
    return S_PLAIN;
  default:
    return -1;
  }
}

/* Statements prepared before a schema change may no longer fit it: forget
** them all after DDL on this connection (the retry above covers DDL on
** others). A transaction that changed the schema and then rolled back
** changes it again, so its end forgets once more. Scripts are migrations:
** always DDL. After DEALLOCATE ALL or DISCARD ALL the server holds none.
** Runs after every op: the first letter of the command tag rules out
** SELECT, INSERT, UPDATE and the like without a string compare. */
static void note_schema_change(pg_conn_t *c, pg_op_t *op) {
  const char *tag = op->res && op->status == PG_OK ? PQcmdStatus(op->res) : "";
  int ddl = 0;
  switch (tag[0]) {
  case 'A': ddl = strncmp(tag, "ALTER", 5) == 0; break;
  case 'C': ddl = strncmp(tag, "CREATE", 6) == 0; break;
  case 'D':
    if (strcmp(tag, "DEALLOCATE ALL") == 0 || strcmp(tag, "DISCARD ALL") == 0) {
      pg_stmt_reset(&c->stmts);
      return;
    }
    ddl = strncmp(tag, "DROP", 4) == 0 || strcmp(tag, "DEALLOCATE") == 0;
    break;
  }
  int in_tx = PQtransactionStatus(c->pc) != PQTRANS_IDLE;
  if (ddl || op->kind == PG_SCRIPT) {
    pg_stmt_forget_all(&c->stmts);
    c->ddl_in_tx = in_tx;
  } else if (c->ddl_in_tx && !in_tx) {
    pg_stmt_forget_all(&c->stmts);
    c->ddl_in_tx = 0;
  }
}

/* }======================================================================== */

/* {========================================================================
** Running an op
** =========================================================================*/

/* "duplicate key value violates unique constraint "x" (Key (id)=(1) already
** exists.)": the primary message and the detail, on one line. */
static void server_msg(pg_op_t *op) {
  const char *prim = PQresultErrorField(op->res, PG_DIAG_MESSAGE_PRIMARY);
  const char *detail = PQresultErrorField(op->res, PG_DIAG_MESSAGE_DETAIL);
  char tmp[PG_ERRLEN];
  if (!prim) {
    pg__copy_msg(op->err, PQresultErrorMessage(op->res));
    return;
  }
  if (detail) snprintf(tmp, sizeof tmp, "%s (%s)", prim, detail);
  else snprintf(tmp, sizeof tmp, "%s", prim);
  pg__copy_msg(op->err, tmp);
}

/* PQgetResult returned NULL: the op's last step is done. */
static void conn_op_done(pg_conn_t *c) {
  pg_pool_t *p = c->pool;
  pg_op_t *op = pg__conn_take_op(c);
  int bad = PQstatus(c->pc) == CONNECTION_BAD;
  if (!op->res) {
    op->status = PG_ECLOSED;
    pg__copy_msg(op->err, bad ? PQerrorMessage(c->pc) : "no result from PostgreSQL");
    bad = 1;
  } else if (res_failed(op->res) && bad) {
    op->status = PG_ECLOSED;
    pg__copy_msg(op->err, PQresultErrorMessage(op->res));
    drop_res(op);
  } else if (res_failed(op->res)) {
    op->status = PG_ESERVER;
    server_msg(op);
  } else {
    op->status = PG_OK;
  }
  if (bad) {
    pg__conn_lost(c, op->err);
  } else {
    note_schema_change(c, op);
    pg__set_up(p);
    c->state = C_IDLE;
    if (c->in_use && !c->checked_out) {
      c->in_use = 0;
      p->in_use--;
    }
    if (conn_watch(c, UV_READABLE) != 0) pg__conn_lost(c, "cannot watch the PostgreSQL socket");
  }
  op->done(op);
  if (p) pg__dispatch(p);
}

/* PQgetResult returned NULL: this step is done. Go on with the next one on
** the same connection, or finish the op. */
static void conn_step_done(pg_conn_t *c) {
  pg_op_t *op = c->op;
  int next = -1;
  if (op->res && PQstatus(c->pc) != CONNECTION_BAD) next = next_step(c, op);
  if (next < 0) {
    conn_op_done(c);
  } else if (send_step(c, op, next) != 0 ||
             conn_watch(c, UV_READABLE | (c->want_write ? UV_WRITABLE : 0)) != 0) {
    conn_fail_op(c, PG_ECLOSED, PQerrorMessage(c->pc));
  }
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
      conn_step_done(c);
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
    pg__conn_lost(c, PQerrorMessage(c->pc));
    if (p) {
      pg__dispatch(p);
      pg__publish(p);
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
      pg__conn_lost(c, why);
      if (p) pg__dispatch(p);
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
int pg__conn_send(pg_conn_t *c, pg_op_t *op) {
  if (send_step(c, op, first_step(c, op)) != 0) {
    c->stmt = NULL;
    return -1;
  }
  c->state = C_BUSY;
  if (conn_watch(c, UV_READABLE | (c->want_write ? UV_WRITABLE : 0)) != 0) {
    c->state = C_IDLE;
    c->stmt = NULL;
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

/* }======================================================================== */
