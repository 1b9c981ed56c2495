/*
** io/pg_text.c — PostgreSQL's text format for the values the bindings type:
** integral numerics and arrays in results, numbers in parameters. Pure
** functions, no libpq connection, no Lua: lua_pg.c builds Lua values from
** what these find, test_pg_types.c checks them without a server.
*/
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pg.h"

/* {========================================================================
** Text format helpers
** =========================================================================*/

unsigned pg_array_elem_oid(unsigned oid) {
  switch (oid) {
  case 1000: return PG_OID_BOOL;
  case 1005: return PG_OID_INT2;
  case 1007: return PG_OID_INT4;
  case 1016: return PG_OID_INT8;
  case 1028: return PG_OID_OID;
  case 1231: return PG_OID_NUMERIC;
  case 1021: return PG_OID_FLOAT4;
  case 1022: return PG_OID_FLOAT8;
  case 1009: return PG_OID_TEXT;
  case 1014: return PG_OID_BPCHAR;
  case 1015: return PG_OID_VARCHAR;
  case 199: return PG_OID_JSON;
  case 3807: return PG_OID_JSONB;
  default: return 0;
  }
}

int pg_text_to_int64(const char *s, size_t len, int64_t *out) {
  size_t i = 0;
  int neg = 0;
  if (i < len && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  if (i == len || s[i] < '0' || s[i] > '9') return 0;
  uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, v = 0;
  for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
    unsigned d = (unsigned)(s[i] - '0');
    if (v > (limit - d) / 10) return 0;
    v = v * 10 + d;
  }
  if (i < len && s[i] == '.')
    for (i++; i < len && s[i] == '0'; i++) {}
  if (i != len) return 0;
  if (!neg) *out = (int64_t)v;
  else if (v == (uint64_t)INT64_MAX + 1) *out = INT64_MIN;
  else *out = -(int64_t)v;
  return 1;
}

const char *pg_int_text(char *out, int64_t v) {
  char tmp[PG_INT_TEXT];
  int n = 0;
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  char *p = out;
  if (v < 0) *p++ = '-';
  while (n) *p++ = tmp[--n];
  *p = '\0';
  return out;
}

void pg_float_text(char *out, size_t n, double d) {
  if (isnan(d)) {
    snprintf(out, n, "NaN");
    return;
  }
  if (isinf(d)) {
    snprintf(out, n, d > 0 ? "Infinity" : "-Infinity");
    return;
  }
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(out, n, "%.*g", prec, d);
    if (strtod(out, NULL) == d) return;
  }
}

typedef struct {
  const char *s;
  size_t len, i;
  char delim;
  char *scratch;
  const pg_array_cb *cb;
  void *ud;
} arr_parser;

#define PG_ARRAY_MAX_DEPTH 32

static void arr_skip_ws(arr_parser *a) {
  while (a->i < a->len && isspace((unsigned char)a->s[a->i])) a->i++;
}

/* One element, quoted or not. Backslash escapes the next character in both
** forms; only an unquoted, unescaped NULL (any case) is SQL NULL. */
static int arr_elem(arr_parser *a) {
  size_t n = 0;
  if (a->s[a->i] == '"') {
    for (a->i++;; a->i++) {
      if (a->i >= a->len) return -1;
      char ch = a->s[a->i];
      if (ch == '"') break;
      if (ch == '\\') {
        if (++a->i >= a->len) return -1;
        ch = a->s[a->i];
      }
      a->scratch[n++] = ch;
    }
    a->i++;
    a->scratch[n] = '\0';
    return a->cb->elem(a->ud, a->scratch, n, 0) ? -1 : 0;
  }
  size_t keep = 0;      /* length without trailing unescaped whitespace */
  int escaped = 0;
  for (; a->i < a->len; a->i++) {
    char ch = a->s[a->i];
    if (ch == a->delim || ch == '}') break;
    if (ch == '{' || ch == '"') return -1;
    if (ch == '\\') {
      if (++a->i >= a->len) return -1;
      a->scratch[n++] = a->s[a->i];
      keep = n;
      escaped = 1;
      continue;
    }
    a->scratch[n++] = ch;
    if (!isspace((unsigned char)ch)) keep = n;
  }
  a->scratch[keep] = '\0';
  int is_null = !escaped && keep == 4 && strncasecmp(a->scratch, "NULL", 4) == 0;
  return a->cb->elem(a->ud, a->scratch, keep, is_null) ? -1 : 0;
}

static int arr_array(arr_parser *a, int depth) {
  if (depth > PG_ARRAY_MAX_DEPTH || a->i >= a->len || a->s[a->i] != '{') return -1;
  a->i++;
  if (a->cb->open(a->ud)) return -1;
  arr_skip_ws(a);
  if (a->i < a->len && a->s[a->i] == '}') {
    a->i++;
    return a->cb->close(a->ud) ? -1 : 0;
  }
  for (;;) {
    arr_skip_ws(a);
    if (a->i >= a->len) return -1;
    if (a->s[a->i] == '{') {
      if (arr_array(a, depth + 1)) return -1;
    } else if (arr_elem(a)) {
      return -1;
    }
    arr_skip_ws(a);
    if (a->i >= a->len) return -1;
    if (a->s[a->i] == a->delim) {
      a->i++;
      continue;
    }
    if (a->s[a->i] != '}') return -1;
    a->i++;
    return a->cb->close(a->ud) ? -1 : 0;
  }
}

int pg_array_parse(const char *s, size_t len, char delim, char *scratch,
                   const pg_array_cb *cb, void *ud) {
  arr_parser a = {s, len, 0, delim, scratch, cb, ud};
  /* Non-default bounds come first: "[0:2]={1,2,3}". Lua arrays start at 1
  ** whatever the bounds. */
  if (len && s[0] == '[') {
    const char *eq = memchr(s, '=', len);
    if (!eq) return -1;
    a.i = (size_t)(eq - s) + 1;
  }
  arr_skip_ws(&a);
  if (arr_array(&a, 1)) return -1;
  arr_skip_ws(&a);
  return a.i == len ? 0 : -1;
}

/* }======================================================================== */
