/*
** reload.c — SIGHUP and file-change triggers for gen_reload. See reload.h.
** Linux inotify is not recursive, so every directory under the three roots
** gets its own watch: those there at start-up, and each one created later
** as soon as its creation is seen (a file written into it before the watch
** is taken is still read by the reload that the creation triggers).
*/
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gen.h"
#include "io/tls_ca.h"
#include "log.h"
#include "reload.h"

#define MAX_WATCHES 256
#define DEBOUNCE_MS 150

static struct {
  eng_t *eng;
  uv_signal_t hup;
  uv_timer_t debounce;
  uv_fs_event_t *watches[MAX_WATCHES];
  char *paths[MAX_WATCHES];            /* what each watch watches */
  int nwatches;
  int active;
} W;

static void on_close_free(uv_handle_t *h) { free(h); }

/* A reload also reads the CA bundle again if it changed (in the thread
** pool): a certificate added to the system's store reaches the HTTPS
** client without a restart. */
static void reload(void) {
  tls_ca_refresh(W.eng->loop);
  gen_reload(W.eng, W.eng->entry[0] ? W.eng->entry : NULL);
}

static void fire(uv_timer_t *t) {
  (void)t;
  reload();
}

static void watch_dir(const char *path);

static int watched(const char *path) {
  for (int i = 0; i < W.nwatches; i++)
    if (strcmp(W.paths[i], path) == 0) return 1;
  return 0;
}

static void on_change(uv_fs_event_t *h, const char *name, int events, int status) {
  (void)events;
  if (status < 0 || !W.active) return;
  if (name && name[0] == '.') return;  /* editor swap files */
  if (name && h->data) {               /* a new directory: watch it (and what it holds) */
    char sub[4200];
    struct stat st;
    snprintf(sub, sizeof sub, "%s/%s", (const char *)h->data, name);
    if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode) && !watched(sub)) watch_dir(sub);
  }
  uv_timer_start(&W.debounce, fire, DEBOUNCE_MS, 0);
}

static void watch_dir(const char *path) {
  if (W.nwatches >= MAX_WATCHES || watched(path)) return;
  uv_fs_event_t *h = malloc(sizeof *h);
  if (!h) return;
  uv_fs_event_init(W.eng->loop, h);
  if (uv_fs_event_start(h, on_change, path, 0) != 0) {
    uv_close((uv_handle_t *)h, on_close_free);
    return;
  }
  uv_unref((uv_handle_t *)h);  /* watching never keeps the process alive */
  h->data = W.paths[W.nwatches] = strdup(path);
  W.watches[W.nwatches++] = h;
  DIR *d = opendir(path);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char sub[4096];
    snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
    struct stat st;
    if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) watch_dir(sub);
  }
  closedir(d);
}

static void on_hup(uv_signal_t *s, int signum) {
  (void)s;
  (void)signum;
  log_write(LOG_INFO, "SIGHUP: reloading", NULL);
  reload();
}

void reload_watch_start(eng_t *e) {
  W.eng = e;
  W.active = 1;
  uv_signal_init(e->loop, &W.hup);
  uv_signal_start(&W.hup, on_hup, SIGHUP);
  uv_unref((uv_handle_t *)&W.hup);
  uv_timer_init(e->loop, &W.debounce);
  uv_unref((uv_handle_t *)&W.debounce);
  if (!e->cfg.watch_files) return;
  const char *dirs[] = {"scripts", "rules", "templates"};
  for (int i = 0; i < 3; i++) {
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", e->root, dirs[i]);
    watch_dir(path);
  }
}

void reload_watch_stop(void) {
  if (!W.active) return;
  W.active = 0;
  uv_signal_stop(&W.hup);
  uv_close((uv_handle_t *)&W.hup, NULL);
  uv_timer_stop(&W.debounce);
  uv_close((uv_handle_t *)&W.debounce, NULL);
  for (int i = 0; i < W.nwatches; i++) {
    uv_fs_event_stop(W.watches[i]);
    uv_close((uv_handle_t *)W.watches[i], on_close_free);
    free(W.paths[i]);
    W.paths[i] = NULL;
  }
  W.nwatches = 0;
}
