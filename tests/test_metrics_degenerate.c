/* NMI and AMI on degenerate labelings, under all four normalizations,
 * against scikit-learn (Debian's python3-sklearn through /usr/bin/python3;
 * skipped, 77, when it cannot be imported): one cluster, all singletons, one
 * against all singletons, two elements, identical labelings, singletons
 * against pairs, halves, one-vs-rest and random partitions (n = 2..200).
 *
 * The reference of each case is scikit-learn's value, except where its AMI
 * is 0/0: its numerator MI - EMI and denominator mean - EMI are both rounding
 * residues (|.| < 1e-12) and neither labeling is a single cluster. There
 * scikit-learn 1.2 returns the ratio of the residues (2.0, 1.4, 0.0, -0.5 ...
 * on these cases: scikit-learn#30950) and the reference is 1.0, the value its
 * clipping is meant to give ("expectation equals maximum, i.e. a perfect
 * match"); the test prints how many such cases it met and what scikit-learn
 * said. Every case: AMI <= 1 and NMI in [0, 1] (to 1e-12), and agreement to
 * 1e-10 with the reference. */
#include "fg_test.h"
#include "fnegraph/metrics.h"
#include "fnegraph/rng.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>

enum { MAXN = 200, MAXC = 160 };

static int64_t T[MAXC][MAXN], P[MAXC][MAXN];
static int N[MAXC];
static const char *WHAT[MAXC];
static int n_cases;

static void add(const char *what, int n, const int64_t *t, const int64_t *p)
{
    if (n_cases == MAXC) return;
    WHAT[n_cases] = what;
    N[n_cases] = n;
    memcpy(T[n_cases], t, (size_t)n * sizeof *t);
    memcpy(P[n_cases], p, (size_t)n * sizeof *p);
    n_cases++;
}

/* The labeling `kind` of n samples into out. */
static void make(int kind, int n, fg_rng *r, int64_t *out)
{
    for (int i = 0; i < n; i++) switch (kind) {
        case 0: out[i] = 0; break;                          /* one cluster */
        case 1: out[i] = 3 * i - 7; break;                  /* singletons */
        case 2: out[i] = i / 2; break;                      /* pairs */
        case 3: out[i] = i < n / 2; break;                  /* halves */
        case 4: out[i] = i == 0; break;                     /* one vs the rest */
        case 5: out[i] = (int64_t)fg_rng_below(r, 3); break; /* random, 3 */
        default: out[i] = (int64_t)(n - 1 - i); break;       /* singletons, reversed */
        }
}

static void cases(void)
{
    static const int sizes[] = {2, 3, 4, 5, 6, 7, 8, 10, 12, 20, 50, 100, 200};
    static const char *names[7] = {"one cluster", "singletons", "pairs", "halves", "one-vs-rest", "random3",
                                   "singletons reversed"};
    static char labels[MAXC][96];
    fg_rng r;
    fg_rng_seed(&r, 13);
    int64_t a[MAXN], b[MAXN];
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        int n = sizes[s];
        /* singletons against each kind, both ways; one cluster against each */
        for (int k = 0; k < 7; k++) {
            for (int dir = 0; dir < 2; dir++) {
                if (n_cases >= MAXC - 2) return;
                make(1, n, &r, a);
                make(k, n, &r, b);
                snprintf(labels[n_cases], sizeof labels[0], "n=%d %s vs %s", n, dir ? names[k] : "singletons",
                         dir ? "singletons" : names[k]);
                if (dir) add(labels[n_cases], n, b, a);
                else add(labels[n_cases], n, a, b);
            }
            if (k >= 2 && n <= 12) {
                make(0, n, &r, a);
                make(k, n, &r, b);
                snprintf(labels[n_cases], sizeof labels[0], "n=%d one cluster vs %s", n, names[k]);
                add(labels[n_cases], n, a, b);
            }
        }
        /* identical labelings with blocks */
        make(2, n, &r, a);
        snprintf(labels[n_cases], sizeof labels[0], "n=%d pairs vs pairs", n);
        add(labels[n_cases], n, a, a);
    }
    int64_t x[2] = {0, 1}, y[2] = {1, 0}, z[2] = {0, 0}, w[2] = {1, 1};
    add("two elements, identical", 2, x, x);
    add("two elements, swapped", 2, x, y);
    add("two elements, one cluster vs split", 2, z, x);
    add("two elements, both one cluster", 2, z, w);
    int64_t q[6] = {0, 0, 0, 1, 1, 2};
    add("identical 3+2+1", 6, q, q);
}

int main(void)
{
    if (access("/usr/bin/python3", X_OK) != 0 ||
        system("/usr/bin/python3 -c 'import sklearn.metrics' >/dev/null 2>&1") != 0)
        FG_SKIP("/usr/bin/python3 cannot import sklearn (apt-get install python3-sklearn)");
    cases();
    char dir[] = "/tmp/fg_test_degenerate_XXXXXX";
    if (!mkdtemp(dir)) FG_SKIP("cannot make a temporary folder");
    char in[256], script[256], out[256], cmd[1024];
    snprintf(in, sizeof in, "%s/cases.txt", dir);
    snprintf(script, sizeof script, "%s/ref.py", dir);
    snprintf(out, sizeof out, "%s/out.txt", dir);
    FILE *py = fopen(script, "w");
    fputs("import sys, numpy as np\n"
          "from sklearn.metrics import normalized_mutual_info_score as nmi, adjusted_mutual_info_score as ami\n"
          "from sklearn.metrics.cluster._supervised import (contingency_matrix, mutual_info_score,\n"
          "    expected_mutual_information, entropy, _generalized_average)\n"
          "lines = open(sys.argv[1]).read().split('\\n')\n"
          "out = open(sys.argv[2], 'w')\n"
          "for i in range(0, len(lines) - 1, 2):\n"
          "    t = [int(v) for v in lines[i].split()]; p = [int(v) for v in lines[i + 1].split()]\n"
          "    single = len(set(t)) == 1 or len(set(p)) == 1\n"
          "    c = contingency_matrix(t, p, sparse=True).astype(np.float64)\n"
          "    mi = mutual_info_score(t, p, contingency=c); emi = expected_mutual_information(c, len(t))\n"
          "    for m in ['min', 'geometric', 'arithmetic', 'max']:\n"
          "        mean = _generalized_average(entropy(t), entropy(p), m)\n"
          "        zz = (not single) and abs(mi - emi) < 1e-12 and abs(mean - emi) < 1e-12\n"
          "        out.write('%.17g %.17g %d\\n' % (nmi(t, p, average_method=m), ami(t, p, average_method=m), zz))\n",
          py);
    fclose(py);
    FILE *f = fopen(in, "w");
    for (int c = 0; c < n_cases; c++) {
        for (int i = 0; i < N[c]; i++) fprintf(f, "%lld ", (long long)T[c][i]);
        fputc('\n', f);
        for (int i = 0; i < N[c]; i++) fprintf(f, "%lld ", (long long)P[c][i]);
        fputc('\n', f);
    }
    fclose(f);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s %s", script, in, out);
    CHECK(system(cmd) == 0, "the scikit-learn script failed: %s", cmd);
    FILE *o = fopen(out, "r");
    CHECK(o != NULL, "no scikit-learn output");
    static const char *NORMS[4] = {"min", "geometric", "arithmetic", "max"};
    int n_zz = 0, n_noise = 0, compared = 0;
    for (int c = 0; o && c < n_cases; c++) {
        fg_scores s;
        CHECK_OK(fg_scores_compute(T[c], P[c], (uint64_t)N[c], &s));
        for (int m = 0; m < 4; m++) {
            double rn, ra;
            int zz;
            if (fscanf(o, "%lf %lf %d", &rn, &ra, &zz) != 3) {
                CHECK(0, "scikit-learn output short at case %d", c);
                c = n_cases;
                break;
            }
            double want = zz ? 1.0 : ra;
            if (zz) {
                n_zz++;
                if (ra != 1.0) {
                    n_noise++;
                    if (n_noise <= 6)
                        printf("0/0 AMI: %s, %s: scikit-learn %.17g (residues), expected 1\n", WHAT[c], NORMS[m], ra);
                }
            }
            CHECK(fabs(s.ami[m] - want) <= 1e-10, "%s: AMI %s = %.17g, expected %.17g (scikit-learn %.17g%s)", WHAT[c],
                  NORMS[m], s.ami[m], want, ra, zz ? ", a 0/0" : "");
            CHECK(fabs(s.nmi[m] - rn) <= 1e-10, "%s: NMI %s = %.17g, scikit-learn %.17g", WHAT[c], NORMS[m], s.nmi[m],
                  rn);
            CHECK(s.ami[m] <= 1 + 1e-12 && s.nmi[m] <= 1 + 1e-12 && s.nmi[m] >= 0, "%s, %s: AMI %.17g NMI %.17g out of range",
                  WHAT[c], NORMS[m], s.ami[m], s.nmi[m]);
            compared++;
        }
    }
    if (o) fclose(o);
    printf("%d cases x 4 normalizations compared with scikit-learn; %d AMI were 0/0 (%d of them not 1 in "
           "scikit-learn: its residue ratio)\n", n_cases, n_zz, n_noise);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("could not remove %s\n", dir);
    return fg_test_done("test_metrics_degenerate");
}
