/* fnegraph table: the paper's Table 2 from one or more results files — per
 * dataset and setting: images, |V| (non-isolated), |E|, NMI and AMI as mean ±
 * sd over seeds, beside the paper's values (docs/method.md §8). Several files (one
 * sweep process each, e.g. a dataset per machine) are read as one: a run in
 * more than one file counts once, and the same run with other scores is an
 * error (the files come from different jobs). With k-means runs (issue 16:
 * the runs' method field) the methods go side by side, a column group each,
 * and the difference FluidC - k-means; a file of FluidC runs only prints as
 * before. O(R^2) in the runs R. */
#include "cli.h"
#include "commands.h"
#include "fnegraph/kmeans.h"
#include "fnegraph/mem.h"
#include "fnegraph/results.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *HELP =
    "Usage: fnegraph table RESULTS.h5 [MORE.h5 ...] [--format md|latex] [--nmi NORM] [--ami NORM]\n"
    "\n"
    "Prints Table 2 of the paper from a results file written by `fnegraph sweep`\n"
    "(or several, read as one: e.g. one sweep process a machine, each with its own\n"
    "--out; a run found in two files counts once, and the same run with other\n"
    "scores in another file is an error):\n"
    "one line per dataset and setting (thresholds, k, communities, variant) with the\n"
    "images, |V| (non-isolated vertices, as the paper counts them), |E|, and NMI and AMI\n"
    "as mean ± sd over the seeds (sd with n-1; 0 for a single seed), and, for the\n"
    "datasets named mit67, flowers102, textures and wood, the paper's values beside them.\n"
    "When the files hold k-means runs (sweep.methods = fluidc, kmeans, kmeans-ternary)\n"
    "the methods go side by side: NMI and AMI per method, the seeds of each\n"
    "(fluidc/kmeans/... in that order), and the differences of the means FluidC -\n"
    "k-means (dNMI, dAMI) for each k-means method; |V| and |E| are FluidC's graph.\n"
    "Every row read is checked (its check value, known variant, finite keys with\n"
    "lo < hi, counts >= 0, 0 <= NMI <= 1, AMI <= 1): a damaged file is refused\n"
    "naming the file, the table and the row.\n"
    "\n"
    "Options:\n"
    "  --format md|latex  Markdown (default) or a LaTeX tabular\n"
    "  --nmi NORM         NMI normalization: min, geometric (default, the paper's),\n"
    "                     arithmetic (today's scikit-learn default) or max\n"
    "  --ami NORM         AMI normalization: min, geometric, arithmetic or max (default, the paper's)\n"
    "  -h, --help         this text\n"
    "\n"
    "Examples: fnegraph table results/table2.h5 --format latex --nmi arithmetic --ami arithmetic\n"
    "          fnegraph table results/node*.h5\n";

typedef struct paper_row {
    const char *name;
    long v, e;
    double nmi, ami;
} paper_row;

static const paper_row PAPER[] = {{"mit67", 30186, 8396939, 0.44, 0.36},
                                  {"flowers102", 33010, 9654464, 0.54, 0.46},
                                  {"textures", 30459, 8561314, 0.42, 0.37},
                                  {"wood", 25259, 5610832, 0.26, 0.20}};

static int norm_index(const char *s)
{
    for (int i = 0; i < FG_NORM_COUNT; i++)
        if (!strcmp(s, fg_norm_name((fg_norm)i))) return i;
    return -1;
}

static void mean_sd(const double *x, int n, double *mean, double *sd)
{
    double s = 0, s2 = 0;
    for (int i = 0; i < n; i++) s += x[i];
    *mean = n ? s / n : NAN;
    for (int i = 0; i < n; i++) s2 += (x[i] - *mean) * (x[i] - *mean);
    *sd = n > 1 ? sqrt(s2 / (n - 1)) : 0.0;
}

static const fg_graph_row *find_graph(const fg_graph_row *g, int64_t ng, const fg_run_row *r)
{
    for (int64_t i = 0; i < ng; i++)
        if (!strcmp(g[i].dataset, r->dataset) && g[i].lo == r->lo && g[i].hi == r->hi && g[i].k == r->k)
            return &g[i];
    return NULL;
}

static bool same_setting(const fg_run_row *a, const fg_run_row *b)
{
    return !strcmp(a->dataset, b->dataset) && a->lo == b->lo && a->hi == b->hi && a->k == b->k &&
           a->communities == b->communities && !strcmp(a->variant, b->variant);
}

/* Append the rows of `path` to *g and *r (fg_alloc'd, grown); runs already there
 * (same setting and seed) are skipped and counted in *dups, or refused when
 * their scores differ. */
static fg_status read_more(const char *path, fg_graph_row **g, int64_t *ng, fg_run_row **r, int64_t *nr,
                           int64_t *dups)
{
    fg_graph_row *g2 = NULL, *gg = NULL;
    fg_run_row *r2 = NULL, *rr = NULL;
    int64_t ng2 = 0, nr2 = 0;
    fg_status st = fg_results_read(path, &g2, &ng2, &r2, &nr2);
    if (st != FG_OK) return st;
    gg = fg_alloc((size_t)(*ng + ng2) + 1, sizeof *gg);
    rr = fg_alloc((size_t)(*nr + nr2) + 1, sizeof *rr);
    if (!gg || !rr) {
        st = FG_FAIL(FG_ENOMEM, "out of memory reading %s", path);
        goto done;
    }
    if (*ng) memcpy(gg, *g, (size_t)*ng * sizeof *gg);
    if (ng2) memcpy(gg + *ng, g2, (size_t)ng2 * sizeof *gg);
    if (*nr) memcpy(rr, *r, (size_t)*nr * sizeof *rr);
    int64_t n = *nr, old = *nr;
    for (int64_t j = 0; j < nr2; j++) {
        const fg_run_row *x = &r2[j];
        const fg_run_row *same = NULL;
        for (int64_t i = 0; i < old && !same; i++)
            if (same_setting(&rr[i], x) && rr[i].seed == x->seed && !strcmp(rr[i].method, x->method)) same = &rr[i];
        if (!same) {
            rr[n++] = *x;
            continue;
        }
        if (memcmp(same->nmi, x->nmi, sizeof x->nmi) || memcmp(same->ami, x->ami, sizeof x->ami)) {
            st = FG_FAIL(FG_EINVAL,
                         "%s: run (%s, %g:%g, k %g, %lld communities, %s, seed %lld%s%s) is also in an earlier "
                         "file with other scores: results of different jobs (weights, data or config)?",
                         path, x->dataset, x->lo, x->hi, x->k, (long long)x->communities, x->variant,
                         (long long)x->seed, strcmp(x->method, "fluidc") ? ", " : "",
                         strcmp(x->method, "fluidc") ? x->method : "");
            goto done;
        }
        (*dups)++;
    }
    fg_free(*g);
    fg_free(*r);
    *g = gg;
    *r = rr;
    *ng += ng2;
    *nr = n;
    gg = NULL;
    rr = NULL;
done:
    fg_free(gg);
    fg_free(rr);
    fg_free(g2);
    fg_free(r2);
    return st;
}

static void print_count(long v, bool latex)
{
    char buf[32], out[48];
    snprintf(buf, sizeof buf, "%ld", v);
    int len = (int)strlen(buf), o = 0;
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0) {
            if (latex) o += snprintf(out + o, sizeof out - (size_t)o, "{,}");
            else out[o++] = ',';
        }
        out[o++] = buf[i];
    }
    out[o] = '\0';
    fputs(out, stdout);
}

/* The methods side by side (the runs hold k-means runs): per setting, a
 * group of NMI and AMI per method present, seeds per method, and FluidC -
 * k-means for each k-means method when FluidC is there. */
static void table_methods(const fg_run_row *r, int64_t nr, const fg_graph_row *g, int64_t ng, int nmi_i, int ami_i,
                          bool latex, char *done, double *nmi, double *ami)
{
    bool have[FG_METHOD_COUNT] = {false};
    for (int64_t i = 0; i < nr; i++) {
        fg_method m;
        if (fg_method_parse(r[i].method, &m) == FG_OK) have[m] = true;
    }
    const char *sep = latex ? " & " : " | ";
    if (latex) {
        printf("\\begin{tabular}{lrrrrrrr");
        for (int m = 0; m < FG_METHOD_COUNT; m++) if (have[m]) printf("|rr");
        for (int m = 1; m < FG_METHOD_COUNT; m++) if (have[m] && have[0]) printf("|rr");
        printf("}\n\\hline\ndataset & lo:hi & $k$ & comm. & images & $|V|$ & $|E|$ & seeds");
    } else {
        printf("| dataset | lo:hi | k | communities | variant | images | \\|V\\| | \\|E\\| | seeds");
    }
    for (int m = 0; m < FG_METHOD_COUNT; m++)
        if (have[m]) printf("%sNMI %s%sAMI %s", sep, fg_method_name((fg_method)m), sep, fg_method_name((fg_method)m));
    for (int m = 1; m < FG_METHOD_COUNT; m++)
        if (have[m] && have[0])
            printf("%s%sNMI fluidc%s%s%s%sAMI fluidc%s%s", sep, latex ? "$\\Delta$" : "Δ", latex ? "$-$" : " − ",
                   fg_method_name((fg_method)m), sep, latex ? "$\\Delta$" : "Δ", latex ? "$-$" : " − ",
                   fg_method_name((fg_method)m));
    if (latex) {
        printf(" \\\\\n\\hline\n");
    } else {
        printf(" |\n|---|---|---|---|---|---:|---:|---:|---:");
        for (int m = 0; m < FG_METHOD_COUNT; m++) if (have[m]) printf("|---|---");
        for (int m = 1; m < FG_METHOD_COUNT; m++) if (have[m] && have[0]) printf("|---:|---:");
        printf("|\n");
    }
    for (int64_t i = 0; i < nr; i++) {
        if (done[i]) continue;
        double nm[FG_METHOD_COUNT], ns[FG_METHOD_COUNT], am[FG_METHOD_COUNT], as[FG_METHOD_COUNT];
        int cnt[FG_METHOD_COUNT] = {0};
        for (int m = 0; m < FG_METHOD_COUNT; m++) {
            int n = 0;
            for (int64_t j = i; j < nr; j++)
                if (!done[j] && same_setting(&r[i], &r[j]) && !strcmp(r[j].method, fg_method_name((fg_method)m))) {
                    done[j] = 1;
                    nmi[n] = r[j].nmi[nmi_i];
                    ami[n] = r[j].ami[ami_i];
                    n++;
                }
            cnt[m] = n;
            mean_sd(nmi, n, &nm[m], &ns[m]);
            mean_sd(ami, n, &am[m], &as[m]);
        }
        const fg_graph_row *gr = find_graph(g, ng, &r[i]);
        printf(latex ? "%s & %g:%g & %g & %lld & " : "| %s | %g:%g | %g | %lld | ", r[i].dataset, r[i].lo, r[i].hi,
               r[i].k, (long long)r[i].communities);
        if (!latex) printf("%s | ", r[i].variant);
        if (gr) {
            print_count((long)gr->n_images, latex);
            printf("%s", sep);
            print_count((long)gr->n_vertices_nonisolated, latex);
            printf("%s", sep);
            print_count((long)gr->n_edges, latex);
        } else {
            printf(latex ? "-- & -- & --" : "— | — | —");
        }
        printf("%s", sep);
        for (int m = 0, first = 1; m < FG_METHOD_COUNT; m++)
            if (have[m]) {
                printf("%s%d", first ? "" : "/", cnt[m]);
                first = 0;
            }
        for (int m = 0; m < FG_METHOD_COUNT; m++) {
            if (!have[m]) continue;
            if (!cnt[m]) printf(latex ? " & -- & --" : " | — | —");
            else if (latex) printf(" & %.2f $\\pm$ %.2f & %.2f $\\pm$ %.2f", nm[m], ns[m], am[m], as[m]);
            else printf(" | %.3f ± %.3f | %.3f ± %.3f", nm[m], ns[m], am[m], as[m]);
        }
        for (int m = 1; m < FG_METHOD_COUNT; m++) {
            if (!have[m] || !have[0]) continue;
            if (!cnt[m] || !cnt[0]) printf(latex ? " & -- & --" : " | — | —");
            else printf(latex ? " & %+.2f & %+.2f" : " | %+.3f | %+.3f", nm[0] - nm[m], am[0] - am[m]);
        }
        printf(latex ? " \\\\\n" : " |\n");
    }
    if (latex) printf("\\hline\n\\end{tabular}\n");
}

int fg_cmd_table(int argc, char **argv)
{
    static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                         {"nmi", required_argument, NULL, 'n'},
                                         {"ami", required_argument, NULL, 'a'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    bool latex = false;
    int nmi_i = 1, ami_i = 3, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (!strcmp(optarg, "md")) latex = false;
            else if (!strcmp(optarg, "latex")) latex = true;
            else return fg_cli_usage_error("table", "--format: expected md or latex, got '%s'", optarg);
            break;
        case 'n':
        case 'a': {
            int i = norm_index(optarg);
            if (i < 0)
                return fg_cli_usage_error("table", "--%s: expected min, geometric, arithmetic or max, got '%s'",
                                          c == 'n' ? "nmi" : "ami", optarg);
            if (c == 'n') nmi_i = i;
            else ami_i = i;
            break;
        }
        case 'h': fputs(HELP, stdout); return FG_EXIT_OK;
        default: return fg_cli_usage_error("table", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return fg_cli_usage_error("table", "expected a results file");

    fg_graph_row *g = NULL;
    fg_run_row *r = NULL;
    int64_t ng = 0, nr = 0, dups = 0;
    for (int a = optind; a < argc; a++) {
        fg_status st = read_more(argv[a], &g, &ng, &r, &nr, &dups);
        if (st != FG_OK) {
            fg_free(g);
            fg_free(r);
            return fg_cli_fail("table", st);
        }
    }
    if (!nr) {
        fg_free(g);
        fg_free(r);
        fprintf(stderr, "fnegraph table: %s ha%s no runs yet\n", argc - optind > 1 ? "the files" : argv[optind],
                argc - optind > 1 ? "ve" : "s");
        return FG_EXIT_FAIL;
    }
    if (dups)
        fprintf(stderr, "fnegraph table: %lld run(s) found in more than one file, each counted once\n",
                (long long)dups);
    char *done = calloc((size_t)nr, 1);
    double *nmi = malloc((size_t)nr * sizeof *nmi), *ami = malloc((size_t)nr * sizeof *ami);
    const char *nn = fg_norm_name((fg_norm)nmi_i), *an = fg_norm_name((fg_norm)ami_i);
    bool only_fluidc = true;
    for (int64_t i = 0; i < nr; i++) only_fluidc &= !strcmp(r[i].method, "fluidc");
    if (!only_fluidc) { /* the k-means baselines beside FluidC */
        if (latex) {
            printf("%% fnegraph table");
            for (int a = optind; a < argc; a++) printf(" %s", argv[a]);
            printf(": NMI (%s), AMI (%s), mean $\\pm$ sd over seeds, by method\n", nn, an);
        } else {
            printf("NMI: %s, AMI: %s, mean ± sd over seeds, by method (FluidC on the graph; k-means on the "
                   "standardized FNE and on its ternary codes)\n\n", nn, an);
        }
        table_methods(r, nr, g, ng, nmi_i, ami_i, latex, done, nmi, ami);
        free(done);
        free(nmi);
        free(ami);
        fg_free(g);
        fg_free(r);
        return FG_EXIT_OK;
    }
    if (latex) {
        printf("%% fnegraph table");
        for (int a = optind; a < argc; a++) printf(" %s", argv[a]);
        printf(": NMI (%s), AMI (%s), mean $\\pm$ sd over seeds\n", nn, an);
        printf("\\begin{tabular}{lrrrrrrr|rrrr}\n\\hline\n");
        printf("dataset & lo:hi & $k$ & comm. & images & $|V|$ & $|E|$ & seeds & NMI & AMI & paper $|V|$ & "
               "paper $|E|$ \\\\\n");
    } else {
        printf("NMI: %s, AMI: %s, mean ± sd over seeds; paper: Garcia-Gasulla et al. 2017, Table 2\n\n", nn, an);
        printf("| dataset | lo:hi | k | communities | variant | images | \\|V\\| | \\|E\\| | seeds | NMI | AMI "
               "| paper \\|V\\| | paper \\|E\\| | paper NMI | paper AMI |\n");
        printf("|---|---|---|---|---|---:|---:|---:|---:|---|---|---:|---:|---:|---:|\n");
    }
    if (latex) printf("\\hline\n");
    for (int64_t i = 0; i < nr; i++) {
        if (done[i]) continue;
        int n = 0;
        for (int64_t j = i; j < nr; j++)
            if (!done[j] && same_setting(&r[i], &r[j])) {
                done[j] = 1;
                nmi[n] = r[j].nmi[nmi_i];
                ami[n] = r[j].ami[ami_i];
                n++;
            }
        double nm, ns, am, as;
        mean_sd(nmi, n, &nm, &ns);
        mean_sd(ami, n, &am, &as);
        const fg_graph_row *gr = find_graph(g, ng, &r[i]);
        const paper_row *p = NULL;
        for (size_t k = 0; k < sizeof PAPER / sizeof PAPER[0]; k++)
            if (!strcmp(PAPER[k].name, r[i].dataset)) p = &PAPER[k];
        if (latex) {
            printf("%s & %g:%g & %g & %lld & ", r[i].dataset, r[i].lo, r[i].hi, r[i].k, (long long)r[i].communities);
            if (gr) {
                print_count((long)gr->n_images, true);
                printf(" & ");
                print_count((long)gr->n_vertices_nonisolated, true);
                printf(" & ");
                print_count((long)gr->n_edges, true);
            } else {
                printf("-- & -- & --");
            }
            printf(" & %d & %.2f $\\pm$ %.2f & %.2f $\\pm$ %.2f & ", n, nm, ns, am, as);
            if (p) {
                print_count(p->v, true);
                printf(" & ");
                print_count(p->e, true);
            } else {
                printf("-- & --");
            }
            printf(" \\\\\n");
        } else {
            printf("| %s | %g:%g | %g | %lld | %s | ", r[i].dataset, r[i].lo, r[i].hi, r[i].k,
                   (long long)r[i].communities, r[i].variant);
            if (gr) {
                print_count((long)gr->n_images, false);
                printf(" | ");
                print_count((long)gr->n_vertices_nonisolated, false);
                printf(" | ");
                print_count((long)gr->n_edges, false);
            } else {
                printf("— | — | —");
            }
            printf(" | %d | %.3f ± %.3f | %.3f ± %.3f | ", n, nm, ns, am, as);
            if (p) {
                print_count(p->v, false);
                printf(" | ");
                print_count(p->e, false);
                printf(" | %.2f | %.2f |\n", p->nmi, p->ami);
            } else {
                printf("— | — | — | — |\n");
            }
        }
    }
    if (latex) printf("\\hline\n\\end{tabular}\n");
    free(done);
    free(nmi);
    free(ami);
    fg_free(g);
    fg_free(r);
    return FG_EXIT_OK;
}
