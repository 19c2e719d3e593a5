/* The sweep's k-means runs (sweep_kmeans.h). Loop: (communities, seed) ->
 * one k-means run (parallel inside: oneDNN products, OpenMP assignment and
 * update) -> its row under each grid cell that lacks it. */
#include "sweep_kmeans.h"

#include "kmeans_job.h"

#include "fnegraph/community.h"
#include "fnegraph/mem.h"
#include "fnegraph/vgg16.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool cancelled(const fg_sweep_kmeans_ctx *kc)
{
    return kc->cancel && *kc->cancel;
}

/* The grid cells (t, kk) a run of method m at (c, s) is written under:
 * kmeans every cell, kmeans-ternary the cells of threshold t0. */
static bool cell_of(fg_method m, int t0, int t)
{
    return m == FG_METHOD_KMEANS || t == t0;
}

static bool missing(const fg_sweep_kmeans_ctx *kc, const fg_sweep_plan_ds *pd, fg_method m, int t, int kk, int64_t comm,
                    int64_t seed)
{
    const fg_sweep_config *cfg = kc->cfg;
    const char *variant = fg_fluid_variant_name(cfg->variant);
    if (kc->rows)
        return !kc->rows->has_run(kc->rows->ctx, pd->cfg->name, cfg->lo[t], cfg->hi[t], cfg->k[kk], comm, seed,
                                  variant, fg_method_name(m));
    return !fg_results_has_run_method(kc->res, pd->cfg->name, cfg->lo[t], cfg->hi[t], cfg->k[kk], comm, seed,
                                      variant, fg_method_name(m));
}

bool fg_sweep_kmeans_run_missing(const fg_sweep_kmeans_ctx *kc, const fg_sweep_plan_ds *pd, fg_method m, int t0,
                                 int64_t comm, int64_t seed)
{
    const fg_sweep_config *cfg = kc->cfg;
    for (int t = 0; t < cfg->n_thresholds; t++)
        for (int kk = 0; cell_of(m, t0, t) && kk < cfg->n_k; kk++)
            if (missing(kc, pd, m, t, kk, comm, seed)) return true;
    return false;
}

bool fg_sweep_kmeans_pending(const fg_sweep_kmeans_ctx *kc, const fg_sweep_plan_ds *pd, fg_method m, int t)
{
    if (!fg_sweep_has_method(kc->cfg, m)) return false;
    for (int ci = 0; ci < pd->n_comm; ci++)
        for (int s = 0; s < kc->cfg->n_seeds; s++)
            if (fg_sweep_kmeans_run_missing(kc, pd, m, t, pd->comm[ci], kc->cfg->seeds[s])) return true;
    return false;
}

void fg_sweep_kmeans_count(const fg_sweep_config *cfg, const fg_results *res, const fg_sweep_plan_ds *pd, fg_method m,
                           int t0, int64_t *total, int64_t *done)
{
    *total = *done = 0;
    for (int t = 0; t < cfg->n_thresholds; t++)
        for (int kk = 0; cell_of(m, t0, t) && kk < cfg->n_k; kk++)
            for (int ci = 0; ci < pd->n_comm; ci++)
                for (int s = 0; s < cfg->n_seeds; s++) {
                    ++*total;
                    *done += fg_results_has_run_method(res, pd->cfg->name, cfg->lo[t], cfg->hi[t], cfg->k[kk],
                                                       pd->comm[ci], cfg->seeds[s], fg_fluid_variant_name(cfg->variant),
                                                       fg_method_name(m));
                }
}

static void progress_step(const fg_sweep_kmeans_ctx *kc)
{
    if (!*kc->prog_started) {
        const int64_t total = kc->sum->runs_total - kc->sum->runs_impossible;
        fg_progress_start(kc->prog, "runs", (uint64_t)total, (uint64_t)kc->sum->runs_before);
        *kc->prog_done = (uint64_t)kc->sum->runs_before;
        *kc->prog_started = true;
    }
    fg_progress_update(kc->prog, ++*kc->prog_done);
}

/* Every (communities, seed) of method m on x (the ternary codes of
 * threshold t0, or the standardized FNE), each row under its cells. */
static fg_status runs_of(const fg_sweep_kmeans_ctx *kc, const fg_sweep_plan_ds *pd, const fg_fne *fne, fg_method m,
                         int t0, const float *x, double sec_input)
{
    const fg_sweep_config *cfg = kc->cfg;
    const char *name = pd->cfg->name;
    fg_status st = FG_OK;
    int64_t impossible = 0;
    for (int ci = 0; ci < pd->n_comm && !cancelled(kc); ci++)
        for (int s = 0; s < cfg->n_seeds && !cancelled(kc); s++) {
            const int64_t comm = pd->comm[ci], seed = cfg->seeds[s];
            if (!fg_sweep_kmeans_run_missing(kc, pd, m, t0, comm, seed)) continue;
            int n_cells = 0;
            for (int t = 0; t < cfg->n_thresholds; t++)
                for (int kk = 0; cell_of(m, t0, t) && kk < cfg->n_k; kk++)
                    n_cells += missing(kc, pd, m, t, kk, comm, seed);
            if (comm > fne->n) {
                impossible += n_cells;
                continue;
            }
            fg_kmeans_opts o = fg_kmeans_opts_default(comm, (uint64_t)seed);
            o.restarts = cfg->restarts;
            o.max_iter = cfg->kmeans_max_iter;
            o.what = pd->cfg->fne;
            fg_km_scored r;
            st = fg_km_run_scored(x, fne->n, FG_FNE_DIM, fne->label, &o, &r);
            if (st != FG_OK)
                return FG_FAIL(st, "[dataset %s] %s communities %lld seed %lld: %s", name, fg_method_name(m),
                               (long long)comm, (long long)seed, fg_last_error());
            fg_run_row row;
            fg_run_row_init(&row);
            snprintf(row.dataset, sizeof row.dataset, "%s", name);
            row.communities = comm;
            row.seed = seed;
            snprintf(row.variant, sizeof row.variant, "%s", fg_fluid_variant_name(cfg->variant));
            row.n_images_scored = fne->n;
            row.sweeps = r.km.iterations;
            row.converged = r.km.converged;
            memcpy(row.nmi, r.scores.nmi, sizeof row.nmi);
            memcpy(row.ami, r.scores.ami, sizeof row.ami);
            row.seconds_score = r.seconds_score;
            snprintf(row.method, sizeof row.method, "%s", fg_method_name(m));
            row.inertia = r.km.inertia;
            row.restarts = cfg->restarts;
            row.seconds_kmeans = r.km.seconds_seed + r.km.seconds_lloyd + sec_input;
            for (int t = 0; st == FG_OK && t < cfg->n_thresholds; t++)
                for (int kk = 0; st == FG_OK && cell_of(m, t0, t) && kk < cfg->n_k; kk++) {
                    if (!missing(kc, pd, m, t, kk, comm, seed)) continue;
                    row.lo = cfg->lo[t];
                    row.hi = cfg->hi[t];
                    row.k = cfg->k[kk];
                    st = kc->rows ? kc->rows->add_run(kc->rows->ctx, &row) : fg_results_add_run(kc->res, &row);
                    if (st == FG_OK) {
                        kc->sum->runs_written++;
                        progress_step(kc);
                    }
                }
            {
                printf("[%s] %s", name, fg_method_name(m));
                if (m == FG_METHOD_KMEANS_TERNARY) printf(" lo %g hi %g", cfg->lo[t0], cfg->hi[t0]);
                printf(" communities %lld seed %lld: %d iterations, inertia %.6g, NMI %.4f, AMI %.4f (%.2f s); "
                       "%d row%s\n",
                       (long long)comm, (long long)seed, r.km.iterations, r.km.inertia,
                       r.scores.nmi[FG_NORM_ARITHMETIC], r.scores.ami[FG_NORM_ARITHMETIC],
                       r.km.seconds_seed + r.km.seconds_lloyd, n_cells, n_cells == 1 ? "" : "s");
                fflush(stdout);
            }
            fg_km_scored_destroy(&r);
            if (st != FG_OK) return st;
        }
    if (impossible) {
        kc->sum->runs_impossible += impossible;
        if (*kc->prog_started) kc->prog->total -= (uint64_t)impossible; /* else its start counts them */
        fprintf(stderr, "fnegraph sweep: [%s] %s: %lld run%s not possible: more clusters than the %lld images\n",
                name, fg_method_name(m), (long long)impossible, impossible == 1 ? "" : "s", (long long)fne->n);
    }
    return FG_OK;
}

fg_status fg_sweep_kmeans_standardized(const fg_sweep_kmeans_ctx *kc, const fg_sweep_plan_ds *pd, const fg_fne *fne,
                                       const fg_fne_stats *stats)
{
    if (!fg_sweep_kmeans_pending(kc, pd, FG_METHOD_KMEANS, 0) || cancelled(kc)) return FG_OK;
    float *z = NULL;
    double t_std = 0, t_tern = 0;
    fg_status st = fg_km_input(FG_METHOD_KMEANS, fne->x, fne->n, FG_FNE_DIM, (const char *const *)fne->path, stats,
                               0, 0, &z, &t_std, &t_tern);
    if (st != FG_OK) return FG_FAIL(st, "[dataset %s]: %s", pd->cfg->name, fg_last_error());
    st = runs_of(kc, pd, fne, FG_METHOD_KMEANS, 0, z, t_std);
    fg_free(z);
    return st;
}

fg_status fg_sweep_kmeans_ternary(const fg_sweep_kmeans_ctx *kc, const fg_sweep_plan_ds *pd, const fg_fne *fne,
                                  const fg_codes *codes, int t)
{
    if (!fg_sweep_kmeans_pending(kc, pd, FG_METHOD_KMEANS_TERNARY, t) || cancelled(kc)) return FG_OK;
    float *x = NULL;
    fg_status st = fg_kmeans_ternary(codes, &x);
    if (st != FG_OK) return FG_FAIL(st, "[dataset %s]: %s", pd->cfg->name, fg_last_error());
    st = runs_of(kc, pd, fne, FG_METHOD_KMEANS_TERNARY, t, x, 0);
    fg_free(x);
    return st;
}
