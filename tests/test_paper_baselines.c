/* paper/make_baselines.py and make_figures.py's nmi_ami_by_method on a
 * results file with FluidC, kmeans and kmeans-ternary runs: the Markdown has
 * one line per method with the mean ± sd written here, the paired FluidC -
 * k-means differences and wins, the generated-weights notice when asked,
 * the config; the by-method figure is a PNG and a PDF, and is not drawn for a
 * FluidC-only file; make_table2.py keeps to the FluidC runs. The
 * experiments/configs/baselines.ini the README names loads (dry run). Skips
 * without Debian's python3-h5py/matplotlib. */
#include "fg_test.h"
#include "fnegraph/results.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long file_size(const char *p)
{
    struct stat s;
    return stat(p, &s) == 0 ? (long)s.st_size : -1;
}

static char *slurp(const char *path)
{
    static char buf[1 << 16];
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f) fclose(f);
    buf[n] = '\0';
    return buf;
}

static fg_run_row row(const char *ds, const char *method, int64_t seed, double nmi)
{
    fg_run_row r;
    fg_run_row_init(&r);
    snprintf(r.dataset, sizeof r.dataset, "%s", ds);
    snprintf(r.variant, sizeof r.variant, "paper");
    r.lo = -2, r.hi = 2, r.k = 1.5, r.communities = 2, r.seed = seed, r.n_images_scored = 153, r.converged = 1;
    for (int i = 0; i < FG_NORM_COUNT; i++) r.nmi[i] = nmi, r.ami[i] = nmi / 2;
    if (strcmp(method, "fluidc")) {
        snprintf(r.method, sizeof r.method, "%s", method);
        r.inertia = 1000.0 * (double)seed;
        r.restarts = 1;
    }
    return r;
}

int main(void)
{
    if (system("/usr/bin/python3 -c 'import h5py, matplotlib, numpy' 2>/dev/null") != 0)
        FG_SKIP("Debian's python3-h5py/python3-matplotlib are not installed");
    char dir[] = "/tmp/fg_baselines_XXXXXX", path[256], only[256], cmd[2048], f[512];
    if (!mkdtemp(dir)) FG_SKIP("cannot make a temporary folder");
    snprintf(path, sizeof path, "%s/r.h5", dir);
    snprintf(only, sizeof only, "%s/f.h5", dir);
    fg_results *r;
    const fg_results_attrs attrs = {.config_text = "[sweep]\nmethods = fluidc, kmeans, kmeans-ternary\n",
                                    .git_commit = "abc123", .cpu = "test cpu", .threads = 2};
    CHECK_OK(fg_results_open(path, &attrs, &r));
    /* fluidc 0.30, 0.40; kmeans 0.50, 0.20 (paired: -0.20 and +0.20, one win each); ternary 0.10, 0.10 */
    const fg_run_row rows[] = {row("val", "fluidc", 1, 0.30),         row("val", "fluidc", 2, 0.40),
                               row("val", "kmeans", 1, 0.50),         row("val", "kmeans", 2, 0.20),
                               row("val", "kmeans-ternary", 1, 0.10), row("val", "kmeans-ternary", 2, 0.10)};
    for (size_t i = 0; r && i < sizeof rows / sizeof rows[0]; i++) CHECK_OK(fg_results_add_run(r, &rows[i]));
    fg_results_close(r);
    CHECK_OK(fg_results_open(only, NULL, &r));
    for (int i = 0; r && i < 2; i++) CHECK_OK(fg_results_add_run(r, &rows[i]));
    fg_results_close(r);

    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/paper/make_baselines.py %s --out %s/b.md --generated-weights >/dev/null",
             FG_SOURCE_DIR, path, dir);
    CHECK(system(cmd) == 0, "make_baselines.py runs");
    snprintf(f, sizeof f, "%s/b.md", dir);
    const char *t = slurp(f);
    CHECK(strstr(t, "**Template, not a result.**") && strstr(t, "*generated* VGG16 weights"), "the notice:\n%s", t);
    CHECK(strstr(t, "| val | 153 | -2:2 | 1.5 | 2 | fluidc | 2 | 0.350 ± 0.071 | 0.175 ± 0.035 | 0.350 ± 0.071 | "
                    "0.175 ± 0.035 | — |"),
          "the FluidC line:\n%s", t);
    CHECK(strstr(t, "| val | 153 | -2:2 | 1.5 | 2 | kmeans | 2 | 0.350 ± 0.212 | 0.175 ± 0.106 | 0.350 ± 0.212 | "
                    "0.175 ± 0.106 | 1500 |"),
          "the kmeans line (inertia mean 1500):\n%s", t);
    CHECK(strstr(t, "| val | -2:2 | 1.5 | 2 | kmeans | 2 | 0.000 ± 0.283 | 0.000 ± 0.141 | 0.000 ± 0.283 | "
                    "0.000 ± 0.141 | 1/2 | 1/2 |"),
          "FluidC - kmeans paired by seed:\n%s", t);
    CHECK(strstr(t, "| val | -2:2 | 1.5 | 2 | kmeans-ternary | 2 | 0.250 ± 0.071 |"), "FluidC - kmeans-ternary:\n%s", t);
    CHECK(strstr(t, "commit `abc123`") && strstr(t, "methods = fluidc, kmeans, kmeans-ternary"), "commit and config");
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/paper/make_baselines.py %s --out %s/b2.md >/dev/null", FG_SOURCE_DIR,
             path, dir);
    CHECK(system(cmd) == 0, "make_baselines.py without --generated-weights runs");
    snprintf(f, sizeof f, "%s/b2.md", dir);
    CHECK(!strstr(slurp(f), "Template, not a result"), "no notice without --generated-weights");

    /* a results file with no run (a sweep that failed early) is refused, not reported as an empty table */
    char empty[256];
    snprintf(empty, sizeof empty, "%s/empty.h5", dir);
    CHECK_OK(fg_results_open(empty, &attrs, &r));
    fg_results_close(r);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/paper/make_baselines.py %s --out %s/b3.md 2>%s/b3.err", FG_SOURCE_DIR,
             empty, dir, dir);
    CHECK(system(cmd) != 0, "make_baselines.py refuses a file without runs");
    snprintf(f, sizeof f, "%s/b3.err", dir);
    CHECK(strstr(slurp(f), "empty.h5: no runs"), "its message names the file:\n%s", slurp(f));
    snprintf(f, sizeof f, "%s/b3.md", dir);
    CHECK(file_size(f) < 0, "and writes no report");

    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/paper/make_figures.py %s --out-dir %s/fig >/dev/null", FG_SOURCE_DIR,
             path, dir);
    CHECK(system(cmd) == 0, "make_figures.py runs on the methods file");
    snprintf(f, sizeof f, "%s/fig/nmi_ami_by_method.png", dir);
    CHECK(file_size(f) > 5000, "%s written", f);
    snprintf(f, sizeof f, "%s/fig/nmi_ami_by_method.pdf", dir);
    CHECK(file_size(f) > 1000, "%s written", f);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/paper/make_figures.py %s --out-dir %s/fig2 >/dev/null",
             FG_SOURCE_DIR, only, dir);
    CHECK(system(cmd) == 0, "make_figures.py runs on the FluidC file");
    snprintf(f, sizeof f, "%s/fig2/nmi_ami_by_method.png", dir);
    CHECK(file_size(f) < 0, "no by-method figure for FluidC runs only");

    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/paper/make_table2.py %s --out-dir %s/t >/dev/null", FG_SOURCE_DIR,
             path, dir);
    CHECK(system(cmd) == 0, "make_table2.py runs");
    snprintf(f, sizeof f, "%s/t/table2.md", dir);
    t = slurp(f);
    CHECK(strstr(t, "| 2 | 0.350 ± 0.071 |"), "Table 2 holds the FluidC runs only:\n%s", t);

    const char *exe = getenv("FG_EXE");
    if (exe) {
        snprintf(cmd, sizeof cmd, "'%s' sweep --config %s/experiments/configs/baselines.ini --out %s/x.h5 --dry-run "
                                  ">%s/dry.txt 2>&1",
                 exe, FG_SOURCE_DIR, dir, dir);
        int rc = system(cmd);
        snprintf(f, sizeof f, "%s/dry.txt", dir);
        t = slurp(f);
        /* without the shared photos the datasets cannot be listed: the config itself must still parse */
        CHECK(strstr(t, "methods fluidc, kmeans, kmeans-ternary") || (rc != 0 && strstr(t, "hymenoptera")),
              "baselines.ini loads:\n%s", t);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("note: could not remove %s\n", dir);
    return fg_test_done("test_paper_baselines");
}
