/*
** http1.h — a plain-HTTP/1.1 keep-alive client on libuv, for the calls that
** dominate a busy bot: JSON POSTs to a Bot API server on the local network
** (telegram-bot-api beside the engine, or the emulator). curl.c hands it
** the requests it can take (http://, no proxy, no upload form, no
** redirects) and keeps everything else — HTTPS above all — for libcurl.
**
** Why not libcurl for these too: per request it polls the socket twice
** (a liveness check and a wait), parses headers with sscanf and walks its
** state machine: several times the CPU per request of this one
** (bench/README.md has the measurements).
**
** A request's life: h1_start writes it on an idle kept-alive connection to
** the same host:port, or opens one; the response is parsed by http_parser
** into the caller's curl_result_t; fn runs exactly once, from a libuv
** callback (never inside h1_start), unless h1_cancel came first. A request
** that finds its kept-alive connection closed by the server before any
** byte of the answer is sent again once on a new connection, as browsers
** and libcurl do.
*/
#ifndef ENG_HTTP1_H
#define ENG_HTTP1_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "io/curl.h"

typedef struct h1_pool h1_pool_t;
typedef struct h1_req h1_req_t;
typedef void (*h1_done_fn)(void *ud);

h1_pool_t *h1_pool_new(uv_loop_t *loop);
/* Closes the idle connections; frees the pool once every handle has
** closed. Running requests must have been cancelled before. */
void h1_pool_close(h1_pool_t *p);

/* Whether url is one this client takes: http://host[:port][/path], host a
** name or an IPv4 address, no user info. */
int h1_url_ok(const char *url);

typedef struct h1_request {
  const char *url;
  const char *method;           /* uppercase */
  const char *headers;          /* "Name: value\r\n" lines, or NULL */
  size_t headers_len;
  const char *body;             /* NULL: none */
  size_t body_len;
  uint64_t timeout_ms;
  size_t max_body;
} h1_request_t;

/* Starts req; the answer goes to *res (status, body, headers, or code and
** error), then fn(ud) runs. The request's strings are copied. NULL when out
** of memory (nothing will run). */
h1_req_t *h1_start(h1_pool_t *p, const h1_request_t *req, curl_result_t *res, h1_done_fn fn, void *ud);
/* Abandons a running request: fn will not run; its connection is closed. */
void h1_cancel(h1_req_t *r);

#endif
