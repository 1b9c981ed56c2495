/*
** io/fs.h — whole-file operations on libuv's thread pool: read a file, write
** one atomically, list a directory, stat a path. Pure C, no Lua: the binding
** (lua_fs.c) wraps each call in one yield of the calling task.
**
** Every operation follows one contract: fs_xxx() returns 0 and later calls
** done(op) exactly once from the loop, or returns a negative libuv error and
** never calls done. The caller owns the fs_op_t, must keep it alive until done
** ran, and then frees what it holds with fs_op_cleanup(). On failure op->status
** is the libuv error and op->err a message naming the path ("open /x: no such
** file or directory").
*/
#ifndef IO_FS_H
#define IO_FS_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

enum { FS_READ = 1, FS_WRITE, FS_LIST, FS_STAT, FS_MKDIR, FS_REMOVE };

typedef struct fs_op fs_op_t;
typedef void (*fs_done_fn)(fs_op_t *op);

typedef struct fs_stat_result {
  uint64_t size;
  double mtime;              /* seconds since the epoch, with nanoseconds */
  const char *type;          /* "file", "dir", "link", "fifo", "socket", "char", "block", "other" */
  unsigned mode;             /* permission bits (st_mode & 07777) */
} fs_stat_result_t;

struct fs_op {
  /* results, valid in done() */
  int status;                /* 0 or a negative libuv error */
  char err[512];             /* message when status < 0 */
  char *data;                /* FS_READ: the contents (malloc'd, NUL-terminated) */
  size_t len;                /* FS_READ: their length */
  char **names;              /* FS_LIST: sorted entry names (malloc'd) */
  size_t count;              /* FS_LIST: how many */
  fs_stat_result_t st;       /* FS_STAT */
  void *data_ud;             /* free for the caller; kept by fs_xxx() */

  /* private */
  int kind, step;
  uv_loop_t *loop;
  fs_done_fn done;
  uv_fs_t req;
  uv_stat_t sb;               /* the last request's stat buffer */
  uv_file fd;
  char *path, *tmp;          /* FS_WRITE: the temporary beside path */
  const char *wdata;         /* FS_WRITE: caller's bytes, kept alive by the caller */
  size_t wlen, off, cap;
};

/* Reads the whole file at path. */
int fs_read(uv_loop_t *loop, fs_op_t *op, const char *path, fs_done_fn done);

/* Replaces path with data[0..len): writes a temporary file in the same
** directory, flushes it to disk and renames it over path, so readers see the
** old contents or the new ones, never a torn file. data must stay valid until
** done runs. */
int fs_write(uv_loop_t *loop, fs_op_t *op, const char *path, const char *data, size_t len,
             fs_done_fn done);

/* Names in directory path, without "." and "..", sorted bytewise. */
int fs_list(uv_loop_t *loop, fs_op_t *op, const char *path, fs_done_fn done);

/* stat(2), following symbolic links. */
int fs_stat(uv_loop_t *loop, fs_op_t *op, const char *path, fs_done_fn done);

/* mkdir(2) with mode 0777 (less the umask). An existing directory is an error
** ("eexist"): the caller decides whether that matters. */
int fs_mkdir(uv_loop_t *loop, fs_op_t *op, const char *path, fs_done_fn done);

/* Removes a file, or a directory when it is empty. */
int fs_remove(uv_loop_t *loop, fs_op_t *op, const char *path, fs_done_fn done);

/* Frees the results and private state of a finished op (not op itself). */
void fs_op_cleanup(fs_op_t *op);

#endif
