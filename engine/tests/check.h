/*
** check.h — the C unit tests' one assertion: count, report with file and
** line, keep going (a test reports every broken check, not just the first).
** A test's main returns `failures ? 1 : 0` so ctest sees the verdict.
** Define CHECK_CONTEXT (a const char * expression) before use to prefix
** each report with the case being run.
*/
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>

static int failures, checks;

#ifndef CHECK_CONTEXT
#define CHECK_CONTEXT ""
#endif

#define CHECK(cond)                                                               \
  do {                                                                            \
    checks++;                                                                     \
    if (!(cond)) {                                                                \
      failures++;                                                                 \
      const char *ctx_ = CHECK_CONTEXT;                                           \
      fprintf(stderr, "%s:%d: %s%scheck failed: %s\n", __FILE__, __LINE__, ctx_, \
              *ctx_ ? ": " : "", #cond);                                          \
    }                                                                             \
  } while (0)

#endif
