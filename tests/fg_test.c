/* Shared state of the test helpers (fg_test.h). */
#include "fg_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int fg_test_failures;
int fg_test_checks;

unsigned long long fg_test_seed(const char *what)
{
    const char *env = getenv("FG_TEST_SEED");
    unsigned long long seed;
    if (env && *env) {
        seed = strtoull(env, NULL, 0);
    } else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        seed = (unsigned long long)ts.tv_sec * 1000000007ull ^ (unsigned long long)ts.tv_nsec;
    }
    printf("  %s: seed %llu (replay with FG_TEST_SEED=%llu)\n", what, seed, seed);
    fflush(stdout);
    return seed;
}
