/*
** profile.h — a sampling profiler of the Lua code (GULDASTA_LUA_PROFILE).
*/
#ifndef GULDASTA_PROFILE_H
#define GULDASTA_PROFILE_H

#include <lua.h>

/* Starts sampling into `path` (GULDASTA_LUA_PROFILE, through config; "%p"
** becomes the pid); a no-op without one. by_allocation: sample by bytes
** allocated (GULDASTA_LUA_PROFILE_ALLOC=1) instead of CPU time. */
void profile_start(const char *path, int by_allocation);
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
