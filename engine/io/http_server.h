/*
** http_server.h — the HTTP/1.1 server on libuv. No Lua: it hands each complete
** request to one C callback and writes back whatever that callback answers.
**
** Connections are keep-alive, one request at a time: a pipelined request is
** parsed only after the previous one is answered, so answers always leave in
** order. Malformed or oversized requests are answered here (400, 413, 414,
** 431) and the connection is closed; routing (404/405) is the caller's.
**
** Lifetimes. The callback gets an http_conn_t and must call http_conn_respond
** exactly once, now or later. Until then the connection struct stays
** allocated even if the peer has gone, so a late answer is harmless: it is
** dropped. The request passed to the callback is valid until that respond.
** http_server_close stops accepting, closes idle connections, lets busy ones
** answer within a grace period (then closes them) and frees the server when
** the last one is gone.
*/
#ifndef HTTP_SERVER_H
#define HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "buf.h"
#include "io/http_request.h"

typedef struct http_server http_server_t;
typedef struct http_conn http_conn_t;

typedef void (*http_request_fn)(void *ud, http_conn_t *c, const http_request_t *req);
/* Told about each answer the server made by itself (400, 413, ...). */
typedef void (*http_auto_fn)(void *ud, int status);

http_server_t *http_server_new(uv_loop_t *loop, http_request_fn fn, void *ud);
void http_server_on_auto(http_server_t *s, http_auto_fn fn);
/* Applies to requests not yet begun, on all connections. */
void http_server_set_body_limit(http_server_t *s, size_t bytes);
void http_server_set_idle_timeout(http_server_t *s, uint64_t ms);

/* Binds host:port with SO_REUSEPORT (several processes may share the port)
** and starts accepting. host is an IP address or a name resolved once, now.
** port 0 picks a free port: see http_server_port. 0 or a negative uv error;
** after an error, http_server_close the server. */
int http_server_listen(http_server_t *s, const char *host, int port);
int http_server_port(const http_server_t *s);
/* grace_ms 0 closes every connection now (late answers are dropped). */
void http_server_close(http_server_t *s, uint64_t grace_ms);

/* Answers the request http_request_fn was given. headers is zero or more
** complete "Name: value\r\n" lines (see http_header_append); the server adds
** the status line, Date, Content-Length and Connection. keep_alive 0 closes
** the connection after this answer even when the client wanted to keep it. */
void http_conn_respond(http_conn_t *c, int status, const char *headers, size_t hlen,
                       const char *body, size_t blen, int keep_alive);
/* "ip:port" of the peer ("" when unknown). */
const char *http_conn_remote(http_conn_t *c);
/* 0 once the peer has gone (an answer now would be dropped). */
int http_conn_is_open(const http_conn_t *c);

/* Appends "Name: value\r\n" to out. -1 (nothing appended) when the name is
** not an HTTP token or the value holds CR, LF or NUL: that is how a header
** coming from a script could split the response. */
int http_header_append(buf_t *out, const char *name, size_t nlen, const char *value,
                       size_t vlen);

/* A tiny raw TCP client, for tests that must send bytes no HTTP client would:
** connects to host:port (an IP address), writes data, reads until the peer
** closes or timeout_ms passes, then calls fn exactly once with 0 or a
** negative uv error (UV_ETIMEDOUT) and what was read (valid during the call).
** Returns 0, or a negative uv error without calling fn. */
typedef void (*http_raw_fn)(void *ud, int status, const char *data, size_t len);
int http_raw_exchange(uv_loop_t *loop, const char *host, int port, const char *data,
                      size_t len, uint64_t timeout_ms, http_raw_fn fn, void *ud);

#endif
