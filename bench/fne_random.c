/* See fne_random.h. */
#include "fne_random.h"

#include "fnegraph/mem.h"
#include "fnegraph/rng.h"
#include "fnegraph/vgg16.h"

float *bench_fne_random(int64_t n, uint64_t seed)
{
    float *x = fg_alloc((size_t)n * FG_FNE_DIM, sizeof *x);
    float *shift = fg_alloc(FG_FNE_DIM, sizeof *shift), *scale = fg_alloc(FG_FNE_DIM, sizeof *scale);
    if (!x || !shift || !scale) {
        fg_free(x);
        x = NULL;
        goto done;
    }
    fg_rng r;
    fg_rng_seed(&r, seed);
    for (int f = 0; f < FG_FNE_DIM; f++) {
        shift[f] = (float)(fg_rng_normal(&r) - 0.5);
        scale[f] = (float)(0.2 + 2 * fg_rng_uniform(&r));
    }
    /* static: each thread first-touches the rows it reads in the row-split
     * passes (ternarize), on its own NUMA node; values do not depend on it */
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        fg_rng ri;
        fg_rng_seed_stream(&ri, seed, (uint64_t)i);
        float *row = x + (size_t)i * FG_FNE_DIM;
        for (int f = 0; f < FG_FNE_DIM; f++) {
            float v = shift[f] + scale[f] * (float)fg_rng_normal(&ri);
            row[f] = v > 0 ? v : 0;
        }
    }
done:
    fg_free(shift);
    fg_free(scale);
    return x;
}
