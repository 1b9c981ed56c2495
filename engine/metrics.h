/*
** metrics.h — process-wide metrics in C, so they survive reloads of the Lua
** generations. Rendered in Prometheus text format by GET /metrics.
** Names follow Prometheus conventions (guldasta_units_total, ..._seconds).
** labels is the inside of {...}, e.g. "kind=\"http\"", or NULL.
*/
#ifndef METRICS_H
#define METRICS_H

#include "buf.h"

void metrics_counter_add(const char *name, const char *labels, double v);
void metrics_gauge_set(const char *name, const char *labels, double v);
void metrics_gauge_add(const char *name, const char *labels, double v);
/* Latency histogram with fixed buckets from 0.5 ms to 30 s; v in seconds. */
void metrics_observe(const char *name, const char *labels, double v);
/* Optional HELP text, shown once per metric name. */
void metrics_help(const char *name, const char *type, const char *help);
double metrics_get(const char *name, const char *labels);   /* counter/gauge value, 0 if absent */
void metrics_render(buf_t *out);
void metrics_reset_all(void);  /* tests only */

#endif
