/* The sweep runner behind `fnegraph sweep` and `fnegraph demo` (issue
 * "Runner", README "Architecture"). Work is shared, never repeated:
 *
 *   per dataset            extraction into the FNE cache (reused when it is
 *                          complete and made by the same job), statistics
 *   per (lo, hi)           ternary codes
 *   per k                  feature-feature edges (kept for every dataset)
 *   per (dataset, lo, hi, k)  the graph, its row in /graphs, its largest
 *                          connected component
 *   per (communities, seed)   one FluidC run + NMI/AMI, one row in /runs;
 *                          independent runs go in parallel across threads
 *
 * Every row is appended and flushed as soon as it is known; rows already in
 * the results file are skipped, so a killed or interrupted sweep continues
 * where it stopped when it is run again. Each row carries all its keys, so
 * rows of different processes can share one file. */
#ifndef FNEGRAPH_EXPERIMENTS_SWEEP_H
#define FNEGRAPH_EXPERIMENTS_SWEEP_H

#include "fnegraph/dataset.h"
#include "fnegraph/results.h"
#include "sweep_config.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct fg_sweep_exec_opts {
    bool dry_run;                    /* print the plan and what is done; change nothing */
    volatile sig_atomic_t *cancel;   /* non-zero: stop after the work in flight */
    const char *timeline;            /* non-NULL: write the sweep's timeline there (sweep_timeline.h) */
} fg_sweep_exec_opts;

typedef struct fg_sweep_summary {
    int64_t runs_total;       /* (dataset, lo, hi, k, communities, seed) keys of the config */
    int64_t runs_before;      /* already in the results file when the sweep started */
    int64_t runs_written;     /* written by this sweep */
    int64_t runs_impossible;  /* not run: more communities than image vertices */
    int64_t graphs_total, graphs_before, graphs_written;
    bool interrupted;
} fg_sweep_summary;

/* What the planner knows of one [dataset NAME] section. */
typedef struct fg_sweep_plan_ds {
    const fg_sweep_dataset *cfg;
    fg_dataset ds;            /* the images of the chosen split (when the root exists) */
    bool have_listing;        /* false: the root is absent and the complete cache is used */
    int n_classes;            /* classes with at least one image in the split */
    int n_comm;               /* distinct community counts for this dataset */
    int64_t *comm;            /* [n_comm] */
    int64_t runs_total, runs_done, graphs_total, graphs_done;
    char error[1024];         /* why the dataset cannot be read ("" when it can) */
} fg_sweep_plan_ds;

typedef struct fg_sweep_plan {
    int n;
    fg_sweep_plan_ds *d;      /* [n]: one per dataset of the config */
} fg_sweep_plan;

/* List every dataset (or, with its root absent, read its complete cache),
 * count classes and the rows of the grid, and how many of them r (may be
 * NULL) already holds. Every dataset is tried: the error lists all those
 * that cannot be read (each message names the config file and the
 * section's line; also kept in d[i].error), and the plan stays filled for
 * fg_sweep_plan_print (out of memory is an error before any dataset). */
fg_status fg_sweep_plan_make(const fg_sweep_config *cfg, const fg_results *r, fg_sweep_plan *out);
/* Count again how many rows of the plan r (may be NULL) holds. */
void fg_sweep_plan_count(const fg_sweep_config *cfg, const fg_results *r, fg_sweep_plan *p);
void fg_sweep_plan_destroy(fg_sweep_plan *p);
/* The plan as a table on stdout. */
void fg_sweep_plan_print(const fg_sweep_config *cfg, const fg_sweep_plan *p);

/* Run the whole sweep of cfg (prints one line per dataset and graph on
 * stdout, progress on stderr). An interrupted sweep returns FG_OK with
 * sum->interrupted set. */
fg_status fg_sweep_execute(const fg_sweep_config *cfg, const fg_sweep_exec_opts *o, fg_sweep_summary *sum);

#endif
