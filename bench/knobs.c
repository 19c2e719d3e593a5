/* FG_BENCH_THREADS, FG_BENCH_MAX_ITERATIONS and FG_BENCH_SCALE (knobs.h). */
#include "knobs.h"

#include "bench_shim.h"

#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static double scale = 1.0;
static int64_t max_iterations;
static int read_done;

/* strtod/strtoll of the whole string or exit naming the variable */
static double env_number(const char *name, double lo, double hi, double dflt)
{
    const char *s = getenv(name);
    if (!s || !*s) return dflt;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !(v >= lo && v <= hi)) {
        fprintf(stderr, "knobs.c: %s=\"%s\": expected a number in [%g, %g]\n", name, s, lo, hi);
        exit(2);
    }
    return v;
}

/* a whole number in [lo, hi] or exit naming the variable */
static int64_t env_int(const char *name, int64_t lo, int64_t hi, int64_t dflt)
{
    const char *s = getenv(name);
    if (!s || !*s) return dflt;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < lo || v > hi) {
        fprintf(stderr, "knobs.c: %s=\"%s\": expected a whole number in [%lld, %lld]\n", name, s, (long long)lo,
                (long long)hi);
        exit(2);
    }
    return v;
}

static void read_env(void)
{
    if (read_done) return;
    read_done = 1;
    scale = env_number("FG_BENCH_SCALE", 1e-6, 1.0, 1.0);
    max_iterations = env_int("FG_BENCH_MAX_ITERATIONS", 1, 1000000000, 0);
}

static const char *bind_name(omp_proc_bind_t b)
{
    switch (b) {
    case omp_proc_bind_false: return "false";
    case omp_proc_bind_true: return "true";
    case omp_proc_bind_master: return "master";
    case omp_proc_bind_close: return "close";
    case omp_proc_bind_spread: return "spread";
    default: return "unknown";
    }
}

void bench_env_init(void)
{
    char buf[64];
    read_env();
    int threads = (int)env_int("FG_BENCH_THREADS", 1, 65536, 0);
    /* one level of parallelism: a parallel kernel called from a parallel
     * region (oneDNN inside a net's team) runs on its caller's thread */
    omp_set_max_active_levels(1);
    if (threads > 0) omp_set_num_threads(threads);
    snprintf(buf, sizeof buf, "%d", threads > 0 ? threads : omp_get_max_threads());
    bench_add_context("bench_threads", buf);
    snprintf(buf, sizeof buf, "%d", omp_get_max_active_levels());
    bench_add_context("omp_max_active_levels", buf);
    bench_add_context("omp_proc_bind", bind_name(omp_get_proc_bind()));
    const char *places = getenv("OMP_PLACES");
    bench_add_context("omp_places", places && *places ? places : "(unset)");
    snprintf(buf, sizeof buf, "%g", scale);
    bench_add_context("bench_scale", buf);
    snprintf(buf, sizeof buf, "%lld", (long long)max_iterations);
    bench_add_context("bench_max_iterations", buf);
}

double bench_env_scale(void)
{
    read_env();
    return scale;
}

int64_t bench_scaled(int64_t n, int64_t lo)
{
    read_env();
    if (scale >= 1.0) return n;
    int64_t v = (int64_t)((double)n * scale);
    return v < lo ? (lo < n ? lo : n) : v;
}

int64_t bench_env_max_iterations(void)
{
    read_env();
    return max_iterations;
}
