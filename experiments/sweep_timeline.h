/* A sweep's timeline (`fnegraph sweep --timeline T.json`): when each unit of
 * work started and ended, on which rank, and what rank 0's coordination
 * cost. The serial sweep records its extractions, its FNE loads, the codes
 * of each threshold pair, the feature-feature edges of each k and its graph
 * tasks; `--part` the same for its units; under mpirun rank 0 records every
 * unit it hands out, from the hand-out to the rank's next request (the
 * rank's whole unit, messages included). The file is written at the end,
 * also after a failure or an interruption (what was recorded by then).
 * Format: docs/formats.md "Sweep timeline". One thread records. */
#ifndef FNEGRAPH_EXPERIMENTS_SWEEP_TIMELINE_H
#define FNEGRAPH_EXPERIMENTS_SWEEP_TIMELINE_H

#include "fnegraph/error.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct fg_sweep_timeline fg_sweep_timeline;

/* Unit kinds, as the file names them. */
typedef enum fg_tl_kind {
    FG_TL_EXTRACT = 0, /* a dataset's whole extraction (or the check of its complete cache) */
    FG_TL_SHARD,       /* images [first, first + images) of a dataset into a shard file */
    FG_TL_MERGE,       /* a dataset's shards merged into its cache */
    FG_TL_LOAD,        /* the FNE cache read and its statistics computed */
    FG_TL_CODES,       /* the codes of one threshold pair */
    FG_TL_FF,          /* the feature-feature edges of one k */
    FG_TL_GRAPH,       /* one graph task: graph, summary, its runs (under mpirun: with its load, codes, ff) */
    FG_TL_KMEANS,      /* a dataset's kmeans runs (on the standardized FNE) */
    FG_TL_KMEANS_TERNARY, /* its kmeans-ternary runs on the codes of (lo, hi) */
    FG_TL_N_KINDS
} fg_tl_kind;

typedef struct fg_tl_event {
    fg_tl_kind kind;
    int rank;
    const char *dataset;   /* NULL: none (ff) */
    double start, end;     /* seconds since the timeline began */
    int64_t first, images; /* extraction kinds (and load: images of the FNE) */
    double lo, hi, k;      /* codes: lo, hi; ff: k; graph: all three (NaN: not of this kind) */
    int64_t runs;          /* graph: the runs it was given */
    bool cached;           /* extract: the cache was complete already */
    bool ok;               /* false: the unit failed or was interrupted */
} fg_tl_event;

/* A timeline to be written to path; the path is checked writable now (a
 * file can be made there; missing folders are made), before any work. */
fg_status fg_sweep_timeline_open(const char *path, fg_sweep_timeline **out);
/* An event with every field unset (NaN keys, ok = true). */
fg_tl_event fg_tl_event_init(fg_tl_kind kind, const char *dataset);
/* Seconds since the timeline began. */
double fg_sweep_timeline_now(const fg_sweep_timeline *t);
/* Record e (its dataset string is copied); no-op on t == NULL. */
void fg_sweep_timeline_add(fg_sweep_timeline *t, const fg_tl_event *e);

/* What the whole sweep was: ranks x threads, hosts, and rank 0's
 * coordinator (its main thread) CPU seconds, negative when there was none. */
typedef struct fg_tl_info {
    const char *config;
    int ranks, threads_per_rank;
    const char *hosts;
    double coordinator_cpu_seconds;
    int64_t coordinator_messages;
} fg_tl_info;
void fg_sweep_timeline_set_info(fg_sweep_timeline *t, const fg_tl_info *info);

/* Write the file (a temporary beside it, renamed) and free t; NULL: no-op.
 * A failure to write is reported (FG_EIO naming the file). */
fg_status fg_sweep_timeline_close(fg_sweep_timeline *t);

#endif
