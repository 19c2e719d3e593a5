/* `fnegraph cluster --method kmeans|kmeans-ternary` (cmd_cluster_kmeans.c):
 * the options cmd_cluster.c parsed, and the helpers both files use. */
#ifndef FNEGRAPH_EXPERIMENTS_CLUSTER_KMEANS_H
#define FNEGRAPH_EXPERIMENTS_CLUSTER_KMEANS_H

#include "fnegraph/error.h"
#include "fnegraph/kmeans.h"

#include <stdint.h>

typedef struct fg_cluster_kmeans_job {
    const char *fne, *mpath;
    fg_method method;           /* FG_METHOD_KMEANS or FG_METHOD_KMEANS_TERNARY */
    double lo, hi;              /* kmeans-ternary: the thresholds */
    long k;                     /* clusters; 0 = the FNE's classes */
    uint64_t seed;
    long max_iter;              /* Lloyd iterations at most */
    long restarts;
    int json;
} fg_cluster_kmeans_job;

/* Run it, print the result (text or JSON); returns the exit code. */
int fg_cluster_kmeans_main(fg_cluster_kmeans_job *job);

/* One integer a line, n lines, written as PATH.tmp, synced and renamed
 * (cmd_cluster.c). */
fg_status fg_cli_write_membership(const char *path, const int32_t *m, uint32_t n);

#endif
