/*
** log.h — structured logs: one JSON object per line on stderr.
** {"ts":"2026-11-26T10:00:00.123Z","level":"info","msg":"...", "key":"value", ...}
*/
#ifndef LOG_H
#define LOG_H

#include <stddef.h>

enum { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };

void log_set_level(int level);
int log_enabled(int level);
/* Parses "debug|info|warn|error"; -1 when unknown. */
int log_level_from_name(const char *name);
const char *log_level_name(int level);

/* msg, then key/value pairs of C strings, terminated by NULL:
**   log_write(LOG_ERROR, "pg connection lost", "error", PQerrorMessage(c), NULL); */
void log_write(int level, const char *msg, ...);

/* Same, with extra fields already encoded as JSON members (",\"k\":1,..."),
** or NULL. Used by the Lua `log` module. */
void log_write_fields(int level, const char *msg, const char *fields, size_t fields_len);

#endif
