/* A sweep worker: graph tasks in any order, reusing what is loaded (see
 * sweep_worker.h). The loading is that of the serial runner's do_dataset:
 * the FNE, its statistics, then the codes of a threshold pair. */
#include "sweep_worker.h"
#include "sweep_kmeans.h"

#include "cli.h"
#include "fnegraph/community.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t graph_units(const fg_sweep_config *cfg)
{
    return fg_sweep_has_method(cfg, FG_METHOD_FLUIDC) ? (int64_t)cfg->n_datasets * cfg->n_thresholds * cfg->n_k : 0;
}

/* k-means units a dataset: kmeans, then kmeans-ternary of each threshold */
static int kmeans_units(const fg_sweep_config *cfg)
{
    return fg_sweep_has_method(cfg, FG_METHOD_KMEANS) +
           (fg_sweep_has_method(cfg, FG_METHOD_KMEANS_TERNARY) ? cfg->n_thresholds : 0);
}

int64_t fg_sweep_units_count(const fg_sweep_config *cfg)
{
    return graph_units(cfg) + (int64_t)cfg->n_datasets * kmeans_units(cfg);
}

fg_method fg_sweep_unit_keys(const fg_sweep_config *cfg, int64_t u, int *di, int *t, int *kk)
{
    const int64_t ng = graph_units(cfg);
    if (u < ng) {
        *kk = (int)(u % cfg->n_k);
        u /= cfg->n_k;
        *t = (int)(u % cfg->n_thresholds);
        *di = (int)(u / cfg->n_thresholds);
        return FG_METHOD_FLUIDC;
    }
    u -= ng;
    const int per = kmeans_units(cfg);
    *di = (int)(u / per);
    int j = (int)(u % per);
    *kk = -1;
    if (fg_sweep_has_method(cfg, FG_METHOD_KMEANS)) {
        if (j == 0) {
            *t = -1;
            return FG_METHOD_KMEANS;
        }
        j--;
    }
    *t = j;
    return FG_METHOD_KMEANS_TERNARY;
}

void fg_sweep_worker_init(fg_sweep_worker *w, run_ctx *c, const fg_sweep_config *cfg, const fg_sweep_plan *plan)
{
    memset(w, 0, sizeof *w);
    w->c = c;
    w->cfg = cfg;
    w->plan = plan;
    w->di = w->t = -1;
}

static void unload_codes(fg_sweep_worker *w)
{
    fg_codes_destroy(&w->codes);
    memset(&w->codes, 0, sizeof w->codes);
    w->t = -1;
}

static void unload(fg_sweep_worker *w)
{
    unload_codes(w);
    fg_fne_stats_destroy(&w->stats);
    memset(&w->stats, 0, sizeof w->stats);
    fg_fne_destroy(&w->fne);
    memset(&w->fne, 0, sizeof w->fne);
    w->di = -1;
}

void fg_sweep_worker_release(fg_sweep_worker *w)
{
    unload(w);
}

fg_status fg_sweep_worker_extract(fg_sweep_worker *w, int di)
{
    const fg_sweep_plan_ds *pd = &w->plan->d[di];
    bool said = false;
    for (;;) {
        fg_status st = fg_sweep_i_extract(w->c, pd);
        if (st != FG_EIO || !strstr(fg_last_error(), "in use by another process")) return st;
        /* another process (another --part, another rank's job) writes this
         * cache: when it is done the cache is complete and reused here */
        if (!said) {
            fprintf(stderr, "fnegraph sweep: [%s] waiting for the FNE cache: %s\n", pd->cfg->name, fg_last_error());
            said = true;
        }
        struct timespec ts = {2, 0};
        nanosleep(&ts, NULL);
    }
}

/* Dataset di's FNE and statistics loaded, and (t >= 0) the codes of threshold t. */
static fg_status load(fg_sweep_worker *w, int di, int t)
{
    const fg_sweep_plan_ds *pd = &w->plan->d[di];
    const char *name = pd->cfg->name, *path = pd->cfg->fne;
    fg_status st = FG_OK;
    if (w->di != di) {
        unload(w);
        double t0 = fg_cli_now();
        const double e0 = fg_sweep_i_tl_now(w->c);
        FG_CHECK_GOTO(st, fg_fne_read(path, &w->fne));
        w->di = di; /* from here unload() frees what is loaded */
        if (w->fne.n < 1) {
            st = FG_FAIL(FG_EINVAL, "[dataset %s]: %s holds no image", name, path);
            goto done;
        }
        const double t_read = fg_cli_now() - t0;
        t0 = fg_cli_now();
        st = fg_fne_stats_compute(w->fne.x, w->fne.n, FG_FNE_DIM, NULL, 0, (const char *const *)w->fne.path,
                                  &w->stats);
        if (st != FG_OK) {
            st = FG_FAIL(st, "[dataset %s]: FNE file %s: %s", name, path, fg_last_error());
            goto done;
        }
        w->t_stats = fg_cli_now() - t0;
        fg_sweep_i_timed(w->c, FG_TL_LOAD, name, e0, w->fne.n, NAN, NAN, true);
        if (!getenv("FNEGRAPH_QUIET"))
            fprintf(stderr, "[%s] FNE %lld x %d read in %.2f s, statistics %.2f s\n", name, (long long)w->fne.n,
                    FG_FNE_DIM, t_read, w->t_stats);
    }
    if (t >= 0 && w->t != t) {
        unload_codes(w);
        double t0 = fg_cli_now();
        const double e0 = fg_sweep_i_tl_now(w->c);
        st = fg_codes_ternarize(w->fne.x, w->fne.n, FG_FNE_DIM, &w->stats, w->cfg->lo[t], w->cfg->hi[t],
                                (const char *const *)w->fne.path, &w->codes);
        if (st != FG_OK) {
            st = FG_FAIL(st, "[dataset %s]: FNE file %s: %s", name, path, fg_last_error());
            goto done;
        }
        fg_sweep_i_timed(w->c, FG_TL_CODES, name, e0, w->fne.n, w->cfg->lo[t], w->cfg->hi[t], true);
        w->t = t;
        /* as the serial runner: the statistics count towards every threshold's codes */
        w->t_codes = w->t_stats + fg_cli_now() - t0;
    }
done:
    if (st != FG_OK) unload(w);
    return st;
}

fg_status fg_sweep_worker_graph(fg_sweep_worker *w, int di, int t, int kk)
{
    fg_status st = load(w, di, t);
    if (st == FG_OK) st = fg_sweep_i_graph(w->c, &w->plan->d[di], &w->fne, &w->codes, w->t_codes, t, kk);
    if (st != FG_OK) unload(w);
    return st;
}

fg_status fg_sweep_worker_kmeans(fg_sweep_worker *w, int di, fg_method m, int t)
{
    fg_status st = load(w, di, m == FG_METHOD_KMEANS_TERNARY ? t : -1);
    if (st != FG_OK) return st;
    fg_sweep_kmeans_ctx kc;
    fg_sweep_i_kmeans_ctx(w->c, &kc);
    const fg_sweep_plan_ds *pd = &w->plan->d[di];
    if (m == FG_METHOD_KMEANS) st = fg_sweep_kmeans_standardized(&kc, pd, &w->fne, &w->stats);
    else st = fg_sweep_kmeans_ternary(&kc, pd, &w->fne, &w->codes, t);
    if (st != FG_OK) unload(w);
    return st;
}

fg_status fg_sweep_worker_unit(fg_sweep_worker *w, int64_t u)
{
    int di, t, kk;
    const fg_method m = fg_sweep_unit_keys(w->cfg, u, &di, &t, &kk);
    return m == FG_METHOD_FLUIDC ? fg_sweep_worker_graph(w, di, t, kk) : fg_sweep_worker_kmeans(w, di, m, t);
}

bool fg_sweep_unit_count(const fg_sweep_config *cfg, const fg_sweep_plan *p, const fg_results *r, int64_t u,
                         fg_sweep_summary *sum)
{
    int di, t, kk;
    const fg_method m = fg_sweep_unit_keys(cfg, u, &di, &t, &kk);
    const fg_sweep_plan_ds *pd = &p->d[di];
    if (m != FG_METHOD_FLUIDC) {
        int64_t total, done;
        fg_sweep_kmeans_count(cfg, r, pd, m, t, &total, &done);
        sum->runs_total += total;
        sum->runs_before += done;
        return done < total;
    }
    const char *name = pd->cfg->name, *variant = fg_fluid_variant_name(cfg->variant);
    const double lo = cfg->lo[t], hi = cfg->hi[t], k = cfg->k[kk];
    bool pending = false;
    sum->graphs_total++;
    if (fg_results_has_graph(r, name, lo, hi, k)) sum->graphs_before++;
    else pending = true;
    for (int c = 0; c < pd->n_comm; c++)
        for (int s = 0; s < cfg->n_seeds; s++) {
            sum->runs_total++;
            if (fg_results_has_run(r, name, lo, hi, k, pd->comm[c], cfg->seeds[s], variant)) sum->runs_before++;
            else pending = true;
        }
    return pending;
}
