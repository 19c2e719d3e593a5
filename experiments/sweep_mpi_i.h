/* The messages of the MPI sweep (sweep_mpi.h) and the pieces its two
 * sides share. All messages are MPI_BYTE; a rank sends to rank 0 only
 * and rank 0 answers each ASK with one TASK. */
#ifndef FNEGRAPH_EXPERIMENTS_SWEEP_MPI_I_H
#define FNEGRAPH_EXPERIMENTS_SWEEP_MPI_I_H

#include "sweep_worker.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

enum { FG_TAG_ASK = 11, FG_TAG_TASK = 12, FG_TAG_GRAPH = 13, FG_TAG_RUN = 14 };
enum {
    FG_UNIT_NONE = 0,
    FG_UNIT_EXTRACT = 1,
    FG_UNIT_GRAPH = 2,
    FG_UNIT_STOP = 3,
    FG_UNIT_SHARD = 4,
    FG_UNIT_MERGE = 5,
    FG_UNIT_KMEANS = 6 /* a k-means unit: kk is its fg_method, t its threshold (kmeans-ternary) or -1 */
};

/* worker -> 0: the unit it finished (kind NONE at the start) and how, what
 * it has loaded, then msg_len bytes of error message. */
typedef struct fg_mpi_ask {
    int32_t kind, di, t, kk;
    int32_t loaded_di, loaded_t;
    int32_t status;       /* fg_status of the unit (or of the rank's start) */
    int32_t msg_len;
    int64_t impossible;   /* runs of the unit that could not run */
} fg_mpi_ask;

/* 0 -> worker: a unit; for a graph task, whether its graph row is in the
 * file and the n_runs (communities, seed) pairs still missing follow (a
 * k-means unit: the pairs missing in any of their grid cells). */
typedef struct fg_mpi_task {
    int32_t kind, di, t, kk;
    int32_t have_graph;
    int32_t n_runs;
    int64_t first, count;  /* SHARD: its images; MERGE: count = the shard size */
} fg_mpi_task;

typedef struct fg_mpi_pair {
    int64_t communities, seed;
} fg_mpi_pair;

/* Rank 0's own worker talks to the coordinator through memory. */
typedef struct fg_mpi_local {
    pthread_mutex_t mu;
    pthread_cond_t to_coord, to_worker;
    /* worker -> coordinator: a queue of messages */
    struct fg_mpi_msg *head, *tail;
    /* coordinator -> worker: one task at a time */
    void *task;
    size_t task_len;
} fg_mpi_local;

typedef struct fg_mpi_msg {
    struct fg_mpi_msg *next;
    int tag;
    size_t len;
    unsigned char data[];
} fg_mpi_msg;

/* A worker's side: rank != 0 over MPI, or rank 0's thread (local != NULL). */
typedef struct fg_mpi_worker_args {
    fg_sweep_config *cfg;
    const fg_sweep_plan *plan;     /* rank 0 shares its plan; NULL: make one */
    const fg_sweep_exec_opts *o;
    fg_mpi_local *local;
    fg_status st;                  /* how the worker ended */
    bool reported;                 /* st went to rank 0, which reports it */
} fg_mpi_worker_args;

/* The worker loop: ask, do, send rows, ask again, until STOP. */
void fg_mpi_worker_run(fg_mpi_worker_args *a);
void *fg_mpi_worker_thread(void *a);

/* Rank 0: plan, open the results file, hand out units, append rows. */
fg_status fg_mpi_coordinate(fg_sweep_config *cfg, const fg_sweep_exec_opts *o, int n_ranks, const char *hosts,
                            fg_sweep_summary *sum);

/* A message into the local queue (worker -> coordinator); FG_ENOMEM. */
fg_status fg_mpi_local_push(fg_mpi_local *l, int tag, const void *a, size_t na, const void *b, size_t nb);
/* Sleep with back-off between polls: *us grows to 2000 (microseconds). */
void fg_mpi_backoff(long *us);

#endif
