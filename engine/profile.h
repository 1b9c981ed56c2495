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
/* With GULDASTA_LUA_PROFILE_ALLOC=1 samples are taken by bytes allocated:
** the Lua allocator then reports each allocation (a flag test otherwise). */
extern int profile_by_allocation;
void profile_alloc(size_t bytes);
/* Writes the native (not in Lua) sample count and closes the file. */
void profile_stop(void);

#endif
