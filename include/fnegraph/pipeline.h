/* The pipeline: the stages composed once, for every command and benchmark
 * (README "Architecture"). Two compositions, each one call with plain inputs
 * and outputs, so that a unit of a sweep's work is one call:
 *
 *   extraction   a dataset's images (or a range of them: a shard) -> decode
 *                -> VGG16 -> the resumable FNE file: fg_extract_run
 *                (fnegraph/extract.h)
 *   clustering   a graph -> its largest connected component -> FluidC runs
 *                -> NMI/AMI of the image vertices: fg_cluster_graph; and
 *                the sweep's graph task, codes of one (lo, hi) + the
 *                feature-feature edges of one k -> graph -> summary -> the
 *                runs: fg_graph_task_run
 *
 * The rule "at most so many communities" is fg_fluid_max_communities
 * (community.h): a run that asks for more is reported as not possible, never
 * started. */
#ifndef FNEGRAPH_PIPELINE_H
#define FNEGRAPH_PIPELINE_H

#include "fnegraph/community.h"
#include "fnegraph/csr.h"
#include "fnegraph/error.h"
#include "fnegraph/graph.h"
#include "fnegraph/metrics.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One FluidC run asked of a graph. */
typedef struct fg_cluster_run {
    int64_t communities;
    uint64_t seed;
} fg_cluster_run;

typedef struct fg_cluster_opts {
    fg_fluid_variant variant;
    uint32_t max_iter;              /* sweeps at most; 0: FG_FLUID_DEFAULT_MAX_ITER */
    int threads;                    /* runs at a time, one a thread (a run is sequential);
                                       0: omp_get_max_threads() */
    bool membership;                /* give each run's membership (fg_cluster_outcome) */
    const char *what;               /* names the graph in messages (a file); NULL: "graph" */
    volatile sig_atomic_t *cancel;  /* non-zero: no further run starts (FG_EINTERRUPTED) */
    /* after every sweep of a run, on the thread running it (may be NULL) */
    void (*on_sweep)(void *ctx, uint32_t sweeps);
    void *on_sweep_ctx;
} fg_cluster_opts;

/* The component the runs are made on: the largest connected one (the graph
 * itself when it is connected). */
typedef struct fg_cluster_component {
    uint32_t n_components;        /* of the whole graph, isolated vertices included */
    uint32_t n_vertices;          /* in the component */
    uint32_t n_images;            /* image vertices in it: the ones scored */
    uint32_t n_vertices_outside;  /* of the whole graph */
    uint32_t n_images_outside;
    uint32_t max_communities;     /* fg_fluid_max_communities of the component */
    double seconds;               /* finding and extracting it */
} fg_cluster_component;

/* What one run gave. */
typedef struct fg_cluster_outcome {
    int64_t index;          /* of the run in the list asked */
    fg_cluster_run run;
    const fg_cluster_component *component;  /* the component it ran on */
    bool possible;          /* false: more communities than max_communities; nothing ran
                               and nothing below is set */
    uint32_t sweeps;        /* the converging sweep included */
    bool converged;         /* false: max_iter stopped it */
    uint32_t n_unassigned;  /* component vertices no community reached (max_iter only) */
    bool scored;            /* labels were given */
    fg_scores scores;       /* NMI/AMI of the component's image vertices */
    int32_t *membership;    /* opts.membership: [vertices of the whole graph], community
                               of each, -1 outside the component or unreached; freed
                               after the sink returns unless it takes it (sets NULL) */
    double seconds_fluidc, seconds_score;
} fg_cluster_outcome;

/* Receives each outcome as its run ends (not in list order when runs go in
 * parallel), one call at a time. A status other than FG_OK stops the runs:
 * none starts after it, those in flight end unreported, and the call that
 * made them returns it (its message prefixed with the run). */
typedef fg_status (*fg_cluster_sink)(void *ctx, fg_cluster_outcome *out);

/* FluidC runs[0..n_runs) on the largest connected component of g, scored
 * against labels[g->n_images] (the class of each image vertex; NULL: not
 * scored). comp is g's components when the caller has them (NULL: found
 * here). Each run's outcome goes to sink (which may be NULL); *cc (may be
 * NULL) receives the component. Errors: a graph without vertices, a failed
 * run or sink, FG_EINTERRUPTED when opts.cancel stopped it. The runs do not
 * depend on opts.threads: run i is the same for any thread count. */
FG_API fg_status fg_cluster_graph(const fg_csr *g, const fg_components *comp, const int32_t *labels,
                           const fg_cluster_run *runs, int64_t n_runs, const fg_cluster_opts *opts,
                           fg_cluster_sink sink, void *sink_ctx, fg_cluster_component *cc);

/* The sweep's unit of graph work: one dataset at one (lo, hi) and one k. */
typedef struct fg_graph_task {
    const fg_codes *codes;          /* the images' ternary codes at (lo, hi) */
    const fg_ff_edges *ff;          /* the feature-feature edges at k */
    const int32_t *labels;          /* [codes->n] class of each image; NULL: not scored */
    const fg_cluster_run *runs;     /* may be empty: the graph and its summary alone */
    int64_t n_runs;
    fg_cluster_opts cluster;
    /* once the graph and its summary exist, before any run, with the sink's
     * context (may be NULL); a status other than FG_OK ends the task with it */
    fg_status (*on_graph)(void *ctx, const fg_graph_summary *s, double seconds_build);
} fg_graph_task;

typedef struct fg_graph_task_result {
    fg_graph_summary summary;       /* as fg_graph_summarize: n_components counts isolated vertices */
    fg_cluster_component component; /* set when there were runs */
    double seconds_build;           /* the CSR graph from codes and ff edges */
    double seconds_summary;         /* its components and summary */
    double seconds_runs;            /* the runs and their scores (the component's own time
                                       is component.seconds) */
} fg_graph_task_result;

/* Build the graph of t, summarize it, then (when t->n_runs > 0) cluster its
 * largest component as fg_cluster_graph does: outcomes to sink, one at a
 * time. The graph is freed once its component is extracted. */
FG_API fg_status fg_graph_task_run(const fg_graph_task *t, fg_cluster_sink sink, void *sink_ctx,
                            fg_graph_task_result *out);

#ifdef __cplusplus
}
#endif
#endif
