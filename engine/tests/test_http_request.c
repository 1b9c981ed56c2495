/*
** test_http_request.c — the request parser alone: valid, invalid, fragmented,
** pipelined, chunked and oversized requests. Every valid case is also fed in
** every two-piece split and byte by byte, because a socket may cut anywhere.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/http_request.h"
#define CHECK_CONTEXT current
#include "check.h"



#define CHECK_STR(got, want) CHECK((got) && strcmp((got), (want)) == 0)

static const char *current = "";

/* Feeds s in pieces of `step` bytes (0 = all at once) until one request is
** complete or an error; returns the result and how much of s was used. */
static int feed_steps(http_req_parser_t *p, const char *s, size_t len, size_t step,
                      size_t *consumed) {
  size_t off = 0;
  int rc = HTTP_REQ_MORE;
  while (off < len) {
    size_t n = step ? (len - off < step ? len - off : step) : len - off;
    size_t used;
    rc = http_req_feed(p, s + off, n, &used);
    off += used;
    if (rc != HTTP_REQ_MORE) break;
    if (used != n) { rc = -100; break; }
  }
  *consumed = off;
  return rc;
}

/* Feeds a two-piece split at `cut`. */
static int feed_split(http_req_parser_t *p, const char *s, size_t len, size_t cut,
                      size_t *consumed) {
  size_t used = 0, used2 = 0;
  int rc = http_req_feed(p, s, cut, &used);
  if (rc != HTTP_REQ_MORE || used != cut) { *consumed = used; return rc; }
  rc = http_req_feed(p, s + cut, len - cut, &used2);
  *consumed = used + used2;
  return rc;
}

typedef void (*check_fn)(const http_request_t *r);

/* A valid single request must parse the same whole, byte by byte, and at
** every cut point. */
static void valid(const char *name, const char *s, check_fn fn) {
  current = name;
  size_t len = strlen(s), used;
  http_req_parser_t p;
  for (size_t step = 0; step <= 3; step++) {
    http_req_parser_init(&p, 0);
    int rc = feed_steps(&p, s, len, step, &used);
    CHECK(rc == HTTP_REQ_DONE);
    CHECK(used == len);
    if (rc == HTTP_REQ_DONE) fn(&p.req);
    http_req_parser_free(&p);
  }
  for (size_t cut = 1; cut < len; cut++) {
    http_req_parser_init(&p, 0);
    int rc = feed_split(&p, s, len, cut, &used);
    CHECK(rc == HTTP_REQ_DONE);
    if (rc == HTTP_REQ_DONE) fn(&p.req);
    else fprintf(stderr, "  cut at %zu: rc %d\n", cut, rc);
    http_req_parser_free(&p);
  }
}

/* An invalid request must give `want` whole and byte by byte. */
static void invalid(const char *name, const char *s, size_t len, size_t limit, int want) {
  current = name;
  size_t used;
  for (size_t step = 0; step <= 1; step++) {
    http_req_parser_t p;
    http_req_parser_init(&p, limit);
    int rc = feed_steps(&p, s, len, step, &used);
    if (rc != want) fprintf(stderr, "  step %zu: rc %d, want %d\n", step, rc, want);
    CHECK(rc == want);
    /* errors are sticky */
    CHECK(http_req_feed(&p, "GET / HTTP/1.1\r\n\r\n", 18, &used) == want);
    http_req_parser_free(&p);
  }
}

/* ==================================================================== */

static void check_simple_get(const http_request_t *r) {
  CHECK_STR(r->method, "GET");
  CHECK_STR(r->path, "/healthz");
  CHECK(r->path_len == 8);
  CHECK_STR(r->query, "");
  CHECK(r->query_len == 0);
  CHECK(r->nheaders == 2);
  CHECK_STR(http_req_header(r, "host"), "example.com");
  CHECK_STR(http_req_header(r, "HOST"), "example.com");
  CHECK_STR(http_req_header(r, "User-Agent"), "t/1");
  CHECK(http_req_header(r, "accept") == NULL);
  CHECK(r->body_len == 0);
  CHECK_STR(r->body, "");
  CHECK(r->keep_alive == 1);
  CHECK(r->http_major == 1 && r->http_minor == 1);
}

static void check_query(const http_request_t *r) {
  CHECK_STR(r->path, "/api/v1/items");
  CHECK_STR(r->query, "a=1&b=%20x");
  CHECK(r->query_len == 10);
  CHECK_STR(r->url, "/api/v1/items?a=1&b=%20x#frag");
}

static void check_absolute(const http_request_t *r) {
  CHECK_STR(r->path, "/p/q");
  CHECK_STR(r->query, "x=1");
}

static void check_absolute_root(const http_request_t *r) {
  CHECK_STR(r->path, "/");
  CHECK_STR(r->query, "");
}

static void check_post(const http_request_t *r) {
  CHECK_STR(r->method, "POST");
  CHECK(r->method_id == HTTP_POST);
  CHECK_STR(r->path, "/telegram/webhook");
  CHECK(r->body_len == 13);
  CHECK_STR(r->body, "{\"update\":42}");
  CHECK_STR(http_req_header(r, "content-type"), "application/json");
}

static void check_headers_case(const http_request_t *r) {
  CHECK(r->nheaders == 4);
  CHECK_STR(r->headers[0].name, "x-telegram-bot-api-secret-token");
  CHECK_STR(r->headers[0].value, "s3cr3t");
  CHECK_STR(r->headers[1].name, "x-empty");
  CHECK_STR(r->headers[1].value, "");
  CHECK(r->headers[1].value_len == 0);
  CHECK_STR(r->headers[2].name, "x-spaces");
  CHECK_STR(r->headers[2].value, "a  b");
  CHECK_STR(r->headers[3].name, "host");
  CHECK_STR(http_req_header(r, "X-Telegram-Bot-Api-Secret-Token"), "s3cr3t");
}

static void check_close(const http_request_t *r) { CHECK(r->keep_alive == 0); }
static void check_keep(const http_request_t *r) { CHECK(r->keep_alive == 1); }

static void check_http10(const http_request_t *r) {
  CHECK(r->keep_alive == 0);
  CHECK(r->http_major == 1 && r->http_minor == 0);
}

static void check_chunked(const http_request_t *r) {
  CHECK_STR(r->method, "PUT");
  CHECK(r->body_len == 11);
  CHECK_STR(r->body, "hello world");
  CHECK(http_req_header(r, "trailer-x") == NULL);
}

static void check_utf8(const http_request_t *r) {
  CHECK_STR(r->body, "Привет, gʻoʻza");
}

static void check_delete(const http_request_t *r) {
  CHECK_STR(r->method, "DELETE");
  CHECK(r->body_len == 0);
}

static void check_upgrade(const http_request_t *r) {
  CHECK_STR(r->path, "/ws");
  CHECK(r->keep_alive == 0);
}

static void check_fold(const http_request_t *r) {
  CHECK_STR(http_req_header(r, "x"), "a b");
  CHECK_STR(http_req_header(r, "y"), "c");
}

static void test_valid(void) {
  valid("obs-fold becomes a space", "GET / HTTP/1.1\r\nX: a\r\n b\r\nY: c\r\n\r\n", check_fold);
  valid("simple get",
        "GET /healthz HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t/1\r\n\r\n",
        check_simple_get);
  valid("query and fragment",
        "GET /api/v1/items?a=1&b=%20x#frag HTTP/1.1\r\nHost: h\r\n\r\n", check_query);
  valid("absolute form", "GET http://example.com:8080/p/q?x=1 HTTP/1.1\r\nHost: h\r\n\r\n",
        check_absolute);
  valid("absolute form without path", "GET http://example.com HTTP/1.1\r\n\r\n",
        check_absolute_root);
  valid("post with body",
        "POST /telegram/webhook HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
        "Content-Length: 13\r\n\r\n{\"update\":42}",
        check_post);
  valid("header names lowercased, values trimmed",
        "GET / HTTP/1.1\r\nX-Telegram-Bot-Api-Secret-Token: s3cr3t\r\nX-Empty:\r\n"
        "X-Spaces:   a  b  \r\nHOST: h\r\n\r\n",
        check_headers_case);
  valid("connection close", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", check_close);
  valid("http/1.0 default close", "GET / HTTP/1.0\r\n\r\n", check_http10);
  valid("http/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        check_keep);
  valid("chunked body with extension and trailer",
        "PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer-X: y\r\n\r\n",
        check_chunked);
  valid("utf-8 body",
        "POST / HTTP/1.1\r\nContent-Length: 22\r\n\r\nПривет, gʻoʻza", check_utf8);
  valid("delete without body", "DELETE /orders/1 HTTP/1.1\r\nHost: h\r\n\r\n", check_delete);
  valid("upgrade closes", "GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
        check_upgrade);
}

/* ==================================================================== */

static void test_pipelined(void) {
  current = "pipelined";
  const char *s =
      "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
      "POST /b?q=1 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
      "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n"
      "GET /d HTTP/1.1\r\nConnection: close\r\n\r\n";
  const char *paths[] = {"/a", "/b", "/c", "/d"};
  const char *bodies[] = {"", "abc", "xy", ""};
  size_t len = strlen(s);
  /* whole buffer, then every fragment size */
  for (size_t step = 0; step <= 7; step++) {
    http_req_parser_t p;
    http_req_parser_init(&p, 0);
    size_t off = 0;
    int got = 0;
    while (off < len && got < 4) {
      size_t n = step ? (len - off < step ? len - off : step) : len - off;
      size_t used;
      int rc = http_req_feed(&p, s + off, n, &used);
      off += used;
      if (rc == HTTP_REQ_DONE) {
        CHECK_STR(p.req.path, paths[got]);
        CHECK_STR(p.req.body, bodies[got]);
        CHECK(p.req.keep_alive == (got < 3));
        if (got == 1) CHECK_STR(p.req.query, "q=1");
        got++;
      } else {
        CHECK(rc == HTTP_REQ_MORE);
        if (rc != HTTP_REQ_MORE) break;
      }
    }
    CHECK(got == 4);
    CHECK(off == len);
    http_req_parser_free(&p);
  }
}

/* Extra CRLFs between pipelined requests are tolerated (RFC 9112 2.2). */
static void test_leading_crlf(void) {
  current = "leading crlf";
  const char *s = "GET /a HTTP/1.1\r\n\r\n\r\nGET /b HTTP/1.1\r\n\r\n";
  http_req_parser_t p;
  http_req_parser_init(&p, 0);
  size_t used, off = 0;
  CHECK(http_req_feed(&p, s, strlen(s), &used) == HTTP_REQ_DONE);
  off += used;
  CHECK_STR(p.req.path, "/a");
  CHECK(http_req_feed(&p, s + off, strlen(s) - off, &used) == HTTP_REQ_DONE);
  CHECK_STR(p.req.path, "/b");
  http_req_parser_free(&p);
}

static void test_in_progress_and_continue(void) {
  current = "in progress / expect";
  http_req_parser_t p;
  http_req_parser_init(&p, 0);
  size_t used;
  CHECK(!http_req_in_progress(&p));
  const char *h = "POST /u HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n";
  CHECK(http_req_feed(&p, h, strlen(h), &used) == HTTP_REQ_MORE);
  CHECK(http_req_in_progress(&p));
  CHECK(http_req_take_continue(&p) == 1);
  CHECK(http_req_take_continue(&p) == 0);
  CHECK(http_req_feed(&p, "data", 4, &used) == HTTP_REQ_DONE);
  CHECK(!http_req_in_progress(&p));
  CHECK_STR(p.req.body, "data");
  http_req_parser_free(&p);

  /* over the limit: no 100 Continue, 413 right away */
  http_req_parser_init(&p, 10);
  h = "POST /u HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n";
  CHECK(http_req_feed(&p, h, strlen(h), &used) == HTTP_REQ_ETOOLARGE);
  CHECK(http_req_take_continue(&p) == 0);
  http_req_parser_free(&p);
}

/* A keep-alive connection must parse request after request without the
** buffers growing or old values leaking into new requests. */
static void test_reuse(void) {
  current = "reuse";
  http_req_parser_t p;
  http_req_parser_init(&p, 0);
  size_t used;
  for (int i = 0; i < 1000; i++) {
    char req[256];
    int n = i % 2 ? snprintf(req, sizeof req,
                             "POST /r%d HTTP/1.1\r\nX-N: %d\r\nContent-Length: 2\r\n\r\nok", i, i)
                  : snprintf(req, sizeof req, "GET /r%d?i=%d HTTP/1.1\r\n\r\n", i, i);
    int rc = http_req_feed(&p, req, (size_t)n, &used);
    CHECK(rc == HTTP_REQ_DONE);
    CHECK(used == (size_t)n);
    char path[32];
    snprintf(path, sizeof path, "/r%d", i);
    CHECK_STR(p.req.path, path);
    CHECK(p.req.nheaders == (i % 2 ? 2 : 0));
    CHECK(p.req.body_len == (size_t)(i % 2 ? 2 : 0));
    CHECK(p.req.query_len == (size_t)(i % 2 ? 0 : strlen(p.req.query)));
    if (failures) break;
  }
  CHECK(p.text.cap <= 1024);
  http_req_parser_free(&p);
}

/* ==================================================================== */

static void test_invalid(void) {
#define INV(name, s, limit, want) invalid(name, s, sizeof(s) - 1, limit, want)
  INV("garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 0, HTTP_REQ_EBAD);
  INV("bad method", "GOT / HTTP/1.1\r\n\r\n", 0, HTTP_REQ_EBAD);
  INV("lowercase method", "get / HTTP/1.1\r\n\r\n", 0, HTTP_REQ_EBAD);
  INV("bad version", "GET / HTTP/9.x\r\n\r\n", 0, HTTP_REQ_EBAD);
  INV("space before colon", "POST / HTTP/1.1\r\nTransfer-Encoding : chunked\r\n\r\n", 0,
      HTTP_REQ_EBAD);
  INV("no colon", "GET / HTTP/1.1\r\nHost\r\n\r\n", 0, HTTP_REQ_EBAD);
  INV("space in header name", "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", 0, HTTP_REQ_EBAD);
  INV("control char in url", "GET /a\x01 HTTP/1.1\r\n\r\n", 0, HTTP_REQ_EBAD);
  INV("bad content-length", "POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", 0,
      HTTP_REQ_EBAD);
  INV("two content-lengths", "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
      0, HTTP_REQ_EBAD);
  INV("content-length with chunked (smuggling)",
      "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0,
      HTTP_REQ_EBAD);
  INV("bad chunk size", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0,
      HTTP_REQ_EBAD);
  INV("nul byte", "GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n", 0, HTTP_REQ_EBAD);
  INV("bare LF in header value",
      "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", 0, HTTP_REQ_EBAD);
  INV("body too large by content-length",
      "POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", 10, HTTP_REQ_ETOOLARGE);
  INV("huge content-length",
      "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", 0, HTTP_REQ_EBAD);
  INV("chunked body too large",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\nghijkl\r\n", 10,
      HTTP_REQ_ETOOLARGE);
  INV("nul after colon", "GET / HTTP/1.1\r\nX:\0\n close\r\n\r\n", 0, HTTP_REQ_EBAD);
#undef INV
}

static void test_limits(void) {
  buf_t b;
  buf_init(&b);

  /* 64 headers pass, 65 do not */
  buf_adds(&b, "GET / HTTP/1.1\r\n");
  for (int i = 0; i < HTTP_REQ_MAX_HEADERS; i++) buf_printf(&b, "X-H%d: %d\r\n", i, i);
  buf_adds(&b, "\r\n");
  current = "64 headers";
  http_req_parser_t p;
  http_req_parser_init(&p, 0);
  size_t used;
  CHECK(http_req_feed(&p, b.data, b.len, &used) == HTTP_REQ_DONE);
  CHECK(p.req.nheaders == HTTP_REQ_MAX_HEADERS);
  CHECK_STR(http_req_header(&p.req, "x-h63"), "63");
  http_req_parser_free(&p);

  buf_reset(&b);
  buf_adds(&b, "GET / HTTP/1.1\r\n");
  for (int i = 0; i <= HTTP_REQ_MAX_HEADERS; i++) buf_printf(&b, "X-H%d: %d\r\n", i, i);
  buf_adds(&b, "\r\n");
  invalid("65 headers", b.data, b.len, 0, HTTP_REQ_EHEADERS);

  /* header bytes */
  buf_reset(&b);
  buf_adds(&b, "GET / HTTP/1.1\r\nX-Big: ");
  for (int i = 0; i < HTTP_REQ_MAX_HEADER_BYTES; i++) buf_addc(&b, 'a');
  buf_adds(&b, "\r\n\r\n");
  invalid("16 KiB header", b.data, b.len, 0, HTTP_REQ_EHEADERS);

  /* many headers of moderate size add up */
  buf_reset(&b);
  buf_adds(&b, "GET / HTTP/1.1\r\n");
  for (int i = 0; i < 20; i++) {
    buf_printf(&b, "X-%d: ", i);
    for (int j = 0; j < 1000; j++) buf_addc(&b, 'v');
    buf_adds(&b, "\r\n");
  }
  buf_adds(&b, "\r\n");
  invalid("20 KB of headers", b.data, b.len, 0, HTTP_REQ_EHEADERS);

  /* whitespace padding is not collected but http_parser's own cap stops it */
  buf_reset(&b);
  buf_adds(&b, "GET / HTTP/1.1\r\nX-Pad:");
  for (int i = 0; i < 100 * 1024; i++) buf_addc(&b, ' ');
  buf_adds(&b, "x\r\n\r\n");
  invalid("whitespace padding", b.data, b.len, 0, HTTP_REQ_EHEADERS);

  /* trailers count against the header budget */
  buf_reset(&b);
  buf_adds(&b, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n");
  for (int i = 0; i < 40; i++) {
    buf_printf(&b, "T-%d: ", i);
    for (int j = 0; j < 1000; j++) buf_addc(&b, 't');
    buf_adds(&b, "\r\n");
  }
  buf_adds(&b, "\r\n");
  invalid("trailer flood", b.data, b.len, 0, HTTP_REQ_EHEADERS);

  /* URL */
  buf_reset(&b);
  buf_adds(&b, "GET /");
  for (int i = 0; i < HTTP_REQ_MAX_URL; i++) buf_addc(&b, 'u');
  buf_adds(&b, " HTTP/1.1\r\n\r\n");
  invalid("long url", b.data, b.len, 0, HTTP_REQ_EURI);

  /* body exactly at the limit passes, one more byte does not */
  current = "body at limit";
  buf_reset(&b);
  buf_adds(&b, "POST / HTTP/1.1\r\nContent-Length: 1048576\r\n\r\n");
  for (int i = 0; i < 1024 * 1024; i++) buf_addc(&b, 'b');
  http_req_parser_init(&p, 0);
  CHECK(http_req_feed(&p, b.data, b.len, &used) == HTTP_REQ_DONE);
  CHECK(p.req.body_len == 1024 * 1024);
  /* the next request starts with small buffers again */
  CHECK(http_req_feed(&p, "GET / HTTP/1.1\r\n\r\n", 18, &used) == HTTP_REQ_DONE);
  CHECK(p.body.cap <= 64 * 1024);
  http_req_parser_free(&p);

  buf_reset(&b);
  buf_adds(&b, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n100001\r\n");
  invalid("chunk announced over 1 MiB", b.data, b.len, 0, HTTP_REQ_ETOOLARGE);
  buf_reset(&b);
  buf_adds(&b, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
  for (int i = 0; i < 16; i++) {
    buf_adds(&b, "10000\r\n");
    for (int j = 0; j < 0x10000; j++) buf_addc(&b, 'x');
    buf_adds(&b, "\r\n");
  }
  buf_adds(&b, "1\r\nx\r\n");
  invalid("chunked over 1 MiB", b.data, b.len, 0, HTTP_REQ_ETOOLARGE);

  buf_free(&b);
}

static void test_errors_text(void) {
  current = "error text";
  CHECK(http_req_error_status(HTTP_REQ_EBAD) == 400);
  CHECK(http_req_error_status(HTTP_REQ_ETOOLARGE) == 413);
  CHECK(http_req_error_status(HTTP_REQ_EHEADERS) == 431);
  CHECK(http_req_error_status(HTTP_REQ_EURI) == 414);
  CHECK_STR(http_req_strerror(HTTP_REQ_ETOOLARGE), "too large");
  CHECK_STR(http_req_strerror(HTTP_REQ_EBAD), "malformed");
}

int main(void) {
  test_valid();
  test_pipelined();
  test_leading_crlf();
  test_in_progress_and_continue();
  test_reuse();
  test_invalid();
  test_limits();
  test_errors_text();
  printf("test_http_request: %d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
