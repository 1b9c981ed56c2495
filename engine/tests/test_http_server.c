/*
** test_http_server.c — the HTTP server and the curl client together on a bare
** libuv loop, over real sockets on 127.0.0.1. No Lua: the server's handler
** is a C function that answers now or after a timer, the way a Lua task
** would. Ends, like libuv's own tests, by running the loop dry and checking
** that nothing is left (ASan reports any leak).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/curl.h"
#include "io/http_server.h"
#define CHECK_CONTEXT current
#include "check.h"

static const char *current = "";


static uv_loop_t *loop;
static http_server_t *server;
static curl_pool_t *multi;
static int port;
static int late_answers, auto_answers, requests_seen;

/* ====================================================================
** The server's handler
** ==================================================================== */

typedef struct later {
  uv_timer_t timer;
  http_conn_t *c;
  char body[64];
} later_t;

static void later_closed(uv_handle_t *h) { free(h->data); }

static void later_fire(uv_timer_t *t) {
  later_t *l = t->data;
  if (!http_conn_is_open(l->c)) late_answers++;
  http_conn_respond(l->c, 200, "", 0, l->body, strlen(l->body), 1);
  uv_close((uv_handle_t *)&l->timer, later_closed);
}

static void handler(void *ud, http_conn_t *c, const http_request_t *r) {
  (void)ud;
  requests_seen++;
  buf_t h;
  buf_init(&h);
  if (strcmp(r->path, "/hello") == 0) {
    http_header_append(&h, "Content-Type", 12, "text/plain", 10);
    http_conn_respond(c, 200, h.data, h.len, "hello", 5, 1);
  } else if (strcmp(r->path, "/echo") == 0) {
    http_header_append(&h, "X-Method", 8, r->method, strlen(r->method));
    http_header_append(&h, "X-Query", 7, r->query, r->query_len);
    const char *ct = http_req_header(r, "content-type");
    if (ct) http_header_append(&h, "X-Content-Type", 14, ct, strlen(ct));
    http_conn_respond(c, 200, h.data, h.len, r->body, r->body_len, 1);
  } else if (strcmp(r->path, "/slow") == 0) {
    later_t *l = calloc(1, sizeof *l);
    l->c = c;
    snprintf(l->body, sizeof l->body, "slow %s", r->query);
    uv_timer_init(loop, &l->timer);
    l->timer.data = l;
    uv_timer_start(&l->timer, later_fire, (uint64_t)atoi(r->query), 0);
  } else if (strcmp(r->path, "/big") == 0) {
    size_t n = 3 * 1024 * 1024;
    char *body = malloc(n);
    for (size_t i = 0; i < n; i++) body[i] = (char)('a' + i % 26);
    http_conn_respond(c, 200, "", 0, body, n, 1);
    free(body);
  } else if (strcmp(r->path, "/nocontent") == 0) {
    http_conn_respond(c, 204, "", 0, "ignored", 7, 1);
  } else {
    http_conn_respond(c, 404, "", 0, "{\"error\":\"not found\"}", 21, 1);
  }
  buf_free(&h);
}

static void on_auto(void *ud, int status) {
  (void)ud;
  (void)status;
  auto_answers++;
}

/* ====================================================================
** Running one exchange to completion
** ==================================================================== */

typedef struct result {
  int done;
  long status;
  const char *code;
  char body[256];
  size_t body_len;
  char header[128];
  uint64_t ms;
} result_t;

static const char *find_header(const curl_result_t *r, const char *name) {
  const char *p = r->headers.data;
  for (int i = 0; i < r->nheaders; i++) {
    const char *v = p + strlen(p) + 1;
    if (strcmp(p, name) == 0) return v;
    p = v + strlen(v) + 1;
  }
  return NULL;
}

static const char *want_header;

static void on_curl_done(curl_xfer_t *x, void *ud) {
  result_t *res = ud;
  const curl_result_t *r = curl_xfer_result(x);
  res->done = 1;
  res->status = r->status;
  res->code = r->code;
  res->body_len = r->body.len;
  snprintf(res->body, sizeof res->body, "%.*s", (int)(r->body.len < 200 ? r->body.len : 200),
           r->body.data ? r->body.data : "");
  const char *h = want_header ? find_header(r, want_header) : NULL;
  snprintf(res->header, sizeof res->header, "%s", h ? h : "");
  res->ms = uv_now(loop) - res->ms;
  curl_xfer_free(x);
}

static curl_xfer_t *xfer(const char *method, const char *path, uint64_t timeout_ms) {
  char url[256];
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
  curl_xfer_t *x = curl_xfer_new(multi);
  curl_xfer_set_url(x, url);
  curl_xfer_set_method(x, method);
  curl_xfer_set_timeout(x, timeout_ms);
  return x;
}

static void start(curl_xfer_t *x, result_t *res) {
  memset(res, 0, sizeof *res);
  res->ms = uv_now(loop);
  CHECK(curl_xfer_start(x, on_curl_done, res) == 0);
}

static void run_until(int *flag) {
  while (!*flag) uv_run(loop, UV_RUN_ONCE);
}

typedef struct raw_result {
  int done, status;
  char data[8192];
  size_t len;
} raw_result_t;

static void on_raw(void *ud, int status, const char *data, size_t len) {
  raw_result_t *r = ud;
  r->done = 1;
  r->status = status;
  r->len = len < sizeof r->data - 1 ? len : sizeof r->data - 1;
  memcpy(r->data, data, r->len);
  r->data[r->len] = '\0';
}

/* Turns the loop for ms milliseconds. */
static void spin(uint64_t ms) {
  uint64_t until = uv_now(loop) + ms;
  while (uv_now(loop) < until) {
    uv_run(loop, UV_RUN_NOWAIT);
    uv_sleep(2);
    uv_update_time(loop);
  }
}

static void raw(const char *bytes, size_t len, uint64_t timeout_ms, raw_result_t *r) {
  memset(r, 0, sizeof *r);
  CHECK(http_raw_exchange(loop, "127.0.0.1", port, bytes, len, timeout_ms, on_raw, r) == 0);
  run_until(&r->done);
}

/* ====================================================================
** Cases
** ==================================================================== */

static void test_basic(void) {
  current = "basic";
  result_t r;
  want_header = "content-type";
  start(xfer("GET", "/hello", 5000), &r);
  run_until(&r.done);
  CHECK(r.code == NULL);
  CHECK(r.status == 200);
  CHECK(strcmp(r.body, "hello") == 0);
  CHECK(strcmp(r.header, "text/plain") == 0);

  current = "404";
  start(xfer("GET", "/nope", 5000), &r);
  run_until(&r.done);
  CHECK(r.status == 404);

  current = "echo post";
  want_header = "x-query";
  curl_xfer_t *x = xfer("POST", "/echo?a=1&b=2", 5000);
  curl_xfer_set_body(x, "{\"k\":\"ключ\"}", strlen("{\"k\":\"ключ\"}"));
  curl_xfer_add_header(x, "Content-Type: application/json");
  start(x, &r);
  run_until(&r.done);
  CHECK(r.status == 200);
  CHECK(strcmp(r.body, "{\"k\":\"ключ\"}") == 0);
  CHECK(strcmp(r.header, "a=1&b=2") == 0);

  current = "put method";
  want_header = "x-method";
  x = xfer("PUT", "/echo", 5000);
  curl_xfer_set_body(x, "x", 1);
  start(x, &r);
  run_until(&r.done);
  CHECK(strcmp(r.header, "PUT") == 0);
  CHECK(strcmp(r.body, "x") == 0);

  current = "chunked request";
  want_header = NULL;
  x = xfer("POST", "/echo", 5000);
  curl_xfer_add_header(x, "Transfer-Encoding: chunked");
  curl_xfer_set_body(x, "chunky body", 11);
  start(x, &r);
  run_until(&r.done);
  CHECK(r.status == 200);
  CHECK(strcmp(r.body, "chunky body") == 0);

  current = "expect 100-continue";
  x = xfer("POST", "/echo", 5000);
  curl_xfer_add_header(x, "Expect: 100-continue");
  char big[4000];
  memset(big, 'e', sizeof big);
  curl_xfer_set_body(x, big, sizeof big);
  start(x, &r);
  run_until(&r.done);
  CHECK(r.status == 200);
  CHECK(r.body_len == sizeof big);
  CHECK(r.ms < 800);                  /* did not wait for curl's 1 s expect timeout */

  current = "head";
  want_header = "content-length";
  start(xfer("HEAD", "/hello", 5000), &r);
  run_until(&r.done);
  CHECK(r.status == 200);
  CHECK(r.body_len == 0);
  CHECK(strcmp(r.header, "5") == 0);

  current = "204";
  start(xfer("GET", "/nocontent", 5000), &r);
  run_until(&r.done);
  CHECK(r.status == 204);
  CHECK(r.body_len == 0);

  current = "big answer";
  start(xfer("GET", "/big", 10000), &r);
  run_until(&r.done);
  CHECK(r.status == 200);
  CHECK(r.body_len == 3 * 1024 * 1024);
  want_header = NULL;
}

static void test_multipart(void) {
  current = "multipart";
  result_t r;
  want_header = "x-content-type";
  curl_xfer_t *x = xfer("POST", "/echo", 5000);
  CHECK(curl_xfer_add_part(x, "chat_id", "42", 2, NULL, NULL) == 0);
  CHECK(curl_xfer_add_part(x, "photo", "\x89PNG", 4, "a.png", "image/png") == 0);
  start(x, &r);
  run_until(&r.done);
  CHECK(r.status == 200);
  CHECK(strncmp(r.header, "multipart/form-data; boundary=", 30) == 0);
  CHECK(strstr(r.body, "name=\"chat_id\"") != NULL);
  want_header = NULL;
}

static void test_too_large(void) {
  current = "413";
  result_t r;
  size_t n = 2 * 1024 * 1024;
  char *body = malloc(n);
  memset(body, 'z', n);
  int before = auto_answers;
  curl_xfer_t *x = xfer("POST", "/echo", 5000);
  curl_xfer_set_body(x, body, n);
  free(body);
  start(x, &r);
  run_until(&r.done);
  CHECK(r.status == 413);
  CHECK(strcmp(r.body, "{\"error\":\"too large\"}") == 0);
  CHECK(auto_answers == before + 1);

  current = "client max body";
  x = xfer("GET", "/big", 5000);
  curl_xfer_set_max_body(x, 1000);
  start(x, &r);
  run_until(&r.done);
  CHECK(r.code && strcmp(r.code, "too_large") == 0);
}

static void test_raw(void) {
  raw_result_t r;
  current = "400 malformed";
  const char *bad = "BLAH / HTTP/1.1\r\n\r\n";
  raw(bad, strlen(bad), 3000, &r);
  CHECK(r.status == 0);               /* server closed after answering */
  CHECK(strncmp(r.data, "HTTP/1.1 400 Bad Request\r\n", 26) == 0);
  CHECK(strstr(r.data, "Connection: close\r\n") != NULL);
  CHECK(strstr(r.data, "{\"error\":\"malformed\"}") != NULL);

  current = "431";
  buf_t b;
  buf_init(&b);
  buf_adds(&b, "GET / HTTP/1.1\r\nX: ");
  for (int i = 0; i < 17000; i++) buf_addc(&b, 'h');
  buf_adds(&b, "\r\n\r\n");
  raw(b.data, b.len, 3000, &r);
  CHECK(strncmp(r.data, "HTTP/1.1 431 ", 13) == 0);
  buf_free(&b);

  current = "pipelined in order";
  /* the first is slow, the second fast: answers must still come in order */
  const char *pipe =
      "GET /slow?150 HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /echo HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
      "GET /slow?10 HTTP/1.1\r\nConnection: close\r\n\r\n";
  raw(pipe, strlen(pipe), 3000, &r);
  CHECK(r.status == 0);
  const char *a = strstr(r.data, "slow 150"), *b2 = strstr(r.data, "hello"),
             *c = strstr(r.data, "abc"), *d = strstr(r.data, "slow 10");
  CHECK(a && b2 && c && d && a < b2 && b2 < c && c < d);
  CHECK(strstr(r.data, "Connection: keep-alive") != NULL);

  current = "http/1.0 closes";
  const char *h10 = "GET /hello HTTP/1.0\r\n\r\n";
  raw(h10, strlen(h10), 3000, &r);
  CHECK(r.status == 0);
  CHECK(strstr(r.data, "hello") != NULL);

  current = "keep-alive stays open";
  const char *ka = "GET /hello HTTP/1.1\r\n\r\n";
  raw(ka, strlen(ka), 300, &r);
  CHECK(r.status == UV_ETIMEDOUT);    /* answered, but not closed */
  CHECK(strstr(r.data, "hello") != NULL);

  current = "peer gone while busy";
  int late = late_answers;
  const char *slow = "GET /slow?300 HTTP/1.1\r\n\r\n";
  raw(slow, strlen(slow), 50, &r);    /* gives up and closes before the answer */
  CHECK(r.status == UV_ETIMEDOUT);
  CHECK(r.len == 0);
  spin(400);
  CHECK(late_answers == late + 1);    /* answered into the void, harmlessly */
}

/* An idle connection and a request that never completes are both closed by
** the sweep once idle_ms passes (checked once a second). */
static void test_idle(void) {
  current = "idle timeout";
  http_server_t *s = http_server_new(loop, handler, NULL);
  http_server_set_idle_timeout(s, 300);
  CHECK(http_server_listen(s, "127.0.0.1", 0) == 0);
  int saved = port;
  port = http_server_port(s);
  raw_result_t r;
  uint64_t t0 = uv_now(loop);
  const char *partial = "GET /hello HTTP/1.1\r\nHost: x\r\n";   /* never finished */
  raw(partial, strlen(partial), 5000, &r);
  CHECK(r.status == 0);                                        /* closed by the server */
  CHECK(r.len == 0);
  CHECK(uv_now(loop) - t0 < 2500);
  const char *ka = "GET /hello HTTP/1.1\r\n\r\n";
  raw(ka, strlen(ka), 5000, &r);                                 /* answered, then idle */
  CHECK(r.status == 0);
  CHECK(strstr(r.data, "hello") != NULL);
  port = saved;
  http_server_close(s, 0);
}

static void test_errors(void) {
  current = "client timeout";
  result_t r;
  start(xfer("GET", "/slow?1500", 300), &r);
  run_until(&r.done);
  CHECK(r.code && strcmp(r.code, "timeout") == 0);
  CHECK(r.ms < 1000);

  current = "refused";
  curl_xfer_t *x = curl_xfer_new(multi);
  curl_xfer_set_url(x, "http://127.0.0.1:1/");
  start(x, &r);
  run_until(&r.done);
  CHECK(r.code && strcmp(r.code, "refused") == 0);

  current = "bad url";
  x = curl_xfer_new(multi);
  curl_xfer_set_url(x, "ftp://127.0.0.1/");
  start(x, &r);
  run_until(&r.done);
  CHECK(r.code && strcmp(r.code, "url") == 0);

  current = "header injection refused";
  x = curl_xfer_new(multi);
  CHECK(curl_xfer_add_header(x, "X: a\r\nY: b") == -1);
  curl_xfer_free(x);
  buf_t b;
  buf_init(&b);
  CHECK(http_header_append(&b, "X-Ok", 4, "v", 1) == 0);
  CHECK(http_header_append(&b, "Bad Name", 8, "v", 1) == -1);
  CHECK(http_header_append(&b, "X", 1, "a\r\nSet-Cookie: x", 16) == -1);
  CHECK(b.len == strlen("X-Ok: v\r\n"));
  buf_free(&b);
}

static void test_concurrent(void) {
  current = "concurrent";
  enum { N = 40 };
  result_t r[N];
  for (int i = 0; i < N; i++)
    start(xfer("GET", i % 4 == 0 ? "/slow?200" : "/hello", 5000), &r[i]);
  for (int i = 0; i < N; i++) run_until(&r[i].done);
  for (int i = 0; i < N; i++) {
    CHECK(r[i].status == 200);
    if (i % 4) CHECK(r[i].ms < 150);  /* not held up by the slow ones */
  }

  current = "abandon running";
  result_t never;
  memset(&never, 0, sizeof never);
  curl_xfer_t *x = xfer("GET", "/slow?100", 5000);
  curl_xfer_start(x, on_curl_done, &never);
  uv_run(loop, UV_RUN_NOWAIT);
  curl_xfer_free(x);
  spin(300);
  CHECK(!never.done);
}

static void test_close_with_running(void) {
  current = "destroy with running";
  result_t r;
  start(xfer("GET", "/slow?300", 10000), &r);
  uv_run(loop, UV_RUN_NOWAIT);
  curl_pool_destroy(multi);
  CHECK(r.done);
  CHECK(r.code && strcmp(r.code, "closed") == 0);
  multi = NULL;
}

int main(void) {
  loop = uv_default_loop();
  server = http_server_new(loop, handler, NULL);
  http_server_on_auto(server, on_auto);
  int rc = http_server_listen(server, "127.0.0.1", 0);
  if (rc) {
    fprintf(stderr, "listen: %s\n", uv_strerror(rc));
    return 1;
  }
  port = http_server_port(server);
  CHECK(port > 0);
  multi = curl_pool_create(loop);

  /* a second server on the same port: SO_REUSEPORT */
  http_server_t *twin = http_server_new(loop, handler, NULL);
  current = "reuseport";
  CHECK(http_server_listen(twin, "127.0.0.1", port) == 0);
  http_server_close(twin, 0);

  test_basic();
  test_multipart();
  test_too_large();
  test_raw();
  test_idle();
  test_errors();
  test_concurrent();
  test_close_with_running();

  /* Closing with requests in flight: a grace period lets one finish... */
  current = "close with grace";
  multi = curl_pool_create(loop);
  result_t graced, dropped;
  start(xfer("GET", "/slow?100", 5000), &graced);
  spin(30);
  http_server_close(server, 5000);
  run_until(&graced.done);
  CHECK(graced.status == 200);
  CHECK(strcmp(graced.body, "slow 100") == 0);

  /* ...and grace 0 drops it: the handler's late answer goes nowhere. */
  current = "close without grace";
  server = http_server_new(loop, handler, NULL);
  CHECK(http_server_listen(server, "127.0.0.1", 0) == 0);
  port = http_server_port(server);
  int late = late_answers;
  start(xfer("GET", "/slow?100", 5000), &dropped);
  spin(30);
  http_server_close(server, 0);
  run_until(&dropped.done);
  CHECK(dropped.code && strcmp(dropped.code, "closed") == 0);
  spin(150);
  CHECK(late_answers == late + 1);
  curl_pool_destroy(multi);

  uv_run(loop, UV_RUN_DEFAULT);
  current = "loop dry";
  CHECK(uv_loop_alive(loop) == 0);
  CHECK(uv_loop_close(loop) == 0);
  printf("test_http_server: %d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
