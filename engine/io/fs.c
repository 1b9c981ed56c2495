/*
** io/fs.c — whole-file operations as small state machines over uv_fs_*.
**
** Each operation is a chain of libuv requests on the thread pool; one
** callback, on_step(), looks at op->kind and op->step and starts the next
** request, so the loop thread never waits on the disk. An error at any step
** records the first failure, undoes what must be undone (close the file,
** remove a half-written temporary) and only then calls done: done always
** sees a finished operation with nothing left in flight.
*/
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"

enum {
  ST_OPEN = 1, ST_FSTAT, ST_READ, ST_WRITE, ST_SYNC, ST_CLOSE, ST_RENAME, ST_UNLINK_TMP,
  ST_SCAN, ST_STAT, ST_MKDIR, ST_LSTAT, ST_REMOVE
};

#define FS_READ_CHUNK 65536

static void on_step(uv_fs_t *req);
static void read_step(fs_op_t *op, ssize_t r);
static void write_step(fs_op_t *op, ssize_t r);

static void fail(fs_op_t *op, int status, const char *what) {
  if (op->status < 0) return;        /* keep the first error */
  op->status = status;
  snprintf(op->err, sizeof op->err, "%s %s: %s", what, op->path, uv_strerror(status));
}

static void finish(fs_op_t *op) {
  op->step = 0;
  op->done(op);
}

static int begin(uv_loop_t *loop, fs_op_t *op, int kind, const char *path, fs_done_fn done) {
  void *ud = op->data_ud;            /* the caller's, set before the call */
  memset(op, 0, sizeof *op);
  op->data_ud = ud;
  op->loop = loop;
  op->kind = kind;
  op->done = done;
  op->fd = -1;
  op->path = strdup(path);
  if (!op->path) return UV_ENOMEM;
  op->req.data = op;
  return 0;
}

/* The first request of an op failed synchronously: done will not run, so the
** op is cleaned here and the caller only sees the error. */
static int started(fs_op_t *op, int rc) {
  if (rc < 0) fs_op_cleanup(op);
  return rc;
}

/* Closes the open descriptor (if any) and continues at on_step's ST_CLOSE. */
static void close_fd(fs_op_t *op) {
  op->step = ST_CLOSE;
  int rc = uv_fs_close(op->loop, &op->req, op->fd, on_step);
  op->fd = -1;
  if (rc < 0) {                      /* only on bad arguments; treat as the result */
    if (op->kind == FS_READ) read_step(op, rc);
    else write_step(op, rc);
  }
}

/* {========================================================================
** read
** ========================================================================= */

static void read_more(fs_op_t *op) {
  if (op->cap - op->len < FS_READ_CHUNK / 4) {
    size_t cap = op->cap ? op->cap * 2 : FS_READ_CHUNK;
    char *p = realloc(op->data, cap + 1);
    if (!p) { fail(op, UV_ENOMEM, "read"); close_fd(op); return; }
    op->data = p;
    op->cap = cap;
  }
  uv_buf_t b = uv_buf_init(op->data + op->len, (unsigned)(op->cap - op->len));
  op->step = ST_READ;
  int rc = uv_fs_read(op->loop, &op->req, op->fd, &b, 1, -1, on_step);
  if (rc < 0) { fail(op, rc, "read"); close_fd(op); }
}

static void read_step(fs_op_t *op, ssize_t r) {
  switch (op->step) {
  case ST_OPEN:
    if (r < 0) { fail(op, (int)r, "open"); finish(op); return; }
    op->fd = (uv_file)r;
    op->step = ST_FSTAT;
    if (uv_fs_fstat(op->loop, &op->req, op->fd, on_step) < 0) read_more(op);
    return;
  case ST_FSTAT:
    /* The size is only a hint for the first buffer: /proc files say 0 and a
    ** file may grow while we read, so reading goes on until EOF. */
    if (r == 0 && op->sb.st_size > 0 && op->sb.st_size < (1 << 30)) {
      op->cap = (size_t)op->sb.st_size + FS_READ_CHUNK / 4;
      op->data = malloc(op->cap + 1);
      if (!op->data) op->cap = 0;
    }
    read_more(op);
    return;
  case ST_READ:
    if (r < 0) { fail(op, (int)r, "read"); close_fd(op); return; }
    if (r == 0) { close_fd(op); return; }
    op->len += (size_t)r;
    read_more(op);
    return;
  case ST_CLOSE:
    if (r < 0) fail(op, (int)r, "close");
    if (op->status == 0) {
      if (!op->data) op->data = malloc(1);
      if (!op->data) fail(op, UV_ENOMEM, "read");
      else op->data[op->len] = '\0';
    }
    finish(op);
    return;
  }
}

int fs_read(uv_loop_t *loop, fs_op_t *op, const char *path, fs_done_fn done) {
  int rc = begin(loop, op, FS_READ, path, done);
  if (rc < 0) return rc;
  op->step = ST_OPEN;
  return started(op, uv_fs_open(loop, &op->req, op->path, O_RDONLY | O_CLOEXEC, 0, on_step));
}

/* }======================================================================== */

/* {========================================================================
** write: temporary file, fdatasync, rename
** ========================================================================= */

static void write_more(fs_op_t *op) {
  if (op->off == op->wlen) {
    op->step = ST_SYNC;
    int rc = uv_fs_fdatasync(op->loop, &op->req, op->fd, on_step);
    if (rc < 0) { fail(op, rc, "fsync"); close_fd(op); }
    return;
  }
  size_t n = op->wlen - op->off;
  if (n > (1u << 30)) n = 1u << 30;
  uv_buf_t b = uv_buf_init((char *)op->wdata + op->off, (unsigned)n);
  op->step = ST_WRITE;
  int rc = uv_fs_write(op->loop, &op->req, op->fd, &b, 1, -1, on_step);
  if (rc < 0) { fail(op, rc, "write"); close_fd(op); }
}

static void unlink_tmp(fs_op_t *op) {
  op->step = ST_UNLINK_TMP;
  if (uv_fs_unlink(op->loop, &op->req, op->tmp, on_step) < 0) finish(op);
}

static void write_step(fs_op_t *op, ssize_t r) {
  switch (op->step) {
  case ST_OPEN:
    if (r < 0) { fail(op, (int)r, "open"); finish(op); return; }
    op->fd = (uv_file)r;
    write_more(op);
    return;
  case ST_WRITE:
    if (r < 0) { fail(op, (int)r, "write"); close_fd(op); return; }
    op->off += (size_t)r;
    write_more(op);
    return;
  case ST_SYNC:
    if (r < 0) fail(op, (int)r, "fsync");
    close_fd(op);
    return;
  case ST_CLOSE:
    if (r < 0) fail(op, (int)r, "close");
    if (op->status < 0) { unlink_tmp(op); return; }
    op->step = ST_RENAME;
    r = uv_fs_rename(op->loop, &op->req, op->tmp, op->path, on_step);
    if (r < 0) { fail(op, (int)r, "rename"); unlink_tmp(op); }
    return;
  case ST_RENAME:
    if (r < 0) { fail(op, (int)r, "rename"); unlink_tmp(op); return; }
    finish(op);
    return;
  case ST_UNLINK_TMP:
    finish(op);                     /* nothing more to do if even this failed */
    return;
  }
}

/* The temporary lives in the target's directory (rename must not cross file
** systems) and its name carries the pid and a counter, so two processes or
** two tasks writing the same file never share a temporary. O_EXCL makes a
** collision an error instead of a shared file. */
int fs_write(uv_loop_t *loop, fs_op_t *op, const char *path, const char *data, size_t len,
             fs_done_fn done) {
  static unsigned long counter;
  int rc = begin(loop, op, FS_WRITE, path, done);
  if (rc < 0) return rc;
  size_t n = strlen(path) + 64;
  op->tmp = malloc(n);
  if (!op->tmp) { fs_op_cleanup(op); return UV_ENOMEM; }
  snprintf(op->tmp, n, "%s.tmp-%ld-%lu", path, (long)getpid(), ++counter);
  op->wdata = data;
  op->wlen = len;
  op->step = ST_OPEN;
  return started(op, uv_fs_open(loop, &op->req, op->tmp,
                                O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666, on_step));
}

/* }======================================================================== */

/* {========================================================================
** list, stat, mkdir, remove
** ========================================================================= */

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs inside on_step, before the request is cleaned: the entries live in
** the request. */
static void collect_names(fs_op_t *op, uv_fs_t *req, ssize_t r) {
  size_t cap = r > 0 ? (size_t)r : 1;
  op->names = calloc(cap, sizeof *op->names);
  if (!op->names) { fail(op, UV_ENOMEM, "scandir"); return; }
  uv_dirent_t ent;
  while (uv_fs_scandir_next(req, &ent) != UV_EOF) {
    if (op->count == cap) {
      char **p = realloc(op->names, cap * 2 * sizeof *p);
      if (!p) { fail(op, UV_ENOMEM, "scandir"); return; }
      op->names = p;
      cap *= 2;
    }
    op->names[op->count] = strdup(ent.name);
    if (!op->names[op->count]) { fail(op, UV_ENOMEM, "scandir"); return; }
    op->count++;
  }
  qsort(op->names, op->count, sizeof *op->names, cmp_names);
}

static const char *type_name(uint64_t mode) {
  switch (mode & S_IFMT) {
  case S_IFREG: return "file";
  case S_IFDIR: return "dir";
  case S_IFLNK: return "link";
  case S_IFIFO: return "fifo";
  case S_IFSOCK: return "socket";
  case S_IFCHR: return "char";
  case S_IFBLK: return "block";
  default: return "other";
  }
}

static void stat_step(fs_op_t *op, ssize_t r) {
  if (r < 0) { fail(op, (int)r, "stat"); finish(op); return; }
  const uv_stat_t *s = &op->sb;
  op->st.size = s->st_size;
  op->st.mtime = (double)s->st_mtim.tv_sec + (double)s->st_mtim.tv_nsec / 1e9;
  op->st.type = type_name(s->st_mode);
  op->st.mode = (unsigned)(s->st_mode & 07777);
  finish(op);
}

static void remove_step(fs_op_t *op, ssize_t r) {
  if (op->step == ST_LSTAT) {
    if (r < 0) { fail(op, (int)r, "remove"); finish(op); return; }
    int isdir = (op->sb.st_mode & S_IFMT) == S_IFDIR;
    op->step = ST_REMOVE;
    int rc = isdir ? uv_fs_rmdir(op->loop, &op->req, op->path, on_step)
                   : uv_fs_unlink(op->loop, &op->req, op->path, on_step);
    if (rc < 0) { fail(op, rc, "remove"); finish(op); }
    return;
  }
  if (r < 0) fail(op, (int)r, "remove");
  finish(op);
}

int fs_list(uv_loop_t *loop, fs_op_t *op, const char *path, fs_done_fn done) {
  int rc = begin(loop, op, FS_LIST, path, done);
  if (rc < 0) return rc;
  op->step = ST_SCAN;
  return started(op, uv_fs_scandir(loop, &op->req, op->path, 0, on_step));
}

int fs_stat(uv_loop_t *loop, fs_op_t *op, const char *path, fs_done_fn done) {
  int rc = begin(loop, op, FS_STAT, path, done);
  if (rc < 0) return rc;
  op->step = ST_STAT;
  return started(op, uv_fs_stat(loop, &op->req, op->path, on_step));
}

int fs_mkdir(uv_loop_t *loop, fs_op_t *op, const char *path, fs_done_fn done) {
  int rc = begin(loop, op, FS_MKDIR, path, done);
  if (rc < 0) return rc;
  op->step = ST_MKDIR;
  return started(op, uv_fs_mkdir(loop, &op->req, op->path, 0777, on_step));
}

int fs_remove(uv_loop_t *loop, fs_op_t *op, const char *path, fs_done_fn done) {
  int rc = begin(loop, op, FS_REMOVE, path, done);
  if (rc < 0) return rc;
  op->step = ST_LSTAT;
  return started(op, uv_fs_lstat(loop, &op->req, op->path, on_step));
}

/* }======================================================================== */

/* One callback for every request of every op. Whatever the request carries
** (its result, a stat buffer, scandir's entries) is taken out and the request
** released before the next step reuses it or done (which may free the op)
** runs. */
static void on_step(uv_fs_t *req) {
  fs_op_t *op = req->data;
  ssize_t r = req->result;
  if (op->kind == FS_LIST && r >= 0) collect_names(op, req, r);
  op->sb = req->statbuf;
  uv_fs_req_cleanup(req);
  switch (op->kind) {
  case FS_READ: read_step(op, r); return;
  case FS_WRITE: write_step(op, r); return;
  case FS_LIST:
    if (r < 0) fail(op, (int)r, "scandir");
    finish(op);
    return;
  case FS_STAT: stat_step(op, r); return;
  case FS_MKDIR:
    if (r < 0) fail(op, (int)r, "mkdir");
    finish(op);
    return;
  case FS_REMOVE: remove_step(op, r); return;
  }
}

void fs_op_cleanup(fs_op_t *op) {
  free(op->data);
  for (size_t i = 0; i < op->count; i++) free(op->names[i]);
  free(op->names);
  free(op->path);
  free(op->tmp);
  op->data = NULL;
  op->names = NULL;
  op->count = op->len = 0;
  op->path = op->tmp = NULL;
}
