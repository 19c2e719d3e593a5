/* Seeded random numbers: xoshiro256** (Blackman & Vigna 2018), state seeded
 * from one 64-bit seed through splitmix64, as the authors recommend.
 *
 * All randomness in fnegraph goes through an explicit fg_rng; there is no
 * global generator. The same seed gives the same stream on every machine. */
#ifndef FNEGRAPH_RNG_H
#define FNEGRAPH_RNG_H

#include "fnegraph/export.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fg_rng {
    uint64_t s[4];
} fg_rng;

/* Seed the generator (any 64-bit value, 0 included). */
FG_API void fg_rng_seed(fg_rng *r, uint64_t seed);
/* Next 64 random bits. */
FG_API uint64_t fg_rng_next(fg_rng *r);
/* Uniform integer in [0, bound), unbiased (Lemire's multiply-and-reject);
 * bound must be > 0. */
FG_API uint64_t fg_rng_below(fg_rng *r, uint64_t bound);
/* Uniform double in [0, 1) with 53 random bits. */
FG_API double fg_rng_uniform(fg_rng *r);
/* Standard normal deviate (Marsaglia's polar method, no cached spare, so the
 * stream position depends only on the calls made). */
FG_API double fg_rng_normal(fg_rng *r);
/* Advance by 2^128 calls: gives non-overlapping streams for parallel work. */
FG_API void fg_rng_jump(fg_rng *r);
/* A generator for unit of work `stream` of a run seeded with `seed`, independent of
 * how many units run before it or on which thread: seed(seed) then `stream` jumps
 * would be O(stream); this hashes (seed, stream) through splitmix64 instead. */
FG_API void fg_rng_seed_stream(fg_rng *r, uint64_t seed, uint64_t stream);
/* Fisher–Yates shuffle of n 32-bit values. */
FG_API void fg_rng_shuffle_u32(fg_rng *r, uint32_t *a, uint64_t n);

#ifdef __cplusplus
}
#endif
#endif
