/* A C interface to Google Benchmark (STYLE.md "Benchmarks").
 *
 * Register C functions with a context pointer; each runs the iteration loop
 * through bench_keep_running (or the batched form for tiny bodies) and
 * reports items/bytes processed and named counters. Cases are named
 * stage/kernel/variant/size so that --benchmark_filter works. */
#ifndef FNEGRAPH_BENCH_SHIM_H
#define FNEGRAPH_BENCH_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bench_state bench_state;
typedef struct bench_case bench_case;
typedef void (*bench_fn)(bench_state *st, void *ctx);

/* Counter flags (combine with |), mirroring benchmark::Counter::Flags. */
enum {
    BENCH_COUNTER_DEFAULT = 0,
    BENCH_COUNTER_RATE = 1,       /* divide by the elapsed time */
    BENCH_COUNTER_AVG_ITERS = 2,  /* divide by the number of iterations */
    BENCH_COUNTER_INVERT = 4      /* report 1/value (with RATE: seconds per unit) */
};

bench_case *bench_register(const char *name, bench_fn fn, void *ctx);
/* One run per call with these arguments (bench_arg(st, i) reads them). */
bench_case *bench_case_args(bench_case *c, const int64_t *a, size_t n);
/* Runs for lo, lo*mult, ..., hi on the first argument. */
bench_case *bench_case_range(bench_case *c, int64_t lo, int64_t hi, int mult);
/* Measure wall-clock time (for OpenMP and oneDNN work). */
bench_case *bench_case_real_time(bench_case *c);
/* Fix the iteration count (for cases that take seconds). */
bench_case *bench_case_iterations(bench_case *c, int64_t n);
/* Report in milliseconds instead of nanoseconds. */
bench_case *bench_case_unit_ms(bench_case *c);

/* The loop: while (bench_keep_running(st)) { body }. */
bool bench_keep_running(bench_state *st);
/* Batched: the body does n units of work per call. */
bool bench_keep_running_batch(bench_state *st, int64_t n);
int64_t bench_iterations(const bench_state *st);
int64_t bench_arg(const bench_state *st, size_t i);
/* Stop and restart the clock around set-up work inside the loop. */
void bench_pause(bench_state *st);
void bench_resume(bench_state *st);
void bench_set_items(bench_state *st, int64_t n);
void bench_set_bytes(bench_state *st, int64_t n);
void bench_set_counter(bench_state *st, const char *name, double v, unsigned flags);
/* Mark the case skipped with a reason (e.g. the CPU lacks AVX-512). */
void bench_skip(bench_state *st, const char *why);
/* Add a key/value to the JSON "context" block (the CPU, the ISA, versions). */
void bench_add_context(const char *key, const char *value);

/* Parse Google Benchmark's flags and run the registered cases. */
int bench_main(int argc, char **argv);

#ifdef __cplusplus
}
#endif
#endif
