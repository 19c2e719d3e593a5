/* paper/make_table2.py and paper/make_figures.py on a results file with a
 * grid over thresholds, k and communities: the table's numbers match the
 * rows written, the figures exist as PNG and PDF. Skips without Debian's
 * python3-h5py/matplotlib. */
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

static bool starts_with_bytes(const char *p, const char *magic, size_t n)
{
    char buf[16] = {0};
    FILE *f = fopen(p, "rb");
    if (!f) return false;
    size_t got = fread(buf, 1, n, f);
    fclose(f);
    return got == n && memcmp(buf, magic, n) == 0;
}

int main(void)
{
    if (system("/usr/bin/python3 -c 'import h5py, matplotlib, numpy' 2>/dev/null") != 0)
        FG_SKIP("Debian's python3-h5py/python3-matplotlib are not installed");
    char dir[] = "/tmp/fg_paper_XXXXXX", path[256], cmd[2048], f[512];
    if (!mkdtemp(dir)) FG_SKIP("cannot make a temporary folder");
    snprintf(path, sizeof path, "%s/r.h5", dir);
    fg_results *r;
    CHECK_OK(fg_results_open(path, NULL, &r));
    const double his[3] = {1.5, 2, 2.5}, ks[3] = {1, 1.5, 2};
    const int comms[2] = {7, 14};
    for (int t = 0; t < 3; t++)
        for (int ki = 0; ki < 3; ki++) {
            fg_graph_row g = {.dataset = "wood", .lo = -his[t], .hi = his[t], .k = ks[ki], .n_images = 438,
                              .n_vertices_nonisolated = 25000 + t, .n_edges = 5000000 + ki};
            CHECK_OK(fg_results_add_graph(r, &g));
            for (int c = 0; c < 2; c++)
                for (int s = 1; s <= 3; s++) {
                    fg_run_row x = {.dataset = "wood", .lo = -his[t], .hi = his[t], .k = ks[ki],
                                    .communities = comms[c], .seed = s, .variant = "paper"};
                    for (int i = 0; i < FG_NORM_COUNT; i++) {
                        x.nmi[i] = 0.1 * t + 0.01 * ki + 0.001 * s + 0.05 * c;
                        x.ami[i] = x.nmi[i] / 2;
                    }
                    CHECK_OK(fg_results_add_run(r, &x));
                }
        }
    fg_results_close(r);

    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/paper/make_table2.py %s --out-dir %s/t >/dev/null",
             FG_SOURCE_DIR, path, dir);
    CHECK(system(cmd) == 0, "make_table2.py runs");
    snprintf(f, sizeof f, "%s/t/table2.md", dir);
    FILE *md = fopen(f, "r");
    static char text[1 << 16];
    size_t n = md ? fread(text, 1, sizeof text - 1, md) : 0;
    text[n] = '\0';
    if (md) fclose(md);
    /* hi 2, k 1.5, 7 communities: NMI = 0.1 + 0.01 + 0.001 s, s = 1..3: mean 0.112, sd 0.001 */
    CHECK(strstr(text, "| wood | -2:2 | 1.5 | 7 | paper | 438 | 25,001 | 5,000,001 | 3 | 0.112 ± 0.001 | 0.056 ± 0.001 | "
                       "25,259 | 5,610,832 | 0.26 | 0.20 |") != NULL,
          "table2.md row:\n%s", text);
    snprintf(f, sizeof f, "%s/t/table2.tex", dir);
    CHECK(file_size(f) > 100, "table2.tex written");

    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/paper/make_figures.py %s --out-dir %s/fig >/dev/null",
             FG_SOURCE_DIR, path, dir);
    CHECK(system(cmd) == 0, "make_figures.py runs");
    const char *params[] = {"threshold", "k", "communities"};
    for (int i = 0; i < 3; i++) {
        snprintf(f, sizeof f, "%s/fig/nmi_ami_vs_%s.png", dir, params[i]);
        CHECK(starts_with_bytes(f, "\x89PNG", 4) && file_size(f) > 5000, "%s is a PNG", f);
        snprintf(f, sizeof f, "%s/fig/nmi_ami_vs_%s.pdf", dir, params[i]);
        CHECK(starts_with_bytes(f, "%PDF", 4), "%s is a PDF", f);
    }
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/paper/make_table2.py %s/missing.h5 --out-dir %s/t 2>/dev/null",
             FG_SOURCE_DIR, dir, dir);
    CHECK(system(cmd) != 0, "a missing file fails");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("note: could not remove %s\n", dir);
    return fg_test_done("test_paper_scripts");
}
