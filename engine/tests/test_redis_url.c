/*
** test_redis_url.c — REDIS_URL parsing (io/redis.c). Pure: no server, no loop.
** Each malformed URL must be refused with a message that names the problem,
** and a password must never appear in a message or in the log description.
*/
#include <stdio.h>
#include <string.h>

#include "io/redis.h"
#include "check.h"



static rds_url_t ok(const char *url) {
  rds_url_t u;
  char err[256] = "";
  int rc = rds_url_parse(url, &u, err, sizeof err);
  if (rc != 0) fprintf(stderr, "unexpected refusal of %s: %s\n", url, err);
  CHECK(rc == 0);
  return u;
}

/* The URL is refused and the message contains `want`. */
static void bad(const char *url, const char *want) {
  rds_url_t u;
  char err[256] = "";
  int rc = rds_url_parse(url, &u, err, sizeof err);
  CHECK(rc == -1);
  CHECK(strncmp(err, "REDIS_URL: ", 11) == 0);
  if (!strstr(err, want)) fprintf(stderr, "%s: message \"%s\" lacks \"%s\"\n", url ? url : "(null)", err, want);
  CHECK(strstr(err, want) != NULL);
  CHECK(strstr(err, "s3cret") == NULL);
}

static void test_tcp(void) {
  rds_url_t u = ok("redis://127.0.0.1:6380/3");
  CHECK(!u.is_unix);
  CHECK(strcmp(u.host, "127.0.0.1") == 0);
  CHECK(u.port == 6380);
  CHECK(u.db == 3);
  CHECK(u.password[0] == 0 && u.user[0] == 0);

  u = ok("redis://localhost");
  CHECK(strcmp(u.host, "localhost") == 0 && u.port == 6379 && u.db == 0);
  u = ok("redis://localhost/");
  CHECK(u.port == 6379 && u.db == 0);
  u = ok("redis://redis.internal:7000");
  CHECK(strcmp(u.host, "redis.internal") == 0 && u.port == 7000);
  u = ok("redis://[::1]:6390/2");
  CHECK(strcmp(u.host, "::1") == 0 && u.port == 6390 && u.db == 2);
  u = ok("redis://h:1/0?db=5");
  CHECK(u.db == 5);
}

static void test_credentials(void) {
  rds_url_t u = ok("redis://:s3cret@10.0.0.5:6379/1");
  CHECK(strcmp(u.password, "s3cret") == 0);
  CHECK(u.user[0] == 0);
  CHECK(strcmp(u.host, "10.0.0.5") == 0 && u.db == 1);

  u = ok("redis://shop:s3cret@h:6379/0");
  CHECK(strcmp(u.user, "shop") == 0 && strcmp(u.password, "s3cret") == 0);

  /* %-escapes, and a raw '@' in the password: the last '@' ends credentials. */
  u = ok("redis://:p%40ss%3Aw0rd@h/0");
  CHECK(strcmp(u.password, "p@ss:w0rd") == 0);
  u = ok("redis://:p@ss@h:6379");
  CHECK(strcmp(u.password, "p@ss") == 0 && strcmp(u.host, "h") == 0);

  char desc[200];
  rds_url_describe(&u, desc, sizeof desc);
  CHECK(strcmp(desc, "redis://h:6379/0") == 0);
  CHECK(strstr(desc, "p@ss") == NULL);
}

static void test_unix(void) {
  rds_url_t u = ok("unix:///path/to.sock");
  CHECK(u.is_unix);
  CHECK(strcmp(u.path, "/path/to.sock") == 0);
  CHECK(u.db == 0);

  u = ok("unix:///path?db=2");
  CHECK(u.is_unix && strcmp(u.path, "/path") == 0 && u.db == 2);

  u = ok("unix:///run/redis/redis.sock?db=7&password=s3cret");
  CHECK(u.db == 7 && strcmp(u.password, "s3cret") == 0);

  u = ok("unix://:s3cret@/tmp/r.sock?db=1");
  CHECK(strcmp(u.path, "/tmp/r.sock") == 0 && strcmp(u.password, "s3cret") == 0 && u.db == 1);

  char desc[200];
  rds_url_describe(&u, desc, sizeof desc);
  CHECK(strcmp(desc, "unix:///tmp/r.sock?db=1") == 0);
}

static void test_malformed(void) {
  bad(NULL, "empty");
  bad("", "empty");
  bad("localhost:6379", "must start with redis:// or unix://");
  bad("http://localhost:6379", "must start with redis:// or unix://");
  bad("rediss://h:6380", "TLS");
  bad("redis://", "missing host");
  bad("redis://:6379/0", "missing host");
  bad("redis://h:abc/0", "bad port 'abc'");
  bad("redis://h:0", "bad port");
  bad("redis://h:70000", "bad port");
  bad("redis://h:", "bad port");
  bad("redis://h:6379/x", "database number");
  bad("redis://h:6379/1/2", "database number");
  bad("redis://h:6379/-1", "database number");
  bad("redis://h/0?db=two", "db must be a database number");
  bad("redis://h/0?timeout=3", "unknown parameter 'timeout'");
  bad("redis://h/0?db", "without '='");
  bad("redis://s3cret@h/0", "credentials need a ':'");
  bad("redis://:@h/0", "empty password");
  bad("redis://:s3cret%4@h/0", "bad password");
  bad("redis://[::1:6379", "unterminated '['");
  bad("redis://h 1:6379", "spaces");
  bad("unix://", "missing socket path");
  bad("unix:///", "missing socket path");
  bad("unix:///tmp/r.sock?db=", "db must be a database number");
  bad("unix://relative.sock", "absolute socket path");
  bad("unix://host/tmp/r.sock", "absolute socket path");
  char longpath[200] = "unix:///";
  memset(longpath + 8, 'a', 150);
  longpath[158] = 0;
  bad(longpath, "longer than 107");
}

int main(void) {
  test_tcp();
  test_credentials();
  test_unix();
  test_malformed();
  printf("test_redis_url: %d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
