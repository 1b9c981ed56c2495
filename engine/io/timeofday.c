/*
** io/timeofday.c — next occurrence of a wall-clock time. See timeofday.h.
*/
#include <time.h>

#include "timeofday.h"

#define DAY 86400

static int two_digits(const char *s, int *v) {
  if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') return -1;
  *v = (s[0] - '0') * 10 + (s[1] - '0');
  return 0;
}

int tod_parse(const char *s) {
  int h = 0, m = 0, sec = 0, i = 0;
  if (s[0] < '0' || s[0] > '9') return -1;
  h = s[i++] - '0';
  if (s[i] >= '0' && s[i] <= '9') h = h * 10 + (s[i++] - '0');
  if (s[i++] != ':' || two_digits(s + i, &m) < 0) return -1;
  i += 2;
  if (s[i] == ':') {
    if (two_digits(s + i + 1, &sec) < 0) return -1;
    i += 3;
  }
  if (s[i] != '\0' || h > 23 || m > 59 || sec > 59) return -1;
  return h * 3600 + m * 60 + sec;
}

/* Floor division, so instants before 1970 still land in the right day. */
static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t tod_next_fixed(int64_t now, long utc_offset, int sec_of_day) {
  int64_t local = now + utc_offset;
  int64_t midnight = floor_div(local, DAY) * DAY;
  int64_t at = midnight + sec_of_day - utc_offset;
  return at > now ? at : at + DAY;
}

/* mktime() does the zone's arithmetic: it normalises "day + 1" across month
** and year ends and, with tm_isdst = -1, picks the offset in force on that
** date. Three days cover every case: today, tomorrow, and the day after when
** tomorrow's time was swallowed by a switch and normalised to today. */
int64_t tod_next_local(int64_t now, int sec_of_day) {
  time_t t = (time_t)now;
  struct tm today;
  if (!localtime_r(&t, &today)) return -1;
  for (int d = 0; d < 3; d++) {
    struct tm c = today;
    c.tm_mday += d;
    c.tm_hour = sec_of_day / 3600;
    c.tm_min = sec_of_day / 60 % 60;
    c.tm_sec = sec_of_day % 60;
    c.tm_isdst = -1;
    time_t at = mktime(&c);
    if (at != (time_t)-1 && (int64_t)at > now) return (int64_t)at;
  }
  return -1;
}

long tod_local_offset(int64_t t) {
  time_t tt = (time_t)t;
  struct tm tm;
  if (!localtime_r(&tt, &tm)) return 0;
  return tm.tm_gmtoff;
}
