/* fnegraph graph: the graph of SPEC.md §4-5 from a cached FNE and the VGG16
 * weights, with its figures (|V| all and non-isolated, |E| by kind and by
 * layer pair, components) as text or JSON, and optionally the edge file. */
#include "cli.h"
#include "commands.h"
#include "fnegraph/cpu.h"
#include "fnegraph/edges_file.h"
#include "fnegraph/fne_file.h"
#include "fnegraph/graph.h"
#include "fnegraph/weights.h"

#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

static const char *HELP =
    "Usage: fnegraph graph --fne FNE.h5 --weights W.h5 [--lo L] [--hi H] [--k K]\n"
    "                      [--edges E.h5] [--threads T] [--json]\n"
    "\n"
    "Builds the graph of the paper (SPEC.md sections 4-5) and reports its size:\n"
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
    "                    which 'fnegraph cluster --edges' reads\n"
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

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20) printf("\\u%04x", (unsigned char)*s);
        else putchar(*s);
    }
    putchar('"');
}

static void report(const graph_job *job, const fg_fne *fne, const fg_ff_edges *ff,
                   const fg_graph_summary *s, const double *sec, const char *const *stage)
{
    enum { STAGES = 7 };
    if (job->json) {
        printf("{\n  \"fne\": ");
        json_string(job->fne_path);
        printf(",\n  \"weights\": ");
        json_string(job->weights_path);
        printf(",\n  \"dataset\": ");
        json_string(fne->dataset);
        printf(",\n  \"lo\": %.17g,\n  \"hi\": %.17g,\n  \"k\": %.17g,\n", job->lo, job->hi, job->k);
        printf("  \"n_images\": %u,\n  \"n_vertices\": %u,\n  \"n_vertices_nonisolated\": %u,\n",
               s->n_images, s->n_vertices, s->n_vertices_nonisolated);
        printf("  \"n_edges\": %" PRIu64 ",\n  \"n_edges_if\": %" PRIu64 ",\n  \"n_edges_ff\": %" PRIu64 ",\n",
               s->n_edges, s->n_edges_if, s->n_edges_ff);
        printf("  \"n_components\": %u,\n  \"n_components_nonisolated\": %u,\n", s->n_components,
               s->n_components_nonisolated);
        printf("  \"largest_component\": %u,\n  \"largest_component_images\": %u,\n",
               s->largest_component, s->largest_component_images);
        printf("  \"n_edges_ff_by_layer\": {");
        for (int p = 0; p < FG_FF_PAIRS; p++)
            printf("%s\n    \"%s->%s\": {\"positive\": %" PRIu64 ", \"negative\": %" PRIu64 "}", p ? "," : "",
                   fg_vgg16_layers[p].name, fg_vgg16_layers[p + 1].name, 2 * ff->n_pairs_pos[p],
                   2 * ff->n_pairs_neg[p]);
        printf("\n  },\n  \"kernels_isa\": \"%s\",\n  \"threads\": %d,\n  \"seconds\": {",
               fg_isa_name(fg_cpu_isa()), omp_get_max_threads());
        for (int i = 0; i < STAGES; i++) printf("%s\"%s\": %.4f", i ? ", " : "", stage[i], sec[i]);
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
    for (int i = 0; i < STAGES; i++) printf(" %s %.3f", stage[i], sec[i]);
    printf("  (%s kernels, %d threads)\n", fg_isa_name(fg_cpu_isa()), omp_get_max_threads());
    if (job->edges_path) printf("  edge file    %s\n", job->edges_path);
}

static int run(const graph_job *job)
{
    static const char *stage[] = {"read_fne", "read_weights", "standardize", "ternarize",
                                  "ff_edges", "build", "summarize"};
    double sec[7] = {0}, t;
    fg_status st = FG_OK;
    fg_fne fne;
    fg_weights w;
    fg_ff_weights agg;
    fg_ff_edges ff;
    fg_fne_stats stats;
    fg_codes codes;
    fg_csr g;
    fg_graph_summary sum;
    memset(&fne, 0, sizeof fne);
    memset(&w, 0, sizeof w);
    memset(&agg, 0, sizeof agg);
    memset(&ff, 0, sizeof ff);
    memset(&stats, 0, sizeof stats);
    memset(&codes, 0, sizeof codes);
    memset(&g, 0, sizeof g);

    t = fg_cli_now();
    FG_CHECK_GOTO(st, fg_fne_read(job->fne_path, &fne));
    sec[0] = fg_cli_now() - t;
    if (fne.n < 1) {
        st = FG_FAIL(FG_EFORMAT, "%s: the embedding has no image", job->fne_path);
        goto done;
    }
    t = fg_cli_now();
    FG_CHECK_GOTO(st, fg_weights_load(job->weights_path, &w));
    sec[1] = fg_cli_now() - t;
    if (fne.weights_sha256[0] && w.sha256[0] && strcmp(fne.weights_sha256, w.sha256) != 0)
        fprintf(stderr,
                "fnegraph graph: note: %s was extracted with weights %.12s..., %s is %.12s...: the\n"
                "  feature-feature edges come from other weights than the embedding\n",
                job->fne_path, fne.weights_sha256, job->weights_path, w.sha256);

    const char *const *names = (const char *const *)fne.path;
    t = fg_cli_now();
    st = fg_fne_stats_compute(fne.x, fne.n, FG_FNE_DIM, NULL, 0, names, &stats);
    sec[2] = fg_cli_now() - t;
    t = fg_cli_now();
    if (st == FG_OK)
        st = fg_codes_ternarize(fne.x, fne.n, FG_FNE_DIM, &stats, job->lo, job->hi, names, &codes);
    sec[3] = fg_cli_now() - t;
    if (st != FG_OK) { /* the library names the image and feature; add the file */
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", fg_last_error());
        st = FG_FAIL(st, "%s: %s", job->fne_path, msg);
        goto done;
    }
    t = fg_cli_now();
    FG_CHECK_GOTO(st, fg_ff_weights_aggregate(&w, &agg));
    fg_weights_destroy(&w); /* 553 MB no longer needed */
    FG_CHECK_GOTO(st, fg_ff_edges_compute(&agg, job->k, &ff));
    fg_ff_weights_destroy(&agg);
    sec[4] = fg_cli_now() - t;
    t = fg_cli_now();
    FG_CHECK_GOTO(st, fg_graph_build(&codes, &ff.graph, &g));
    sec[5] = fg_cli_now() - t;
    t = fg_cli_now();
    FG_CHECK_GOTO(st, fg_graph_summarize(&g, &sum));
    sec[6] = fg_cli_now() - t;
    if (job->edges_path) FG_CHECK_GOTO(st, fg_edges_file_write(job->edges_path, &g, fne.label));
    report(job, &fne, &ff, &sum, sec, stage);
done:
    fg_csr_destroy(&g);
    fg_codes_destroy(&codes);
    fg_fne_stats_destroy(&stats);
    fg_ff_edges_destroy(&ff);
    fg_ff_weights_destroy(&agg);
    fg_weights_destroy(&w);
    fg_fne_destroy(&fne);
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
    if (threads > 0) omp_set_num_threads((int)threads);
    return run(&job);
}
