/*
** lua_rawtcp.c — the `rawtcp` module of the development binary
** (guldasta-dev): bytes over TCP, for specs of malformed HTTP requests that
** no client would send. Not in the product's Lua API.
**
**   rawtcp.exchange(host, port, bytes[, timeout])
**       -> what the peer sent until it closed (or until the timeout, if
**          anything came) | nil, msg, code ("timeout", "refused", "closed")
*/
#include <stdlib.h>

#include <lauxlib.h>
#include <lua.h>

#include "bindings.h"
#include "buf.h"
#include "eng.h"
#include "scheduler.h"
#include "io/http_server.h"

static int push_failure(lua_State *L, const char *msg, const char *code) {
  lua_pushnil(L);
  lua_pushstring(L, msg);
  lua_pushstring(L, code);
  return 3;
}

/* {===================================================================
** rawtcp.exchange
** ==================================================================== */

typedef struct rawop {
  sched_task *t;
  int status;
  buf_t got;
} rawop_t;

static void on_raw(void *ud, int status, const char *data, size_t len) {
  rawop_t *op = ud;
  op->status = status;
  buf_add(&op->got, data, len);
  sched_wake(op->t);
}

static int k_raw(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  rawop_t *op = (rawop_t *)ctx;
  int n = 1;
  if (op->status == 0 || (op->status == UV_ETIMEDOUT && op->got.len > 0)) {
    lua_pushlstring(L, op->got.data ? op->got.data : "", op->got.len);
  } else {
    n = push_failure(L, uv_strerror(op->status),
                     op->status == UV_ETIMEDOUT ? "timeout"
                     : op->status == UV_ECONNREFUSED ? "refused"
                                                    : "closed");
  }
  buf_free(&op->got);
  free(op);
  return n;
}

/* rawtcp.exchange(host, port, bytes[, timeout]) -> what the peer sent until it
** closed (or until the timeout, if anything came). */
static int l_raw(lua_State *L) {
  const char *host = luaL_checkstring(L, 1);
  lua_Integer port = luaL_checkinteger(L, 2);
  size_t len;
  const char *data = luaL_checklstring(L, 3, &len);
  double timeout = luaL_optnumber(L, 4, 5);
  sched_task *t = sched_current(L);
  rawop_t *op = calloc(1, sizeof *op);
  if (!op) return luaL_error(L, "out of memory");
  op->t = t;
  buf_init(&op->got);
  int rc = http_raw_exchange(eng_of(L)->loop, host, (int)port, data, len,
                             (uint64_t)(timeout * 1000), on_raw, op);
  if (rc != 0) {
    free(op);
    return push_failure(L, uv_strerror(rc), "closed");
  }
  return sched_wait(L, t, (lua_KContext)op, k_raw);
}

/* }=================================================================== */

int eng_open_rawtcp(lua_State *L) {
  static const luaL_Reg fns[] = {{"exchange", l_raw}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
