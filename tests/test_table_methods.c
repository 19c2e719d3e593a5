/* fnegraph table with k-means runs beside FluidC (issue 16): a results file
 * with FluidC, kmeans and kmeans-ternary runs of the same settings prints one
 * line per setting with a column group per method (mean ± sd over the seeds,
 * hand-computed here), the seeds of each method and FluidC - k-means; the
 * LaTeX form has as many columns as its header says; a file of FluidC runs
 * only keeps today's layout (paper columns, no method columns). */
#include "fg_test.h"
#include "fnegraph/results.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

static fg_run_row row(const char *method, int64_t seed, double nmi, double ami)
{
    fg_run_row r;
    fg_run_row_init(&r);
    snprintf(r.dataset, sizeof r.dataset, "wood");
    snprintf(r.variant, sizeof r.variant, "paper");
    r.lo = -2, r.hi = 2, r.k = 1.5, r.communities = 7, r.seed = seed, r.n_images_scored = 438, r.converged = 1;
    for (int i = 0; i < FG_NORM_COUNT; i++) r.nmi[i] = nmi, r.ami[i] = ami;
    if (strcmp(method, "fluidc")) {
        snprintf(r.method, sizeof r.method, "%s", method);
        r.inertia = 100.0 + (double)seed;
        r.restarts = 1;
    }
    return r;
}

static char *slurp(const char *path)
{
    static char buf[16384];
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f) fclose(f);
    buf[n] = '\0';
    return buf;
}

int main(void)
{
    const char *exe = getenv("FG_EXE");
    if (!exe) FG_SKIP("FG_EXE not set (run through ctest)");
    char dir[] = "/tmp/fg_table_methods.XXXXXX", path[256], only[256], out[256], cmd[1024];
    if (!mkdtemp(dir)) FG_SKIP("cannot make a temporary folder");
    snprintf(path, sizeof path, "%s/m.h5", dir);
    snprintf(only, sizeof only, "%s/f.h5", dir);
    snprintf(out, sizeof out, "%s/out.txt", dir);
    fg_results *h = NULL;
    CHECK_OK(fg_results_open(path, NULL, &h));
    const fg_run_row rows[] = {row("fluidc", 1, 0.30, 0.20), row("fluidc", 2, 0.40, 0.30),
                               row("kmeans", 1, 0.50, 0.45), row("kmeans", 2, 0.60, 0.55),
                               row("kmeans", 3, 0.70, 0.65), row("kmeans-ternary", 1, 0.20, 0.10)};
    for (size_t i = 0; h && i < sizeof rows / sizeof rows[0]; i++) CHECK_OK(fg_results_add_run(h, &rows[i]));
    fg_results_close(h);
    CHECK_OK(fg_results_open(only, NULL, &h));
    for (int i = 0; h && i < 2; i++) CHECK_OK(fg_results_add_run(h, &rows[i]));
    fg_results_close(h);

    snprintf(cmd, sizeof cmd, "'%s' table '%s' >'%s' 2>&1", exe, path, out);
    CHECK(system(cmd) == 0, "table of the methods file");
    const char *t = slurp(out);
    CHECK(strstr(t, "| NMI fluidc | AMI fluidc | NMI kmeans | AMI kmeans | NMI kmeans-ternary | AMI kmeans-ternary |"),
          "the column groups:\n%s", t);
    CHECK(strstr(t, "ΔNMI fluidc − kmeans | ΔAMI fluidc − kmeans"), "the differences' columns:\n%s", t);
    /* fluidc 0.35 ± 0.071 / 0.25 ± 0.071; kmeans 0.60 ± 0.100 / 0.55 ± 0.100; ternary one seed */
    CHECK(strstr(t, "| wood | -2:2 | 1.5 | 7 | paper | — | — | — | 2/3/1 | 0.350 ± 0.071 | 0.250 ± 0.071 | "
                    "0.600 ± 0.100 | 0.550 ± 0.100 | 0.200 ± 0.000 | 0.100 ± 0.000 | -0.250 | -0.300 | +0.150 | "
                    "+0.150 |"),
          "the line of the setting:\n%s", t);
    int lines = 0;
    for (const char *p = t; (p = strstr(p, "\n| wood")); p++) lines++;
    CHECK(lines == 1, "%d lines for one setting", lines);

    snprintf(cmd, sizeof cmd, "'%s' table '%s' --format latex >'%s' 2>&1", exe, path, out);
    CHECK(system(cmd) == 0, "latex table");
    t = slurp(out);
    const char *spec = strstr(t, "\\begin{tabular}{");
    const char *hdr = strstr(t, "dataset & ");
    int cols = 0, amps = 0;
    for (const char *p = spec ? spec + 16 : ""; *p && *p != '}'; p++) cols += *p == 'l' || *p == 'r';
    for (const char *p = hdr ? hdr : ""; *p && *p != '\n'; p++) amps += *p == '&';
    CHECK(spec && hdr && cols == amps + 1, "LaTeX: %d columns declared, %d in the header:\n%s", cols, amps + 1, t);

    snprintf(cmd, sizeof cmd, "'%s' table '%s' >'%s' 2>&1", exe, only, out);
    CHECK(system(cmd) == 0, "table of the FluidC-only file");
    t = slurp(out);
    CHECK(strstr(t, "| seeds | NMI | AMI | paper \\|V\\| |") && !strstr(t, "kmeans") &&
              strstr(t, "| wood | -2:2 | 1.5 | 7 | paper | — | — | — | 2 | 0.350 ± 0.071 | 0.250 ± 0.071 | 25,259 |"),
          "FluidC only: today's layout:\n%s", t);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    (void)!system(cmd);
    return fg_test_done("test_table_methods");
}
