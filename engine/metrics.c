/*
** metrics.c — a small process-wide registry of counters, gauges and
** histograms. Series are found by hashing "name{labels}"; there are tens of
** them, not thousands, so a fixed open-addressing table is plenty. The
** registry lives in C so that a reload of the Lua generation keeps the counts.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

#define MAX_SERIES 1024
#define NBUCKETS 19

enum { M_COUNTER, M_GAUGE, M_HISTOGRAM };

/* One set of bounds for every histogram: sub-millisecond requests up to
** human-scale waits. The long end (1 min .. 1 h) is for business timings
** such as order-to-acceptance, whose target (15 min) must fall between two
** bounds for a dashboard to show "share within target". */
static const double bucket_bounds[NBUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                               0.05,   0.1,   0.25,   0.5,   1,    2.5,
                                               5,      30,    60,     300,   900,  1800,
                                               3600};

typedef struct series {
  char *name, *labels;  /* labels may be "" */
  int type;
  double value;         /* counter, gauge; sum for histograms */
  uint64_t count;       /* histogram */
  uint64_t buckets[NBUCKETS];
} series_t;

typedef struct help {
  char *name, *type, *text;
  struct help *next;
} help_t;

static series_t *table[MAX_SERIES];
static int nseries;
static help_t *helps;

static uint32_t hash2(const char *a, const char *b) {
  uint32_t h = 2166136261u;
  for (; *a; a++) h = (h ^ (unsigned char)*a) * 16777619u;
  h = (h ^ '{') * 16777619u;
  for (; b && *b; b++) h = (h ^ (unsigned char)*b) * 16777619u;
  return h;
}

static series_t *lookup(const char *name, const char *labels, int type, int create) {
  if (!labels) labels = "";
  uint32_t h = hash2(name, labels) % MAX_SERIES;
  for (int i = 0; i < MAX_SERIES; i++) {
    series_t *s = table[(h + i) % MAX_SERIES];
    if (!s) {
      if (!create || nseries >= MAX_SERIES - 1) return NULL;
      s = calloc(1, sizeof *s);
      if (!s) abort();
      s->name = strdup(name);
      s->labels = strdup(labels);
      s->type = type;
      table[(h + i) % MAX_SERIES] = s;
      nseries++;
      return s;
    }
    if (strcmp(s->name, name) == 0 && strcmp(s->labels, labels) == 0) return s;
  }
  return NULL;
}

void metrics_counter_add(const char *name, const char *labels, double v) {
  series_t *s = lookup(name, labels, M_COUNTER, 1);
  if (s) s->value += v;
}

void metrics_gauge_set(const char *name, const char *labels, double v) {
  series_t *s = lookup(name, labels, M_GAUGE, 1);
  if (s) s->value = v;
}

void metrics_gauge_add(const char *name, const char *labels, double v) {
  series_t *s = lookup(name, labels, M_GAUGE, 1);
  if (s) s->value += v;
}

void metrics_observe(const char *name, const char *labels, double v) {
  series_t *s = lookup(name, labels, M_HISTOGRAM, 1);
  if (!s) return;
  s->value += v;
  s->count++;
  for (int i = 0; i < NBUCKETS; i++)
    if (v <= bucket_bounds[i]) s->buckets[i]++;
}

double metrics_get(const char *name, const char *labels) {
  series_t *s = lookup(name, labels, M_COUNTER, 0);
  if (!s) return 0;
  return s->type == M_HISTOGRAM ? (double)s->count : s->value;
}

void metrics_help(const char *name, const char *type, const char *text) {
  for (help_t *h = helps; h; h = h->next)
    if (strcmp(h->name, name) == 0) return;
  help_t *h = calloc(1, sizeof *h);
  if (!h) abort();
  h->name = strdup(name);
  h->type = strdup(type);
  h->text = strdup(text);
  h->next = helps;
  helps = h;
}

static int by_name(const void *a, const void *b) {
  const series_t *x = *(series_t *const *)a, *y = *(series_t *const *)b;
  int c = strcmp(x->name, y->name);
  return c ? c : strcmp(x->labels, y->labels);
}

static void render_value(buf_t *out, const char *name, const char *suffix, const char *labels,
                         const char *extra, double v) {
  buf_printf(out, "%s%s", name, suffix);
  if (*labels || extra) {
    buf_addc(out, '{');
    buf_adds(out, labels);
    if (extra) buf_printf(out, "%s%s", *labels ? "," : "", extra);
    buf_addc(out, '}');
  }
  buf_printf(out, " %.17g\n", v);
}

/* Sorted by name so each metric's HELP/TYPE is printed once above its series,
** as the Prometheus text format requires. */
void metrics_render(buf_t *out) {
  series_t *list[MAX_SERIES];
  int n = 0;
  for (int i = 0; i < MAX_SERIES; i++)
    if (table[i]) list[n++] = table[i];
  qsort(list, (size_t)n, sizeof list[0], by_name);
  const char *last = "";
  for (int i = 0; i < n; i++) {
    series_t *s = list[i];
    if (strcmp(s->name, last) != 0) {
      const char *type = s->type == M_COUNTER ? "counter" : s->type == M_GAUGE ? "gauge" : "histogram";
      for (help_t *h = helps; h; h = h->next)
        if (strcmp(h->name, s->name) == 0) buf_printf(out, "# HELP %s %s\n", s->name, h->text);
      buf_printf(out, "# TYPE %s %s\n", s->name, type);
      last = s->name;
    }
    if (s->type != M_HISTOGRAM) {
      render_value(out, s->name, "", s->labels, NULL, s->value);
      continue;
    }
    char le[64];
    for (int b = 0; b < NBUCKETS; b++) {
      snprintf(le, sizeof le, "le=\"%g\"", bucket_bounds[b]);
      render_value(out, s->name, "_bucket", s->labels, le, (double)s->buckets[b]);
    }
    render_value(out, s->name, "_bucket", s->labels, "le=\"+Inf\"", (double)s->count);
    render_value(out, s->name, "_sum", s->labels, NULL, s->value);
    render_value(out, s->name, "_count", s->labels, NULL, (double)s->count);
  }
}

void metrics_reset_all(void) {
  for (int i = 0; i < MAX_SERIES; i++) {
    if (!table[i]) continue;
    free(table[i]->name);
    free(table[i]->labels);
    free(table[i]);
    table[i] = NULL;
  }
  nseries = 0;
}
