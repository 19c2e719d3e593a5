/* xoshiro256** with splitmix64 seeding.
 * Source: D. Blackman, S. Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 2021; reference code at prng.di.unimi.it.
 * Cost: a handful of ALU operations per 64-bit output. */
#include "fnegraph/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

__extension__ typedef unsigned __int128 fg_u128;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void fg_rng_seed(fg_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

void fg_rng_seed_stream(fg_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed;
    uint64_t h = splitmix64(&x) ^ (stream * 0xd1342543de82ef95ULL + 0x2545f4914f6cdd1dULL);
    fg_rng_seed(r, h);
}

uint64_t fg_rng_next(fg_rng *r)
{
    uint64_t *s = r->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t fg_rng_below(fg_rng *r, uint64_t bound)
{
    /* Lemire, "Fast random integer generation in an interval", TOMACS 2019. */
    fg_u128 m = (fg_u128)fg_rng_next(r) * bound;
    uint64_t lo = (uint64_t)m;
    if (lo < bound) {
        uint64_t threshold = (0 - bound) % bound;
        while (lo < threshold) {
            m = (fg_u128)fg_rng_next(r) * bound;
            lo = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double fg_rng_uniform(fg_rng *r)
{
    return (double)(fg_rng_next(r) >> 11) * 0x1.0p-53;
}

double fg_rng_normal(fg_rng *r)
{
    double u, v, s;
    do {
        u = 2.0 * fg_rng_uniform(r) - 1.0;
        v = 2.0 * fg_rng_uniform(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    return u * sqrt(-2.0 * log(s) / s);
}

void fg_rng_jump(fg_rng *r)
{
    static const uint64_t JUMP[] = {0x180ec6d33cfd0abaULL, 0xd5a61266f0c9392cULL,
                                    0xa9582618e03fc9aaULL, 0x39abdc4529b1661cULL};
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int i = 0; i < 4; i++)
        for (int b = 0; b < 64; b++) {
            if (JUMP[i] & (UINT64_C(1) << b)) {
                s0 ^= r->s[0];
                s1 ^= r->s[1];
                s2 ^= r->s[2];
                s3 ^= r->s[3];
            }
            fg_rng_next(r);
        }
    r->s[0] = s0;
    r->s[1] = s1;
    r->s[2] = s2;
    r->s[3] = s3;
}

void fg_rng_shuffle_u32(fg_rng *r, uint32_t *a, uint64_t n)
{
    for (uint64_t i = n; i > 1; i--) {
        uint64_t j = fg_rng_below(r, i);
        uint32_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}
