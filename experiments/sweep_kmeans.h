/* The sweep's k-means runs (issue 16, docs/method.md §9): no graph, so they
 * never wait for one. For one dataset:
 *   kmeans           k-means on the standardized FNE: one run per
 *                    (communities, seed), its row written under every
 *                    (lo, hi, k) of the grid that lacks it (it uses none)
 *   kmeans-ternary   on the codes of one (lo, hi): one run per
 *                    (communities, seed), written under every k
 * Rows are appended and flushed one by one as FluidC's are; a row already in
 * the results file is not run again. */
#ifndef FNEGRAPH_EXPERIMENTS_SWEEP_KMEANS_H
#define FNEGRAPH_EXPERIMENTS_SWEEP_KMEANS_H

#include "cli.h"
#include "sweep.h"
#include "sweep_run_i.h"

#include "fnegraph/fne_file.h"
#include "fnegraph/graph.h"

typedef struct fg_sweep_kmeans_ctx {
    const fg_sweep_config *cfg;
    fg_results *res;
    fg_sweep_summary *sum;
    volatile sig_atomic_t *cancel;
    fg_progress *prog;          /* the sweep's "runs" progress, started on first use */
    bool *prog_started;
    uint64_t *prog_done;
    const fg_sweep_rows *rows;  /* non-NULL: what is done and where rows go (an MPI rank), not res */
} fg_sweep_kmeans_ctx;

/* Is any grid cell of the (communities, seed) run of method m (kmeans-ternary:
 * at threshold t0) still missing? */
bool fg_sweep_kmeans_run_missing(const fg_sweep_kmeans_ctx *kc, const fg_sweep_plan_ds *pd, fg_method m, int t0,
                                 int64_t comm, int64_t seed);
/* The rows of method m (at t0) for pd: all of them and those res holds. */
void fg_sweep_kmeans_count(const fg_sweep_config *cfg, const fg_results *res, const fg_sweep_plan_ds *pd, fg_method m,
                           int t0, int64_t *total, int64_t *done);

/* Are rows of method m (kmeans: any threshold, t ignored; kmeans-ternary:
 * threshold t) still missing for dataset pd? false when the config does not
 * ask for m. */
bool fg_sweep_kmeans_pending(const fg_sweep_kmeans_ctx *kc, const fg_sweep_plan_ds *pd, fg_method m, int t);
/* The kmeans runs of pd (stats: of fne, as the graph stage computes them). */
fg_status fg_sweep_kmeans_standardized(const fg_sweep_kmeans_ctx *kc, const fg_sweep_plan_ds *pd, const fg_fne *fne,
                                       const fg_fne_stats *stats);
/* The kmeans-ternary runs of pd at threshold t, from its codes. */
fg_status fg_sweep_kmeans_ternary(const fg_sweep_kmeans_ctx *kc, const fg_sweep_plan_ds *pd, const fg_fne *fne,
                                  const fg_codes *codes, int t);

#endif
