/*
** eng.h — the process-wide engine: one libuv loop, the configuration and the
** shared clients (PostgreSQL pool, Redis, HTTP client) that every Lua
** generation uses. There is exactly one eng_t per process; bindings reach it
** through eng_of(L) and never keep their own copy.
*/
#ifndef ENG_H
#define ENG_H

#include <stdint.h>
#include <uv.h>
#include <lua.h>

#include "config.h"

typedef struct gen gen_t;

typedef struct eng {
  uv_loop_t *loop;
  config_t cfg;
  char root[4096];           /* project root: scripts/, rules/, templates/, migrations/ */
  void *pg;                  /* pg_pool_t*, created on first use (lua_pg.c) */
  void *redis;               /* rds_client_t*, created on first use (lua_redis.c) */
  void *curl;                /* curl_pool_t*, created on first use (lua_http.c) */
  void *http_server;         /* http_server_t* while serving */
  char entry[256];           /* script a generation starts from ("" = none) */
  int exit_code;             /* what `guldasta run` exits with */
  int stopping;              /* set once shutdown began */
} eng_t;

/* The engine of the Lua state L (any thread of any generation). */
eng_t *eng_of(lua_State *L);

/* Set during start-up; one per process. */
eng_t *eng_instance(void);
void eng_set_instance(eng_t *e);

/* Monotonic milliseconds from the loop's cached clock. */
static inline uint64_t eng_now_ms(eng_t *e) { return uv_now(e->loop); }

#endif
