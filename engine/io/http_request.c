/*
** http_request.c — incremental HTTP/1.x request parsing. See http_request.h.
**
** http_parser does the protocol (request line, header syntax, Content-Length
** versus chunked, keep-alive rules); this file collects what it reports into
** one request, enforces our limits and stops after each complete message by
** pausing the parser, which is how pipelined requests come out one by one.
*/
#include <string.h>
#include <strings.h>

#include "http_request.h"

enum { CUR_NONE, CUR_URL, CUR_FIELD, CUR_VALUE };

#define P(hp) ((http_req_parser_t *)(hp)->data)

/* ====================================================================
** Collecting the pieces
** ==================================================================== */

/* Closes the item being collected: its bytes end with a NUL and its length
** is recorded where it belongs. Called when the kind of data changes, which is
** the only way http_parser tells where one header field ends. */
static void end_item(http_req_parser_t *p) {
  size_t len = p->text.len - p->cur_off;
  switch (p->cur) {
    case CUR_URL:
      p->url_off = p->cur_off;
      p->url_len = len;
      break;
    case CUR_FIELD:
      p->name_len[p->req.nheaders - 1] = (uint32_t)len;
      break;
    case CUR_VALUE:
      p->val_len[p->req.nheaders - 1] = (uint32_t)len;
      break;
    default:
      return;
  }
  buf_addc(&p->text, '\0');
  p->cur = CUR_NONE;
}

static int fail(http_req_parser_t *p, int err) {
  if (!p->err) p->err = err;
  return -1;
}

/* Counts bytes against the header budget; trailers of a chunked body count
** too, so they cannot grow without bound even though they are dropped. */
static int charge(http_req_parser_t *p, size_t n) {
  p->header_bytes += n;
  return p->header_bytes > HTTP_REQ_MAX_HEADER_BYTES ? fail(p, HTTP_REQ_EHEADERS) : 0;
}

static int on_message_begin(http_parser *hp) {
  P(hp)->started = 1;
  return 0;
}

static int on_url(http_parser *hp, const char *at, size_t n) {
  http_req_parser_t *p = P(hp);
  if (p->cur != CUR_URL) {
    end_item(p);
    p->cur = CUR_URL;
    p->cur_off = p->text.len;
  }
  if (p->text.len - p->cur_off + n > HTTP_REQ_MAX_URL) return fail(p, HTTP_REQ_EURI);
  if (charge(p, n)) return -1;
  buf_add(&p->text, at, n);
  return 0;
}

/* RFC 9110 token characters. http_parser lets "Name : v" and "Bad Name: v"
** through; a proxy in front might read such a header differently from us
** (request smuggling), so anything but a token is malformed. */
static int is_tchar(unsigned char c) {
  if ((c | 32) >= 'a' && (c | 32) <= 'z') return 1;
  if (c >= '0' && c <= '9') return 1;
  return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int on_header_field(http_parser *hp, const char *at, size_t n) {
  http_req_parser_t *p = P(hp);
  if (charge(p, n)) return -1;
  if (hp->flags & F_TRAILING) return 0;
  if (p->cur != CUR_FIELD) {
    end_item(p);
    if (p->req.nheaders == HTTP_REQ_MAX_HEADERS) return fail(p, HTTP_REQ_EHEADERS);
    p->req.nheaders++;
    p->cur = CUR_FIELD;
    p->cur_off = p->text.len;
    p->name_off[p->req.nheaders - 1] = (uint32_t)p->cur_off;
    p->val_off[p->req.nheaders - 1] = 0;
    p->val_len[p->req.nheaders - 1] = 0;
  }
  buf_reserve(&p->text, n);
  char *dst = p->text.data + p->text.len;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)at[i];
    if (!is_tchar(c)) return fail(p, HTTP_REQ_EBAD);
    dst[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
  }
  p->text.len += n;
  return 0;
}

static int on_header_value(http_parser *hp, const char *at, size_t n) {
  http_req_parser_t *p = P(hp);
  if (charge(p, n)) return -1;
  if (hp->flags & F_TRAILING) return 0;
  if (p->cur != CUR_VALUE) {
    end_item(p);
    p->cur = CUR_VALUE;
    p->cur_off = p->text.len;
    p->val_off[p->req.nheaders - 1] = (uint32_t)p->cur_off;
  }
  /* RFC 9110 field values have no control characters but HTAB. http_parser
  ** lets a NUL and obs-fold line breaks through; RFC 9112 allows rejecting
  ** the fold, and a NUL would cut the value short for C readers. */
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)at[i];
    if ((c < 0x20 && c != '\t') || c == 0x7f) return fail(p, HTTP_REQ_EBAD);
  }
  buf_add(&p->text, at, n);
  return 0;
}

/* ====================================================================
** Turning offsets into the request
** ==================================================================== */

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* Splits the target into path and query. Origin-form ("/a?b") is what
** clients send; absolute-form ("http://host/a?b") is legal too and is reduced
** to the same. The copies go at the end of text, so they are NUL-terminated. */
static void split_target(http_req_parser_t *p, size_t *path_off, size_t *path_len,
                         size_t *query_off, size_t *query_len) {
  const char *u = p->text.data + p->url_off;
  size_t n = p->url_len;
  size_t poff = 0, plen = n, qoff = 0, qlen = 0;   /* relative to u */
  int root = 0;                                    /* path is "/" (not in u) */
  if (p->hp.method == HTTP_CONNECT) {
    /* the target is an authority; keep it whole as the path */
  } else if (n > 0 && u[0] != '/' && u[0] != '*') {
    struct http_parser_url pu;
    http_parser_url_init(&pu);
    if (http_parser_parse_url(u, n, 0, &pu) == 0) {
      root = 1;
      if (pu.field_set & (1 << UF_PATH)) {
        root = 0;
        poff = pu.field_data[UF_PATH].off;
        plen = pu.field_data[UF_PATH].len;
      }
      if (pu.field_set & (1 << UF_QUERY)) {
        qoff = pu.field_data[UF_QUERY].off;
        qlen = pu.field_data[UF_QUERY].len;
      }
    }
  } else {
    const char *hash = memchr(u, '#', n);
    if (hash) n = (size_t)(hash - u);
    const char *q = memchr(u, '?', n);
    plen = q ? (size_t)(q - u) : n;
    if (q) {
      qoff = plen + 1;
      qlen = n - plen - 1;
    }
  }
  /* Offsets, not pointers: the reserves below may move text.data. */
  size_t base = p->url_off;
  *path_off = p->text.len;
  if (root) {
    buf_addc(&p->text, '/');
    plen = 1;
  } else {
    buf_reserve(&p->text, plen);
    memcpy(p->text.data + p->text.len, p->text.data + base + poff, plen);
    p->text.len += plen;
  }
  *path_len = plen;
  buf_addc(&p->text, '\0');
  *query_off = p->text.len;
  *query_len = qlen;
  buf_reserve(&p->text, qlen);
  memcpy(p->text.data + p->text.len, p->text.data + base + qoff, qlen);
  p->text.len += qlen;
  buf_addc(&p->text, '\0');
}

static void trim_value(char *base, uint32_t *off, uint32_t *len) {
  while (*len > 0 && is_blank(base[*off])) (*off)++, (*len)--;
  while (*len > 0 && is_blank(base[*off + *len - 1])) (*len)--;
  base[*off + *len] = '\0';
}

static int on_headers_complete(http_parser *hp) {
  http_req_parser_t *p = P(hp);
  end_item(p);
  http_request_t *r = &p->req;
  size_t path_off, path_len, query_off, query_len;
  split_target(p, &path_off, &path_len, &query_off, &query_len);

  /* text no longer grows for this request: pointers are safe from here. */
  char *t = p->text.data;
  r->url = t + p->url_off;
  r->url_len = p->url_len;
  r->path = t + path_off;
  r->path_len = path_len;
  r->query = t + query_off;
  r->query_len = query_len;
  for (int i = 0; i < r->nheaders; i++) {
    http_header_t *h = &r->headers[i];
    h->name = t + p->name_off[i];
    h->name_len = p->name_len[i];
    if (p->val_len[i] == 0 && p->val_off[i] == 0) {
      h->value = "";
      h->value_len = 0;
      continue;
    }
    trim_value(t, &p->val_off[i], &p->val_len[i]);
    h->value = t + p->val_off[i];
    h->value_len = p->val_len[i];
  }
  r->method_id = hp->method;
  r->method = http_method_str((enum http_method)hp->method);
  r->http_major = hp->http_major;
  r->http_minor = hp->http_minor;

  int chunked = (hp->flags & F_CHUNKED) != 0;
  int has_length = (hp->flags & F_CONTENTLENGTH) != 0;
  if (has_length && hp->content_length > p->body_limit) return fail(p, HTTP_REQ_ETOOLARGE);
  if (chunked || (has_length && hp->content_length > 0)) {
    const char *expect = http_req_header(r, "expect");
    if (expect && strcasecmp(expect, "100-continue") == 0 && hp->http_minor >= 1)
      p->expect_continue = 1;
    if (has_length) buf_reserve(&p->body, (size_t)hp->content_length);
  }
  return 0;
}

static int on_body(http_parser *hp, const char *at, size_t n) {
  http_req_parser_t *p = P(hp);
  if (p->body.len + n > p->body_limit) return fail(p, HTTP_REQ_ETOOLARGE);
  buf_add(&p->body, at, n);
  return 0;
}

/* A chunk announced bigger than what is left of the limit fails before any
** of its bytes arrive. */
static int on_chunk_header(http_parser *hp) {
  http_req_parser_t *p = P(hp);
  if (hp->content_length > p->body_limit - p->body.len) return fail(p, HTTP_REQ_ETOOLARGE);
  return 0;
}

/* Pausing here makes http_parser_execute return right after this message, so
** the bytes of a pipelined next request stay with the caller until it is ready. */
static int on_message_complete(http_parser *hp) {
  http_req_parser_t *p = P(hp);
  http_request_t *r = &p->req;
  r->body = p->body.len ? buf_cstr(&p->body) : "";
  r->body_len = p->body.len;
  r->keep_alive = http_should_keep_alive(hp) && !hp->upgrade;
  p->complete = 1;
  http_parser_pause(hp, 1);
  return 0;
}

static const http_parser_settings settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
    .on_chunk_header = on_chunk_header,
};

/* ====================================================================
** Public
** ==================================================================== */

/* Buffers keep their capacity between requests, so a keep-alive connection
** parses without allocating; one unusually large request does not pin its
** memory for the connection's life though. */
static void reset(http_req_parser_t *p) {
  if (p->body.cap > 64 * 1024) buf_free(&p->body);
  if (p->text.cap > 64 * 1024) buf_free(&p->text);
  buf_reset(&p->body);
  buf_reset(&p->text);
  memset(&p->req, 0, offsetof(http_request_t, headers));
  p->req.nheaders = 0;
  p->req.body = "";
  p->req.body_len = 0;
  p->req.keep_alive = 0;
  p->complete = p->started = p->expect_continue = 0;
  p->cur = CUR_NONE;
  p->cur_off = p->header_bytes = p->url_off = p->url_len = 0;
}

void http_req_parser_init(http_req_parser_t *p, size_t body_limit) {
  memset(p, 0, sizeof *p);
  http_parser_init(&p->hp, HTTP_REQUEST);
  p->hp.data = p;
  p->body_limit = body_limit ? body_limit : HTTP_REQ_DEFAULT_BODY_LIMIT;
  buf_init(&p->text);
  buf_init(&p->body);
  reset(p);
}

void http_req_parser_free(http_req_parser_t *p) {
  buf_free(&p->text);
  buf_free(&p->body);
}

int http_req_feed(http_req_parser_t *p, const char *data, size_t len, size_t *used) {
  *used = 0;
  if (p->err) return p->err;
  if (p->complete) {
    reset(p);
    http_parser_pause(&p->hp, 0);
  }
  if (len == 0) return HTTP_REQ_MORE;   /* 0 would mean EOF to http_parser */
  size_t n = http_parser_execute(&p->hp, &settings, data, len);
  *used = n;
  enum http_errno e = HTTP_PARSER_ERRNO(&p->hp);
  if (p->complete) return HTTP_REQ_DONE;   /* paused by on_message_complete */
  if (p->err) return p->err;
  if (e == HPE_HEADER_OVERFLOW) return p->err = HTTP_REQ_EHEADERS;
  if (e != HPE_OK || n != len) return p->err = HTTP_REQ_EBAD;
  return HTTP_REQ_MORE;
}

int http_req_in_progress(const http_req_parser_t *p) {
  return p->started && !p->complete;
}

int http_req_take_continue(http_req_parser_t *p) {
  int v = p->expect_continue && !p->err;
  p->expect_continue = 0;
  return v;
}

const char *http_req_header(const http_request_t *r, const char *name) {
  size_t n = strlen(name);
  for (int i = 0; i < r->nheaders; i++)
    if (r->headers[i].name_len == n && strncasecmp(r->headers[i].name, name, n) == 0)
      return r->headers[i].value;
  return NULL;
}

int http_req_error_status(int rc) {
  switch (rc) {
    case HTTP_REQ_ETOOLARGE: return 413;
    case HTTP_REQ_EHEADERS: return 431;
    case HTTP_REQ_EURI: return 414;
    default: return 400;
  }
}

const char *http_req_strerror(int rc) {
  switch (rc) {
    case HTTP_REQ_MORE: return "incomplete";
    case HTTP_REQ_DONE: return "complete";
    case HTTP_REQ_ETOOLARGE: return "too large";
    case HTTP_REQ_EHEADERS: return "headers too large";
    case HTTP_REQ_EURI: return "uri too long";
    default: return "malformed";
  }
}
