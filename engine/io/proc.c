/*
** io/proc.c — child processes. See proc.h for the lifetime contract.
**
** A proc_t owns up to five libuv handles (the process, stdin/stdout/stderr
** pipes, one timer) and counts how many are still open. It is freed only
** when the owner gave it back (proc_close) and the last handle's close
** callback ran, so no callback can ever see freed memory, whichever order
** the process exit, the pipe EOFs, the timer and the owner arrive in.
**
** "Finished" means the process exited and its captured output is read to
** EOF. A child may hand its stdout to a daemon of its own (a script that
** starts PostgreSQL) which keeps the pipe open for hours; so after the exit
** we give the pipes a short grace period and then stop reading: what the
** child itself wrote is already in the pipe by then.
*/
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "proc.h"

#define PROC_DRAIN_MS 250

static void on_timer(uv_timer_t *t);

static void on_close(uv_handle_t *h) {
  proc_t *p = h->data;
  if (--p->open_handles == 0 && p->closed_by_owner) {
    buf_free(&p->out);
    buf_free(&p->err);
    free((void *)p->stdin_data);
    free(p);
  }
}

static void close_handle(proc_t *p, uv_handle_t *h) {
  (void)p;
  if (!uv_is_closing(h)) uv_close(h, on_close);
}

static void close_all(proc_t *p) {
  if (p->has_proc) close_handle(p, (uv_handle_t *)&p->handle);
  close_handle(p, (uv_handle_t *)&p->timer);
  if (p->has_in) close_handle(p, (uv_handle_t *)&p->in);
  if (p->has_out) close_handle(p, (uv_handle_t *)&p->outp);
  if (p->has_err) close_handle(p, (uv_handle_t *)&p->errp);
}

/* Stops reading a capture pipe; what was read stays in the buffer. */
static void end_pipe(proc_t *p, uv_pipe_t *pipe, int *eof) {
  if (*eof) return;
  *eof = 1;
  uv_read_stop((uv_stream_t *)pipe);
  close_handle(p, (uv_handle_t *)pipe);
}

static void maybe_finish(proc_t *p) {
  if (p->done_called || !p->exited) return;
  if (p->has_out && !p->out_eof) return;
  if (p->has_err && !p->err_eof) return;
  p->done_called = 1;
  uv_timer_stop(&p->timer);
  if (p->closed_by_owner) close_all(p);
  else p->done(p);
}

static void on_proc_exit(uv_process_t *h, int64_t status, int sig) {
  proc_t *p = h->data;
  p->exited = 1;
  p->exit_status = status;
  p->term_signal = sig;
  close_handle(p, (uv_handle_t *)&p->handle);
  uv_timer_stop(&p->timer);
  if ((p->has_out && !p->out_eof) || (p->has_err && !p->err_eof))
    uv_timer_start(&p->timer, on_timer, PROC_DRAIN_MS, 0);
  maybe_finish(p);
}

/* Before the exit the timer is the timeout; after it, the drain grace. */
static void on_timer(uv_timer_t *t) {
  proc_t *p = t->data;
  if (!p->exited) {
    p->timed_out = 1;
    proc_kill(p, SIGKILL);
    return;                          /* on_proc_exit follows */
  }
  if (p->has_out) end_pipe(p, &p->outp, &p->out_eof);
  if (p->has_err) end_pipe(p, &p->errp, &p->err_eof);
  maybe_finish(p);
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b) {
  proc_t *p = h->data;
  buf_t *to = h == (uv_handle_t *)&p->outp ? &p->out : &p->err;
  if (hint > 65536) hint = 65536;
  buf_reserve(to, hint);
  *b = uv_buf_init(to->data + to->len, (unsigned)(to->cap - to->len - 1));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b) {
  proc_t *p = s->data;
  int is_out = s == (uv_stream_t *)&p->outp;
  buf_t *to = is_out ? &p->out : &p->err;
  (void)b;
  if (n > 0) {
    to->len += (size_t)n;            /* read in place by on_alloc */
    if (!p->out_max || to->len <= p->out_max) return;
    /* Too much: keep the cap's worth, stop reading, end the process. Its
    ** exit (or the drain timer) finishes the run as usual. */
    to->len = p->out_max;
    p->too_big = 1;
    proc_kill(p, SIGKILL);
    n = UV_EOF;
  }
  if (n == 0) return;                /* EAGAIN */
  if (is_out) end_pipe(p, &p->outp, &p->out_eof);
  else end_pipe(p, &p->errp, &p->err_eof);
  maybe_finish(p);
}

/* The child may exit without reading its stdin (EPIPE): nothing to report,
** its exit status tells the story. Closing the pipe is the child's EOF. */
static void on_written(uv_write_t *w, int status) {
  proc_t *p = w->data;
  (void)status;
  close_handle(p, (uv_handle_t *)&p->in);
}

/* Writing stdin to a child that already exited raises SIGPIPE, whose default
** action kills the whole engine. A server has no use for SIGPIPE, so if
** nobody chose a disposition yet, we ignore it. */
static void ignore_sigpipe(void) {
  struct sigaction sa;
  if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL) {
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
  }
}

static int setup_output(proc_t *p, int mode, const char *path, int fd, uv_pipe_t *pipe,
                        int *has, uv_stdio_container_t *c, int *file_fd, char *err,
                        size_t errlen) {
  switch (mode) {
  case PROC_CAPTURE:
    uv_pipe_init(p->loop, pipe, 0);
    pipe->data = p;
    p->open_handles++;
    *has = 1;
    c->flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
    c->data.stream = (uv_stream_t *)pipe;
    return 0;
  case PROC_FILE: {
    int f = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
    if (f < 0) {
      int rc = -errno;
      snprintf(err, errlen, "open %s: %s", path, uv_strerror(rc));
      return rc;
    }
    *file_fd = f;
    c->flags = UV_INHERIT_FD;
    c->data.fd = f;
    return 0;
  }
  case PROC_NULL:
    c->flags = UV_IGNORE;
    return 0;
  default:
    c->flags = UV_INHERIT_FD;
    c->data.fd = fd;
    return 0;
  }
}

int proc_start(uv_loop_t *loop, proc_t **out, char **argv, const proc_opts_t *o,
               proc_done_fn done, char *err, size_t errlen) {
  *out = NULL;
  if (!argv || !argv[0]) {
    snprintf(err, errlen, "spawn: empty argv");
    return UV_EINVAL;
  }
  proc_t *p = calloc(1, sizeof *p);
  if (!p) return UV_ENOMEM;
  p->loop = loop;
  p->done = done;
  p->own_group = o->own_group;
  p->out_max = o->out_max;
  buf_init(&p->out);
  buf_init(&p->err);
  p->handle.data = p->timer.data = p->in.data = p->wreq.data = p;
  uv_timer_init(loop, &p->timer);
  p->open_handles = 1;

  uv_stdio_container_t stdio[3];
  int out_fd = -1, err_fd = -1, rc = 0;
  memset(stdio, 0, sizeof stdio);
  stdio[0].flags = UV_IGNORE;
  if (o->stdin_data) {
    p->stdin_len = o->stdin_len;
    p->stdin_data = malloc(o->stdin_len ? o->stdin_len : 1);
    if (!p->stdin_data) rc = UV_ENOMEM;
    else memcpy((char *)p->stdin_data, o->stdin_data, o->stdin_len);
    uv_pipe_init(loop, &p->in, 0);
    p->in.data = p;
    p->open_handles++;
    p->has_in = 1;
    stdio[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE;
    stdio[0].data.stream = (uv_stream_t *)&p->in;
    ignore_sigpipe();
  }
  if (rc == 0)
    rc = setup_output(p, o->out_mode, o->out_path, 1, &p->outp, &p->has_out, &stdio[1],
                      &out_fd, err, errlen);
  if (rc == 0)
    rc = setup_output(p, o->err_mode, o->err_path, 2, &p->errp, &p->has_err, &stdio[2],
                      &err_fd, err, errlen);

  if (rc == 0) {
    uv_process_options_t po;
    memset(&po, 0, sizeof po);
    po.file = argv[0];
    po.args = argv;
    po.env = o->env;
    po.cwd = o->cwd;
    po.flags = o->own_group ? UV_PROCESS_DETACHED : 0;
    po.exit_cb = on_proc_exit;
    po.stdio = stdio;
    po.stdio_count = 3;
    rc = uv_spawn(loop, &p->handle, &po);
    p->open_handles++;               /* initialised even when the spawn failed */
    p->has_proc = 1;
    p->handle.data = p;
    if (rc < 0) snprintf(err, errlen, "spawn %s: %s", argv[0], uv_strerror(rc));
  }
  if (out_fd >= 0) close(out_fd);    /* the child has its copy */
  if (err_fd >= 0) close(err_fd);

  if (rc < 0) {
    p->closed_by_owner = 1;
    p->done_called = 1;
    p->exited = 1;
    close_all(p);
    return rc;
  }

  p->pid = p->handle.pid;
  if (p->has_in) {
    if (p->stdin_len == 0) {
      close_handle(p, (uv_handle_t *)&p->in);
    } else {
      uv_buf_t b = uv_buf_init((char *)p->stdin_data, (unsigned)p->stdin_len);
      if (uv_write(&p->wreq, (uv_stream_t *)&p->in, &b, 1, on_written) < 0)
        close_handle(p, (uv_handle_t *)&p->in);
    }
  }
  if (p->has_out && uv_read_start((uv_stream_t *)&p->outp, on_alloc, on_read) < 0)
    end_pipe(p, &p->outp, &p->out_eof);
  if (p->has_err && uv_read_start((uv_stream_t *)&p->errp, on_alloc, on_read) < 0)
    end_pipe(p, &p->errp, &p->err_eof);
  if (o->timeout_ms) {
    uv_update_time(loop);            /* measure from now, not from the iteration's start */
    uv_timer_start(&p->timer, on_timer, o->timeout_ms, 0);
  }
  *out = p;
  return 0;
}

int proc_kill(proc_t *p, int signum) {
  if (p->exited) return UV_ESRCH;
  if (p->own_group) {
    int rc = uv_kill(-p->pid, signum);
    if (rc != UV_ESRCH) return rc;   /* the leader may have left its group */
  }
  return uv_process_kill(&p->handle, signum);
}

int proc_running(const proc_t *p) { return !p->exited; }

void proc_close(proc_t *p) {
  p->closed_by_owner = 1;
  if (p->done_called) close_all(p);
  /* else: maybe_finish closes everything once the process is gone */
}

int proc_signal_number(const char *name) {
  if (strncasecmp(name, "SIG", 3) == 0) name += 3;
  for (int s = 1; s < NSIG; s++) {
    const char *n = sigabbrev_np(s);
    if (n && strcasecmp(n, name) == 0) return s;
  }
  return 0;
}

const char *proc_signal_name(int signum) { return sigabbrev_np(signum); }
