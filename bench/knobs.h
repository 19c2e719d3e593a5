/* The environment knobs every benchmark program honours (docs/profile.md):
 *   FG_BENCH_THREADS=T         OpenMP threads for every case that runs on
 *                              "all cores" (oneDNN 2.6 on Debian runs on
 *                              OpenMP, so its primitives get T too); nested
 *                              parallel regions are switched off
 *   FG_BENCH_MAX_ITERATIONS=N  caps the fixed iteration counts of the heavy
 *                              cases (scripts/profile --quick)
 *   FG_BENCH_SCALE=s           0 < s <= 1 shrinks the synthetic inputs (image
 *                              counts, edges, buffers) for the profile's tests
 * bench_env_init() is called by bench_context_fnegraph(), first thing in
 * every main, before any primitive or parallel region exists. */
#ifndef FNEGRAPH_BENCH_KNOBS_H
#define FNEGRAPH_BENCH_KNOBS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Read the knobs, apply the thread count, record them in the JSON context.
 * A malformed value is reported on stderr and the program exits (status 2). */
void bench_env_init(void);
/* FG_BENCH_SCALE (1 when unset). */
double bench_env_scale(void);
/* n scaled by FG_BENCH_SCALE, at least lo (and n itself when unscaled). */
int64_t bench_scaled(int64_t n, int64_t lo);
/* FG_BENCH_MAX_ITERATIONS (0: no cap). */
int64_t bench_env_max_iterations(void);

#ifdef __cplusplus
}
#endif
#endif
