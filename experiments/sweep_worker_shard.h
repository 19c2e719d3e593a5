/* A dataset's extraction in shards (the MPI sweep hands them out over the
 * ranks): shard s holds the images [s S, min((s + 1) S, n)) of the dataset's
 * n, S a multiple of the batch (so that its rows are bit for bit those of a
 * whole extraction) and by default of the FNE writer's chunk (64 rows), in
 * its own resumable file "<fne>.shard<first>+<count>". When every shard is
 * done they are merged, in input order, through the ordinary FNE writer
 * into the dataset's cache: the same file a serial extraction writes.
 * Shards whose attributes or oneDNN implementation differ are refused. */
#ifndef FNEGRAPH_EXPERIMENTS_SWEEP_WORKER_SHARD_H
#define FNEGRAPH_EXPERIMENTS_SWEEP_WORKER_SHARD_H

#include "sweep_run_i.h"

#include <stddef.h>

/* Images a shard for a dataset of n images and batch B: FNEGRAPH_SHARD_IMAGES
 * when set (rounded up to a multiple of B), else the least multiple of 64
 * and of B that cuts the dataset into at most 64 shards. It depends on
 * neither the ranks nor the run, so that a rerun finds its shards. >= n:
 * one shard (the dataset is extracted whole). */
int64_t fg_sweep_shard_size(int64_t n, int batch);
void fg_sweep_shard_path(const char *fne, int64_t first, int64_t count, char *out, size_t n);
/* Merge the shards of size S of pd's dataset into its cache pd->cfg->fne
 * (resuming an interrupted merge), then remove the shard files. */
fg_status fg_sweep_shards_merge(const fg_sweep_plan_ds *pd, int64_t S);

#endif
