/* Running a sweep unit by unit (for `--part i/N` and `mpirun`): the units
 * of a config are its graph tasks (when its methods hold fluidc), numbered
 * dataset-major,
 *   u = (dataset * n_thresholds + t) * n_k + kk,
 * then its k-means units, dataset by dataset: kmeans (one a dataset, its
 * rows under every (lo, hi, k)), then kmeans-ternary of each threshold t
 * (its rows under every k), for the methods the config has. A worker keeps
 * what it has loaded (one dataset's FNE and statistics, the codes of one
 * threshold pair, the feature-feature edges of every k) for the next unit
 * that needs it. */
#ifndef FNEGRAPH_EXPERIMENTS_SWEEP_WORKER_H
#define FNEGRAPH_EXPERIMENTS_SWEEP_WORKER_H

#include "sweep_run_i.h"

typedef struct fg_sweep_worker {
    run_ctx *c;
    const fg_sweep_config *cfg;
    const fg_sweep_plan *plan;
    int di, t;               /* dataset and threshold loaded (-1: none) */
    fg_fne fne;
    fg_fne_stats stats;
    fg_codes codes;
    double t_stats, t_codes;
} fg_sweep_worker;

int64_t fg_sweep_units_count(const fg_sweep_config *cfg);
/* Unit u's dataset, threshold and k index; its method (FG_METHOD_FLUIDC: a
 * graph task). kmeans: t = -1, kk = -1; kmeans-ternary: kk = -1. */
fg_method fg_sweep_unit_keys(const fg_sweep_config *cfg, int64_t u, int *di, int *t, int *kk);

/* Count unit u's grid rows into sum (totals, and those r holds as
 * "before"); true when any is missing from r. */
bool fg_sweep_unit_count(const fg_sweep_config *cfg, const fg_sweep_plan *p, const fg_results *r, int64_t u,
                         fg_sweep_summary *sum);

void fg_sweep_worker_init(fg_sweep_worker *w, run_ctx *c, const fg_sweep_config *cfg, const fg_sweep_plan *plan);
/* Make, resume or check dataset di's FNE cache; while another process
 * writes it (its lock), wait for it (a check every 2 s, no spinning). */
fg_status fg_sweep_worker_extract(fg_sweep_worker *w, int di);
/* The graph task (di, t, kk) on the dataset's complete cache. */
fg_status fg_sweep_worker_graph(fg_sweep_worker *w, int di, int t, int kk);
/* The k-means unit (di, m, t) on the dataset's complete cache. */
fg_status fg_sweep_worker_kmeans(fg_sweep_worker *w, int di, fg_method m, int t);
/* Unit u, whichever its kind. */
fg_status fg_sweep_worker_unit(fg_sweep_worker *w, int64_t u);
void fg_sweep_worker_release(fg_sweep_worker *w);

#endif
