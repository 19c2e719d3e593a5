/* See planted.h. O(V^2) coin flips: test sizes only. */
#include "planted.h"
#include "fnegraph/rng.h"

#include <stdlib.h>

fg_status planted_graph(const planted_spec *s, fg_csr *g, int32_t *labels)
{
    const uint32_t ni = s->blocks * s->images_per_block, nf = s->blocks * s->features_per_block;
    uint64_t cap = 1024, m = 0;
    uint32_t *e = malloc(2 * cap * sizeof *e);
    if (!e) return FG_ENOMEM;
    fg_rng r;
    fg_rng_seed(&r, s->seed);
    for (uint32_t u = 0; u < ni + nf; u++) {
        uint32_t bu = u < ni ? u / s->images_per_block : (u - ni) / s->features_per_block;
        if (labels && u < ni) labels[u] = (int32_t)bu;
        for (uint32_t v = u + 1 > ni ? u + 1 : ni; v < ni + nf; v++) {
            uint32_t bv = (v - ni) / s->features_per_block;
            double p = u < ni ? (bu == bv ? s->p_if_in : s->p_if_out) : (bu == bv ? s->p_ff_in : s->p_ff_out);
            if (fg_rng_uniform(&r) >= p) continue;
            if (m == cap) {
                uint32_t *ne = realloc(e, 4 * cap * sizeof *e);
                if (!ne) {
                    free(e);
                    return FG_ENOMEM;
                }
                e = ne;
                cap *= 2;
            }
            e[2 * m] = u;
            e[2 * m + 1] = v;
            m++;
        }
    }
    fg_status st = fg_csr_from_edge_list(ni + nf, ni, e, m, "planted graph", g);
    free(e);
    return st;
}
