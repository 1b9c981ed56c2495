/*
** test_redis.c — the Redis client (io/redis.c) on a bare uv loop against a
** real redis-server: replies of every type, pipelines, timeouts with late
** replies, refused connects, a server restart, and no leaked request or
** handle at the end. Needs REDIS_URL (tools/services.sh start DIR; . DIR/env);
** the restart test also needs SERVICES_DIR. Without REDIS_URL it skips.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/redis.h"
#include "check.h"



static uv_loop_t loop;
static rds_url_t url;

/* ---------- helpers: one request at a time, run the loop until done ---------- */

static void on_tick(uv_timer_t *t) { (void)t; }

/* Runs the loop until *flag or ms elapsed. A ticking guard timer keeps
** uv_run from returning at once (the client's handles are unreferenced). */
static void run_until(int *flag, uint64_t ms) {
  uv_timer_t tick;
  uv_timer_init(&loop, &tick);
  uv_timer_start(&tick, on_tick, 5, 5);
  uv_update_time(&loop);
  uint64_t end = uv_now(&loop) + ms;
  while (!*flag && uv_now(&loop) < end) uv_run(&loop, UV_RUN_ONCE);
  uv_close((uv_handle_t *)&tick, NULL);
  uv_run(&loop, UV_RUN_NOWAIT);
}

static void sleep_ms(uint64_t ms) {
  int never = 0;
  run_until(&never, ms);
}

static void on_done(rds_req_t *r, void *ud) {
  (void)r;
  (*(int *)ud)++;
}

/* Sends one command given as a NULL-terminated list of C strings and waits.
** Returns the request (status set); the caller releases it. */
static rds_req_t *cmd_wait(rds_client_t *c, uint64_t timeout_ms, const char *a0, ...) {
  const char *argv[16];
  size_t lens[16];
  int argc = 0;
  va_list ap;
  va_start(ap, a0);
  for (const char *a = a0; a && argc < 16; a = va_arg(ap, const char *)) {
    argv[argc] = a;
    lens[argc++] = strlen(a);
  }
  va_end(ap);
  static int done;
  done = 0;
  rds_req_t *r = rds_req_new(1, timeout_ms, on_done, &done);
  const char *const *av[1] = {argv};
  const size_t *lv[1] = {lens};
  if (rds_send(c, r, &argc, av, lv) != 0) {
    CHECK(rds_req_status(r) == RDS_PENDING);
    return r;                  /* status stays PENDING: "not sent" */
  }
  run_until(&done, timeout_ms + 2000);
  CHECK(done == 1);
  return r;
}

static int wait_ready(rds_client_t *c, uint64_t ms) {
  uv_update_time(&loop);
  uint64_t end = uv_now(&loop) + ms;
  while (rds_state(c) != RDS_READY && uv_now(&loop) < end) sleep_ms(10);
  return rds_state(c) == RDS_READY;
}

/* ---------- tests ---------- */

static void test_reply_types(rds_client_t *c) {
  rds_req_t *r = cmd_wait(c, 1000, "SET", "t:k", "v\0x", NULL);
  CHECK(rds_req_status(r) == RDS_OK);
  const rds_reply_t *rp = rds_req_reply(r, 0);
  CHECK(rp && rp->type == RDS_REPLY_STATUS && strcmp(rp->str, "OK") == 0);
  rds_req_release(r);

  r = cmd_wait(c, 1000, "GET", "t:k", NULL);
  rp = rds_req_reply(r, 0);
  CHECK(rp && rp->type == RDS_REPLY_STRING && rp->len == 1 && rp->str[0] == 'v');
  rds_req_release(r);

  r = cmd_wait(c, 1000, "GET", "t:missing", NULL);
  rp = rds_req_reply(r, 0);
  CHECK(rp && rp->type == RDS_REPLY_NIL);
  rds_req_release(r);

  r = cmd_wait(c, 1000, "DEL", "t:k", "t:missing", NULL);
  rp = rds_req_reply(r, 0);
  CHECK(rp && rp->type == RDS_REPLY_INTEGER && rp->integer == 1);
  rds_req_release(r);

  r = cmd_wait(c, 1000, "EVAL", "return {1, 'two', false, {'x', false, 3}}", "0", NULL);
  rp = rds_req_reply(r, 0);
  CHECK(rp && rp->type == RDS_REPLY_ARRAY && rp->len == 4);
  if (rp && rp->len == 4) {
    CHECK(rp->elem[0].type == RDS_REPLY_INTEGER && rp->elem[0].integer == 1);
    CHECK(rp->elem[1].type == RDS_REPLY_STRING && strcmp(rp->elem[1].str, "two") == 0);
    CHECK(rp->elem[2].type == RDS_REPLY_NIL);
    CHECK(rp->elem[3].type == RDS_REPLY_ARRAY && rp->elem[3].len == 3);
    CHECK(rp->elem[3].elem[1].type == RDS_REPLY_NIL);
    CHECK(strcmp(rp->elem[3].elem[0].str, "x") == 0 && rp->elem[3].elem[2].integer == 3);
  }
  rds_req_release(r);

  r = cmd_wait(c, 1000, "NOSUCHCOMMAND", NULL);
  rp = rds_req_reply(r, 0);
  CHECK(rp && rp->type == RDS_REPLY_ERROR && strncmp(rp->str, "ERR", 3) == 0);
  rds_req_release(r);
}

static void test_pipeline(rds_client_t *c) {
  const char *a0[] = {"SET", "t:n", "10"}, *a1[] = {"INCR", "t:n"}, *a2[] = {"LPUSH", "t:n", "x"},
             *a3[] = {"GET", "t:n"};
  size_t l0[] = {3, 3, 2}, l1[] = {4, 3}, l2[] = {5, 3, 1}, l3[] = {3, 3};
  int argc[] = {3, 2, 3, 2};
  const char *const *av[] = {a0, a1, a2, a3};
  const size_t *lv[] = {l0, l1, l2, l3};
  int done = 0;
  rds_req_t *r = rds_req_new(4, 1000, on_done, &done);
  CHECK(rds_send(c, r, argc, av, lv) == 0);
  run_until(&done, 3000);
  CHECK(rds_req_status(r) == RDS_OK);
  CHECK(rds_req_reply(r, 0)->type == RDS_REPLY_STATUS);
  CHECK(rds_req_reply(r, 1)->integer == 11);
  CHECK(rds_req_reply(r, 2)->type == RDS_REPLY_ERROR && strncmp(rds_req_reply(r, 2)->str, "WRONGTYPE", 9) == 0);
  CHECK(strcmp(rds_req_reply(r, 3)->str, "11") == 0);
  rds_req_release(r);
  rds_req_release(cmd_wait(c, 1000, "DEL", "t:n", NULL));
}

/* The reply arrives after the deadline: done runs once with ETIMEOUT, the
** request is freed only when the late reply came, and the connection keeps
** serving in order. */
static void test_timeout(rds_client_t *c) {
  long before = rds_req_alive();
  rds_req_t *r = cmd_wait(c, 50, "BLPOP", "t:never", "0.3", NULL);
  CHECK(rds_req_status(r) == RDS_ETIMEOUT);
  CHECK(rds_req_reply(r, 0) == NULL);
  rds_req_release(r);
  CHECK(rds_req_alive() == before + 1);       /* hiredis still owes the reply */
  r = cmd_wait(c, 2000, "PING", NULL);
  CHECK(rds_req_status(r) == RDS_OK && strcmp(rds_req_reply(r, 0)->str, "PONG") == 0);
  rds_req_release(r);
  CHECK(rds_req_alive() == before);
}

static void test_select(void) {
  rds_url_t u3 = url;
  u3.db = 3;
  rds_client_t *c3 = rds_client_new(&loop, &u3, NULL);
  /* Sent while connecting: queued behind SELECT. */
  rds_req_t *r = cmd_wait(c3, 2000, "SET", "t:db3", "yes", NULL);
  CHECK(rds_req_status(r) == RDS_OK);
  rds_req_release(r);
  CHECK(rds_state(c3) == RDS_READY);

  rds_url_t u0 = url;
  u0.db = 0;
  rds_client_t *c0 = rds_client_new(&loop, &u0, NULL);
  r = cmd_wait(c0, 2000, "EXISTS", "t:db3", NULL);
  CHECK(rds_req_status(r) == RDS_OK && rds_req_reply(r, 0)->integer == 0);
  rds_req_release(r);
  rds_client_close(c0);

  r = cmd_wait(c3, 1000, "DEL", "t:db3", NULL);
  CHECK(rds_req_status(r) == RDS_OK && rds_req_reply(r, 0)->integer == 1);
  rds_req_release(r);
  rds_client_close(c3);
}

/* Nothing listens: the command queued while connecting fails with "closed"
** promptly (this is what hiredis 0.14's own libuv adapter gets wrong), later
** ones fail at once while the client waits to retry. */
static void test_refused(void) {
  rds_url_t u = url;
  u.is_unix = 0;
  snprintf(u.host, sizeof u.host, "127.0.0.1");
  u.port = 1;                               /* nothing listens on port 1 */
  rds_options_t o = {.connect_timeout_ms = 3000, .backoff_min_ms = 50, .backoff_max_ms = 100};
  rds_client_t *c = rds_client_new(&loop, &u, &o);
  uv_update_time(&loop);
  uint64_t t0 = uv_now(&loop);
  rds_req_t *r = cmd_wait(c, 5000, "PING", NULL);
  CHECK(rds_req_status(r) == RDS_ECLOSED);
  CHECK(uv_now(&loop) - t0 < 1000);
  rds_req_release(r);
  CHECK(rds_state(c) == RDS_DOWN);
  r = rds_req_new(1, 1000, on_done, NULL);
  const char *a[] = {"PING"};
  size_t l[] = {4};
  int argc = 1;
  const char *const *av[] = {a};
  const size_t *lv[] = {l};
  CHECK(rds_send(c, r, &argc, av, lv) == RDS_ECLOSED);
  rds_req_release(r);
  sleep_ms(300);                            /* a few retries go by quietly */
  rds_client_close(c);
}

static void test_wrong_password(void) {
  rds_url_t u = url;
  snprintf(u.password, sizeof u.password, "wrong");
  rds_options_t o = {.backoff_min_ms = 50, .backoff_max_ms = 100};
  rds_client_t *c = rds_client_new(&loop, &u, &o);
  rds_req_t *r = cmd_wait(c, 2000, "PING", NULL);
  /* Queued behind the refused AUTH: it still gets its (PONG or NOAUTH) reply
  ** or "closed", but never hangs, and the client is not marked up. */
  CHECK(rds_req_status(r) != RDS_PENDING && rds_req_status(r) != RDS_ETIMEOUT);
  rds_req_release(r);
  sleep_ms(200);
  CHECK(rds_state(c) != RDS_READY);
  rds_client_close(c);
}

/* In-flight requests at close fail with "closed" from inside the close. */
static void test_close_with_pending(void) {
  rds_client_t *c = rds_client_new(&loop, &url, NULL);
  CHECK(wait_ready(c, 2000));
  int done = 0;
  rds_req_t *r = rds_req_new(1, 5000, on_done, &done);
  const char *a[] = {"BLPOP", "t:never", "0.2"};
  size_t l[] = {5, 5, 3};
  int argc = 3;
  const char *const *av[] = {a};
  const size_t *lv[] = {l};
  CHECK(rds_send(c, r, &argc, av, lv) == 0);
  rds_client_close(c);
  CHECK(done == 1 && rds_req_status(r) == RDS_ECLOSED);
  rds_req_release(r);
  sleep_ms(300);                            /* let the server finish sleeping */
}

static int sh(const char *what) {
  const char *dir = getenv("SERVICES_DIR");
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "tools/services.sh %s '%s' >/dev/null", what, dir);
  return system(cmd);
}

static void test_restart(void) {
  if (!getenv("SERVICES_DIR")) {
    printf("test_redis: restart test skipped (no SERVICES_DIR)\n");
    return;
  }
  rds_options_t o = {.backoff_min_ms = 50, .backoff_max_ms = 200};
  rds_client_t *c = rds_client_new(&loop, &url, &o);
  CHECK(wait_ready(c, 2000));
  uint64_t rc0 = rds_reconnects(c);

  CHECK(sh("stop-redis") == 0);
  /* In flight or not, the loss shows as "closed", never as a hang. */
  rds_req_t *r = cmd_wait(c, 1000, "PING", NULL);
  CHECK(rds_req_status(r) == RDS_ECLOSED || rds_req_status(r) == RDS_PENDING);
  rds_req_release(r);
  sleep_ms(100);
  CHECK(rds_state(c) != RDS_READY);

  CHECK(sh("start-redis") == 0);
  CHECK(wait_ready(c, 3000));
  CHECK(rds_reconnects(c) == rc0 + 1);
  r = cmd_wait(c, 1000, "PING", NULL);
  CHECK(rds_req_status(r) == RDS_OK);
  rds_req_release(r);
  rds_client_close(c);
}

int main(void) {
  const char *u = getenv("REDIS_URL");
  if (!u || !*u) {
    printf("test_redis: skipped (REDIS_URL not set)\n");
    return 0;
  }
  char err[256];
  if (rds_url_parse(u, &url, err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  uv_loop_init(&loop);

  rds_client_t *c = rds_client_new(&loop, &url, NULL);
  test_reply_types(c);
  test_pipeline(c);
  test_timeout(c);
  rds_client_close(c);

  test_select();
  test_refused();
  test_wrong_password();
  test_close_with_pending();
  test_restart();

  uv_run(&loop, UV_RUN_DEFAULT);            /* let closing handles finish */
  CHECK(rds_req_alive() == 0);
  CHECK(uv_loop_close(&loop) == 0);
  printf("test_redis: %d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
