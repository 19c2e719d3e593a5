/* Running a sweep (see sweep.h for what is shared between rows). Loop
 * order: dataset > (lo, hi) > k > (communities, seed); the codes of one
 * threshold pair and the feature-feature edges of every k stay in memory
 * while they are needed, the graph of one (dataset, lo, hi, k) lives while
 * its FluidC runs go, in parallel over the threads, one run a thread (a run
 * is sequential: O(sweeps x (V + E))). Rows are appended under a critical
 * section (HDF5 is not thread-safe) and flushed one by one. */
#include "sweep.h"
#include "sweep_kmeans.h"
#include "sweep_run_i.h"
#include "sweep_timeline.h"

#include "cli.h"
#include "fg_git_commit.h"
#include "fnegraph/community.h"
#include "fnegraph/cpu.h"
#include "fnegraph/extract.h"
#include "fnegraph/fne_file.h"
#include "fnegraph/graph.h"
#include "fnegraph/info.h"
#include "fnegraph/mem.h"
#include "fnegraph/metrics.h"
#include "fnegraph/net.h"
#include "fnegraph/pipeline.h"
#include "fnegraph/weights.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct run_ctx {
    const fg_sweep_config *cfg;
    const fg_sweep_exec_opts *o;
    fg_sweep_summary *sum;
    fg_results *res;
    int threads;
    fg_weights w;
    bool have_w;
    fg_ff_weights ffw;
    bool have_ffw;
    fg_ff_edges *ff;        /* [cfg->n_k] */
    bool *have_ff;          /* [cfg->n_k] */
    fg_progress prog;
    bool prog_started;
    uint64_t prog_done;
    fg_net_mode_plan mode;  /* the extraction mode as this machine runs it */
    const fg_sweep_rows *rows; /* NULL: the rows are those of res */
    fg_sweep_timeline *tl;  /* NULL: none (--timeline) */
} run_ctx;

/* What is done and where rows go: the results file, or c->rows. */
static bool rows_has_graph(const run_ctx *c, const char *ds, double lo, double hi, double k)
{
    return c->rows ? c->rows->has_graph(c->rows->ctx, ds, lo, hi, k) : fg_results_has_graph(c->res, ds, lo, hi, k);
}

static bool rows_has_run(const run_ctx *c, const char *ds, double lo, double hi, double k, int64_t comm,
                         int64_t seed, const char *variant)
{
    return c->rows ? c->rows->has_run(c->rows->ctx, ds, lo, hi, k, comm, seed, variant, "fluidc")
                   : fg_results_has_run(c->res, ds, lo, hi, k, comm, seed, variant);
}

static bool cancelled(const run_ctx *c)
{
    return c->o->cancel && *c->o->cancel;
}

static bool quiet(void)
{
    return getenv("FNEGRAPH_QUIET") != NULL;
}

static fg_status need_weights(run_ctx *c)
{
    if (c->have_w) return FG_OK;
    double t0 = fg_cli_now();
    fg_status st = fg_weights_load(c->cfg->weights, &c->w);
    if (st != FG_OK) return FG_FAIL(st, "%s: sweep.weights: %s", c->cfg->path, fg_last_error());
    c->have_w = true;
    printf("weights %s (sha256 %.12s...) loaded in %.1f s\n", c->cfg->weights, c->w.sha256, fg_cli_now() - t0);
    fflush(stdout);
    return FG_OK;
}

/* The feature-feature edges of k index kk, made on first use. */
static fg_status need_ff(run_ctx *c, int kk, const fg_ff_edges **out)
{
    fg_status st = FG_OK;
    if (!c->have_ff[kk]) {
        FG_CHECK_GOTO(st, need_weights(c));
        if (!c->have_ffw) {
            FG_CHECK_GOTO(st, fg_ff_weights_aggregate(&c->w, &c->ffw));
            c->have_ffw = true;
        }
        double t0 = fg_cli_now();
        fg_tl_event e = fg_tl_event_init(FG_TL_FF, NULL);
        e.start = fg_sweep_timeline_now(c->tl);
        e.k = c->cfg->k[kk];
        st = fg_ff_edges_compute(&c->ffw, c->cfg->k[kk], &c->ff[kk]);
        e.end = fg_sweep_timeline_now(c->tl);
        e.ok = st == FG_OK;
        fg_sweep_timeline_add(c->tl, &e);
        if (st != FG_OK) goto done;
        c->have_ff[kk] = true;
        printf("feature-feature edges, k = %g: %llu pairs (%.2f s)\n", c->cfg->k[kk],
               (unsigned long long)c->ff[kk].n_pairs, fg_cli_now() - t0);
        fflush(stdout);
    }
    *out = &c->ff[kk];
done:
    return st;
}

static void on_extract_progress(void *ctx, int64_t done, int64_t total)
{
    (void)total;
    fg_progress_update(ctx, (uint64_t)done);
}

/* Make (or resume, or reuse) the FNE cache of one dataset. */
/* The extraction options of dataset d in this sweep (the rest of eo as it was). */
static void extract_opts(const run_ctx *c, const fg_sweep_dataset *d, fg_extract_opts *eo)
{
    const fg_sweep_config *cfg = c->cfg;
    eo->resize = cfg->resize;
    eo->preprocess = cfg->preprocess;
    eo->batch = cfg->batch;
    eo->threads = cfg->threads;
    eo->conv = c->mode.conv;
    eo->precision = c->mode.precision;
    eo->split = fg_split_name(d->split);
    eo->cancel = c->o->cancel;
}

static fg_status ensure_fne(run_ctx *c, const fg_sweep_plan_ds *pd, bool *cached)
{
    const fg_sweep_config *cfg = c->cfg;
    const fg_sweep_dataset *d = pd->cfg;
    fg_status st = FG_OK;
    fg_extract_result er;
    memset(&er, 0, sizeof er);
    fg_extract_opts eo;
    memset(&eo, 0, sizeof eo);
    FG_CHECK_GOTO(st, need_weights(c));
    if (!pd->have_listing) {
        /* the root is absent: the cache must be complete and of this job */
        fg_fne_meta have;
        int64_t rows = 0;
        FG_CHECK_GOTO(st, fg_fne_read_meta(d->fne, &have, &rows)); /* the attributes only, not /fne */
        const fg_fne_meta want = {d->kind,
                                  fg_split_name(d->split),
                                  fg_preprocess_name(cfg->preprocess),
                                  fg_resize_mode_name(cfg->resize),
                                  c->w.sha256,
                                  fg_conv_algo_name(c->mode.conv),
                                  fg_precision_name(c->mode.precision)};
        fg_fne_meta_diff df;
        if (fg_fne_meta_diff_find(&have, &want, FG_FNE_META_ALL, &df))
            st = FG_FAIL(FG_EINVAL,
                         "%s:%d: [dataset %s]: root '%s' does not exist and the cache %s was made by another job "
                         "(%s: '%s', this sweep: '%s')",
                         cfg->path, d->line, d->name, d->root, d->fne, df.what, df.have, df.want);
        else {
            *cached = true;
            printf("[%s] root %s absent: using the complete FNE cache %s (%lld images)\n", d->name, d->root, d->fne,
                   (long long)rows);
        }
        fg_fne_meta_destroy(&have);
        goto done;
    }
    FG_CHECK_GOTO(st, fg_cli_mkdir_parent(d->fne));
    extract_opts(c, d, &eo);
    fg_progress ep;
    fg_progress_start(&ep, "images", (uint64_t)pd->ds.n, 0);
    eo.progress = on_extract_progress;
    eo.progress_ctx = &ep;
    st = fg_extract_run(&pd->ds, &c->w, d->fne, &eo, &er);
    if (er.n_done) fg_progress_finish(&ep);
    if (st == FG_EINTERRUPTED) goto done;
    if (st != FG_OK) {
        st = FG_FAIL(st, "[dataset %s]: extraction into %s: %s", d->name, d->fne, fg_last_error());
        goto done;
    }
    *cached = er.already_complete;
    if (er.already_complete)
        printf("[%s] FNE cache %s complete (%lld images): reused\n", d->name, d->fne, (long long)pd->ds.n);
    else
        printf("[%s] extracted %lld images into %s (%lld resumed, %lld undecodable) in %.1f s, %.2f images/s\n",
               d->name, (long long)pd->ds.n, d->fne, (long long)er.n_resumed, (long long)er.n_failed, er.seconds,
               er.seconds > 0 ? (double)er.n_done / er.seconds : 0.0);
    for (int64_t i = 0; i < er.n_failed; i++) fprintf(stderr, "  skipped: %s\n", er.failed[i]);
done:
    fflush(stdout);
    fg_extract_result_destroy(&er);
    return st;
}

/* One (dataset, lo, hi, k) as the pipeline's graph task runs it: the
 * context of its graph callback and its runs' sink. */
typedef struct graph_job {
    run_ctx *c;
    const fg_sweep_plan_ds *pd;
    double lo, hi, k, t_codes;
    bool have_graph;      /* its row is in the results file already */
    int64_t np;           /* runs to do */
    int64_t impossible;   /* of those, more communities than the component allows */
    bool runs_started;
} graph_job;

/* The graph exists: its row (when missing), its line, then the runs. */
static fg_status on_graph(void *ctx, const fg_graph_summary *sm, double t_build)
{
    graph_job *j = ctx;
    run_ctx *c = j->c;
    const char *name = j->pd->cfg->name;
    if (!j->have_graph) {
        fg_graph_row row;
        memset(&row, 0, sizeof row);
        snprintf(row.dataset, sizeof row.dataset, "%s", name);
        row.lo = j->lo;
        row.hi = j->hi;
        row.k = j->k;
        row.n_images = sm->n_images;
        row.n_vertices = sm->n_vertices;
        row.n_vertices_nonisolated = sm->n_vertices_nonisolated;
        row.n_edges = (int64_t)sm->n_edges;
        row.n_edges_if = (int64_t)sm->n_edges_if;
        row.n_edges_ff = (int64_t)sm->n_edges_ff;
        row.n_components = sm->n_components; /* as `graph --json`: isolated vertices count */
        row.largest_component = sm->largest_component;
        row.largest_component_images = sm->largest_component_images;
        row.seconds_graph = j->t_codes + t_build;
        fg_status st = c->rows ? c->rows->add_graph(c->rows->ctx, &row) : fg_results_add_graph(c->res, &row);
        if (st != FG_OK) return st;
        c->sum->graphs_written++;
    }
    printf("[%s] lo %g hi %g k %g: |V| %u (non-isolated), |E| %llu (%llu image-feature), largest component %u "
           "vertices, %u of %u images; %lld run%s to do\n",
           name, j->lo, j->hi, j->k, sm->n_vertices_nonisolated, (unsigned long long)sm->n_edges,
           (unsigned long long)sm->n_edges_if, sm->largest_component, sm->largest_component_images, sm->n_images,
           (long long)j->np, j->np == 1 ? "" : "s");
    fflush(stdout);
    if (j->np && !c->prog_started) {
        const int64_t total = c->sum->runs_total - c->sum->runs_impossible, before = c->sum->runs_before;
        fg_progress_start(&c->prog, "runs", (uint64_t)total, (uint64_t)before);
        c->prog_done = (uint64_t)before;
        c->prog_started = true;
    }
    j->runs_started = true;
    return FG_OK;
}

/* One run ended (called one at a time): its row, appended and flushed. */
static fg_status on_run(void *ctx, fg_cluster_outcome *o)
{
    graph_job *j = ctx;
    run_ctx *c = j->c;
    if (!o->possible) {
        j->impossible++;
        return FG_OK;
    }
    fg_run_row row;
    fg_run_row_init(&row);
    snprintf(row.dataset, sizeof row.dataset, "%s", j->pd->cfg->name);
    row.lo = j->lo;
    row.hi = j->hi;
    row.k = j->k;
    row.communities = o->run.communities;
    row.seed = (int64_t)o->run.seed;
    snprintf(row.variant, sizeof row.variant, "%s", fg_fluid_variant_name(c->cfg->variant));
    row.n_images_scored = o->component->n_images;
    row.n_images_outside = o->component->n_images_outside;
    row.sweeps = o->sweeps;
    row.converged = o->converged;
    memcpy(row.nmi, o->scores.nmi, sizeof row.nmi);
    memcpy(row.ami, o->scores.ami, sizeof row.ami);
    row.seconds_fluidc = o->seconds_fluidc;
    row.seconds_score = o->seconds_score;
    fg_status st = c->rows ? c->rows->add_run(c->rows->ctx, &row) : fg_results_add_run(c->res, &row);
    if (st != FG_OK) return st;
    c->sum->runs_written++;
    fg_progress_update(&c->prog, ++c->prog_done);
    return FG_OK;
}

/* One (dataset, lo, hi, k): graph row, then the runs still missing, in
 * parallel over the threads (the pipeline's graph task). */
static fg_status do_graph(run_ctx *c, const fg_sweep_plan_ds *pd, const fg_fne *fne, const fg_codes *codes,
                          double t_codes, int t, int kk, int64_t *runs)
{
    const fg_sweep_config *cfg = c->cfg;
    graph_job j = {c, pd, cfg->lo[t], cfg->hi[t], cfg->k[kk], t_codes, false, 0, 0, false};
    const char *name = pd->cfg->name;
    fg_status st = FG_OK;
    fg_cluster_run *pr = NULL;
    j.have_graph = rows_has_graph(c, name, j.lo, j.hi, j.k);

    pr = fg_alloc((size_t)(pd->n_comm * cfg->n_seeds) + 1, sizeof *pr);
    if (!pr) return FG_FAIL(FG_ENOMEM, "run list");
    for (int ci = 0; ci < pd->n_comm; ci++)
        for (int s = 0; s < cfg->n_seeds; s++)
            if (!rows_has_run(c, name, j.lo, j.hi, j.k, pd->comm[ci], cfg->seeds[s],
                              fg_fluid_variant_name(cfg->variant)))
                pr[j.np++] = (fg_cluster_run){pd->comm[ci], (uint64_t)cfg->seeds[s]};
    *runs = j.np;
    if (j.have_graph && j.np == 0) goto done;

    const fg_ff_edges *ff = NULL;
    FG_CHECK_GOTO(st, need_ff(c, kk, &ff));
    const fg_graph_task task = {.codes = codes,
                                .ff = ff,
                                .labels = fne->label,
                                .runs = pr,
                                .n_runs = cancelled(c) ? 0 : j.np,
                                .cluster = {.variant = cfg->variant,
                                            .max_iter = (uint32_t)cfg->max_iter,
                                            .threads = c->threads,
                                            .what = pd->cfg->fne,
                                            .cancel = c->o->cancel},
                                .on_graph = on_graph};
    fg_graph_task_result tr;
    st = fg_graph_task_run(&task, on_run, &j, &tr);
    if (j.impossible) {
        c->sum->runs_impossible += j.impossible;
        c->prog.total -= (uint64_t)j.impossible;
        fprintf(stderr,
                "fnegraph sweep: [%s] lo %g hi %g k %g: %lld run%s not possible: more communities than the %u image "
                "vertices of the largest component (variant %s)\n",
                name, j.lo, j.hi, j.k, (long long)j.impossible, j.impossible == 1 ? "" : "s", tr.component.n_images,
                fg_fluid_variant_name(cfg->variant));
    }
    if (st == FG_EINTERRUPTED && cancelled(c)) st = FG_OK; /* the caller sees the cancel and stops */
    else if (st != FG_OK && j.runs_started)
        st = FG_FAIL(st, "[dataset %s] lo %g hi %g k %g %s", name, j.lo, j.hi, j.k, fg_last_error());
done:
    fg_free(pr);
    return st;
}

/* ensure_fne and do_graph, each an event of the timeline (when there is one) */
static fg_status timed_extract(run_ctx *c, const fg_sweep_plan_ds *pd)
{
    fg_tl_event e = fg_tl_event_init(FG_TL_EXTRACT, pd->cfg->name);
    e.start = fg_sweep_timeline_now(c->tl);
    e.images = pd->have_listing ? pd->ds.n : 0;
    fg_status st = ensure_fne(c, pd, &e.cached);
    e.end = fg_sweep_timeline_now(c->tl);
    e.ok = st == FG_OK;
    fg_sweep_timeline_add(c->tl, &e);
    return st;
}

static fg_status timed_graph(run_ctx *c, const fg_sweep_plan_ds *pd, const fg_fne *fne, const fg_codes *codes,
                             double t_codes, int t, int kk)
{
    fg_tl_event e = fg_tl_event_init(FG_TL_GRAPH, pd->cfg->name);
    e.start = fg_sweep_timeline_now(c->tl);
    e.lo = c->cfg->lo[t];
    e.hi = c->cfg->hi[t];
    e.k = c->cfg->k[kk];
    fg_status st = do_graph(c, pd, fne, codes, t_codes, t, kk, &e.runs);
    e.end = fg_sweep_timeline_now(c->tl);
    e.ok = st == FG_OK && !cancelled(c);
    if (e.runs || !e.ok) fg_sweep_timeline_add(c->tl, &e); /* a task with nothing to do is no event */
    return st;
}

/* The FNE's load (read + statistics) and one threshold pair's codes, as events. */
void fg_sweep_i_timed(run_ctx *c, fg_tl_kind kind, const char *dataset, double start, int64_t images, double lo,
                      double hi, bool ok)
{
    if (!c->tl) return;
    fg_tl_event e = fg_tl_event_init(kind, dataset);
    e.start = start;
    e.end = fg_sweep_timeline_now(c->tl);
    e.images = images;
    e.lo = lo;
    e.hi = hi;
    e.ok = ok;
    fg_sweep_timeline_add(c->tl, &e);
}

double fg_sweep_i_tl_now(const run_ctx *c)
{
    return fg_sweep_timeline_now(c->tl);
}

void fg_sweep_i_kmeans_ctx(run_ctx *c, fg_sweep_kmeans_ctx *kc)
{
    *kc = (fg_sweep_kmeans_ctx){c->cfg, c->res, c->sum, c->o->cancel, &c->prog, &c->prog_started, &c->prog_done,
                                c->rows};
}

void fg_sweep_i_set_timeline(run_ctx *c, fg_sweep_timeline *tl)
{
    c->tl = tl;
}

/* Does any row of (dataset, threshold t) still need work? */
static bool threshold_pending(const run_ctx *c, const fg_sweep_plan_ds *pd, int t)
{
    const fg_sweep_config *cfg = c->cfg;
    if (c->res) { /* k-means rows: a serial sweep only (cmd_sweep.c refuses them under --part and mpirun) */
        const fg_sweep_kmeans_ctx kc = {cfg, c->res, c->sum, c->o->cancel, NULL, NULL, NULL, NULL};
        if (fg_sweep_kmeans_pending(&kc, pd, FG_METHOD_KMEANS_TERNARY, t)) return true;
    }
    for (int kk = 0; kk < cfg->n_k && fg_sweep_has_method(cfg, FG_METHOD_FLUIDC); kk++) {
        if (!rows_has_graph(c, pd->cfg->name, cfg->lo[t], cfg->hi[t], cfg->k[kk])) return true;
        for (int ci = 0; ci < pd->n_comm; ci++)
            for (int s = 0; s < cfg->n_seeds; s++)
                if (!rows_has_run(c, pd->cfg->name, cfg->lo[t], cfg->hi[t], cfg->k[kk], pd->comm[ci],
                                  cfg->seeds[s], fg_fluid_variant_name(cfg->variant)))
                    return true;
    }
    return false;
}

static fg_status do_dataset(run_ctx *c, const fg_sweep_plan_ds *pd)
{
    fg_status st = FG_OK;
    fg_fne fne;
    memset(&fne, 0, sizeof fne);
    fg_fne_stats stats;
    memset(&stats, 0, sizeof stats);
    fg_codes codes;
    memset(&codes, 0, sizeof codes);

    printf("[%s] %s dataset, root %s, split %s, %d classes: %lld of %lld runs to do\n", pd->cfg->name, pd->cfg->kind,
           pd->cfg->root, fg_split_name(pd->cfg->split), pd->n_classes,
           (long long)(pd->runs_total - pd->runs_done), (long long)pd->runs_total);
    FG_CHECK_GOTO(st, timed_extract(c, pd));
    if (cancelled(c)) goto done;
    double t0 = fg_cli_now(), e0 = fg_sweep_timeline_now(c->tl);
    st = fg_fne_read(pd->cfg->fne, &fne);
    if (st != FG_OK) {
        fg_sweep_i_timed(c, FG_TL_LOAD, pd->cfg->name, e0, 0, NAN, NAN, false);
        goto done;
    }
    if (fne.n < 1) {
        st = FG_FAIL(FG_EINVAL, "[dataset %s]: %s holds no image", pd->cfg->name, pd->cfg->fne);
        goto done;
    }
    const double t_read = fg_cli_now() - t0;
    t0 = fg_cli_now();
    st = fg_fne_stats_compute(fne.x, fne.n, FG_FNE_DIM, NULL, 0, (const char *const *)fne.path, &stats);
    if (st != FG_OK) {
        st = FG_FAIL(st, "[dataset %s]: FNE file %s: %s", pd->cfg->name, pd->cfg->fne, fg_last_error());
        goto done;
    }
    const double t_stats = fg_cli_now() - t0;
    fg_sweep_i_timed(c, FG_TL_LOAD, pd->cfg->name, e0, fne.n, NAN, NAN, true);
    if (!quiet())
        fprintf(stderr, "[%s] FNE %lld x %d read in %.2f s, statistics %.2f s\n", pd->cfg->name, (long long)fne.n,
                FG_FNE_DIM, t_read, t_stats);
    /* the k-means baselines need no graph (sweep_kmeans.c) */
    fg_sweep_kmeans_ctx kc;
    fg_sweep_i_kmeans_ctx(c, &kc);
    FG_CHECK_GOTO(st, fg_sweep_kmeans_standardized(&kc, pd, &fne, &stats));
    for (int t = 0; t < c->cfg->n_thresholds && !cancelled(c); t++) {
        if (!threshold_pending(c, pd, t)) continue;
        t0 = fg_cli_now();
        e0 = fg_sweep_timeline_now(c->tl);
        st = fg_codes_ternarize(fne.x, fne.n, FG_FNE_DIM, &stats, c->cfg->lo[t], c->cfg->hi[t],
                                (const char *const *)fne.path, &codes);
        fg_sweep_i_timed(c, FG_TL_CODES, pd->cfg->name, e0, fne.n, c->cfg->lo[t], c->cfg->hi[t], st == FG_OK);
        if (st != FG_OK) {
            st = FG_FAIL(st, "[dataset %s]: FNE file %s: %s", pd->cfg->name, pd->cfg->fne, fg_last_error());
            goto done;
        }
        const double t_codes = t_stats + fg_cli_now() - t0;
        FG_CHECK_GOTO(st, fg_sweep_kmeans_ternary(&kc, pd, &fne, &codes, t));
        for (int kk = 0; kk < c->cfg->n_k && !cancelled(c) && fg_sweep_has_method(c->cfg, FG_METHOD_FLUIDC); kk++)
            FG_CHECK_GOTO(st, timed_graph(c, pd, &fne, &codes, t_codes, t, kk));
        fg_codes_destroy(&codes);
    }
done:
    fg_codes_destroy(&codes);
    fg_fne_stats_destroy(&stats);
    fg_fne_destroy(&fne);
    return st;
}

fg_status fg_sweep_execute(const fg_sweep_config *cfg, const fg_sweep_exec_opts *o, fg_sweep_summary *sum)
{
    static const fg_sweep_exec_opts none = {.dry_run = false};
    if (!o) o = &none;
    memset(sum, 0, sizeof *sum);
    fg_status st = FG_OK;
    fg_sweep_plan plan;
    memset(&plan, 0, sizeof plan);
    run_ctx c;
    memset(&c, 0, sizeof c);
    c.cfg = cfg;
    c.o = o;
    c.sum = sum;
    c.threads = cfg->threads > 0 ? cfg->threads : omp_get_max_threads();
    if (cfg->threads > 0) omp_set_num_threads(cfg->threads);
    c.ff = fg_calloc((size_t)cfg->n_k + 1, sizeof *c.ff);
    c.have_ff = fg_calloc((size_t)cfg->n_k + 1, sizeof *c.have_ff);
    if (!c.ff || !c.have_ff) {
        st = FG_FAIL(FG_ENOMEM, "%s: the feature-feature edges of %d values of k", cfg->path, cfg->n_k);
        goto done;
    }

    struct stat sb;
    const bool exists = stat(cfg->out, &sb) == 0;
    if (o->dry_run) {
        /* read-only: a plan never creates or changes the results file */
        if (exists) FG_CHECK_GOTO(st, fg_results_open_read(cfg->out, &c.res));
        st = fg_sweep_plan_make(cfg, c.res, &plan);
        fg_sweep_plan_print(cfg, &plan);
        goto done;
    }
    /* every dataset readable before the results file is even created */
    st = fg_sweep_plan_make(cfg, NULL, &plan);
    if (st != FG_OK) {
        int n_bad = 0;
        for (int i = 0; i < plan.n; i++) n_bad += plan.d[i].error[0] != 0;
        if (n_bad > 1) /* one message cannot hold them all */
            for (int i = 0; i < plan.n; i++)
                if (plan.d[i].error[0]) fprintf(stderr, "fnegraph sweep: %s\n", plan.d[i].error);
        goto done;
    }
    /* the extraction mode, said before any work (as `extract` does) */
    const fg_conv_algo conv = cfg->conv;
    const fg_precision prec = cfg->precision;
    st = fg_net_check_mode(conv, prec, &c.mode);
    if (st != FG_OK) {
        st = FG_FAIL(st, "%s: conv = %s, precision = %s: %s", cfg->path, fg_conv_algo_name(conv),
                     fg_precision_name(prec), fg_last_error());
        goto done;
    }
    if (c.mode.warning[0]) fprintf(stderr, "fnegraph sweep: warning: %s\n", c.mode.warning);
    if (o->timeline) FG_CHECK_GOTO(st, fg_sweep_timeline_open(o->timeline, &c.tl));
    FG_CHECK_GOTO(st, fg_cli_mkdir_parent(cfg->out));
    char impl[2048];
    fg_results_attrs attrs;
    fg_sweep_i_attrs(cfg, &c.mode, c.threads, impl, sizeof impl, &attrs);
    FG_CHECK_GOTO(st, fg_results_open(cfg->out, &attrs, &c.res));
    fg_sweep_plan_count(cfg, c.res, &plan);
    for (int i = 0; i < plan.n; i++) {
        sum->runs_total += plan.d[i].runs_total;
        sum->runs_before += plan.d[i].runs_done;
        sum->graphs_total += plan.d[i].graphs_total;
        sum->graphs_before += plan.d[i].graphs_done;
    }
    printf("sweep %s: %d dataset%s, %lld graphs (%lld done), %lld runs (%lld done), %d thread%s, extraction "
           "%s/%s; results %s\n",
           cfg->path, plan.n, plan.n == 1 ? "" : "s", (long long)sum->graphs_total, (long long)sum->graphs_before,
           (long long)sum->runs_total, (long long)sum->runs_before, c.threads, c.threads == 1 ? "" : "s",
           fg_conv_algo_name(c.mode.conv), fg_precision_name(c.mode.precision), cfg->out);
    fflush(stdout);
    for (int i = 0; i < plan.n && !cancelled(&c); i++) {
        const fg_sweep_plan_ds *pd = &plan.d[i];
        if (pd->runs_done == pd->runs_total && pd->graphs_done == pd->graphs_total) {
            printf("[%s] all %lld runs already in %s\n", pd->cfg->name, (long long)pd->runs_total, cfg->out);
            continue;
        }
        st = do_dataset(&c, pd);
        if (st == FG_EINTERRUPTED) st = FG_OK;
        if (st != FG_OK) goto done;
    }
    if (c.prog_started) fg_progress_finish(&c.prog);
done:
    sum->interrupted = cancelled(&c);
    fg_results_close(c.res);
    fg_sweep_plan_destroy(&plan);
    if (c.tl) {
        const fg_tl_info ti = {cfg->path, 1, c.threads, fg_sweep_i_hostname(), -1, 0};
        fg_sweep_timeline_set_info(c.tl, &ti);
        fg_status ts = fg_sweep_timeline_close(c.tl);
        if (st == FG_OK) st = ts;
    }
    for (int kk = 0; c.have_ff && kk < cfg->n_k; kk++)
        if (c.have_ff[kk]) fg_ff_edges_destroy(&c.ff[kk]);
    fg_free(c.ff);
    fg_free(c.have_ff);
    if (c.have_ffw) fg_ff_weights_destroy(&c.ffw);
    if (c.have_w) fg_weights_destroy(&c.w);
    return st;
}

/* ---- the pieces for --part and mpirun (sweep_run_i.h) ---- */

const char *fg_sweep_i_hostname(void)
{
    static char host[256];
    if (gethostname(host, sizeof host - 1) != 0) snprintf(host, sizeof host, "unknown");
    return host;
}

void fg_sweep_i_attrs(const fg_sweep_config *cfg, const fg_net_mode_plan *mode, int threads, char *impl, size_t n,
                      fg_results_attrs *out)
{
    static fg_build_info bi;
    const char *host = fg_sweep_i_hostname();
    fg_build_info_get(&bi);
    impl[0] = '\0';
    fg_net *plan_net = NULL;
    fg_net_opts no = {.batch = cfg->batch, .conv = cfg->conv, .precision = cfg->precision, .plan_only = true};
    if (fg_net_create(NULL, &no, &plan_net) == FG_OK) fg_net_impl_string(plan_net, impl, n);
    fg_net_destroy(plan_net);
    *out = (fg_results_attrs){cfg->text,
                              FNEGRAPH_GIT_COMMIT,
                              fg_cpu_model(),
                              bi.onednn_isa,
                              fg_isa_name(fg_cpu_isa()),
                              threads,
                              fg_conv_algo_name(mode->conv),
                              fg_precision_name(mode->precision),
                              impl,
                              1,
                              threads,
                              host};
}

fg_status fg_sweep_i_ctx_new(const fg_sweep_config *cfg, const fg_sweep_exec_opts *o, fg_sweep_summary *sum,
                             fg_results *res, const fg_sweep_rows *rows, bool progress, run_ctx **out)
{
    *out = NULL;
    run_ctx *c = fg_calloc(1, sizeof *c);
    if (!c) return FG_FAIL(FG_ENOMEM, "%s: the sweep's state", cfg->path);
    c->cfg = cfg;
    c->o = o;
    c->sum = sum;
    c->res = res;
    c->rows = rows;
    c->threads = cfg->threads > 0 ? cfg->threads : omp_get_max_threads();
    if (cfg->threads > 0) omp_set_num_threads(cfg->threads);
    if (!progress) { /* another process (rank 0) prints the progress */
        c->prog.quiet = true;
        c->prog_started = true;
    }
    c->ff = fg_calloc((size_t)cfg->n_k + 1, sizeof *c->ff);
    c->have_ff = fg_calloc((size_t)cfg->n_k + 1, sizeof *c->have_ff);
    fg_status st = FG_OK;
    if (!c->ff || !c->have_ff)
        st = FG_FAIL(FG_ENOMEM, "%s: the feature-feature edges of %d values of k", cfg->path, cfg->n_k);
    else if ((st = fg_net_check_mode(cfg->conv, cfg->precision, &c->mode)) != FG_OK)
        st = FG_FAIL(st, "%s: conv = %s, precision = %s: %s", cfg->path, fg_conv_algo_name(cfg->conv),
                     fg_precision_name(cfg->precision), fg_last_error());
    if (st != FG_OK) {
        fg_sweep_i_ctx_free(c);
        return st;
    }
    *out = c;
    return FG_OK;
}

void fg_sweep_i_ctx_free(run_ctx *c)
{
    if (!c) return;
    if (c->prog_started && !c->prog.quiet) fg_progress_finish(&c->prog);
    for (int kk = 0; c->have_ff && kk < c->cfg->n_k; kk++)
        if (c->have_ff[kk]) fg_ff_edges_destroy(&c->ff[kk]);
    fg_free(c->ff);
    fg_free(c->have_ff);
    if (c->have_ffw) fg_ff_weights_destroy(&c->ffw);
    if (c->have_w) fg_weights_destroy(&c->w);
    fg_free(c);
}

int fg_sweep_i_threads(const run_ctx *c)
{
    return c->threads;
}

const fg_net_mode_plan *fg_sweep_i_mode(const run_ctx *c)
{
    return &c->mode;
}

fg_status fg_sweep_i_extract(run_ctx *c, const fg_sweep_plan_ds *pd)
{
    return timed_extract(c, pd);
}

fg_status fg_sweep_i_graph(run_ctx *c, const fg_sweep_plan_ds *pd, const fg_fne *fne, const fg_codes *codes,
                           double t_codes, int t, int kk)
{
    return timed_graph(c, pd, fne, codes, t_codes, t, kk);
}

fg_status fg_sweep_i_extract_range(run_ctx *c, const fg_sweep_plan_ds *pd, const char *path, int64_t first,
                                   int64_t count)
{
    const fg_sweep_dataset *d = pd->cfg;
    fg_status st = need_weights(c);
    if (st != FG_OK) return st;
    if ((st = fg_cli_mkdir_parent(path)) != FG_OK) return st;
    fg_extract_opts eo;
    memset(&eo, 0, sizeof eo);
    extract_opts(c, d, &eo);
    eo.first = first;
    eo.count = count;
    fg_extract_result er;
    memset(&er, 0, sizeof er);
    st = fg_extract_run(&pd->ds, &c->w, path, &eo, &er);
    if (st == FG_OK)
        printf("[%s] images %lld-%lld extracted into %s (%lld resumed, %lld undecodable) in %.1f s\n", d->name,
               (long long)first, (long long)(first + count - 1), path, (long long)er.n_resumed,
               (long long)er.n_failed, er.seconds);
    else if (st != FG_EINTERRUPTED)
        st = FG_FAIL(st, "[dataset %s]: extraction of images %lld-%lld into %s: %s", d->name, (long long)first,
                     (long long)(first + count - 1), path, fg_last_error());
    for (int64_t i = 0; i < er.n_failed; i++) fprintf(stderr, "  skipped: %s\n", er.failed[i]);
    fflush(stdout);
    fg_extract_result_destroy(&er);
    return st;
}
