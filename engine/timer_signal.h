/*
** timer_signal.h — timer.signal() (timer_signal.c): a task waits, with a
** timeout, until another notifies it.
*/
#ifndef GULDASTA_TIMER_SIGNAL_H
#define GULDASTA_TIMER_SIGNAL_H

#include <lua.h>

/* Adds `signal` to the timer module table on top of L. */
void timer_signal_register(lua_State *L);

#endif
