/* Fluid Communities: F. Parés, D. Garcia-Gasulla et al., "Fluid Communities:
 * a competitive, scalable and diverse community detection algorithm",
 * Complex Networks 2017 (arXiv:1703.09307), as NetworkX 2.8's asyn_fluidc
 * runs it, with the paper's modification (docs/method.md §6).
 *
 * k communities, density d(c) = 1/|c|. Seeds: k distinct random vertices
 * (paper variant: image vertices). A sweep visits every vertex in a fresh
 * random order; for v, score(c) = d(c) x (number of vertices of c among v and
 * its neighbours). Candidates are the communities in reach within 1e-4 of the
 * best score; v keeps its community when it is a candidate, else it moves to
 * a uniformly drawn candidate (in ascending community order) and both
 * densities change at once (asynchronous). Paper variant: an image vertex
 * that is the last image of its community is not moved. The run stops after
 * a sweep without a move or after max_iter sweeps. A community never empties:
 * a vertex alone in its community scores 1 there, and no community scores
 * more than 1.
 *
 * Precision: a score is the integer count times the density, both in double,
 * i.e. the exact sum of the densities rounded once; NetworkX adds the
 * densities one at a time. The difference is far below the 1e-4 tolerance
 * (tests/support/ref_fluidc.c sums like NetworkX; the runs agree exactly).
 *
 * Cost per vertex v of a sweep: O(deg(v) + 1) in every mode, never O(k)
 * (issue 5: no O(k) clear per vertex); a sweep costs O(n + m) besides the
 * shuffle. The last image of a community (paper variant) costs O(1).
 *
 * Counting sweeps: one pass over v's neighbour list. Neighbour communities
 * are counted in four counter copies (neighbour i in copy i mod 4), which
 * breaks the store-to-load chain when consecutive neighbours share a
 * community. Two ways to read the counts back, both O(deg(v) + 1):
 *   - k <= deg(v) ("dense"): one pass over the k counters (a SIMD kernel,
 *     fluid_scan.c), then all 4 (k + 1) of them cleared at once. This is the
 *     one place where counters v did not touch are cleared too, and only
 *     when there are no more of them than v has neighbours: O(k) <= O(deg),
 *     with no per-neighbour bookkeeping;
 *   - k > deg(v) ("touched list", pick_touched): the distinct communities met
 *     are listed (a flag per community), and only their counters are read
 *     and reset: O(deg(v) + 1) whatever k.
 * Both give the same result (tests force each). The inner loop gathers a
 * compact copy of the membership (1 byte per vertex for k <= 255, else 2 or
 * 4), which stays in L1/L2, from a 16-bit copy of the adjacency when the ids
 * fit (half the bytes to stream per sweep; made during the connectivity
 * check), and the lists of the vertices a few places ahead in the random
 * order are prefetched.
 *
 * Incremental sweeps (fluid_incr.c): once few vertices move, a table of each
 * vertex's neighbours per community is kept current instead of recounting
 * every list; scores, candidates and draws stay those of a counting sweep.
 *
 * Memory besides the graph: 2 bytes per arc (when n <= 65536), 2 n k
 * rounded (incremental mode) and O(n + k).
 */
#include "fluid_state.h"
#include "fnegraph/mem.h"

#include <string.h>
#include <sys/mman.h>

const char *fg_fluid_variant_name(fg_fluid_variant v)
{
    switch (v) {
    case FG_FLUID_PAPER: return "paper";
    case FG_FLUID_STANDARD: return "standard";
    }
    return NULL;
}

fg_status fg_fluid_variant_parse(const char *s, fg_fluid_variant *out)
{
    if (!s || !out) return FG_FAIL(FG_EINVAL, "fg_fluid_variant_parse: null argument");
    if (!strcmp(s, "paper")) *out = FG_FLUID_PAPER;
    else if (!strcmp(s, "standard")) *out = FG_FLUID_STANDARD;
    else return FG_FAIL(FG_EINVAL, "unknown FluidC variant '%s' (expected paper or standard)", s);
    return FG_OK;
}

/* One sweep, adjacency entries of aw bytes and membership entries of mw
 * bytes; returns the number of moves, or UINT64_MAX after an internal error
 * (recorded). */
static inline __attribute__((always_inline)) uint64_t sweep_t(fg_fluid *f, int aw, int mw)
{
    const uint64_t *off = f->g->offsets;
    const char *adjb = aw == 2 ? (const char *)f->adj16 : (const char *)f->g->adj;
    const uint32_t *order = f->order;
    const uint32_t n = f->n, K = f->k, S = f->k + 1;
    const uint32_t img_guard = f->variant == FG_FLUID_PAPER ? f->n_images : 0;
    const fg_i_fluid_readback path = f->path;
    void *memb = f->memb;
    uint32_t *cnt = f->cnt, *cand_c = f->cand_c;
    uint32_t *cnt1 = cnt + S, *cnt2 = cnt + 2 * S, *cnt3 = cnt + 3 * S;
    const double *dens = f->dens;
    const fg_i_fluid_best_fn best_fn = f->best_fn;
    uint64_t moved = 0;

    for (uint32_t p = 0; p < n; p++) {
        if (p + PREFETCH_AHEAD < n) {
            /* the whole list of a vertex a few places ahead, towards L2:
             * the order is random, so the hardware cannot guess it */
            uint32_t u = order[p + PREFETCH_AHEAD];
            const char *b = adjb + off[u] * (uint64_t)aw, *e = adjb + off[u + 1] * (uint64_t)aw;
            for (; b < e; b += 64) __builtin_prefetch(b, 0, 1);
        }
        const uint32_t v = order[p];
        const uint32_t cur = memb_get(memb, v, mw);
        /* the paper's rule: the last image of a community stays */
        if (v < img_guard && cur != K && f->n_img[cur] == 1) continue;

        const void *nb = adjb + off[v] * (uint64_t)aw;
        const uint64_t deg = off[v + 1] - off[v];
        uint32_t nc = 0;
        if (path == FG_I_FLUID_READBACK_DENSE || (path == FG_I_FLUID_READBACK_AUTO && K <= deg)) {
            /* dense: plain counting, then one pass over the k counters,
             * which costs no more than the neighbour loop (k <= deg) */
            cnt[cur] = 1; /* v itself (slot K when unassigned: ignored) */
            uint64_t i = 0;
            for (; i + 4 <= deg; i += 4) {
                cnt[memb_get(memb, adj_get(nb, i, aw), mw)]++;
                cnt1[memb_get(memb, adj_get(nb, i + 1, aw), mw)]++;
                cnt2[memb_get(memb, adj_get(nb, i + 2, aw), mw)]++;
                cnt3[memb_get(memb, adj_get(nb, i + 3, aw), mw)]++;
            }
            for (; i < deg; i++) cnt[memb_get(memb, adj_get(nb, i, aw), mw)]++;
            /* absent communities score 0, present ones more than 0 */
            const double best = best_fn(cnt, S, dens, K);
            const double cur_score =
                cur != K ? (double)(cnt[cur] + cnt1[cur] + cnt2[cur] + cnt3[cur]) * dens[cur] : -1.0;
            if (best > 0.0 && (cur == K || best - cur_score >= FLUID_TOL)) /* else stay */
                for (uint32_t c = 0; c < K; c++) {
                    uint32_t s = cnt[c] + cnt1[c] + cnt2[c] + cnt3[c];
                    if (s && best - (double)s * dens[c] < FLUID_TOL) cand_c[nc++] = c;
                }
            memset(cnt, 0, 4 * (size_t)S * sizeof *cnt);
            if (nc == 0) continue; /* nothing in reach, or the current community is a candidate */
        } else {
            nc = pick_touched(f, cur, nb, deg, aw, mw);
            if (nc == 0) continue;
        }
        uint32_t to = nc == 1 ? cand_c[0] : cand_c[fg_rng_below(&f->rng, nc)];
        if (cur != K && leave(f, v, cur) != FG_OK) return UINT64_MAX;
        join(f, v, to);
        memb_set(memb, v, to, mw);
        moved++;
    }
    return moved;
}

static uint64_t sweep_a2m1(fg_fluid *f) { return sweep_t(f, 2, 1); }
static uint64_t sweep_a2m2(fg_fluid *f) { return sweep_t(f, 2, 2); }
static uint64_t sweep_a2m4(fg_fluid *f) { return sweep_t(f, 2, 4); }
static uint64_t sweep_a4m1(fg_fluid *f) { return sweep_t(f, 4, 1); }
static uint64_t sweep_a4m2(fg_fluid *f) { return sweep_t(f, 4, 2); }
static uint64_t sweep_a4m4(fg_fluid *f) { return sweep_t(f, 4, 4); }

void fg_fluid_destroy(fg_fluid *f)
{
    if (!f) return;
    fg_free(f->memb);
    fg_free(f->order);
    fg_free(f->size);
    fg_free(f->n_img);
    fg_free(f->dens);
    fg_free(f->seen);
    fg_free(f->cnt);
    fg_free(f->touched);
    fg_free(f->cand_c);
    fg_free(f->score);
    fg_free(f->adj16);
    fg_free(f->tab);
    fg_free(f);
}

/* Ask for transparent huge pages on a large buffer before its first touch:
 * fewer page faults to fill it and fewer TLB misses in the random-order
 * sweeps. Only advice; nothing depends on it. */
void fg_i_fluid_advise_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    uintptr_t b = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, e = ((uintptr_t)p + bytes) & ~(uintptr_t)4095;
    if (e > b + (2u << 20)) madvise((void *)b, e - b, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

/* Breadth-first search from vertex 0 that also fills adj16 (when not NULL)
 * as it reads each list: the connectivity check and the 16-bit copy in one
 * pass over the adjacency. The lists of vertices a few places ahead in the
 * queue are prefetched. A graph it cannot cover is reported with its
 * components. queue[n] and mark[n] are scratch. */
static fg_status check_connected(const fg_csr *g, uint16_t *adj16, uint32_t *queue, uint8_t *mark)
{
    const uint32_t n = g->n_vertices;
    const uint64_t *off = g->offsets;
    const uint32_t *adj = g->adj;
    memset(mark, 0, n);
    uint32_t tail = 1;
    queue[0] = 0;
    mark[0] = 1;
    for (uint32_t head = 0; head < tail; head++) {
        if (head + PREFETCH_AHEAD < tail) {
            uint32_t u = queue[head + PREFETCH_AHEAD];
            const char *b = (const char *)(adj + off[u]), *e = (const char *)(adj + off[u + 1]);
            for (; b < e; b += 64) __builtin_prefetch(b, 0, 1);
        }
        uint32_t v = queue[head];
        for (uint64_t i = off[v]; i < off[v + 1]; i++) {
            uint32_t u = adj[i];
            if (adj16) adj16[i] = (uint16_t)u;
            if (!mark[u]) {
                mark[u] = 1;
                queue[tail++] = u;
            }
        }
    }
    if (tail == n) return FG_OK;
    fg_components comps;
    fg_status st = fg_components_find(g, &comps);
    if (st != FG_OK) return st;
    const uint32_t n_comp = comps.n_components, largest_size = comps.size[comps.largest];
    fg_components_destroy(&comps);
    return FG_FAIL(FG_EINVAL,
                   "FluidC needs a connected graph, and this one has %u connected components "
                   "(the largest has %u of the %u vertices); run it on the largest component "
                   "(fnegraph cluster does that and reports what it leaves out)",
                   n_comp, largest_size, n);
}

uint32_t fg_fluid_max_communities(fg_fluid_variant variant, uint32_t n_images, uint32_t n_vertices)
{
    /* paper: n_images <= n_vertices always, so the image count is the bound */
    return variant == FG_FLUID_PAPER ? (n_images < n_vertices ? n_images : n_vertices) : n_vertices;
}

fg_status fg_fluid_create(const fg_csr *g, const fg_fluid_opts *opts, fg_fluid **out)
{
    fg_status st = FG_OK;
    fg_fluid *f = NULL;
    if (!g || !opts || !out) return FG_FAIL(FG_EINVAL, "fg_fluid_create: null argument");
    *out = NULL;
    if (g->n_vertices == 0 || !g->offsets) return FG_FAIL(FG_EINVAL, "FluidC: the graph is empty (no vertices)");
    if (!fg_fluid_variant_name(opts->variant))
        return FG_FAIL(FG_EINVAL, "FluidC: unknown variant %d", (int)opts->variant);
    uint32_t k = opts->k;
    const bool paper = opts->variant == FG_FLUID_PAPER;
    if (k < 1) return FG_FAIL(FG_EINVAL, "FluidC: the number of communities must be at least 1, got %u", k);
    if (k > fg_fluid_max_communities(opts->variant, g->n_images, g->n_vertices)) {
        if (paper && k > g->n_images)
            return FG_FAIL(FG_EINVAL,
                           "FluidC (paper variant): %u communities but only %u image vertices to seed them; "
                           "ask for at most %u or use the standard variant",
                           k, g->n_images, g->n_images);
        return FG_FAIL(FG_EINVAL, "FluidC: %u communities but the graph has only %u vertices", k, g->n_vertices);
    }

    f = fg_calloc(1, sizeof *f);
    if (!f) return FG_ENOMEM;
    f->g = g;
    f->n = g->n_vertices;
    f->n_images = g->n_images;
    f->k = k;
    f->variant = opts->variant;
    f->max_iter = opts->max_iter ? opts->max_iter : FG_FLUID_DEFAULT_MAX_ITER;
    f->mw = k <= UINT8_MAX ? 1 : k <= UINT16_MAX ? 2 : 4;
    /* counts stay below 2^31 when n does: what the SIMD read-backs assume */
    f->best_fn = g->n_vertices <= (uint32_t)INT32_MAX ? fg_i_fluid_best_for(fg_cpu_isa()) : fg_i_fluid_best_ref;
    f->best16_fn = fg_i_fluid_best16_for(fg_cpu_isa());
    {
        uint64_t max_deg = 0;
        for (uint32_t v = 0; v < f->n; v++)
            if (g->offsets[v + 1] - g->offsets[v] > max_deg) max_deg = g->offsets[v + 1] - g->offsets[v];
        f->tstride = k <= UINT16_MAX ? (k + 31u) & ~31u : 0;
        double avg_deg = (double)g->offsets[f->n] / f->n;
        f->incr_possible = max_deg <= UINT16_MAX && f->tstride > 0 &&
                           (double)f->n * f->tstride * sizeof *f->tab <= (double)TABLE_MAX_BYTES;
        f->incr_pays = 2.0 * f->tstride <= avg_deg;
    }
    size_t slots = 4 * ((size_t)k + 1);
    f->memb = fg_alloc(f->n, (size_t)f->mw);
    f->order = fg_alloc(f->n, sizeof *f->order);
    f->size = fg_calloc(k, sizeof *f->size);
    f->n_img = fg_calloc(k, sizeof *f->n_img);
    f->dens = fg_calloc((size_t)k + 1, sizeof *f->dens);
    f->seen = fg_calloc((size_t)k + 1, sizeof *f->seen);
    f->cnt = fg_calloc(slots, sizeof *f->cnt);
    f->touched = fg_alloc((size_t)k + 2, sizeof *f->touched);
    f->cand_c = fg_alloc((size_t)k + 1, sizeof *f->cand_c);
    f->score = fg_alloc((size_t)k + 1, sizeof *f->score);
    if (!f->memb || !f->order || !f->size || !f->n_img || !f->dens || !f->seen || !f->cnt || !f->touched || !f->cand_c ||
        !f->score) {
        st = FG_ENOMEM;
        goto done;
    }

    /* vertex ids fit 16 bits: a half-size copy of the adjacency halves the
     * bytes each sweep streams; without the memory, sweeps read g->adj */
    if (f->n <= 65536u) {
        uint64_t arcs = g->offsets[f->n];
        f->adj16 = fg_alloc(arcs ? arcs : 1, sizeof *f->adj16);
        if (f->adj16) fg_i_fluid_advise_huge(f->adj16, arcs * sizeof *f->adj16);
        else fg_error_clear();
    }
    uint8_t *mark = fg_alloc(f->n, 1);
    if (!mark) {
        st = FG_ENOMEM;
        goto done;
    }
    st = check_connected(g, f->adj16, f->order, mark);
    fg_free(mark);
    if (st != FG_OK) goto done;

    for (uint32_t v = 0; v < f->n; v++) memb_set(f->memb, v, k, f->mw);

    /* seeds: the first k of a partial Fisher-Yates shuffle of the pool */
    fg_rng_seed(&f->rng, opts->seed);
    uint32_t pool = paper ? f->n_images : f->n;
    for (uint32_t v = 0; v < pool; v++) f->order[v] = v;
    for (uint32_t c = 0; c < k; c++) {
        uint32_t j = c + (uint32_t)fg_rng_below(&f->rng, pool - c);
        uint32_t t = f->order[c];
        f->order[c] = f->order[j];
        f->order[j] = t;
        memb_set(f->memb, f->order[c], c, f->mw);
        join(f, f->order[c], c);
    }
    for (uint32_t v = 0; v < f->n; v++) f->order[v] = v;
done:
    if (st != FG_OK) {
        fg_fluid_destroy(f);
        f = NULL;
    }
    *out = f;
    return st;
}

fg_status fg_fluid_sweep(fg_fluid *f, uint64_t *moved)
{
    if (!f) return FG_FAIL(FG_EINVAL, "fg_fluid_sweep: null argument");
    fg_rng_shuffle_u32(&f->rng, f->order, f->n);
    if (!f->incr && f->incr_policy == FG_I_FLUID_INCR_FROM_START && f->incr_possible) fg_i_fluid_table_build(f);
    uint64_t mv;
    if (f->incr) {
        mv = fg_i_fluid_sweep_incr(f);
        f->incr_sweeps++;
    } else if (f->adj16) mv = f->mw == 1 ? sweep_a2m1(f) : f->mw == 2 ? sweep_a2m2(f) : sweep_a2m4(f);
    else mv = f->mw == 1 ? sweep_a4m1(f) : f->mw == 2 ? sweep_a4m2(f) : sweep_a4m4(f);
    if (mv == UINT64_MAX) return fg_last_error_code();
    f->sweeps++;
    /* few moves now and, as a rule, fewer later: from here a table of
     * neighbour counts per community is cheaper to keep current than to
     * recount every list every sweep */
    if (!f->incr && f->incr_policy == FG_I_FLUID_INCR_WHEN_IT_PAYS && f->incr_possible && f->incr_pays && mv > 0 &&
        mv <= f->n / 32)
        fg_i_fluid_table_build(f);
    if (moved) *moved = mv;
    return FG_OK;
}

uint32_t fg_fluid_sweeps(const fg_fluid *f) { return f ? f->sweeps : 0; }

uint32_t fg_fluid_size(const fg_fluid *f, uint32_t c) { return f && c < f->k ? f->size[c] : 0; }

void fg_fluid_membership(const fg_fluid *f, int32_t *out)
{
    for (uint32_t v = 0; v < f->n; v++) {
        uint32_t c = memb_get(f->memb, v, f->mw);
        out[v] = c == f->k ? -1 : (int32_t)c;
    }
}

void fg_i_fluid_set_readback(fg_fluid *f, fg_i_fluid_readback how) { f->path = how; }

void fg_i_fluid_set_isa(fg_fluid *f, fg_isa isa)
{
    f->best_fn = fg_i_fluid_best_for(isa);
    f->best16_fn = fg_i_fluid_best16_for(isa);
}

void fg_i_fluid_set_incremental(fg_fluid *f, fg_i_fluid_incr_policy policy) { f->incr_policy = policy; }

uint32_t fg_i_fluid_incremental_sweeps(const fg_fluid *f) { return f->incr_sweeps; }

fg_status fg_i_fluid_force(fg_fluid *f, const int32_t *membership)
{
    if (!f || !membership) return FG_FAIL(FG_EINVAL, "fg_i_fluid_force: null argument");
    memset(f->size, 0, f->k * sizeof *f->size);
    memset(f->n_img, 0, f->k * sizeof *f->n_img);
    for (uint32_t v = 0; v < f->n; v++) {
        int32_t c = membership[v];
        if (c < -1 || c >= (int32_t)f->k) return FG_FAIL(FG_EINVAL, "fg_i_fluid_force: vertex %u: community %d", v, c);
        memb_set(f->memb, v, c < 0 ? f->k : (uint32_t)c, f->mw);
        if (c >= 0) join(f, v, (uint32_t)c);
    }
    for (uint32_t c = 0; c < f->k; c++)
        if (!f->size[c]) return FG_FAIL(FG_EINVAL, "fg_i_fluid_force: community %u is empty", c);
    if (f->incr) fg_i_fluid_table_build(f);
    return FG_OK;
}

void fg_fluid_result_destroy(fg_fluid_result *r)
{
    if (!r) return;
    fg_free(r->membership);
    memset(r, 0, sizeof *r);
}

fg_status fg_fluid_run(const fg_csr *g, const fg_fluid_opts *opts, fg_fluid_result *out)
{
    fg_status st = FG_OK;
    fg_fluid *f = NULL;
    if (!out) return FG_FAIL(FG_EINVAL, "fg_fluid_run: null argument");
    memset(out, 0, sizeof *out);
    FG_CHECK_GOTO(st, fg_fluid_create(g, opts, &f));
    out->membership = fg_alloc(g->n_vertices, sizeof *out->membership);
    if (!out->membership) {
        st = FG_ENOMEM;
        goto done;
    }
    out->n_vertices = g->n_vertices;
    out->k = opts->k;
    while (f->sweeps < f->max_iter) {
        uint64_t moved = 0;
        FG_CHECK_GOTO(st, fg_fluid_sweep(f, &moved));
        if (moved == 0) {
            out->converged = true;
            break;
        }
    }
    out->sweeps = f->sweeps;
    fg_fluid_membership(f, out->membership);
done:
    fg_fluid_destroy(f);
    if (st != FG_OK) fg_fluid_result_destroy(out);
    return st;
}
