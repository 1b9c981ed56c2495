/*
** io/redis.c — one asynchronous hiredis connection on the libuv loop.
**
** The client is a small state machine: DOWN (waiting to retry) → CONNECTING
** (socket connecting, AUTH/SELECT queued) → READY, and back to DOWN when the
** connection breaks, a connect fails or takes too long. Retries back off
** from 100 ms doubling to 2 s, forever: after Redis restarts the engine
** serves again by itself. While DOWN a command fails at once with
** RDS_ECLOSED instead of queueing for an unknown time; while CONNECTING it is
** queued behind AUTH/SELECT in hiredis's output buffer, so the very first
** command of the process (which creates the client) does not fail.
**
** hiredis owns its reply objects and frees them when our callback returns,
** and it also calls every pending callback with a NULL reply while it tears a
** context down (redisAsyncFree, a broken connection). So callbacks here only
** copy the reply into the request and call its done function, which merely
** wakes a coroutine: no Lua ever runs under hiredis, and the context is never
** freed from inside one of its own callbacks (only from timers and close).
**
** Time limits: each request has a deadline. Requests waiting for replies are
** kept in one list sorted by deadline, with one uv timer armed for the
** earliest, so the hot path costs no timer handle per command. A request that
** timed out stays allocated until hiredis has called back for all of its
** commands; the late reply is then dropped.
*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#include "log.h"
#include "metrics.h"
#include "io/redis.h"
#include "io/redis_uv.h"

#define M_UP "guldasta_redis_up"
#define M_RECONNECTS "guldasta_redis_reconnects_total"

/* ============================================================
** REDIS_URL
** ============================================================ */

static int fail(char *err, size_t errlen, const char *fmt, const char *arg) {
  char msg[256];
  snprintf(msg, sizeof msg, fmt, arg ? arg : "");
  snprintf(err, errlen, "REDIS_URL: %s", msg);
  return -1;
}

static int hexval(int ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

/* Copies s[0..n) into out, decoding %XX: a password with '@' or ':' in it
** must be written %40 / %3A in a URL. -1 on bad escapes or overflow. */
static int pct_decode(const char *s, size_t n, char *out, size_t outlen) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    int ch = (unsigned char)s[i];
    if (ch == '%') {
      if (i + 2 >= n) return -1;
      int hi = hexval((unsigned char)s[i + 1]), lo = hexval((unsigned char)s[i + 2]);
      if (hi < 0 || lo < 0) return -1;
      ch = hi * 16 + lo;
      i += 2;
    }
    if (ch == 0 || o + 1 >= outlen) return -1;
    out[o++] = (char)ch;
  }
  out[o] = '\0';
  return 0;
}

/* A non-negative decimal of at most 9 digits (so it fits an int), all of s[0..n). */
static int parse_uint(const char *s, size_t n, int *out) {
  if (n == 0 || n > 9) return -1;
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isdigit((unsigned char)s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

/* "user:password" or ":password" (the part before '@'). */
static int parse_userinfo(const char *s, size_t n, rds_url_t *u, char *err, size_t errlen) {
  const char *colon = memchr(s, ':', n);
  if (!colon)
    return fail(err, errlen, "credentials need a ':' (write redis://:password@host or "
                "redis://user:password@host)%s", NULL);
  size_t ulen = (size_t)(colon - s);
  if (pct_decode(s, ulen, u->user, sizeof u->user) < 0)
    return fail(err, errlen, "bad user name (too long or bad %%-escape)%s", NULL);
  if (pct_decode(colon + 1, n - ulen - 1, u->password, sizeof u->password) < 0)
    return fail(err, errlen, "bad password (too long or bad %%-escape)%s", NULL);
  if (!u->password[0]) return fail(err, errlen, "empty password after ':'%s", NULL);
  return 0;
}

/* The query string: db=N, and for unix sockets also password= and user=. */
static int parse_query(const char *q, rds_url_t *u, char *err, size_t errlen) {
  while (*q) {
    const char *amp = strchr(q, '&');
    size_t n = amp ? (size_t)(amp - q) : strlen(q);
    const char *eq = memchr(q, '=', n);
    if (!eq) return fail(err, errlen, "query parameter without '=': '%s'", q);
    size_t klen = (size_t)(eq - q), vlen = n - klen - 1;
    const char *v = eq + 1;
    if (klen == 2 && memcmp(q, "db", 2) == 0) {
      if (parse_uint(v, vlen, &u->db) < 0)
        return fail(err, errlen, "db must be a database number, got '%s'", v);
    } else if (klen == 8 && memcmp(q, "password", 8) == 0) {
      if (pct_decode(v, vlen, u->password, sizeof u->password) < 0 || !u->password[0])
        return fail(err, errlen, "bad password parameter%s", NULL);
    } else if ((klen == 4 && memcmp(q, "user", 4) == 0) ||
               (klen == 8 && memcmp(q, "username", 8) == 0)) {
      if (pct_decode(v, vlen, u->user, sizeof u->user) < 0)
        return fail(err, errlen, "bad user parameter%s", NULL);
    } else {
      char key[64];
      snprintf(key, sizeof key, "%.*s", (int)(klen < 63 ? klen : 63), q);
      return fail(err, errlen, "unknown parameter '%s' (known: db, password, user)", key);
    }
    q += n;
    if (*q == '&') q++;
  }
  return 0;
}

static int parse_tcp(const char *s, rds_url_t *u, char *err, size_t errlen) {
  const char *query = strchr(s, '?');
  const char *end = query ? query : s + strlen(s);
  const char *slash = memchr(s, '/', (size_t)(end - s));
  const char *aend = slash ? slash : end;          /* end of authority */

  /* The last '@' ends the credentials: a raw '@' in a password still parses. */
  const char *at = NULL;
  for (const char *p = s; p < aend; p++)
    if (*p == '@') at = p;
  const char *host = s;
  if (at) {
    if (parse_userinfo(s, (size_t)(at - s), u, err, errlen) < 0) return -1;
    host = at + 1;
  }

  const char *hend, *port = NULL;
  if (*host == '[') {                              /* [::1]:6379 */
    const char *rb = memchr(host, ']', (size_t)(aend - host));
    if (!rb) return fail(err, errlen, "unterminated '[' in IPv6 host%s", NULL);
    host++;
    hend = rb;
    if (rb + 1 < aend) {
      if (rb[1] != ':') return fail(err, errlen, "unexpected text after ']'%s", NULL);
      port = rb + 2;
    }
  } else {
    const char *colon = memchr(host, ':', (size_t)(aend - host));
    hend = colon ? colon : aend;
    if (colon) port = colon + 1;
  }
  size_t hlen = (size_t)(hend - host);
  if (hlen == 0) return fail(err, errlen, "missing host (e.g. redis://127.0.0.1:6379/0)%s", NULL);
  if (hlen >= sizeof u->host) return fail(err, errlen, "host name too long%s", NULL);
  memcpy(u->host, host, hlen);
  u->host[hlen] = '\0';

  u->port = 6379;
  if (port) {
    char pbuf[16];
    snprintf(pbuf, sizeof pbuf, "%.*s", (int)((size_t)(aend - port) < 15 ? (size_t)(aend - port) : 15), port);
    if (parse_uint(port, (size_t)(aend - port), &u->port) < 0 || u->port < 1 || u->port > 65535)
      return fail(err, errlen, "bad port '%s' (1..65535)", pbuf);
  }

  if (slash && slash + 1 < end) {                 /* "/" alone means db 0 */
    char dbuf[32];
    size_t dlen = (size_t)(end - slash - 1);
    snprintf(dbuf, sizeof dbuf, "%.*s", (int)(dlen < 31 ? dlen : 31), slash + 1);
    if (parse_uint(slash + 1, dlen, &u->db) < 0)
      return fail(err, errlen, "the path must be a database number, got '/%s'", dbuf);
  }
  return query ? parse_query(query + 1, u, err, errlen) : 0;
}

static int parse_unix(const char *s, rds_url_t *u, char *err, size_t errlen) {
  const char *query = strchr(s, '?');
  const char *end = query ? query : s + strlen(s);
  const char *path = s;
  if (*s != '/' && s != end) {                     /* unix://:password@/path */
    const char *slash = memchr(s, '/', (size_t)(end - s));
    const char *at = NULL;
    for (const char *p = s; p < (slash ? slash : end); p++)
      if (*p == '@') at = p;
    if (!at || at + 1 != slash)
      return fail(err, errlen, "unix:// takes an absolute socket path, no host "
                  "(write unix:///path/to/redis.sock)%s", NULL);
    if (parse_userinfo(s, (size_t)(at - s), u, err, errlen) < 0) return -1;
    path = slash;
  }
  size_t plen = (size_t)(end - path);
  if (plen <= 1) return fail(err, errlen, "missing socket path (write unix:///path/to/redis.sock)%s", NULL);
  if (plen >= sizeof u->path) return fail(err, errlen, "socket path longer than 107 bytes%s", NULL);
  memcpy(u->path, path, plen);
  u->path[plen] = '\0';
  u->is_unix = 1;
  return query ? parse_query(query + 1, u, err, errlen) : 0;
}

int rds_url_parse(const char *url, rds_url_t *u, char *err, size_t errlen) {
  memset(u, 0, sizeof *u);
  if (!url || !*url) return fail(err, errlen, "empty (e.g. redis://127.0.0.1:6379/0)%s", NULL);
  for (const char *p = url; *p; p++)
    if ((unsigned char)*p <= ' ')
      return fail(err, errlen, "contains spaces or control characters%s", NULL);
  if (strncmp(url, "redis://", 8) == 0) return parse_tcp(url + 8, u, err, errlen);
  if (strncmp(url, "unix://", 7) == 0) return parse_unix(url + 7, u, err, errlen);
  if (strncmp(url, "rediss://", 9) == 0)
    return fail(err, errlen, "TLS (rediss://) is not supported%s", NULL);
  return fail(err, errlen, "must start with redis:// or unix:// "
              "(e.g. redis://127.0.0.1:6379/0 or unix:///run/redis.sock)%s", NULL);
}

void rds_url_describe(const rds_url_t *u, char *out, size_t outlen) {
  if (u->is_unix)
    snprintf(out, outlen, "unix://%s?db=%d", u->path, u->db);
  else if (strchr(u->host, ':'))
    snprintf(out, outlen, "redis://[%s]:%d/%d", u->host, u->port, u->db);
  else
    snprintf(out, outlen, "redis://%s:%d/%d", u->host, u->port, u->db);
}

/* ============================================================
** Replies: a deep copy of a redisReply in one allocation
** ============================================================ */

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)

static int is_stringish(int type) {
  return type == REDIS_REPLY_STRING || type == REDIS_REPLY_STATUS || type == REDIS_REPLY_ERROR;
}

/* Bytes a reply needs beyond its own node: children nodes and strings. */
static size_t reply_extra(const redisReply *r) {
  if (is_stringish(r->type)) return ALIGN8(r->len + 1);
  if (r->type != REDIS_REPLY_ARRAY) return 0;
  size_t n = r->elements * sizeof(rds_reply_t);
  for (size_t i = 0; i < r->elements; i++) n += reply_extra(r->element[i]);
  return n;
}

static void reply_fill(rds_reply_t *dst, const redisReply *r, char **cur) {
  dst->type = r->type;             /* RDS_REPLY_* mirror REDIS_REPLY_* */
  dst->integer = r->type == REDIS_REPLY_INTEGER ? r->integer : 0;
  dst->len = 0;
  dst->str = NULL;
  dst->elem = NULL;
  if (is_stringish(r->type)) {
    dst->str = *cur;
    dst->len = r->len;
    if (r->len) memcpy(dst->str, r->str, r->len);
    dst->str[r->len] = '\0';
    *cur += ALIGN8(r->len + 1);
  } else if (r->type == REDIS_REPLY_ARRAY) {
    dst->len = r->elements;
    dst->elem = (rds_reply_t *)(void *)*cur;
    *cur += r->elements * sizeof(rds_reply_t);
    for (size_t i = 0; i < r->elements; i++) reply_fill(&dst->elem[i], r->element[i], cur);
  }
}

static rds_reply_t *reply_copy(const redisReply *r) {
  rds_reply_t *root = malloc(sizeof(rds_reply_t) + reply_extra(r));
  if (!root) abort();
  char *cur = (char *)(root + 1);
  reply_fill(root, r, &cur);
  return root;
}

/* ============================================================
** Client and requests
** ============================================================ */

struct rds_req {
  rds_client_t *client;        /* set while linked in the deadline list */
  rds_done_fn done;
  void *ud;
  uint64_t timeout_ms, deadline;
  int n;                       /* commands in the request */
  int nsent;                   /* commands hiredis accepted: callbacks owed */
  int nreplied;                /* callbacks received so far */
  int status;                  /* RDS_PENDING until done ran */
  int lost;                    /* a NULL reply: the connection went away */
  int lib_busy, user_held;     /* the two owners */
  rds_req_t *prev, *next;
  rds_reply_t *replies[];      /* n of them */
};

struct rds_client {
  uv_loop_t *loop;
  rds_url_t url;
  char desc[200];
  rds_options_t opt;
  redisAsyncContext *ac;       /* non-NULL while CONNECTING or READY */
  int state;
  int closing;
  int ever_ready;
  int setup_pending;           /* AUTH/SELECT replies still to come */
  int failures;                /* consecutive failures, for quieter logs */
  int attempts;                /* connects started since the last success */
  uint64_t backoff_ms;
  uint64_t reconnects;
  uv_timer_t retry;            /* backoff wait; connect timeout while CONNECTING */
  uv_timer_t deadline;         /* the earliest request deadline */
  int deadline_armed;
  uint64_t armed_for;
  int open_handles;
  rds_req_t *head, *tail;      /* requests in flight, by deadline */
};

static long reqs_alive;

long rds_req_alive(void) { return reqs_alive; }

static void schedule_retry(rds_client_t *c);
static void start_connect(rds_client_t *c);

/* ---------- deadline list ---------- */

static void on_deadline(uv_timer_t *t);

static void arm_deadline(rds_client_t *c, uint64_t deadline) {
  if (c->closing) return;
  uint64_t now = uv_now(c->loop);
  c->deadline_armed = 1;
  c->armed_for = deadline;
  uv_timer_start(&c->deadline, on_deadline, deadline > now ? deadline - now : 0, 0);
}

/* Insert from the tail: with one common timeout the new request simply goes
** last, so the insertion is O(1) on the hot path. */
static void link_req(rds_client_t *c, rds_req_t *r) {
  rds_req_t *p = c->tail;
  while (p && p->deadline > r->deadline) p = p->prev;
  r->prev = p;
  r->next = p ? p->next : c->head;
  if (r->next) r->next->prev = r;
  else c->tail = r;
  if (p) p->next = r;
  else c->head = r;
  r->client = c;
  if (!c->deadline_armed || r->deadline < c->armed_for) arm_deadline(c, r->deadline);
}

/* While other requests wait the timer is left alone: if it fires for one
** that already finished it finds nothing due and re-arms for the new head.
** When none is left it stops, because the armed timer is also what keeps
** the loop alive while a request is in flight (the socket's poll handle is
** unreferenced so that an idle connection lets `guldasta run` end). */
static void unlink_req(rds_req_t *r) {
  rds_client_t *c = r->client;
  if (!c) return;
  if (r->prev) r->prev->next = r->next;
  else c->head = r->next;
  if (r->next) r->next->prev = r->prev;
  else c->tail = r->prev;
  r->prev = r->next = NULL;
  r->client = NULL;
  if (!c->head && c->deadline_armed) {
    uv_timer_stop(&c->deadline);
    c->deadline_armed = 0;
  }
}

static void finish(rds_req_t *r, int status) {
  unlink_req(r);
  r->status = status;
  r->done(r, r->ud);
}

static void on_deadline(uv_timer_t *t) {
  rds_client_t *c = t->data;
  uint64_t now = uv_now(c->loop);
  c->deadline_armed = 0;
  while (c->head && c->head->deadline <= now) finish(c->head, RDS_ETIMEOUT);
  if (c->head) arm_deadline(c, c->head->deadline);
}

/* ---------- requests ---------- */

rds_req_t *rds_req_new(int ncmds, uint64_t timeout_ms, rds_done_fn done, void *ud) {
  if (ncmds < 1) ncmds = 1;
  rds_req_t *r = calloc(1, sizeof *r + (size_t)ncmds * sizeof(rds_reply_t *));
  if (!r) abort();
  r->n = ncmds;
  r->timeout_ms = timeout_ms ? timeout_ms : 5000;
  r->done = done;
  r->ud = ud;
  r->status = RDS_PENDING;
  r->user_held = 1;
  reqs_alive++;
  return r;
}

static void req_free(rds_req_t *r) {
  for (int i = 0; i < r->n; i++) free(r->replies[i]);
  free(r);
  reqs_alive--;
}

void rds_req_release(rds_req_t *r) {
  if (!r) return;
  r->user_held = 0;
  if (!r->lib_busy) req_free(r);
}

int rds_req_status(rds_req_t *r) { return r->status; }
int rds_req_count(rds_req_t *r) { return r->n; }
uint64_t rds_req_timeout_ms(rds_req_t *r) { return r->timeout_ms; }

const rds_reply_t *rds_req_reply(rds_req_t *r, int i) {
  if (r->status != RDS_OK || i < 0 || i >= r->n) return NULL;
  return r->replies[i];
}

/* hiredis calls this once per command: with the reply, or with NULL when the
** context is being torn down. Replies come in command order, so the i-th
** callback belongs to the i-th command. */
static void on_reply(redisAsyncContext *ac, void *reply, void *privdata) {
  (void)ac;
  rds_req_t *r = privdata;
  int i = r->nreplied++;
  if (!reply) r->lost = 1;
  else if (r->status == RDS_PENDING) r->replies[i] = reply_copy(reply);
  if (r->nreplied < r->nsent) return;
  r->lib_busy = 0;
  if (r->status == RDS_PENDING) finish(r, r->lost || r->nsent < r->n ? RDS_ECLOSED : RDS_OK);
  if (!r->user_held) req_free(r);
}

int rds_send(rds_client_t *c, rds_req_t *r, const int *argc, const char *const *const *argv,
             const size_t *const *argvlen) {
  if (!c || c->closing || !c->ac || c->state == RDS_DOWN) return RDS_ECLOSED;
  for (int i = 0; i < r->n; i++) {
    if (redisAsyncCommandArgv(c->ac, on_reply, r, argc[i], (const char **)argv[i], argvlen[i]) != REDIS_OK)
      break;                   /* only out of memory once the first went in */
    r->nsent++;
  }
  if (r->nsent == 0) return RDS_ECLOSED;
  r->lib_busy = 1;
  r->deadline = uv_now(c->loop) + r->timeout_ms;
  link_req(c, r);
  return 0;
}

/* ---------- connection ---------- */

static void set_up(rds_client_t *c, int up) { metrics_gauge_set(M_UP, NULL, up ? 1 : 0); (void)c; }

static void became_ready(rds_client_t *c) {
  uv_timer_stop(&c->retry);
  c->state = RDS_READY;
  c->backoff_ms = c->opt.backoff_min_ms;
  if (c->ever_ready) {
    c->reconnects++;
    metrics_counter_add(M_RECONNECTS, NULL, 1);
  }
  char attempts[24];
  snprintf(attempts, sizeof attempts, "%d", c->attempts);
  log_write(LOG_INFO, c->ever_ready ? "redis reconnected" : "redis connected",
            "url", c->desc, "attempts", attempts, NULL);
  c->ever_ready = 1;
  c->failures = 0;
  c->attempts = 0;
  set_up(c, 1);
}

/* A failed attempt is logged once per outage at warn level, then at debug:
** a Redis that is down for an hour must not write a line every two seconds. */
static void attempt_failed(rds_client_t *c, const char *why) {
  c->failures++;
  log_write(c->failures == 1 ? LOG_WARN : LOG_DEBUG, "redis connect failed",
            "url", c->desc, "error", why, NULL);
  c->state = RDS_DOWN;
  set_up(c, 0);
  schedule_retry(c);
}

static void on_setup_reply(redisAsyncContext *ac, void *reply, void *privdata) {
  rds_client_t *c = privdata;
  redisReply *rp = reply;
  if (!rp || c->ac != ac) return;              /* torn down, or an old context */
  if (rp->type == REDIS_REPLY_ERROR) {
    /* A wrong password or database will not fix itself: say so loudly, drop
    ** the connection (hiredis disconnects once pending replies are in) and
    ** retry at the slowest pace. */
    c->failures++;
    log_write(c->failures == 1 ? LOG_ERROR : LOG_DEBUG, "redis AUTH/SELECT refused",
              "url", c->desc, "error", rp->str, NULL);
    c->state = RDS_DOWN;
    c->setup_pending = 0;
    c->backoff_ms = c->opt.backoff_max_ms;
    set_up(c, 0);
    redisAsyncDisconnect(ac);
    return;
  }
  if (--c->setup_pending == 0 && (ac->c.flags & REDIS_CONNECTED) && c->state == RDS_CONNECTING)
    became_ready(c);
}

static void on_connect(const redisAsyncContext *ac, int status) {
  rds_client_t *c = ac->data;
  if (c->ac != ac) return;
  if (status != REDIS_OK) {
    /* hiredis frees the context when we return, failing queued commands. */
    c->ac = NULL;
    uv_timer_stop(&c->retry);
    attempt_failed(c, ac->errstr && ac->errstr[0] ? ac->errstr : "connect failed");
    return;
  }
  if (c->setup_pending == 0) became_ready(c);
}

static void on_disconnect(const redisAsyncContext *ac, int status) {
  (void)status;
  rds_client_t *c = ac->data;
  if (c->ac != ac) return;                       /* we dropped it ourselves */
  c->ac = NULL;
  int was_ready = c->state == RDS_READY;
  c->state = RDS_DOWN;
  set_up(c, 0);
  if (c->closing) return;
  if (was_ready) {
    log_write(LOG_WARN, "redis connection lost", "url", c->desc, "error",
              ac->errstr && ac->errstr[0] ? ac->errstr : "closed", NULL);
    c->failures = 1;
  }
  schedule_retry(c);
}

static void on_retry_timer(uv_timer_t *t) {
  rds_client_t *c = t->data;
  if (c->closing) return;
  if (c->ac && c->state != RDS_READY) {
    /* Connect timeout (or a refused AUTH whose disconnect never came): we are
    ** in a timer, not in a hiredis callback, so the context may be freed
    ** here; its queued commands fail with "closed". */
    redisAsyncContext *ac = c->ac;
    c->ac = NULL;
    redisAsyncFree(ac);
    attempt_failed(c, "connect timeout");
    return;
  }
  if (!c->ac) start_connect(c);
}

static void schedule_retry(rds_client_t *c) {
  if (c->closing) return;
  uint64_t wait = c->backoff_ms;
  c->backoff_ms = c->backoff_ms * 2 > c->opt.backoff_max_ms ? c->opt.backoff_max_ms : c->backoff_ms * 2;
  uv_timer_start(&c->retry, on_retry_timer, wait, 0);
}

static void start_connect(rds_client_t *c) {
  c->attempts++;
  redisAsyncContext *ac = c->url.is_unix ? redisAsyncConnectUnix(c->url.path)
                                         : redisAsyncConnect(c->url.host, c->url.port);
  if (!ac) {
    attempt_failed(c, "out of memory");
    return;
  }
  if (ac->err) {
    char why[256];
    snprintf(why, sizeof why, "%s", ac->errstr);
    redisAsyncFree(ac);                          /* not attached yet: plain free */
    attempt_failed(c, why);
    return;
  }
  if (rds_uv_attach(ac, c->loop) != 0) {
    redisAsyncFree(ac);
    attempt_failed(c, "cannot watch the socket");
    return;
  }
  ac->data = c;
  redisAsyncSetConnectCallback(ac, on_connect);
  redisAsyncSetDisconnectCallback(ac, on_disconnect);
  c->ac = ac;
  c->state = RDS_CONNECTING;
  c->setup_pending = 0;
  /* Queued now, so they go first on the wire once the socket connects and
  ** every command queued meanwhile runs authenticated, in the right db. */
  if (c->url.password[0]) {
    int ok = c->url.user[0]
                 ? redisAsyncCommand(ac, on_setup_reply, c, "AUTH %s %s", c->url.user, c->url.password)
                 : redisAsyncCommand(ac, on_setup_reply, c, "AUTH %s", c->url.password);
    if (ok == REDIS_OK) c->setup_pending++;
  }
  if (c->url.db > 0 && redisAsyncCommand(ac, on_setup_reply, c, "SELECT %d", c->url.db) == REDIS_OK)
    c->setup_pending++;
  uv_timer_start(&c->retry, on_retry_timer, c->opt.connect_timeout_ms, 0);
}

rds_client_t *rds_client_new(uv_loop_t *loop, const rds_url_t *url, const rds_options_t *opts) {
  rds_client_t *c = calloc(1, sizeof *c);
  if (!c) abort();
  c->loop = loop;
  c->url = *url;
  rds_url_describe(url, c->desc, sizeof c->desc);
  c->opt.connect_timeout_ms = opts && opts->connect_timeout_ms ? opts->connect_timeout_ms : 5000;
  c->opt.backoff_min_ms = opts && opts->backoff_min_ms ? opts->backoff_min_ms : 100;
  c->opt.backoff_max_ms = opts && opts->backoff_max_ms ? opts->backoff_max_ms : 2000;
  c->backoff_ms = c->opt.backoff_min_ms;
  uv_timer_init(loop, &c->retry);
  uv_timer_init(loop, &c->deadline);
  c->retry.data = c->deadline.data = c;
  c->open_handles = 2;
  /* Reconnecting in the background must not keep the loop alive by itself:
  ** only requests in flight do (through the deadline timer). */
  uv_unref((uv_handle_t *)&c->retry);
  metrics_help(M_UP, "gauge", "1 when the Redis connection is up, 0 when not");
  metrics_help(M_RECONNECTS, "counter", "Redis connections re-established after a loss");
  metrics_counter_add(M_RECONNECTS, NULL, 0);
  set_up(c, 0);
  start_connect(c);
  return c;
}

int rds_state(rds_client_t *c) { return c ? c->state : RDS_DOWN; }
uint64_t rds_reconnects(rds_client_t *c) { return c->reconnects; }

static void on_timer_closed(uv_handle_t *h) {
  rds_client_t *c = h->data;
  if (--c->open_handles == 0) free(c);
}

void rds_client_close(rds_client_t *c) {
  if (!c || c->closing) return;
  c->closing = 1;
  uv_timer_stop(&c->retry);
  uv_timer_stop(&c->deadline);
  if (c->ac) {
    redisAsyncContext *ac = c->ac;
    c->ac = NULL;
    redisAsyncFree(ac);                          /* pending commands: done(ECLOSED) */
  }
  /* hiredis called back for everything it held; anything left is a bug, but
  ** fail it rather than leave a coroutine waiting forever. */
  while (c->head) finish(c->head, RDS_ECLOSED);
  c->state = RDS_DOWN;
  set_up(c, 0);
  uv_close((uv_handle_t *)&c->retry, on_timer_closed);
  uv_close((uv_handle_t *)&c->deadline, on_timer_closed);
}
