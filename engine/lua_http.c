/*
** lua_http.c — the `http` module: the HTTP server's routes and the HTTP
** client, on top of io/http_server.c and io/curl.c.
**
**   http.route(method, path, handler)      register a route (current generation)
**   http.serve(host, port)                 -> port | nil, msg, code
**   http.port()                            -> the port served, or nil
**   http.set_body_limit(bytes)             request body limit (default 1 MiB)
**   http.request{url=, method=, headers=, body=, form=, timeout=, max_body=, follow=}
**                                          -> {status=, headers=, body=} | nil, msg, code
**   http.get(url, opts)                    the same with method GET
**
** Server. Routes live in the registry of the generation that registered them,
** so a reload brings its own set and the old one goes with the old state.
** Each request is one unit of work in the current generation: a task runs
** handler(req) and its done callback writes the answer. Nothing of a request
** is looked up by name at request time but the path and the method.
**
** Client codes: "timeout", "refused", "resolve", "closed", "tls", "url",
** "too_large", "failed". Misuse (a missing url, a header with a newline)
** raises.
*/
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lauxlib.h>

#include "bindings.h"
#include "gen.h"
#include "log.h"
#include "metrics.h"
#include "scheduler.h"
#include "io/curl.h"
#include "io/http_server.h"
#include "lua_http_client.h"

#define ROUTES_KEY (&routes_key)
#define CALL_KEY (&call_key)
static char routes_key, call_key;

static size_t body_limit = HTTP_REQ_DEFAULT_BODY_LIMIT;

/* {===================================================================
** Routes
**
** registry[ROUTES_KEY] = { [1] = exact, [2] = prefixes }
**   exact[path] = entry;  prefixes = { entry, ... } longest prefix first
**   entry = { [1] = metrics label, [2] = prefix or false, METHOD = handler }
** ==================================================================== */

static void push_routes(lua_State *L) {
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, ROUTES_KEY) == LUA_TTABLE) return;
  lua_pop(L, 1);
  lua_createtable(L, 2, 0);
  lua_newtable(L);
  lua_rawseti(L, -2, 1);
  lua_newtable(L);
  lua_rawseti(L, -2, 2);
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, ROUTES_KEY);
}

static int valid_method(const char *m) {
  if (strcmp(m, "*") == 0) return 1;
  if (!*m) return 0;
  for (; *m; m++)
    if (*m < 'A' || *m > 'Z') return 0;
  return 1;
}

/* Creates the entry for a pattern: exact paths in a hash, prefixes in a list
** kept sorted by length so the most specific one wins. */
static void push_entry(lua_State *L, int routes, const char *path, size_t len) {
  int prefix = len > 0 && path[len - 1] == '*';
  if (!prefix) {
    lua_rawgeti(L, routes, 1);
    lua_pushlstring(L, path, len);
    if (lua_rawget(L, -2) == LUA_TTABLE) {
      lua_remove(L, -2);
      return;
    }
    lua_pop(L, 1);
  } else {
    lua_rawgeti(L, routes, 2);
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_rawgeti(L, -1, i);
      lua_rawgeti(L, -1, 2);
      size_t plen;
      const char *p = lua_tolstring(L, -1, &plen);
      int same = plen == len - 1 && memcmp(p, path, plen) == 0;
      lua_pop(L, 1);
      if (same) {
        lua_remove(L, -2);
        return;
      }
      lua_pop(L, 1);
    }
  }
  /* table below: exact or prefixes */
  lua_createtable(L, 2, 2);
  buf_t b;
  buf_init(&b);
  buf_adds(&b, "route=\"");
  buf_add_json_escaped(&b, path, len);
  buf_addc(&b, '"');
  lua_pushlstring(L, b.data, b.len);
  buf_free(&b);
  lua_rawseti(L, -2, 1);
  if (!prefix) {
    lua_pushboolean(L, 0);
    lua_rawseti(L, -2, 2);
    lua_pushlstring(L, path, len);
    lua_pushvalue(L, -2);
    lua_rawset(L, -4);
  } else {
    lua_pushlstring(L, path, len - 1);
    lua_rawseti(L, -2, 2);
    lua_Integer n = (lua_Integer)lua_rawlen(L, -2), at = n + 1;
    for (lua_Integer i = 1; i <= n; i++) {
      lua_rawgeti(L, -2, i);
      lua_rawgeti(L, -1, 2);
      size_t plen = lua_rawlen(L, -1);
      lua_pop(L, 2);
      if (plen < len - 1) {
        at = i;
        break;
      }
    }
    for (lua_Integer i = n; i >= at; i--) {
      lua_rawgeti(L, -2, i);
      lua_rawseti(L, -3, i + 1);
    }
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, at);
  }
  lua_remove(L, -2);
}

/* http.route(method, path, handler). Allowed any time: while a generation
** loads (the normal case) or from a running unit (specs). Registering the
** same method and path again replaces the handler. */
static int l_route(lua_State *L) {
  const char *method = luaL_checkstring(L, 1);
  size_t len;
  const char *path = luaL_checklstring(L, 2, &len);
  luaL_checktype(L, 3, LUA_TFUNCTION);
  luaL_argcheck(L, valid_method(method), 1, "an uppercase method like \"GET\", or \"*\"");
  luaL_argcheck(L, len > 0 && path[0] == '/', 2, "a path starting with '/'");
  luaL_argcheck(L, memchr(path, '*', len) == NULL || memchr(path, '*', len) == path + len - 1, 2,
                "'*' only at the end (a prefix route)");
  push_routes(L);
  push_entry(L, lua_gettop(L), path, len);
  lua_pushvalue(L, 3);
  lua_setfield(L, -2, method);
  return 0;
}

/* Pushes the entry for path or nothing; returns 1 when found. */
static int find_entry(lua_State *L, const char *path, size_t len) {
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, ROUTES_KEY) != LUA_TTABLE) {
    lua_pop(L, 1);
    return 0;
  }
  lua_rawgeti(L, -1, 1);
  lua_pushlstring(L, path, len);
  if (lua_rawget(L, -2) == LUA_TTABLE) {
    lua_replace(L, -3);
    lua_pop(L, 1);
    return 1;
  }
  lua_pop(L, 2);
  lua_rawgeti(L, -1, 2);
  lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, -1, i);
    lua_rawgeti(L, -1, 2);
    size_t plen;
    const char *p = lua_tolstring(L, -1, &plen);
    int match = plen <= len && memcmp(p, path, plen) == 0;
    lua_pop(L, 1);
    if (match) {
      lua_replace(L, -3);
      lua_pop(L, 1);
      return 1;
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  return 0;
}

/* }=================================================================== */

/* {===================================================================
** Serving a request
** ==================================================================== */

typedef struct hreq {
  http_conn_t *c;
  uint64_t t0;
  char label[160];                  /* metrics label of the route */
  struct hreq *next;                /* free list */
} hreq_t;

static hreq_t *free_reqs;
static buf_t hbuf;                  /* answer headers, reused */

static hreq_t *hreq_new(void) {
  hreq_t *r = free_reqs;
  if (r) free_reqs = r->next;
  else if (!(r = malloc(sizeof *r))) abort();
  return r;
}

static void hreq_free(hreq_t *r) {
  r->next = free_reqs;
  free_reqs = r;
}

/* code="200" labels, built once per status. */
static const char *code_label(int status) {
  static char *labels[600];
  if (status < 100 || status > 599) status = 500;
  if (!labels[status]) {
    char tmp[24];
    snprintf(tmp, sizeof tmp, "code=\"%d\"", status);
    if (!(labels[status] = strdup(tmp))) abort();
  }
  return labels[status];
}

static void count(int status, const char *label, uint64_t t0) {
  metrics_counter_add("guldasta_http_requests_total", code_label(status), 1);
  if (label) metrics_observe("guldasta_http_request_seconds", label, (double)(uv_hrtime() - t0) / 1e9);
}

static const char json_type[] = "Content-Type: application/json\r\n";
static const char text_type[] = "Content-Type: text/plain; charset=utf-8\r\n";

static void answer_json(http_conn_t *c, int status, const char *body, const char *extra) {
  buf_reset(&hbuf);
  buf_add(&hbuf, json_type, sizeof json_type - 1);
  if (extra) buf_adds(&hbuf, extra);
  http_conn_respond(c, status, hbuf.data, hbuf.len, body, strlen(body), 1);
}

static int reserved_header(const char *name, size_t n) {
  static const char *names[] = {"content-length", "connection", "transfer-encoding", "date"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strlen(names[i]) == n && strncasecmp(names[i], name, n) == 0) return 1;
  return 0;
}

/* Copies the handler's headers table into hbuf. Values may be strings,
** numbers or lists of them (several Set-Cookie). A bad name or a value with
** a newline is dropped with a warning rather than failing the answer. */
static int add_headers(lua_State *T, int idx) {
  int has_type = 0;
  if (!lua_istable(T, idx)) return 0;
  lua_pushnil(T);
  while (lua_next(T, idx)) {
    size_t nlen, vlen;
    if (lua_type(T, -2) != LUA_TSTRING) {
      lua_pop(T, 1);
      continue;
    }
    const char *name = lua_tolstring(T, -2, &nlen);
    if (reserved_header(name, nlen)) {
      lua_pop(T, 1);
      continue;
    }
    if (nlen == 12 && strncasecmp(name, "content-type", 12) == 0) has_type = 1;
    int n = lua_istable(T, -1) ? (int)lua_rawlen(T, -1) : 1;
    for (int i = 1; i <= n; i++) {
      if (lua_istable(T, -1)) lua_rawgeti(T, -1, i);
      else lua_pushvalue(T, -1);
      const char *v = lua_type(T, -1) == LUA_TSTRING || lua_type(T, -1) == LUA_TNUMBER
                          ? lua_tolstring(T, -1, &vlen)
                          : NULL;
      if (!v || http_header_append(&hbuf, name, nlen, v, vlen) != 0)
        log_write(LOG_WARN, "http handler returned an invalid header, dropped", "header", name, NULL);
      lua_pop(T, 1);
    }
    lua_pop(T, 1);
  }
  return has_type;
}

/* The unit ended: its results are status, body, headers, is_json on T
** (see CALL_SRC). Anything else is a handler bug and becomes a 500. */
static void on_done(sched_task *t, int ok, int nres, void *ud) {
  hreq_t *r = ud;
  lua_State *T = sched_thread(t);
  int status = 500;
  if (!ok) {
    answer_json(r->c, 500, "{\"error\":\"internal\"}", NULL);
  } else {
    int isnum;
    lua_Integer st = nres >= 1 ? lua_tointegerx(T, 1, &isnum) : (isnum = 0);
    int bt = lua_type(T, 2);
    if (!isnum || st < 200 || st > 599 || (bt != LUA_TSTRING && bt != LUA_TNUMBER && bt != LUA_TNIL)) {
      char id[32];
      snprintf(id, sizeof id, "%llu", (unsigned long long)sched_id(t));
      log_write(LOG_ERROR, "http handler must return status (200-599), body (string, table or nil)",
                "unit", id, NULL);
      answer_json(r->c, 500, "{\"error\":\"internal\"}", NULL);
    } else {
      status = (int)st;
      size_t blen = 0;
      const char *body = bt == LUA_TNIL ? "" : lua_tolstring(T, 2, &blen);
      buf_reset(&hbuf);
      if (!add_headers(T, 3)) {
        if (lua_toboolean(T, 4)) buf_add(&hbuf, json_type, sizeof json_type - 1);
        else buf_add(&hbuf, text_type, sizeof text_type - 1);
      }
      http_conn_respond(r->c, status, hbuf.data, hbuf.len, body, blen, 1);
    }
  }
  count(status, r->label, r->t0);
  hreq_free(r);
}

/* The request table: { method, path, query, headers, body, id, remote }. */
static void push_req(lua_State *T, http_conn_t *c, const http_request_t *rq, sched_task *t) {
  lua_createtable(T, 0, 7);
  lua_pushstring(T, rq->method);
  lua_setfield(T, -2, "method");
  lua_pushlstring(T, rq->path, rq->path_len);
  lua_setfield(T, -2, "path");
  lua_pushlstring(T, rq->query, rq->query_len);
  lua_setfield(T, -2, "query");
  lua_pushlstring(T, rq->body, rq->body_len);
  lua_setfield(T, -2, "body");
  lua_createtable(T, 0, rq->nheaders);
  const char *rid = NULL;
  size_t rid_len = 0;
  for (int i = 0; i < rq->nheaders; i++) {
    const http_header_t *h = &rq->headers[i];
    lua_pushlstring(T, h->name, h->name_len);
    lua_pushvalue(T, -1);
    if (lua_rawget(T, -3) == LUA_TNIL) {
      lua_pop(T, 1);
      lua_pushlstring(T, h->value, h->value_len);
    } else {
      /* repeated header: one value, comma-joined (RFC 9110 5.3) */
      lua_pushliteral(T, ", ");
      lua_pushlstring(T, h->value, h->value_len);
      lua_concat(T, 3);
    }
    lua_rawset(T, -3);
    if (h->name_len == 12 && memcmp(h->name, "x-request-id", 12) == 0 && h->value_len > 0 &&
        h->value_len <= 64) {
      rid = h->value;
      rid_len = h->value_len;
    }
  }
  lua_setfield(T, -2, "headers");
  /* The unit's id unless the caller (a proxy) brought one: the scheduler
  ** logs a failing unit under this same number. */
  if (rid) {
    lua_pushlstring(T, rid, rid_len);
  } else {
    char tmp[24];
    int i = sizeof tmp;
    uint64_t v = sched_id(t);
    do tmp[--i] = (char)('0' + v % 10); while ((v /= 10) > 0);
    lua_pushlstring(T, tmp + i, sizeof tmp - (size_t)i);
  }
  lua_setfield(T, -2, "id");
  lua_pushstring(T, http_conn_remote(c));
  lua_setfield(T, -2, "remote");
}

static void push_allow(lua_State *L, int entry, buf_t *b) {
  buf_adds(b, "Allow: ");
  size_t start = b->len;
  lua_pushnil(L);
  while (lua_next(L, entry)) {
    if (lua_type(L, -2) == LUA_TSTRING) {
      if (b->len > start) buf_adds(b, ", ");
      buf_adds(b, lua_tostring(L, -2));
    }
    lua_pop(L, 1);
  }
  buf_adds(b, "\r\n");
}

/* Called by the server for each complete request. Route lookups use the
** current generation's main state, idle at the loop's top level; the
** handler then moves to a fresh task thread. 404 and 405 are answered here,
** without a task. */
static void on_request(void *ud, http_conn_t *c, const http_request_t *rq) {
  eng_t *e = ud;
  uint64_t t0 = uv_hrtime();
  gen_t *g = gen_current();
  if (!g || e->stopping) {
    answer_json(c, 503, "{\"error\":\"unavailable\"}", NULL);
    count(503, NULL, t0);
    return;
  }
  lua_State *L = gen_state(g);
  int top = lua_gettop(L);
  if (!find_entry(L, rq->path, rq->path_len)) {
    answer_json(c, 404, "{\"error\":\"not found\"}", NULL);
    count(404, "route=\"none\"", t0);
    lua_settop(L, top);
    return;
  }
  int entry = lua_gettop(L);
  lua_rawgeti(L, entry, 1);
  const char *label = lua_tostring(L, -1);
  if (lua_getfield(L, entry, rq->method) != LUA_TFUNCTION) {
    lua_pop(L, 1);
    if (!(rq->method_id == HTTP_HEAD && lua_getfield(L, entry, "GET") == LUA_TFUNCTION)) {
      if (rq->method_id == HTTP_HEAD) lua_pop(L, 1);
      if (lua_getfield(L, entry, "*") != LUA_TFUNCTION) {
        buf_t allow;
        buf_init(&allow);
        push_allow(L, entry, &allow);
        answer_json(c, 405, "{\"error\":\"method not allowed\"}", buf_cstr(&allow));
        buf_free(&allow);
        count(405, label, t0);
        lua_settop(L, top);
        return;
      }
    }
  }
  hreq_t *r = hreq_new();
  r->c = c;
  r->t0 = t0;
  size_t llen = strlen(label);
  if (llen >= sizeof r->label) llen = sizeof r->label - 1;
  memcpy(r->label, label, llen);
  r->label[llen] = '\0';
  sched_task *t = sched_new(g, "http");
  lua_State *T = sched_thread(t);
  lua_rawgetp(T, LUA_REGISTRYINDEX, CALL_KEY);
  lua_xmove(L, T, 1);                       /* the handler */
  lua_settop(L, top);
  push_req(T, c, rq, t);
  sched_on_done(t, on_done, r);
  sched_start(t, 2);
}

static void on_auto(void *ud, int status) {
  (void)ud;
  count(status, NULL, 0);
}

int eng_http_serve(eng_t *e, const char *host, int port) {
  if (e->http_server) return UV_EADDRINUSE;
  metrics_help("guldasta_http_requests_total", "counter", "HTTP requests answered, by status code");
  metrics_help("guldasta_http_request_seconds", "histogram", "HTTP request duration, by route");
  http_server_t *s = http_server_new(e->loop, on_request, e);
  if (!s) return UV_ENOMEM;
  http_server_on_auto(s, on_auto);
  http_server_set_body_limit(s, body_limit);
  int rc = http_server_listen(s, host, port);
  if (rc != 0) {
    http_server_close(s, 0);
    return rc;
  }
  e->http_server = s;
  return 0;
}

/* The wrapper every request runs through: the handler stays plain Lua
** (return status, body, headers) and a table body becomes JSON here, inside
** the unit, so an unencodable body is an ordinary handler error (500). */
static const char CALL_SRC[] =
    "local type, error, require, tostring = type, error, require, tostring\n"
    "local encode\n"
    "return function(handler, req)\n"
    "  local status, body, headers = handler(req)\n"
    "  if type(body) == 'table' then\n"
    "    encode = encode or require('json').encode\n"
    "    local s, err = encode(body)\n"
    "    if not s then error('http: response body is not JSON-encodable: ' .. tostring(err), 0) end\n"
    "    return status, s, headers, true\n"
    "  end\n"
    "  return status, body, headers, false\n"
    "end\n";

/* }=================================================================== */

/* {===================================================================
** Lua functions of the server
** ==================================================================== */

/* http.serve(host, port) -> the bound port (port 0 picks a free one). */
static int l_serve(lua_State *L) {
  const char *host = luaL_optstring(L, 1, "127.0.0.1");
  lua_Integer port = luaL_optinteger(L, 2, 0);
  luaL_argcheck(L, port >= 0 && port <= 65535, 2, "a port 0-65535");
  eng_t *e = eng_of(L);
  if (e->http_server) {
    lua_pushnil(L);
    lua_pushfstring(L, "already serving on port %d", http_server_port(e->http_server));
    lua_pushliteral(L, "busy");
    return 3;
  }
  int rc = eng_http_serve(e, host, (int)port);
  if (rc != 0) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s:%d: %s", host, (int)port, uv_strerror(rc));
    lua_pushliteral(L, "listen");
    return 3;
  }
  lua_pushinteger(L, http_server_port(e->http_server));
  return 1;
}

/* http.port() -> the port being served, or nil. */
static int l_port(lua_State *L) {
  eng_t *e = eng_of(L);
  if (!e->http_server) return 0;
  lua_pushinteger(L, http_server_port(e->http_server));
  return 1;
}

static int l_set_body_limit(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1);
  luaL_argcheck(L, n > 0, 1, "a positive number of bytes");
  body_limit = (size_t)n;
  eng_t *e = eng_of(L);
  if (e->http_server) http_server_set_body_limit(e->http_server, body_limit);
  return 0;
}

/* }=================================================================== */

void eng_close_http(eng_t *e) {
  if (e->http_server) {
    http_server_close(e->http_server, 0);
    e->http_server = NULL;
  }
  if (e->curl) {
    curl_pool_t *m = e->curl;
    e->curl = NULL;
    curl_pool_destroy(m);
  }
}

int eng_open_http(lua_State *L) {
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, CALL_KEY) != LUA_TFUNCTION) {
    if (luaL_loadbufferx(L, CALL_SRC, sizeof CALL_SRC - 1, "=http", "t") != LUA_OK)
      return lua_error(L);
    lua_call(L, 0, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, CALL_KEY);
  }
  lua_pop(L, 1);
  static const luaL_Reg fns[] = {
      {"route", l_route},     {"serve", l_serve}, {"port", l_port},
      {"set_body_limit", l_set_body_limit},     {NULL, NULL}};
  luaL_newlib(L, fns);
  http_client_register(L);
  return 1;
}
