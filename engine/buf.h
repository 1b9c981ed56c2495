/*
** buf.h — a growable byte buffer. Used wherever C assembles output (HTTP
** responses, log lines, metrics text). Out of memory aborts: there is nothing
** sensible to do without memory, and every other failure is returned.
*/
#ifndef BUF_H
#define BUF_H

#include <stddef.h>

typedef struct buf {
  char *data;
  size_t len, cap;
} buf_t;

void buf_init(buf_t *b);
void buf_free(buf_t *b);
void buf_reset(buf_t *b);                     /* len = 0, keeps capacity */
void buf_reserve(buf_t *b, size_t extra);
void buf_add(buf_t *b, const void *p, size_t n);
void buf_adds(buf_t *b, const char *s);
void buf_addc(buf_t *b, char c);
void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as the inside of a JSON string (quotes not included). */
void buf_add_json_escaped(buf_t *b, const char *s, size_t n);
/* NUL-terminates without counting the NUL in len. */
const char *buf_cstr(buf_t *b);

#endif
