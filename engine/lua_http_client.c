/*
** lua_http_client.c — the client half of the `http` module: http.request and
** http.get over libcurl's multi interface (io/curl.c). lua_http.c opens the
** module and calls http_client_register; the shared curl handle lives in
** eng->curl.
*/
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lauxlib.h>

#include "bindings.h"
#include "buf.h"
#include "gen.h"
#include "json_decode.h"
#include "log.h"
#include "scheduler.h"
#include "io/curl.h"
#include "lua_http_client.h"

/* {===================================================================
** Client
** ==================================================================== */

typedef struct creq {
  curl_xfer_t *x;
  sched_task *t;
  int opts; /* stack index of the request's table */
} creq_t;

static curl_pool_t *multi_of(lua_State *L) {
  eng_t *e = eng_of(L);
  if (!e->curl && !e->stopping) e->curl = curl_pool_create(e->loop);
  return e->curl;
}

static void on_xfer_done(curl_xfer_t *x, void *ud) {
  (void)x;
  sched_wake(((creq_t *)ud)->t);
}

static int push_failure(lua_State *L, const char *msg, const char *code) {
  lua_pushnil(L);
  lua_pushstring(L, msg);
  lua_pushstring(L, code);
  return 3;
}

/* opts.success_marker (opts is still on the waiting coroutine's stack, at
** op->opts): a 2xx body containing it is a success nobody needs to read.
** Making that body a Lua string only to search it and drop it was garbage
** the collector then paid for, byte by byte (the Bot API echoes every
** message the bot sends, whole). */
static int matches_marker(lua_State *L, int opts, const curl_result_t *r) {
  if (r->status < 200 || r->status > 299) return 0;
  int found = 0;
  if (lua_getfield(L, opts, "success_marker") == LUA_TSTRING) {
    size_t ml;
    const char *m = lua_tolstring(L, -1, &ml);
    found = ml > 0 && r->body.data && memmem(r->body.data, r->body.len, m, ml) != NULL;
  }
  lua_pop(L, 1);
  return found;
}

/* opts.json_items: a 2xx body that is a JSON object with that member an
** array comes back as its elements' texts (pushed; returns 1), and never
** becomes a Lua string as a whole: the long-polling loop's getUpdates
** answer was ~a fifth of everything the engine allocated per update, and
** was only ever cut into its updates. Anything else: nothing pushed, 0,
** and the caller gets the body as usual. */
static int push_items(lua_State *L, int opts, const curl_result_t *r) {
  if (r->status < 200 || r->status > 299) return 0;
  int top = lua_gettop(L);
  if (lua_getfield(L, opts, "json_items") != LUA_TSTRING) {
    lua_settop(L, top);
    return 0;
  }
  size_t kl;
  const char *k = lua_tolstring(L, -1, &kl);
  const char *b = r->body.data ? r->body.data : "";
  if (json_push_items(L, b, r->body.len, k, kl) != 1) {
    lua_settop(L, top);
    return 0;
  }
  lua_replace(L, top + 1);
  lua_settop(L, top + 1);
  return 1;
}

static int k_request(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  creq_t *op = (creq_t *)ctx;
  const curl_result_t *r = curl_xfer_result(op->x);
  int n;
  if (r->code) {
    n = push_failure(L, r->error, r->code);
  } else if (matches_marker(L, op->opts, r)) {
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, r->status);
    lua_setfield(L, -2, "status");
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "matched");
    n = 1;
  } else if (push_items(L, op->opts, r)) {
    lua_createtable(L, 0, 2);
    lua_insert(L, -2);
    lua_setfield(L, -2, "items");
    lua_pushinteger(L, r->status);
    lua_setfield(L, -2, "status");
    n = 1;
  } else {
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, r->status);
    lua_setfield(L, -2, "status");
    lua_pushlstring(L, r->body.data ? r->body.data : "", r->body.len);
    lua_setfield(L, -2, "body");
    lua_createtable(L, 0, r->nheaders);
    const char *p = r->headers.data;
    for (int i = 0; i < r->nheaders; i++) {
      size_t nl = strlen(p);
      const char *v = p + nl + 1;
      size_t vl = strlen(v);
      lua_pushlstring(L, p, nl);
      lua_pushvalue(L, -1);
      if (lua_rawget(L, -3) == LUA_TNIL) {
        lua_pop(L, 1);
        lua_pushlstring(L, v, vl);
      } else {
        lua_pushliteral(L, ", ");
        lua_pushlstring(L, v, vl);
        lua_concat(L, 3);
      }
      lua_rawset(L, -3);
      p = v + vl + 1;
    }
    lua_setfield(L, -2, "headers");
    n = 1;
  }
  curl_xfer_free(op->x);
  free(op);
  return n;
}

static const char *opt_string(lua_State *L, int opts, const char *key, size_t *len) {
  const char *s = NULL;
  int t = lua_getfield(L, opts, key);
  if (t == LUA_TSTRING) s = lua_tolstring(L, -1, len);
  else if (t != LUA_TNIL) luaL_error(L, "http.request: '%s' must be a string", key);
  lua_pop(L, 1);                   /* opts keeps the string alive */
  return s;
}

/* Everything that can raise is checked before the transfer exists, so a
** raise never leaks one; the second pass (apply_*) cannot raise. */
static void check_headers(lua_State *L, int opts) {
  if (lua_getfield(L, opts, "headers") != LUA_TNIL) {
    luaL_argcheck(L, lua_istable(L, -1), 1, "headers must be a table");
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      if (lua_type(L, -2) != LUA_TSTRING ||
          (lua_type(L, -1) != LUA_TSTRING && lua_type(L, -1) != LUA_TNUMBER))
        luaL_error(L, "http.request: headers must map names to strings");
      lua_pushvalue(L, -1);
      const char *v = lua_tostring(L, -1);
      if (strpbrk(lua_tostring(L, -3), "\r\n:") || strpbrk(v, "\r\n"))
        luaL_error(L, "http.request: header '%s' has a newline or a colon in its name",
                   lua_tostring(L, -3));
      lua_pop(L, 2);
    }
  }
  lua_pop(L, 1);
  if (lua_getfield(L, opts, "form") != LUA_TNIL) {
    luaL_argcheck(L, lua_istable(L, -1), 1, "form must be a list of parts");
    int form = lua_gettop(L);
    for (lua_Integer i = 1; lua_rawgeti(L, form, i) != LUA_TNIL; i++) {
      if (!lua_istable(L, -1)) luaL_error(L, "http.request: form part %d is not a table", (int)i);
      int part = lua_gettop(L);
      if (!opt_string(L, part, "name", NULL) || !opt_string(L, part, "data", NULL))
        luaL_error(L, "http.request: form part %d needs name and data", (int)i);
      opt_string(L, part, "filename", NULL);
      opt_string(L, part, "content_type", NULL);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

static int apply_headers(lua_State *L, int opts, curl_xfer_t *x) {
  int rc = 0;
  if (lua_getfield(L, opts, "headers") == LUA_TTABLE) {
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_pushvalue(L, -2);
      lua_pushliteral(L, ": ");
      lua_pushvalue(L, -3);
      lua_concat(L, 3);
      if (curl_xfer_add_header(x, lua_tostring(L, -1)) != 0) rc = -1;
      lua_pop(L, 2);
    }
  }
  lua_pop(L, 1);
  if (lua_getfield(L, opts, "form") == LUA_TTABLE) {
    int form = lua_gettop(L);
    for (lua_Integer i = 1; lua_rawgeti(L, form, i) == LUA_TTABLE; i++) {
      int part = lua_gettop(L);
      size_t dlen = 0;
      const char *name = opt_string(L, part, "name", NULL);
      const char *data = opt_string(L, part, "data", &dlen);
      const char *fname = opt_string(L, part, "filename", NULL);
      const char *ctype = opt_string(L, part, "content_type", NULL);
      if (curl_xfer_add_part(x, name, data, dlen, fname, ctype) != 0) rc = -1;
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return rc;
}

static int valid_upper(const char *s) {
  if (!*s) return 0;
  for (; *s; s++)
    if (*s < 'A' || *s > 'Z') return 0;
  return 1;
}

/* The shared body of request and get: opts is a table at index `opts`. The
** transfer is freed by the failure paths here or by k_request; libcurl's
** timeout and curl.c's watchdog guarantee the wake. */
static int do_request(lua_State *L, int opts) {
  size_t blen = 0;
  const char *url = opt_string(L, opts, "url", NULL);
  if (!url) return luaL_error(L, "http.request: url is required");
  const char *method = opt_string(L, opts, "method", NULL);
  if (method && !valid_upper(method)) return luaL_error(L, "http.request: method must be uppercase");
  const char *body = opt_string(L, opts, "body", &blen);
  opt_string(L, opts, "success_marker", NULL); /* type-checked here, read by k_request */
  opt_string(L, opts, "json_items", NULL);     /* the same */
  lua_getfield(L, opts, "timeout");
  double timeout = luaL_optnumber(L, -1, 30);
  lua_getfield(L, opts, "max_body");
  lua_Integer max_body = luaL_optinteger(L, -1, 0);
  lua_getfield(L, opts, "follow");
  int follow = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : lua_toboolean(L, -1) ? 5 : 0;
  lua_pop(L, 3);
  if (!(timeout > 0 && timeout < 86400)) return luaL_error(L, "http.request: timeout must be > 0 seconds");
  check_headers(L, opts);
  sched_task *t = sched_current(L);

  curl_pool_t *m = multi_of(L);
  if (!m) return push_failure(L, "the engine is stopping", "closed");
  curl_xfer_t *x = curl_xfer_new(m);
  creq_t *op = x ? malloc(sizeof *op) : NULL;
  if (!op) {
    curl_xfer_free(x);
    return push_failure(L, "out of memory", "failed");
  }
  op->x = x;
  op->t = t;
  op->opts = opts;
  const char *fail_code = NULL, *fail_msg = NULL;
  if (curl_xfer_set_url(x, url) != 0) fail_code = "url", fail_msg = "invalid url";
  if (method) curl_xfer_set_method(x, method);
  else if (body) curl_xfer_set_method(x, "POST");
  if (body) curl_xfer_set_body(x, body, blen);
  curl_xfer_set_timeout(x, (uint64_t)(timeout * 1000));
  if (max_body > 0) curl_xfer_set_max_body(x, (size_t)max_body);
  if (follow > 0) curl_xfer_set_follow(x, follow);
  if (!fail_code && apply_headers(L, opts, x) != 0) fail_code = "failed", fail_msg = "request refused";
  if (!fail_code && curl_xfer_start(x, on_xfer_done, op) != 0) {
    fail_code = curl_xfer_result(x)->code;
    fail_msg = curl_xfer_result(x)->error;
  }
  if (fail_code) {
    push_failure(L, fail_msg, fail_code);
    curl_xfer_free(x);
    free(op);
    return 3;
  }
  return sched_wait(L, t, (lua_KContext)op, k_request);
}

static int l_request(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  return do_request(L, 1);
}

/* http.get(url, opts): a copy of opts with url and method set. */
static int l_get(lua_State *L) {
  luaL_checkstring(L, 1);
  lua_settop(L, 2);
  lua_newtable(L);
  if (lua_istable(L, 2)) {
    lua_pushnil(L);
    while (lua_next(L, 2)) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, 3);
    }
  }
  lua_pushvalue(L, 1);
  lua_setfield(L, 3, "url");
  lua_pushliteral(L, "GET");
  lua_setfield(L, 3, "method");
  return do_request(L, 3);
}

/* }=================================================================== */




void http_client_register(lua_State *L) {
  static const luaL_Reg fns[] = {{"request", l_request}, {"get", l_get}, {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
}
