/* The FNE + weights -> graph steps that `fnegraph graph` and `fnegraph
 * cluster --fne` share: read the FNE file, read and aggregate the weights,
 * fg_graph_from_fne (engine/graph/from_fne.c), and the graph's JSON keys.
 * Both commands therefore build the same graph and report it alike. */
#ifndef FNEGRAPH_GRAPH_PIPELINE_H
#define FNEGRAPH_GRAPH_PIPELINE_H

#include "fnegraph/fne_file.h"
#include "fnegraph/graph.h"

enum { FG_CLI_GRAPH_STAGES = 7 };

typedef struct fg_cli_graph {
    const char *cmd;                 /* "graph", "cluster": for notes on stderr */
    const char *fne_path, *weights_path;
    double lo, hi, k;
    fg_fne fne;                      /* after fg_cli_graph_read_fne */
    fg_fne_graph made;               /* after fg_cli_graph_build */
    /* read_fne, read_weights, standardize, ternarize, ff_edges (aggregation
     * included), build, summarize */
    double sec[FG_CLI_GRAPH_STAGES];
} fg_cli_graph;

/* The names of the stages in sec[], as the JSON "seconds" keys. */
extern const char *const fg_cli_graph_stage[FG_CLI_GRAPH_STAGES];

/* Set the job (the strings are borrowed) and zero the rest. */
void fg_cli_graph_init(fg_cli_graph *g, const char *cmd, const char *fne_path, const char *weights_path,
                       double lo, double hi, double k);
/* Read the FNE file (an empty one is an error naming it). */
fg_status fg_cli_graph_read_fne(fg_cli_graph *g);
/* Read and aggregate the weights (a note on stderr when the file is not the
 * one the embedding was extracted with), then build the graph. */
fg_status fg_cli_graph_build(fg_cli_graph *g);
void fg_cli_graph_destroy(fg_cli_graph *g);

/* The graph's keys, one "  \"key\": value,\n" line each (every line ends
 * with a comma: the caller continues and closes the object): fne, weights,
 * dataset, lo, hi, k, n_images, n_vertices, n_vertices_nonisolated, n_edges,
 * n_edges_if, n_edges_ff, n_components, n_components_nonisolated,
 * largest_component, largest_component_images, n_edges_ff_by_layer,
 * kernels_isa, threads. */
void fg_cli_graph_json_keys(const fg_cli_graph *g);
/* The stage timings as `"read_fne": 0.1234, ...` (no braces). */
void fg_cli_graph_json_seconds(const fg_cli_graph *g);

#endif
