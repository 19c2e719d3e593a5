/* fnegraph cluster --edges: Fluid Communities on the largest connected
 * component of a graph read from an edge file, scored against its /label. */
#include "cli.h"
#include "commands.h"
#include "community/fluid_private.h"
#include "fnegraph/community.h"
#include "fnegraph/edges_file.h"
#include "fnegraph/mem.h"
#include "fnegraph/metrics.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char *HELP =
    "Usage: fnegraph cluster --edges E.h5 --communities C [--seed S]\n"
    "                        [--variant paper|standard] [--max-iter N] [--json]\n"
    "                        [--membership M.txt]\n"
    "\n"
    "Runs Fluid Communities (SPEC.md section 6) on any graph in the edge-file format\n"
    "(DESIGN.md: /edges int32 [E][2] with u < v, attributes n_vertices and n_images,\n"
    "optional /label int32 [n_images]). FluidC needs a connected graph: it runs on\n"
    "the largest connected component, and the vertices and image vertices outside it\n"
    "are counted and reported (never dropped silently). When the file has /label, the\n"
    "communities of the image vertices inside the component are scored against it:\n"
    "NMI and AMI under the normalizations min, geometric, arithmetic and max, as\n"
    "scikit-learn computes them (see `fnegraph score --help`).\n"
    "\n"
    "Options:\n"
    "  --edges E.h5          the graph (required)\n"
    "  --communities C       number of communities k (required), 1 <= k <= the image\n"
    "                        vertices in the component (paper) or its vertices (standard)\n"
    "  --seed S              seed of the run's random generator (default 1); the same\n"
    "                        seed and graph give the same communities\n"
    "  --variant V           paper (default): seeds on image vertices, and a community\n"
    "                        never loses its last image; standard: FluidC as NetworkX's\n"
    "                        asyn_fluidc\n"
    "  --max-iter N          stop after N sweeps if not converged before (default 100)\n"
    "  --membership M.txt    write one community id per vertex of the whole graph, in\n"
    "                        vertex order (images first); -1 for a vertex outside the\n"
    "                        component (or, only when --max-iter stopped the run early,\n"
    "                        one no community reached)\n"
    "  --json                one JSON object on stdout: n_vertices, n_edges, n_images,\n"
    "                        n_components, largest_component, n_vertices_outside,\n"
    "                        n_images_outside, communities, seed, variant, max_iter,\n"
    "                        sweeps, converged, n_unassigned, n_images_scored, nmi and\n"
    "                        ami (objects keyed by min/geometric/arithmetic/max, null\n"
    "                        without /label), seconds {read, components, fluidc, score,\n"
    "                        total}\n"
    "  -h, --help            this text\n"
    "\n"
    "Example:\n"
    "  fnegraph cluster --edges graph.h5 --communities 102 --seed 3 --json\n";

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

static fg_status write_membership(const char *path, const int32_t *m, uint32_t n)
{
    FILE *f = fopen(path, "w");
    if (!f) return FG_FAIL(FG_EIO, "%s: cannot create (%s)", path, strerror(errno));
    for (uint32_t v = 0; v < n; v++) fprintf(f, "%d\n", m[v]);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) return FG_FAIL(FG_EIO, "%s: write failed (disk full?)", path);
    return FG_OK;
}

int fg_cmd_cluster(int argc, char **argv)
{
    static const struct option opts[] = {{"edges", required_argument, NULL, 'e'},
                                         {"communities", required_argument, NULL, 'k'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"variant", required_argument, NULL, 'v'},
                                         {"max-iter", required_argument, NULL, 'i'},
                                         {"membership", required_argument, NULL, 'm'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *edges = NULL, *mpath = NULL;
    long k = 0, max_iter = FG_FLUID_DEFAULT_MAX_ITER;
    uint64_t seed = 1;
    fg_fluid_variant variant = FG_FLUID_PAPER;
    int json = 0, c, rc = FG_EXIT_OK;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'e': edges = optarg; break;
        case 'k':
            if (!fg_cli_int("cluster", "--communities", optarg, 1, INT32_MAX, &k)) return FG_EXIT_USAGE;
            break;
        case 's':
            if (!fg_cli_u64("cluster", "--seed", optarg, &seed)) return FG_EXIT_USAGE;
            break;
        case 'v':
            if (fg_fluid_variant_parse(optarg, &variant) != FG_OK)
                return fg_cli_usage_error("cluster", "--variant: expected paper or standard, got '%s'", optarg);
            break;
        case 'i':
            if (!fg_cli_int("cluster", "--max-iter", optarg, 1, 1000000, &max_iter)) return FG_EXIT_USAGE;
            break;
        case 'm': mpath = optarg; break;
        case 'j': json = 1; break;
        case 'h': fputs(HELP, stdout); return FG_EXIT_OK;
        case ':': return fg_cli_usage_error("cluster", "option '%s' needs a value", argv[optind - 1]);
        default: return fg_cli_usage_error("cluster", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return fg_cli_usage_error("cluster", "unexpected argument '%s'", argv[optind]);
    if (!edges) return fg_cli_usage_error("cluster", "--edges E.h5 is required");
    if (!k) return fg_cli_usage_error("cluster", "--communities C is required");

    fg_status st = FG_OK;
    fg_csr g, sub;
    memset(&g, 0, sizeof g);
    memset(&sub, 0, sizeof sub);
    int32_t *labels = NULL, *memb_sub = NULL, *memb = NULL;
    uint32_t *comp = NULL, *to_orig = NULL;
    int64_t *truth = NULL, *pred = NULL;
    fg_fluid *f = NULL;
    fg_scores sc;
    memset(&sc, 0, sizeof sc);
    double t0 = fg_cli_now(), t_read, t_comp, t_fluid, t_score = 0;

    FG_CHECK_GOTO(st, fg_edges_file_read(edges, &g, &labels));
    t_read = fg_cli_now();

    /* the largest component; a connected graph is used as it is */
    uint32_t n_comp = 0, largest = 0, largest_size = 0;
    comp = fg_alloc(g.n_vertices ? g.n_vertices : 1, sizeof *comp);
    if (!comp) {
        st = FG_ENOMEM;
        goto done;
    }
    FG_CHECK_GOTO(st, fg_i_fluid_components(&g, comp, &n_comp, &largest, &largest_size));
    if (n_comp == 0) {
        st = FG_FAIL(FG_EINVAL, "%s: the graph has no vertices", edges);
        goto done;
    }
    const fg_csr *run = &g;
    if (n_comp > 1) {
        FG_CHECK_GOTO(st, fg_i_fluid_component_subgraph(&g, comp, largest, &sub, &to_orig));
        run = &sub;
    }
    const uint32_t n_images_in = run->n_images, n_images_outside = g.n_images - n_images_in;
    t_comp = fg_cli_now();
    if (variant == FG_FLUID_PAPER && (uint64_t)k > n_images_in) {
        st = FG_FAIL(FG_EINVAL,
                     "%s: %ld communities, but the largest connected component has %u image vertices (%u of the "
                     "%u images are outside it); ask for fewer or use --variant standard",
                     edges, k, n_images_in, n_images_outside, g.n_images);
        goto done;
    }

    fg_fluid_opts o = {(uint32_t)k, seed, variant, (uint32_t)max_iter};
    FG_CHECK_GOTO(st, fg_fluid_create(run, &o, &f));
    fg_progress prog;
    fg_progress_start(&prog, "sweeps", (uint64_t)max_iter, 0);
    bool converged = false;
    while (fg_fluid_sweeps(f) < (uint32_t)max_iter) {
        uint64_t moved = 0;
        FG_CHECK_GOTO(st, fg_fluid_sweep(f, &moved));
        fg_progress_update(&prog, fg_fluid_sweeps(f));
        if (!moved) {
            converged = true;
            break;
        }
    }
    const uint32_t sweeps = fg_fluid_sweeps(f);
    prog.total = sweeps;
    fg_progress_finish(&prog);
    memb_sub = fg_alloc(run->n_vertices, sizeof *memb_sub);
    memb = fg_alloc(g.n_vertices, sizeof *memb);
    if (!memb_sub || !memb) {
        st = FG_ENOMEM;
        goto done;
    }
    fg_fluid_membership(f, memb_sub);
    uint32_t n_unassigned = 0;
    for (uint32_t v = 0; v < g.n_vertices; v++) memb[v] = -1;
    for (uint32_t i = 0; i < run->n_vertices; i++) {
        memb[to_orig ? to_orig[i] : i] = memb_sub[i];
        n_unassigned += memb_sub[i] < 0;
    }
    t_fluid = fg_cli_now();

    /* scores over the image vertices of the component (they come first) */
    bool scored = labels != NULL;
    if (scored) {
        truth = fg_alloc(n_images_in ? n_images_in : 1, sizeof *truth);
        pred = fg_alloc(n_images_in ? n_images_in : 1, sizeof *pred);
        if (!truth || !pred) {
            st = FG_ENOMEM;
            goto done;
        }
        for (uint32_t i = 0; i < n_images_in; i++) {
            truth[i] = labels[to_orig ? to_orig[i] : i];
            pred[i] = memb_sub[i];
        }
        FG_CHECK_GOTO(st, fg_scores_compute(truth, pred, n_images_in, &sc));
        t_score = fg_cli_now() - t_fluid;
    }
    if (mpath) FG_CHECK_GOTO(st, write_membership(mpath, memb, g.n_vertices));
    double t_total = fg_cli_now() - t0;

    const char *vname = fg_fluid_variant_name(variant);
    if (json) {
        printf("{\n  \"edges_file\": \"");
        for (const char *s = edges; *s; s++) {
            if (*s == '"' || *s == '\\') printf("\\%c", *s);
            else if ((unsigned char)*s < 0x20) printf("\\u%04x", (unsigned char)*s);
            else putchar(*s);
        }
        printf("\",\n");
        printf("  \"n_vertices\": %u,\n  \"n_edges\": %llu,\n  \"n_images\": %u,\n", g.n_vertices,
               (unsigned long long)fg_csr_n_edges(&g), g.n_images);
        printf("  \"n_components\": %u,\n  \"largest_component\": %u,\n  \"n_vertices_outside\": %u,\n", n_comp,
               largest_size, g.n_vertices - largest_size);
        printf("  \"n_images_outside\": %u,\n  \"communities\": %ld,\n  \"seed\": %llu,\n", n_images_outside, k,
               (unsigned long long)seed);
        printf("  \"variant\": \"%s\",\n  \"max_iter\": %ld,\n  \"sweeps\": %u,\n  \"converged\": %s,\n", vname,
               max_iter, sweeps, converged ? "true" : "false");
        printf("  \"n_unassigned\": %u,\n  \"n_images_scored\": %u,\n", n_unassigned, scored ? n_images_in : 0);
        print_norm_object("nmi", sc.nmi, scored, ",");
        print_norm_object("ami", sc.ami, scored, ",");
        printf("  \"seconds\": {\"read\": %.6f, \"components\": %.6f, \"fluidc\": %.6f, \"score\": %.6f, "
               "\"total\": %.6f}\n}\n",
               t_read - t0, t_comp - t_read, t_fluid - t_comp, t_score, t_total);
    } else {
        printf("graph %s: %u vertices (%u images), %llu edges\n", edges, g.n_vertices, g.n_images,
               (unsigned long long)fg_csr_n_edges(&g));
        printf("largest component: %u vertices of %u (%u component%s); outside it: %u vertices, %u images\n",
               largest_size, g.n_vertices, n_comp, n_comp == 1 ? "" : "s", g.n_vertices - largest_size, n_images_outside);
        printf("FluidC %s, k = %ld, seed %llu: %u sweeps, %s\n", vname, k, (unsigned long long)seed, sweeps,
               converged ? "converged" : "stopped at --max-iter");
        if (n_unassigned) printf("  %u vertices were not reached by any community (membership -1)\n", n_unassigned);
        if (scored) {
            printf("scores over %u image vertices:\n       %-10s %-10s %-10s %-10s\nNMI   ", n_images_in, "min",
                   "geometric", "arithmetic", "max");
            for (int m = 0; m < FG_NORM_COUNT; m++) printf(" %-10.6f", sc.nmi[m]);
            printf("\nAMI   ");
            for (int m = 0; m < FG_NORM_COUNT; m++) printf(" %-10.6f", sc.ami[m]);
            printf("\n");
        } else printf("no /label in %s: nothing to score\n", edges);
        printf("seconds: read %.3f, components %.3f, fluidc %.3f, score %.3f, total %.3f\n", t_read - t0,
               t_comp - t_read, t_fluid - t_comp, t_score, t_total);
        if (mpath) printf("membership written to %s\n", mpath);
    }
done:
    if (st != FG_OK) rc = fg_cli_fail("cluster", st);
    fg_fluid_destroy(f);
    fg_csr_destroy(&g);
    fg_csr_destroy(&sub);
    fg_free(labels);
    fg_free(memb_sub);
    fg_free(memb);
    fg_free(comp);
    fg_free(to_orig);
    fg_free(truth);
    fg_free(pred);
    return rc;
}
