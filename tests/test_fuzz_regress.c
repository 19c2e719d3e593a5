/* Every input under tests/fuzz/regress/TARGET/ (crashes and hangs the fuzz
 * targets found, kept after the fix) fed to the reader that target fuzzes,
 * in the normal builds: each in a child process with a 15 s alarm, which
 * must end by returning (success or an error with a message), never by a
 * signal (outside the sanitizer build under a 4 GB address-space limit, so
 * that a memory bomb fails as an error or a signal, not the machine). The
 * readers and the input layouts are those of fuzz/TARGET.c:
 *   fuzz_image         fg_image_decode_file
 *   fuzz_sweep_config  fg_sweep_config_load (INI, then NUL-separated --set values)
 *   fuzz_labels        first byte mod 7 picks the file of a miniature layout
 *   fuzz_score         fg_labels_read_text x2 (split at the first NUL) + fg_scores_compute,
 *                      whose NMI must lie in [0, 1] and AMI be <= 1
 *   fuzz_edges_file, fuzz_fne_file, fuzz_results, fuzz_weights: the HDF5 readers */
#include "fg_test.h"
#include "fnegraph/dataset.h"
#include "fnegraph/edges_file.h"
#include "fnegraph/fne_file.h"
#include "fnegraph/image.h"
#include "fnegraph/mem.h"
#include "fnegraph/metrics.h"
#include "fnegraph/results.h"
#include "fnegraph/weights.h"
#include "img_fixtures.h"
#include "native_layouts.h"
#include "sweep_config.h"

#include <dirent.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* ASan reserves terabytes of shadow memory: RLIMIT_AS cannot be used there */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

static char tmp[64];

static const char *const LAYOUT[7][2] = {
    {"flowers102", "imagelabels.mat"}, {"flowers102", "setid.mat"}, {"mit67", "TrainImages.txt"},
    {"mit67", "TestImages.txt"},       {"textures", "labels/train1.txt"}, {"textures", "labels/test1.txt"},
    {"wood", "names.txt"}};

static const char *at(const char *name)
{
    static char b[4][512];
    static int k;
    char *p = b[k++ & 3];
    snprintf(p, sizeof b[0], "%s/%s", tmp, name);
    return p;
}

/* The reader of `target` on the bytes; returns the child's exit code. */
static int run(const char *target, const uint8_t *d, size_t n)
{
    fg_status st = FG_OK;
    if (!strcmp(target, "fuzz_image")) {
        fg_image img = {0};
        fx_write_bytes(at("image"), d, n);
        st = fg_image_decode_file(at("image"), 0, &img);
        fg_image_destroy(&img);
    } else if (!strcmp(target, "fuzz_sweep_config")) {
        fg_sweep_config cfg = {0};
        const uint8_t *nul = memchr(d, 0, n);
        size_t len = nul ? (size_t)(nul - d) : n;
        fx_write_bytes(at("c.ini"), d, len);
        const char *ov[8];
        int nov = 0;
        char *text = calloc(n + 1, 1);
        if (nul) {
            memcpy(text, nul + 1, n - len - 1);
            for (char *s = text; nov < 8 && s <= text + (n - len - 1); s += strlen(s) + 1) ov[nov++] = s;
        }
        st = fg_sweep_config_load(at("c.ini"), ov, nov, NULL, &cfg);
        if (st == FG_OK)
            for (int i = 0; i < cfg.n_communities; i++)
                if (fg_sweep_communities_for(&cfg.communities[i], 2147483647) < 1) return 3;
        fg_sweep_config_destroy(&cfg);
        free(text);
    } else if (!strcmp(target, "fuzz_labels")) {
        if (n < 1) return 0;
        int k = d[0] % 7;
        char root[256], file[512];
        snprintf(root, sizeof root, "%s/%s", tmp, LAYOUT[k][0]);
        snprintf(file, sizeof file, "%s/%s", root, LAYOUT[k][1]);
        fx_write_bytes(file, d + 1, n - 1);
        fg_dataset ds = {0};
        switch (k) {
        case 0: st = fg_dataset_flowers102(root, &ds); break;
        case 1: st = fg_dataset_flowers102_labels(root, &ds); break;
        case 2: st = fg_dataset_mit67(root, &ds); break;
        case 3: st = fg_dataset_mit67_lists(root, &ds); break;
        case 4: st = fg_dataset_textures(root, &ds); break;
        case 5: st = fg_dataset_textures_fold(root, 1, &ds); break;
        default: st = fg_dataset_wood(root, NULL, &ds); break;
        }
        fg_dataset_destroy(&ds);
    } else if (!strcmp(target, "fuzz_score")) {
        const uint8_t *nul = memchr(d, 0, n);
        size_t len = nul ? (size_t)(nul - d) : n;
        fx_write_bytes(at("t.txt"), d, len);
        if (nul) fx_write_bytes(at("p.txt"), nul + 1, n - len - 1);
        else fx_write_bytes(at("p.txt"), d, n);
        int64_t *t = NULL, *p = NULL;
        uint64_t nt = 0, np = 0;
        fg_scores s;
        st = fg_labels_read_text(at("t.txt"), &t, &nt);
        if (st == FG_OK) st = fg_labels_read_text(at("p.txt"), &p, &np);
        if (st == FG_OK && nt == np && (st = fg_scores_compute(t, p, nt, &s)) == FG_OK)
            for (int m = 0; m < FG_NORM_COUNT; m++)
                if (!(s.nmi[m] >= -1e-9 && s.nmi[m] <= 1 + 1e-9 && s.ami[m] <= 1 + 1e-9)) return 3;
        fg_free(t);
        fg_free(p);
    } else {
        const char *f = at("file.h5");
        fx_write_bytes(f, d, n);
        if (!strcmp(target, "fuzz_edges_file")) {
            fg_csr g = {0};
            int32_t *lab = NULL;
            if ((st = fg_edges_file_read(f, &g, &lab)) == FG_OK) fg_csr_destroy(&g), fg_free(lab);
        } else if (!strcmp(target, "fuzz_fne_file")) {
            fg_fne x = {0};
            st = fg_fne_read(f, &x);
            fg_fne_destroy(&x);
            fg_fne_mode m;
            fg_fne_read_mode(f, &m);
        } else if (!strcmp(target, "fuzz_results")) {
            fg_graph_row *g = NULL;
            fg_run_row *r = NULL;
            int64_t ng, nr;
            if ((st = fg_results_read(f, &g, &ng, &r, &nr)) == FG_OK) fg_free(g), fg_free(r);
            char *text = NULL;
            if (fg_results_read_config(f, &text) == FG_OK) fg_free(text);
        } else if (!strcmp(target, "fuzz_weights")) {
            fg_weights w = {0};
            st = fg_weights_load(f, &w);
            fg_weights_destroy(&w);
        } else {
            return 4; /* a folder no target owns */
        }
    }
    return st == FG_OK || fg_last_error()[0] ? 0 : 2; /* an error must say something */
}

int main(void)
{
    char regress[512];
    snprintf(regress, sizeof regress, "%s/tests/fuzz/regress", FG_SOURCE_DIR);
    DIR *top = opendir(regress);
    if (!top) FG_SKIP("no %s", regress);
    snprintf(tmp, sizeof tmp, "/tmp/fg_fuzz_regress_XXXXXX");
    if (!mkdtemp(tmp)) FG_SKIP("cannot make a temporary folder");
    CHECK(nl_make_flowers102(at("flowers102"), 1) == 0 && nl_make_mit67(at("mit67")) == 0 &&
              nl_make_textures(at("textures"), 1) == 0 && nl_make_wood(at("wood")) == 0,
          "miniature layouts");
    int files = 0;
    struct dirent *t;
    while ((t = readdir(top)) != NULL) {
        if (t->d_name[0] == '.') continue;
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", regress, t->d_name);
        DIR *dd = opendir(sub);
        if (!dd) continue;
        struct dirent *e;
        while ((e = readdir(dd)) != NULL) {
            if (e->d_name[0] == '.') continue;
            char path[2048];
            snprintf(path, sizeof path, "%s/%s", sub, e->d_name);
            size_t n = 0;
            uint8_t *data = fx_read_file(path, &n);
            if (!data) continue;
            files++;
            fflush(stdout);
            pid_t pid = fork();
            if (pid == 0) {
                alarm(15);
                /* a memory bomb fails this input, not the machine (the
                 * sanitizer build reserves terabytes of shadow: no limit) */
                if (!UNDER_ASAN) {
                    struct rlimit rl = {(rlim_t)4 << 30, (rlim_t)4 << 30};
                    setrlimit(RLIMIT_AS, &rl);
                }
                _exit(run(t->d_name, data, n));
            }
            int ws = 0;
            waitpid(pid, &ws, 0);
            if (WIFSIGNALED(ws))
                CHECK(0, "%s/%s: the reader died by signal %d%s", t->d_name, e->d_name, WTERMSIG(ws),
                      WTERMSIG(ws) == SIGALRM ? " (hung > 15 s)" : "");
            else
                CHECK(WEXITSTATUS(ws) == 0, "%s/%s: exit %d (1: a sanitizer report, above; 2: an error without a "
                      "message; 3: a value out of range; 4: no such target)", t->d_name, e->d_name, WEXITSTATUS(ws));
            free(data);
        }
        closedir(dd);
    }
    closedir(top);
    printf("%d regression inputs fed to their readers\n", files);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    if (system(cmd) != 0) printf("note: could not remove %s\n", tmp);
    return fg_test_done("test_fuzz_regress");
}
