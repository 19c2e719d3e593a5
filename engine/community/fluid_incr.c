/* FluidC's incremental sweeps (fluidc.c has the algorithm and the counting
 * sweeps).
 *
 * After the first sweeps almost nothing moves (a few
 * hundred of 33,021 vertices on a flowers102-sized graph), yet a counting
 * sweep still reads all 2m arcs. Once a sweep moves at most n/32 vertices,
 * and when a row of k counts is at most half the average neighbour list,
 * degrees are below 2^16 and the table fits in 256 MB, the run switches
 * to a table tab[v][c] = neighbours of v in community c (16-bit, rows of
 * ts = k rounded up to 32), built once in O(n ts + m) = O(m) (the rule
 * above makes n ts <= m), never cleared after. A vertex whose row is at
 * most ROW_FACTOR (8) times its list reads the row (O(ts), ts <= 8 deg(v),
 * SIMD); one with a shorter list counts it with the
 * touched list (O(deg(v))), so a vertex of few neighbours never pays for k.
 * A move of v updates the rows of v's neighbours (O(deg v)) at once, so
 * later vertices of the same sweep see it, exactly as a recount would.
 * Scores, candidates and draws are those of the counting sweep, so results
 * do not depend on the mode (the tests compare all modes with the reference
 * step for step).
 */
#include "fluid_state.h"
#include "fnegraph/mem.h"

#include <string.h>

/* Incremental mode: v's read-back comes from its row of the table, and a
 * move updates the rows of the mover's neighbours at once (the asynchronous
 * rule, as the recount sees it). Same scores, candidates and draws as the
 * counting sweep. */
static inline __attribute__((always_inline)) uint64_t sweep_incr_t(fg_fluid *f, int aw, int mw)
{
    const uint64_t *off = f->g->offsets;
    const char *adjb = aw == 2 ? (const char *)f->adj16 : (const char *)f->g->adj;
    const uint32_t *order = f->order;
    const uint32_t n = f->n, K = f->k, ts = f->tstride;
    const uint32_t img_guard = f->variant == FG_FLUID_PAPER ? f->n_images : 0;
    void *memb = f->memb;
    uint16_t *tab = f->tab;
    uint32_t *cand_c = f->cand_c;
    const double *dens = f->dens;
    const fg_i_fluid_best16_fn best16 = f->best16_fn;
    uint64_t moved = 0;

    for (uint32_t p = 0; p < n; p++) {
        if (p + PREFETCH_AHEAD < n) {
            /* what the vertex a few places ahead will read: its row, or
             * its neighbour list when that is the shorter read */
            const uint32_t u = order[p + PREFETCH_AHEAD];
            const char *b, *e;
            if (ROW_FACTOR * (off[u + 1] - off[u]) < ts) {
                b = adjb + off[u] * (uint64_t)aw;
                e = adjb + off[u + 1] * (uint64_t)aw;
            } else {
                b = (const char *)(tab + (size_t)u * ts);
                e = b + ts * sizeof *tab;
            }
            for (; b < e; b += 64) __builtin_prefetch(b, 0, 3);
        }
        const uint32_t v = order[p];
        const uint32_t cur = memb_get(memb, v, mw);
        if (v < img_guard && cur != K && f->n_img[cur] == 1) continue;
        const void *nb = adjb + off[v] * (uint64_t)aw;
        const uint64_t deg = off[v + 1] - off[v];
        uint32_t nc = 0;
        if (ROW_FACTOR * deg < ts) {
            /* a list much shorter than the row: count it, O(deg) */
            nc = pick_touched(f, cur, nb, deg, aw, mw);
        } else {
            /* the row counts the neighbours; v itself adds one to its
             * community. O(ts) <= O(ROW_FACTOR deg) */
            const uint16_t *row = tab + (size_t)v * ts;
            double best = best16(row, dens, K);
            const double cur_score = cur != K ? (double)(row[cur] + 1u) * dens[cur] : -1.0;
            if (cur_score > best) best = cur_score;
            if (best > 0.0 && (cur == K || best - cur_score >= FLUID_TOL))
                for (uint32_t c = 0; c < K; c++) {
                    uint32_t s = row[c] + (c == cur);
                    if (s && best - (double)s * dens[c] < FLUID_TOL) cand_c[nc++] = c;
                }
        }
        if (nc == 0) continue;
        uint32_t to = nc == 1 ? cand_c[0] : cand_c[fg_rng_below(&f->rng, nc)];
        if (cur != K && leave(f, v, cur) != FG_OK) return UINT64_MAX;
        join(f, v, to);
        memb_set(memb, v, to, mw);
        for (uint64_t i = 0; i < deg; i++) {
            uint16_t *rw = tab + (size_t)adj_get(nb, i, aw) * ts;
            if (cur != K) rw[cur]--;
            rw[to]++;
        }
        moved++;
    }
    return moved;
}

/* Fill the table from the current membership: O(n tstride + m). */
static inline __attribute__((always_inline)) void build_table_t(fg_fluid *f, int aw, int mw)
{
    const uint64_t *off = f->g->offsets;
    const char *adjb = aw == 2 ? (const char *)f->adj16 : (const char *)f->g->adj;
    const uint32_t K = f->k, ts = f->tstride;
    const void *memb = f->memb;
    memset(f->tab, 0, (size_t)f->n * ts * sizeof *f->tab);
    for (uint32_t v = 0; v < f->n; v++) {
        uint16_t *row = f->tab + (size_t)v * ts;
        const void *nb = adjb + off[v] * (uint64_t)aw;
        const uint64_t deg = off[v + 1] - off[v];
        for (uint64_t i = 0; i < deg; i++) {
            uint32_t c = memb_get(memb, adj_get(nb, i, aw), mw);
            if (c != K) row[c]++;
        }
    }
}

static uint64_t incr_a2m1(fg_fluid *f) { return sweep_incr_t(f, 2, 1); }
static uint64_t incr_a2m2(fg_fluid *f) { return sweep_incr_t(f, 2, 2); }
static uint64_t incr_a2m4(fg_fluid *f) { return sweep_incr_t(f, 2, 4); }
static uint64_t incr_a4m1(fg_fluid *f) { return sweep_incr_t(f, 4, 1); }
static uint64_t incr_a4m2(fg_fluid *f) { return sweep_incr_t(f, 4, 2); }
static uint64_t incr_a4m4(fg_fluid *f) { return sweep_incr_t(f, 4, 4); }

uint64_t fg_i_fluid_sweep_incr(fg_fluid *f)
{
    if (f->adj16) return f->mw == 1 ? incr_a2m1(f) : f->mw == 2 ? incr_a2m2(f) : incr_a2m4(f);
    return f->mw == 1 ? incr_a4m1(f) : f->mw == 2 ? incr_a4m2(f) : incr_a4m4(f);
}

bool fg_i_fluid_table_build(fg_fluid *f)
{
    if (!f->tab) {
        size_t bytes = (size_t)f->n * f->tstride * sizeof *f->tab;
        f->tab = fg_alloc(bytes / sizeof *f->tab, sizeof *f->tab);
        if (!f->tab) {
            fg_error_clear();
            f->incr_possible = false;
            return false;
        }
        fg_i_fluid_advise_huge(f->tab, bytes);
    }
    if (f->adj16) {
        if (f->mw == 1) build_table_t(f, 2, 1);
        else if (f->mw == 2) build_table_t(f, 2, 2);
        else build_table_t(f, 2, 4);
    } else {
        if (f->mw == 1) build_table_t(f, 4, 1);
        else if (f->mw == 2) build_table_t(f, 4, 2);
        else build_table_t(f, 4, 4);
    }
    f->incr = true;
    return true;
}
