/* xoshiro256** against values from an independent implementation of the
 * reference code (splitmix64 seeding, first outputs), reproducibility, and
 * distribution checks of the derived draws. */
#include "fg_test.h"
#include "fnegraph/rng.h"

#include <stdint.h>
#include <string.h>

int main(void)
{
    fg_rng r, q;

    /* seed 0: state = splitmix64 outputs from 0 (first is the well-known 0xe220a8397b1dcdaf) */
    fg_rng_seed(&r, 0);
    CHECK(r.s[0] == 0xe220a8397b1dcdafULL && r.s[1] == 0x6e789e6aa1b965f4ULL &&
              r.s[2] == 0x06c45d188009454fULL && r.s[3] == 0xf88bb8a8724c81ecULL,
          "splitmix64 seeding of 0");
    static const uint64_t out0[] = {0x99ec5f36cb75f2b4ULL, 0xbf6e1f784956452aULL,
                                    0x1a5f849d4933e6e0ULL, 0x6aa594f1262d2d2cULL};
    for (int i = 0; i < 4; i++) {
        uint64_t v = fg_rng_next(&r);
        CHECK(v == out0[i], "seed 0 output %d: %016llx", i, (unsigned long long)v);
    }
    static const uint64_t out42[] = {0x15780b2e0c2ec716ULL, 0x6104d9866d113a7eULL,
                                     0xae17533239e499a1ULL, 0xecb8ad4703b360a1ULL};
    fg_rng_seed(&r, 42);
    for (int i = 0; i < 4; i++) {
        uint64_t v = fg_rng_next(&r);
        CHECK(v == out42[i], "seed 42 output %d: %016llx", i, (unsigned long long)v);
    }

    /* same seed, same stream; another seed, another stream */
    fg_rng_seed(&r, 7);
    fg_rng_seed(&q, 7);
    int same = 1;
    for (int i = 0; i < 10000; i++) same &= fg_rng_next(&r) == fg_rng_next(&q);
    CHECK(same, "same seed gives the same stream");
    fg_rng_seed(&q, 8);
    CHECK(fg_rng_next(&r) != fg_rng_next(&q), "different seeds differ");

    /* below: in range, unbiased enough (chi-square over 10 cells) */
    fg_rng_seed(&r, 1);
    long cells[10] = {0};
    int in_range = 1;
    for (int i = 0; i < 100000; i++) {
        uint64_t v = fg_rng_below(&r, 10);
        in_range &= v < 10;
        if (v < 10) cells[v]++;
    }
    double chi = 0;
    for (int i = 0; i < 10; i++) chi += (cells[i] - 10000.0) * (cells[i] - 10000.0) / 10000.0;
    CHECK(in_range, "below(10) < 10");
    CHECK(chi < 27.9, "chi-square %.2f (9 dof, p = 0.001 at 27.9)", chi);
    CHECK(fg_rng_below(&r, 1) == 0, "below(1) == 0");
    uint64_t big = (UINT64_C(1) << 63) + 12345;
    int big_ok = 1;
    for (int i = 0; i < 1000; i++) big_ok &= fg_rng_below(&r, big) < big;
    CHECK(big_ok, "below(2^63 + 12345) in range");

    /* uniform in [0, 1), normal with mean 0 and variance 1 */
    double mn = 1, mx = 0, sum = 0, sum2 = 0;
    for (int i = 0; i < 200000; i++) {
        double u = fg_rng_uniform(&r);
        mn = u < mn ? u : mn;
        mx = u > mx ? u : mx;
        double z = fg_rng_normal(&r);
        sum += z;
        sum2 += z * z;
    }
    CHECK(mn >= 0 && mx < 1, "uniform in [0,1): %g..%g", mn, mx);
    CHECK_NEAR(sum / 200000, 0.0, 0.01);
    CHECK_NEAR(sum2 / 200000, 1.0, 0.02);

    /* jump: a different, reproducible stream */
    fg_rng_seed(&r, 3);
    fg_rng_seed(&q, 3);
    fg_rng_jump(&q);
    CHECK(memcmp(&r, &q, sizeof r) != 0, "jump changes the state");
    fg_rng_seed(&r, 3);
    fg_rng_jump(&r);
    CHECK(memcmp(&r, &q, sizeof r) == 0, "jump is deterministic");

    /* streams: independent of order, different per stream */
    fg_rng_seed_stream(&r, 5, 0);
    fg_rng_seed_stream(&q, 5, 1);
    CHECK(fg_rng_next(&r) != fg_rng_next(&q), "streams differ");
    fg_rng_seed_stream(&q, 5, 0);
    fg_rng_seed_stream(&r, 5, 0);
    CHECK(fg_rng_next(&r) == fg_rng_next(&q), "a stream is reproducible");

    /* shuffle: a permutation, reproducible */
    uint32_t a[1000], b[1000], seen[1000] = {0};
    for (int i = 0; i < 1000; i++) a[i] = b[i] = (uint32_t)i;
    fg_rng_seed(&r, 9);
    fg_rng_seed(&q, 9);
    fg_rng_shuffle_u32(&r, a, 1000);
    fg_rng_shuffle_u32(&q, b, 1000);
    int perm = 1, moved = 0;
    for (int i = 0; i < 1000; i++) {
        perm &= a[i] < 1000 && !seen[a[i]]++;
        moved += a[i] != (uint32_t)i;
    }
    CHECK(perm, "shuffle is a permutation");
    CHECK(moved > 900, "shuffle moved %d of 1000", moved);
    CHECK(memcmp(a, b, sizeof a) == 0, "shuffle is reproducible");
    return fg_test_done("test_rng");
}
