/*
** io/pg_stmt.c — the per-connection statement cache: a small chained hash
** of SQL text → statement id. See pg_stmt.h.
**
** A query's SQL is hashed once per run; at a few hundred bytes that is far
** below the cost of the syscalls around it, and far below what the server
** saves by not parsing and planning the statement again.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_stmt.h"

/* FNV-1a: short SQL strings, no adversary (scripts write the SQL). */
static uint32_t hash_sql(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

pg_stmt_t *pg_stmt_find(pg_stmt_cache_t *sc, const char *sql) {
  if (!sc->live) return NULL;
  uint32_t h = hash_sql(sql);
  for (pg_stmt_t *s = sc->bucket[h & (PG_STMT_BUCKETS - 1)]; s; s = s->next)
    if (s->hash == h && strcmp(s->sql, sql) == 0) return s;
  return NULL;
}

int pg_stmt_full(const pg_stmt_cache_t *sc) {
  return sc->live + sc->stale >= PG_STMT_MAX;
}

void pg_stmt_name(unsigned id, char out[PG_STMT_NAMELEN]) {
  snprintf(out, PG_STMT_NAMELEN, "guldasta_%u", id);
}

pg_stmt_t *pg_stmt_add(pg_stmt_cache_t *sc, const char *sql) {
  pg_stmt_t *s = malloc(sizeof *s);
  if (!s || !(s->sql = strdup(sql))) abort();
  s->hash = hash_sql(sql);
  pg_stmt_name(sc->next_id++, s->name);
  pg_stmt_t **b = &sc->bucket[s->hash & (PG_STMT_BUCKETS - 1)];
  s->next = *b;
  *b = s;
  sc->live++;
  return s;
}

void pg_stmt_forget(pg_stmt_cache_t *sc, pg_stmt_t *s) {
  for (pg_stmt_t **pp = &sc->bucket[s->hash & (PG_STMT_BUCKETS - 1)]; *pp; pp = &(*pp)->next) {
    if (*pp == s) {
      *pp = s->next;
      free(s->sql);
      free(s);
      sc->live--;
      sc->stale++;
      return;
    }
  }
}

static void free_entries(pg_stmt_cache_t *sc) {
  if (!sc->live) return;
  for (int i = 0; i < PG_STMT_BUCKETS; i++) {
    for (pg_stmt_t *s = sc->bucket[i], *nx; s; s = nx) {
      nx = s->next;
      free(s->sql);
      free(s);
    }
    sc->bucket[i] = NULL;
  }
  sc->live = 0;
}

void pg_stmt_forget_all(pg_stmt_cache_t *sc) {
  int n = sc->live;
  free_entries(sc);
  sc->stale += n;
}

void pg_stmt_reset(pg_stmt_cache_t *sc) {
  free_entries(sc);
  sc->stale = 0;
}
