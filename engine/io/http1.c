/*
** http1.c — plain-HTTP/1.1 keep-alive client. See http1.h.
**
** A connection (h1_conn_t) is a uv_tcp_t, a uv_timer_t for the deadline of
** the request it carries, and an http_parser in response mode. It carries
** one request at a time; between requests it waits on the pool's idle list,
** still reading, so a server that closes it is noticed and it is dropped
** (any byte or EOF on an idle connection closes it). Idle connections are
** unreferenced: they do not keep the loop alive.
**
** The bytes of a request live in the connection (conn->out) while libuv
** writes them, so a request cancelled mid-write frees nothing libuv still
** reads; a retry copies them to the new connection.
**
** Hosts are IPv4 addresses or "localhost": a name to resolve goes to
** libcurl (curl.c decides), which keeps this file free of a resolver.
*/
#include <http_parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "io/http1.h"
#include "metrics.h"

/* Kept-alive connections per process. Generous on purpose: with 64, a
** moment of congestion closed the extra connections as they finished, and
** the next burst paid the TCP handshake, accept and close again on both
** sides, exactly when the machine was busiest (bench/README.md). An idle
** one costs little here: a small struct and a socket. */
#define IDLE_MAX 1024
#define READ_BUF (64 * 1024)

struct h1_pool {
  uv_loop_t *loop;
  struct h1_conn *idle;               /* idle list, most recent first */
  int nidle;
  int conns;                          /* connections not yet freed */
  int closing;
  char rbuf[READ_BUF];                /* one read at a time on this loop */
};

typedef struct h1_conn {
  uv_tcp_t tcp;
  uv_timer_t timer;
  uv_connect_t connect;
  uv_write_t wr;
  h1_pool_t *p;
  struct h1_req *req;                 /* the request it carries, or NULL */
  http_parser parser;
  buf_t out;                          /* the request's bytes */
  char key[40];                       /* "a.b.c.d:port" */
  int open_handles;
  int closing, connected, reused;
  int got_bytes;                      /* of the current answer */
  int complete, too_large;
  int start_error;                    /* a uv error to report from the timer */
  int in_value;                       /* header parsing: last callback was a value */
  struct h1_conn *prev, *next;        /* idle list */
} h1_conn_t;

struct h1_req {
  h1_pool_t *p;
  h1_conn_t *conn;
  curl_result_t *res;
  h1_done_fn fn;
  void *ud;
  struct sockaddr_in addr;
  char key[40];
  uint64_t timeout_ms;
  size_t max_body;
  int retried;
};

static void conn_close(h1_conn_t *c);
static int conn_send(h1_conn_t *c);

/* ====================================================================
** URL
** ==================================================================== */

/* Splits "http://host[:port][/path]" into addr and path (pointing into
** url). 0 on success. */
static int parse_url(const char *url, struct sockaddr_in *addr, const char **path, char *host, size_t hostsz) {
  if (strncasecmp(url, "http://", 7) != 0) return -1;
  const char *h = url + 7;
  size_t hl = strcspn(h, ":/?#@");
  if (hl == 0 || hl >= hostsz) return -1;
  const char *after = h + hl;
  if (memchr(h, '@', strcspn(h, "/?#"))) return -1;   /* user info: libcurl's */
  memcpy(host, h, hl);
  host[hl] = '\0';
  int port = 80;
  if (*after == ':') {
    char *end;
    long v = strtol(after + 1, &end, 10);
    if (end == after + 1 || v <= 0 || v > 65535) return -1;
    port = (int)v;
    after = end;
  }
  if (*after != '\0' && *after != '/' && *after != '?') return -1;
  const char *ip = strcasecmp(host, "localhost") == 0 ? "127.0.0.1" : host;
  if (uv_ip4_addr(ip, port, addr) != 0) return -1;
  if (path) *path = *after ? after : "/";
  return 0;
}

int h1_url_ok(const char *url) {
  struct sockaddr_in a;
  char host[64];
  return parse_url(url, &a, NULL, host, sizeof host) == 0;
}

/* ====================================================================
** Response parsing
** ==================================================================== */

static curl_result_t *res_of(http_parser *hp) {
  h1_conn_t *c = hp->data;
  return c->req ? c->req->res : NULL;
}

/* Headers go to res->headers as "name\0value\0" pairs, names lowercased,
** the way curl.c stores them; http_parser may hand a field or a value over
** in pieces, so a pair is closed when the next field starts. */
static void end_pair(h1_conn_t *c, curl_result_t *r) {
  if (c->in_value) {
    buf_addc(&r->headers, '\0');
    r->nheaders++;
    c->in_value = 0;
  }
}

static int on_message_begin(http_parser *hp) {
  h1_conn_t *c = hp->data;
  curl_result_t *r = res_of(hp);
  if (!r) return -1;
  buf_reset(&r->headers);
  buf_reset(&r->body);
  r->nheaders = 0;
  c->in_value = 0;
  return 0;
}

static int on_header_field(http_parser *hp, const char *at, size_t n) {
  h1_conn_t *c = hp->data;
  curl_result_t *r = res_of(hp);
  if (!r) return -1;
  end_pair(c, r);
  buf_reserve(&r->headers, n);
  for (size_t i = 0; i < n; i++) {
    char ch = at[i];
    buf_addc(&r->headers, (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch);
  }
  return 0;
}

static int on_header_value(http_parser *hp, const char *at, size_t n) {
  h1_conn_t *c = hp->data;
  curl_result_t *r = res_of(hp);
  if (!r) return -1;
  if (!c->in_value) {
    buf_addc(&r->headers, '\0');
    c->in_value = 1;
  }
  buf_add(&r->headers, at, n);
  return 0;
}

static int on_headers_complete(http_parser *hp) {
  h1_conn_t *c = hp->data;
  curl_result_t *r = res_of(hp);
  if (!r) return -1;
  end_pair(c, r);
  if (hp->content_length != ULLONG_MAX && hp->content_length <= c->req->max_body)
    buf_reserve(&r->body, (size_t)hp->content_length);
  return 0;
}

static int on_body(http_parser *hp, const char *at, size_t n) {
  h1_conn_t *c = hp->data;
  curl_result_t *r = res_of(hp);
  if (!r) return -1;
  if (r->body.len + n > c->req->max_body) {
    c->too_large = 1;
    return -1;
  }
  buf_add(&r->body, at, n);
  return 0;
}

static int on_message_complete(http_parser *hp) {
  h1_conn_t *c = hp->data;
  /* an interim answer ("100 Continue"): the real one follows */
  if (hp->status_code >= 100 && hp->status_code < 200 && hp->status_code != 101) return 0;
  c->complete = 1;
  http_parser_pause(hp, 1);           /* nothing after it belongs to us */
  return 0;
}

static const http_parser_settings SETTINGS = {
  .on_message_begin = on_message_begin,
  .on_header_field = on_header_field,
  .on_header_value = on_header_value,
  .on_headers_complete = on_headers_complete,
  .on_body = on_body,
  .on_message_complete = on_message_complete,
};

/* ====================================================================
** Ending a request
** ==================================================================== */

static void idle_unlink(h1_conn_t *c) {
  h1_pool_t *p = c->p;
  if (c->prev) c->prev->next = c->next;
  else if (p->idle == c) p->idle = c->next;
  else return;                        /* not on the list */
  if (c->next) c->next->prev = c->prev;
  c->prev = c->next = NULL;
  p->nidle--;
}

static void req_end(struct h1_req *q) {
  h1_done_fn fn = q->fn;
  void *ud = q->ud;
  free(q);
  fn(ud);
}

static void fail(h1_conn_t *c, const char *code, const char *msg) {
  struct h1_req *q = c->req;
  c->req = NULL;
  conn_close(c);
  if (!q) return;
  q->conn = NULL;
  q->res->status = 0;
  q->res->code = code;
  q->res->error = msg;
  req_end(q);
}

static void deliver(h1_conn_t *c, int clean_end) {
  struct h1_req *q = c->req;
  h1_pool_t *p = c->p;
  uv_timer_stop(&c->timer);
  q->res->status = c->parser.status_code;
  q->res->code = NULL;
  q->res->error = NULL;
  buf_cstr(&q->res->body);
  c->req = NULL;
  q->conn = NULL;
  if (clean_end && http_should_keep_alive(&c->parser) && !p->closing && p->nidle < IDLE_MAX) {
    c->reused = 1;
    c->next = p->idle;
    if (p->idle) p->idle->prev = c;
    p->idle = c;
    p->nidle++;
    uv_unref((uv_handle_t *)&c->tcp);
    uv_unref((uv_handle_t *)&c->timer);
  } else {
    conn_close(c);
  }
  req_end(q);
}

/* ====================================================================
** Connections
** ==================================================================== */

static void on_handle_closed(uv_handle_t *h) {
  h1_conn_t *c = h->data;
  if (--c->open_handles > 0) return;
  h1_pool_t *p = c->p;
  buf_free(&c->out);
  free(c);
  if (--p->conns == 0 && p->closing) free(p);
}

static void conn_close(h1_conn_t *c) {
  if (c->closing) return;
  c->closing = 1;
  idle_unlink(c);
  uv_timer_stop(&c->timer);
  uv_close((uv_handle_t *)&c->tcp, on_handle_closed);   /* cancels a pending connect or write */
  uv_close((uv_handle_t *)&c->timer, on_handle_closed);
}

static h1_conn_t *conn_new(h1_pool_t *p, const char *key) {
  h1_conn_t *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  if (uv_tcp_init(p->loop, &c->tcp) != 0) {
    free(c);
    return NULL;
  }
  uv_timer_init(p->loop, &c->timer);
  c->tcp.data = c->timer.data = c->connect.data = c->wr.data = c;
  c->open_handles = 2;
  c->p = p;
  buf_init(&c->out);
  snprintf(c->key, sizeof c->key, "%s", key);
  p->conns++;
  return c;
}

/* A request that met a kept-alive connection the server had closed (no byte
** of the answer yet) goes once more on a new connection. */
static int try_again(h1_conn_t *c);

static void on_timer(uv_timer_t *t) {
  h1_conn_t *c = t->data;
  if (c->start_error) {
    int e = c->start_error;
    fail(c, e == UV_ECONNREFUSED ? "refused" : "failed", e == UV_ECONNREFUSED ? "connection refused" : uv_strerror(e));
    return;
  }
  fail(c, "timeout", "timed out");
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b) {
  (void)suggested;
  h1_conn_t *c = h->data;
  *b = uv_buf_init(c->p->rbuf, sizeof c->p->rbuf);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b) {
  h1_conn_t *c = s->data;
  if (n == 0 || c->closing) return;
  if (!c->req) {                      /* idle: the server closed it, or misbehaves */
    conn_close(c);
    return;
  }
  if (n < 0) {
    if (n == UV_EOF && c->got_bytes) {
      http_parser_execute(&c->parser, &SETTINGS, NULL, 0);   /* a body that ends with the connection */
      if (c->complete) {
        deliver(c, 0);
        return;
      }
    }
    if (!c->got_bytes && try_again(c)) return;
    fail(c, "closed", "connection closed before the answer was complete");
    return;
  }
  c->got_bytes = 1;
  size_t used = http_parser_execute(&c->parser, &SETTINGS, b->base, (size_t)n);
  if (c->complete) {
    deliver(c, used == (size_t)n);    /* bytes after the answer: do not reuse */
    return;
  }
  enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);
  if (e != HPE_OK) {
    if (c->too_large) fail(c, "too_large", "response body too large");
    else fail(c, "failed", http_errno_description(e));
  }
}

static void on_written(uv_write_t *w, int status) {
  h1_conn_t *c = w->data;
  if (status == 0 || c->closing || !c->req) return;
  if (!c->got_bytes && try_again(c)) return;
  fail(c, "closed", uv_strerror(status));
}

static int conn_send(h1_conn_t *c) {
  http_parser_init(&c->parser, HTTP_RESPONSE);
  c->parser.data = c;
  c->got_bytes = c->complete = c->too_large = c->in_value = 0;
  uv_buf_t b = uv_buf_init(c->out.data, (unsigned)c->out.len);
  return uv_write(&c->wr, (uv_stream_t *)&c->tcp, &b, 1, on_written);
}

static void on_connect(uv_connect_t *cr, int status) {
  h1_conn_t *c = cr->data;
  if (c->closing) return;             /* cancelled */
  if (status < 0) {
    fail(c, status == UV_ECONNREFUSED ? "refused" : "failed",
         status == UV_ECONNREFUSED ? "connection refused" : uv_strerror(status));
    return;
  }
  c->connected = 1;
  uv_tcp_nodelay(&c->tcp, 1);
  int rc = uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
  if (rc == 0) rc = conn_send(c);
  if (rc != 0) fail(c, "failed", uv_strerror(rc));
}

/* Puts request q on connection c (new or idle) with the request bytes
** already in c->out, and arms the deadline. */
static void attach(h1_conn_t *c, struct h1_req *q, uint64_t timeout_ms) {
  c->req = q;
  q->conn = c;
  uv_ref((uv_handle_t *)&c->tcp);
  uv_ref((uv_handle_t *)&c->timer);
  uv_timer_start(&c->timer, on_timer, timeout_ms, 0);
}

/* Opens a new connection for q with the request bytes `out`. A failure to
** even start is reported from the timer, never from inside h1_start. */
static h1_conn_t *open_for(struct h1_req *q, const buf_t *out, uint64_t timeout_ms) {
  h1_conn_t *c = conn_new(q->p, q->key);
  if (!c) return NULL;
  metrics_counter_add("guldasta_http_client_connections_total", "scheme=\"http\"", 1);   /* as curl.c counts */
  buf_add(&c->out, out->data, out->len);
  attach(c, q, timeout_ms);
  int rc = uv_tcp_connect(&c->connect, &c->tcp, (const struct sockaddr *)&q->addr, on_connect);
  if (rc != 0) {
    c->start_error = rc;
    uv_timer_start(&c->timer, on_timer, 0, 0);
  }
  return c;
}

static int try_again(h1_conn_t *c) {
  struct h1_req *q = c->req;
  if (!q || q->retried || !c->reused) return 0;
  q->retried = 1;
  uint64_t left = uv_timer_get_due_in(&c->timer);
  c->req = NULL;
  h1_conn_t *fresh = open_for(q, &c->out, left ? left : 1);
  conn_close(c);
  if (!fresh) {
    q->conn = NULL;
    q->res->code = "failed";
    q->res->error = "out of memory";
    req_end(q);
  }
  return 1;
}

/* ====================================================================
** Pool and requests
** ==================================================================== */

h1_pool_t *h1_pool_new(uv_loop_t *loop) {
  h1_pool_t *p = calloc(1, sizeof *p);
  if (p) p->loop = loop;
  return p;
}

void h1_pool_close(h1_pool_t *p) {
  if (!p) return;
  p->closing = 1;
  while (p->idle) conn_close(p->idle);
  if (p->conns == 0) free(p);
}

static void build_request(buf_t *out, const h1_request_t *r, const char *host, const char *path, int port) {
  buf_printf(out, "%s %s HTTP/1.1\r\nHost: %s", r->method, path, host);
  if (port != 80) buf_printf(out, ":%d", port);
  buf_adds(out, "\r\nUser-Agent: guldasta/1\r\n");
  if (r->headers_len) buf_add(out, r->headers, r->headers_len);
  int has_body = r->body != NULL || strcmp(r->method, "POST") == 0 || strcmp(r->method, "PUT") == 0 ||
                 strcmp(r->method, "PATCH") == 0;
  if (has_body) buf_printf(out, "Content-Length: %zu\r\n", r->body ? r->body_len : 0);
  buf_adds(out, "\r\n");
  if (r->body && r->body_len) buf_add(out, r->body, r->body_len);
}

h1_req_t *h1_start(h1_pool_t *p, const h1_request_t *r, curl_result_t *res, h1_done_fn fn, void *ud) {
  struct h1_req *q = calloc(1, sizeof *q);
  if (!q) return NULL;
  char host[64];
  const char *path;
  if (parse_url(r->url, &q->addr, &path, host, sizeof host) != 0) {
    free(q);
    return NULL;                      /* curl.c checked h1_url_ok first */
  }
  q->p = p;
  q->res = res;
  q->fn = fn;
  q->ud = ud;
  q->max_body = r->max_body;
  q->timeout_ms = r->timeout_ms ? r->timeout_ms : 1;
  char ip[INET_ADDRSTRLEN];
  uv_ip4_name(&q->addr, ip, sizeof ip);
  snprintf(q->key, sizeof q->key, "%s:%d", ip, ntohs(q->addr.sin_port));

  h1_conn_t *c = p->idle;
  while (c && strcmp(c->key, q->key) != 0) c = c->next;
  if (c) {
    idle_unlink(c);
    buf_reset(&c->out);
    build_request(&c->out, r, host, path, ntohs(q->addr.sin_port));
    attach(c, q, q->timeout_ms);
    int rc = conn_send(c);
    if (rc != 0) {
      c->start_error = rc;
      uv_timer_start(&c->timer, on_timer, 0, 0);
    }
    return q;
  }
  buf_t out;
  buf_init(&out);
  build_request(&out, r, host, path, ntohs(q->addr.sin_port));
  c = open_for(q, &out, q->timeout_ms);
  buf_free(&out);
  if (!c) {
    free(q);
    return NULL;
  }
  return q;
}

void h1_cancel(h1_req_t *q) {
  if (!q) return;
  h1_conn_t *c = q->conn;
  if (c) {
    c->req = NULL;
    conn_close(c);
  }
  free(q);
}
