/*
** io/pg_int.h — what io/pg.c (the pool: wait queue, dispatch, public API)
** and io/pg_conn.c (one connection's state machine on its socket) share.
** Private to those two files; callers use pg.h.
*/
#ifndef IO_PG_INT_H
#define IO_PG_INT_H

#include "pg.h"
#include "pg_stmt.h"

enum { C_CONNECTING, C_IDLE, C_BUSY, C_DEAD };   /* pg_conn.state */
enum { W_NONE = 0, W_QUEUED = 1, W_FLIGHT = 2 }; /* pg_op.where_ */

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
  int step;              /* what of op the server runs now (pg_conn.c) */
  pg_stmt_t *stmt;       /* the statement step S_EXEC runs */
  int ddl_in_tx;         /* the open transaction changed the schema */
  pg_stmt_cache_t stmts;
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
  uint64_t nprepared;    /* statements prepared, all connections */
  uint64_t nreused;      /* runs of a statement prepared earlier */
  pg_stats_t pub;        /* what the gauges show now */
};

/* pg.c */
void pg__copy_msg(char *dst, const char *src);
void pg__publish(pg_pool_t *p);
void pg__set_up(pg_pool_t *p);
void pg__set_down(pg_pool_t *p, const char *what, const char *msg);
void pg__fail_waiters(pg_pool_t *p, int status, const char *msg);
void pg__dispatch(pg_pool_t *p);

/* pg_conn.c */
pg_conn_t *pg__conn_new(pg_pool_t *p, char *err);
int pg__conn_send(pg_conn_t *c, pg_op_t *op);
pg_op_t *pg__conn_take_op(pg_conn_t *c);
void pg__conn_drop(pg_conn_t *c);
void pg__conn_lost(pg_conn_t *c, const char *why);
void pg__conn_maybe_free(pg_conn_t *c);

#endif
