/* Damaged results files are refused, never read as wrong rows.
 *
 * 1. Targeted: every field of a /graphs row and of a /runs row of a real
 *    results file, overwritten in the file's bytes at the field's offset
 *    (the chunk's offset from h5py's get_chunk_info, the field's from the
 *    row layout, which the file keeps): fg_results_read and `fnegraph
 *    table` refuse, naming the file, the table, the row index and (when it
 *    is not the field hit) the dataset. Also a check value hit.
 * 2. The same on a file of the older layout (no check tables: only the
 *    field checks stand): a variant "7aper", a NaN or out-of-range score, a
 *    negative count, lo >= hi, k <= 0, a dataset name that does not parse
 *    are refused naming the field.
 * 3. Random: 8 random bytes changed anywhere in the rows and check values
 *    (300 trials) and anywhere in the file (100 trials), each read in a
 *    child process: the outcome is a refusal naming the file, or rows equal
 *    to those written, never a row that differs. The seed is printed; set
 *    FG_TEST_SEED to replay it. (A child that dies by a signal or hangs
 *    on damaged metadata is libhdf5's parse, which fg_i_h5_probe contains;
 *    counted and printed, and a failure.) */
#include "fg_test.h"
#include "fnegraph/mem.h"
#include "fnegraph/results.h"

#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NG 3
#define NR 6

static fg_graph_row G[NG];
static fg_run_row R[NR];

static void make_rows(void)
{
    for (int i = 0; i < NG; i++) {
        fg_graph_row *g = &G[i];
        memset(g, 0, sizeof *g);
        snprintf(g->dataset, sizeof g->dataset, "wood%d", i);
        g->lo = -2 + 0.25 * i, g->hi = 2, g->k = 1.5;
        g->n_images = 438, g->n_vertices = 25270 + i, g->n_vertices_nonisolated = 25259;
        g->n_edges = 5610832, g->n_edges_if = 5000, g->n_edges_ff = 5605832;
        g->n_components = 12, g->largest_component = 25250, g->largest_component_images = 430;
        g->seconds_graph = 1.25;
    }
    for (int i = 0; i < NR; i++) {
        fg_run_row *r = &R[i];
        fg_run_row_init(r);
        snprintf(r->dataset, sizeof r->dataset, "mit67_%d", i);
        snprintf(r->variant, sizeof r->variant, i % 2 ? "standard" : "paper");
        r->lo = -2, r->hi = 2, r->k = 1.5;
        r->communities = 7 + i, r->seed = i + 1, r->n_images_scored = 430, r->n_images_outside = 8;
        r->sweeps = 20 + i, r->converged = 1;
        for (int j = 0; j < FG_NORM_COUNT; j++) {
            r->nmi[j] = 0.4 + 0.01 * i + 0.001 * j;
            r->ami[j] = 0.3 - 0.01 * i - 0.001 * j;
        }
        r->seconds_fluidc = 0.5, r->seconds_score = 0.01;
    }
}

static void write_file(const char *path)
{
    unlink(path);
    fg_results *r;
    CHECK_OK(fg_results_open(path, NULL, &r));
    for (int i = 0; i < NG; i++) CHECK_OK(fg_results_add_graph(r, &G[i]));
    for (int i = 0; i < NR; i++) CHECK_OK(fg_results_add_run(r, &R[i]));
    fg_results_close(r);
}

static int copy_file(const char *from, const char *to)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
    return system(cmd);
}

static void poke(const char *path, long off, const void *bytes, size_t n)
{
    int fd = open(path, O_WRONLY);
    CHECK(fd >= 0 && pwrite(fd, bytes, n, off) == (ssize_t)n, "poke %s at %ld", path, off);
    if (fd >= 0) close(fd);
}

/* Same values (strings up to their terminator: bytes after it are no part of the value) */
static bool same_graph(const fg_graph_row *a, const fg_graph_row *b)
{
    fg_graph_row x = *a, y = *b;
    memset(x.dataset, 0, sizeof x.dataset);
    memset(y.dataset, 0, sizeof y.dataset);
    return !strncmp(a->dataset, b->dataset, sizeof a->dataset) && !memcmp(&x, &y, sizeof x);
}

static bool same_run(const fg_run_row *a, const fg_run_row *b)
{
    fg_run_row x = *a, y = *b;
    memset(x.dataset, 0, sizeof x.dataset);
    memset(y.dataset, 0, sizeof y.dataset);
    memset(x.variant, 0, sizeof x.variant);
    memset(y.variant, 0, sizeof y.variant);
    x.converged = y.converged = 0; /* with the 4 padding bytes after it: compared below */
    memset((char *)&x + offsetof(fg_run_row, converged), 0, offsetof(fg_run_row, nmi) - offsetof(fg_run_row, converged));
    memset((char *)&y + offsetof(fg_run_row, converged), 0, offsetof(fg_run_row, nmi) - offsetof(fg_run_row, converged));
    return !strncmp(a->dataset, b->dataset, sizeof a->dataset) && !strncmp(a->variant, b->variant, sizeof a->variant) &&
           a->converged == b->converged && !memcmp(&x, &y, sizeof x);
}

/* 0: read fine and equal to what was written; 1: read fine, rows differ;
 * 2: refused naming the file; 3: refused without naming it. */
static int outcome(const char *path, char *msg, size_t n)
{
    fg_graph_row *g = NULL;
    fg_run_row *r = NULL;
    int64_t ng = 0, nr = 0;
    fg_error_clear();
    fg_status st = fg_results_read(path, &g, &ng, &r, &nr);
    snprintf(msg, n, "%s", fg_last_error());
    if (st != FG_OK) return strstr(msg, path) ? 2 : 3;
    int same = ng == NG && nr == NR;
    if (!same) snprintf(msg, n, "%lld graphs, %lld runs read (%d, %d written)", (long long)ng, (long long)nr, NG, NR);
    for (int i = 0; same && i < NG; i++)
        if (!(same = same_graph(&g[i], &G[i]))) snprintf(msg, n, "graph row %d differs", i);
    for (int i = 0; same && i < NR; i++)
        if (!(same = same_run(&r[i], &R[i]))) snprintf(msg, n, "run row %d differs", i);
    fg_free(g);
    fg_free(r);
    return same ? 0 : 1;
}

typedef struct field {
    const char *name;
    size_t off, size;
} field;

#define F(s, f) {#f, offsetof(s, f), sizeof(((s *)0)->f)}

static const field GF[] = {F(fg_graph_row, dataset), F(fg_graph_row, lo), F(fg_graph_row, hi), F(fg_graph_row, k),
                           F(fg_graph_row, n_images), F(fg_graph_row, n_vertices),
                           F(fg_graph_row, n_vertices_nonisolated), F(fg_graph_row, n_edges),
                           F(fg_graph_row, n_edges_if), F(fg_graph_row, n_edges_ff), F(fg_graph_row, n_components),
                           F(fg_graph_row, largest_component), F(fg_graph_row, largest_component_images),
                           F(fg_graph_row, seconds_graph)};
static const field RF[] = {F(fg_run_row, dataset), F(fg_run_row, lo), F(fg_run_row, hi), F(fg_run_row, k),
                           F(fg_run_row, communities), F(fg_run_row, seed), F(fg_run_row, variant),
                           F(fg_run_row, n_images_scored), F(fg_run_row, n_images_outside), F(fg_run_row, sweeps),
                           F(fg_run_row, converged), F(fg_run_row, nmi), F(fg_run_row, ami),
                           F(fg_run_row, seconds_fluidc), F(fg_run_row, seconds_score)};

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* chunk offsets of graphs, runs, graphs_check, runs_check (from h5py) */
static int chunk_offsets(const char *path, long off[4], long size[4])
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import h5py; f = h5py.File('%s', 'r'); "
             "[print(f[n].id.get_chunk_info(0).byte_offset, f[n].id.get_chunk_info(0).size) "
             "for n in ('graphs', 'runs', 'graphs_check', 'runs_check')]\"",
             path);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    int got = 0;
    for (int i = 0; i < 4; i++) got += fscanf(p, "%ld %ld", &off[i], &size[i]) == 2;
    return pclose(p) == 0 && got == 4 ? 0 : -1;
}

static void targeted(const char *dir, const char *good, const long off[4], bool legacy)
{
    char path[300], msg[2048], want[128];
    snprintf(path, sizeof path, "%s/%s.h5", dir, legacy ? "old_hit" : "hit");
    for (int t = 0; t < 2; t++) {
        const field *fs = t == 0 ? GF : RF;
        size_t nf = t == 0 ? sizeof GF / sizeof GF[0] : sizeof RF / sizeof RF[0];
        const size_t row_size = t == 0 ? sizeof(fg_graph_row) : sizeof(fg_run_row);
        const int row = 2;
        for (size_t i = 0; i < nf; i++) {
            /* a value that is wrong but plausible-looking where possible */
            unsigned char b[8];
            size_t n = fs[i].size < 8 ? fs[i].size : 8;
            const char *fname = fs[i].name;
            if (!strcmp(fname, "variant")) memcpy(b, "7", n = 1); /* "paper" -> "7aper" */
            else if (!strcmp(fname, "dataset")) memcpy(b, "wo d", n = 4);
            else if (n == 8 && (!strcmp(fname, "lo") || !strcmp(fname, "k") || !strcmp(fname, "nmi"))) {
                double v = !strcmp(fname, "lo") ? 3.0 : !strcmp(fname, "k") ? -1.0 : 1.5;
                memcpy(b, &v, 8);
            } else if (n == 8 && (!strcmp(fname, "ami") || !strcmp(fname, "hi") || !strncmp(fname, "seconds", 7))) {
                double v = NAN;
                memcpy(b, &v, 8);
            } else {
                int64_t v = -5;
                memcpy(b, &v, n);
            }
            copy_file(good, path);
            poke(path, off[t] + (long)(row * row_size + fs[i].off), b, n);
            int o = outcome(path, msg, sizeof msg);
            snprintf(want, sizeof want, "/%s row %d", t == 0 ? "graphs" : "runs", row);
            bool named = strstr(msg, want) && (!strcmp(fname, "dataset") || strstr(msg, t == 0 ? "wood2" : "mit67_2"));
            CHECK(o == 2 && named, "%s%s.%s overwritten: expected a refusal naming the file, '%s' and the dataset; got %s",
                  legacy ? "older layout: " : "", t == 0 ? "graphs" : "runs", fname, want,
                  o == 0 ? "rows read unchanged" : o == 1 ? "WRONG ROWS ACCEPTED" : msg);
            if (legacy && o == 2) printf("  older layout, %s.%s: %s\n", t == 0 ? "graphs" : "runs", fname, msg);
        }
    }
    if (!legacy) {
        uint64_t v = 12345;
        copy_file(good, path);
        poke(path, off[3] + 8 * 4, &v, 8);
        int o = outcome(path, msg, sizeof msg);
        CHECK(o == 2 && strstr(msg, "/runs row 4 (dataset 'mit67_4')") && strstr(msg, "check value"),
              "a check value overwritten: refused naming row 4 (%s)", msg);
        /* a check table lost (e.g. its name damaged) does not make it a file of the older layout */
        char cmd[1024];
        copy_file(good, path);
        snprintf(cmd, sizeof cmd,
                 "/usr/bin/python3 -c \"import h5py; f = h5py.File('%s', 'r+'); f.move('runs_check', 'runs_chexk')\"",
                 path);
        CHECK(system(cmd) == 0, "h5py: rename runs_check");
        o = outcome(path, msg, sizeof msg);
        CHECK(o == 2 && strstr(msg, "check tables"), "a check table renamed: refused (%s)", msg);
    }
}

/* n trials of 8 random bytes at offsets in [lo, hi) (or the listed regions) */
static void random_trials(const char *dir, const char *good, int n, const long *lo, const long *len, int nreg,
                          const char *what)
{
    char path[300], msg[2048];
    int count[5] = {0, 0, 0, 0, 0}, crashed = 0;
    snprintf(path, sizeof path, "%s/rnd.h5", dir);
    for (int t = 0; t < n; t++) {
        copy_file(good, path);
        for (int j = 0; j < 8; j++) {
            int reg = (int)(rnd() % (uint64_t)nreg);
            long at = lo[reg] + (long)(rnd() % (uint64_t)len[reg]);
            unsigned char b = (unsigned char)rnd();
            poke(path, at, &b, 1);
        }
        int fds[2];
        if (pipe(fds) != 0) return;
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            alarm(20);
            int o = outcome(path, msg, sizeof msg);
            if (write(fds[1], msg, strlen(msg) + 1) < 0) _exit(9);
            _exit(20 + o); /* apart from the exit codes of a sanitizer (1) */
        }
        close(fds[1]);
        ssize_t got = read(fds[0], msg, sizeof msg - 1);
        msg[got > 0 ? got : 0] = '\0';
        close(fds[0]);
        int wst;
        waitpid(pid, &wst, 0);
        if (!WIFEXITED(wst) || WEXITSTATUS(wst) < 20 || WEXITSTATUS(wst) > 23) {
            crashed++;
            char keep[128], cp[512];
            snprintf(keep, sizeof keep, "/tmp/fg_results_corrupt_died_%d_%d.h5", (int)getpid(), t);
            snprintf(cp, sizeof cp, "cp '%s' '%s'", path, keep);
            printf("  %s trial %d: the reader %s %d (libhdf5 on damaged metadata?); the file: %s\n", what, t,
                   WIFSIGNALED(wst) ? "died by signal" : "exited", WIFSIGNALED(wst) ? WTERMSIG(wst) : WEXITSTATUS(wst),
                   system(cp) == 0 ? keep : "(not kept)");
            continue;
        }
        int o = WEXITSTATUS(wst) - 20;
        count[o]++;
        if (o == 1 || o == 3) printf("  %s trial %d: %s: %s\n", what, t, o == 1 ? "WRONG ROWS ACCEPTED" : "refused without naming the file", msg);
    }
    printf("%s: %d trials: %d read intact, %d refused naming the file, %d wrong rows accepted, %d refused unnamed, "
           "%d died\n",
           what, n, count[0], count[2], count[1], count[3], crashed);
    CHECK(count[1] == 0, "%s: no trial read rows that differ from those written (%d did)", what, count[1]);
    CHECK(count[3] == 0 && count[4] == 0, "%s: every refusal named the file", what);
    CHECK(crashed == 0, "%s: no reader died (%d did)", what, crashed);
}

int main(int argc, char **argv)
{
    (void)argc;
    /* under ASan, a damaged size makes libhdf5 ask malloc for exabytes: let
     * malloc fail as it does in a release build (libhdf5 then reports an
     * error) instead of aborting the reader */
    const char *asan = getenv("ASAN_OPTIONS");
    if (asan && !strstr(asan, "allocator_may_return_null")) {
        char opts[1024];
        snprintf(opts, sizeof opts, "%s:allocator_may_return_null=1", asan);
        setenv("ASAN_OPTIONS", opts, 1);
        execv("/proc/self/exe", argv);
    }
    char dir[] = "/tmp/fg_results_corrupt_XXXXXX", good[300], old[300], cmd[1024], msg[2048];
    if (!mkdtemp(dir)) FG_SKIP("cannot make a temporary folder");
    if (system("/usr/bin/python3 -c 'import h5py' 2>/dev/null") != 0)
        FG_SKIP("needs Debian's python3-h5py (/usr/bin/python3) for the chunk offsets");
    make_rows();
    snprintf(good, sizeof good, "%s/good.h5", dir);
    write_file(good);
    CHECK(outcome(good, msg, sizeof msg) == 0, "the undamaged file reads back exactly (%s)", msg);
    long off[4], size[4];
    CHECK(chunk_offsets(good, off, size) == 0, "h5py gives the chunk offsets");

    targeted(dir, good, off, false);
    /* the same file in the older layout: no check tables */
    snprintf(old, sizeof old, "%s/old.h5", dir);
    copy_file(good, old);
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import h5py; f = h5py.File('%s', 'r+'); del f['graphs_check']; "
             "del f['runs_check']; del f.attrs['row_checks']\"",
             old);
    CHECK(system(cmd) == 0, "h5py: older layout");
    CHECK(outcome(old, msg, sizeof msg) == 0, "the older layout reads back exactly (%s)", msg);
    long off_old[4], size_old[4];
    snprintf(cmd, sizeof cmd, "%s/old.h5", dir);
    if (chunk_offsets(good, off_old, size_old) == 0) targeted(dir, old, off_old, true);

    /* fnegraph table refuses too, naming the file and row */
    const char *exe = getenv("FG_EXE");
    if (exe) {
        char hit[300];
        snprintf(hit, sizeof hit, "%s/t.h5", dir);
        copy_file(good, hit);
        poke(hit, off[1] + (long)(2 * sizeof(fg_run_row) + offsetof(fg_run_row, variant)), "7", 1);
        snprintf(cmd, sizeof cmd, "%s table %s 2>&1", exe, hit);
        FILE *p = popen(cmd, "r");
        size_t got = p ? fread(msg, 1, sizeof msg - 1, p) : 0;
        msg[got] = '\0';
        int st = p ? pclose(p) : -1;
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1 && strstr(msg, "t.h5: /runs row 2 (dataset 'mit67_2'): damaged"),
              "fnegraph table on a damaged row: exit 1 naming the file and row (%s)", msg);
    }

    const char *seed_env = getenv("FG_TEST_SEED");
    uint64_t seed = seed_env ? strtoull(seed_env, NULL, 10) : (uint64_t)time(NULL);
    printf("random trials: seed %llu (replay: FG_TEST_SEED=%llu)\n", (unsigned long long)seed,
           (unsigned long long)seed);
    rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;
    long rlo[4], rlen[4];
    rlo[0] = off[0], rlen[0] = NG * (long)sizeof(fg_graph_row);
    rlo[1] = off[1], rlen[1] = NR * (long)sizeof(fg_run_row);
    rlo[2] = off[2], rlen[2] = NG * 8;
    rlo[3] = off[3], rlen[3] = NR * 8;
    random_trials(dir, good, 300, rlo, rlen, 4, "rows and check values");
    struct stat sb;
    stat(good, &sb);
    long all0 = 0, alln = (long)sb.st_size;
    random_trials(dir, good, 100, &all0, &alln, 1, "anywhere in the file");

    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("note: could not remove %s\n", dir);
    return fg_test_done("test_results_corrupt");
}
