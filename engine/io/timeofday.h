/*
** io/timeofday.h — "the next 09:00 in the shop's time zone", as functions of
** the current instant. No clock is read here: the caller passes "now", so the
** arithmetic is unit-tested with any date (DST switches, month and year ends).
** timer.at (lua_timer.c) is built on these.
*/
#ifndef IO_TIMEOFDAY_H
#define IO_TIMEOFDAY_H

#include <stdint.h>

/* Parses "HH:MM" or "HH:MM:SS" (24-hour clock, one-digit hour allowed) into
** seconds after local midnight. -1 when malformed or out of range. */
int tod_parse(const char *s);

/* The first instant strictly after now (seconds since the epoch, UTC) at
** which a clock running utc_offset seconds ahead of UTC shows sec_of_day.
** For zones without daylight saving, like Asia/Tashkent (+18000). */
int64_t tod_next_fixed(int64_t now, long utc_offset, int sec_of_day);

/* The same in the process's local time zone (TZ; main.c sets it to SHOP_TZ),
** following its daylight-saving rules from the system tz database. A time
** skipped by a spring-forward switch fires when the clock jumps over it; one
** repeated by a fall-back switch fires once. -1 if the C library fails. */
int64_t tod_next_local(int64_t now, int sec_of_day);

/* Seconds east of UTC of the local time zone at instant t (18000 in Tashkent). */
long tod_local_offset(int64_t t);

#endif
