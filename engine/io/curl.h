/*
** curl.h — HTTP(S) client: libcurl's multi interface driven by the libuv loop.
** No Lua. One curl_pool_t per process (it keeps the connection cache, so
** repeated calls to the same host reuse connections); any number of
** transfers run on it at once.
**
** A transfer's life:
**
**     curl_xfer_t *x = curl_xfer_new(m);
**     curl_xfer_set_url(x, "https://api.telegram.org/...");
**     curl_xfer_set_method / add_header / set_body / set_timeout ...
**     curl_xfer_start(x, on_done, ud);      // on_done runs exactly once, later
**     ...
**     on_done(x, ud): read curl_xfer_result(x), then (now or later) curl_xfer_free(x)
**
** on_done runs from a libuv callback at the loop's top level, never inside a
** libcurl call, and never synchronously inside curl_xfer_start. A transfer
** always ends: libcurl's own timeout, a watchdog a little later in case
** libcurl does not, or curl_pool_destroy (code "closed").
**
** curl_xfer_free on a running transfer abandons it: on_done is not called.
*/
#ifndef ENG_CURL_H
#define ENG_CURL_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "buf.h"

typedef struct curl_pool curl_pool_t;
typedef struct curl_xfer curl_xfer_t;
typedef void (*curl_done_fn)(curl_xfer_t *x, void *ud);

typedef struct curl_result {
  long status;                /* HTTP status; 0 when there was no response */
  const char *code;           /* NULL on success, else a short lowercase code:
                              ** "timeout" "refused" "resolve" "closed" "tls"
                              ** "url" "too_large" "failed" */
  const char *error;          /* one line for people when code is set */
  buf_t body;
  buf_t headers;              /* nheaders pairs "name\0value\0", names lowercased;
                              ** only the final response's headers */
  int nheaders;
} curl_result_t;

curl_pool_t *curl_pool_create(uv_loop_t *loop);
/* Ends every running transfer with code "closed" (their on_done runs before
** this returns: it is not a libcurl callback) and frees the multi once its
** libuv handles have closed. */
void curl_pool_destroy(curl_pool_t *m);
int curl_pool_running(const curl_pool_t *m);

curl_xfer_t *curl_xfer_new(curl_pool_t *m);
/* 0, or -1 when the URL is not http(s) or has bytes libcurl refuses. */
int curl_xfer_set_url(curl_xfer_t *x, const char *url);
/* "GET" (default), "POST", "PUT", "PATCH", "DELETE", "HEAD", ... */
void curl_xfer_set_method(curl_xfer_t *x, const char *method);
/* A full "Name: value" line. -1 when it contains CR or LF. */
int curl_xfer_add_header(curl_xfer_t *x, const char *line);
/* The request body, copied. */
void curl_xfer_set_body(curl_xfer_t *x, const char *data, size_t len);
/* A multipart/form-data part (file uploads); filename and ctype may be NULL. */
int curl_xfer_add_part(curl_xfer_t *x, const char *name, const char *data, size_t len,
                       const char *filename, const char *ctype);
void curl_xfer_set_timeout(curl_xfer_t *x, uint64_t ms);      /* default 30 s */
void curl_xfer_set_max_body(curl_xfer_t *x, size_t bytes);    /* default 64 MiB */
void curl_xfer_set_follow(curl_xfer_t *x, int max_redirects); /* default 0: do not */

/* 0, or -1 when libcurl refused the transfer (see the result's code). */
int curl_xfer_start(curl_xfer_t *x, curl_done_fn fn, void *ud);
const curl_result_t *curl_xfer_result(const curl_xfer_t *x);
void curl_xfer_free(curl_xfer_t *x);

#endif
