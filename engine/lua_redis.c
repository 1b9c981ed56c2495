/*
** lua_redis.c — the `redis` module: Redis commands for scripts, on top of
** io/redis.c. Every unit of work shares the one process-wide connection
** (eng->redis, created on first use from REDIS_URL); a call yields the
** calling coroutine until its reply, its timeout, or the loss of the
** connection.
**
**   redis.call(cmd, ...)        -> reply | nil, msg, code
**   redis.pipeline({{...}, ...}) -> {reply, ...} | nil, msg, code
**   redis.script(src)           -> script;  script:eval(keys, args) -> reply | nil, msg, code
**   redis.ping()                -> true | nil, msg, code
**   redis.connected()           -> boolean
**   redis.set_timeout(sec|nil), redis.get_timeout() -> sec
**   redis.null
**
** Codes: "redis" (an error reply), "timeout", "closed". Misuse (a boolean
** argument, a command that would break the shared connection) raises.
*/
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <lauxlib.h>
#include <openssl/evp.h>

#include "bindings.h"
#include "scheduler.h"
#include "io/redis.h"

#define SCRIPT_MT "guldasta.redis.script"
#define DEFAULT_TIMEOUT_MS 5000
#define SMALL_ARGS 16            /* argv on the C stack up to this many */

static char timeouts_key;        /* registry: weak table coroutine -> seconds */
static int timeouts_used;        /* skip the lookup until someone sets one */

/* {===================================================================
** The client and per-task timeouts
** ==================================================================== */

/* The process-wide client, created on first use. NULL with *why set when
** REDIS_URL is missing or malformed or the engine is stopping. */
static rds_client_t *client_or_null(lua_State *L, const char **why) {
  eng_t *e = eng_of(L);
  if (e->redis) return e->redis;
  static char msg[300];
  if (e->stopping) {
    *why = "the engine is stopping";
    return NULL;
  }
  if (!e->cfg.redis_url || !e->cfg.redis_url[0]) {
    *why = "REDIS_URL is not set";
    return NULL;
  }
  rds_url_t url;
  if (rds_url_parse(e->cfg.redis_url, &url, msg, sizeof msg) != 0) {
    *why = msg;
    return NULL;
  }
  e->redis = rds_client_new(e->loop, &url, NULL);
  return e->redis;
}

/* A missing or malformed REDIS_URL is a deployment error, not a runtime
** condition a script can handle: raise. */
static rds_client_t *client_of(lua_State *L) {
  const char *why = NULL;
  rds_client_t *c = client_or_null(L, &why);
  if (!c) luaL_error(L, "redis: %s", why);
  return c;
}

/* At shutdown: in-flight commands fail with "closed" (their coroutines
** resume on the next loop turn), and the client stops reconnecting. */
void eng_close_redis(eng_t *e) {
  if (!e->redis) return;
  rds_client_t *c = e->redis;
  e->redis = NULL;
  rds_client_close(c);
}

/* The timeout of the calling unit of work: redis.set_timeout is scoped to
** the coroutine that calls it, so one slow admin task cannot change the
** limits of every request being served. */
static uint64_t timeout_of(lua_State *L) {
  if (!timeouts_used) return DEFAULT_TIMEOUT_MS;
  uint64_t ms = DEFAULT_TIMEOUT_MS;
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &timeouts_key) == LUA_TTABLE) {
    lua_pushthread(L);
    if (lua_rawget(L, -2) == LUA_TNUMBER) ms = (uint64_t)(lua_tonumber(L, -1) * 1000.0 + 0.5);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return ms ? ms : 1;
}

static int l_set_timeout(lua_State *L) {
  if (!sched_current_or_null(L))
    return luaL_error(L, "redis.set_timeout: call it inside a unit of work (it applies to that unit only)");
  lua_Number sec = 0;
  if (!lua_isnoneornil(L, 1)) {
    sec = luaL_checknumber(L, 1);
    luaL_argcheck(L, sec > 0 && sec <= 86400, 1, "seconds in (0, 86400]");
  }
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &timeouts_key) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &timeouts_key);
  }
  lua_pushthread(L);
  if (sec > 0) lua_pushnumber(L, sec);
  else lua_pushnil(L);
  lua_rawset(L, -3);
  timeouts_used = 1;
  return 0;
}

static int l_get_timeout(lua_State *L) {
  lua_pushnumber(L, (lua_Number)timeout_of(L) / 1000.0);
  return 1;
}

/* }=================================================================== */

/* {===================================================================
** Arguments
** ==================================================================== */

/* Commands that would change the shared connection under everyone else's
** feet (its database, its user, its protocol, its reply mode), or that turn
** it into something else (a subscriber, a monitor). MULTI/EXEC are fine
** only inside one redis.pipeline, where nothing can interleave. */
static const char *const refused[] = {
    "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE",
    "MONITOR", "SELECT", "AUTH", "HELLO", "RESET", "QUIT", "SYNC", "PSYNC",
    "WATCH", "UNWATCH", NULL};

enum { CMD_PLAIN, CMD_MULTI, CMD_EXEC };   /* EXEC stands for EXEC and DISCARD */

/* Checks the command name at idx; raises on refused ones. Returns the kind
** so a pipeline can check MULTI ... EXEC pairs. */
static int check_command(lua_State *L, int idx, const char *fn) {
  size_t n;
  const char *s = lua_tolstring(L, idx, &n);
  if (n == 0) return luaL_error(L, "%s: empty command name", fn);
  if (n > 12) return CMD_PLAIN;
  for (const char *const *r = refused; *r; r++)
    if (strlen(*r) == n && strncasecmp(s, *r, n) == 0)
      return luaL_error(L, "%s: %s is not allowed on the shared connection", fn, *r);
  if (n == 6 && strncasecmp(s, "CLIENT", 6) == 0)
    return CMD_PLAIN;            /* CLIENT REPLY is checked by the caller */
  if (n == 5 && strncasecmp(s, "MULTI", 5) == 0) return CMD_MULTI;
  if ((n == 4 && strncasecmp(s, "EXEC", 4) == 0) || (n == 7 && strncasecmp(s, "DISCARD", 7) == 0))
    return CMD_EXEC;
  return CMD_PLAIN;
}

/* Makes the value at idx a string the way Redis wants numbers: integers
** without ".0", floats with all 17 significant digits. Anything but a string
** or a number raises: a boolean would otherwise become "true" in Redis, a
** silent bug. */
static void to_arg(lua_State *L, int idx, const char *fn, int argn) {
  switch (lua_type(L, idx)) {
    case LUA_TSTRING:
      return;
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) {
        lua_pushfstring(L, "%I", lua_tointeger(L, idx));
      } else {
        char buf[64];
        snprintf(buf, sizeof buf, "%.17g", (double)lua_tonumber(L, idx));
        lua_pushstring(L, buf);
      }
      lua_replace(L, idx);
      return;
    default:
      luaL_error(L, "%s: argument #%d is a %s (only strings and numbers go to Redis)", fn, argn,
                 luaL_typename(L, idx));
  }
}

/* Fills argv/lens from stack slots first..first+n-1 (already strings). */
static void collect(lua_State *L, int first, int n, const char **argv, size_t *lens) {
  for (int i = 0; i < n; i++) argv[i] = lua_tolstring(L, first + i, &lens[i]);
}

/* Pushes the elements of the array at tidx (a table or nil) as string
** arguments; returns how many. */
static int push_array_args(lua_State *L, int tidx, const char *fn, const char *what) {
  if (lua_isnoneornil(L, tidx)) return 0;
  luaL_argexpected(L, lua_istable(L, tidx), tidx, "table of strings or nil");
  int n = (int)luaL_len(L, tidx);
  luaL_checkstack(L, n + 4, "too many arguments");
  for (int i = 1; i <= n; i++) {
    lua_geti(L, tidx, i);
    int top = lua_gettop(L);
    if (lua_type(L, top) != LUA_TSTRING && lua_type(L, top) != LUA_TNUMBER)
      luaL_error(L, "%s: %s[%d] is a %s (only strings and numbers go to Redis)", fn, what, i,
                 luaL_typename(L, top));
    to_arg(L, top, fn, i);
  }
  return n;
}

/* }=================================================================== */

/* {===================================================================
** Replies
** ==================================================================== */

static void push_reply(lua_State *L, const rds_reply_t *rp) {
  switch (rp->type) {
    case RDS_REPLY_STRING:
    case RDS_REPLY_STATUS:
      lua_pushlstring(L, rp->str, rp->len);
      break;
    case RDS_REPLY_INTEGER:
      lua_pushinteger(L, (lua_Integer)rp->integer);
      break;
    case RDS_REPLY_ERROR:             /* inside an array or a pipeline */
      lua_createtable(L, 0, 1);
      lua_pushlstring(L, rp->str, rp->len);
      lua_setfield(L, -2, "err");
      break;
    case RDS_REPLY_ARRAY:
      luaL_checkstack(L, 4, "redis reply nested too deeply");
      lua_createtable(L, rp->len > 0x7fffffff ? 0 : (int)rp->len, 0);
      for (size_t i = 0; i < rp->len; i++) {
        push_reply(L, &rp->elem[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
      }
      break;
    default:
      eng_push_null(L);
  }
}

/* The Lua values of a finished request. Runs under lua_pcall (see finish) so
** that a memory error while building a big reply cannot leak the request. */
enum { AS_CALL, AS_PIPELINE, AS_PING, AS_LAST };   /* AS_LAST: last reply of the request */

static int push_result(lua_State *L) {
  rds_req_t *r = lua_touserdata(L, 1);
  int how = (int)lua_tointeger(L, 2);
  int st = rds_req_status(r);
  if (st == RDS_ETIMEOUT) {
    lua_pushnil(L);
    lua_pushfstring(L, "redis: no reply within %f s", (lua_Number)rds_req_timeout_ms(r) / 1000.0);
    lua_pushliteral(L, "timeout");
    return 3;
  }
  if (st != RDS_OK) {
    lua_pushnil(L);
    lua_pushliteral(L, "redis: connection lost");
    lua_pushliteral(L, "closed");
    return 3;
  }
  int n = rds_req_count(r);
  if (how == AS_PIPELINE) {
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
      push_reply(L, rds_req_reply(r, i));
      lua_rawseti(L, -2, i + 1);
    }
    return 1;
  }
  const rds_reply_t *rp = rds_req_reply(r, n - 1);
  if (rp->type == RDS_REPLY_ERROR) {
    lua_pushnil(L);
    lua_pushlstring(L, rp->str, rp->len);
    lua_pushliteral(L, "redis");
    return 3;
  }
  if (how == AS_PING) {
    lua_pushboolean(L, 1);
    return 1;
  }
  push_reply(L, rp);
  return 1;
}

/* Pushes the results, releases the request (also if pushing failed), and
** returns the number of results. */
static int finish(lua_State *L, rds_req_t *r, int how) {
  int top = lua_gettop(L);
  lua_pushcfunction(L, push_result);
  lua_pushlightuserdata(L, r);
  lua_pushinteger(L, how);
  int rc = lua_pcall(L, 2, LUA_MULTRET, 0);
  rds_req_release(r);
  if (rc != LUA_OK) return lua_error(L);
  return lua_gettop(L) - top;
}

static int push_not_connected(lua_State *L) {
  lua_pushnil(L);
  lua_pushliteral(L, "redis: not connected");
  lua_pushliteral(L, "closed");
  return 3;
}

static void on_done(rds_req_t *r, void *ud) {
  (void)r;
  sched_wake((sched_task *)ud);
}

/* }=================================================================== */

/* {===================================================================
** redis.call, redis.ping, redis.connected
** ==================================================================== */

static int k_call(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  return finish(L, (rds_req_t *)ctx, AS_CALL);
}

static int k_ping(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  return finish(L, (rds_req_t *)ctx, AS_PING);
}

/* Sends the single command in stack slots first..first+n-1 (strings) and
** yields with continuation k. */
static int send_one(lua_State *L, sched_task *t, rds_client_t *c, int first, int n, lua_KFunction k) {
  const char *argv_s[SMALL_ARGS], **argv = argv_s;
  size_t lens_s[SMALL_ARGS], *lens = lens_s;
  if (n > SMALL_ARGS) {
    /* A userdata, so an error anywhere later cannot leak it. */
    void *p = lua_newuserdatauv(L, (size_t)n * (sizeof *argv + sizeof *lens), 0);
    argv = p;
    lens = (size_t *)(void *)(argv + n);
  }
  collect(L, first, n, argv, lens);
  rds_req_t *r = rds_req_new(1, timeout_of(L), on_done, t);
  const char *const *av[1] = {argv};
  const size_t *lv[1] = {lens};
  if (rds_send(c, r, &n, av, lv) != 0) {
    rds_req_release(r);
    return push_not_connected(L);
  }
  return sched_wait(L, t, (lua_KContext)r, k);
}

static int l_call(lua_State *L) {
  int n = lua_gettop(L);
  luaL_argexpected(L, lua_type(L, 1) == LUA_TSTRING, 1, "command name");
  int kind = check_command(L, 1, "redis.call");
  if (kind != CMD_PLAIN)
    return luaL_error(L, "redis.call: MULTI/EXEC/DISCARD only inside one redis.pipeline "
                         "(or use redis.script for check-and-set)");
  if (n >= 3 && strcasecmp(lua_tostring(L, 1), "CLIENT") == 0 && lua_type(L, 2) == LUA_TSTRING &&
      strcasecmp(lua_tostring(L, 2), "REPLY") == 0)
    return luaL_error(L, "redis.call: CLIENT REPLY is not allowed on the shared connection");
  for (int i = 2; i <= n; i++) to_arg(L, i, "redis.call", i);
  sched_task *t = sched_current(L);
  rds_client_t *c = client_of(L);
  return send_one(L, t, c, 1, n, k_call);
}

static int l_ping(lua_State *L) {
  lua_settop(L, 0);
  sched_task *t = sched_current(L);
  const char *why = NULL;
  rds_client_t *c = client_or_null(L, &why);
  if (!c) {
    lua_pushnil(L);
    lua_pushfstring(L, "redis: %s", why);
    lua_pushliteral(L, "closed");
    return 3;
  }
  lua_pushliteral(L, "PING");
  return send_one(L, t, c, 1, 1, k_ping);
}

/* Whether the connection is up right now. The first call creates the client
** and starts connecting, so it says false; redis.ping() waits for an answer. */
static int l_connected(lua_State *L) {
  const char *why = NULL;
  rds_client_t *c = client_or_null(L, &why);
  lua_pushboolean(L, c && rds_state(c) == RDS_READY);
  return 1;
}

/* }=================================================================== */

/* {===================================================================
** redis.pipeline
** ==================================================================== */

static int k_pipeline(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  return finish(L, (rds_req_t *)ctx, AS_PIPELINE);
}

/* All commands are checked and turned into strings on the stack before the
** first is queued: an error half-way must not leave commands on the wire
** whose replies nobody waits for. Then all go out in one write and the
** coroutine wakes once, when the last reply is in. */
static int l_pipeline(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  int ncmd = (int)luaL_len(L, 1);
  if (ncmd == 0) {
    lua_newtable(L);
    return 1;
  }
  sched_task *t = sched_current(L);

  /* argc of each command, in a userdata at slot 2 (collected with the stack). */
  int *argc = lua_newuserdatauv(L, (size_t)ncmd * sizeof(int), 0);
  int total = 0, in_multi = 0;
  for (int i = 1; i <= ncmd; i++) {
    if (lua_geti(L, 1, i) != LUA_TTABLE)
      return luaL_error(L, "redis.pipeline: command #%d is a %s, not a table like {\"GET\", \"key\"}",
                        i, luaL_typename(L, -1));
    int cidx = lua_gettop(L);
    int n = (int)luaL_len(L, cidx);
    if (n < 1) return luaL_error(L, "redis.pipeline: command #%d is empty", i);
    luaL_checkstack(L, n + 8, "redis.pipeline: too many arguments");
    for (int j = 1; j <= n; j++) {
      lua_geti(L, cidx, j);
      int top = lua_gettop(L);
      if (lua_type(L, top) != LUA_TSTRING && lua_type(L, top) != LUA_TNUMBER)
        return luaL_error(L, "redis.pipeline: command #%d argument #%d is a %s "
                          "(only strings and numbers go to Redis)", i, j, luaL_typename(L, top));
      to_arg(L, top, "redis.pipeline", j);
    }
    int kind = check_command(L, cidx + 1, "redis.pipeline");
    if (kind == CMD_MULTI && in_multi++) return luaL_error(L, "redis.pipeline: nested MULTI");
    if (kind == CMD_EXEC && !in_multi--) return luaL_error(L, "redis.pipeline: EXEC/DISCARD without MULTI");
    if (n >= 2 && strcasecmp(lua_tostring(L, cidx + 1), "CLIENT") == 0 &&
        strcasecmp(lua_tostring(L, cidx + 2), "REPLY") == 0)
      return luaL_error(L, "redis.pipeline: CLIENT REPLY is not allowed on the shared connection");
    lua_remove(L, cidx);           /* keep only the strings */
    argc[i - 1] = n;
    total += n;
  }
  if (in_multi) return luaL_error(L, "redis.pipeline: MULTI without EXEC or DISCARD");

  rds_client_t *c = client_of(L);
  /* Pointer arrays: one userdata, so an error cannot leak them. */
  size_t bytes = (size_t)total * (sizeof(char *) + sizeof(size_t)) +
                 (size_t)ncmd * (sizeof(char **) + sizeof(size_t *));
  void *blk = lua_newuserdatauv(L, bytes, 0);
  const char **argv = blk;
  size_t *lens = (size_t *)(void *)(argv + total);
  const char *const **av = (const char *const **)(void *)(lens + total);
  const size_t **lv = (const size_t **)(void *)(av + ncmd);
  collect(L, 3, total, argv, lens);
  for (int i = 0, off = 0; i < ncmd; off += argc[i], i++) {
    av[i] = argv + off;
    lv[i] = lens + off;
  }
  rds_req_t *r = rds_req_new(ncmd, timeout_of(L), on_done, t);
  if (rds_send(c, r, argc, av, lv) != 0) {
    rds_req_release(r);
    return push_not_connected(L);
  }
  return sched_wait(L, t, (lua_KContext)r, k_pipeline);
}

/* }=================================================================== */

/* {===================================================================
** redis.script: EVALSHA with the script cache
** ==================================================================== */

typedef struct script {
  char sha[41];
} script_t;

static int l_script(lua_State *L) {
  size_t len;
  const char *src = luaL_checklstring(L, 1, &len);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  if (!EVP_Digest(src, len, md, &mdlen, EVP_sha1(), NULL) || mdlen != 20)
    return luaL_error(L, "redis.script: SHA-1 failed");
  script_t *s = lua_newuserdatauv(L, sizeof *s, 1);
  static const char hex[] = "0123456789abcdef";
  for (unsigned i = 0; i < 20; i++) {
    s->sha[2 * i] = hex[md[i] >> 4];
    s->sha[2 * i + 1] = hex[md[i] & 15];
  }
  s->sha[40] = '\0';
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1);
  luaL_setmetatable(L, SCRIPT_MT);
  return 1;
}

static int k_eval_retry(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  rds_req_t *r = (rds_req_t *)ctx;
  const rds_reply_t *load = rds_req_reply(r, 0);
  if (load && load->type == RDS_REPLY_ERROR) {   /* the script does not compile */
    lua_pushnil(L);
    lua_pushlstring(L, load->str, load->len);
    lua_pushliteral(L, "redis");
    rds_req_release(r);
    return 3;
  }
  return finish(L, r, AS_LAST);
}

/* Stack during eval: 1 script, 2 keys, 3 args, then from 4 on the EVALSHA
** arguments ("EVALSHA", sha, nkeys, keys..., args...). They stay there across
** the yield, so a NOSCRIPT reply can be answered without rebuilding them:
** SCRIPT LOAD and the EVALSHA again, in one write, one round trip. This is
** what keeps the script cache working after a Redis restart or SCRIPT FLUSH. */
static int k_eval(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  rds_req_t *r = (rds_req_t *)ctx;
  const rds_reply_t *rp = rds_req_reply(r, 0);
  if (!rp || rp->type != RDS_REPLY_ERROR || strncmp(rp->str, "NOSCRIPT", 8) != 0)
    return finish(L, r, AS_CALL);
  rds_req_release(r);

  sched_task *t = sched_current(L);
  rds_client_t *c = client_of(L);
  /* Counted from what the call was, not from the stack's top: with more
  ** than SMALL_ARGS arguments send_one left its argv userdata above them. */
  int nkeys = (int)lua_tointeger(L, 6);
  int nargs = lua_istable(L, 3) ? (int)lua_rawlen(L, 3) : 0;
  int n = 3 + nkeys + nargs;
  const char *argv_s[SMALL_ARGS], **argv = argv_s;
  size_t lens_s[SMALL_ARGS], *lens = lens_s;
  if (n > SMALL_ARGS) {
    void *p = lua_newuserdatauv(L, (size_t)n * (sizeof *argv + sizeof *lens), 0);
    argv = p;
    lens = (size_t *)(void *)(argv + n);
  }
  collect(L, 4, n, argv, lens);
  size_t srclen;
  lua_getiuservalue(L, 1, 1);
  const char *load[3] = {"SCRIPT", "LOAD", lua_tolstring(L, -1, &srclen)};
  size_t loadlen[3] = {6, 4, srclen};
  int argc[2] = {3, n};
  const char *const *av[2] = {load, argv};
  const size_t *lv[2] = {loadlen, lens};
  r = rds_req_new(2, timeout_of(L), on_done, t);
  if (rds_send(c, r, argc, av, lv) != 0) {
    rds_req_release(r);
    return push_not_connected(L);
  }
  return sched_wait(L, t, (lua_KContext)r, k_eval_retry);
}

static int l_script_eval(lua_State *L) {
  script_t *s = luaL_checkudata(L, 1, SCRIPT_MT);
  lua_settop(L, 3);
  lua_pushliteral(L, "EVALSHA");
  lua_pushstring(L, s->sha);
  lua_pushnil(L);                      /* nkeys, filled in below */
  int nkeys = push_array_args(L, 2, "script:eval", "keys");
  lua_pushfstring(L, "%d", nkeys);
  lua_replace(L, 6);
  push_array_args(L, 3, "script:eval", "args");
  sched_task *t = sched_current(L);
  rds_client_t *c = client_of(L);
  return send_one(L, t, c, 4, lua_gettop(L) - 3, k_eval);
}

static int l_script_index(lua_State *L) {
  script_t *s = luaL_checkudata(L, 1, SCRIPT_MT);
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "sha") == 0) {
    lua_pushstring(L, s->sha);
    return 1;
  }
  if (strcmp(k, "source") == 0) {
    lua_getiuservalue(L, 1, 1);
    return 1;
  }
  if (strcmp(k, "eval") == 0) {
    lua_pushcfunction(L, l_script_eval);
    return 1;
  }
  return 0;
}

static int l_script_tostring(lua_State *L) {
  script_t *s = luaL_checkudata(L, 1, SCRIPT_MT);
  lua_pushfstring(L, "redis.script(%s)", s->sha);
  return 1;
}

/* }=================================================================== */

int eng_open_redis(lua_State *L) {
  if (luaL_newmetatable(L, SCRIPT_MT)) {
    lua_pushcfunction(L, l_script_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_script_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "redis.script");
    lua_setfield(L, -2, "__name");
  }
  lua_pop(L, 1);
  static const luaL_Reg fns[] = {
      {"call", l_call},
      {"pipeline", l_pipeline},
      {"script", l_script},
      {"ping", l_ping},
      {"connected", l_connected},
      {"set_timeout", l_set_timeout},
      {"get_timeout", l_get_timeout},
      {NULL, NULL},
  };
  luaL_newlib(L, fns);
  eng_push_null(L);
  lua_setfield(L, -2, "null");
  return 1;
}
