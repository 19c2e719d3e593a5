/* Private to engine/community: the state of a FluidC run, shared by the
 * counting sweeps (fluidc.c) and the incremental sweeps (fluid_incr.c), and
 * the per-vertex steps both use (membership and adjacency access at any
 * width, joining and leaving a community, the touched-list read-back). See
 * the top of fluidc.c for the algorithm and fluid_incr.c for the table. */
#ifndef FNEGRAPH_COMMUNITY_FLUID_STATE_H
#define FNEGRAPH_COMMUNITY_FLUID_STATE_H

#include "fluid_private.h"
#include "fnegraph/graph.h"
#include "fnegraph/rng.h"

#include <stdbool.h>
#include <stdint.h>

#define FLUID_TOL 1e-4
#define PREFETCH_AHEAD 3
#define TABLE_MAX_BYTES ((size_t)256 << 20)
/* incremental mode: a vertex reads its row of the table when the row is at
 * most ROW_FACTOR times its neighbour list, else it counts the list */
#define ROW_FACTOR 8u

struct fg_fluid {
    const fg_csr *g;
    uint32_t n, n_images, k;
    fg_fluid_variant variant;
    uint32_t max_iter;
    uint32_t sweeps;
    int mw;               /* bytes per entry of memb: 1, 2 or 4 */
    fg_i_fluid_readback path; /* tests force one */
    void *memb;           /* [n], 0..k-1, k = unassigned */
    uint16_t *adj16;      /* [2m] 16-bit copy of g->adj when n <= 65536 (else NULL) */
    uint32_t *order;      /* [n] visiting order */
    uint32_t *size;       /* [k] vertices per community */
    uint32_t *n_img;      /* [k] image vertices per community */
    double *dens;         /* [k + 1] 1 / size; dens[k] = 0 for the unassigned slot */
    uint32_t *cnt;        /* [4 (k + 1)] four counter copies of k + 1, zero between vertices */
    uint8_t *seen;        /* [k + 1] in the touched list (sparse path), zero between vertices */
    uint32_t *touched;    /* [k + 2] distinct communities met (sparse path) */
    uint32_t *cand_c;     /* [k + 1] communities in reach, then the candidates */
    double *score;        /* [k + 1] their scores (touched-list path) */
    fg_i_fluid_best_fn best_fn; /* the dense read-back for this CPU */
    /* incremental mode (see the top of this file) */
    fg_i_fluid_incr_policy incr_policy;
    bool incr_possible;   /* degrees < 2^16 and the table within TABLE_MAX_BYTES */
    bool incr_pays;       /* a row is much shorter than the average neighbour list */
    bool incr;            /* tab is built and kept current */
    uint32_t incr_sweeps;
    uint32_t tstride;     /* entries per row of tab: k rounded up to 32 */
    uint16_t *tab;        /* [n][tstride]: neighbours of v in each community */
    fg_i_fluid_best16_fn best16_fn;
    fg_rng rng;
};

static inline __attribute__((always_inline)) uint32_t memb_get(const void *m, uint32_t i, int w)
{
    if (w == 1) return ((const uint8_t *)m)[i];
    if (w == 2) return ((const uint16_t *)m)[i];
    return ((const uint32_t *)m)[i];
}

static inline __attribute__((always_inline)) void memb_set(void *m, uint32_t i, uint32_t c, int w)
{
    if (w == 1) ((uint8_t *)m)[i] = (uint8_t)c;
    else if (w == 2) ((uint16_t *)m)[i] = (uint16_t)c;
    else ((uint32_t *)m)[i] = c;
}

static inline void join(fg_fluid *f, uint32_t v, uint32_t c)
{
    f->size[c]++;
    f->dens[c] = 1.0 / f->size[c];
    if (v < f->n_images) f->n_img[c]++;
}

static inline fg_status leave(fg_fluid *f, uint32_t v, uint32_t c)
{
    if (f->size[c] <= 1)
        return FG_FAIL(FG_EINTERNAL, "fluidc: community %u would lose its last vertex %u", c, v);
    f->size[c]--;
    f->dens[c] = 1.0 / f->size[c];
    if (v < f->n_images) f->n_img[c]--;
    return FG_OK;
}

static inline __attribute__((always_inline)) uint32_t adj_get(const void *nb, uint64_t i, int aw)
{
    if (aw == 2) return ((const uint16_t *)nb)[i];
    return ((const uint32_t *)nb)[i];
}

/* Candidates of the sparse path come in touched order: sort them (usually
 * one to three) so that both paths draw from the same ascending list. */
static inline void sort_small(uint32_t *a, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        uint32_t x = a[i], j = i;
        for (; j > 0 && a[j - 1] > x; j--) a[j] = a[j - 1];
        a[j] = x;
    }
}

/* The touched-list read-back of vertex v (community cur, neighbour list nb
 * of deg entries): count the neighbours' communities, listing the distinct
 * ones met, and read and reset only their counters: O(deg + 1), whatever k.
 * Leaves f->cand_c[0..nc) with the candidates in ascending order and returns
 * nc, or 0 when v stays (nothing in reach, or cur is a candidate). */
static inline __attribute__((always_inline)) uint32_t pick_touched(fg_fluid *f, uint32_t cur, const void *nb,
                                                                   uint64_t deg, int aw, int mw)
{
    const void *memb = f->memb;
    const uint32_t K = f->k, S = f->k + 1;
    uint32_t *cnt = f->cnt, *touched = f->touched, *cand_c = f->cand_c;
    uint32_t *cnt1 = cnt + S, *cnt2 = cnt + 2 * S, *cnt3 = cnt + 3 * S;
    uint8_t *seen = f->seen;
    double *score = f->score;
    const double *dens = f->dens;
    uint32_t nt = 1, nc = 0;
    touched[0] = cur;
    seen[cur] = 1;
    cnt[cur] = 1;
    uint64_t i = 0;
    for (; i + 4 <= deg; i += 4) {
        uint32_t c0 = memb_get(memb, adj_get(nb, i, aw), mw);
        uint32_t c1 = memb_get(memb, adj_get(nb, i + 1, aw), mw);
        uint32_t c2 = memb_get(memb, adj_get(nb, i + 2, aw), mw);
        uint32_t c3 = memb_get(memb, adj_get(nb, i + 3, aw), mw);
        cnt[c0]++;
        cnt1[c1]++;
        cnt2[c2]++;
        cnt3[c3]++;
        touched[nt] = c0;
        nt += seen[c0] ^ 1;
        seen[c0] = 1;
        touched[nt] = c1;
        nt += seen[c1] ^ 1;
        seen[c1] = 1;
        touched[nt] = c2;
        nt += seen[c2] ^ 1;
        seen[c2] = 1;
        touched[nt] = c3;
        nt += seen[c3] ^ 1;
        seen[c3] = 1;
    }
    for (; i < deg; i++) {
        uint32_t c0 = memb_get(memb, adj_get(nb, i, aw), mw);
        cnt[c0]++;
        touched[nt] = c0;
        nt += seen[c0] ^ 1;
        seen[c0] = 1;
    }
    uint32_t m = 0;
    double best = 0.0;
    for (uint32_t t = 0; t < nt; t++) {
        uint32_t c = touched[t];
        uint32_t sc_n = cnt[c] + cnt1[c] + cnt2[c] + cnt3[c];
        cnt[c] = cnt1[c] = cnt2[c] = cnt3[c] = 0;
        seen[c] = 0;
        double sc = (double)sc_n * dens[c]; /* dens[K] = 0: the unassigned slot never wins */
        cand_c[m] = c;
        score[m] = sc;
        m += c != K;
        best = sc > best ? sc : best;
    }
    if (m == 0) return 0;                                   /* no community in reach */
    if (cur != K && best - score[0] < FLUID_TOL) return 0;  /* touched[0] is cur */
    for (uint32_t j = 0; j < m; j++)
        if (best - score[j] < FLUID_TOL) cand_c[nc++] = cand_c[j];
    sort_small(cand_c, nc);
    return nc;
}

/* fluid_incr.c: allocate (once) and fill the table from the current
 * membership, switching the run to incremental sweeps; false without the
 * memory (the run then stays in counting mode). */
bool fg_i_fluid_table_build(fg_fluid *f);
/* One incremental sweep; the number of moves, or UINT64_MAX after an
 * internal error (recorded). */
uint64_t fg_i_fluid_sweep_incr(fg_fluid *f);
/* Transparent huge pages for a large buffer before its first touch (advice). */
void fg_i_fluid_advise_huge(void *p, size_t bytes);

#endif
