/*
** io/proc.h — child processes over uv_spawn, with their output captured
** through pipes or sent to files, an optional stdin string, a timeout and a
** cap on captured output. Pure C, no Lua: the product's lua_exec.c builds
** exec.run on top, the development binary's devkit/lua_proc.c proc.run and
** proc.spawn.
**
** Lifetime: proc_start() returns 0 and a proc_t whose done callback runs
** exactly once, from the loop, when the process has exited and (when
** capturing) its output is read. The proc_t stays valid after done until
** the owner calls proc_close(); proc_close() is the only way to free it and
** may be called once, before or after done. Before done it kills nothing: the
** proc_t lives on until the process exits, then frees itself without
** calling done. So a caller that loses interest never leaves a dangling
** handle in the loop.
*/
#ifndef IO_PROC_H
#define IO_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "buf.h"

typedef struct proc proc_t;
typedef void (*proc_done_fn)(proc_t *p);

/* Where a child's stdout or stderr goes. */
enum { PROC_INHERIT = 0, PROC_CAPTURE, PROC_FILE, PROC_NULL };

typedef struct proc_opts {
  const char *cwd;             /* NULL: the engine's */
  char **env;                  /* NULL-terminated "K=V" array; NULL: the engine's */
  const char *stdin_data;      /* written to the child's stdin, then EOF; NULL: /dev/null */
  size_t stdin_len;
  int out_mode, err_mode;      /* PROC_INHERIT ... PROC_NULL */
  const char *out_path, *err_path;  /* PROC_FILE: appended to, created 0666 if missing */
  uint64_t timeout_ms;         /* 0: none. On expiry: SIGKILL to the process group */
  int own_group;               /* the child starts a new session (setsid), so a kill
                                  can reach its own children too */
  size_t out_max;              /* 0: no cap. Otherwise each captured stream keeps at
                                  most this many bytes; one more and the process is
                                  killed (SIGKILL) and too_big set */
} proc_opts_t;

struct proc {
  /* results, valid once done ran */
  int exited;                  /* the process is gone */
  int64_t exit_status;         /* exit(3) status, 0 when killed by a signal */
  int term_signal;             /* the signal that ended it, or 0 */
  int timed_out;               /* our timeout killed it */
  int too_big;                 /* it wrote more than out_max: killed, output cut */
  buf_t out, err;              /* captured output */
  int pid;
  void *data;                  /* free for the caller */

  /* private */
  uv_loop_t *loop;
  proc_done_fn done;
  uv_process_t handle;
  uv_pipe_t in, outp, errp;
  uv_timer_t timer;
  uv_write_t wreq;
  const char *stdin_data;
  size_t stdin_len;
  size_t out_max;
  int has_proc, has_in, has_out, has_err;
  int out_eof, err_eof, own_group;
  int done_called, closing, closed_by_owner;
  int open_handles;
};

/* Starts argv[0] (looked up in PATH) with argv. On failure returns a negative
** libuv error with a message in err (UV_ENOENT: the program does not exist)
** and *out is left NULL. */
int proc_start(uv_loop_t *loop, proc_t **out, char **argv, const proc_opts_t *o,
               proc_done_fn done, char *err, size_t errlen);

/* Sends signum to the process (to its whole group when started with
** own_group). 0, or UV_ESRCH when it already exited. */
int proc_kill(proc_t *p, int signum);

int proc_running(const proc_t *p);

/* Gives the proc_t back: see the lifetime note above. */
void proc_close(proc_t *p);

/* Signal names without "SIG": "TERM" <-> 15. 0 when unknown. */
int proc_signal_number(const char *name);
/* Name of signum ("TERM"), or NULL when it has none. */
const char *proc_signal_name(int signum);

#endif
