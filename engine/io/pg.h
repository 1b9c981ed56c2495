/*
** io/pg.h — a PostgreSQL connection pool on the libuv loop. Pure C, no Lua.
**
** The pool opens up to max_size libpq connections, lazily and without ever
** blocking the loop (PQconnectStartParams + PQconnectPoll driven by uv_poll),
** and runs one statement at a time on each (text parameters, text results).
** When every connection is busy, operations wait in a FIFO queue, each with
** its own deadline.
**
** Each connection prepares the SQL of a PG_QUERY with parameters the first
** time it sees it and runs it by name from then on (the server skips parse and plan), like
** asyncpg and pgx do; results and errors are the same as unprepared. A
** statement whose plan went stale after a schema change is forgotten and,
** outside a transaction, the query runs again unprepared. See io/pg_conn.c.
**
** Files: pg.c the pool, pg_conn.c one connection, pg_stmt.c the statement
** cache, pg_text.c the text-format helpers below.
**
** The unit of work is a pg_op_t that the CALLER owns (lua_pg.c embeds it in a
** Lua userdata): the pool only links it while it is pending. Contract:
**
**   - pg_submit / pg_submit_on return 0 when the op is pending: its done
**     callback will then run exactly once, later, from a libuv callback (or
**     from pg_release / pg_pool_close / pg_op_abandon of ANOTHER op), never
**     from inside the submit call itself. They return 1 when the op finished
**     at once (op->status tells how); done is then never called.
**   - done must not call back into the pool: it records nothing but "this op
**     is over" (lua_pg wakes the task).
**   - The op's memory (and the strings sql and params point to) must stay
**     valid while it is pending. Before freeing a possibly pending op, call
**     pg_op_abandon: it unlinks the op and its done is not called any more.
**   - After done (or a return of 1), op->res belongs to the caller: PQclear it.
**
** A connection that breaks is dropped: the op in flight fails with
** PG_ECLOSED, and the next submit starts a fresh connection. A timed-out op
** fails with PG_ETIMEOUT and its connection is closed (PQcancel blocks, so we
** do not cancel; closing is what makes a late result harmless).
*/
#ifndef IO_PG_H
#define IO_PG_H

#include <stddef.h>
#include <stdint.h>
#include <libpq-fe.h>
#include <uv.h>

typedef struct pg_pool pg_pool_t;
typedef struct pg_conn pg_conn_t;
typedef struct pg_op pg_op_t;
typedef void (*pg_done_fn)(pg_op_t *op);

#define PG_DEFAULT_POOL_SIZE 8
#define PG_DEFAULT_TIMEOUT_MS 30000
#define PG_CONNECT_TIMEOUT_MS 10000
#define PG_ERRLEN 512

/* What an op does. */
enum {
  PG_QUERY,    /* one statement with parameters, prepared per connection */
  PG_SCRIPT,   /* several statements, PQsendQuery: for migration files ONLY,
               ** never for anything built from user input */
  PG_ACQUIRE,  /* check out one connection for exclusive use (transactions) */
};

/* How an op ended. */
enum {
  PG_PENDING = -1,
  PG_OK = 0,
  PG_ESERVER,   /* the server answered with an error: SQLSTATE in op->res */
  PG_ETIMEOUT,  /* the op's deadline passed */
  PG_ECLOSED,   /* the connection broke, or the pool closed */
  PG_EREFUSED,  /* no connection could be opened */
  PG_EBUSY,     /* a checked-out connection already runs an op */
};

struct pg_op {
  /* Filled by the caller (pg_op_init sets defaults). */
  int kind;
  const char *sql;
  int nparams;
  const char *const *params;   /* NUL-terminated text values; NULL = SQL NULL */
  uint64_t timeout_ms;         /* 0 = PG_DEFAULT_TIMEOUT_MS */
  pg_done_fn done;
  void *ud;

  /* Results. */
  int status;                  /* PG_OK or PG_E* */
  PGresult *res;               /* PG_OK and PG_ESERVER: owned by the caller */
  pg_conn_t *conn;             /* PG_ACQUIRE: the checked-out connection */
  char err[PG_ERRLEN];         /* a one-line message when status != PG_OK */

  /* Private to io/pg.c. */
  pg_pool_t *pool_;
  pg_conn_t *on_;              /* connection running it */
  pg_op_t *next_, *prev_;      /* wait queue */
  uint64_t deadline_;
  int where_;                  /* 0 unlinked, 1 queued, 2 in flight */
};

typedef struct pg_stats {
  int size;                    /* connections open or opening */
  int max;
  int in_use;                  /* running a query or checked out */
  int waiting;                 /* ops queued for a connection */
  int up;                      /* 1 when the last connect/query succeeded */
  uint64_t prepared;           /* statements prepared so far */
  uint64_t reused;             /* queries that ran a statement prepared before */
} pg_stats_t;

/* A pool for conninfo (a libpq URI or key=value string). Opens nothing yet. */
pg_pool_t *pg_pool_new(uv_loop_t *loop, const char *conninfo, int max_size);

/* Fails every pending op with PG_ECLOSED (their done callbacks run), closes
** every connection and frees the pool once its handles are closed (the loop
** must run once more). Connections still checked out stay valid objects until
** pg_release, which then only frees them. */
void pg_pool_close(pg_pool_t *p);

void pg_pool_stats(pg_pool_t *p, pg_stats_t *st);

void pg_op_init(pg_op_t *op, int kind);

/* Runs a PG_QUERY / PG_SCRIPT on any connection, or a PG_ACQUIRE. */
int pg_submit(pg_pool_t *p, pg_op_t *op);

/* Runs a PG_QUERY / PG_SCRIPT on a checked-out connection. */
int pg_submit_on(pg_conn_t *c, pg_op_t *op);

/* Gives a checked-out connection back. One that is broken, still runs an op
** (whose done is then never called) or is inside a transaction is closed
** instead of reused. */
void pg_release(pg_conn_t *c);

/* Transaction status of a checked-out connection; PQTRANS_UNKNOWN when it
** broke. */
PGTransactionStatusType pg_conn_tx_status(pg_conn_t *c);

/* Unlinks a pending op; its done is not called. An op in flight has its
** connection closed. No-op when the op is not pending. */
void pg_op_abandon(pg_op_t *op);

/* Short code of a failed op: the SQLSTATE ("23505") for server errors,
** "timeout", "closed", "refused", "busy"; NULL when status is PG_OK. */
const char *pg_op_code(const pg_op_t *op);

/* {========================================================================
** Pure helpers for the text format of results (io/pg_text.c, unit-tested
** without a server)
** =========================================================================*/

/* Type OIDs the bindings convert (from catalog/pg_type.h). */
enum {
  PG_OID_BOOL = 16, PG_OID_INT8 = 20, PG_OID_INT2 = 21, PG_OID_INT4 = 23,
  PG_OID_TEXT = 25, PG_OID_OID = 26, PG_OID_JSON = 114, PG_OID_FLOAT4 = 700,
  PG_OID_FLOAT8 = 701, PG_OID_BPCHAR = 1042, PG_OID_VARCHAR = 1043,
  PG_OID_NUMERIC = 1700, PG_OID_JSONB = 3802,
};

/* The element type of an array type we convert, or 0. */
unsigned pg_array_elem_oid(unsigned array_oid);

/* Parses "[-]digits" or "[-]digits.000" (numeric's integral values) into
** *out. 1 on success; 0 when s has a non-zero fraction, is not a number,
** or does not fit in int64. */
int pg_text_to_int64(const char *s, size_t len, int64_t *out);

/* Parameters as text. pg_int_text writes v like "%lld" into out (at least
** PG_INT_TEXT bytes) and returns out. pg_float_text writes the shortest of
** %.15g, %.16g, %.17g that reads back as the same double: exact like
** %.17g, without turning 0.1 into 0.10000000000000001 in a numeric column;
** NaN and infinities as PostgreSQL spells them. */
#define PG_INT_TEXT 21           /* "-9223372036854775808" and its NUL */
const char *pg_int_text(char *out, int64_t v);
void pg_float_text(char *out, size_t n, double d);

/* Callbacks of pg_array_parse; each returns 0, or non-zero to stop. */
typedef struct pg_array_cb {
  int (*open)(void *ud);                                  /* '{' */
  int (*close)(void *ud);                                 /* '}' */
  int (*elem)(void *ud, const char *s, size_t len, int is_null);
} pg_array_cb;

/* Walks PostgreSQL's text array format: {1,2,NULL}, {{1,2},{3,4}},
** {"a b","q\"uote",NULL,"NULL"}, with an optional "[0:2]=" bounds prefix.
** Elements are unescaped and NUL-terminated into scratch (at least len + 1
** bytes), so an element's s is valid only during its callback. delim is ',' for every
** type we convert. Returns 0, or -1 on malformed input or a callback stop. */
int pg_array_parse(const char *s, size_t len, char delim, char *scratch,
                   const pg_array_cb *cb, void *ud);

#endif
