/*
** gen.h — generations: one lua_State holding the loaded scripts/, rules/ and
** templates/. Reload builds a new generation beside the current one, loads and
** self-checks it, and swaps one pointer. A failure before the swap changes
** nothing. The old generation is closed when its last task (and timer) lets go.
*/
#ifndef GEN_H
#define GEN_H

#include <lua.h>
#include "eng.h"

struct gen;

/* The generation serving new units of work. */
gen_t *gen_current(void);
/* The generation that owns the Lua state L (any of its threads). */
gen_t *gen_of(lua_State *L);
int gen_id(gen_t *g);
lua_State *gen_state(gen_t *g);
int gen_is_current(gen_t *g);
/* Was current once and is no more (a reload replaced it). */
int gen_is_retired(gen_t *g);

void gen_retain(gen_t *g);
void gen_release(gen_t *g);

/* Runs fn(ud) when g stops being current (so gen-scoped timers and loops stop)
** and again never. Returns an id for gen_cancel_retire. */
int gen_on_retire(gen_t *g, void (*fn)(void *ud), void *ud);
void gen_cancel_retire(gen_t *g, int id);

struct snapshot;
/* Builds a new generation from a snapshot of the sources (taking ownership of
** it, also on failure): bindings, rules/ and templates/ (sandboxed, each rule's
** selfcheck run), then the entry script (e.g. "scripts/main.lua"; NULL for
** none). On failure returns NULL and writes "file:line: message" into err. */
gen_t *gen_load(eng_t *e, struct snapshot *snap, const char *entry, char *err, size_t errlen);
/* Reads the tree synchronously and loads it (start-up, `guldasta check`). */
gen_t *gen_load_from_disk(eng_t *e, const char *entry, char *err, size_t errlen);
/* `guldasta check`: also compiles every scripts/ file not loaded by entry. */
int gen_check_all(gen_t *g, char *err, size_t errlen);
const struct snapshot *gen_snapshot(gen_t *g);
/* Makes g current; the previous one is retired. */
void gen_activate(gen_t *g);

/* Reload: read the tree on libuv's thread pool, load + check, activate; a
** failure is logged (file, line, message) and counted, the old generation
** keeps serving. Calls during a reload coalesce into one more reload. */
void gen_reload(eng_t *e, const char *entry);
/* Retires the current generation at shutdown (its timers stop). */
void gen_shutdown(void);
int gen_reload_failures(void);
int gen_count_alive(void);

/* Memory accounting of a generation (sandbox memory cap). */
size_t gen_mem_used(gen_t *g);
/* Bytes the generation's Lua state has allocated since it was made (growth
** by realloc counted; frees not subtracted): its garbage rate. */
unsigned long long gen_mem_allocated(gen_t *g);
/* Allocation limit in bytes of total use (0 = none): allocations that would
** pass it fail, which Lua turns into a memory error. */
size_t gen_mem_cap(gen_t *g);
void gen_set_mem_cap(gen_t *g, size_t cap);

#endif
