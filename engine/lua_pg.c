/*
** lua_pg.c — the `pg` module: PostgreSQL for scripts, on top of io/pg.c.
** Every unit of work shares the one process-wide pool (eng->pg, created on
** first use from DATABASE_URL and PG_POOL_SIZE); a query yields the calling
** coroutine until its result, its timeout, or the loss of its connection.
**
**   pg.query(sql, ...)            -> rows | nil, msg, code
**   pg.query({sql, timeout=s}, ...)
**   pg.transaction(fn, ...)       -> fn's results | nil, msg, code
**   tx:query(sql, ...), tx:exec_script(sql), tx:status()
**   pg.exec_script(sql)           -> rows of the last statement | nil, msg, code
**   pg.ping([timeout_s])          -> true | nil, msg, code
**   pg.stats()                    -> {size=, max=, in_use=, waiting=, up=,
**                                     prepared=, reused=}
**   pg.array(t)                   -> '{1,2,"a b",NULL}' (an array parameter)
**   pg.null
**
** Parameters go as text ($1, $2, ...), never into the SQL string. Results
** are typed by column type: integers, numbers, booleans, decoded JSON and
** arrays; NULL is pg.null; everything else is its text.
** Codes: the SQLSTATE ("23505") for server errors; "timeout", "closed",
** "refused", "busy" for the connection's. Misuse (a function as a
** parameter, a missing DATABASE_URL) raises.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "bindings.h"
#include "scheduler.h"
#include "io/pg.h"
#include "lua_pg_result.h"

#define OP_MT "guldasta.pg.op"
#define TX_MT "guldasta.pg.tx"
#define PING_TIMEOUT_MS 2000
#define MAX_PARAMS 65535          /* the protocol's limit */

static char encode_key;               /* registry: json.encode */

/* An op in flight lives in a userdata on the waiting coroutine's stack, so
** Lua keeps it (and the parameter strings it points to, which sit in the
** same frame) alive exactly as long as the coroutine; its __gc unlinks it
** from the pool if the coroutine is dropped while waiting. Integer
** parameters are written as text after params[], in the same block: no
** Lua string per number. */
typedef struct lpg_op {
  pg_op_t op;
  sched_task *task;               /* set while the task waits for done */
  int slot;                       /* its stack index in the waiting frame */
  const char *params[];
} lpg_op;

/* A transaction's checked-out connection; NULL once given back. */
typedef struct lpg_tx {
  pg_conn_t *conn;
} lpg_tx;

/* {===================================================================
** The pool
** ==================================================================== */

static pg_pool_t *pool_or_null(lua_State *L, const char **why) {
  eng_t *e = eng_of(L);
  if (e->pg) return e->pg;
  if (e->stopping) {
    *why = "the engine is stopping";
    return NULL;
  }
  if (!e->cfg.database_url || !e->cfg.database_url[0])
    luaL_error(L, "pg: DATABASE_URL is not set");
  e->pg = pg_pool_new(e->loop, e->cfg.database_url, e->cfg.pg_pool_size);
  return e->pg;
}

/* At shutdown: pending queries fail with "closed" (their coroutines resume
** on the next loop turn) and the connections close. */
void eng_close_pg(eng_t *e) {
  if (e->pg) {
    pg_pool_t *p = e->pg;
    e->pg = NULL;
    pg_pool_close(p);
  }
  lpg_result_free();
}

/* }=================================================================== */

/* {===================================================================
** Ops: the yield / wake / continue cycle
** ==================================================================== */

static void on_done(pg_op_t *op) {
  lpg_op *o = op->ud;
  sched_task *t = o->task;
  o->task = NULL;
  if (t) sched_wake(t);
}

static int op_gc(lua_State *L) {
  lpg_op *o = luaL_checkudata(L, 1, OP_MT);
  o->task = NULL;
  pg_op_abandon(&o->op);
  if (o->op.res) PQclear(o->op.res);
  o->op.res = NULL;
  /* An acquire that succeeded but whose task never took the connection. */
  if (o->op.kind == PG_ACQUIRE && o->op.conn) pg_release(o->op.conn);
  o->op.conn = NULL;
  return 0;
}

static lpg_op *new_op(lua_State *L, int kind, int nparams, int nints) {
  size_t size = sizeof(lpg_op) + (size_t)nparams * sizeof(char *) + (size_t)nints * PG_INT_TEXT;
  lpg_op *o = lua_newuserdatauv(L, size, 0);
  pg_op_init(&o->op, kind);
  o->task = NULL;
  o->slot = lua_gettop(L);
  o->op.done = on_done;
  o->op.ud = o;
  luaL_setmetatable(L, OP_MT);
  return o;
}

/* The op is over and holds nothing (no result, no connection): drop its
** metatable, so the collector frees it without a call to op_gc. One
** finalizer call per query is a cost worth skipping. */
static void op_finished(lua_State *L, lpg_op *o) {
  if (lua_touserdata(L, o->slot) != o) return;
  lua_pushnil(L);
  lua_setmetatable(L, o->slot);
}

static int fail(lua_State *L, const char *msg, const char *code) {
  lua_pushnil(L);
  lua_pushstring(L, msg);
  lua_pushstring(L, code);
  return 3;
}

static int push_failure(lua_State *L, lpg_op *o) {
  pg_op_t *op = &o->op;
  lua_pushnil(L);
  lua_pushstring(L, op->err);
  lua_pushstring(L, pg_op_code(op));
  if (op->res) PQclear(op->res);
  op->res = NULL;
  op_finished(L, o);
  return 3;
}

static int k_query(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  lpg_op *o = (lpg_op *)ctx;
  pg_op_t *op = &o->op;
  if (op->status != PG_OK) return push_failure(L, o);
  lpg_push_result(L, op->res);   /* on a raise, op_gc frees res */
  PQclear(op->res);
  op->res = NULL;
  op_finished(L, o);
  return 1;
}

static int k_ping(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  lpg_op *o = (lpg_op *)ctx;
  pg_op_t *op = &o->op;
  if (op->status != PG_OK) return push_failure(L, o);
  PQclear(op->res);
  op->res = NULL;
  op_finished(L, o);
  lua_pushboolean(L, 1);
  return 1;
}

static int k_acquire(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  lpg_op *o = (lpg_op *)ctx;
  pg_op_t *op = &o->op;
  if (op->status != PG_OK) return push_failure(L, o);
  lpg_tx *tx = lua_newuserdatauv(L, sizeof *tx, 0);
  tx->conn = op->conn;
  op->conn = NULL;            /* the tx owns it now */
  luaL_setmetatable(L, TX_MT);
  op_finished(L, o);
  return 1;
}

/* Submits o (on tx's connection, or on the pool's) and yields until done;
** or finishes at once when the op could not wait. */
static int submit(lua_State *L, sched_task *t, lpg_op *o, lpg_tx *tx, lua_KFunction k) {
  int rc;
  if (tx) {
    if (!tx->conn) return fail(L, "the transaction is over", "closed");
    rc = pg_submit_on(tx->conn, &o->op);
  } else {
    const char *why = NULL;
    pg_pool_t *p = pool_or_null(L, &why);
    if (!p) return fail(L, why, "closed");
    rc = pg_submit(p, &o->op);
  }
  if (rc != 0) return k(L, LUA_OK, (lua_KContext)o);
  o->task = t;
  return sched_wait(L, t, (lua_KContext)o, k);
}

static uint64_t seconds_to_ms(lua_State *L, lua_Number s, int arg) {
  if (!(s > 0) || s > 86400) luaL_argerror(L, arg, "timeout must be in (0, 86400] seconds");
  uint64_t ms = (uint64_t)(s * 1000 + 0.5);
  return ms ? ms : 1;
}

/* The SQL argument: a string, or {sql, timeout = seconds}. Leaves the SQL
** string in slot idx (anchored there while the op waits). */
static uint64_t sql_arg(lua_State *L, int idx) {
  uint64_t timeout_ms = 0;
  if (lua_type(L, idx) == LUA_TTABLE) {
    if (lua_getfield(L, idx, "timeout") != LUA_TNIL)
      timeout_ms = seconds_to_ms(L, luaL_checknumber(L, -1), idx);
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "sql") == LUA_TNIL) {
      lua_pop(L, 1);
      lua_rawgeti(L, idx, 1);
    }
    if (lua_type(L, -1) != LUA_TSTRING) luaL_argerror(L, idx, "the options table needs the SQL as [1] or sql");
    lua_replace(L, idx);
  } else {
    luaL_checktype(L, idx, LUA_TSTRING);
  }
  return timeout_ms;
}

/* Converts the arguments first..first+n-1 into text parameters. Integers
** are written into the op's own block; every other value ends up as a
** string in its argument slot, so the text lives as long as the waiting
** frame. */
static void bind_params(lua_State *L, lpg_op *o, int first, int n) {
  char *num = (char *)(o->params + n);
  for (int i = 0; i < n; i++) {
    int idx = first + i;
    const char *v = NULL;
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
      break;
    case LUA_TLIGHTUSERDATA:
      if (!eng_is_null(L, idx)) luaL_error(L, "pg: parameter $%d: cannot send a light userdata", i + 1);
      break;
    case LUA_TBOOLEAN:
      v = lua_toboolean(L, idx) ? "t" : "f";
      break;
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) {
        v = pg_int_text(num, (int64_t)lua_tointeger(L, idx));
        num += PG_INT_TEXT;
      } else {
        char text[40];
        pg_float_text(text, sizeof text, lua_tonumber(L, idx));
        lua_pushstring(L, text);
        lua_replace(L, idx);
        v = lua_tostring(L, idx);
      }
      break;
    case LUA_TSTRING: {
      size_t len;
      v = lua_tolstring(L, idx, &len);
      if (strlen(v) != len) luaL_error(L, "pg: parameter $%d contains a zero byte", i + 1);
      break;
    }
    case LUA_TTABLE:   /* json / jsonb */
      lua_rawgetp(L, LUA_REGISTRYINDEX, &encode_key);
      lua_pushvalue(L, idx);
      lua_call(L, 1, 2);
      if (lua_type(L, -2) != LUA_TSTRING)
        luaL_error(L, "pg: parameter $%d: %s", i + 1, lua_isstring(L, -1) ? lua_tostring(L, -1) : "cannot encode as JSON");
      lua_pop(L, 1);
      lua_replace(L, idx);
      v = lua_tostring(L, idx);
      break;
    default:
      luaL_error(L, "pg: parameter $%d: cannot send a %s", i + 1, luaL_typename(L, idx));
    }
    o->params[i] = v;
  }
}

/* pg.query / tx:query / *.exec_script with the SQL at slot base. */
static int query_at(lua_State *L, int base, lpg_tx *tx, int kind) {
  sched_task *t = sched_current(L);
  uint64_t timeout_ms = sql_arg(L, base);
  int n = lua_gettop(L) - base;
  if (kind == PG_SCRIPT && n > 0) luaL_error(L, "pg: exec_script takes no parameters");
  if (n > MAX_PARAMS) luaL_error(L, "pg: more than %d parameters", MAX_PARAMS);
  int nints = 0;
  for (int i = base + 1; i <= base + n; i++) nints += lua_isinteger(L, i);
  lpg_op *o = new_op(L, kind, n, nints);
  bind_params(L, o, base + 1, n);
  o->op.sql = lua_tostring(L, base);
  o->op.nparams = n;
  o->op.params = o->params;
  o->op.timeout_ms = timeout_ms;
  return submit(L, t, o, tx, k_query);
}

static int l_query(lua_State *L) { return query_at(L, 1, NULL, PG_QUERY); }

/* Runs a whole SQL file (several statements, no parameters) with
** PQsendQuery. For migration files ONLY: never pass it anything built from
** user input, since nothing here is parameterised. */
static int l_exec_script(lua_State *L) {
  return query_at(L, 1, NULL, PG_SCRIPT);
}

static int l_ping(lua_State *L) {
  sched_task *t = sched_current(L);
  uint64_t ms = lua_isnoneornil(L, 1) ? PING_TIMEOUT_MS : seconds_to_ms(L, luaL_checknumber(L, 1), 1);
  lpg_op *o = new_op(L, PG_QUERY, 0, 0);
  o->op.sql = "SELECT 1";
  o->op.timeout_ms = ms;
  return submit(L, t, o, NULL, k_ping);
}

static int l_stats(lua_State *L) {
  eng_t *e = eng_of(L);
  pg_stats_t st = {.max = e->cfg.pg_pool_size > 0 ? e->cfg.pg_pool_size : PG_DEFAULT_POOL_SIZE};
  if (e->pg) pg_pool_stats(e->pg, &st);
  lua_createtable(L, 0, 7);
  lua_pushinteger(L, st.size);
  lua_setfield(L, -2, "size");
  lua_pushinteger(L, st.max);
  lua_setfield(L, -2, "max");
  lua_pushinteger(L, st.in_use);
  lua_setfield(L, -2, "in_use");
  lua_pushinteger(L, st.waiting);
  lua_setfield(L, -2, "waiting");
  lua_pushboolean(L, st.up);
  lua_setfield(L, -2, "up");
  lua_pushinteger(L, (lua_Integer)st.prepared);
  lua_setfield(L, -2, "prepared");
  lua_pushinteger(L, (lua_Integer)st.reused);
  lua_setfield(L, -2, "reused");
  return 1;
}

/* }=================================================================== */

/* {===================================================================
** Transactions
** ==================================================================== */

/* acquire([timeout_s]) -> tx | nil, msg, code: one connection, ours alone
** until the tx is closed. */
static int l_acquire(lua_State *L) {
  sched_task *t = sched_current(L);
  uint64_t ms = lua_isnoneornil(L, 1) ? 0 : seconds_to_ms(L, luaL_checknumber(L, 1), 1);
  lpg_op *o = new_op(L, PG_ACQUIRE, 0, 0);
  o->op.timeout_ms = ms;
  return submit(L, t, o, NULL, k_acquire);
}

static int tx_query(lua_State *L) {
  lpg_tx *tx = luaL_checkudata(L, 1, TX_MT);
  return query_at(L, 2, tx, PG_QUERY);
}

/* Same warning as pg.exec_script: migration files only. */
static int tx_exec_script(lua_State *L) {
  lpg_tx *tx = luaL_checkudata(L, 1, TX_MT);
  return query_at(L, 2, tx, PG_SCRIPT);
}

static int tx_status(lua_State *L) {
  lpg_tx *tx = luaL_checkudata(L, 1, TX_MT);
  const char *s = "unknown";
  if (tx->conn) {
    switch (pg_conn_tx_status(tx->conn)) {
    case PQTRANS_IDLE: s = "idle"; break;
    case PQTRANS_ACTIVE: s = "active"; break;
    case PQTRANS_INTRANS: s = "intrans"; break;
    case PQTRANS_INERROR: s = "inerror"; break;
    default: break;
    }
  }
  lua_pushstring(L, s);
  return 1;
}

/* __close and __gc: the connection goes back (or, still inside a
** transaction or broken, is closed) whatever way the transaction ended. */
static int tx_release(lua_State *L) {
  lpg_tx *tx = luaL_checkudata(L, 1, TX_MT);
  if (tx->conn) {
    pg_conn_t *c = tx->conn;
    tx->conn = NULL;
    pg_release(c);
  }
  return 0;
}

static int tx_tostring(lua_State *L) {
  lpg_tx *tx = luaL_checkudata(L, 1, TX_MT);
  lua_pushfstring(L, "pg.tx (%s)", tx->conn ? "open" : "over");
  return 1;
}

/* }=================================================================== */

/* The C half of the `pg` module ("pg.core"); engine/lua/pg.lua adds
** pg.transaction and pg.array, which read best in Lua, and takes `acquire`
** (a connection for a transaction) off the public table. */
int eng_open_pg(lua_State *L) {
  /* The JSON codec is the `json` module's, so that pg and json agree on
  ** null, empty tables and sparse arrays. */
  luaL_requiref(L, "json", eng_open_json, 0);
  lpg_result_open(L);
  lua_getfield(L, -1, "encode");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &encode_key);
  lua_pop(L, 1);
  if (luaL_newmetatable(L, OP_MT)) {
    lua_pushcfunction(L, op_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  if (luaL_newmetatable(L, TX_MT)) {
    static const luaL_Reg methods[] = {{"query", tx_query}, {"exec_script", tx_exec_script},
                                       {"status", tx_status}, {NULL, NULL}};
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, tx_release);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, tx_release);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, tx_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "pg.tx");
    lua_setfield(L, -2, "__name");
  }
  lua_pop(L, 1);

  static const luaL_Reg fns[] = {{"query", l_query}, {"exec_script", l_exec_script},
                                 {"ping", l_ping},   {"stats", l_stats},
                                 {NULL, NULL}};
  luaL_newlib(L, fns);
  eng_push_null(L);
  lua_setfield(L, -2, "null");

  lua_pushcfunction(L, l_acquire);
  lua_setfield(L, -2, "acquire");
  return 1;
}
