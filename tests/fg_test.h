/* Minimal test helpers: CHECK records a failure and goes on, so one run
 * reports every broken expectation; fg_test_done() prints the summary and
 * gives main's exit code. FG_SKIP exits 77 (ctest: skipped) with a reason. */
#ifndef FNEGRAPH_FG_TEST_H
#define FNEGRAPH_FG_TEST_H

#include "fnegraph/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

extern int fg_test_failures;
extern int fg_test_checks;

#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        fg_test_checks++;                                                       \
        if (!(cond)) {                                                          \
            fg_test_failures++;                                                 \
            fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                       \
            fputc('\n', stderr);                                                \
        }                                                                       \
    } while (0)

/* A call that must succeed; prints the library's last error if it does not. */
#define CHECK_OK(expr)                                                          \
    do {                                                                        \
        fg_status st_ = (expr);                                                 \
        CHECK(st_ == FG_OK, "%s -> %s: %s", #expr, fg_status_str(st_), fg_last_error()); \
    } while (0)

/* A call that must fail with `code` and an error message containing `needle`. */
#define CHECK_FAILS(expr, code, needle)                                         \
    do {                                                                        \
        fg_error_clear();                                                       \
        fg_status st_ = (expr);                                                 \
        CHECK(st_ == (code), "%s -> %s, expected %s (%s)", #expr, fg_status_str(st_), \
              fg_status_str(code), fg_last_error());                            \
        CHECK(strstr(fg_last_error(), (needle)) != NULL,                        \
              "%s: message '%s' does not mention '%s'", #expr, fg_last_error(), (needle)); \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                   \
    do {                                                                        \
        double a_ = (a), b_ = (b);                                              \
        CHECK(fabs(a_ - b_) <= (tol), "%s = %.17g, %s = %.17g, |diff| = %.3g > %.3g", #a, a_, \
              #b, b_, fabs(a_ - b_), (double)(tol));                            \
    } while (0)

#define FG_SKIP(...)                                                            \
    do {                                                                        \
        printf("SKIP: ");                                                       \
        printf(__VA_ARGS__);                                                    \
        printf("\n");                                                           \
        exit(77);                                                               \
    } while (0)

/* The seed of a randomized part of a test: FG_TEST_SEED when set (to replay
 * a failure), else one from the clock; printed either way with the line that
 * replays it. */
unsigned long long fg_test_seed(const char *what);

static inline int fg_test_done(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, fg_test_checks, fg_test_failures);
    return fg_test_failures ? 1 : 0;
}

#endif
