/*
** test_proc.c — io/proc.c on a bare libuv loop: captured output, stdin,
** exit codes and signals, timeouts that kill the whole group, a cap on
** captured output, output to a file, a daemon that keeps the pipe open, an
** owner that walks away early, and nothing left open at the end.
*/
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/proc.h"
#include "check.h"



static uv_loop_t loop;
static int done_count;

static void on_done(proc_t *p) { (void)p; done_count++; }

static proc_opts_t capture(void) {
  proc_opts_t o;
  memset(&o, 0, sizeof o);
  o.out_mode = o.err_mode = PROC_CAPTURE;
  o.own_group = 1;
  return o;
}

/* Starts argv, runs the loop until done, returns the proc (or NULL). */
static proc_t *run(char **argv, const proc_opts_t *o) {
  proc_t *p;
  char err[256];
  int before = done_count;
  if (proc_start(&loop, &p, argv, o, on_done, err, sizeof err) < 0) {
    fprintf(stderr, "proc_start: %s\n", err);
    return NULL;
  }
  while (done_count == before) uv_run(&loop, UV_RUN_ONCE);
  return p;
}

static int out_is(proc_t *p, const char *s) {
  return p->out.len == strlen(s) && memcmp(p->out.data, s, p->out.len) == 0;
}

static void test_capture(void) {
  proc_opts_t o = capture();
  char *echo[] = {"echo", "hello", NULL};
  proc_t *p = run(echo, &o);
  CHECK(p && p->exited && p->exit_status == 0 && p->term_signal == 0 && out_is(p, "hello\n"));
  CHECK(p && p->err.len == 0);
  if (p) proc_close(p);

  char *sh[] = {"/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL};
  p = run(sh, &o);
  CHECK(p && p->exit_status == 3 && out_is(p, "out\n"));
  CHECK(p && p->err.len == 4 && memcmp(p->err.data, "err\n", 4) == 0);
  if (p) proc_close(p);

  /* More than a pipe buffer holds, both ways. */
  size_t big = 1 << 20;
  char *data = malloc(big);
  for (size_t i = 0; i < big; i++) data[i] = (char)('a' + i % 26);
  o.stdin_data = data;
  o.stdin_len = big;
  char *cat[] = {"cat", NULL};
  p = run(cat, &o);
  CHECK(p && p->exit_status == 0 && p->out.len == big && memcmp(p->out.data, data, big) == 0);
  if (p) proc_close(p);

  /* A child that never reads its stdin: EPIPE stays inside, no SIGPIPE. */
  char *t[] = {"true", NULL};
  p = run(t, &o);
  CHECK(p && p->exit_status == 0);
  if (p) proc_close(p);
  free(data);

  /* Empty stdin is an immediate EOF. */
  o.stdin_data = "";
  o.stdin_len = 0;
  p = run(cat, &o);
  CHECK(p && p->exit_status == 0 && p->out.len == 0);
  if (p) proc_close(p);
}

static void test_cwd_env(void) {
  proc_opts_t o = capture();
  o.cwd = "/tmp";
  char *pwd[] = {"pwd", NULL};
  proc_t *p = run(pwd, &o);
  CHECK(p && out_is(p, "/tmp\n"));
  if (p) proc_close(p);

  o = capture();
  char *env[] = {"FLOWER=lola", NULL};
  o.env = env;
  char *sh[] = {"/bin/sh", "-c", "echo $FLOWER", NULL};
  p = run(sh, &o);
  CHECK(p && out_is(p, "lola\n"));
  if (p) proc_close(p);
}

static void test_errors(void) {
  proc_opts_t o = capture();
  proc_t *p = (proc_t *)1;
  char err[256];
  char *nope[] = {"guldasta-no-such-program", NULL};
  CHECK(proc_start(&loop, &p, nope, &o, on_done, err, sizeof err) == UV_ENOENT);
  CHECK(p == NULL && strstr(err, "guldasta-no-such-program"));
  o.cwd = "/nonexistent-dir";
  char *t[] = {"true", NULL};
  CHECK(proc_start(&loop, &p, t, &o, on_done, err, sizeof err) == UV_ENOENT);
  char *empty[] = {NULL};
  CHECK(proc_start(&loop, &p, empty, &o, on_done, err, sizeof err) == UV_EINVAL);
  o = capture();
  o.out_mode = PROC_FILE;
  o.out_path = "/nonexistent-dir/log";
  CHECK(proc_start(&loop, &p, t, &o, on_done, err, sizeof err) == UV_ENOENT);
  uv_run(&loop, UV_RUN_DEFAULT);     /* the failed starts' handles close */
}

static void test_timeout(void) {
  proc_opts_t o = capture();
  o.timeout_ms = 200;
  /* The shell's child (sleep) holds the pipe too: the group kill ends both. */
  char *sh[] = {"/bin/sh", "-c", "echo started; sleep 10; echo never", NULL};
  uint64_t t0 = uv_hrtime();
  proc_t *p = run(sh, &o);
  double secs = (double)(uv_hrtime() - t0) / 1e9;
  CHECK(p && p->timed_out && p->term_signal == SIGKILL && out_is(p, "started\n"));
  CHECK(secs < 2.0);
  if (p) proc_close(p);
}

/* A child that writes without end is killed once past the cap, and what
** was kept is the cap's worth; output under the cap is untouched. */
static void test_out_max(void) {
  proc_opts_t o = capture();
  o.out_max = 1000;
  o.timeout_ms = 10000;
  char *yes[] = {"yes", NULL};
  uint64_t t0 = uv_hrtime();
  proc_t *p = run(yes, &o);
  double secs = (double)(uv_hrtime() - t0) / 1e9;
  CHECK(p && p->too_big && !p->timed_out && p->term_signal == SIGKILL && p->out.len == 1000);
  CHECK(p && memcmp(p->out.data, "y\ny\n", 4) == 0);
  CHECK(secs < 5.0);
  if (p) proc_close(p);

  char *echo[] = {"echo", "short", NULL};
  p = run(echo, &o);
  CHECK(p && !p->too_big && p->exit_status == 0 && out_is(p, "short\n"));
  if (p) proc_close(p);
}

/* A child that leaves a daemon holding its stdout: finished shortly after
** the child's own exit, with the child's output. */
static void test_daemon_keeps_pipe(void) {
  proc_opts_t o = capture();
  char *sh[] = {"/bin/sh", "-c", "sleep 3 & echo done", NULL};
  uint64_t t0 = uv_hrtime();
  proc_t *p = run(sh, &o);
  double secs = (double)(uv_hrtime() - t0) / 1e9;
  CHECK(p && p->exit_status == 0 && out_is(p, "done\n"));
  CHECK(secs < 1.5);
  if (p) {
    uv_kill(-p->pid, SIGKILL);        /* the leftover sleep */
    proc_close(p);
  }
}

static void test_spawn_kill_file(void) {
  char path[] = "/tmp/guldasta-test-proc-XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  proc_opts_t o;
  memset(&o, 0, sizeof o);
  o.out_mode = o.err_mode = PROC_FILE;
  o.out_path = o.err_path = path;
  char *sh[] = {"/bin/sh", "-c", "echo one; echo two >&2; exec sleep 10", NULL};
  proc_t *p;
  char err[256];
  CHECK(proc_start(&loop, &p, sh, &o, on_done, err, sizeof err) == 0);
  CHECK(proc_running(p) && p->pid > 0);
  for (int i = 0; i < 100; i++) {    /* let it write */
    FILE *f = fopen(path, "r");
    char buf[64] = {0};
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    if (n >= 8) break;
    usleep(20000);
  }
  CHECK(proc_kill(p, SIGTERM) == 0);
  int before = done_count;
  while (done_count == before) uv_run(&loop, UV_RUN_ONCE);
  CHECK(!proc_running(p) && p->term_signal == SIGTERM);
  CHECK(proc_kill(p, SIGTERM) == UV_ESRCH);
  proc_close(p);
  FILE *f = fopen(path, "r");
  char buf[64] = {0};
  CHECK(fread(buf, 1, sizeof buf - 1, f) == 8);
  fclose(f);
  CHECK(strcmp(buf, "one\ntwo\n") == 0);
  unlink(path);
}

/* The owner gives the proc back while the process runs: no done, and it
** frees itself after the exit (ASan's leak check and uv_loop_close agree). */
static void test_close_early(void) {
  proc_opts_t o = capture();
  char *sh[] = {"/bin/sh", "-c", "sleep 0.2; echo late", NULL};
  proc_t *p;
  char err[256];
  CHECK(proc_start(&loop, &p, sh, &o, on_done, err, sizeof err) == 0);
  int before = done_count;
  proc_close(p);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(done_count == before);
}

static void test_signal_names(void) {
  CHECK(proc_signal_number("TERM") == SIGTERM);
  CHECK(proc_signal_number("SIGKILL") == SIGKILL);
  CHECK(proc_signal_number("int") == SIGINT);
  CHECK(proc_signal_number("HUP") == SIGHUP);
  CHECK(proc_signal_number("NOPE") == 0);
  CHECK(strcmp(proc_signal_name(SIGTERM), "TERM") == 0);
  CHECK(strcmp(proc_signal_name(SIGKILL), "KILL") == 0);
}

int main(void) {
  uv_loop_init(&loop);
  test_signal_names();
  test_capture();
  test_cwd_env();
  test_errors();
  test_timeout();
  test_out_max();
  test_daemon_keeps_pipe();
  test_spawn_kill_file();
  test_close_early();
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
  if (failures) {
    fprintf(stderr, "test_proc: %d failures\n", failures);
    return 1;
  }
  printf("test_proc: ok\n");
  return 0;
}
