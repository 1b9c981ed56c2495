/*
** test_pg_types.c — the pure parts of io/pg_text.c: PostgreSQL's text array
** format and numeric → integer conversion; then the pool on a bare uv loop
** against a port nobody listens on (no server needed), checking that a
** refused connect fails the op with "refused", frees everything and leaves
** the loop with nothing alive; then, when DATABASE_URL is set, round trips
** through a real server, prepared statements included.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "io/pg.h"

/* {========================================================================
** numeric → int64
** =========================================================================*/

static int64_t as_int(const char *s, int *ok) {
  int64_t v = 12345;
  *ok = pg_text_to_int64(s, strlen(s), &v);
  return v;
}

static void test_int64(void) {
  int ok;
  CHECK(as_int("0", &ok) == 0 && ok);
  CHECK(as_int("42", &ok) == 42 && ok);
  CHECK(as_int("-42", &ok) == -42 && ok);
  CHECK(as_int("150000.00", &ok) == 150000 && ok);
  CHECK(as_int("-7.0", &ok) == -7 && ok);
  CHECK(as_int("9223372036854775807", &ok) == INT64_MAX && ok);
  CHECK(as_int("-9223372036854775808", &ok) == INT64_MIN && ok);
  as_int("9223372036854775808", &ok);
  CHECK(!ok);
  as_int("-9223372036854775809", &ok);
  CHECK(!ok);
  as_int("123456789012345678901234567890", &ok);
  CHECK(!ok);
  as_int("12.50", &ok);
  CHECK(!ok);
  as_int("0.001", &ok);
  CHECK(!ok);
  as_int("NaN", &ok);
  CHECK(!ok);
  as_int("", &ok);
  CHECK(!ok);
  as_int("-", &ok);
  CHECK(!ok);
  as_int(".5", &ok);
  CHECK(!ok);
  as_int("1e5", &ok);
  CHECK(!ok);
  /* Only len bytes count: the text need not be NUL-terminated. */
  int64_t v = 0;
  CHECK(pg_text_to_int64("123abc", 3, &v) && v == 123);
}

/* Parameters: integers like "%lld", floats in their shortest exact form. */
static void test_param_text(void) {
  char b[PG_INT_TEXT], f[40];
  CHECK(strcmp(pg_int_text(b, 0), "0") == 0);
  CHECK(strcmp(pg_int_text(b, 41), "41") == 0);
  CHECK(strcmp(pg_int_text(b, -7), "-7") == 0);
  CHECK(strcmp(pg_int_text(b, INT64_MAX), "9223372036854775807") == 0);
  CHECK(strcmp(pg_int_text(b, INT64_MIN), "-9223372036854775808") == 0);
  pg_float_text(f, sizeof f, 0.1);
  CHECK(strcmp(f, "0.1") == 0);
  pg_float_text(f, sizeof f, 1.0 / 3);
  CHECK(strtod(f, NULL) == 1.0 / 3);
  pg_float_text(f, sizeof f, -2.5e300);
  CHECK(strcmp(f, "-2.5e+300") == 0);
  pg_float_text(f, sizeof f, NAN);
  CHECK(strcmp(f, "NaN") == 0);
  pg_float_text(f, sizeof f, -INFINITY);
  CHECK(strcmp(f, "-Infinity") == 0);
}

/* }======================================================================== */

/* {========================================================================
** Arrays: the callbacks write a canonical rendering we can compare
** =========================================================================*/

typedef struct {
  char out[1024];
  size_t n;
  int first[40];
  int depth;
  int stop_after;   /* elements before the callback asks to stop; 0 = never */
  int elems;
} render_t;

static void put(render_t *r, const char *s, size_t n) {
  if (r->n + n >= sizeof r->out) n = sizeof r->out - r->n - 1;
  memcpy(r->out + r->n, s, n);
  r->n += n;
  r->out[r->n] = 0;
}

static void sep(render_t *r) {
  if (!r->first[r->depth]) put(r, " ", 1);
  r->first[r->depth] = 0;
}

static int r_open(void *ud) {
  render_t *r = ud;
  if (r->depth) sep(r);
  put(r, "[", 1);
  r->first[++r->depth] = 1;
  return 0;
}

static int r_close(void *ud) {
  render_t *r = ud;
  r->depth--;
  put(r, "]", 1);
  return 0;
}

static int r_elem(void *ud, const char *s, size_t len, int is_null) {
  render_t *r = ud;
  sep(r);
  if (is_null) put(r, "null", 4);
  else {
    put(r, "<", 1);
    put(r, s, len);
    put(r, ">", 1);
  }
  return r->stop_after && ++r->elems >= r->stop_after;
}

static const pg_array_cb render_cb = {r_open, r_close, r_elem};

/* Parses text and returns the rendering, or "ERROR". */
static const char *parse(const char *text) {
  static render_t r;
  memset(&r, 0, sizeof r);
  size_t len = strlen(text);
  char *scratch = malloc(len + 1);
  int rc = pg_array_parse(text, len, ',', scratch, &render_cb, &r);
  free(scratch);
  return rc == 0 ? r.out : "ERROR";
}

static void expect(const char *text, const char *want) {
  const char *got = parse(text);
  if (strcmp(got, want) != 0) fprintf(stderr, "%s: got %s, want %s\n", text, got, want);
  CHECK(strcmp(got, want) == 0);
}

static void test_arrays(void) {
  expect("{}", "[]");
  expect("{1,2,3}", "[<1> <2> <3>]");
  expect("{1,NULL,3}", "[<1> null <3>]");
  expect("{null,Null}", "[null null]");
  expect("{NULL}", "[null]");
  expect("{\"NULL\"}", "[<NULL>]");        /* quoted: the string "NULL" */
  expect("{\\NULL}", "[<NULL>]");          /* escaped: the string too */
  expect("{NULLS}", "[<NULLS>]");
  expect("{{1,2},{3,4}}", "[[<1> <2>] [<3> <4>]]");
  expect("{{{1}},{{2}}}", "[[[<1>]] [[<2>]]]");
  expect("{\"a b\",c}", "[<a b> <c>]");
  expect("{\"with \\\"quote\\\"\"}", "[<with \"quote\">]");
  expect("{\"back\\\\slash\"}", "[<back\\slash>]");
  expect("{\"comma,inside\",\"brace}{\"}", "[<comma,inside> <brace}{>]");
  expect("{\"\"}", "[<>]");
  expect("{ 1 , 2 }", "[<1> <2>]");        /* whitespace around unquoted items */
  expect("{\" padded \"}", "[< padded >]"); /* kept when quoted */
  expect("{a\\ }", "[<a >]");              /* escaped trailing space is kept */
  expect("{t,f}", "[<t> <f>]");
  expect("{12.50,NaN,-3}", "[<12.50> <NaN> <-3>]");
  expect("{\"{\\\"a\\\": 1}\"}", "[<{\"a\": 1}>]");
  expect("{привет,\"oʻzbek\"}", "[<привет> <oʻzbek>]");
  expect("[0:2]={1,2,3}", "[<1> <2> <3>]");
  expect("[1:2][1:1]={{1},{2}}", "[[<1>] [<2>]]");

  /* Malformed input is refused, never read past its end. */
  const char *bad[] = {"", "{", "}", "{1,2", "{\"abc}", "{1}x", "1,2", "{a\"b}",
                       "{\"a\\", "{1,{2}", "[0:2]", "{{1},2", "{a{b}}", NULL};
  for (int i = 0; bad[i]; i++) {
    const char *got = parse(bad[i]);
    if (strcmp(got, "ERROR") != 0) fprintf(stderr, "%s: accepted as %s\n", bad[i], got);
    CHECK(strcmp(got, "ERROR") == 0);
  }

  /* Deeper than any PostgreSQL array is refused rather than recursed into. */
  char deep[200];
  memset(deep, '{', 60);
  memset(deep + 60, '}', 60);
  deep[120] = 0;
  CHECK(strcmp(parse(deep), "ERROR") == 0);

  /* A callback can stop the walk. */
  render_t r;
  memset(&r, 0, sizeof r);
  r.stop_after = 2;
  char scratch[32];
  CHECK(pg_array_parse("{1,2,3}", 7, ',', scratch, &render_cb, &r) == -1);

  CHECK(pg_array_elem_oid(1007) == PG_OID_INT4);
  CHECK(pg_array_elem_oid(1009) == PG_OID_TEXT);
  CHECK(pg_array_elem_oid(1231) == PG_OID_NUMERIC);
  CHECK(pg_array_elem_oid(1000) == PG_OID_BOOL);
  CHECK(pg_array_elem_oid(1184) == 0);   /* timestamptz[]: stays text */
}

/* }======================================================================== */

/* {========================================================================
** The pool without a server
** =========================================================================*/

static int done_calls;

static void on_done(pg_op_t *op) {
  (void)op;
  done_calls++;
}

static void walk_count(uv_handle_t *h, void *arg) {
  (void)h;
  (*(int *)arg)++;
}

static void test_refused(void) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  /* Port 1 on loopback: nothing listens, the connect is refused. */
  pg_pool_t *p = pg_pool_new(&loop, "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", 2);
  pg_op_t a, b;
  pg_op_init(&a, PG_QUERY);
  a.sql = "SELECT 1";
  a.done = on_done;
  pg_op_init(&b, PG_QUERY);
  b.sql = "SELECT $1::int";
  const char *params[] = {"7"};
  b.params = params;
  b.nparams = 1;
  b.done = on_done;
  int ra = pg_submit(p, &a), rb = pg_submit(p, &b);
  pg_stats_t st;
  pg_pool_stats(p, &st);
  CHECK(st.max == 2);
  CHECK(st.waiting == (ra == 0) + (rb == 0));
  uv_run(&loop, UV_RUN_DEFAULT);   /* ends: nothing keeps the loop alive */
  CHECK(done_calls == (ra == 0) + (rb == 0));
  CHECK(a.status == PG_EREFUSED && b.status == PG_EREFUSED);
  CHECK(strcmp(pg_op_code(&a), "refused") == 0);
  CHECK(strstr(a.err, "127.0.0.1") != NULL);
  CHECK(strchr(a.err, '\n') == NULL);
  pg_pool_stats(p, &st);
  CHECK(st.size == 0 && st.in_use == 0 && st.waiting == 0 && st.up == 0);

  /* An acquire fails the same way; an abandoned op never calls back. */
  pg_op_t c, d;
  pg_op_init(&c, PG_ACQUIRE);
  c.done = on_done;
  pg_op_init(&d, PG_QUERY);
  d.sql = "SELECT 2";
  d.done = on_done;
  int before = done_calls;
  int rc = pg_submit(p, &c), rd = pg_submit(p, &d);
  if (rd == 0) pg_op_abandon(&d);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(c.status == PG_EREFUSED);
  CHECK(done_calls == before + (rc == 0));

  /* A conninfo libpq cannot parse is refused at once. */
  pg_pool_t *q = pg_pool_new(&loop, "postgresql://[bad", 1);
  pg_op_t e;
  pg_op_init(&e, PG_QUERY);
  e.sql = "SELECT 1";
  e.done = on_done;
  CHECK(pg_submit(q, &e) == 1);
  CHECK(e.status == PG_EREFUSED);

  pg_pool_close(p);
  pg_pool_close(q);
  uv_run(&loop, UV_RUN_DEFAULT);
  int alive = 0;
  uv_walk(&loop, walk_count, &alive);
  CHECK(alive == 0);
  CHECK(uv_loop_close(&loop) == 0);
}

/* Runs sql with one parameter on the pool and waits; returns the status,
** the first value in val (or the SQLSTATE when it failed). */
static int run_one(uv_loop_t *loop, pg_pool_t *p, const char *sql, const char *param,
                   char *val, size_t n) {
  pg_op_t op;
  const char *params[] = {param};
  pg_op_init(&op, PG_QUERY);
  op.sql = sql;
  op.params = params;
  op.nparams = param ? 1 : 0;
  op.done = on_done;
  if (pg_submit(p, &op) == 0) uv_run(loop, UV_RUN_DEFAULT);
  val[0] = '\0';
  if (op.status == PG_OK && PQntuples(op.res) > 0 && PQnfields(op.res) > 0)
    snprintf(val, n, "%s", PQgetvalue(op.res, 0, 0));
  else if (op.status != PG_OK)
    snprintf(val, n, "%s", pg_op_code(&op));
  if (op.res) PQclear(op.res);
  return op.status;
}

/* One connection at a time (the ops run one after another): a statement is
** prepared once and reused, a bad one fails as unprepared and is not kept,
** and a schema change the engine cannot see in the command tag (DDL inside
** DO) makes the stale statement run again unprepared. */
static void test_prepared(uv_loop_t *loop, pg_pool_t *p) {
  char v[64];
  pg_stats_t before, after;
  pg_pool_stats(p, &before);
  for (int i = 0; i < 3; i++) {
    CHECK(run_one(loop, p, "SELECT $1::int * 2 AS n -- test_prepared", "21", v, sizeof v) == PG_OK);
    CHECK(strcmp(v, "42") == 0);
  }
  pg_pool_stats(p, &after);
  CHECK(after.prepared == before.prepared + 1);
  CHECK(after.reused == before.reused + 2);

  for (int i = 0; i < 2; i++) {
    CHECK(run_one(loop, p, "SELECT nope FROM pg_class WHERE oid = $1", "1", v, sizeof v) == PG_ESERVER);
    CHECK(strcmp(v, "42703") == 0);
  }
  pg_pool_stats(p, &before);
  CHECK(before.prepared == after.prepared);

  run_one(loop, p, "DROP TABLE IF EXISTS test_pg_prepared", NULL, v, sizeof v);
  CHECK(run_one(loop, p, "CREATE TABLE test_pg_prepared AS SELECT 1 AS a, 'x'::text AS b", NULL, v,
                sizeof v) == PG_OK);
  const char *sel = "SELECT b FROM test_pg_prepared WHERE a = $1";
  CHECK(run_one(loop, p, sel, "1", v, sizeof v) == PG_OK && strcmp(v, "x") == 0);
  CHECK(run_one(loop, p, sel, "1", v, sizeof v) == PG_OK && strcmp(v, "x") == 0);
  CHECK(run_one(loop, p,
                "DO $$ BEGIN EXECUTE 'ALTER TABLE test_pg_prepared ALTER COLUMN b TYPE int USING 7'; END $$",
                NULL, v, sizeof v) == PG_OK);
  CHECK(run_one(loop, p, sel, "1", v, sizeof v) == PG_OK && strcmp(v, "7") == 0);
  CHECK(run_one(loop, p, sel, "1", v, sizeof v) == PG_OK && strcmp(v, "7") == 0);
  run_one(loop, p, "DROP TABLE test_pg_prepared", NULL, v, sizeof v);
}

/* With DATABASE_URL set (tools/services.sh), a round trip through a real
** server: a query, a server error with its SQLSTATE, a timeout that closes
** the connection, and an exclusive checkout. Skipped otherwise. */
static void test_server(void) {
  const char *url = getenv("DATABASE_URL");
  if (!url || !*url) {
    fprintf(stderr, "test_pg_types: DATABASE_URL unset, server round trip skipped\n");
    return;
  }
  uv_loop_t loop;
  uv_loop_init(&loop);
  pg_pool_t *p = pg_pool_new(&loop, url, 2);
  pg_op_t a, b, c;
  const char *params[] = {"41", NULL};
  pg_op_init(&a, PG_QUERY);
  a.sql = "SELECT $1::int + 1 AS n, $2::text IS NULL AS isnull";
  a.params = params;
  a.nparams = 2;
  a.done = on_done;
  pg_op_init(&b, PG_QUERY);
  b.sql = "SELECT 1/0";
  b.done = on_done;
  pg_op_init(&c, PG_QUERY);
  c.sql = "SELECT pg_sleep(5)";
  c.timeout_ms = 100;
  c.done = on_done;
  CHECK(pg_submit(p, &a) == 0);
  CHECK(pg_submit(p, &b) == 0);
  CHECK(pg_submit(p, &c) == 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(a.status == PG_OK);
  CHECK(a.res && strcmp(PQgetvalue(a.res, 0, 0), "42") == 0);
  CHECK(a.res && strcmp(PQgetvalue(a.res, 0, 1), "t") == 0);
  CHECK(b.status == PG_ESERVER && strcmp(pg_op_code(&b), "22012") == 0);
  CHECK(strstr(b.err, "division by zero") != NULL);
  CHECK(c.status == PG_ETIMEOUT && strcmp(pg_op_code(&c), "timeout") == 0);
  PQclear(a.res);
  PQclear(b.res);
  CHECK(c.res == NULL);

  pg_op_t acq, in;
  pg_op_init(&acq, PG_ACQUIRE);
  acq.done = on_done;
  if (pg_submit(p, &acq) == 0) uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(acq.status == PG_OK && acq.conn);
  if (acq.conn) {
    pg_op_init(&in, PG_QUERY);
    in.sql = "BEGIN";
    in.done = on_done;
    CHECK(pg_submit_on(acq.conn, &in) == 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK(in.status == PG_OK);
    PQclear(in.res);
    CHECK(pg_conn_tx_status(acq.conn) == PQTRANS_INTRANS);
    pg_release(acq.conn);   /* inside a transaction: closed, not reused */
  }
  pg_stats_t st;
  pg_pool_stats(p, &st);
  CHECK(st.in_use == 0 && st.waiting == 0);
  test_prepared(&loop, p);
  pg_pool_close(p);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
}

/* }======================================================================== */

int main(void) {
  test_int64();
  test_param_text();
  test_arrays();
  test_refused();
  test_server();
  printf("test_pg_types: %d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
