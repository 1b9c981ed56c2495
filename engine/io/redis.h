/*
** io/redis.h — the Redis client: one asynchronous hiredis connection on the
** engine's libuv loop, reconnecting by itself. Pure C, no Lua: lua_redis.c
** puts the `redis` module on top, tests drive it with a bare uv loop.
**
** Ownership, in one place:
**  - rds_client_t is created by rds_client_new and ends with rds_client_close
**    (the memory goes once libuv has closed its timers).
**  - rds_req_t is created by the caller (rds_req_new), handed to rds_send, and
**    has two owners from then on: the library side (until hiredis has called
**    back once for every command, with a reply or with NULL) and the caller
**    (until rds_req_release). It is freed when both are done, so a reply that
**    arrives after the caller gave up on a timeout lands in memory that is
**    still ours and is then dropped.
**  - done(req, ud) runs exactly once per successful rds_send: when the last
**    reply arrived, on timeout, or when the connection went away. It runs from
**    a libuv or hiredis callback: it may only record and wake (sched_wake), it
**    must not call back into hiredis and must not release the request.
*/
#ifndef IO_REDIS_H
#define IO_REDIS_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

/* ===================== REDIS_URL ===================== */

typedef struct rds_url {
  int is_unix;               /* 1: path is a unix socket, host/port unused */
  char host[256];
  int port;
  char path[108];            /* sizeof(sun_path) */
  char user[128];            /* ACL user name (Redis 6+), "" = default user */
  char password[512];        /* "" = no AUTH */
  int db;                    /* SELECT db when > 0 */
} rds_url_t;

/* Parses
**    redis://[[user]:password@]host[:port][/db][?db=N]
**    unix://[[user]:password@]/path/to.sock[?db=N&password=P&user=U]
** User and password are percent-decoded. Returns 0, or -1 with err holding
** one line that says what is wrong (never echoing the password). */
int rds_url_parse(const char *url, rds_url_t *out, char *err, size_t errlen);

/* "redis://host:port/db" or "unix:///path?db=N", without credentials: for logs. */
void rds_url_describe(const rds_url_t *u, char *out, size_t outlen);

/* ===================== replies ===================== */

enum {
  RDS_REPLY_STRING = 1,      /* bulk string */
  RDS_REPLY_ARRAY,
  RDS_REPLY_INTEGER,
  RDS_REPLY_NIL,
  RDS_REPLY_STATUS,          /* +OK, +PONG */
  RDS_REPLY_ERROR,           /* -ERR ... */
};

/* Our own copy of a hiredis reply (hiredis frees its reply as soon as the
** callback returns). One allocation holds the whole tree. */
typedef struct rds_reply {
  int type;
  long long integer;
  size_t len;                /* bytes of str, or number of elements */
  char *str;                 /* NUL-terminated for convenience; may hold NULs */
  struct rds_reply *elem;    /* array elements, len of them */
} rds_reply_t;

/* ===================== client ===================== */

typedef struct rds_client rds_client_t;
typedef struct rds_req rds_req_t;

enum {
  RDS_OK = 0,
  RDS_PENDING = 1,
  RDS_ECLOSED = -1,          /* not connected, or the connection went away */
  RDS_ETIMEOUT = -2,
};

enum { RDS_DOWN = 0, RDS_CONNECTING, RDS_READY };

typedef struct rds_options {
  uint64_t connect_timeout_ms;   /* default 5000 */
  uint64_t backoff_min_ms;       /* first retry after a failure, default 100 */
  uint64_t backoff_max_ms;       /* retries back off doubling up to this, default 2000 */
} rds_options_t;

/* Creates the client and starts connecting at once. opts may be NULL. */
rds_client_t *rds_client_new(uv_loop_t *loop, const rds_url_t *url, const rds_options_t *opts);
/* Fails every pending request with RDS_ECLOSED (their done runs here),
** stops reconnecting and frees the client once libuv closed its handles.
** Must not be called from inside a done callback. */
void rds_client_close(rds_client_t *c);
/* RDS_DOWN, RDS_CONNECTING or RDS_READY. */
int rds_state(rds_client_t *c);
/* Number of successful connections after the first one. */
uint64_t rds_reconnects(rds_client_t *c);

/* ===================== requests ===================== */

typedef void (*rds_done_fn)(rds_req_t *req, void *ud);

/* A request of ncmds commands (1 for a single command, more for a pipeline). */
rds_req_t *rds_req_new(int ncmds, uint64_t timeout_ms, rds_done_fn done, void *ud);

/* Queues the commands in one write: cmds[i] has argc[i] arguments argv[i][j]
** of argvlen[i][j] bytes. hiredis copies the bytes right away, so the
** arguments only need to live during the call. Returns 0 (done will run
** later, never inside this call), or RDS_ECLOSED when the client is not
** connected or connecting (done will never run; release the request). */
int rds_send(rds_client_t *c, rds_req_t *r, const int *argc, const char *const *const *argv,
             const size_t *const *argvlen);

/* RDS_OK, RDS_ETIMEOUT, RDS_ECLOSED (or RDS_PENDING before done). */
int rds_req_status(rds_req_t *r);
int rds_req_count(rds_req_t *r);
/* The i-th reply; NULL unless the status is RDS_OK. Owned by the request. */
const rds_reply_t *rds_req_reply(rds_req_t *r, int i);
uint64_t rds_req_timeout_ms(rds_req_t *r);
/* The caller is done with r (after done ran, or when rds_send failed). */
void rds_req_release(rds_req_t *r);

/* Requests allocated and not yet freed (tests check for leaks). */
long rds_req_alive(void);

#endif
