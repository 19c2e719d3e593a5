/* FNE + weights -> graph for `fnegraph graph` and `fnegraph cluster --fne`
 * (see graph_pipeline.h). */
#include "graph_pipeline.h"

#include "cli.h"
#include "fnegraph/cpu.h"
#include "fnegraph/weights.h"

#include <omp.h>
#include <string.h>

const char *const fg_cli_graph_stage[FG_CLI_GRAPH_STAGES] = {
    "read_fne", "read_weights", "standardize", "ternarize", "ff_edges", "build", "summarize"};

void fg_cli_graph_init(fg_cli_graph *g, const char *cmd, const char *fne_path, const char *weights_path,
                       double lo, double hi, double k)
{
    memset(g, 0, sizeof *g);
    g->cmd = cmd;
    g->fne_path = fne_path;
    g->weights_path = weights_path;
    g->lo = lo;
    g->hi = hi;
    g->k = k;
}

fg_status fg_cli_graph_read_fne(fg_cli_graph *g)
{
    double t = fg_cli_now();
    fg_status st = fg_fne_read(g->fne_path, &g->fne);
    g->sec[0] = fg_cli_now() - t;
    if (st != FG_OK) return st;
    if (g->fne.n < 1) return FG_FAIL(FG_EFORMAT, "%s: the embedding has no image", g->fne_path);
    return FG_OK;
}

fg_status fg_cli_graph_build(fg_cli_graph *g)
{
    fg_status st = FG_OK;
    fg_weights w;
    fg_ff_weights agg;
    memset(&w, 0, sizeof w);
    memset(&agg, 0, sizeof agg);
    double t = fg_cli_now();
    FG_CHECK_GOTO(st, fg_weights_load(g->weights_path, &w));
    g->sec[1] = fg_cli_now() - t;
    if (g->fne.weights_sha256[0] && w.sha256[0] && strcmp(g->fne.weights_sha256, w.sha256) != 0)
        fprintf(stderr,
                "fnegraph %s: note: %s was extracted with weights %.12s..., %s is %.12s...: the\n"
                "  feature-feature edges come from other weights than the embedding\n",
                g->cmd, g->fne_path, g->fne.weights_sha256, g->weights_path, w.sha256);
    t = fg_cli_now();
    FG_CHECK_GOTO(st, fg_ff_weights_aggregate(&w, &agg));
    const double sec_aggregate = fg_cli_now() - t;
    fg_weights_destroy(&w); /* 553 MB no longer needed */
    FG_CHECK_GOTO(st, fg_graph_from_fne(g->fne.x, g->fne.n, (const char *const *)g->fne.path, g->fne_path, &agg,
                                        g->lo, g->hi, g->k, &g->made));
    g->sec[2] = g->made.sec_stats;
    g->sec[3] = g->made.sec_ternarize;
    g->sec[4] = sec_aggregate + g->made.sec_ff_edges;
    g->sec[5] = g->made.sec_build;
    g->sec[6] = g->made.sec_summarize;
done:
    fg_ff_weights_destroy(&agg);
    fg_weights_destroy(&w);
    return st;
}

void fg_cli_graph_destroy(fg_cli_graph *g)
{
    if (!g) return;
    fg_fne_graph_destroy(&g->made);
    fg_fne_destroy(&g->fne);
}


void fg_cli_graph_json_keys(const fg_cli_graph *g)
{
    const fg_graph_summary *s = &g->made.summary;
    const fg_ff_edges *ff = &g->made.ff;
    printf("  \"fne\": ");
    fg_cli_json_string(g->fne_path);
    printf(",\n  \"weights\": ");
    fg_cli_json_string(g->weights_path);
    printf(",\n  \"dataset\": ");
    fg_cli_json_string(g->fne.dataset);
    printf(",\n  \"lo\": %.17g,\n  \"hi\": %.17g,\n  \"k\": %.17g,\n", g->lo, g->hi, g->k);
    printf("  \"n_images\": %u,\n  \"n_vertices\": %u,\n  \"n_vertices_nonisolated\": %u,\n", s->n_images,
           s->n_vertices, s->n_vertices_nonisolated);
    printf("  \"n_edges\": %" PRIu64 ",\n  \"n_edges_if\": %" PRIu64 ",\n  \"n_edges_ff\": %" PRIu64 ",\n", s->n_edges,
           s->n_edges_if, s->n_edges_ff);
    printf("  \"n_components\": %u,\n  \"n_components_nonisolated\": %u,\n", s->n_components,
           s->n_components_nonisolated);
    printf("  \"largest_component\": %u,\n  \"largest_component_images\": %u,\n", s->largest_component,
           s->largest_component_images);
    printf("  \"n_edges_ff_by_layer\": {");
    for (int p = 0; p < FG_FF_PAIRS; p++)
        printf("%s\n    \"%s->%s\": {\"positive\": %" PRIu64 ", \"negative\": %" PRIu64 "}", p ? "," : "",
               fg_vgg16_layers[p].name, fg_vgg16_layers[p + 1].name, 2 * ff->n_pairs_pos[p], 2 * ff->n_pairs_neg[p]);
    printf("\n  },\n  \"kernels_isa\": \"%s\",\n  \"threads\": %d,\n", fg_isa_name(fg_cpu_isa()),
           omp_get_max_threads());
}

void fg_cli_graph_json_seconds(const fg_cli_graph *g)
{
    for (int i = 0; i < FG_CLI_GRAPH_STAGES; i++)
        printf("%s\"%s\": %.4f", i ? ", " : "", fg_cli_graph_stage[i], g->sec[i]);
}
