/* fnegraph score: NMI and AMI of two labelings given as text files. */
#include "cli.h"
#include "commands.h"
#include "fnegraph/mem.h"
#include "fnegraph/metrics.h"

#include <getopt.h>
#include <string.h>

static const char *HELP =
    "Usage: fnegraph score TRUE.txt PRED.txt [--json]\n"
    "\n"
    "Scores a clustering against the truth: normalized and adjusted mutual\n"
    "information (NMI, AMI) under each of the four normalizations min, geometric,\n"
    "arithmetic and max, computed exactly as scikit-learn 1.2's\n"
    "normalized_mutual_info_score and adjusted_mutual_info_score (natural logs;\n"
    "both labelings one cluster -> 1.0; MI = 0 -> NMI 0.0; one labeling one\n"
    "cluster, the other split -> AMI 0.0). Where AMI is 0/0 (every labeling with\n"
    "these cluster sizes scores the same: both all singletons, or one under min)\n"
    "it is 1.0, not a ratio of rounding residues. The paper reported NMI\n"
    "geometric and AMI max; scikit-learn's default is arithmetic for both.\n"
    "\n"
    "Files: one integer label per line, any values (negative, sparse, 64-bit).\n"
    "Spaces around a label are ignored; empty lines and lines whose first non-space\n"
    "character is '#' are skipped. Anything else is an error naming the file and\n"
    "line. The k-th label of TRUE pairs with the k-th label of PRED, so both files\n"
    "must hold the same number of labels.\n"
    "A membership file of `fnegraph cluster --membership M.txt` has one line per\n"
    "vertex of the graph, images first (-1 for a vertex outside the component it\n"
    "clustered): score its first n_images lines, e.g. with head -n.\n"
    "\n"
    "Options:\n"
    "  --json     one JSON object on stdout: n, n_classes, n_clusters, mi, emi,\n"
    "             h_true, h_pred (nats), and nmi and ami, each an object keyed by\n"
    "             min, geometric, arithmetic and max\n"
    "  -h, --help this text\n"
    "\n"
    "Example:\n"
    "  fnegraph score labels.txt communities.txt --json\n";

static void print_norm_object(const char *key, const double *v, const char *tail)
{
    printf("  \"%s\": {", key);
    for (int m = 0; m < FG_NORM_COUNT; m++)
        printf("\"%s\": %.17g%s", fg_norm_name((fg_norm)m), v[m], m + 1 < FG_NORM_COUNT ? ", " : "");
    printf("}%s\n", tail);
}

int fg_cmd_score(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int json = 0, c, rc = FG_EXIT_OK;
    int64_t *t = NULL, *p = NULL;
    uint64_t nt = 0, np = 0;
    fg_status st;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'h': fputs(HELP, stdout); return FG_EXIT_OK;
        default: return fg_cli_usage_error("score", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 2)
        return fg_cli_usage_error("score", "expected two label files (TRUE.txt PRED.txt), got %d", argc - optind);
    const char *tpath = argv[optind], *ppath = argv[optind + 1];
    if ((st = fg_labels_read_text(tpath, &t, &nt)) != FG_OK || (st = fg_labels_read_text(ppath, &p, &np)) != FG_OK) {
        rc = fg_cli_fail("score", st);
        goto done;
    }
    if (nt != np) {
        st = FG_FAIL(FG_EINVAL, "%s has %llu labels but %s has %llu: the files must pair line by line", tpath,
                     (unsigned long long)nt, ppath, (unsigned long long)np);
        rc = fg_cli_fail("score", st);
        goto done;
    }
    fg_scores s;
    if ((st = fg_scores_compute(t, p, nt, &s)) != FG_OK) {
        rc = fg_cli_fail("score", st);
        goto done;
    }
    if (json) {
        printf("{\n  \"n\": %lld,\n  \"n_classes\": %u,\n  \"n_clusters\": %u,\n", (long long)s.n, s.n_classes,
               s.n_clusters);
        printf("  \"mi\": %.17g,\n  \"emi\": %.17g,\n  \"h_true\": %.17g,\n  \"h_pred\": %.17g,\n", s.mi, s.emi,
               s.h_true, s.h_pred);
        print_norm_object("nmi", s.nmi, ",");
        print_norm_object("ami", s.ami, "");
        printf("}\n");
    } else {
        printf("%lld labels: %u classes in %s, %u clusters in %s\n", (long long)s.n, s.n_classes, tpath, s.n_clusters,
               ppath);
        printf("       %-10s %-10s %-10s %-10s\n", "min", "geometric", "arithmetic", "max");
        printf("NMI   ");
        for (int m = 0; m < FG_NORM_COUNT; m++) printf(" %-10.6f", s.nmi[m]);
        printf("\nAMI   ");
        for (int m = 0; m < FG_NORM_COUNT; m++) printf(" %-10.6f", s.ami[m]);
        printf("\n(MI %.6f, EMI %.6f, H(true) %.6f, H(pred) %.6f nats)\n", s.mi, s.emi, s.h_true, s.h_pred);
    }
done:
    fg_free(t);
    fg_free(p);
    return rc;
}
