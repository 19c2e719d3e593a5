/* fnegraph table: mean ± sd over seeds, the chosen normalizations, the
 * paper's values beside the rows, Markdown and LaTeX, and the errors;
 * several files read as one (a run in two files counted once, the same run
 * with other scores refused, naming the file). */
#include "fg_test.h"
#include "fnegraph/results.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int run(const char *cmd, char *out, size_t n)
{
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t len = fread(out, 1, n - 1, p);
    out[len] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(void)
{
    const char *exe = getenv("FG_EXE");
    if (!exe) FG_SKIP("FG_EXE not set (run through ctest)");
    char dir[] = "/tmp/fg_table_XXXXXX", path[256], cmd[1024];
    static char out[65536];
    if (!mkdtemp(dir)) FG_SKIP("cannot make a temporary folder");
    snprintf(path, sizeof path, "%s/r.h5", dir);
    fg_results *r;
    CHECK_OK(fg_results_open(path, NULL, &r));
    fg_graph_row g = {.dataset = "wood", .lo = -2, .hi = 2, .k = 1.5, .n_images = 438,
                      .n_vertices = 25270, .n_vertices_nonisolated = 25259, .n_edges = 5610832};
    CHECK_OK(fg_results_add_graph(r, &g));
    const double nmis[3] = {0.40, 0.42, 0.44};
    for (int s = 0; s < 3; s++) {
        fg_run_row x = {.dataset = "wood", .lo = -2, .hi = 2, .k = 1.5, .communities = 7, .seed = s + 1,
                        .variant = "paper"};
        for (int i = 0; i < FG_NORM_COUNT; i++) {
            x.nmi[i] = nmis[s] + 0.1 * i;
            x.ami[i] = 0.2 + 0.01 * s + 0.1 * i;
        }
        CHECK_OK(fg_results_add_run(r, &x));
    }
    fg_run_row y = {.dataset = "mine", .lo = -1, .hi = 1, .k = 2, .communities = 3, .seed = 1, .variant = "standard"};
    CHECK_OK(fg_results_add_run(r, &y));
    fg_results_close(r);

    snprintf(cmd, sizeof cmd, "%s table %s", exe, path);
    CHECK(run(cmd, out, sizeof out) == 0, "table exits 0");
    printf("%s", out);
    /* default: NMI geometric (index 1: 0.5, 0.52, 0.54), AMI max (index 3: 0.5, 0.51, 0.52) */
    CHECK(strstr(out, "| wood | -2:2 | 1.5 | 7 | paper | 438 | 25,259 | 5,610,832 | 3 | 0.520 ± 0.020 | "
                      "0.510 ± 0.010 | 25,259 | 5,610,832 | 0.26 | 0.20 |") != NULL,
          "wood row with the paper's values");
    CHECK(strstr(out, "| mine | -1:1 | 2 | 3 | standard | — | — | — | 1 | 0.000 ± 0.000") != NULL, "row without paper values");
    CHECK(strstr(out, "NMI: geometric, AMI: max") != NULL, "normalizations named");

    snprintf(cmd, sizeof cmd, "%s table %s --nmi arithmetic --ami min --format latex", exe, path);
    CHECK(run(cmd, out, sizeof out) == 0, "latex exits 0");
    printf("%s", out);
    CHECK(strstr(out, "\\begin{tabular}") && strstr(out, "\\end{tabular}"), "a tabular");
    CHECK(strstr(out, "wood & -2:2 & 1.5 & 7 & 438 & 25{,}259 & 5{,}610{,}832 & 3 & 0.62 $\\pm$ 0.02 & 0.21 $\\pm$ 0.01") != NULL,
          "latex row with arithmetic NMI and min AMI");

    /* a second file (another process of the same job): seeds 4 and 5, and seed 1 again, identical */
    char path2[300], path3[300];
    snprintf(path2, sizeof path2, "%s/r2.h5", dir);
    CHECK_OK(fg_results_open(path2, NULL, &r));
    for (int s = 0; s < 3; s++) {
        int seed = s == 2 ? 1 : s + 4;
        double v = s == 2 ? nmis[0] : 0.46 + 0.02 * s;
        fg_run_row x = {.dataset = "wood", .lo = -2, .hi = 2, .k = 1.5, .communities = 7, .seed = seed,
                        .variant = "paper"};
        for (int i = 0; i < FG_NORM_COUNT; i++) {
            x.nmi[i] = v + 0.1 * i;
            x.ami[i] = (s == 2 ? 0.2 : 0.23 + 0.01 * s) + 0.1 * i;
        }
        CHECK_OK(fg_results_add_run(r, &x));
    }
    fg_results_close(r);
    snprintf(cmd, sizeof cmd, "%s table %s %s 2>&1", exe, path, path2);
    CHECK(run(cmd, out, sizeof out) == 0, "two files: exit 0");
    printf("%s", out);
    /* NMI geometric over seeds 1-5: 0.50 0.52 0.54 0.56 0.58 -> 0.540 ± 0.032 */
    CHECK(strstr(out, "| wood | -2:2 | 1.5 | 7 | paper | 438 | 25,259 | 5,610,832 | 5 | 0.540 ± 0.032 |") != NULL,
          "two files: five seeds, the duplicate counted once, the graph row from the first file");
    CHECK(strstr(out, "1 run(s) found in more than one file, each counted once") != NULL, "the duplicate is reported");
    /* a third file with seed 2 scored differently: another job */
    snprintf(path3, sizeof path3, "%s/r3.h5", dir);
    CHECK_OK(fg_results_open(path3, NULL, &r));
    fg_run_row z = {.dataset = "wood", .lo = -2, .hi = 2, .k = 1.5, .communities = 7, .seed = 2, .variant = "paper"};
    CHECK_OK(fg_results_add_run(r, &z));
    fg_results_close(r);
    snprintf(cmd, sizeof cmd, "%s table %s %s 2>&1", exe, path, path3);
    CHECK(run(cmd, out, sizeof out) == 1 && strstr(out, "r3.h5: run (wood, -2:2, k 1.5, 7 communities, paper, seed 2)") &&
              strstr(out, "other scores"),
          "a run with other scores in another file: exit 1 naming the file and the run");

    snprintf(cmd, sizeof cmd, "%s table %s --nmi median 2>&1", exe, path);
    CHECK(run(cmd, out, sizeof out) == 2 && strstr(out, "--nmi: expected min, geometric"), "bad norm: exit 2");
    snprintf(cmd, sizeof cmd, "%s table %s/none.h5 2>&1", exe, dir);
    CHECK(run(cmd, out, sizeof out) == 1 && strstr(out, "none.h5: cannot open"), "missing file: exit 1 naming it");
    snprintf(cmd, sizeof cmd, "%s table 2>&1", exe);
    CHECK(run(cmd, out, sizeof out) == 2, "no file: exit 2");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("note: could not remove %s\n", dir);
    return fg_test_done("test_table");
}
