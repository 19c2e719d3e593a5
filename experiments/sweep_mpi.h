/* `mpirun -n N fnegraph sweep ...` (builds with MPI only: FNEGRAPH_HAVE_MPI).
 * Rank 0 plans (what the results file holds is skipped), is the only
 * process that opens the results file, and hands out units on request:
 * first the extractions (a whole dataset, or its shards and then their
 * merge: sweep_worker_shard.h), then the graph tasks of a dataset once its
 * cache is made, preferring for a rank
 * the tasks of the dataset and threshold pair it has loaded. Workers send
 * each row to rank 0 as it is made (MPI_BYTE of fg_graph_row/fg_run_row);
 * rank 0 appends and flushes it unless the file has it already. Rank 0
 * works too: a thread of it is a worker, its main thread coordinates
 * (MPI_Iprobe and a sleep that backs off to 10 ms: OpenMPI's blocking calls
 * poll at full speed, which would cost a core). */
#ifndef FNEGRAPH_EXPERIMENTS_SWEEP_MPI_H
#define FNEGRAPH_EXPERIMENTS_SWEEP_MPI_H

#include "sweep.h"

#include <stddef.h>

/* Was this process started by an MPI launcher (mpirun, srun --mpi)? */
bool fg_sweep_mpi_launched(void);
/* The sweep over all ranks (collective: every rank calls it). *report is
 * true on rank 0 only: it prints the outcome and the error, once. */
fg_status fg_sweep_mpi_execute(fg_sweep_config *cfg, const fg_sweep_exec_opts *o, fg_sweep_summary *sum,
                               bool *report);
/* The MPI library linked (MPI_Get_library_version, first line) and the
 * standard version it implements. */
void fg_sweep_mpi_library(char *lib, size_t n, int *version, int *subversion);

#endif
