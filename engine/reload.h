/*
** reload.h — what triggers a reload: SIGHUP, or a change under scripts/,
** rules/ or templates/ (inotify through uv_fs_event), debounced so that an
** editor's burst of writes makes one reload.
*/
#ifndef RELOAD_H
#define RELOAD_H

#include "eng.h"

void reload_watch_start(eng_t *e);
void reload_watch_stop(void);

#endif
