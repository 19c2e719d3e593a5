/* Clustering a graph (see fnegraph/pipeline.h): the largest connected
 * component, FluidC runs on it in parallel (one run a thread: a run is
 * sequential, O(sweeps x (V + E))), each scored against the labels of its
 * image vertices, outcomes handed to the caller's sink one at a time. */
#include "fnegraph/pipeline.h"

#include "fnegraph/mem.h"

#include <omp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The component the runs go on, and how its vertices map back. */
typedef struct component_graph {
    const fg_csr *run;        /* the component as a graph (g itself when connected) */
    const uint32_t *to_orig;  /* component vertex -> vertex of g; NULL: the identity */
    uint32_t g_vertices;      /* vertices of the whole graph */
    const int32_t *labels;    /* [images of g] or NULL */
} component_graph;

static bool cancelled(const fg_cluster_opts *o)
{
    return o->cancel && *o->cancel;
}

/* One run: FluidC sweep by sweep (as fg_fluid_run), then the membership and
 * the scores. memb[run->n_vertices] is the thread's scratch. */
static fg_status one_run(const component_graph *cg, const fg_cluster_opts *o, fg_cluster_outcome *out, int32_t *memb)
{
    fg_status st = FG_OK;
    fg_fluid *f = NULL;
    int64_t *truth = NULL, *pred = NULL;
    const fg_csr *g = cg->run;
    const uint32_t max_iter = o->max_iter ? o->max_iter : FG_FLUID_DEFAULT_MAX_ITER;
    const fg_fluid_opts fo = {(uint32_t)out->run.communities, out->run.seed, o->variant, max_iter};
    const double t0 = now();
    FG_CHECK_GOTO(st, fg_fluid_create(g, &fo, &f));
    while (fg_fluid_sweeps(f) < max_iter) {
        uint64_t moved = 0;
        FG_CHECK_GOTO(st, fg_fluid_sweep(f, &moved));
        if (o->on_sweep) o->on_sweep(o->on_sweep_ctx, fg_fluid_sweeps(f));
        if (!moved) {
            out->converged = true;
            break;
        }
    }
    out->sweeps = fg_fluid_sweeps(f);
    fg_fluid_membership(f, memb);
    for (uint32_t v = 0; v < g->n_vertices; v++) out->n_unassigned += memb[v] < 0;
    if (o->membership) {
        out->membership = fg_alloc(cg->g_vertices ? cg->g_vertices : 1, sizeof *out->membership);
        if (!out->membership) {
            st = FG_FAIL(FG_ENOMEM, "membership of %u vertices", cg->g_vertices);
            goto done;
        }
        for (uint32_t v = 0; v < cg->g_vertices; v++) out->membership[v] = -1;
        for (uint32_t v = 0; v < g->n_vertices; v++) out->membership[cg->to_orig ? cg->to_orig[v] : v] = memb[v];
    }
    const double t1 = now();
    out->seconds_fluidc = t1 - t0;
    if (cg->labels) {
        /* the component's image vertices come first (fg_components_extract) */
        const uint32_t ni = g->n_images;
        truth = fg_alloc(ni ? ni : 1, sizeof *truth);
        pred = fg_alloc(ni ? ni : 1, sizeof *pred);
        if (!truth || !pred) {
            st = FG_FAIL(FG_ENOMEM, "scores of %u images", ni);
            goto done;
        }
        for (uint32_t i = 0; i < ni; i++) {
            truth[i] = cg->labels[cg->to_orig ? cg->to_orig[i] : i];
            pred[i] = memb[i];
        }
        FG_CHECK_GOTO(st, fg_scores_compute(truth, pred, ni, &out->scores));
        out->scored = true;
        out->seconds_score = now() - t1;
    }
done:
    fg_fluid_destroy(f);
    fg_free(truth);
    fg_free(pred);
    return st;
}

/* Every run of the list on the component, in parallel; outcomes to sink. */
static fg_status run_all(const component_graph *cg, const fg_cluster_component *cc, const fg_cluster_run *runs,
                         int64_t n_runs, const fg_cluster_opts *o, fg_cluster_sink sink, void *sink_ctx)
{
    int stop = 0; /* shared: read and written atomically */
    int64_t skipped = 0;
    fg_status err = FG_OK;
    char msg[1024] = "";
    const int max_threads = o->threads > 0 ? o->threads : omp_get_max_threads();
    const int team = n_runs < max_threads ? (int)(n_runs > 0 ? n_runs : 1) : max_threads;

#pragma omp parallel num_threads(team) if (team > 1)
    {
        int32_t *memb = fg_alloc(cg->run->n_vertices ? cg->run->n_vertices : 1, sizeof *memb);
#pragma omp for schedule(dynamic, 1)
        for (int64_t i = 0; i < n_runs; i++) {
            if (__atomic_load_n(&stop, __ATOMIC_RELAXED)) continue;
            if (cancelled(o)) {
#pragma omp atomic
                skipped++;
                continue;
            }
            fg_cluster_outcome out;
            memset(&out, 0, sizeof out);
            out.index = i;
            out.run = runs[i];
            out.component = cc;
            out.possible = runs[i].communities <= (int64_t)cc->max_communities;
            fg_status st = FG_OK;
            if (!memb) st = FG_FAIL(FG_ENOMEM, "membership of %u vertices", cg->run->n_vertices);
            else if (out.possible) st = one_run(cg, o, &out, memb);
            char why[1024] = "";
            if (st != FG_OK) snprintf(why, sizeof why, "%s", fg_last_error());
#pragma omp critical(fg_cluster_sink)
            {
                if (!stop) {
                    if (st == FG_OK && sink) {
                        st = sink(sink_ctx, &out);
                        if (st != FG_OK) snprintf(why, sizeof why, "%s", fg_last_error());
                    }
                    if (st != FG_OK) {
                        snprintf(msg, sizeof msg, "communities %lld seed %llu: %s", (long long)out.run.communities,
                                 (unsigned long long)out.run.seed, why);
                        err = st;
                        __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
                    }
                }
            }
            fg_free(out.membership);
        }
        fg_free(memb);
    }
    if (err != FG_OK) return FG_FAIL(err, "%s", msg);
    if (skipped)
        return FG_FAIL(FG_EINTERRUPTED, "interrupted: %lld of %lld runs not started", (long long)skipped,
                       (long long)n_runs);
    return FG_OK;
}

/* The largest component of g (with its components c) as a graph of its own
 * in *sub, or g itself (*run = g) when it is connected. */
static fg_status take_component(const fg_csr *g, const fg_components *c, const fg_cluster_opts *o, fg_csr *sub,
                                uint32_t **to_orig, const fg_csr **run, fg_cluster_component *cc)
{
    if (c->n_components == 0 || g->n_vertices == 0)
        return FG_FAIL(FG_EINVAL, "%s: the graph has no vertices", o->what ? o->what : "graph");
    cc->n_components = c->n_components;
    cc->n_vertices = c->size[c->largest];
    cc->n_images = c->images[c->largest];
    cc->n_vertices_outside = g->n_vertices - cc->n_vertices;
    cc->n_images_outside = g->n_images - cc->n_images;
    *run = g;
    if (c->n_components > 1) {
        fg_status st = fg_components_extract(g, c, c->largest, sub, to_orig);
        if (st != FG_OK) return st;
        *run = sub;
    }
    cc->max_communities = fg_fluid_max_communities(o->variant, (*run)->n_images, (*run)->n_vertices);
    return FG_OK;
}

static fg_status check_args(const fg_cluster_run *runs, int64_t n_runs, const fg_cluster_opts *o)
{
    if (!o || n_runs < 0 || (n_runs > 0 && !runs)) return FG_FAIL(FG_EINVAL, "clustering: null argument");
    if (!fg_fluid_variant_name(o->variant)) return FG_FAIL(FG_EINVAL, "clustering: unknown variant %d", (int)o->variant);
    return FG_OK;
}

fg_status fg_cluster_graph(const fg_csr *g, const fg_components *comp, const int32_t *labels,
                           const fg_cluster_run *runs, int64_t n_runs, const fg_cluster_opts *opts,
                           fg_cluster_sink sink, void *sink_ctx, fg_cluster_component *cc)
{
    fg_status st = FG_OK;
    fg_components own;
    fg_csr sub;
    fg_cluster_component local;
    uint32_t *to_orig = NULL;
    memset(&own, 0, sizeof own);
    memset(&sub, 0, sizeof sub);
    if (!cc) cc = &local;
    memset(cc, 0, sizeof *cc);
    if (!g) return FG_FAIL(FG_EINVAL, "fg_cluster_graph: null graph");
    st = check_args(runs, n_runs, opts);
    if (st != FG_OK) return st;
    if (g->n_vertices == 0) return FG_FAIL(FG_EINVAL, "%s: the graph has no vertices", opts->what ? opts->what : "graph");
    const double t0 = now();
    if (!comp) {
        FG_CHECK_GOTO(st, fg_components_find(g, &own));
        comp = &own;
    }
    const fg_csr *run = NULL;
    FG_CHECK_GOTO(st, take_component(g, comp, opts, &sub, &to_orig, &run, cc));
    fg_components_destroy(&own);
    cc->seconds = now() - t0;
    const component_graph cg = {run, to_orig, g->n_vertices, labels};
    st = run_all(&cg, cc, runs, n_runs, opts, sink, sink_ctx);
done:
    fg_components_destroy(&own);
    fg_csr_destroy(&sub);
    fg_free(to_orig);
    return st;
}

fg_status fg_graph_task_run(const fg_graph_task *t, fg_cluster_sink sink, void *sink_ctx, fg_graph_task_result *out)
{
    fg_status st = FG_OK;
    fg_csr g, sub;
    fg_components comp;
    uint32_t *to_orig = NULL;
    memset(&g, 0, sizeof g);
    memset(&sub, 0, sizeof sub);
    memset(&comp, 0, sizeof comp);
    if (!t || !out || !t->codes || !t->ff) return FG_FAIL(FG_EINVAL, "fg_graph_task_run: null argument");
    memset(out, 0, sizeof *out);
    st = check_args(t->runs, t->n_runs, &t->cluster);
    if (st != FG_OK) return st;
    double t0 = now();
    FG_CHECK_GOTO(st, fg_graph_build(t->codes, &t->ff->graph, &g));
    double t1 = now();
    out->seconds_build = t1 - t0;
    FG_CHECK_GOTO(st, fg_components_find(&g, &comp)); /* once: for the summary and the runs */
    FG_CHECK_GOTO(st, fg_graph_summarize_with(&g, &comp, &out->summary));
    t0 = now();
    out->seconds_summary = t0 - t1;
    if (t->on_graph) FG_CHECK_GOTO(st, t->on_graph(sink_ctx, &out->summary, out->seconds_build));
    if (t->n_runs == 0) goto done;
    const fg_csr *run = NULL;
    FG_CHECK_GOTO(st, take_component(&g, &comp, &t->cluster, &sub, &to_orig, &run, &out->component));
    const uint32_t g_vertices = g.n_vertices;
    fg_components_destroy(&comp);
    if (run == &sub) fg_csr_destroy(&g); /* the component is all the runs need */
    t1 = now();
    out->component.seconds = t1 - t0;
    const component_graph cg = {run, to_orig, g_vertices, t->labels};
    st = run_all(&cg, &out->component, t->runs, t->n_runs, &t->cluster, sink, sink_ctx);
    out->seconds_runs = now() - t1;
done:
    fg_components_destroy(&comp);
    fg_csr_destroy(&sub);
    fg_csr_destroy(&g);
    fg_free(to_orig);
    return st;
}
