/*
** curl.c — libcurl multi_socket on libuv: the transfers. See curl.h. The
** sockets and the timer libcurl asks for are curl_uv.c's; plain-HTTP
** requests go to http1.c instead (curl_xfer_start decides).
**
** The glue has the shape of tarantool's src/curl.c and hiredis's libuv
** adapter: libcurl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION →
** one uv_poll per socket) and when to call it back (CURLMOPT_TIMERFUNCTION →
** one uv_timer); libuv tells libcurl what happened with
** curl_multi_socket_action; after each such call finished transfers are
** collected with curl_multi_info_read.
**
** Two rules keep this re-entrancy safe. Inside libcurl's callbacks we only
** (re)arm libuv handles: the timer callback never calls
** curl_multi_socket_action itself, even for a 0 ms timeout, it starts the
** uv_timer and the action happens on the next loop turn. And transfers are
** completed only from our own libuv callbacks, after curl_multi_socket_action
** has returned, so on_done may free its transfer or start another one.
*/
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "io/curl.h"
#include "io/curl_int.h"
#include "io/http1.h"
#include "io/tls_ca.h"
#include "metrics.h"

#define DEFAULT_TIMEOUT_MS 30000
#define DEFAULT_MAX_BODY (64u * 1024 * 1024)
#define WATCHDOG_SLACK_MS 2000        /* after libcurl's own timeout */
#define POOL_MAX 32                   /* idle transfers kept for reuse */
#define KEEP_BODY (256u * 1024)       /* buffers bigger than this are not kept */
#define KEEP_SMALL (16u * 1024)
/* Connections kept open, in use or idle, over every host. libcurl's default
** is four per transfer in progress, so when a burst of Bot API calls ended
** the connections it had opened were closed, and the next burst opened them
** again, a TLS handshake each. Units of work call the Bot API without a
** cap of their own; this is far above the calls a shop's bot has in flight. */
#define MAX_CONNECTS 256

enum { X_NEW, X_RUNNING, X_DONE };

struct curl_xfer {
  curl_pool_t *m;
  CURL *easy;
  struct curl_slist *hdrs;
  curl_mime *mime;
  buf_t post;
  int has_body, has_expect;
  int state;
  int too_large;
  char method[16];
  uint64_t timeout_ms, deadline;
  size_t max_body;
  curl_done_fn fn;
  void *ud;
  curl_xfer_t *prev, *next;
  curl_result_t res;
  char errbuf[CURL_ERROR_SIZE];
  /* what the plain-HTTP path needs to know (curl_xfer_start decides) */
  char *url;
  buf_t h1hdrs;                       /* header lines, "\r\n"-terminated */
  int h1_unsafe;                      /* a header only libcurl should handle */
  int follow;
  int easy_used;                      /* options were set on easy: reset it before reuse */
  h1_req_t *h1;                       /* running on the plain-HTTP path */
};

static void xfer_destroy(curl_xfer_t *x);

/* Requests and the new connections they needed, by scheme: their ratio is
** the churn a shop owner can see on /metrics (a kept-alive client opens one
** connection per many thousand calls). */
static const char *scheme_label(const curl_xfer_t *x) {
  return x->url && strncasecmp(x->url, "https:", 6) == 0 ? "scheme=\"https\"" : "scheme=\"http\"";
}

static void count_request(const curl_xfer_t *x, long new_connections) {
  const char *l = scheme_label(x);
  metrics_counter_add("guldasta_http_client_requests_total", l, 1);
  if (new_connections > 0) metrics_counter_add("guldasta_http_client_connections_total", l, (double)new_connections);
}

/* ====================================================================
** Completion
** ==================================================================== */

static void unlink_running(curl_xfer_t *x) {
  curl_pool_t *m = x->m;
  if (x->prev) x->prev->next = x->next;
  else m->running = x->next;
  if (x->next) x->next->prev = x->prev;
  x->prev = x->next = NULL;
  if (--m->nrunning == 0) uv_timer_stop(&m->watchdog);
}

static const char *code_of(CURLcode rc, int too_large) {
  switch (rc) {
    case CURLE_OK: return NULL;
    case CURLE_OPERATION_TIMEDOUT: return "timeout";
    case CURLE_COULDNT_CONNECT: return "refused";
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return "resolve";
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE: return "closed";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH: return "tls";
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL: return "url";
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED: return too_large ? "too_large" : "failed";
    default: return "failed";
  }
}

/* Ends a running transfer and tells its owner. Called only from our libuv
** callbacks or from destroy, never from inside libcurl. */
static void finish(curl_xfer_t *x, CURLcode rc, const char *code, const char *msg) {
  if (x->h1) {                        /* the watchdog or destroy, on the plain path */
    h1_cancel(x->h1);
    count_request(x, 0);              /* http1.c counts its own connections */
    x->h1 = NULL;
    unlink_running(x);
    x->state = X_DONE;
    x->res.status = 0;
    x->res.code = code;
    x->res.error = msg;
    buf_cstr(&x->res.body);
    x->fn(x, x->ud);
    return;
  }
  curl_multi_remove_handle(x->m->multi, x->easy);
  unlink_running(x);
  x->state = X_DONE;
  curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &x->res.status);
  long conns = 0;
  curl_easy_getinfo(x->easy, CURLINFO_NUM_CONNECTS, &conns);
  count_request(x, conns);
  x->res.code = code ? code : code_of(rc, x->too_large);
  if (x->res.code) {
    if (msg) x->res.error = msg;
    else if (x->too_large) x->res.error = "response body too large";
    else x->res.error = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
  }
  buf_cstr(&x->res.body);
  x->fn(x, x->ud);                    /* may free x */
}

void curl_uv_check_done(curl_pool_t *m) {
  CURLMsg *msg;
  int left;
  while ((msg = curl_multi_info_read(m->multi, &left))) {
    if (msg->msg != CURLMSG_DONE) continue;
    curl_xfer_t *x;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
    CURLcode rc = msg->data.result;   /* read before finish: msg dies with it */
    finish(x, rc, NULL, NULL);
  }
}

/* libcurl enforces CURLOPT_TIMEOUT_MS itself; this catches the case where it
** would not (a resolver stuck in a thread it cannot interrupt). */
static void on_watchdog(uv_timer_t *t) {
  curl_pool_t *m = t->data;
  uint64_t now = uv_now(m->loop);
  for (curl_xfer_t *x = m->running, *next; x; x = next) {
    next = x->next;
    if (now >= x->deadline) finish(x, CURLE_OPERATION_TIMEDOUT, "timeout", "timed out");
  }
}

/* ====================================================================
** Multi
** ==================================================================== */

curl_pool_t *curl_pool_create(uv_loop_t *loop) {
  static int global_done;
  if (!global_done) {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return NULL;
    global_done = 1;
  }
  curl_pool_t *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  m->multi = curl_multi_init();
  if (!m->multi) {
    free(m);
    return NULL;
  }
  m->loop = loop;
  m->h1 = h1_pool_new(loop);          /* NULL: every request goes to libcurl */
  uv_timer_init(loop, &m->timer);
  uv_timer_init(loop, &m->watchdog);
  m->timer.data = m->watchdog.data = m;
  m->handles = 2;
  curl_multi_setopt(m->multi, CURLMOPT_SOCKETFUNCTION, curl_uv_socket_cb);
  curl_multi_setopt(m->multi, CURLMOPT_SOCKETDATA, m);
  curl_multi_setopt(m->multi, CURLMOPT_TIMERFUNCTION, curl_uv_timer_cb);
  curl_multi_setopt(m->multi, CURLMOPT_TIMERDATA, m);
  curl_multi_setopt(m->multi, CURLMOPT_MAXCONNECTS, (long)MAX_CONNECTS);
  metrics_help("guldasta_http_client_requests_total", "counter", "HTTP client requests finished, by scheme");
  metrics_help("guldasta_http_client_connections_total", "counter",
               "New connections the HTTP client opened, by scheme (https: a TLS handshake each)");
  return m;
}

int curl_pool_running(const curl_pool_t *m) { return m->nrunning; }

void curl_pool_destroy(curl_pool_t *m) {
  if (!m || m->destroyed) return;
  m->destroyed = 1;                   /* on_done may not start new transfers */
  while (m->running) finish(m->running, CURLE_ABORTED_BY_CALLBACK, "closed", "client closed");
  h1_pool_close(m->h1);
  m->h1 = NULL;
  while (m->idle) {
    curl_xfer_t *x = m->idle;
    m->idle = x->next;
    xfer_destroy(x);
  }
  m->nidle = 0;
  curl_multi_cleanup(m->multi);       /* may still report sockets to remove */
  m->multi = NULL;
  while (m->socks) curl_uv_sock_drop(m, m->socks);
  free(m->byfd);
  m->byfd = NULL;
  m->nbyfd = 0;
  uv_close((uv_handle_t *)&m->timer, curl_uv_on_handle_closed);
  uv_close((uv_handle_t *)&m->watchdog, curl_uv_on_handle_closed);
}

/* ====================================================================
** Transfers
** ==================================================================== */

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
  curl_xfer_t *x = ud;
  size_t len = size * n;
  if (x->res.body.len + len > x->max_body) {
    x->too_large = 1;
    return 0;                         /* makes libcurl stop with WRITE_ERROR */
  }
  if (x->res.body.len == 0) {         /* one allocation when the size is announced */
    curl_off_t cl = -1;
    if (curl_easy_getinfo(x->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) == CURLE_OK &&
        cl > (curl_off_t)len && (size_t)cl <= x->max_body)
      buf_reserve(&x->res.body, (size_t)cl);
  }
  buf_add(&x->res.body, p, len);
  return len;
}

/* Header lines arrive one by one. A status line starts a new block (a
** redirect, a "100 Continue"), so only the final response's headers remain. */
static size_t on_header(char *p, size_t size, size_t n, void *ud) {
  curl_xfer_t *x = ud;
  size_t len = size * n, end = len;
  while (end > 0 && (p[end - 1] == '\r' || p[end - 1] == '\n')) end--;
  if (end >= 5 && memcmp(p, "HTTP/", 5) == 0) {
    buf_reset(&x->res.headers);
    x->res.nheaders = 0;
    return len;
  }
  char *colon = memchr(p, ':', end);
  if (!colon || colon == p) return len;
  size_t nlen = (size_t)(colon - p);
  size_t voff = nlen + 1;
  while (voff < end && (p[voff] == ' ' || p[voff] == '\t')) voff++;
  size_t vend = end;
  while (vend > voff && (p[vend - 1] == ' ' || p[vend - 1] == '\t')) vend--;
  buf_reserve(&x->res.headers, nlen + (vend - voff) + 2);
  for (size_t i = 0; i < nlen; i++) {
    char c = p[i];
    buf_addc(&x->res.headers, (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c);
  }
  buf_addc(&x->res.headers, '\0');
  buf_add(&x->res.headers, p + voff, vend - voff);
  buf_addc(&x->res.headers, '\0');
  x->res.nheaders++;
  return len;
}

/* Whether the environment names a proxy, read once: without one, each
** transfer is told so (CURLOPT_PROXY ""), and curl stops looking the
** variables up in the environment on every request — a measurable share
** of a Bot API call's cost at thousands a second. With one, curl's own
** handling (no_proxy included) applies as usual. */
static int proxy_in_env(void) {
  static int known = -1;
  if (known < 0) {
    const char *vars[] = { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" };
    known = 0;
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
      const char *v = getenv(vars[i]);
      if (v && *v) known = 1;
    }
  }
  return known;
}

/* libcurl's hook after it set up a new connection's SSL_CTX, before the
** handshake: the context verifies against the shared store. Without one
** (the bundle could not be read) the connection fails as a TLS error. */
static CURLcode on_ssl_ctx(CURL *easy, void *ssl_ctx, void *ud) {
  (void)easy;
  (void)ud;
  X509_STORE *s = tls_ca_store();
  if (!s) return CURLE_SSL_CACERT_BADFILE;
  if (!X509_STORE_up_ref(s)) return CURLE_OUT_OF_MEMORY;
  SSL_CTX_set_cert_store((SSL_CTX *)ssl_ctx, s);
  return CURLE_OK;
}

/* The options every transfer starts with; again after each curl_easy_reset. */
static void easy_defaults(curl_xfer_t *x) {
  CURL *e = x->easy;
  curl_easy_setopt(e, CURLOPT_PRIVATE, x);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_USERAGENT, "guldasta/1");
  curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, curl_uv_opensocket_cb);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, x->m);
  curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, curl_uv_closesocket_cb);
  curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, x->m);
  if (!proxy_in_env()) curl_easy_setopt(e, CURLOPT_PROXY, "");
  /* TLS: the process's one certificate store (tls_ca.h) instead of the
  ** bundle and directory libcurl would read again for every connection;
  ** with neither set libcurl reads nothing itself. */
  curl_easy_setopt(e, CURLOPT_CAINFO, NULL);
  curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
  curl_easy_setopt(e, CURLOPT_CA_CACHE_TIMEOUT, 0L);
  curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
  /* A kept connection is checked by the kernel while idle (a NAT box or
  ** the server dropping it is seen before a request is sent on it).
  ** HTTP/1.1 only: kept connections carry the concurrency the engine has,
  ** HTTP/2 cost more CPU per call at the Bot API's usual concurrency, and
  ** Debian's libcurl broke HTTP/2 connections with "Error in the HTTP2
  ** framing layer" after a few thousand requests (bench/README.md). */
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 60L);
  curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 30L);
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
}

/* Everything a transfer's options and results hold, the easy handle and the
** buffers' memory aside. */
static void xfer_clear(curl_xfer_t *x) {
  curl_slist_free_all(x->hdrs);
  curl_mime_free(x->mime);
  x->hdrs = NULL;
  x->mime = NULL;
  x->has_body = x->has_expect = x->too_large = 0;
  x->state = X_NEW;
  x->fn = NULL;
  x->ud = NULL;
  x->prev = x->next = NULL;
  x->timeout_ms = DEFAULT_TIMEOUT_MS;
  x->max_body = DEFAULT_MAX_BODY;
  strcpy(x->method, "GET");
  x->errbuf[0] = '\0';
  buf_reset(&x->post);
  buf_reset(&x->res.body);
  buf_reset(&x->res.headers);
  x->res.status = 0;
  x->res.code = x->res.error = NULL;
  x->res.nheaders = 0;
  free(x->url);
  x->url = NULL;
  buf_reset(&x->h1hdrs);
  x->h1_unsafe = x->follow = 0;
  x->h1 = NULL;
}

static void keep_small(buf_t *b, size_t max) {
  if (b->cap > max) buf_free(b);
}

static void xfer_destroy(curl_xfer_t *x) {
  curl_easy_cleanup(x->easy);
  curl_slist_free_all(x->hdrs);
  curl_mime_free(x->mime);
  buf_free(&x->post);
  buf_free(&x->res.body);
  buf_free(&x->res.headers);
  buf_free(&x->h1hdrs);
  free(x->url);
  free(x);
}

/* A request used to cost a fresh easy handle (libcurl allocates and zeroes
** tens of kilobytes for one) plus our buffers growing from nothing. Finished
** transfers are kept instead, up to POOL_MAX, with curl_easy_reset: the
** connection and DNS caches live in the multi, so nothing is lost, and the
** buffers keep their capacity unless one grew unusually big. */
curl_xfer_t *curl_xfer_new(curl_pool_t *m) {
  curl_xfer_t *x = m->idle;
  if (x) {
    m->idle = x->next;
    m->nidle--;
    x->next = NULL;
  } else {
    x = calloc(1, sizeof *x);
    if (!x) return NULL;
    x->easy = curl_easy_init();
    if (!x->easy) {
      free(x);
      return NULL;
    }
    buf_init(&x->post);
    buf_init(&x->res.body);
    buf_init(&x->res.headers);
    buf_init(&x->h1hdrs);
    xfer_clear(x);
  }
  x->m = m;
  m->nxfers++;
  return x;
}

/* The URL is only kept here: libcurl sees it (and every other option) in
** curl_xfer_start, and only when the transfer is its to do. */
int curl_xfer_set_url(curl_xfer_t *x, const char *url) {
  if (strpbrk(url, "\r\n")) return -1;
  free(x->url);
  x->url = strdup(url);
  return x->url ? 0 : -1;
}

void curl_xfer_set_method(curl_xfer_t *x, const char *method) {
  snprintf(x->method, sizeof x->method, "%s", method);
}

int curl_xfer_add_header(curl_xfer_t *x, const char *line) {
  if (strpbrk(line, "\r\n")) return -1;
  struct curl_slist *l = curl_slist_append(x->hdrs, line);
  if (!l) return -1;
  x->hdrs = l;
  if (strncasecmp(line, "expect:", 7) == 0) x->has_expect = 1;
  /* headers that change how the message is framed or routed: libcurl's */
  static const char *const framing[] = { "host:", "content-length:", "transfer-encoding:",
                                         "connection:", "expect:", "upgrade:", "te:" };
  for (size_t i = 0; i < sizeof framing / sizeof *framing; i++)
    if (strncasecmp(line, framing[i], strlen(framing[i])) == 0) x->h1_unsafe = 1;
  buf_adds(&x->h1hdrs, line);
  buf_adds(&x->h1hdrs, "\r\n");
  return 0;
}

void curl_xfer_set_body(curl_xfer_t *x, const char *data, size_t len) {
  buf_reset(&x->post);
  buf_add(&x->post, data, len);
  buf_cstr(&x->post);
  x->has_body = 1;
}

int curl_xfer_add_part(curl_xfer_t *x, const char *name, const char *data, size_t len,
                       const char *filename, const char *ctype) {
  if (!x->mime && !(x->mime = curl_mime_init(x->easy))) return -1;
  curl_mimepart *part = curl_mime_addpart(x->mime);
  if (!part) return -1;
  if (curl_mime_name(part, name) != CURLE_OK) return -1;
  if (curl_mime_data(part, data, len) != CURLE_OK) return -1;
  if (filename && curl_mime_filename(part, filename) != CURLE_OK) return -1;
  if (ctype && curl_mime_type(part, ctype) != CURLE_OK) return -1;
  return 0;
}

void curl_xfer_set_timeout(curl_xfer_t *x, uint64_t ms) { x->timeout_ms = ms ? ms : 1; }
void curl_xfer_set_max_body(curl_xfer_t *x, size_t bytes) { x->max_body = bytes; }

void curl_xfer_set_follow(curl_xfer_t *x, int max_redirects) { x->follow = max_redirects; }

/* Method and body are applied here, once everything is known: a body without
** a method means POST, and a custom method keeps its body. libcurl would add
** "Expect: 100-continue" to big bodies and wait for the server's answer; we
** turn that off unless the caller asked for it, it only costs a round trip. */
static int apply_request(curl_xfer_t *x) {
  CURL *e = x->easy;
  easy_defaults(x);
  x->easy_used = 1;
  if (!x->url || curl_easy_setopt(e, CURLOPT_URL, x->url) != CURLE_OK) return -1;
  if (x->follow > 0) {
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)x->follow);
  }
  int is_get = strcmp(x->method, "GET") == 0, is_post = strcmp(x->method, "POST") == 0;
  if (strcmp(x->method, "HEAD") == 0) {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (x->mime) {
    curl_easy_setopt(e, CURLOPT_MIMEPOST, x->mime);
    if (!is_post && !is_get) curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, x->method);
  } else if (x->has_body || is_post) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->post.data ? x->post.data : "");
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->post.len);
    if (!is_post) curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, x->method);
  } else if (!is_get) {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, x->method);
  }
  if (!x->has_expect) x->hdrs = curl_slist_append(x->hdrs, "Expect:");
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)x->timeout_ms);
  long connect_ms = x->timeout_ms < 10000 ? (long)x->timeout_ms : 10000;
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  return 0;
}

static void link_running(curl_xfer_t *x) {
  curl_pool_t *m = x->m;
  x->state = X_RUNNING;
  x->deadline = uv_now(m->loop) + x->timeout_ms + WATCHDOG_SLACK_MS;
  x->next = m->running;
  if (m->running) m->running->prev = x;
  m->running = x;
  if (m->nrunning++ == 0) uv_timer_start(&m->watchdog, on_watchdog, 1000, 1000);
}

static void on_h1_done(void *ud) {
  curl_xfer_t *x = ud;
  x->h1 = NULL;
  count_request(x, 0);
  unlink_running(x);
  x->state = X_DONE;
  buf_cstr(&x->res.body);
  x->fn(x, x->ud);                    /* may free x */
}

/* The plain-HTTP path takes what it can do exactly as libcurl would:
** http:// to an address, no upload form, no redirects, no HEAD, no proxy in
** the environment, no header that changes the framing. */
static int plain_http(const curl_xfer_t *x) {
  return x->m->h1 && x->url && !x->mime && x->follow == 0 && !x->h1_unsafe &&
         strcmp(x->method, "HEAD") != 0 && !proxy_in_env() && h1_url_ok(x->url);
}

int curl_xfer_start(curl_xfer_t *x, curl_done_fn fn, void *ud) {
  curl_pool_t *m = x->m;
  if (x->state != X_NEW || m->destroyed) {
    x->res.code = "closed";
    x->res.error = "client closed";
    return -1;
  }
  x->fn = fn;
  x->ud = ud;
  if (plain_http(x)) {
    h1_request_t r = {
      .url = x->url, .method = x->method,
      .headers = x->h1hdrs.data, .headers_len = x->h1hdrs.len,
      .body = x->has_body ? (x->post.data ? x->post.data : "") : NULL, .body_len = x->post.len,
      .timeout_ms = x->timeout_ms, .max_body = x->max_body,
    };
    x->h1 = h1_start(m->h1, &r, &x->res, on_h1_done, x);
    if (!x->h1) {
      x->res.code = "failed";
      x->res.error = "out of memory";
      return -1;
    }
    link_running(x);
    return 0;
  }
  if (apply_request(x) != 0) {
    x->res.code = "url";
    x->res.error = "invalid url";
    return -1;
  }
  /* Adding only arms the 0 ms uv_timer (curl_uv.c): libcurl starts the
  ** transfer on the next loop turn, so fn cannot run before we return. */
  CURLMcode rc = curl_multi_add_handle(m->multi, x->easy);
  if (rc != CURLM_OK) {
    x->res.code = "failed";
    x->res.error = curl_multi_strerror(rc);
    return -1;
  }
  link_running(x);
  return 0;
}

const curl_result_t *curl_xfer_result(const curl_xfer_t *x) { return &x->res; }

void curl_xfer_free(curl_xfer_t *x) {
  if (!x) return;
  curl_pool_t *m = x->m;
  if (x->state == X_RUNNING) {
    if (x->h1) h1_cancel(x->h1);
    else curl_multi_remove_handle(m->multi, x->easy);
    x->h1 = NULL;
    unlink_running(x);
  }
  m->nxfers--;
  if (m->destroyed || m->nidle >= POOL_MAX) {
    xfer_destroy(x);
    curl_uv_multi_maybe_free(m);
    return;
  }
  if (x->easy_used) curl_easy_reset(x->easy);   /* drops its references to hdrs and mime */
  x->easy_used = 0;
  xfer_clear(x);
  keep_small(&x->post, KEEP_SMALL);
  keep_small(&x->res.body, KEEP_BODY);
  keep_small(&x->res.headers, KEEP_SMALL);
  x->next = m->idle;
  m->idle = x;
  m->nidle++;
}
