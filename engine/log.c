/*
** log.c — JSON lines on stderr. One write(2) per line so lines from several
** processes sharing a terminal or a pipe never interleave mid-line.
*/
#include <stdarg.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"

static int current_level = LOG_INFO;
static const char *names[] = {"debug", "info", "warn", "error"};

void log_set_level(int level) { current_level = level; }
int log_enabled(int level) { return level >= current_level; }
const char *log_level_name(int level) {
  return level >= 0 && level <= LOG_ERROR ? names[level] : "info";
}

int log_level_from_name(const char *name) {
  for (int i = 0; i <= LOG_ERROR; i++)
    if (strcmp(name, names[i]) == 0) return i;
  if (strcmp(name, "warning") == 0) return LOG_WARN;
  return -1;
}

static void add_timestamp(buf_t *b) {
  struct timeval tv;
  struct tm tm;
  gettimeofday(&tv, NULL);
  gmtime_r(&tv.tv_sec, &tm);
  buf_printf(b, "{\"ts\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\"", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(tv.tv_usec / 1000));
}

static void add_pair(buf_t *b, const char *k, const char *v) {
  buf_adds(b, ",\"");
  buf_add_json_escaped(b, k, strlen(k));
  buf_adds(b, "\":\"");
  buf_add_json_escaped(b, v ? v : "", v ? strlen(v) : 0);
  buf_addc(b, '"');
}

static void emit(buf_t *b) {
  buf_adds(b, "}\n");
  ssize_t off = 0;
  while ((size_t)off < b->len) {
    ssize_t n = write(2, b->data + off, b->len - (size_t)off);
    if (n <= 0) break;
    off += n;
  }
  buf_free(b);
}

void log_write_fields(int level, const char *msg, const char *fields, size_t fields_len) {
  if (!log_enabled(level)) return;
  buf_t b;
  buf_init(&b);
  add_timestamp(&b);
  add_pair(&b, "level", log_level_name(level));
  add_pair(&b, "msg", msg);
  if (fields) buf_add(&b, fields, fields_len);
  emit(&b);
}

void log_write(int level, const char *msg, ...) {
  if (!log_enabled(level)) return;
  buf_t b;
  buf_init(&b);
  add_timestamp(&b);
  add_pair(&b, "level", log_level_name(level));
  add_pair(&b, "msg", msg);
  va_list ap;
  va_start(ap, msg);
  for (;;) {
    const char *k = va_arg(ap, const char *);
    if (!k) break;
    const char *v = va_arg(ap, const char *);
    add_pair(&b, k, v);
  }
  va_end(ap);
  emit(&b);
}
