/*
** fuzz_http_request.c — libFuzzer target for the HTTP request parser.
**
** The first byte of the input seeds the fragment sizes, the rest is the byte
** stream a client sends. The stream is fed in pieces the way a socket would
** cut it; after each complete request every field is read back in full, so
** ASan sees any pointer that leads outside the parser's buffers, and the
** invariants the server relies on are asserted (lengths match the NUL
** terminators, errors are sticky, used never exceeds what was fed).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/http_request.h"

static volatile size_t sink;

static void touch(const char *s, size_t n) {
  if (strlen(s) != n) abort();
  for (size_t i = 0; i < n; i++) sink += (unsigned char)s[i];
  if (s[n] != '\0') abort();
}

static void check_request(const http_request_t *r) {
  if (!r->method) abort();
  touch(r->url, r->url_len);
  touch(r->path, r->path_len);
  touch(r->query, r->query_len);
  if (r->nheaders < 0 || r->nheaders > HTTP_REQ_MAX_HEADERS) abort();
  size_t total = 0;
  for (int i = 0; i < r->nheaders; i++) {
    touch(r->headers[i].name, r->headers[i].name_len);
    touch(r->headers[i].value, r->headers[i].value_len);
    total += r->headers[i].name_len + r->headers[i].value_len;
  }
  if (total + r->url_len > HTTP_REQ_MAX_HEADER_BYTES) abort();
  /* the body may hold NULs: only its terminator and bytes are checked */
  for (size_t i = 0; i < r->body_len; i++) sink += (unsigned char)r->body[i];
  if (r->body[r->body_len] != '\0') abort();
  if (r->body_len > 4096) abort();                    /* the limit below */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint32_t seed = data[0];
  data++, size--;
  http_req_parser_t p;
  http_req_parser_init(&p, 4096);
  size_t off = 0;
  int err = 0;
  while (off < size) {
    seed = seed * 1103515245u + 12345u;
    size_t want = seed % 7 == 0 ? size - off : 1 + (seed >> 16) % 64;
    if (want > size - off) want = size - off;
    size_t used;
    int rc = http_req_feed(&p, (const char *)data + off, want, &used);
    if (used > want) abort();
    off += used;
    if (rc == HTTP_REQ_DONE) {
      check_request(&p.req);
      (void)http_req_header(&p.req, "content-type");
      (void)http_req_take_continue(&p);
    } else if (rc == HTTP_REQ_MORE) {
      if (used != want) abort();
    } else {
      err = rc;
      break;
    }
  }
  if (err) {
    size_t used;
    if (http_req_feed(&p, "GET / HTTP/1.1\r\n\r\n", 18, &used) != err) abort();
    if (http_req_error_status(err) < 400) abort();
  }
  http_req_parser_free(&p);
  return 0;
}
