/*
** test_pg_stmt.c — the per-connection statement cache (io/pg_stmt.c) on its
** own: lookups by text, unique names, forgetting, the limit, and that
** stale statements count against it until a reset. No server needed.
*/
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "io/pg_stmt.h"

static void test_find_add(void) {
  pg_stmt_cache_t sc = {0};
  CHECK(pg_stmt_find(&sc, "SELECT $1") == NULL);
  pg_stmt_t *a = pg_stmt_add(&sc, "SELECT $1");
  pg_stmt_t *b = pg_stmt_add(&sc, "SELECT $1 + 1");
  CHECK(strcmp(a->name, "guldasta_0") == 0);
  CHECK(strcmp(b->name, "guldasta_1") == 0);
  CHECK(pg_stmt_find(&sc, "SELECT $1") == a);
  CHECK(pg_stmt_find(&sc, "SELECT $1 + 1") == b);
  CHECK(pg_stmt_find(&sc, "SELECT $1 ") == NULL);   /* the text, byte for byte */
  CHECK(sc.live == 2 && sc.stale == 0);

  /* Forgotten: gone from lookups, still counted, its name never reused. */
  pg_stmt_forget(&sc, a);
  CHECK(pg_stmt_find(&sc, "SELECT $1") == NULL);
  CHECK(pg_stmt_find(&sc, "SELECT $1 + 1") == b);
  CHECK(sc.live == 1 && sc.stale == 1);
  pg_stmt_t *a2 = pg_stmt_add(&sc, "SELECT $1");
  CHECK(strcmp(a2->name, "guldasta_2") == 0);

  pg_stmt_forget_all(&sc);
  CHECK(sc.live == 0 && sc.stale == 3);
  CHECK(pg_stmt_find(&sc, "SELECT $1 + 1") == NULL);
  pg_stmt_reset(&sc);
  CHECK(sc.live == 0 && sc.stale == 0 && sc.next_id == 3);
}

/* Many entries share buckets; the limit counts live and stale ones. */
static void test_limit(void) {
  pg_stmt_cache_t sc = {0};
  char sql[64];
  for (int i = 0; i < PG_STMT_MAX; i++) {
    CHECK(!pg_stmt_full(&sc));
    snprintf(sql, sizeof sql, "SELECT %d + $1", i);
    pg_stmt_add(&sc, sql);
  }
  CHECK(pg_stmt_full(&sc));
  int found = 0;
  for (int i = 0; i < PG_STMT_MAX; i++) {
    snprintf(sql, sizeof sql, "SELECT %d + $1", i);
    pg_stmt_t *s = pg_stmt_find(&sc, sql);
    found += s && strcmp(s->sql, sql) == 0;
  }
  CHECK(found == PG_STMT_MAX);
  pg_stmt_forget(&sc, pg_stmt_find(&sc, "SELECT 7 + $1"));
  CHECK(pg_stmt_full(&sc));          /* the server still holds it */
  pg_stmt_forget_all(&sc);
  CHECK(pg_stmt_full(&sc));
  pg_stmt_reset(&sc);                /* after DEALLOCATE ALL */
  CHECK(!pg_stmt_full(&sc));
  pg_stmt_reset(&sc);                /* twice is harmless; frees nothing more */
}

int main(void) {
  test_find_add();
  test_limit();
  printf("test_pg_stmt: %d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
