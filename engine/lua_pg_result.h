/*
** lua_pg_result.h — PostgreSQL results as Lua values (lua_pg_result.c),
** for the `pg` module.
*/
#ifndef GULDASTA_LUA_PG_RESULT_H
#define GULDASTA_LUA_PG_RESULT_H

#include <lua.h>
#include <libpq-fe.h>

/* With the `json` module's table at the top of L's stack: remembers its
** decode (json columns) and makes the rows metatables' cache. Once per state. */
void lpg_result_open(lua_State *L);

/* Pushes res as rows (see lua_pg.c's header for the shape). */
void lpg_push_result(lua_State *L, const PGresult *res);

/* Gives back the process-wide array scratch buffer (at shutdown). */
void lpg_result_free(void);

#endif
