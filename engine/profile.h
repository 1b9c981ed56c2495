/*
** profile.h — a sampling profiler of the Lua code (GULDASTA_LUA_PROFILE).
*/
#ifndef GULDASTA_PROFILE_H
#define GULDASTA_PROFILE_H

#include <lua.h>

/* Starts sampling when GULDASTA_LUA_PROFILE names a file; a no-op otherwise. */
void profile_start(void);
/* The scheduler brackets every resume with these, so a sample knows which
** coroutine was running. */
void profile_enter(lua_State *co);
void profile_leave(void);
/* Writes the native (not in Lua) sample count and closes the file. */
void profile_stop(void);

#endif
