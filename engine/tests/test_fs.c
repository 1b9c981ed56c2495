/*
** test_fs.c — io/fs.c on a bare libuv loop: reads, atomic writes, listings,
** stat, mkdir/remove, the errors each reports, and no temporary file or
** handle left behind.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/fs.h"
#include "check.h"



static uv_loop_t loop;
static int done_count;

static void on_done(fs_op_t *op) { (void)op; done_count++; }

/* Runs one op to completion; returns its status. */
#define RUN(call) run_op(op, (call))
static int run_op(fs_op_t *op, int rc) {
  if (rc < 0) return rc;
  int before = done_count;
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(done_count == before + 1);
  return op->status;
}

static char dir[] = "/tmp/guldasta-test-fs-XXXXXX";

static char *join(const char *name) {
  static char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return path;
}

static void test_write_read(void) {
  fs_op_t o, *op = &o;
  static const char text[] = "роза\0лилия";  /* bytes, NUL included */
  const size_t n = sizeof text - 1;
  CHECK(RUN(fs_write(&loop, op, join("a.txt"), text, n, on_done)) == 0);
  fs_op_cleanup(op);
  CHECK(RUN(fs_read(&loop, op, join("a.txt"), on_done)) == 0);
  CHECK(op->len == n && memcmp(op->data, text, n) == 0);
  fs_op_cleanup(op);

  /* Overwrite with something shorter: no trace of the old contents. */
  CHECK(RUN(fs_write(&loop, op, join("a.txt"), "tulip", 5, on_done)) == 0);
  fs_op_cleanup(op);
  CHECK(RUN(fs_read(&loop, op, join("a.txt"), on_done)) == 0);
  CHECK(op->len == 5 && strcmp(op->data, "tulip") == 0);
  fs_op_cleanup(op);

  /* Empty file. */
  CHECK(RUN(fs_write(&loop, op, join("empty"), "", 0, on_done)) == 0);
  fs_op_cleanup(op);
  CHECK(RUN(fs_read(&loop, op, join("empty"), on_done)) == 0);
  CHECK(op->len == 0 && op->data && op->data[0] == '\0');
  fs_op_cleanup(op);

  /* Larger than the read chunk and not a multiple of it. */
  size_t big = 3 * 65536 + 123;
  char *data = malloc(big);
  for (size_t i = 0; i < big; i++) data[i] = (char)(i * 7);
  CHECK(RUN(fs_write(&loop, op, join("big"), data, big, on_done)) == 0);
  fs_op_cleanup(op);
  CHECK(RUN(fs_read(&loop, op, join("big"), on_done)) == 0);
  CHECK(op->len == big && memcmp(op->data, data, big) == 0);
  fs_op_cleanup(op);
  free(data);

  /* A file whose stat size says 0 (procfs) is still read to its end. */
  CHECK(RUN(fs_read(&loop, op, "/proc/self/status", on_done)) == 0);
  CHECK(op->len > 0 && strstr(op->data, "Name:") != NULL);
  fs_op_cleanup(op);
}

static void test_errors(void) {
  fs_op_t o, *op = &o;
  CHECK(RUN(fs_read(&loop, op, join("missing"), on_done)) == UV_ENOENT);
  CHECK(strstr(op->err, "missing") && strstr(op->err, "no such file"));
  fs_op_cleanup(op);
  CHECK(RUN(fs_read(&loop, op, dir, on_done)) == UV_EISDIR);
  fs_op_cleanup(op);
  CHECK(RUN(fs_write(&loop, op, join("nodir/x"), "x", 1, on_done)) == UV_ENOENT);
  fs_op_cleanup(op);
  CHECK(RUN(fs_list(&loop, op, join("missing"), on_done)) == UV_ENOENT);
  fs_op_cleanup(op);
  CHECK(RUN(fs_stat(&loop, op, join("missing"), on_done)) == UV_ENOENT);
  fs_op_cleanup(op);
  CHECK(RUN(fs_list(&loop, op, join("a.txt"), on_done)) == UV_ENOTDIR);
  fs_op_cleanup(op);
  /* Writing over a directory fails at the rename; the temporary is removed. */
  CHECK(RUN(fs_mkdir(&loop, op, join("sub"), on_done)) == 0);
  fs_op_cleanup(op);
  CHECK(RUN(fs_mkdir(&loop, op, join("sub"), on_done)) == UV_EEXIST);
  fs_op_cleanup(op);
  CHECK(RUN(fs_write(&loop, op, join("sub"), "x", 1, on_done)) < 0);
  CHECK(strstr(op->err, "rename") != NULL);
  fs_op_cleanup(op);
}

static void test_list_stat(void) {
  fs_op_t o, *op = &o;
  CHECK(RUN(fs_list(&loop, op, dir, on_done)) == 0);
  /* a.txt big empty sub — sorted, and no temporaries */
  CHECK(op->count == 4);
  if (op->count == 4) {
    CHECK(strcmp(op->names[0], "a.txt") == 0);
    CHECK(strcmp(op->names[1], "big") == 0);
    CHECK(strcmp(op->names[2], "empty") == 0);
    CHECK(strcmp(op->names[3], "sub") == 0);
  }
  fs_op_cleanup(op);

  CHECK(RUN(fs_stat(&loop, op, join("a.txt"), on_done)) == 0);
  CHECK(op->st.size == 5 && strcmp(op->st.type, "file") == 0);
  CHECK(op->st.mtime > 1.7e9);
  fs_op_cleanup(op);
  CHECK(RUN(fs_stat(&loop, op, join("sub"), on_done)) == 0);
  CHECK(strcmp(op->st.type, "dir") == 0);
  fs_op_cleanup(op);
}

static void test_remove(void) {
  fs_op_t o, *op = &o;
  const char *names[] = {"a.txt", "big", "empty", "sub"};
  for (int i = 0; i < 4; i++) {
    CHECK(RUN(fs_remove(&loop, op, join(names[i]), on_done)) == 0);
    fs_op_cleanup(op);
  }
  CHECK(RUN(fs_remove(&loop, op, join("sub"), on_done)) == UV_ENOENT);
  fs_op_cleanup(op);
  CHECK(RUN(fs_list(&loop, op, dir, on_done)) == 0);
  CHECK(op->count == 0);
  fs_op_cleanup(op);
  CHECK(RUN(fs_remove(&loop, op, dir, on_done)) == 0);
  fs_op_cleanup(op);
}

int main(void) {
  uv_loop_init(&loop);
  if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
  test_write_read();
  test_errors();
  test_list_stat();
  test_remove();
  CHECK(uv_loop_close(&loop) == 0);  /* nothing left open */
  if (failures) {
    fprintf(stderr, "test_fs: %d failures\n", failures);
    return 1;
  }
  printf("test_fs: ok\n");
  return 0;
}
