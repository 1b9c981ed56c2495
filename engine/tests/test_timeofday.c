/*
** test_timeofday.c — the arithmetic behind timer.at: parsing "HH:MM" and the
** next occurrence of a wall-clock time, in a fixed-offset zone and in real
** tz database zones (Asia/Tashkent, and Europe/Berlin for DST switches).
*/
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "io/timeofday.h"
#include "check.h"


#define CHECK_EQ(a, b) do { \
  long long a_ = (long long)(a), b_ = (long long)(b); \
  if (a_ != b_) { fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, a_, b_); failures++; } \
} while (0)

static void set_tz(const char *tz) {
  setenv("TZ", tz, 1);
  tzset();
}

/* 2026-03-08 00:00:00 UTC: a Sunday, and the shop's busiest day. */
#define MAR8_2026 1772928000LL

static void test_parse(void) {
  CHECK_EQ(tod_parse("00:00"), 0);
  CHECK_EQ(tod_parse("09:30"), 9 * 3600 + 30 * 60);
  CHECK_EQ(tod_parse("9:30"), 9 * 3600 + 30 * 60);
  CHECK_EQ(tod_parse("23:59"), 23 * 3600 + 59 * 60);
  CHECK_EQ(tod_parse("23:59:59"), 86399);
  CHECK_EQ(tod_parse("07:05:09"), 7 * 3600 + 5 * 60 + 9);
  CHECK_EQ(tod_parse("24:00"), -1);
  CHECK_EQ(tod_parse("12:60"), -1);
  CHECK_EQ(tod_parse("12:00:60"), -1);
  CHECK_EQ(tod_parse("12:5"), -1);
  CHECK_EQ(tod_parse("123:00"), -1);
  CHECK_EQ(tod_parse("12:00 "), -1);
  CHECK_EQ(tod_parse(" 12:00"), -1);
  CHECK_EQ(tod_parse("12"), -1);
  CHECK_EQ(tod_parse(""), -1);
  CHECK_EQ(tod_parse("ab:cd"), -1);
  CHECK_EQ(tod_parse("12:00:"), -1);
}

static void test_fixed(void) {
  const long tash = 5 * 3600;
  /* 09:00 Tashkent = 04:00 UTC. From midnight UTC (05:00 local): today. */
  CHECK_EQ(tod_next_fixed(MAR8_2026, tash, 9 * 3600), MAR8_2026 + 4 * 3600);
  /* At exactly 09:00 local the next one is tomorrow: strictly after now. */
  CHECK_EQ(tod_next_fixed(MAR8_2026 + 4 * 3600, tash, 9 * 3600), MAR8_2026 + 86400 + 4 * 3600);
  /* One second before: one second later. */
  CHECK_EQ(tod_next_fixed(MAR8_2026 + 4 * 3600 - 1, tash, 9 * 3600), MAR8_2026 + 4 * 3600);
  /* 02:00 local from 23:00 UTC on the 7th (04:00 local on the 8th): the 9th 02:00 local. */
  CHECK_EQ(tod_next_fixed(MAR8_2026 - 3600, tash, 2 * 3600), MAR8_2026 + 86400 - 3 * 3600);
  /* 00:00 local = 19:00 UTC the day before. */
  CHECK_EQ(tod_next_fixed(MAR8_2026, tash, 0), MAR8_2026 + 19 * 3600);
  /* West of UTC and before 1970. */
  CHECK_EQ(tod_next_fixed(-10, -3600, 0), 3600);
  CHECK_EQ(tod_next_fixed(0, 0, 0), 86400);
  /* Property: always within (now, now + 1 day], and on the right local time. */
  srand(42);
  for (int i = 0; i < 20000; i++) {
    int64_t now = MAR8_2026 + (int64_t)(rand() % 2000000) * 97 - 50000000;
    long off = (long)(rand() % (28 * 3600)) - 12 * 3600;
    int sod = rand() % 86400;
    int64_t at = tod_next_fixed(now, off, sod);
    CHECK(at > now && at <= now + 86400);
    CHECK_EQ(((at + off) % 86400 + 86400) % 86400, sod);
  }
}

/* In Tashkent (no DST since 1992) the tz database and the fixed +05:00 agree. */
static void test_tashkent(void) {
  set_tz("Asia/Tashkent");
  CHECK_EQ(tod_local_offset(MAR8_2026), 18000);
  srand(7);
  for (int i = 0; i < 5000; i++) {
    int64_t now = MAR8_2026 + (int64_t)(rand() % 1000000) * 61 - 30000000;
    int sod = rand() % 86400;
    CHECK_EQ(tod_next_local(now, sod), tod_next_fixed(now, 18000, sod));
  }
  /* Year end: 23:30 on 31 Dec local, asking for 00:15 → 1 Jan 00:15 local. */
  int64_t dec31 = 1798741800LL;      /* 2026-12-31 23:30 +05:00 = 18:30 UTC */
  CHECK_EQ(tod_next_local(dec31, 15 * 60), dec31 + 45 * 60);
}

static void check_local_time(int64_t at, int h, int m) {
  time_t t = (time_t)at;
  struct tm tm;
  localtime_r(&t, &tm);
  CHECK_EQ(tm.tm_hour, h);
  CHECK_EQ(tm.tm_min, m);
}

static void test_dst(void) {
  set_tz("Europe/Berlin");
  /* 2026-03-29: clocks go 02:00 CET → 03:00 CEST. Midnight local = 23:00 UTC
  ** on the 28th. */
  int64_t mar29 = 1774738800LL;      /* 2026-03-29 00:00 +01:00 */
  /* 09:00 that day is CEST: 07:00 UTC, 8 h after local midnight, not 9. */
  int64_t at = tod_next_local(mar29, 9 * 3600);
  CHECK_EQ(at, mar29 + 8 * 3600);
  check_local_time(at, 9, 0);
  /* 02:30 does not exist that day: it fires once, near the jump, and the
  ** next one is the 30th at 02:30 CEST. */
  at = tod_next_local(mar29, 2 * 3600 + 30 * 60);
  CHECK(at > mar29 && at <= mar29 + 4 * 3600);
  int64_t next = tod_next_local(at, 2 * 3600 + 30 * 60);
  CHECK_EQ(next, mar29 + 86400 - 3600 + 2 * 3600 + 30 * 60);
  check_local_time(next, 2, 30);
  /* 2026-10-25: 03:00 CEST → 02:00 CET; 02:30 happens twice, fires once. */
  int64_t oct25 = 1792879200LL;      /* 2026-10-25 00:00 +02:00 */
  at = tod_next_local(oct25, 2 * 3600 + 30 * 60);
  CHECK(at == oct25 + 2 * 3600 + 30 * 60 || at == oct25 + 3 * 3600 + 30 * 60);
  next = tod_next_local(at, 2 * 3600 + 30 * 60);
  CHECK(next > oct25 + 86400);
  check_local_time(next, 2, 30);
  /* 12:00 on the long day is 13 h after local midnight. */
  CHECK_EQ(tod_next_local(oct25, 12 * 3600), oct25 + 13 * 3600);
  /* Property across a year: strictly after now, at most 25 h later. */
  srand(3);
  for (int i = 0; i < 5000; i++) {
    int64_t now = mar29 - 100 * 86400 + (int64_t)(rand() % 400000) * 79;
    int sod = (rand() % 1440) * 60;
    at = tod_next_local(now, sod);
    CHECK(at > now && at <= now + 25 * 3600);
  }
}

int main(void) {
  test_parse();
  test_fixed();
  test_tashkent();
  test_dst();
  if (failures) {
    fprintf(stderr, "test_timeofday: %d failures\n", failures);
    return 1;
  }
  printf("test_timeofday: ok\n");
  return 0;
}
