/*
** snapshot.h — the project's Lua sources read into memory at one moment.
** A generation is built from a snapshot, so every file it sees is from the
** same instant, and `require` at run time never touches the disk (reading
** happens on libuv's thread pool during reload, not on the loop).
*/
#ifndef SNAPSHOT_H
#define SNAPSHOT_H

#include <stddef.h>

typedef struct snap_file {
  char *path;      /* relative to the root: "rules/pricing.lua" */
  char *data;
  size_t len;
} snap_file;

typedef struct snapshot {
  snap_file *files;
  int count;
  char error[512]; /* set when reading failed */
} snapshot_t;

/* Reads every *.lua under root/engine/lua, scripts, rules, templates. Blocking:
** call it from a worker thread or before the loop runs. 0 or -1 (error set). */
int snapshot_read(snapshot_t *s, const char *root);
void snapshot_free(snapshot_t *s);
const snap_file *snapshot_find(const snapshot_t *s, const char *path);

#endif
