/* The results file of a sweep (docs/formats.md): two HDF5
 * compound tables whose field names are the `--json` keys of `graph` and
 * `cluster`, flattened (nmi_geometric, ami_max, ...):
 *   /graphs  one row per (dataset, lo, hi, k)
 *   /runs    one row per (dataset, lo, hi, k, communities, seed, variant, method)
 * plus root attributes that make the sweep reproducible. Rows are appended
 * and flushed one at a time, so a killed sweep loses at most the rows in
 * flight; a row carries all its keys, so any process can append any row.
 * Beside each table T, /T_check (uint64, one entry a row) holds a check
 * value of each row's fields; a row counts once its entry is written (the
 * commit), and the root attribute `row_checks` says the file has them.
 * Readers of the file outside fnegraph take the first len(/T_check) rows
 * (less a trailing 0 entry); files without check tables (older versions)
 * still read. */
#ifndef FNEGRAPH_RESULTS_H
#define FNEGRAPH_RESULTS_H

#include "fnegraph/export.h"

#include "fnegraph/error.h"
#include "fnegraph/metrics.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fg_graph_row {
    char dataset[64];
    double lo, hi, k;
    int64_t n_images;
    int64_t n_vertices;
    int64_t n_vertices_nonisolated;
    int64_t n_edges;
    int64_t n_edges_if;
    int64_t n_edges_ff;
    int64_t n_components;             /* isolated vertices included, as `graph --json` */
    int64_t largest_component;        /* vertices of the largest component */
    int64_t largest_component_images; /* image vertices in it */
    double seconds_graph;             /* standardize + ternarize + CSR build */
} fg_graph_row;

typedef struct fg_run_row {
    char dataset[64];
    double lo, hi, k;
    int64_t communities;
    int64_t seed;
    char variant[16];                 /* paper | standard */
    int64_t n_images_scored;          /* image vertices in the largest component */
    int64_t n_images_outside;         /* image vertices left out (not scored) */
    int64_t sweeps;
    int32_t converged;
    double nmi[FG_NORM_COUNT];        /* indexed by fg_norm: fields nmi_min, nmi_geometric, ... */
    double ami[FG_NORM_COUNT];
    double seconds_fluidc;
    double seconds_score;
    /* since the k-means baselines (issue 16); a file written before them
     * reads with method "fluidc", inertia NaN, restarts 0, seconds_kmeans 0,
     * and a row appended with all four zero (code that predates them) is
     * stored as that FluidC row */
    char method[16];                  /* fluidc | kmeans | kmeans-ternary (fg_method_name) */
    double inertia;                   /* k-means: the kept restart's inertia; FluidC: NaN */
    int64_t restarts;                 /* k-means restarts; FluidC: 0 */
    double seconds_kmeans;            /* k-means: seeding + Lloyd of all restarts; FluidC: 0 */
} fg_run_row;

/* A zeroed run row of a FluidC run: method "fluidc", inertia NaN, the
 * other fields 0 (fill in the rest). */
FG_API void fg_run_row_init(fg_run_row *r);

typedef struct fg_results fg_results;

/* Open (creating if absent) a results file for appending. Attributes are
 * written only on creation; an existing file keeps its own. A new file is
 * made complete under "<path>.tmp" and renamed. The handle holds the file's
 * one-writer lock ("<path>.lock") until fg_results_close: a second writer
 * gets FG_EIO "<path>: in use by another process (pid N) ...". Rows left
 * uncommitted by an interrupted append are dropped. */
typedef struct fg_results_attrs {
    const char *config_text;   /* the INI text after overrides */
    const char *git_commit;
    const char *cpu;
    const char *onednn_isa;
    const char *kernels_isa;
    int threads;
    const char *conv;          /* extraction mode: direct | winograd */
    const char *precision;     /* f32 | bf16 */
    const char *impl;          /* oneDNN implementation of every step, "conv1_1:brgconv:...; ..." */
    /* where the sweep ran (written when mpi_ranks > 0): processes (1 without
     * mpirun), threads each, and the distinct host names, comma-separated */
    int mpi_ranks;
    int threads_per_rank;
    const char *hosts;
} fg_results_attrs;

FG_API fg_status fg_results_open(const char *path, const fg_results_attrs *attrs, fg_results **out);
/* Open an existing results file for reading only (lookups, dry runs): no
 * lock taken, nothing changed; rows are validated as fg_results_read does.
 * fg_results_add_* on it fail. */
FG_API fg_status fg_results_open_read(const char *path, fg_results **out);
/* Append one row and flush it to disk; the row counts for readers only once
 * its check value is committed after it, so a failure (a full disk) or a
 * crash at any moment leaves the earlier rows and no partial row. After a
 * failed append the handle refuses further appends. */
FG_API fg_status fg_results_add_graph(fg_results *r, const fg_graph_row *row);
FG_API fg_status fg_results_add_run(fg_results *r, const fg_run_row *row);
/* (A k-means row appended to a file without the method field is FG_EINVAL:
 * that file's layout cannot hold it; write the baselines to a new file.) */
/* Is a row with these keys already in the file? (exact key match; the
 * floating keys are compared as written). */
FG_API bool fg_results_has_graph(const fg_results *r, const char *dataset, double lo, double hi, double k);
FG_API bool fg_results_has_run(const fg_results *r, const char *dataset, double lo, double hi, double k,
                        int64_t communities, int64_t seed, const char *variant);
/* The same for a run of a given method ("fluidc", "kmeans",
 * "kmeans-ternary"); fg_results_has_run is this with "fluidc". */
FG_API bool fg_results_has_run_method(const fg_results *r, const char *dataset, double lo, double hi, double k,
                                      int64_t communities, int64_t seed, const char *variant, const char *method);
/* Does the file hold the `method` field? (false: written before the k-means
 * baselines; it takes FluidC rows only) */
FG_API bool fg_results_has_methods(const fg_results *r);
/* Close; NULL is fine. */
FG_API void fg_results_close(fg_results *r);

/* Read the whole tables of a results file (for `fnegraph table`): the
 * committed rows, each validated (known variant, dataset name, finite keys
 * with lo < hi and k > 0, counts >= 0, 0 <= NMI <= 1, AMI <= 1, its check
 * value); a row that fails is FG_EFORMAT naming the file, table, row index
 * and dataset. */
FG_API fg_status fg_results_read(const char *path, fg_graph_row **graphs, int64_t *n_graphs,
                          fg_run_row **runs, int64_t *n_runs);

/* The config text a results file was created with (its root attribute
 * `config`), fg_alloc'd into *text (free with fg_free). */
FG_API fg_status fg_results_read_config(const char *path, char **text);

#ifdef __cplusplus
}
#endif
#endif
