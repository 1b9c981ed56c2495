/*
** lua_pg_result.c — a PostgreSQL result as Lua values, for the `pg` module
** (lua_pg.c): rows as tables keyed by column name, each value typed by its
** column's type OID — integers, numbers, booleans, decoded JSON, arrays,
** pg.null for NULL, text for the rest — and rows.affected in the rows'
** metatable.
*/
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "bindings.h"
#include "io/pg.h"
#include "lua_pg_result.h"

#define MT_CACHED 64              /* rows metatables kept for affected 0..63 */

static char decode_key;               /* registry: json.decode */
static char rows_mt_key;              /* registry: the cached rows metatables */

/* Scratch for unescaping array elements: process-wide, since the loop is
** single-threaded and array parsing never nests. */
static char *scratch;
static size_t scratch_cap;

void lpg_result_open(lua_State *L) {
  lua_getfield(L, -1, "decode");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &decode_key);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &rows_mt_key);
}

void lpg_result_free(void) {
  free(scratch);
  scratch = NULL;
  scratch_cap = 0;
}


static void push_value(lua_State *L, unsigned oid, const char *s, size_t len);

static void push_json(lua_State *L, const char *s, size_t len) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &decode_key);
  lua_pushlstring(L, s, len);
  lua_call(L, 1, 1);
  if (lua_isnil(L, -1)) {      /* cannot happen with a server's JSON; keep the text */
    lua_pop(L, 1);
    lua_pushlstring(L, s, len);
  }
}

typedef struct arr_ctx {
  lua_State *L;
  unsigned elem;
  int depth;
  lua_Integer count[34];          /* elements so far at each depth */
} arr_ctx;

static int arr_open(void *ud) {
  arr_ctx *a = ud;
  if (a->depth >= 33 || !lua_checkstack(a->L, 4)) return -1;
  lua_newtable(a->L);
  a->count[++a->depth] = 0;
  return 0;
}

static int arr_close(void *ud) {
  arr_ctx *a = ud;
  if (--a->depth > 0) lua_rawseti(a->L, -2, ++a->count[a->depth]);
  return 0;
}

static int arr_elem(void *ud, const char *s, size_t len, int is_null) {
  arr_ctx *a = ud;
  if (is_null) eng_push_null(a->L);
  else push_value(a->L, a->elem, s, len);
  lua_rawseti(a->L, -2, ++a->count[a->depth]);
  return 0;
}

static const pg_array_cb arr_cb = {arr_open, arr_close, arr_elem};

static void push_array(lua_State *L, unsigned elem, const char *s, size_t len) {
  if (len + 1 > scratch_cap) {
    char *p = realloc(scratch, len + 1);
    if (!p) luaL_error(L, "pg: out of memory");
    scratch = p;
    scratch_cap = len + 1;
  }
  int top = lua_gettop(L);
  arr_ctx a = {.L = L, .elem = elem};
  if (pg_array_parse(s, len, ',', scratch, &arr_cb, &a) != 0) {
    lua_settop(L, top);        /* not an array after all: keep the text */
    lua_pushlstring(L, s, len);
  }
  if (scratch_cap > 65536) {   /* one huge array must not pin its size */
    free(scratch);
    scratch = NULL;
    scratch_cap = 0;
  }
}

/* s is NUL-terminated (libpq's values and the array parser's elements). */
static void push_value(lua_State *L, unsigned oid, const char *s, size_t len) {
  int64_t v;
  switch (oid) {
  case PG_OID_INT2: case PG_OID_INT4: case PG_OID_INT8: case PG_OID_OID:
    if (pg_text_to_int64(s, len, &v)) lua_pushinteger(L, (lua_Integer)v);
    else lua_pushlstring(L, s, len);
    return;
  case PG_OID_NUMERIC:
    /* Money is integral tiyin: 150000.00 comes back as 150000, an integer. */
    if (pg_text_to_int64(s, len, &v)) lua_pushinteger(L, (lua_Integer)v);
    else lua_pushnumber(L, strtod(s, NULL));
    return;
  case PG_OID_FLOAT4: case PG_OID_FLOAT8:
    lua_pushnumber(L, strtod(s, NULL));
    return;
  case PG_OID_BOOL:
    lua_pushboolean(L, s[0] == 't');
    return;
  case PG_OID_JSON: case PG_OID_JSONB:
    push_json(L, s, len);
    return;
  default: {
    unsigned elem = pg_array_elem_oid(oid);
    if (elem) push_array(L, elem, s, len);
    else lua_pushlstring(L, s, len);
  }
  }
}

/* The metatable that gives rows.affected. Results of the common sizes
** (a SELECT of one row, an UPDATE of none) share one per count, kept in
** the registry: a fresh metatable per query was two of the few
** allocations a query makes. */
static void push_rows_mt(lua_State *L, const PGresult *res) {
  lua_Integer n = 0;
  for (const char *d = PQcmdTuples((PGresult *)res); *d >= '0' && *d <= '9'; d++)
    n = n * 10 + (*d - '0');
  int cached = n < MT_CACHED;
  if (cached) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &rows_mt_key);
    if (lua_rawgeti(L, -1, n + 1) == LUA_TTABLE) {
      lua_remove(L, -2);
      return;
    }
    lua_pop(L, 1);
  }
  lua_createtable(L, 0, 2);
  lua_pushinteger(L, n);
  lua_setfield(L, -2, "affected");
  lua_pushvalue(L, -1);
  lua_setfield(L, -2, "__index");
  if (cached) {
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, n + 1);
    lua_remove(L, -2);
  }
}

/* rows: an array of tables keyed by column name, plus rows.affected. The
** column names are pushed once per result and reused as keys; each row is
** created with room for all its columns. */
void lpg_push_result(lua_State *L, const PGresult *res) {
  int nrows = PQntuples(res), ncols = PQnfields(res);
  luaL_checkstack(L, ncols + 8, "pg: too many columns");
  lua_createtable(L, nrows, 0);
  int top = lua_gettop(L), keys = top + 1;
  for (int c = 0; c < ncols; c++) lua_pushstring(L, PQfname(res, c));
  for (int r = 0; r < nrows; r++) {
    lua_createtable(L, 0, ncols);
    for (int c = 0; c < ncols; c++) {
      lua_pushvalue(L, keys + c);
      if (PQgetisnull(res, r, c)) eng_push_null(L);
      else push_value(L, PQftype(res, c), PQgetvalue(res, r, c), (size_t)PQgetlength(res, r, c));
      lua_rawset(L, -3);
    }
    lua_rawseti(L, top, r + 1);
  }
  lua_settop(L, top);
  /* affected sits in the metatable so that rows stay a plain array:
  ** json.encode(rows) gives a JSON array, ipairs and # see only rows. */
  push_rows_mt(L, res);
  lua_setmetatable(L, top);
}
