/*
** http_request.h — an HTTP/1.x request parser on top of http_parser (2.9).
**
** Pure: no sockets, no loop, no Lua. The server feeds it whatever bytes the
** socket gave (any fragment size, several pipelined requests in one read) and
** gets back one complete request at a time:
**
**     size_t used;
**     int rc = http_req_feed(&p, data, len, &used);
**     // rc == HTTP_REQ_DONE: p.req is complete; bytes past `used` belong to
**     //                       the next request: feed them after handling it.
**     // rc == HTTP_REQ_MORE: everything was consumed, need more bytes.
**     // rc <  0:             malformed or over a limit; the connection is done.
**
** Ownership: every pointer in p.req points into the parser's own buffers and
** stays valid until the next http_req_feed or http_req_parser_free. Strings
** are NUL-terminated (the lengths do not count the NUL). Header names are
** lowercased; values have surrounding blanks removed.
**
** Limits exist so that one client cannot make the server allocate without
** bound: at most HTTP_REQ_MAX_HEADERS header fields and HTTP_REQ_MAX_HEADER_BYTES
** of URL + names + values, a URL of at most HTTP_REQ_MAX_URL bytes, a body of at
** most body_limit bytes (Content-Length is checked before any body byte is read,
** a chunked body as it grows).
*/
#ifndef HTTP_REQUEST_H
#define HTTP_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include <http_parser.h>

#include "buf.h"

#define HTTP_REQ_MAX_HEADERS 64
#define HTTP_REQ_MAX_HEADER_BYTES (16 * 1024)
#define HTTP_REQ_MAX_URL (8 * 1024)
#define HTTP_REQ_DEFAULT_BODY_LIMIT (1024 * 1024)

/* http_req_feed results. Errors are sticky: once one is returned, every later
** feed returns it again. */
enum {
  HTTP_REQ_MORE = 0,          /* all input consumed, the request is not complete */
  HTTP_REQ_DONE = 1,          /* p->req holds a complete request */
  HTTP_REQ_EBAD = -1,         /* malformed request                  -> 400 */
  HTTP_REQ_ETOOLARGE = -2,    /* body over the limit                -> 413 */
  HTTP_REQ_EHEADERS = -3,     /* too many header fields or bytes    -> 431 */
  HTTP_REQ_EURI = -4,         /* request target too long            -> 414 */
};

typedef struct http_header {
  const char *name;           /* lowercase */
  const char *value;
  size_t name_len, value_len;
} http_header_t;

typedef struct http_request {
  const char *method;         /* "GET", "POST", ... */
  int method_id;              /* enum http_method */
  int http_major, http_minor;
  const char *url;            /* the raw request target */
  const char *path;           /* the target without query and fragment */
  const char *query;          /* after '?', without it; "" when none */
  size_t url_len, path_len, query_len;
  http_header_t headers[HTTP_REQ_MAX_HEADERS];
  int nheaders;
  const char *body;           /* "" when none */
  size_t body_len;
  int keep_alive;             /* 1: the connection may carry another request */
} http_request_t;

typedef struct http_req_parser {
  http_parser hp;
  http_request_t req;
  size_t body_limit;
  int err;                    /* sticky HTTP_REQ_E* or 0 */
  int complete;               /* req is complete; the next feed starts anew */
  int started;                /* some bytes of the current request were seen */
  int expect_continue;        /* client waits for "100 Continue" (see below) */
  /* Collection state: text holds the URL and the header fields, each
  ** NUL-terminated; offsets survive the buffer's reallocations and become
  ** pointers once the headers are complete. */
  buf_t text, body;
  int cur;                    /* what the last data callback was collecting */
  size_t cur_off;
  size_t header_bytes;
  size_t url_off, url_len;
  uint32_t name_off[HTTP_REQ_MAX_HEADERS], name_len[HTTP_REQ_MAX_HEADERS];
  uint32_t val_off[HTTP_REQ_MAX_HEADERS], val_len[HTTP_REQ_MAX_HEADERS];
} http_req_parser_t;

/* body_limit 0 means HTTP_REQ_DEFAULT_BODY_LIMIT. */
void http_req_parser_init(http_req_parser_t *p, size_t body_limit);
void http_req_parser_free(http_req_parser_t *p);

/* Feeds len bytes; *used receives how many were consumed. See the top. */
int http_req_feed(http_req_parser_t *p, const char *data, size_t len, size_t *used);

/* 1 while a request has begun but is not complete (an EOF now cuts it). */
int http_req_in_progress(const http_req_parser_t *p);

/* Returns 1 once per request when the client sent "Expect: 100-continue" and
** a body that fits is expected: the server should write "100 Continue". */
int http_req_take_continue(http_req_parser_t *p);

/* Case-insensitive header lookup; the first value or NULL. */
const char *http_req_header(const http_request_t *r, const char *name);

/* The HTTP status to answer an error with, and a short lowercase reason. */
int http_req_error_status(int rc);
const char *http_req_strerror(int rc);

#endif
