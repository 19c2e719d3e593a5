/* fnegraph compare-fne: the fidelity of one FNE file (B, e.g. from a fast
 * extraction mode) against another of the same images (A, the reference):
 * relative error, ternary-code agreement and edge Jaccard per layer and
 * overall (include/fnegraph/fne_compare.h), as a table or JSON. */
#include "cli.h"
#include "commands.h"
#include "fnegraph/fne_compare.h"
#include "fnegraph/fne_file.h"

#include <getopt.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

static const char *HELP =
    "Usage: fnegraph compare-fne A.h5 B.h5 [--lo L] [--hi H] [--threads T] [--json]\n"
    "\n"
    "Compares two FNE files of the same images (from 'fnegraph extract', e.g. the f32\n"
    "direct path as A and a Winograd or bf16 run as B). Rows are matched by their\n"
    "path, so the two files may list the images in different orders; a path listed\n"
    "twice, a path in one file and not the other, or different image counts are an\n"
    "error naming the file and the path. For each of the 15 feature layers (conv1_1\n"
    "... conv5_3, fc6, fc7) and for all 12416 features together it reports:\n"
    "\n"
    "  relative error of B against A, per value (image i, feature f of layer l):\n"
    "      |b - a| / max(|a|, mean of |a| over layer l's features in image i)\n"
    "    (the floor the project's nn tests use: a feature near 0 is judged against\n"
    "    its layer's scale in that image; |b - a| where that whole layer of A is 0);\n"
    "    the maximum, with the image and feature where it occurs, and the median\n"
    "    (of the errors rounded to float32; mean of the two middle ones if even).\n"
    "  code agreement: each file standardized with its OWN statistics over its\n"
    "    images (population std), as the pipeline does, then ternarized at lo/hi\n"
    "    (z > hi: +1, z < lo: -1, strict); the fraction of (image, feature) pairs\n"
    "    whose codes are equal.\n"
    "  edge Jaccard: an image-feature edge is a non-zero code (image, feature, sign);\n"
    "    |A and B| / |A or B| of the two edge sets (1 when both are empty).\n"
    "\n"
    "Options:\n"
    "  --lo L          lower threshold (default -2, the paper's)\n"
    "  --hi H          upper threshold (default 2)\n"
    "  --threads T     threads (default: OMP_NUM_THREADS, or all cores)\n"
    "  --json          one JSON object on stdout instead of the table:\n"
    "                    a, b (the file names), n_images, lo, hi,\n"
    "                    layers: an object keyed by layer name (conv1_1 ... fc7), and\n"
    "                    overall: the same fields over all features, each with\n"
    "                      features             features of the layer (12416 overall)\n"
    "                      n_values             images x features compared\n"
    "                      rel_err_max          maximum relative error\n"
    "                      rel_err_max_image    path of the image where it occurs\n"
    "                      rel_err_max_feature  its FNE feature index (0..12415)\n"
    "                      rel_err_median       median relative error\n"
    "                      code_agreement       fraction of equal codes\n"
    "                      codes_differ         number of (image, feature) codes that differ\n"
    "                      edges_a, edges_b     non-zero codes of A, of B\n"
    "                      edges_both           non-zero codes equal in both\n"
    "                      jaccard              edges_both / (edges_a + edges_b - edges_both)\n"
    "                    seconds {read, compare}\n"
    "  -h, --help      this text\n"
    "\n"
    "Memory: both matrices are held (2 x N x 49.7 KB: 814 MB for flowers102's 8189\n"
    "images) plus about 40 MB; the comparison itself reads each matrix three times.\n"
    "\n"
    "Exit status: 0 when compared (whatever the figures), 1 on a failure, 2 on bad usage.\n"
    "\n"
    "Example:\n"
    "  fnegraph compare-fne cache/f32_direct.h5 cache/bf16.h5 --lo -2 --hi 2 --json\n";


static void json_part(const fg_fne_compare_part *p, const fg_fne *a)
{
    printf("{\"features\": %d, \"n_values\": %" PRIu64 ", \"rel_err_max\": %.9g, \"rel_err_max_image\": ",
           p->features, p->n_values, p->err_max);
    fg_cli_json_string(a->path[p->err_max_row]);
    printf(", \"rel_err_max_feature\": %d, \"rel_err_median\": %.9g, \"code_agreement\": %.12g, "
           "\"codes_differ\": %" PRIu64 ", \"edges_a\": %" PRIu64 ", \"edges_b\": %" PRIu64
           ", \"edges_both\": %" PRIu64 ", \"jaccard\": %.12g}",
           p->err_max_feature, p->err_median, p->code_agreement, p->codes_differ, p->edges_a,
           p->edges_b, p->edges_both, p->jaccard);
}

static void text_row(const char *name, const fg_fne_compare_part *p)
{
    printf("  %-8s %8d  %11.3e %11.3e  %12.7f %12" PRIu64 "  %9.7f %11" PRIu64 " %11" PRIu64 "\n", name,
           p->features, p->err_max, p->err_median, p->code_agreement, p->codes_differ, p->jaccard,
           p->edges_a, p->edges_b);
}

static void report(const char *pa, const char *pb, const fg_fne *a, const fg_fne_compare_result *r,
                   bool json, double t_read, double t_cmp)
{
    if (json) {
        printf("{\n  \"a\": ");
        fg_cli_json_string(pa);
        printf(",\n  \"b\": ");
        fg_cli_json_string(pb);
        printf(",\n  \"n_images\": %lld,\n  \"lo\": %.17g,\n  \"hi\": %.17g,\n  \"layers\": {", (long long)r->n,
               r->lo, r->hi);
        for (int l = 0; l < FG_VGG16_LAYERS; l++) {
            printf("%s\n    \"%s\": ", l ? "," : "", fg_vgg16_layers[l].name);
            json_part(&r->layer[l], a);
        }
        printf("\n  },\n  \"overall\": ");
        json_part(&r->all, a);
        printf(",\n  \"seconds\": {\"read\": %.4f, \"compare\": %.4f}\n}\n", t_read, t_cmp);
        return;
    }
    printf("fnegraph compare-fne: %s (B) against %s (A), %lld images matched by path, lo %g, hi %g\n", pb, pa,
           (long long)r->n, r->lo, r->hi);
    printf("  relative error |b-a| / max(|a|, mean |a| of the layer in the image); codes: each file\n"
           "  standardized with its own statistics; edges: non-zero codes (image, feature, sign)\n\n");
    printf("  %-8s %8s  %11s %11s  %12s %12s  %9s %11s %11s\n", "layer", "features", "rel.err max",
           "rel.err med", "code agree", "codes differ", "Jaccard", "edges A", "edges B");
    for (int l = 0; l < FG_VGG16_LAYERS; l++) text_row(fg_vgg16_layers[l].name, &r->layer[l]);
    text_row("overall", &r->all);
    int f = r->all.err_max_feature, l = fg_vgg16_layer_of_feature(f);
    printf("\n  largest relative error %.3e: image %s, feature %d (%s unit %d)\n", r->all.err_max,
           a->path[r->all.err_max_row], f, fg_vgg16_layers[l].name, f - fg_vgg16_layers[l].fne_offset);
    printf("  seconds: read %.3f, compare %.3f (%d threads)\n", t_read, t_cmp, omp_get_max_threads());
}

/* A note on stderr for each attribute in which the two files differ. */
static void note_differences(const char *pa, const fg_fne *a, const char *pb, const fg_fne *b)
{
    const char *what[] = {"dataset", "split", "preprocess", "resize", "weights_sha256"};
    const char *va[] = {a->dataset, a->split, a->preprocess, a->resize, a->weights_sha256};
    const char *vb[] = {b->dataset, b->split, b->preprocess, b->resize, b->weights_sha256};
    for (int i = 0; i < 5; i++)
        if (strcmp(va[i], vb[i]) != 0)
            fprintf(stderr, "fnegraph compare-fne: note: %s is '%s' in %s, '%s' in %s\n", what[i], va[i], pa,
                    vb[i], pb);
}

static int run(const char *pa, const char *pb, double lo, double hi, bool json)
{
    fg_status st = FG_OK;
    fg_fne a, b;
    fg_fne_compare_result r;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    double t0 = fg_cli_now();
    FG_CHECK_GOTO(st, fg_fne_read(pa, &a));
    FG_CHECK_GOTO(st, fg_fne_read(pb, &b));
    double t1 = fg_cli_now();
    note_differences(pa, &a, pb, &b);
    FG_CHECK_GOTO(st, fg_fne_compare(&a, pa, &b, pb, lo, hi, &r));
    report(pa, pb, &a, &r, json, t1 - t0, fg_cli_now() - t1);
done:
    fg_fne_destroy(&a);
    fg_fne_destroy(&b);
    return st == FG_OK ? FG_EXIT_OK : fg_cli_fail("compare-fne", st);
}

int fg_cmd_compare_fne(int argc, char **argv)
{
    enum { OPT_LO = 2, OPT_HI, OPT_THREADS, OPT_JSON };
    static const struct option opts[] = {{"lo", required_argument, NULL, OPT_LO},
                                         {"hi", required_argument, NULL, OPT_HI},
                                         {"threads", required_argument, NULL, OPT_THREADS},
                                         {"json", no_argument, NULL, OPT_JSON},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *cmd = "compare-fne", *file[2] = {NULL, NULL};
    double lo = -2.0, hi = 2.0;
    long threads = 0;
    bool json = false;
    int c, n_files = 0;
    opterr = 0;
    /* leading '-': the file names come back as option 1, in any position */
    while ((c = getopt_long(argc, argv, "-:h", opts, NULL)) != -1) {
        switch (c) {
        case 1:
            if (n_files == 2) return fg_cli_usage_error(cmd, "unexpected argument '%s': give two files", optarg);
            file[n_files++] = optarg;
            break;
        case OPT_JSON: json = true; break;
        case OPT_LO:
            if (!fg_cli_double(cmd, "--lo", optarg, &lo)) return FG_EXIT_USAGE;
            break;
        case OPT_HI:
            if (!fg_cli_double(cmd, "--hi", optarg, &hi)) return FG_EXIT_USAGE;
            break;
        case OPT_THREADS:
            if (!fg_cli_int(cmd, "--threads", optarg, 1, 4096, &threads)) return FG_EXIT_USAGE;
            break;
        case 'h': fputs(HELP, stdout); return FG_EXIT_OK;
        case ':': return fg_cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
        default: return fg_cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    for (; optind < argc; optind++) { /* after "--" */
        if (n_files == 2) return fg_cli_usage_error(cmd, "unexpected argument '%s': give two files", argv[optind]);
        file[n_files++] = argv[optind];
    }
    if (n_files < 2) return fg_cli_usage_error(cmd, "give two FNE files: A.h5 (the reference) and B.h5");
    if (lo > hi) return fg_cli_usage_error(cmd, "--lo %g is above --hi %g", lo, hi);
    if (threads > 0) omp_set_num_threads((int)threads);
    return run(file[0], file[1], lo, hi, json);
}
