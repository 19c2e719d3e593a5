/* fnegraph graph: the graph of docs/method.md §4-5 from a cached FNE and the VGG16
 * weights, with its figures (|V| all and non-isolated, |E| by kind and by
 * layer pair, components) as text or JSON, and optionally the edge file. */
#include "cli.h"
#include "commands.h"
#include "core/file_guard.h"
#include "fnegraph/cpu.h"
#include "fnegraph/edges_file.h"
#include "graph_pipeline.h"

#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

static const char *HELP =
    "Usage: fnegraph graph --fne FNE.h5 --weights W.h5 [--lo L] [--hi H] [--k K]\n"
    "                      [--edges E.h5] [--threads T] [--json]\n"
    "\n"
    "Builds the graph of the paper (docs/method.md sections 4-5) and reports its size:\n"
    "standardizes every feature of the embedding over the images of the file\n"
    "(population std; a constant feature gets z = 0), ternarizes z (z > hi: +1,\n"
    "z < lo: -1, strict), links each image to the features it has +1 or -1 on,\n"
    "and links features of consecutive layers whose aggregated weight lies more\n"
    "than k standard deviations from the output's mean weight.\n"
    "Vertices: images 0..N-1, positive feature f = N+f, negative = N+12416+f.\n"
    "\n"
    "Options:\n"
    "  --fne FNE.h5      the embedding (from 'fnegraph extract'); required\n"
    "  --weights W.h5    the Keras VGG16 weights the embedding was made with\n"
    "                    (vgg16_weights_tf_dim_ordering_tf_kernels.h5, or one from\n"
    "                    'fnegraph gen-weights'); required\n"
    "  --lo L            lower threshold (default -2, the paper's; the original FNE\n"
    "                    used -0.25)\n"
    "  --hi H            upper threshold (default 2; the original FNE used 0.15)\n"
    "  --k K             feature-feature sparsity, in standard deviations (default 1.5)\n"
    "  --edges E.h5      also write the graph as an edge file (with the images' labels),\n"
    "                    which 'fnegraph cluster --edges' reads (written to E.h5.tmp,\n"
    "                    then renamed; one writer: E.h5.lock)\n"
    "  --threads T       threads (default: OMP_NUM_THREADS, or all cores)\n"
    "  --json            one JSON object on stdout: n_images, n_vertices,\n"
    "                    n_vertices_nonisolated, n_edges, n_edges_if, n_edges_ff,\n"
    "                    n_components, n_components_nonisolated, largest_component,\n"
    "                    largest_component_images, n_edges_ff_by_layer, lo, hi, k,\n"
    "                    kernels_isa, threads, seconds (per stage)\n"
    "  -h, --help        this text\n"
    "\n"
    "|V| counts every vertex and, as the paper's Table 2 does, the non-isolated ones;\n"
    "an isolated vertex is a component of its own in n_components.\n"
    "\n"
    "Example:\n"
    "  fnegraph graph --fne cache/flowers102_fne.h5 \\\n"
    "      --weights weights/vgg16_weights_tf_dim_ordering_tf_kernels.h5 --json\n";

typedef struct graph_job {
    const char *fne_path, *weights_path, *edges_path;
    double lo, hi, k;
    int json;
} graph_job;

static void report(const graph_job *job, const fg_cli_graph *cg)
{
    const fg_fne *fne = &cg->fne;
    const fg_ff_edges *ff = &cg->made.ff;
    const fg_graph_summary *s = &cg->made.summary;
    if (job->json) {
        printf("{\n");
        fg_cli_graph_json_keys(cg);
        printf("  \"seconds\": {");
        fg_cli_graph_json_seconds(cg);
        printf("}\n}\n");
        return;
    }
    printf("fnegraph graph: %s (%s, %u images), lo %g, hi %g, k %g\n", job->fne_path,
           fne->dataset[0] ? fne->dataset : "dataset unknown", s->n_images, job->lo, job->hi, job->k);
    printf("  vertices     %u, non-isolated %u (the paper's |V|)\n", s->n_vertices, s->n_vertices_nonisolated);
    printf("  edges        %" PRIu64 " = %" PRIu64 " image-feature (%.1f an image) + %" PRIu64 " feature-feature\n",
           s->n_edges, s->n_edges_if, s->n_images ? (double)s->n_edges_if / s->n_images : 0.0, s->n_edges_ff);
    printf("  components   %u (%u with edges); largest %u vertices, %u of %u images\n", s->n_components,
           s->n_components_nonisolated, s->largest_component, s->largest_component_images, s->n_images);
    printf("  feature-feature edges by layer pair (positive + negative correlation):\n");
    for (int p = 0; p < FG_FF_PAIRS; p++)
        printf("    %-7s -> %-7s %9" PRIu64 " + %9" PRIu64 "\n", fg_vgg16_layers[p].name,
               fg_vgg16_layers[p + 1].name, 2 * ff->n_pairs_pos[p], 2 * ff->n_pairs_neg[p]);
    printf("  seconds     ");
    for (int i = 0; i < FG_CLI_GRAPH_STAGES; i++) printf(" %s %.3f", fg_cli_graph_stage[i], cg->sec[i]);
    printf("  (%s kernels, %d threads)\n", fg_isa_name(fg_cpu_isa()), omp_get_max_threads());
    if (job->edges_path) printf("  edge file    %s\n", job->edges_path);
}

static int run(const graph_job *job)
{
    fg_status st = FG_OK;
    fg_cli_graph cg;
    fg_cli_graph_init(&cg, "graph", job->fne_path, job->weights_path, job->lo, job->hi, job->k);
    FG_CHECK_GOTO(st, fg_cli_graph_read_fne(&cg));
    FG_CHECK_GOTO(st, fg_cli_graph_build(&cg));
    if (job->edges_path) FG_CHECK_GOTO(st, fg_edges_file_write(job->edges_path, &cg.made.graph, cg.fne.label));
    report(job, &cg);
done:
    fg_cli_graph_destroy(&cg);
    return st == FG_OK ? FG_EXIT_OK : fg_cli_fail("graph", st);
}

int fg_cmd_graph(int argc, char **argv)
{
    enum { OPT_FNE = 1, OPT_WEIGHTS, OPT_LO, OPT_HI, OPT_K, OPT_EDGES, OPT_THREADS, OPT_JSON };
    static const struct option opts[] = {
        {"fne", required_argument, NULL, OPT_FNE},       {"weights", required_argument, NULL, OPT_WEIGHTS},
        {"lo", required_argument, NULL, OPT_LO},         {"hi", required_argument, NULL, OPT_HI},
        {"k", required_argument, NULL, OPT_K},           {"edges", required_argument, NULL, OPT_EDGES},
        {"threads", required_argument, NULL, OPT_THREADS}, {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},                {NULL, 0, NULL, 0}};
    graph_job job = {NULL, NULL, NULL, -2.0, 2.0, 1.5, 0};
    long threads = 0;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_FNE: job.fne_path = optarg; break;
        case OPT_WEIGHTS: job.weights_path = optarg; break;
        case OPT_EDGES: job.edges_path = optarg; break;
        case OPT_JSON: job.json = 1; break;
        case OPT_LO:
            if (!fg_cli_double("graph", "--lo", optarg, &job.lo)) return FG_EXIT_USAGE;
            break;
        case OPT_HI:
            if (!fg_cli_double("graph", "--hi", optarg, &job.hi)) return FG_EXIT_USAGE;
            break;
        case OPT_K:
            if (!fg_cli_double("graph", "--k", optarg, &job.k)) return FG_EXIT_USAGE;
            break;
        case OPT_THREADS:
            if (!fg_cli_int("graph", "--threads", optarg, 1, 4096, &threads)) return FG_EXIT_USAGE;
            break;
        case 'h': fputs(HELP, stdout); return FG_EXIT_OK;
        case ':': return fg_cli_usage_error("graph", "option '%s' needs a value", argv[optind - 1]);
        default: return fg_cli_usage_error("graph", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return fg_cli_usage_error("graph", "unexpected argument '%s'", argv[optind]);
    if (!job.fne_path) return fg_cli_usage_error("graph", "--fne FNE.h5 is required");
    if (!job.weights_path) return fg_cli_usage_error("graph", "--weights W.h5 is required");
    if (job.lo > job.hi)
        return fg_cli_usage_error("graph", "--lo %g is above --hi %g", job.lo, job.hi);
    if (job.k < 0) return fg_cli_usage_error("graph", "--k %g: need k >= 0", job.k);
    if (job.edges_path) { /* before any work */
        fg_status st = fg_i_output_file(job.edges_path, "the edge file");
        if (st != FG_OK) return fg_cli_fail("graph", st);
    }
    if (threads > 0) omp_set_num_threads((int)threads);
    return run(&job);
}
