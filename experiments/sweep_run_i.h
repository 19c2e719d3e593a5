/* The sweep runner's pieces, for the ways of running a sweep unit by unit
 * (`--part i/N`, `mpirun`; experiments/sweep_units.c): a unit is one graph
 * task, (dataset, lo, hi, k) with its pending runs, or one dataset's
 * extraction. The serial sweep (fg_sweep_execute) uses the same pieces. */
#ifndef FNEGRAPH_EXPERIMENTS_SWEEP_RUN_I_H
#define FNEGRAPH_EXPERIMENTS_SWEEP_RUN_I_H

#include "sweep.h"
#include "sweep_timeline.h"

#include "fnegraph/fne_file.h"
#include "fnegraph/graph.h"
#include "fnegraph/net.h"

#include <stddef.h>

/* Where rows go and what is done, when not the results file itself (a
 * worker rank: what its task says is pending; rows go to rank 0). */
typedef struct fg_sweep_rows {
    void *ctx;
    bool (*has_graph)(void *ctx, const char *dataset, double lo, double hi, double k);
    bool (*has_run)(void *ctx, const char *dataset, double lo, double hi, double k, int64_t communities,
                    int64_t seed, const char *variant, const char *method);
    fg_status (*add_graph)(void *ctx, const fg_graph_row *row);
    fg_status (*add_run)(void *ctx, const fg_run_row *row);
} fg_sweep_rows;

typedef struct run_ctx run_ctx;

/* A runner for cfg: rows to res (rows == NULL) or to rows; sum counts what
 * it writes; progress: print the runs' progress line (one process does).
 * Checks the extraction mode (a message naming the config). */
fg_status fg_sweep_i_ctx_new(const fg_sweep_config *cfg, const fg_sweep_exec_opts *o, fg_sweep_summary *sum,
                             fg_results *res, const fg_sweep_rows *rows, bool progress, run_ctx **out);
void fg_sweep_i_ctx_free(run_ctx *c);
int fg_sweep_i_threads(const run_ctx *c);
/* The results file's attributes of a sweep with this mode and threads
 * (impl[n] holds the oneDNN implementation string; mpi_ranks 1, this host). */
void fg_sweep_i_attrs(const fg_sweep_config *cfg, const fg_net_mode_plan *mode, int threads, char *impl, size_t n,
                      fg_results_attrs *out);
const fg_net_mode_plan *fg_sweep_i_mode(const run_ctx *c);
/* Make, resume or check one dataset's FNE cache. */
fg_status fg_sweep_i_extract(run_ctx *c, const fg_sweep_plan_ds *pd);
/* Extract the images [first, first + count) of a dataset into path (a
 * resumable shard file; its rows are those rows of the whole cache). */
fg_status fg_sweep_i_extract_range(run_ctx *c, const fg_sweep_plan_ds *pd, const char *path, int64_t first,
                                   int64_t count);
/* One graph task: its graph row and runs, those the rows say are missing. */
fg_status fg_sweep_i_graph(run_ctx *c, const fg_sweep_plan_ds *pd, const fg_fne *fne, const fg_codes *codes,
                           double t_codes, int t, int kk);

/* The k-means runner's context of this runner (its rows, progress, cancel). */
struct fg_sweep_kmeans_ctx;
void fg_sweep_i_kmeans_ctx(run_ctx *c, struct fg_sweep_kmeans_ctx *kc);
/* This host's name (a static buffer). */
const char *fg_sweep_i_hostname(void);
/* The timeline this runner records into (NULL: none; one thread records). */
void fg_sweep_i_set_timeline(run_ctx *c, fg_sweep_timeline *tl);
/* Seconds on its timeline (0 without one). */
double fg_sweep_i_tl_now(const run_ctx *c);
/* Record an event of kind (load, codes) from start to now. */
void fg_sweep_i_timed(run_ctx *c, fg_tl_kind kind, const char *dataset, double start, int64_t images, double lo,
                      double hi, bool ok);

#endif
