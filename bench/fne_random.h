/* A random stand-in for an FNE matrix, for benchmarks of the stages after
 * the CNN: ReLU-like values (many zeros) with a per-feature scale and shift,
 * so that standardization and ternarization see realistic, varied columns
 * (at (-2, 2) about 520 non-zero codes an image, as real FNEs give). */
#ifndef FNEGRAPH_BENCH_FNE_RANDOM_H
#define FNEGRAPH_BENCH_FNE_RANDOM_H

#include <stdint.h>

/* n x FG_FNE_DIM floats (fg_alloc'd: free with fg_free), the same for a seed
 * whatever the thread count; NULL when out of memory. */
float *bench_fne_random(int64_t n, uint64_t seed);

#endif
