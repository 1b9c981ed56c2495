/*
** snapshot.c — reads the Lua tree into memory. See snapshot.h.
*/
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "snapshot.h"

/* engine/lua holds the modules the engine provides in Lua (the Telegram
** client); they load and reload like application code. */
static const char *top_dirs[] = {"engine/lua", "scripts", "rules", "templates"};

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int add_file(snapshot_t *s, const char *root, const char *rel) {
  char full[4096];
  snprintf(full, sizeof full, "%s/%s", root, rel);
  FILE *f = fopen(full, "rb");
  if (!f) {
    snprintf(s->error, sizeof s->error, "%s: %s", rel, strerror(errno));
    return -1;
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *data = malloc((size_t)n + 1);
  if (!data || (n > 0 && fread(data, 1, (size_t)n, f) != (size_t)n)) {
    free(data);
    fclose(f);
    snprintf(s->error, sizeof s->error, "%s: read failed", rel);
    return -1;
  }
  fclose(f);
  data[n] = '\0';
  snap_file *files = realloc(s->files, sizeof *files * (size_t)(s->count + 1));
  if (!files) abort();
  s->files = files;
  s->files[s->count].path = strdup(rel);
  s->files[s->count].data = data;
  s->files[s->count].len = (size_t)n;
  s->count++;
  return 0;
}

static int walk(snapshot_t *s, const char *root, const char *rel) {
  char full[4096];
  snprintf(full, sizeof full, "%s/%s", root, rel);
  DIR *d = opendir(full);
  if (!d) return errno == ENOENT ? 0 : -1;
  struct dirent *e;
  int rc = 0;
  while (rc == 0 && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;  /* editors' swap and temp files */
    char sub[4096];
    snprintf(sub, sizeof sub, "%s/%s", rel, e->d_name);
    char subfull[8192];
    snprintf(subfull, sizeof subfull, "%s/%s", root, sub);
    struct stat st;
    if (stat(subfull, &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) rc = walk(s, root, sub);
    else if (S_ISREG(st.st_mode) && ends_with(e->d_name, ".lua")) rc = add_file(s, root, sub);
  }
  closedir(d);
  return rc;
}

static int by_path(const void *a, const void *b) {
  return strcmp(((const snap_file *)a)->path, ((const snap_file *)b)->path);
}

int snapshot_read(snapshot_t *s, const char *root) {
  memset(s, 0, sizeof *s);
  for (size_t i = 0; i < sizeof top_dirs / sizeof top_dirs[0]; i++) {
    if (walk(s, root, top_dirs[i]) != 0) {
      if (!s->error[0]) snprintf(s->error, sizeof s->error, "%s: cannot read directory", top_dirs[i]);
      return -1;
    }
  }
  if (s->count) qsort(s->files, (size_t)s->count, sizeof s->files[0], by_path);
  return 0;
}

void snapshot_free(snapshot_t *s) {
  for (int i = 0; i < s->count; i++) {
    free(s->files[i].path);
    free(s->files[i].data);
  }
  free(s->files);
  s->files = NULL;
  s->count = 0;
}

const snap_file *snapshot_find(const snapshot_t *s, const char *path) {
  snap_file key = {.path = (char *)path};
  return s->count ? bsearch(&key, s->files, (size_t)s->count, sizeof key, by_path) : NULL;
}
