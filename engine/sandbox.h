/*
** sandbox.h — where rules/ and templates/ run: text-only chunks with a
** per-file _ENV over a read-only subset of the standard library, no I/O, no
** bindings, no C modules; every call under an instruction budget and a memory
** cap. A runaway rule becomes an error, never a frozen loop.
*/
#ifndef SANDBOX_H
#define SANDBOX_H

#include <lua.h>

#define SANDBOX_INSTRUCTIONS 20000000L  /* per call: a pricing rule needs ~10^4 */
#define SANDBOX_HOOK_EVERY 1000         /* instructions between budget checks */
#define SANDBOX_MEMORY_CAP (32u << 20)  /* bytes a single call may add */

/* Builds the safe base environment in the registry. Once per generation. */
void sandbox_install(lua_State *L);

/* Compiles and runs a sandboxed file (under the budget). On success pushes
** what the chunk returned and returns 0; on failure pushes "file:line: msg"
** and returns -1. */
int sandbox_load(lua_State *L, const char *chunkname, const char *data, size_t len);

/* Calls the function below nargs arguments on top of L under the budget and
** the memory cap, in a coroutine of its own (so a budget kill yields out of the
** hook and no pcall inside the rule can swallow it). On success replaces
** function+args with the results and returns their count; on failure replaces
** them with an error message and returns -1. */
int sandbox_pcall(lua_State *L, int nargs);

/* Pushes a table mirroring the module table at idx whose functions run through
** sandbox_pcall; a failing call returns nil, "rule_failed", message. */
void sandbox_wrap_module(lua_State *L, int idx, const char *name);

#endif
