/* fnegraph cluster: Fluid Communities on the largest connected component of
 * a graph, scored against the images' labels. The graph comes either from an
 * FNE file and the weights, built in process exactly as `fnegraph graph`
 * builds it (graph_pipeline.c), or from an edge file (--edges). With
 * --method kmeans | kmeans-ternary: the k-means baselines on the FNE file
 * instead (cmd_cluster_kmeans.c). */
#include "cli.h"
#include "cluster_kmeans.h"
#include "commands.h"
#include "core/file_guard.h"
#include "fnegraph/community.h"
#include "fnegraph/edges_file.h"
#include "fnegraph/mem.h"
#include "fnegraph/metrics.h"
#include "fnegraph/pipeline.h"
#include "graph_pipeline.h"

#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *HELP =
    "Usage: fnegraph cluster --fne FNE.h5 --weights W.h5 [--lo L] [--hi H] [--k K]\n"
    "                        [--communities C] [--seed S] [--variant paper|standard]\n"
    "                        [--max-iter N] [--threads T] [--json] [--membership M.txt]\n"
    "       fnegraph cluster --edges E.h5 --communities C [--seed S]\n"
    "                        [--variant paper|standard] [--max-iter N] [--json]\n"
    "                        [--membership M.txt]\n"
    "       fnegraph cluster --fne FNE.h5 --method kmeans|kmeans-ternary [--lo L --hi H]\n"
    "                        [--communities C] [--seed S] [--restarts R] [--max-iter N]\n"
    "                        [--threads T] [--json] [--membership M.txt]\n"
    "\n"
    "Runs Fluid Communities (docs/method.md section 6) and scores the communities of the\n"
    "images against their classes. The graph is either built from an embedding and\n"
    "the weights exactly as 'fnegraph graph' builds it (same options, same\n"
    "figures), or read from any file in the edge-file format (docs/formats.md: /edges\n"
    "int32 [E][2] with u < v, attributes n_vertices and n_images, optional /label\n"
    "int32 [n_images]), e.g. one 'fnegraph graph --edges' wrote. FluidC needs a\n"
    "connected graph: it runs on the largest connected component, and the vertices\n"
    "and image vertices outside it are counted and reported (never dropped\n"
    "silently). The communities of the image vertices inside the component are\n"
    "scored against the labels: NMI and AMI under the normalizations min,\n"
    "geometric, arithmetic and max, as scikit-learn computes them (see\n"
    "'fnegraph score --help'). --method kmeans or kmeans-ternary clusters the\n"
    "images' vectors instead, without a graph (see 'k-means' below).\n"
    "\n";
/* in two parts: C99 compilers need only support literals of 4095 characters */
static const char *HELP_OPTIONS =
    "The graph (one of):\n"
    "  --fne FNE.h5          the embedding (from 'fnegraph extract'), with --weights\n"
    "  --weights W.h5        the Keras VGG16 weights (for the feature-feature edges)\n"
    "  --lo L, --hi H, --k K thresholds and feature-feature sparsity as in\n"
    "                        'fnegraph graph' (defaults -2, 2, 1.5)\n"
    "  --threads T           threads to build the graph (default: OMP_NUM_THREADS, or\n"
    "                        all cores; FluidC itself runs on one)\n"
    "  --edges E.h5          a graph file instead; scored only when it has /label\n"
    "Clustering:\n"
    "  --communities C       number of communities k, 1 <= k <= the image vertices in\n"
    "                        the component (paper) or its vertices (standard); with\n"
    "                        --fne it defaults to the number of classes in the FNE\n"
    "                        file, with --edges it is required\n"
    "  --seed S              seed of the run's random generator (default 1); the same\n"
    "                        seed and graph give the same communities\n"
    "  --variant V           paper (default): seeds on image vertices, and a community\n"
    "                        never loses its last image; standard: FluidC as NetworkX's\n"
    "                        asyn_fluidc\n"
    "  --max-iter N          stop after N sweeps if not converged before (default 100)\n"
    "Output:\n"
    "  --membership M.txt    write one community id per vertex of the whole graph, in\n"
    "                        vertex order (images first); -1 for a vertex outside the\n"
    "                        component (or, only when --max-iter stopped the run early,\n"
    "                        one no community reached)\n"
    "  --json                one JSON object on stdout. With --edges: edges_file,\n"
    "                        n_vertices, n_edges, n_images, n_components,\n"
    "                        largest_component; with --fne: the keys of 'fnegraph graph\n"
    "                        --json' (fne, weights, dataset, lo, hi, k, n_images,\n"
    "                        n_vertices, n_vertices_nonisolated, n_edges, n_edges_if,\n"
    "                        n_edges_ff, n_components, n_components_nonisolated,\n"
    "                        largest_component, largest_component_images,\n"
    "                        n_edges_ff_by_layer, kernels_isa, threads). Then, both:\n"
    "                        n_vertices_outside, n_images_outside, communities, seed,\n"
    "                        variant, max_iter, sweeps, converged, n_unassigned,\n"
    "                        n_images_scored, nmi and ami (objects keyed by\n"
    "                        min/geometric/arithmetic/max, null without labels),\n"
    "                        seconds {read, components, fluidc, score, total} (--edges)\n"
    "                        or {read_fne, read_weights, standardize, ternarize,\n"
    "                        ff_edges, build, summarize, components, fluidc, score,\n"
    "                        total} (--fne)\n"
    "  -h, --help            this text\n"
    "\n"
    "\n";
/* the k-means part, and the examples */
static const char *HELP_KMEANS =
    "k-means (the vector-space baselines, docs/method.md section 9):\n"
    "  --method M            fluidc (default): the graph and FluidC as above;\n"
    "                        kmeans: k-means on the standardized FNE (N x 12416 z);\n"
    "                        kmeans-ternary: k-means on the ternary codes in {-1, 0, 1}\n"
    "                        at --lo/--hi (default -2, 2), the codes the graph's\n"
    "                        image-feature edges carry. Both need --fne and no\n"
    "                        weights; --communities is k (default: the classes;\n"
    "                        more than the images is refused); --seed seeds\n"
    "                        k-means++; --threads the threads of the products\n"
    "  --restarts R          k-means++ seedings + Lloyd runs, the lowest inertia\n"
    "                        kept (default 1)\n"
    "  --max-iter N          Lloyd iterations at most (default 300, as scikit-learn);\n"
    "                        Lloyd stops earlier when no label changes or the centres\n"
    "                        move less than 1e-4 x the mean feature variance\n"
    "  --membership M.txt    one cluster id per image, in the FNE file's row order\n"
    "  --json                fne, dataset, method, lo, hi (null for kmeans), n_images,\n"
    "                        n_features, n_images_outside (0), communities, seed,\n"
    "                        restarts, max_iter, iterations, converged, inertia,\n"
    "                        restart (the kept one), n_reseeded (empty clusters\n"
    "                        re-seeded), n_images_scored, nmi, ami, distance_impl,\n"
    "                        threads, seconds {read_fne, standardize, [ternarize,]\n"
    "                        seed, lloyd, distance, score, total}. FluidC's --json\n"
    "                        has \"method\": \"fluidc\" too.\n"
    "\n"
    "Examples:\n"
    "  fnegraph cluster --fne cache/flowers102_fne.h5 \\\n"
    "      --weights weights/vgg16_weights_tf_dim_ordering_tf_kernels.h5 --seed 3 --json\n"
    "  fnegraph cluster --edges graph.h5 --communities 102 --seed 3 --json\n"
    "  fnegraph cluster --fne cache/flowers102_fne.h5 --method kmeans --seed 3 --json\n";

typedef struct cluster_job {
    const char *edges, *fne, *weights, *mpath;
    double lo, hi, kf;          /* graph options (--fne) */
    long k;                     /* communities; 0 = the FNE's classes */
    uint64_t seed;
    fg_fluid_variant variant;
    long max_iter;
    int json;
} cluster_job;

/* What the pipeline gave for the one run (fg_cluster_graph). */
typedef struct clustered {
    fg_cluster_component cc;
    fg_cluster_outcome run;     /* run.membership: [n_vertices of the whole graph] */
    bool impossible;            /* more communities than the component allows */
    fg_progress prog;
} clustered;

static void print_norm_object(const char *key, const double *v, bool have, const char *tail)
{
    printf("  \"%s\": ", key);
    if (!have) {
        printf("null%s\n", tail);
        return;
    }
    printf("{");
    for (int m = 0; m < FG_NORM_COUNT; m++)
        printf("\"%s\": %.17g%s", fg_norm_name((fg_norm)m), v[m], m + 1 < FG_NORM_COUNT ? ", " : "");
    printf("}%s\n", tail);
}

/* One community id a line, written as PATH.tmp, synced and renamed: a full
 * disk or a crash never leaves a cut-off PATH, and an earlier PATH stays
 * whole until the new one is complete. */
fg_status fg_cli_write_membership(const char *path, const int32_t *m, uint32_t n)
{
    fg_status st = FG_OK;
    size_t len = strlen(path);
    char *tmp = malloc(len + 5);
    if (!tmp) return FG_FAIL(FG_ENOMEM, "%s: out of memory", path);
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp", 5);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        st = FG_FAIL(FG_EIO, "%s: cannot create (%s)", tmp, strerror(errno));
        goto done;
    }
    for (uint32_t v = 0; v < n; v++) fprintf(f, "%d\n", m[v]);
    int bad = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;
    if (fclose(f) != 0 || bad) {
        st = FG_FAIL(FG_EIO, "%s: write failed (%s); free space and run again", path,
                     errno ? strerror(errno) : "disk full?");
        unlink(tmp);
        goto done;
    }
    if (rename(tmp, path) != 0) {
        st = FG_FAIL(FG_EIO, "%s: cannot rename %s to it (%s)", path, tmp, strerror(errno));
        unlink(tmp);
    }
done:
    free(tmp);
    return st;
}

static fg_status keep_outcome(void *ctx, fg_cluster_outcome *o)
{
    clustered *r = ctx;
    if (!o->possible) {
        r->impossible = true;
        return FG_OK;
    }
    r->run = *o;
    o->membership = NULL; /* ours now */
    return FG_OK;
}

static void on_sweep(void *ctx, uint32_t sweeps)
{
    fg_progress_update(ctx, sweeps);
}

/* FluidC on the largest component of g (g itself when connected), its image
 * vertices scored against labels[n_images] when not NULL: the pipeline's
 * clustering call with one run. what names the graph's source in messages. */
static fg_status cluster_graph(const char *what, const fg_csr *g, const int32_t *labels, const cluster_job *job,
                               clustered *out)
{
    memset(out, 0, sizeof *out);
    const fg_cluster_run run = {job->k, job->seed};
    const fg_cluster_opts o = {.variant = job->variant,
                               .max_iter = (uint32_t)job->max_iter,
                               .threads = 1,
                               .membership = true,
                               .what = what,
                               .on_sweep = on_sweep,
                               .on_sweep_ctx = &out->prog};
    fg_progress_start(&out->prog, "sweeps", (uint64_t)job->max_iter, 0);
    fg_status st = fg_cluster_graph(g, NULL, labels, &run, 1, &o, keep_outcome, out, &out->cc);
    if (st != FG_OK) return st;
    const fg_cluster_component *cc = &out->cc;
    if (out->impossible) {
        if (job->variant == FG_FLUID_PAPER)
            return FG_FAIL(FG_EINVAL,
                           "%s: %ld communities, but the largest connected component has %u image vertices (%u of "
                           "the %u images are outside it); ask for fewer or use --variant standard",
                           what, job->k, cc->n_images, cc->n_images_outside, g->n_images);
        return FG_FAIL(FG_EINVAL, "%s: %ld communities, but the largest connected component has only %u vertices",
                       what, job->k, cc->n_vertices);
    }
    out->prog.total = out->run.sweeps;
    fg_progress_finish(&out->prog);
    return FG_OK;
}

/* The cluster keys both forms of the JSON share (every line ends with a comma). */
static void json_cluster_keys(const cluster_job *job, const clustered *r)
{
    printf("  \"method\": \"fluidc\",\n");
    printf("  \"n_vertices_outside\": %u,\n  \"n_images_outside\": %u,\n  \"communities\": %ld,\n",
           r->cc.n_vertices_outside, r->cc.n_images_outside, job->k);
    printf("  \"seed\": %" PRIu64 ",\n  \"variant\": \"%s\",\n  \"max_iter\": %ld,\n  \"sweeps\": %u,\n", job->seed,
           fg_fluid_variant_name(job->variant), job->max_iter, r->run.sweeps);
    printf("  \"converged\": %s,\n  \"n_unassigned\": %u,\n  \"n_images_scored\": %u,\n",
           r->run.converged ? "true" : "false", r->run.n_unassigned, r->run.scored ? r->cc.n_images : 0);
    print_norm_object("nmi", r->run.scores.nmi, r->run.scored, ",");
    print_norm_object("ami", r->run.scores.ami, r->run.scored, ",");
}

static void text_cluster(const char *what, const cluster_job *job, const fg_csr *g, const clustered *r)
{
    printf("largest component: %u vertices of %u (%u component%s); outside it: %u vertices, %u images\n",
           r->cc.n_vertices, g->n_vertices, r->cc.n_components, r->cc.n_components == 1 ? "" : "s",
           r->cc.n_vertices_outside, r->cc.n_images_outside);
    printf("FluidC %s, k = %ld, seed %" PRIu64 ": %u sweeps, %s\n", fg_fluid_variant_name(job->variant), job->k,
           job->seed, r->run.sweeps, r->run.converged ? "converged" : "stopped at --max-iter");
    if (r->run.n_unassigned)
        printf("  %u vertices were not reached by any community (membership -1)\n", r->run.n_unassigned);
    if (r->run.scored) {
        printf("scores over %u image vertices:\n       %-10s %-10s %-10s %-10s\nNMI   ", r->cc.n_images, "min",
               "geometric", "arithmetic", "max");
        for (int m = 0; m < FG_NORM_COUNT; m++) printf(" %-10.6f", r->run.scores.nmi[m]);
        printf("\nAMI   ");
        for (int m = 0; m < FG_NORM_COUNT; m++) printf(" %-10.6f", r->run.scores.ami[m]);
        printf("\n");
    } else printf("no /label in %s: nothing to score\n", what);
}

static int run_edges(const cluster_job *job)
{
    fg_status st = FG_OK;
    fg_csr g;
    int32_t *labels = NULL;
    clustered r;
    memset(&g, 0, sizeof g);
    memset(&r, 0, sizeof r);
    const double t0 = fg_cli_now();
    FG_CHECK_GOTO(st, fg_edges_file_read(job->edges, &g, &labels));
    const double t_read = fg_cli_now() - t0;
    FG_CHECK_GOTO(st, cluster_graph(job->edges, &g, labels, job, &r));
    if (job->mpath) FG_CHECK_GOTO(st, fg_cli_write_membership(job->mpath, r.run.membership, g.n_vertices));
    const double t_total = fg_cli_now() - t0;
    if (job->json) {
        printf("{\n  \"edges_file\": ");
        fg_cli_json_string(job->edges);
        printf(",\n  \"n_vertices\": %u,\n  \"n_edges\": %" PRIu64 ",\n  \"n_images\": %u,\n", g.n_vertices,
               fg_csr_n_edges(&g), g.n_images);
        printf("  \"n_components\": %u,\n  \"largest_component\": %u,\n", r.cc.n_components, r.cc.n_vertices);
        json_cluster_keys(job, &r);
        printf("  \"seconds\": {\"read\": %.6f, \"components\": %.6f, \"fluidc\": %.6f, \"score\": %.6f, "
               "\"total\": %.6f}\n}\n",
               t_read, r.cc.seconds, r.run.seconds_fluidc, r.run.seconds_score, t_total);
    } else {
        printf("graph %s: %u vertices (%u images), %" PRIu64 " edges\n", job->edges, g.n_vertices, g.n_images,
               fg_csr_n_edges(&g));
        text_cluster(job->edges, job, &g, &r);
        printf("seconds: read %.3f, components %.3f, fluidc %.3f, score %.3f, total %.3f\n", t_read,
               r.cc.seconds, r.run.seconds_fluidc, r.run.seconds_score, t_total);
        if (job->mpath) printf("membership written to %s\n", job->mpath);
    }
done:
    fg_csr_destroy(&g);
    fg_free(labels);
    fg_free(r.run.membership);
    return st == FG_OK ? FG_EXIT_OK : fg_cli_fail("cluster", st);
}

static int run_fne(cluster_job *job)
{
    fg_status st = FG_OK;
    fg_cli_graph cg;
    clustered r;
    memset(&r, 0, sizeof r);
    const double t0 = fg_cli_now();
    fg_cli_graph_init(&cg, "cluster", job->fne, job->weights, job->lo, job->hi, job->kf);
    FG_CHECK_GOTO(st, fg_cli_graph_read_fne(&cg));
    /* what can be checked before the weights are read and the graph built */
    if (!job->k) {
        if (cg.fne.n_classes < 1) {
            st = FG_FAIL(FG_EFORMAT, "%s: the file names no class (/class_names is empty): give --communities",
                         job->fne);
            goto done;
        }
        job->k = cg.fne.n_classes;
    }
    if ((uint64_t)job->k > fg_fluid_max_communities(job->variant, (uint32_t)cg.fne.n, UINT32_MAX)) {
        st = FG_FAIL(FG_EINVAL,
                     "%s: %ld communities, but the embedding has only %" PRId64
                     " images to seed them on (paper variant); ask for fewer or use --variant standard",
                     job->fne, job->k, cg.fne.n);
        goto done;
    }
    FG_CHECK_GOTO(st, fg_cli_graph_build(&cg));
    const fg_csr *g = &cg.made.graph;
    FG_CHECK_GOTO(st, cluster_graph(job->fne, g, cg.fne.label, job, &r));
    if (job->mpath) FG_CHECK_GOTO(st, fg_cli_write_membership(job->mpath, r.run.membership, g->n_vertices));
    const double t_total = fg_cli_now() - t0;
    if (job->json) {
        printf("{\n");
        fg_cli_graph_json_keys(&cg);
        json_cluster_keys(job, &r);
        printf("  \"seconds\": {");
        fg_cli_graph_json_seconds(&cg);
        printf(", \"components\": %.4f, \"fluidc\": %.4f, \"score\": %.4f, \"total\": %.4f}\n}\n", r.cc.seconds,
               r.run.seconds_fluidc, r.run.seconds_score, t_total);
    } else {
        const fg_graph_summary *s = &cg.made.summary;
        printf("fnegraph cluster: %s (%s, %u images in %d classes), lo %g, hi %g, k %g\n", job->fne,
               cg.fne.dataset[0] ? cg.fne.dataset : "dataset unknown", s->n_images, cg.fne.n_classes, job->lo,
               job->hi, job->kf);
        printf("graph: %u vertices (%u non-isolated), %" PRIu64 " edges = %" PRIu64 " image-feature + %" PRIu64
               " feature-feature\n",
               s->n_vertices, s->n_vertices_nonisolated, s->n_edges, s->n_edges_if, s->n_edges_ff);
        text_cluster(job->fne, job, g, &r);
        printf("seconds:");
        for (int i = 0; i < FG_CLI_GRAPH_STAGES; i++) printf(" %s %.3f,", fg_cli_graph_stage[i], cg.sec[i]);
        printf(" components %.3f, fluidc %.3f, score %.3f, total %.3f (%d threads for the graph)\n", r.cc.seconds,
               r.run.seconds_fluidc, r.run.seconds_score, t_total, omp_get_max_threads());
        if (job->mpath) printf("membership written to %s\n", job->mpath);
    }
done:
    fg_cli_graph_destroy(&cg);
    fg_free(r.run.membership);
    return st == FG_OK ? FG_EXIT_OK : fg_cli_fail("cluster", st);
}

/* --membership M.txt checked before any work (a graph can take minutes). */
static bool membership_path_ok(const cluster_job *job)
{
    if (!job->mpath) return true;
    fg_status st = fg_i_output_file(job->mpath, "the membership file");
    if (st != FG_OK) fg_cli_fail("cluster", st);
    return st == FG_OK;
}

/* --method kmeans | kmeans-ternary: the options that apply, then the run. */
static int run_kmeans(const cluster_job *job, fg_method method, bool lohi, bool k_opt, bool variant_opt,
                      bool maxit_opt, long threads, long restarts)
{
    const char *m = fg_method_name(method);
    if (job->edges)
        return fg_cli_usage_error("cluster", "--method %s clusters the vectors of --fne FNE.h5; an --edges file "
                                             "holds a graph, not vectors", m);
    if (!job->fne) return fg_cli_usage_error("cluster", "--method %s needs --fne FNE.h5", m);
    if (job->weights)
        return fg_cli_usage_error("cluster", "--weights: --method %s needs no weights (only fluidc builds a graph)",
                                  m);
    if (k_opt)
        return fg_cli_usage_error("cluster", "--k is the graph's feature-feature sparsity: --method %s builds no "
                                             "graph (--communities is the number of clusters)", m);
    if (variant_opt) return fg_cli_usage_error("cluster", "--variant is FluidC's: not for --method %s", m);
    if (method == FG_METHOD_KMEANS && lohi)
        return fg_cli_usage_error("cluster", "--lo/--hi: --method kmeans clusters the standardized FNE; the "
                                             "thresholds are for kmeans-ternary");
    if (job->lo > job->hi) return fg_cli_usage_error("cluster", "--lo %g is above --hi %g", job->lo, job->hi);
    if (threads > 0) omp_set_num_threads((int)threads);
    if (!membership_path_ok(job)) return FG_EXIT_FAIL;
    fg_cluster_kmeans_job kj = {job->fne, job->mpath, method, job->lo, job->hi, job->k, job->seed,
                                maxit_opt ? job->max_iter : FG_KMEANS_DEFAULT_MAX_ITER,
                                restarts ? restarts : 1, job->json};
    return fg_cluster_kmeans_main(&kj);
}

int fg_cmd_cluster(int argc, char **argv)
{
    enum { OPT_EDGES = 1, OPT_FNE, OPT_WEIGHTS, OPT_LO, OPT_HI, OPT_K, OPT_THREADS, OPT_COMM, OPT_SEED, OPT_VARIANT,
           OPT_MAXIT, OPT_MEMB, OPT_JSON, OPT_METHOD, OPT_RESTARTS };
    static const struct option opts[] = {{"edges", required_argument, NULL, OPT_EDGES},
                                         {"fne", required_argument, NULL, OPT_FNE},
                                         {"weights", required_argument, NULL, OPT_WEIGHTS},
                                         {"lo", required_argument, NULL, OPT_LO},
                                         {"hi", required_argument, NULL, OPT_HI},
                                         {"k", required_argument, NULL, OPT_K},
                                         {"threads", required_argument, NULL, OPT_THREADS},
                                         {"communities", required_argument, NULL, OPT_COMM},
                                         {"seed", required_argument, NULL, OPT_SEED},
                                         {"variant", required_argument, NULL, OPT_VARIANT},
                                         {"max-iter", required_argument, NULL, OPT_MAXIT},
                                         {"membership", required_argument, NULL, OPT_MEMB},
                                         {"json", no_argument, NULL, OPT_JSON},
                                         {"method", required_argument, NULL, OPT_METHOD},
                                         {"restarts", required_argument, NULL, OPT_RESTARTS},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    cluster_job job = {NULL, NULL, NULL, NULL, -2.0, 2.0, 1.5, 0, 1, FG_FLUID_PAPER, FG_FLUID_DEFAULT_MAX_ITER, 0};
    bool graph_opt = false; /* --lo, --hi, --k or --threads given */
    bool lohi = false, k_opt = false, variant_opt = false, maxit_opt = false;
    fg_method method = FG_METHOD_FLUIDC;
    long threads = 0, restarts = 0;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_EDGES: job.edges = optarg; break;
        case OPT_FNE: job.fne = optarg; break;
        case OPT_WEIGHTS: job.weights = optarg; break;
        case OPT_LO:
            if (!fg_cli_double("cluster", "--lo", optarg, &job.lo)) return FG_EXIT_USAGE;
            graph_opt = lohi = true;
            break;
        case OPT_HI:
            if (!fg_cli_double("cluster", "--hi", optarg, &job.hi)) return FG_EXIT_USAGE;
            graph_opt = lohi = true;
            break;
        case OPT_K:
            if (!fg_cli_double("cluster", "--k", optarg, &job.kf)) return FG_EXIT_USAGE;
            graph_opt = k_opt = true;
            break;
        case OPT_THREADS:
            if (!fg_cli_int("cluster", "--threads", optarg, 1, 4096, &threads)) return FG_EXIT_USAGE;
            graph_opt = true;
            break;
        case OPT_COMM:
            if (!fg_cli_int("cluster", "--communities", optarg, 1, INT32_MAX, &job.k)) return FG_EXIT_USAGE;
            break;
        case OPT_SEED:
            if (!fg_cli_u64("cluster", "--seed", optarg, &job.seed)) return FG_EXIT_USAGE;
            break;
        case OPT_VARIANT:
            if (fg_fluid_variant_parse(optarg, &job.variant) != FG_OK)
                return fg_cli_usage_error("cluster", "--variant: expected paper or standard, got '%s'", optarg);
            variant_opt = true;
            break;
        case OPT_MAXIT:
            if (!fg_cli_int("cluster", "--max-iter", optarg, 1, 1000000, &job.max_iter)) return FG_EXIT_USAGE;
            maxit_opt = true;
            break;
        case OPT_METHOD:
            if (fg_method_parse(optarg, &method) != FG_OK)
                return fg_cli_usage_error("cluster", "--method: expected fluidc, kmeans or kmeans-ternary, got '%s'",
                                          optarg);
            break;
        case OPT_RESTARTS:
            if (!fg_cli_int("cluster", "--restarts", optarg, 1, 100000, &restarts)) return FG_EXIT_USAGE;
            break;
        case OPT_MEMB: job.mpath = optarg; break;
        case OPT_JSON: job.json = 1; break;
        case 'h':
            fputs(HELP, stdout);
            fputs(HELP_OPTIONS, stdout);
            fputs(HELP_KMEANS, stdout);
            return FG_EXIT_OK;
        case ':': return fg_cli_usage_error("cluster", "option '%s' needs a value", argv[optind - 1]);
        default: return fg_cli_usage_error("cluster", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return fg_cli_usage_error("cluster", "unexpected argument '%s'", argv[optind]);
    if (method != FG_METHOD_FLUIDC)
        return run_kmeans(&job, method, lohi, k_opt, variant_opt, maxit_opt, threads, restarts);
    if (restarts) return fg_cli_usage_error("cluster", "--restarts is for --method kmeans or kmeans-ternary");
    if (job.edges && (job.fne || job.weights))
        return fg_cli_usage_error("cluster", "--edges E.h5 or --fne FNE.h5 --weights W.h5, not both");
    if (job.edges) {
        if (graph_opt)
            return fg_cli_usage_error("cluster", "--lo, --hi, --k and --threads build a graph from --fne; "
                                                 "an --edges file is a graph already");
        if (!job.k) return fg_cli_usage_error("cluster", "--communities C is required with --edges");
        if (!membership_path_ok(&job)) return FG_EXIT_FAIL;
        return run_edges(&job);
    }
    if (!job.fne) return fg_cli_usage_error("cluster", "--fne FNE.h5 --weights W.h5, or --edges E.h5, is required");
    if (!job.weights) return fg_cli_usage_error("cluster", "--weights W.h5 is required with --fne");
    if (job.lo > job.hi) return fg_cli_usage_error("cluster", "--lo %g is above --hi %g", job.lo, job.hi);
    if (job.kf < 0) return fg_cli_usage_error("cluster", "--k %g: need k >= 0", job.kf);
    if (threads > 0) omp_set_num_threads((int)threads);
    if (!membership_path_ok(&job)) return FG_EXIT_FAIL;
    return run_fne(&job);
}
