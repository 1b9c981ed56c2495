/*
** io/pg_stmt.h — one connection's prepared statements: SQL text → the name
** the server knows it by. Pure bookkeeping (no libpq calls), so it is
** unit-tested without a server; io/pg_conn.c decides when to prepare.
**
** Names are "guldasta_<id>" with ids counting up per connection and never
** reused: a statement we forgot (its plan went stale, a DDL changed the
** schema) may still exist on the server, and a new name can never collide
** with it. Forgotten statements still count against PG_STMT_MAX until a
** DEALLOCATE ALL (pg_stmt_reset), so a long-lived connection that keeps
** seeing schema changes does not pile up statements on the server.
**
** The cache lives inside its connection and dies with it: a reconnect starts
** empty, just like the new server session.
*/
#ifndef IO_PG_STMT_H
#define IO_PG_STMT_H

#include <stdint.h>

#define PG_STMT_MAX 256          /* statements per connection, stale included */
#define PG_STMT_BUCKETS 128      /* power of two */
#define PG_STMT_NAMELEN 24

typedef struct pg_stmt {
  char *sql;                     /* our copy */
  uint32_t hash;
  char name[PG_STMT_NAMELEN];    /* the server's name for it */
  struct pg_stmt *next;          /* bucket chain */
} pg_stmt_t;

typedef struct pg_stmt_cache {
  pg_stmt_t *bucket[PG_STMT_BUCKETS];
  int live;                      /* entries we can run */
  int stale;                     /* forgotten, maybe still on the server */
  unsigned next_id;              /* the name the next prepare gets */
} pg_stmt_cache_t;

/* The statement for sql, or NULL. */
pg_stmt_t *pg_stmt_find(pg_stmt_cache_t *sc, const char *sql);

/* 1 when no statement can be added until a pg_stmt_reset. */
int pg_stmt_full(const pg_stmt_cache_t *sc);

/* The name for id, e.g. "guldasta_7". */
void pg_stmt_name(unsigned id, char out[PG_STMT_NAMELEN]);

/* Records that sql was prepared under pg_stmt_name(next_id) (the server
** said yes), and moves next_id on. Returns the entry. */
pg_stmt_t *pg_stmt_add(pg_stmt_cache_t *sc, const char *sql);

/* Stops using s (its plan no longer fits); the server may still hold it. */
void pg_stmt_forget(pg_stmt_cache_t *sc, pg_stmt_t *s);

/* Stops using every statement (the schema changed). */
void pg_stmt_forget_all(pg_stmt_cache_t *sc);

/* The server holds none of ours any more (after DEALLOCATE ALL, or the
** connection closed): frees every entry, nothing is stale. next_id keeps
** counting. */
void pg_stmt_reset(pg_stmt_cache_t *sc);

#endif
