/* The pipeline's clustering calls (fnegraph/pipeline.h) against their simple
 * twin, the stages composed by hand (components -> largest -> fg_fluid_run ->
 * fg_scores_compute), on random graphs with several components:
 * - every outcome (membership over the whole graph, sweeps, convergence,
 *   unreached vertices, NMI/AMI) equals the twin's, with 1 and 3 threads;
 * - the communities rule (fg_fluid_max_communities): a run asking for more
 *   is reported as not possible and not run, per variant;
 * - a failing sink stops the runs and its status comes back with the run
 *   named; a cancel before the call starts no run (FG_EINTERRUPTED); a graph
 *   without vertices is FG_EINVAL naming it;
 * - the graph task equals fg_graph_build + fg_graph_summarize +
 *   fg_cluster_graph, calls on_graph once before any run, and with no runs
 *   makes the graph alone. */
#include "fg_test.h"
#include "fnegraph/mem.h"
#include "fnegraph/pipeline.h"
#include "fnegraph/rng.h"

#include <string.h>

/* n_images images, then n_vertices - n_images features; `blobs` groups of
 * vertices joined by random edges (each group connected by a path), the last
 * vertices isolated. labels[n_images] random in [0, classes). */
static void random_graph(fg_rng *r, uint32_t n_vertices, uint32_t n_images, int blobs, int classes, fg_csr *g,
                         int32_t *labels)
{
    const uint32_t isolated = n_vertices / 10, used = n_vertices - isolated;
    uint32_t *perm = fg_alloc(used, sizeof *perm), *e = fg_alloc(2 * (size_t)used * 6, sizeof *e);
    for (uint32_t i = 0; i < used; i++) perm[i] = i;
    fg_rng_shuffle_u32(r, perm, used);
    uint64_t m = 0;
    const uint32_t per = used / (uint32_t)blobs;
    for (int b = 0; b < blobs; b++) {
        const uint32_t lo = (uint32_t)b * per, hi = b + 1 == blobs ? used : lo + per;
        for (uint32_t i = lo + 1; i < hi; i++) { /* a path, then random chords */
            e[2 * m] = perm[i - 1], e[2 * m + 1] = perm[i], m++;
            uint32_t j = lo + (uint32_t)fg_rng_below(r, hi - lo);
            if (j + 1 < i) e[2 * m] = perm[j], e[2 * m + 1] = perm[i], m++;
        }
    }
    CHECK_OK(fg_csr_from_edge_list(n_vertices, n_images, e, m, "random graph", g));
    for (uint32_t i = 0; i < n_images; i++) labels[i] = (int32_t)fg_rng_below(r, (uint64_t)classes);
    fg_free(perm);
    fg_free(e);
}

/* The twin: one run composed by hand. */
typedef struct twin {
    int32_t *memb; /* [g->n_vertices] */
    uint32_t sweeps, n_unassigned;
    bool converged;
    fg_scores sc;
} twin;

static void twin_run(const fg_csr *g, const int32_t *labels, fg_fluid_variant v, const fg_cluster_run *run, twin *t)
{
    fg_components c;
    fg_csr sub;
    memset(&sub, 0, sizeof sub);
    uint32_t *map = NULL;
    CHECK_OK(fg_components_find(g, &c));
    const fg_csr *on = g;
    if (c.n_components > 1) {
        CHECK_OK(fg_components_extract(g, &c, c.largest, &sub, &map));
        on = &sub;
    }
    fg_fluid_opts o = {(uint32_t)run->communities, run->seed, v, 40};
    fg_fluid_result fr;
    CHECK_OK(fg_fluid_run(on, &o, &fr));
    t->memb = fg_alloc(g->n_vertices, sizeof *t->memb);
    for (uint32_t i = 0; i < g->n_vertices; i++) t->memb[i] = -1;
    t->n_unassigned = 0;
    for (uint32_t i = 0; i < on->n_vertices; i++) {
        t->memb[map ? map[i] : i] = fr.membership[i];
        t->n_unassigned += fr.membership[i] < 0;
    }
    t->sweeps = fr.sweeps;
    t->converged = fr.converged;
    int64_t *truth = fg_alloc(on->n_images, sizeof *truth), *pred = fg_alloc(on->n_images, sizeof *pred);
    for (uint32_t i = 0; i < on->n_images; i++) {
        truth[i] = labels[map ? map[i] : i];
        pred[i] = fr.membership[i];
    }
    CHECK_OK(fg_scores_compute(truth, pred, on->n_images, &t->sc));
    fg_free(truth);
    fg_free(pred);
    fg_fluid_result_destroy(&fr);
    fg_free(map);
    fg_csr_destroy(&sub);
    fg_components_destroy(&c);
}

/* What the sink saw. */
typedef struct seen {
    int64_t n_runs;
    fg_cluster_outcome out[16];
    int32_t *memb[16];
    int calls, fail_at, on_graph_calls, runs_before_graph;
    fg_graph_summary summary;
} seen;

static fg_status sink(void *ctx, fg_cluster_outcome *o)
{
    seen *s = ctx;
    s->calls++;
    if (s->fail_at && s->calls == s->fail_at) return FG_FAIL(FG_EIO, "the sink is full");
    if (o->index < 0 || o->index >= s->n_runs) return FG_FAIL(FG_EINTERNAL, "index %lld", (long long)o->index);
    s->out[o->index] = *o;
    s->memb[o->index] = o->membership;
    o->membership = NULL; /* taken */
    return FG_OK;
}

static fg_status on_graph(void *ctx, const fg_graph_summary *sm, double seconds)
{
    seen *s = ctx;
    s->on_graph_calls++;
    s->runs_before_graph += s->calls;
    s->summary = *sm;
    return seconds >= 0 ? FG_OK : FG_FAIL(FG_EINTERNAL, "negative build time");
}

static void seen_free(seen *s)
{
    for (int i = 0; i < 16; i++) fg_free(s->memb[i]);
    memset(s, 0, sizeof *s);
}

static void compare(const char *what, const fg_csr *g, const int32_t *labels, fg_fluid_variant v,
                    const fg_cluster_run *runs, int n, const seen *s)
{
    for (int i = 0; i < n; i++) {
        const fg_cluster_outcome *o = &s->out[i];
        CHECK(o->possible && o->scored, "%s run %d: possible %d scored %d", what, i, o->possible, o->scored);
        if (!o->possible || !s->memb[i]) continue;
        twin t;
        twin_run(g, labels, v, &runs[i], &t);
        CHECK(memcmp(t.memb, s->memb[i], g->n_vertices * sizeof *t.memb) == 0, "%s run %d: membership differs", what,
              i);
        CHECK(o->sweeps == t.sweeps && o->converged == t.converged && o->n_unassigned == t.n_unassigned,
              "%s run %d: sweeps %u/%u converged %d/%d unassigned %u/%u", what, i, o->sweeps, t.sweeps, o->converged,
              t.converged, o->n_unassigned, t.n_unassigned);
        for (int m = 0; m < FG_NORM_COUNT; m++)
            CHECK(o->scores.nmi[m] == t.sc.nmi[m] && o->scores.ami[m] == t.sc.ami[m],
                  "%s run %d norm %d: nmi %.17g/%.17g ami %.17g/%.17g", what, i, m, o->scores.nmi[m], t.sc.nmi[m],
                  o->scores.ami[m], t.sc.ami[m]);
        fg_free(t.memb);
    }
}

int main(void)
{
    fg_rng r;
    fg_rng_seed(&r, fg_test_seed("test_pipeline"));
    enum { V = 900, IMG = 300, RUNS = 6 };
    fg_csr g;
    int32_t labels[IMG];
    random_graph(&r, V, IMG, 3, 7, &g, labels);
    fg_cluster_run runs[RUNS];
    for (int i = 0; i < RUNS; i++) runs[i] = (fg_cluster_run){2 + (int64_t)fg_rng_below(&r, 12), fg_rng_next(&r)};

    /* 1. outcomes equal the twin's, for both variants and 1 or 3 threads */
    for (int v = 0; v < 2; v++)
        for (int threads = 1; threads <= 3; threads += 2) {
            seen s = {.n_runs = RUNS};
            fg_cluster_opts o = {.variant = (fg_fluid_variant)v, .max_iter = 40, .threads = threads,
                                 .membership = true};
            fg_cluster_component cc;
            CHECK_OK(fg_cluster_graph(&g, NULL, labels, runs, RUNS, &o, sink, &s, &cc));
            CHECK(s.calls == RUNS, "variant %d threads %d: %d outcomes", v, threads, s.calls);
            CHECK(cc.n_components > 3 && cc.n_vertices + cc.n_vertices_outside == V &&
                      cc.n_images + cc.n_images_outside == IMG,
                  "component: %u components, %u + %u vertices, %u + %u images", cc.n_components, cc.n_vertices,
                  cc.n_vertices_outside, cc.n_images, cc.n_images_outside);
            CHECK(cc.max_communities == fg_fluid_max_communities(o.variant, cc.n_images, cc.n_vertices),
                  "max_communities %u", cc.max_communities);
            for (int i = 0; i < RUNS; i++)
                CHECK(s.out[i].component && s.out[i].component->n_images == cc.n_images, "run %d: its component", i);
            compare(v ? "standard" : "paper", &g, labels, (fg_fluid_variant)v, runs, RUNS, &s);
            seen_free(&s);
        }

    /* 2. the communities rule: more than the component allows is not run */
    {
        fg_cluster_component cc;
        fg_cluster_opts o = {.variant = FG_FLUID_PAPER, .max_iter = 40, .threads = 2};
        CHECK_OK(fg_cluster_graph(&g, NULL, labels, NULL, 0, &o, NULL, NULL, &cc));
        fg_cluster_run big[3] = {{cc.n_images, 1}, {(int64_t)cc.n_images + 1, 2}, {(int64_t)cc.n_vertices + 1, 3}};
        for (int v = 0; v < 2; v++) {
            seen s = {.n_runs = 3};
            o.variant = (fg_fluid_variant)v;
            CHECK_OK(fg_cluster_graph(&g, NULL, labels, big, 3, &o, sink, &s, NULL));
            CHECK(s.calls == 3, "every run reported (%d)", s.calls);
            CHECK(s.out[0].possible && s.out[0].sweeps > 0, "k = images in the component: run");
            CHECK(s.out[1].possible == (v == 1), "variant %d, k = images + 1: possible %d", v, s.out[1].possible);
            CHECK(!s.out[2].possible && s.out[2].sweeps == 0, "k = vertices + 1: never run");
            seen_free(&s);
        }
    }

    /* 3. a failing sink, a cancel, an empty graph */
    {
        seen s = {.n_runs = RUNS, .fail_at = 2};
        fg_cluster_opts o = {.variant = FG_FLUID_PAPER, .max_iter = 40, .threads = 1};
        CHECK_FAILS(fg_cluster_graph(&g, NULL, labels, runs, RUNS, &o, sink, &s, NULL), FG_EIO, "the sink is full");
        CHECK(strstr(fg_last_error(), "communities ") && strstr(fg_last_error(), " seed "),
              "the message names the run: %s", fg_last_error());
        CHECK(s.calls == 2, "no run after the failure with one thread (%d sink calls)", s.calls);
        seen_free(&s);
        volatile sig_atomic_t stop = 1;
        seen c = {.n_runs = RUNS};
        o.cancel = &stop;
        o.threads = 2;
        CHECK_FAILS(fg_cluster_graph(&g, NULL, labels, runs, RUNS, &o, sink, &c, NULL), FG_EINTERRUPTED,
                    "6 of 6 runs not started");
        CHECK(c.calls == 0, "cancelled: no outcome (%d)", c.calls);
        fg_csr empty;
        memset(&empty, 0, sizeof empty);
        o.cancel = NULL;
        o.what = "empty.h5";
        CHECK_FAILS(fg_cluster_graph(&empty, NULL, NULL, runs, 1, &o, sink, &c, NULL), FG_EINVAL,
                    "empty.h5: the graph has no vertices");
    }

    /* 4. the graph task: codes + ff edges -> the same graph, summary, runs */
    {
        enum { N = 40 };
        float *x = fg_alloc((size_t)N * FG_FNE_DIM, sizeof *x);
        for (size_t i = 0; i < (size_t)N * FG_FNE_DIM; i++) x[i] = (float)fg_rng_normal(&r);
        int32_t lab[N];
        for (int i = 0; i < N; i++) lab[i] = i % 4;
        fg_fne_stats st;
        fg_codes codes;
        CHECK_OK(fg_fne_stats_compute(x, N, FG_FNE_DIM, NULL, 0, NULL, &st));
        CHECK_OK(fg_codes_ternarize(x, N, FG_FNE_DIM, &st, -1.5, 1.5, NULL, &codes));
        enum { FF = 3000 };
        uint32_t *e = fg_alloc(2 * FF, sizeof *e);
        uint64_t m = 0;
        for (int i = 0; i < FF; i++) { /* distinct pairs (f, f + 1 + i % 7) of features */
            uint32_t a = (uint32_t)(i * 13 % (2 * FG_FNE_DIM - 8)), b = a + 1 + (uint32_t)(i % 7);
            bool dup = false;
            for (uint64_t j = 0; j < m && !dup; j++) dup = e[2 * j] == a && e[2 * j + 1] == b;
            if (!dup) e[2 * m] = a, e[2 * m + 1] = b, m++;
        }
        fg_ff_edges ff;
        memset(&ff, 0, sizeof ff);
        CHECK_OK(fg_csr_from_edge_list(2 * FG_FNE_DIM, 0, e, m, "ff", &ff.graph));
        fg_cluster_run tr[3] = {{4, 11}, {4, 12}, {6, 13}};
        seen s = {.n_runs = 3};
        fg_graph_task t = {.codes = &codes, .ff = &ff, .labels = lab, .runs = tr, .n_runs = 3,
                           .cluster = {.variant = FG_FLUID_PAPER, .max_iter = 40, .threads = 2, .membership = true},
                           .on_graph = on_graph};
        fg_graph_task_result res;
        CHECK_OK(fg_graph_task_run(&t, sink, &s, &res));
        CHECK(s.on_graph_calls == 1 && s.runs_before_graph == 0, "on_graph once (%d), before any run (%d)",
              s.on_graph_calls, s.runs_before_graph);
        fg_csr gg;
        fg_graph_summary sm;
        CHECK_OK(fg_graph_build(&codes, &ff.graph, &gg));
        CHECK_OK(fg_graph_summarize(&gg, &sm));
        const fg_graph_summary *a[2] = {&res.summary, &s.summary};
        for (int i = 0; i < 2; i++)
            CHECK(a[i]->n_images == sm.n_images && a[i]->n_vertices == sm.n_vertices &&
                      a[i]->n_vertices_nonisolated == sm.n_vertices_nonisolated && a[i]->n_edges == sm.n_edges &&
                      a[i]->n_edges_if == sm.n_edges_if && a[i]->n_edges_ff == sm.n_edges_ff &&
                      a[i]->n_components == sm.n_components && a[i]->largest_component == sm.largest_component &&
                      a[i]->largest_component_images == sm.largest_component_images,
                  "%s: the summary is fg_graph_summarize's (%u/%u vertices, %llu/%llu edges)",
                  i ? "on_graph" : "result", a[i]->n_vertices, sm.n_vertices, (unsigned long long)a[i]->n_edges,
                  (unsigned long long)sm.n_edges);
        CHECK(sm.n_edges_ff > 0 && sm.n_edges_if > 0 && sm.n_components > 1,
              "a graph with both kinds of edge and components (%llu ff, %llu if, %u components)",
              (unsigned long long)sm.n_edges_ff, (unsigned long long)sm.n_edges_if, sm.n_components);
        CHECK(res.component.n_images == sm.largest_component_images, "component images %u, summary %u",
              res.component.n_images, sm.largest_component_images);
        compare("graph task", &gg, lab, FG_FLUID_PAPER, tr, 3, &s);
        seen_free(&s);
        seen alone = {.n_runs = 0};
        t.n_runs = 0;
        CHECK_OK(fg_graph_task_run(&t, sink, &alone, &res));
        CHECK(alone.on_graph_calls == 1 && alone.calls == 0, "no runs: the graph alone (%d, %d)",
              alone.on_graph_calls, alone.calls);
        fg_csr_destroy(&gg);
        fg_csr_destroy(&ff.graph);
        fg_codes_destroy(&codes);
        fg_fne_stats_destroy(&st);
        fg_free(e);
        fg_free(x);
    }
    fg_csr_destroy(&g);
    return fg_test_done("test_pipeline");
}
