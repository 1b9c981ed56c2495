/*
** bindings.h — the Lua modules the engine provides. gen.c puts each opener in
** package.preload of every generation. Each lives in its own engine/lua_*.c
** file and exposes exactly one opener (and, if it holds process-wide clients,
** one closer called at shutdown).
**
** Openers are declared weak so the engine links while a binding is still
** being written; a missing one is simply not offered to Lua.
*/
#ifndef BINDINGS_H
#define BINDINGS_H

#include <lua.h>
#include "eng.h"

#define ENG_WEAK __attribute__((weak))

ENG_WEAK int eng_open_pg(lua_State *L);       /* lua_pg.c */
ENG_WEAK int eng_open_redis(lua_State *L);    /* lua_redis.c */
ENG_WEAK int eng_open_http(lua_State *L);     /* lua_http.c */
ENG_WEAK int eng_open_timer(lua_State *L);    /* lua_timer.c */
ENG_WEAK int eng_open_crypto(lua_State *L);   /* lua_crypto.c */
ENG_WEAK int eng_open_exec(lua_State *L);     /* lua_exec.c */
/* The development binary's modules (engine/devkit/, guldasta-dev only):
** absent from the product, whose weak references stay NULL. */
ENG_WEAK int eng_open_proc(lua_State *L);     /* devkit/lua_proc.c */
ENG_WEAK int eng_open_rawtcp(lua_State *L);   /* devkit/lua_rawtcp.c */
ENG_WEAK int eng_open_fs(lua_State *L);       /* lua_fs.c */
int eng_open_log(lua_State *L);               /* lua_log.c */
int eng_open_json(lua_State *L);              /* lua_json.c */
int eng_open_engine(lua_State *L);            /* lua_engine.c */
int eng_open_config(lua_State *L);            /* lua_config.c */

/* Process-wide clients are closed at shutdown so the loop can end. */
ENG_WEAK void eng_close_pg(eng_t *e);
ENG_WEAK void eng_close_redis(eng_t *e);
ENG_WEAK void eng_close_http(eng_t *e);

/* The HTTP server is process-wide; serve starts it on cfg.http_host:port and
** dispatches each request to the routes of the current generation.
** Returns 0 or a negative libuv error. */
ENG_WEAK int eng_http_serve(eng_t *e, const char *host, int port);

/* Registers the metatable `name` for a handle type (lua_class.c): methods
** under __index, optional __gc and __tostring. Leaves the stack unchanged. */
#include <lauxlib.h>
void eng_new_class(lua_State *L, const char *name, const luaL_Reg *methods, lua_CFunction gc,
                   lua_CFunction tostring);

/* Pushes nil, msg and libuv's name of status in lower case ("enoent"): the
** failure a binding returns for a libuv error (lua_fail.c). Returns 3. */
int eng_push_uv_fail(lua_State *L, const char *msg, int status);

/* The null sentinel shared by json, pg and redis (cjson's lightuserdata NULL). */
void eng_push_null(lua_State *L);
int eng_is_null(lua_State *L, int idx);

#endif
