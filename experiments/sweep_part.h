/* `fnegraph sweep --part i/N`: one of N deterministic parts of a sweep,
 * for job arrays (no MPI needed). The config's graph tasks, numbered as in
 * sweep_worker.h, are cut into N contiguous ranges of (nearly) equal length,
 * part i (1..N) running units [(i-1) U / N, i U / N): contiguous, so that a
 * part loads few datasets and threshold pairs. Each part writes its own
 * results file; the parts' files together hold exactly the rows of the
 * serial sweep. A part extracts the FNE caches its units need: two parts
 * on one cache take turns on its lock (the second waits, then reuses or
 * resumes the cache the first made). */
#ifndef FNEGRAPH_EXPERIMENTS_SWEEP_PART_H
#define FNEGRAPH_EXPERIMENTS_SWEEP_PART_H

#include "sweep.h"

/* part in 1..n_parts; sum counts the part's rows only. */
fg_status fg_sweep_part_execute(const fg_sweep_config *cfg, const fg_sweep_exec_opts *o, int part, int n_parts,
                                fg_sweep_summary *sum);
/* The range of units [*first, *end) of a part. */
void fg_sweep_part_range(int64_t n_units, int part, int n_parts, int64_t *first, int64_t *end);

#endif
