/*
** http_server.c — HTTP/1.1 over libuv TCP. See http_server.h for the contract.
**
** A connection is a small state machine:
**
**   reading ──request complete──> busy (the callback has it)
**      ^                               │ http_conn_respond
**      │                               v
**      └──────written, keep-alive── writing ──written, close──> lingering ─> closed
**
** Bytes that arrive while busy or writing (a pipelined request, or the peer
** simply being early) are kept in c->in and parsed once the answer is out, so
** answers leave in request order without any queue of responses.
**
** Speed matters here (every Telegram update and payment call comes through
** it), so the common path allocates nothing: reads go into one
** server-wide slab and are parsed straight from it, the parser's and the
** answer's buffers are reused across a connection's requests, and the answer
** is one buffer written with uv_try_write, falling back to uv_write only
** when the socket is full.
*/
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "io/http_server.h"

#define SLAB_SIZE (64 * 1024)
#define IN_CAP (256 * 1024)           /* buffered early bytes before reads stop */
#define LINGER_MS 2000                /* reading leftovers after a closing answer */
#define DEFAULT_IDLE_MS 60000

struct http_conn {
  uv_tcp_t tcp;
  uv_write_t wr;
  uv_shutdown_t sd;
  http_server_t *s;
  http_conn_t *prev, *next;
  http_req_parser_t parser;
  buf_t in;                           /* unparsed bytes: in.data[in_off .. in.len) */
  size_t in_off;
  buf_t out;                          /* the answer being written */
  int refs;                           /* the open handle + a request handed out */
  unsigned open : 1;                  /* handle not closing */
  unsigned busy : 1;                  /* the callback owes an answer */
  unsigned writing : 1;               /* uv_write in flight */
  unsigned processing : 1;            /* inside conn_feed (no re-entry) */
  unsigned reading : 1;
  unsigned lingering : 1;
  unsigned keep : 1;                  /* keep-alive after the current answer */
  uint64_t last_ms;                   /* last read or write progress */
  uint64_t wait_ms;                   /* since when a request is awaited, or
                                      ** since lingering began */
  char remote[64];
};

struct http_server {
  uv_loop_t *loop;
  uv_tcp_t listener;
  uv_timer_t sweep;
  http_request_fn fn;
  http_auto_fn auto_fn;
  void *ud;
  size_t body_limit;
  uint64_t idle_ms;
  uint64_t close_deadline;
  int port;
  int listener_init;
  int handles;                        /* initialised handles not yet closed */
  int conns;                          /* conn structs alive */
  int closing;
  http_conn_t *head;
  time_t date_sec;
  char date[48];                      /* "Date: ...\r\n" for date_sec */
  size_t date_len;
  char slab[SLAB_SIZE];
};

static void conn_process(http_conn_t *c);
static void conn_close(http_conn_t *c);

/* ====================================================================
** Server lifetime
** ==================================================================== */

static void server_maybe_free(http_server_t *s) {
  if (s->closing && s->handles == 0 && s->conns == 0) free(s);
}

static void on_server_handle_closed(uv_handle_t *h) {
  http_server_t *s = h->data;
  s->handles--;
  server_maybe_free(s);
}

static void sweep(uv_timer_t *t);

http_server_t *http_server_new(uv_loop_t *loop, http_request_fn fn, void *ud) {
  http_server_t *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->loop = loop;
  s->fn = fn;
  s->ud = ud;
  s->body_limit = HTTP_REQ_DEFAULT_BODY_LIMIT;
  s->idle_ms = DEFAULT_IDLE_MS;
  uv_timer_init(loop, &s->sweep);
  s->sweep.data = s;
  s->handles = 1;
  return s;
}

void http_server_on_auto(http_server_t *s, http_auto_fn fn) { s->auto_fn = fn; }
void http_server_set_body_limit(http_server_t *s, size_t bytes) {
  s->body_limit = bytes ? bytes : HTTP_REQ_DEFAULT_BODY_LIMIT;
  for (http_conn_t *c = s->head; c; c = c->next)
    if (!http_req_in_progress(&c->parser)) c->parser.body_limit = s->body_limit;
}
void http_server_set_idle_timeout(http_server_t *s, uint64_t ms) { s->idle_ms = ms; }
int http_server_port(const http_server_t *s) { return s->port; }

/* Once closing, the sweep timer stays until the last connection is gone: it
** is what forces out a connection whose handler never answers. */
static void server_check_done(http_server_t *s) {
  if (s->closing && s->head == NULL && !uv_is_closing((uv_handle_t *)&s->sweep))
    uv_close((uv_handle_t *)&s->sweep, on_server_handle_closed);
}

void http_server_close(http_server_t *s, uint64_t grace_ms) {
  if (s->closing) return;
  s->closing = 1;
  s->close_deadline = uv_now(s->loop) + grace_ms;
  if (s->listener_init) uv_close((uv_handle_t *)&s->listener, on_server_handle_closed);
  for (http_conn_t *c = s->head, *next; c; c = next) {
    next = c->next;
    c->keep = 0;
    if (grace_ms == 0 || (!c->busy && !c->writing)) conn_close(c);
  }
  if (s->head && !uv_is_active((uv_handle_t *)&s->sweep))
    uv_timer_start(&s->sweep, sweep, 1000, 1000);
  server_check_done(s);
}

/* ====================================================================
** Connection lifetime
** ==================================================================== */

static void conn_unref(http_conn_t *c) {
  if (--c->refs > 0) return;
  http_server_t *s = c->s;
  http_req_parser_free(&c->parser);
  buf_free(&c->in);
  buf_free(&c->out);
  free(c);
  s->conns--;
  server_maybe_free(s);
}

static void on_conn_closed(uv_handle_t *h) { conn_unref(h->data); }

static void conn_close(http_conn_t *c) {
  if (!c->open) return;
  c->open = 0;
  http_server_t *s = c->s;
  if (c->prev) c->prev->next = c->next;
  else s->head = c->next;
  if (c->next) c->next->prev = c->prev;
  c->prev = c->next = NULL;
  uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
  server_check_done(s);
}

/* Idle keep-alive connections, clients that trickle a request forever and
** clients that stop reading our answer are all closed after idle_ms; a
** connection whose handler is still running is left alone (its own
** operations have timeouts) except when the server is shutting down. */
static void sweep(uv_timer_t *t) {
  http_server_t *s = t->data;
  uint64_t now = uv_now(s->loop);
  for (http_conn_t *c = s->head, *next; c; c = next) {
    next = c->next;
    if (s->closing && now >= s->close_deadline) conn_close(c);
    else if (c->lingering) {
      if (now - c->wait_ms >= LINGER_MS) conn_close(c);   /* even if it keeps sending */
    } else if (!c->busy) {
      if (now - c->last_ms >= s->idle_ms) conn_close(c);
      else if (!c->writing && http_req_in_progress(&c->parser) && now - c->wait_ms >= s->idle_ms)
        conn_close(c);
    }
  }
}

/* ====================================================================
** Writing answers
** ==================================================================== */

/* "HTTP/1.1 200 OK\r\n" and friends, built once per status code: the
** answer path does no printf. */
static const char *status_line(int status, size_t *len) {
  static char *lines[1000];
  static size_t lens[1000];
  if (!lines[status]) {
    const char *t = http_status_str((enum http_status)status);
    if (t[0] == '<') t = "Unknown";   /* "<unknown>" */
    char tmp[96];
    int n = snprintf(tmp, sizeof tmp, "HTTP/1.1 %d %s\r\n", status, t);
    lines[status] = strdup(tmp);
    if (!lines[status]) abort();
    lens[status] = (size_t)n;
  }
  *len = lens[status];
  return lines[status];
}

static void add_size(buf_t *b, size_t v) {
  char tmp[24];
  int i = sizeof tmp;
  do tmp[--i] = (char)('0' + v % 10); while ((v /= 10) > 0);
  buf_add(b, tmp + i, sizeof tmp - (size_t)i);
}

/* "Date:" is recomputed once a second at most. */
static void add_date(http_server_t *s, buf_t *b) {
  time_t now = time(NULL);
  if (now != s->date_sec) {
    struct tm tm;
    gmtime_r(&now, &tm);
    s->date_len = strftime(s->date, sizeof s->date, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
    s->date_sec = now;
  }
  buf_add(b, s->date, s->date_len);
}

static void linger_close(http_conn_t *c);

/* After an answer is fully handed to the kernel: either close politely or
** go back to parsing whatever the client already sent. */
static void after_write(http_conn_t *c) {
  c->last_ms = c->wait_ms = uv_now(c->s->loop);
  if (!c->open) return;
  if (!c->keep) {
    linger_close(c);
    return;
  }
  if (c->out.cap > 64 * 1024) buf_free(&c->out);
  if (!c->processing) conn_process(c);
}

static void on_write(uv_write_t *wr, int status) {
  http_conn_t *c = wr->data;
  c->writing = 0;
  if (status < 0) conn_close(c);
  else after_write(c);
  conn_unref(c);                      /* the write's own reference */
}

static void conn_write(http_conn_t *c) {
  uv_buf_t b = uv_buf_init(c->out.data, (unsigned)c->out.len);
  int n = uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
  if (n == (int)c->out.len) {
    after_write(c);
    return;
  }
  if (n < 0 && n != UV_EAGAIN) {
    conn_close(c);
    return;
  }
  if (n > 0) b = uv_buf_init(c->out.data + n, (unsigned)(c->out.len - (size_t)n));
  c->writing = 1;
  c->refs++;
  c->wr.data = c;
  if (uv_write(&c->wr, (uv_stream_t *)&c->tcp, &b, 1, on_write) < 0) {
    c->writing = 0;
    c->refs--;
    conn_close(c);
  }
}

static void build_answer(http_conn_t *c, int status, const char *headers, size_t hlen,
                         const char *body, size_t blen) {
  buf_t *o = &c->out;
  buf_reset(o);
  int no_body = status < 200 || status == 204 || status == 304;
  int head = c->parser.req.method_id == HTTP_HEAD;
  buf_reserve(o, 160 + hlen + (no_body || head ? 0 : blen));
  size_t slen;
  const char *sline = status_line(status, &slen);
  buf_add(o, sline, slen);
  add_date(c->s, o);
  if (!no_body) {
    buf_add(o, "Content-Length: ", 16);
    add_size(o, blen);
    buf_add(o, "\r\n", 2);
  }
  buf_adds(o, c->keep ? "Connection: keep-alive\r\n" : "Connection: close\r\n");
  buf_add(o, headers, hlen);
  buf_add(o, "\r\n", 2);
  if (!no_body && !head) buf_add(o, body, blen);
}

void http_conn_respond(http_conn_t *c, int status, const char *headers, size_t hlen,
                       const char *body, size_t blen, int keep_alive) {
  if (!c->busy) return;               /* a second answer: ignore, never crash */
  c->busy = 0;
  if (c->open) {
    if (!keep_alive || c->s->closing) c->keep = 0;
    if (status < 100 || status > 999) status = 500;
    build_answer(c, status, headers, hlen, body, blen);
    conn_write(c);
  }
  conn_unref(c);                      /* the request's reference */
}

/* Answers the server gives by itself end the connection: after a framing
** error nothing later on it can be trusted. */
static void auto_answer(http_conn_t *c, int status, const char *reason) {
  char body[64];
  int n = snprintf(body, sizeof body, "{\"error\":\"%s\"}", reason);
  static const char ctype[] = "Content-Type: application/json\r\n";
  c->keep = 0;
  c->busy = 1;
  c->refs++;
  if (c->s->auto_fn) c->s->auto_fn(c->s->ud, status);
  http_conn_respond(c, status, ctype, sizeof ctype - 1, body, (size_t)n, 0);
}

/* ====================================================================
** Reading and parsing
** ==================================================================== */

static void on_shutdown(uv_shutdown_t *sd, int status) {
  http_conn_t *c = sd->data;
  if (status < 0) conn_close(c);
  conn_unref(c);
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *b);

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b) {
  (void)hint;
  http_conn_t *c = h->data;
  *b = uv_buf_init(c->s->slab, SLAB_SIZE);
}

static void start_reading(http_conn_t *c) {
  if (c->reading || !c->open) return;
  if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0) c->reading = 1;
  else conn_close(c);
}

/* Closing right after writing an answer can turn into a reset that destroys
** the answer when unread request bytes are still in the kernel; so we send
** FIN, read and drop what comes for a moment, and close on the peer's EOF
** (or when the sweep finds LINGER_MS passed). */
static void linger_close(http_conn_t *c) {
  if (c->lingering) return;
  c->lingering = 1;
  c->wait_ms = uv_now(c->s->loop);
  c->sd.data = c;
  c->refs++;
  if (uv_shutdown(&c->sd, (uv_stream_t *)&c->tcp, on_shutdown) < 0) {
    c->refs--;
    conn_close(c);
    return;
  }
  start_reading(c);
}

/* Parses from data until a request is handed out, an error is answered or the
** bytes run out; returns how many bytes were consumed. The callback may answer
** inside this loop (a 404 decided in C does): the loop then simply goes on to
** the next pipelined request instead of recursing. */
static size_t conn_feed(http_conn_t *c, const char *data, size_t len) {
  http_server_t *s = c->s;
  size_t off = 0;
  c->processing = 1;
  while (off < len && c->open && !c->busy && !c->writing && !c->lingering) {
    size_t used;
    int rc = http_req_feed(&c->parser, data + off, len - off, &used);
    off += used;
    if (http_req_take_continue(&c->parser)) {
      /* Best effort: if the socket cannot take 25 bytes now, the client
      ** sends its body anyway after its own short wait. */
      uv_buf_t b = uv_buf_init("HTTP/1.1 100 Continue\r\n\r\n", 25);
      (void)uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
    }
    if (rc == HTTP_REQ_MORE) break;
    if (rc < 0) {
      auto_answer(c, http_req_error_status(rc), http_req_strerror(rc));
      break;
    }
    c->busy = 1;
    c->refs++;
    c->keep = c->parser.req.keep_alive && !s->closing;
    s->fn(s->ud, c, &c->parser.req);
  }
  c->processing = 0;
  return off;
}

/* Parses what waited in c->in, then reads again if reading had been paused. */
static void conn_process(http_conn_t *c) {
  if (c->in_off < c->in.len) {
    size_t n = conn_feed(c, c->in.data + c->in_off, c->in.len - c->in_off);
    c->in_off += n;
  }
  if (c->in_off == c->in.len) {
    c->in_off = 0;
    buf_reset(&c->in);
    if (c->in.cap > SLAB_SIZE) buf_free(&c->in);
  } else if (c->in_off > 0) {
    memmove(c->in.data, c->in.data + c->in_off, c->in.len - c->in_off);
    c->in.len -= c->in_off;
    c->in_off = 0;
  }
  if (!c->busy && !c->writing && c->in.len < IN_CAP) start_reading(c);
}

static void keep_early_bytes(http_conn_t *c, const char *data, size_t len) {
  if (c->in_off > 0 && c->in_off == c->in.len) {
    c->in_off = 0;
    buf_reset(&c->in);
  }
  buf_add(&c->in, data, len);
  if (c->in.len - c->in_off >= IN_CAP && c->reading) {
    uv_read_stop((uv_stream_t *)&c->tcp);
    c->reading = 0;
  }
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *b) {
  http_conn_t *c = st->data;
  if (nread == 0) return;
  if (nread < 0) {
    /* EOF or error. A handler still running keeps the struct alive through
    ** its reference; its late answer is dropped (see http_conn_respond). */
    conn_close(c);
    return;
  }
  c->last_ms = uv_now(c->s->loop);
  if (c->lingering) return;
  size_t len = (size_t)nread;
  if (c->busy || c->writing || c->in_off < c->in.len) {
    keep_early_bytes(c, b->base, len);
    if (!c->busy && !c->writing) conn_process(c);
    return;
  }
  /* The common case: nothing pending, parse straight from the slab. */
  size_t used = conn_feed(c, b->base, len);
  if (used < len && c->open && !c->lingering) keep_early_bytes(c, b->base + used, len - used);
}

static void on_connection(uv_stream_t *server, int status) {
  http_server_t *s = server->data;
  if (status < 0 || s->closing) return;
  http_conn_t *c = calloc(1, sizeof *c);
  if (!c) return;
  uv_tcp_init(s->loop, &c->tcp);
  c->tcp.data = c;
  c->s = s;
  c->refs = 1;
  c->open = 1;
  s->conns++;
  http_req_parser_init(&c->parser, s->body_limit);
  buf_init(&c->in);
  buf_init(&c->out);
  c->next = s->head;
  if (s->head) s->head->prev = c;
  s->head = c;
  if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0) {
    conn_close(c);
    return;
  }
  uv_tcp_nodelay(&c->tcp, 1);
  c->last_ms = c->wait_ms = uv_now(s->loop);
  start_reading(c);
}

/* ====================================================================
** Listening
** ==================================================================== */

static int resolve(const char *host, int port, struct sockaddr_storage *ss) {
  if (!host || !*host) host = "0.0.0.0";
  if (uv_ip4_addr(host, port, (struct sockaddr_in *)ss) == 0) return 0;
  if (uv_ip6_addr(host, port, (struct sockaddr_in6 *)ss) == 0) return 0;
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
  if (getaddrinfo(host, NULL, &hints, &res) != 0) return UV_EAI_NONAME;
  memcpy(ss, res->ai_addr, res->ai_addrlen);
  if (ss->ss_family == AF_INET) ((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
  else ((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
  freeaddrinfo(res);
  return 0;
}

/* libuv 1.44 has no UV_TCP_REUSEPORT, so the socket is created first
** (uv_tcp_init_ex) and given SO_REUSEPORT before the bind. */
int http_server_listen(http_server_t *s, const char *host, int port) {
  if (s->listener_init || s->closing) return UV_EALREADY;
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  int rc = resolve(host, port, &ss);
  if (rc) return rc;
  rc = uv_tcp_init_ex(s->loop, &s->listener, ss.ss_family);
  if (rc) return rc;
  s->listener_init = 1;
  s->handles++;
  s->listener.data = s;
  uv_os_fd_t fd;
  int one = 1;
  if ((rc = uv_fileno((uv_handle_t *)&s->listener, &fd)) != 0) return rc;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0) return uv_translate_sys_error(errno);
  if ((rc = uv_tcp_bind(&s->listener, (struct sockaddr *)&ss, 0)) != 0) return rc;
  if ((rc = uv_listen((uv_stream_t *)&s->listener, 511, on_connection)) != 0) return rc;
  struct sockaddr_storage bound;
  int blen = sizeof bound;
  if (uv_tcp_getsockname(&s->listener, (struct sockaddr *)&bound, &blen) == 0)
    s->port = ntohs(bound.ss_family == AF_INET ? ((struct sockaddr_in *)&bound)->sin_port
                                               : ((struct sockaddr_in6 *)&bound)->sin6_port);
  uv_timer_start(&s->sweep, sweep, 1000, 1000);
  return 0;
}

/* ====================================================================
** Small public helpers
** ==================================================================== */

const char *http_conn_remote(http_conn_t *c) {
  if (!c->remote[0] && c->open) {
    struct sockaddr_storage ss;
    int len = sizeof ss;
    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) == 0) {
      char ip[INET6_ADDRSTRLEN] = "";
      int port;
      if (ss.ss_family == AF_INET) {
        uv_ip4_name((struct sockaddr_in *)&ss, ip, sizeof ip);
        port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        snprintf(c->remote, sizeof c->remote, "%s:%d", ip, port);
      } else {
        uv_ip6_name((struct sockaddr_in6 *)&ss, ip, sizeof ip);
        port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
        snprintf(c->remote, sizeof c->remote, "[%s]:%d", ip, port);
      }
    }
  }
  return c->remote;
}

int http_conn_is_open(const http_conn_t *c) { return c->open; }

static int is_token(const char *s, size_t n) {
  if (n == 0) return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    int ok = ((ch | 32) >= 'a' && (ch | 32) <= 'z') || (ch >= '0' && ch <= '9') ||
             (ch && strchr("!#$%&'*+-.^_`|~", ch));
    if (!ok) return 0;
  }
  return 1;
}

int http_header_append(buf_t *out, const char *name, size_t nlen, const char *value,
                       size_t vlen) {
  if (!is_token(name, nlen)) return -1;
  for (size_t i = 0; i < vlen; i++)
    if (value[i] == '\r' || value[i] == '\n' || value[i] == '\0') return -1;
  buf_reserve(out, nlen + vlen + 4);
  buf_add(out, name, nlen);
  buf_add(out, ": ", 2);
  buf_add(out, value, vlen);
  buf_add(out, "\r\n", 2);
  return 0;
}

/* ====================================================================
** Raw client (tests)
** ==================================================================== */

typedef struct raw {
  uv_tcp_t tcp;
  uv_connect_t conn;
  uv_write_t wr;
  uv_timer_t timer;
  buf_t sent, got;
  http_raw_fn fn;
  void *ud;
  int pending_close;
  int done;
} raw_t;

static void raw_closed(uv_handle_t *h) {
  raw_t *r = h->data;
  if (--r->pending_close > 0) return;
  buf_free(&r->sent);
  buf_free(&r->got);
  free(r);
}

static void raw_finish(raw_t *r, int status) {
  if (r->done) return;
  r->done = 1;
  r->fn(r->ud, status, r->got.data ? r->got.data : "", r->got.len);
  r->pending_close = 2;
  uv_close((uv_handle_t *)&r->tcp, raw_closed);
  uv_close((uv_handle_t *)&r->timer, raw_closed);
}

static void raw_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b) {
  (void)hint;
  raw_t *r = h->data;
  buf_reserve(&r->got, 16 * 1024);
  *b = uv_buf_init(r->got.data + r->got.len, (unsigned)(r->got.cap - r->got.len - 1));
}

static void raw_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b) {
  (void)b;
  raw_t *r = st->data;
  if (n > 0) r->got.len += (size_t)n;
  else if (n == UV_EOF) raw_finish(r, 0);
  else if (n < 0) raw_finish(r, (int)n);
}

static void raw_written(uv_write_t *w, int status) {
  raw_t *r = w->data;
  if (status < 0) raw_finish(r, status);
}

static void raw_connected(uv_connect_t *cr, int status) {
  raw_t *r = cr->data;
  if (r->done) return;
  if (status < 0) {
    raw_finish(r, status);
    return;
  }
  uv_buf_t b = uv_buf_init(r->sent.data ? r->sent.data : "", (unsigned)r->sent.len);
  r->wr.data = r;
  int rc = uv_write(&r->wr, (uv_stream_t *)&r->tcp, &b, 1, raw_written);
  if (rc == 0) rc = uv_read_start((uv_stream_t *)&r->tcp, raw_alloc, raw_read);
  if (rc < 0) raw_finish(r, rc);
}

static void raw_timeout(uv_timer_t *t) { raw_finish(t->data, UV_ETIMEDOUT); }

int http_raw_exchange(uv_loop_t *loop, const char *host, int port, const char *data,
                      size_t len, uint64_t timeout_ms, http_raw_fn fn, void *ud) {
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  int rc = resolve(host, port, &ss);
  if (rc) return rc;
  raw_t *r = calloc(1, sizeof *r);
  if (!r) return UV_ENOMEM;
  r->fn = fn;
  r->ud = ud;
  buf_init(&r->sent);
  buf_init(&r->got);
  buf_add(&r->sent, data, len);
  uv_tcp_init(loop, &r->tcp);
  uv_timer_init(loop, &r->timer);
  r->tcp.data = r->timer.data = r->conn.data = r;
  uv_timer_start(&r->timer, raw_timeout, timeout_ms, 0);
  rc = uv_tcp_connect(&r->conn, &r->tcp, (struct sockaddr *)&ss, raw_connected);
  if (rc < 0) {
    r->done = 1;                       /* fn is not called on this path */
    r->pending_close = 2;
    uv_close((uv_handle_t *)&r->tcp, raw_closed);
    uv_close((uv_handle_t *)&r->timer, raw_closed);
  }
  return rc;
}
