/* The results file when writing fails at any moment, and its one-writer lock.
 *
 * 1. A file-size limit (RLIMIT_FSIZE, ulimit -f) at 49 levels past the
 *    file's size (0 to 144 KiB): appends go on while there is room and then
 *    fail. The appending child must get an error naming the file, refuse
 *    later appends, and exit normally (libhdf5 1.10.8 crashes in its exit
 *    handler after a failed flush: no write may fail inside it); the file
 *    must then hold exactly the rows the child was told were written (one
 *    more at most), byte for byte, and appending the rest (limit lifted)
 *    must give exactly the whole table.
 * 1b. A real full disk (ENOSPC): the file alone on a private 256 KiB tmpfs
 *    (root: unshare + mount, else skipped), filled to leave 0 to 180 KiB in
 *    steps of 2 KiB, the file created there and 200 rows appended: the same
 *    expectations, creation included (no file, or a complete empty one,
 *    never a half-made file under the name); then the filler removed and
 *    the rest appended: exactly the 200 rows.
 * 2. States a crash leaves between the steps of an append, made with h5py:
 *    a file of the older layout with the all-zero row its failed append
 *    left (the phantom row), a row past the last check value, a
 *    trailing check value still 0 (the fill): readers never count them and
 *    an appending open cuts them off; a check value that does not match is
 *    refused naming the row.
 * 3. A second writer (another process) is refused with "in use by another
 *    process (pid N)", with HDF5's own file locking on and off. */
#define _GNU_SOURCE /* unshare */
#include "fg_test.h"
#include "fnegraph/mem.h"
#include "fnegraph/results.h"

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define N_ROWS 200 /* crosses 64-row chunks of /runs */

static fg_run_row run_row(int64_t seed)
{
    fg_run_row r;
    fg_run_row_init(&r);
    snprintf(r.dataset, sizeof r.dataset, "wood");
    snprintf(r.variant, sizeof r.variant, "paper");
    r.lo = -2;
    r.hi = 2;
    r.k = 1.5;
    r.communities = 7;
    r.seed = seed;
    r.sweeps = 10 + seed;
    r.converged = 1;
    r.n_images_scored = 438;
    for (int i = 0; i < FG_NORM_COUNT; i++) {
        r.nmi[i] = 0.3 + 0.001 * (double)seed + 0.01 * i;
        r.ami[i] = 0.2 - 0.002 * (double)seed;
    }
    r.seconds_fluidc = 0.01 * (double)seed;
    return r;
}

static fg_graph_row graph_row(void)
{
    fg_graph_row g;
    memset(&g, 0, sizeof g);
    snprintf(g.dataset, sizeof g.dataset, "wood");
    g.lo = -2, g.hi = 2, g.k = 1.5, g.n_images = 438, g.n_vertices = 25270, g.n_edges = 5610832;
    return g;
}

/* Rows [0, n) of the file are run_row(1..n) exactly: the count, or -1. */
static int64_t exact_rows(const char *path, int64_t *ng)
{
    fg_graph_row *g = NULL;
    fg_run_row *r = NULL;
    int64_t nr = 0;
    *ng = -1;
    if (fg_results_read(path, &g, ng, &r, &nr) != FG_OK) {
        fprintf(stderr, "read %s: %s\n", path, fg_last_error());
        return -1;
    }
    fg_graph_row gw = graph_row();
    if (*ng != 1 || memcmp(&g[0], &gw, sizeof gw)) nr = -1;
    for (int64_t i = 0; i < nr; i++) {
        fg_run_row w = run_row(i + 1);
        if (memcmp(&w, &r[i], sizeof w)) {
            fprintf(stderr, "%s: run %lld differs from what was written\n", path, (long long)i);
            nr = -1;
        }
    }
    fg_free(g);
    fg_free(r);
    return nr;
}

static fg_status add_runs(const char *path, int64_t from, int64_t to)
{
    fg_results *r;
    fg_status st = fg_results_open(path, NULL, &r);
    for (int64_t s = from; st == FG_OK && s <= to; s++) {
        fg_run_row x = run_row(s);
        st = fg_results_add_run(r, &x);
    }
    fg_results_close(r);
    return st;
}

static int py(const char *code, const char *path)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c \"import h5py, numpy as np; f = h5py.File('%s', 'r+'); %s\"", path,
             code);
    return system(cmd);
}

static void size_limit_sweep(const char *dir)
{
    char path[300];
    int bad_exit = 0, bad_rows = 0, bad_msg = 0, failed_appends = 0, trials = 0;
    for (int extra = 0; extra <= 144; extra += 3) {
        snprintf(path, sizeof path, "%s/lim%d.h5", dir, extra);
        fg_results *r;
        if (fg_results_open(path, NULL, &r) != FG_OK) {
            CHECK(0, "create %s: %s", path, fg_last_error());
            return;
        }
        fg_graph_row g = graph_row();
        fg_status st = fg_results_add_graph(r, &g);
        for (int s = 1; st == FG_OK && s <= 5; s++) {
            fg_run_row x = run_row(s);
            st = fg_results_add_run(r, &x);
        }
        fg_results_close(r);
        CHECK(st == FG_OK, "base rows of %s: %s", path, fg_last_error());
        struct stat sb;
        stat(path, &sb);
        int fds[2];
        if (pipe(fds) != 0) return;
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            signal(SIGXFSZ, SIG_IGN);
            struct rlimit rl = {(rlim_t)sb.st_size + (rlim_t)extra * 1024, RLIM_INFINITY};
            setrlimit(RLIMIT_FSIZE, &rl);
            int64_t acked = 5, msg_ok = 1, refused_after = 1;
            fg_results *c;
            if (fg_results_open(path, NULL, &c) == FG_OK) {
                for (int64_t s = 6; s <= N_ROWS; s++) {
                    fg_run_row x = run_row(s);
                    if (fg_results_add_run(c, &x) != FG_OK) {
                        msg_ok = strstr(fg_last_error(), path) != NULL;
                        refused_after = fg_results_add_run(c, &x) != FG_OK;
                        break;
                    }
                    acked = s;
                }
                fg_results_close(c);
            }
            int64_t msg[3] = {acked, msg_ok, refused_after};
            if (write(fds[1], msg, sizeof msg) != (ssize_t)sizeof msg) exit(3);
            exit(0); /* through atexit: libhdf5's H5_term_library runs */
        }
        close(fds[1]);
        int64_t msg[3] = {-1, 0, 0};
        ssize_t got = read(fds[0], msg, sizeof msg);
        close(fds[0]);
        int wst = 0;
        waitpid(pid, &wst, 0);
        trials++;
        if (!WIFEXITED(wst) || WEXITSTATUS(wst) != 0 || got != (ssize_t)sizeof msg) {
            fprintf(stderr, "limit +%d KiB: the appending process %s %d\n", extra,
                    WIFSIGNALED(wst) ? "died by signal" : "exited", WIFSIGNALED(wst) ? WTERMSIG(wst) : WEXITSTATUS(wst));
            bad_exit++;
            continue;
        }
        if (msg[0] < N_ROWS) failed_appends++;
        if (!msg[1] || !msg[2]) bad_msg++;
        int64_t ng, n = exact_rows(path, &ng);
        if (n < msg[0] || n > msg[0] + 1) {
            fprintf(stderr, "limit +%d KiB: %lld rows acknowledged, the file holds %lld exact rows\n", extra,
                    (long long)msg[0], (long long)n);
            bad_rows++;
            continue;
        }
        /* space back: the same appends complete the table */
        if (add_runs(path, n + 1, N_ROWS) != FG_OK || exact_rows(path, &ng) != N_ROWS) {
            fprintf(stderr, "limit +%d KiB: resuming did not give the %d rows: %s\n", extra, N_ROWS, fg_last_error());
            bad_rows++;
        }
    }
    printf("size limit: %d trials, %d with a failed append\n", trials, failed_appends);
    CHECK(failed_appends >= 10, "the limits made appends fail (%d of %d trials)", failed_appends, trials);
    CHECK(bad_exit == 0, "every appending process exited normally after its failed write (%d did not)", bad_exit);
    CHECK(bad_msg == 0, "every failure named the file and later appends were refused (%d trials not)", bad_msg);
    CHECK(bad_rows == 0, "the file kept exactly the acknowledged rows and resumed to all of them (%d trials not)",
          bad_rows);
}

/* One trial of 1b in a child (its own mount namespace): 0 ok, else a reason code. */
static int full_disk_trial(const char *mnt, int free_kib, int64_t *acked_out, char *msg, size_t msgn)
{
    char path[400], fill[400];
    snprintf(path, sizeof path, "%s/r.h5", mnt);
    snprintf(fill, sizeof fill, "%s/fill", mnt);
    if (mount("tmpfs", mnt, "tmpfs", 0, "size=256k") != 0) return 10;
    struct statvfs vs;
    if (statvfs(mnt, &vs) != 0) return 11;
    long avail = (long)(vs.f_bavail * vs.f_frsize) - free_kib * 1024L;
    FILE *f = fopen(fill, "w");
    if (!f) return 12;
    static char zero[4096];
    for (long w = 0; w < avail; w += (long)sizeof zero)
        if (fwrite(zero, 1, avail - w < (long)sizeof zero ? (size_t)(avail - w) : sizeof zero, f) == 0) break;
    fclose(f);
    int64_t acked = 0;
    bool graph_ok = false;
    fg_results *r;
    fg_status st = fg_results_open(path, NULL, &r);
    if (st == FG_OK) {
        fg_graph_row g = graph_row();
        st = fg_results_add_graph(r, &g);
        graph_ok = st == FG_OK;
        for (int64_t s = 1; st == FG_OK && s <= N_ROWS; s++) {
            fg_run_row x = run_row(s);
            st = fg_results_add_run(r, &x);
            if (st == FG_OK) acked = s;
        }
        fg_results_close(r);
    } else {
        acked = -1; /* not even created */
    }
    snprintf(msg, msgn, "%s", st == FG_OK ? "" : fg_last_error());
    if (st != FG_OK && !strstr(msg, path)) return 13;
    struct stat sb;
    if (acked < 0 && stat(path, &sb) == 0) {
        /* creation failed: no file, or a complete one */
        fg_graph_row *gg;
        fg_run_row *rr;
        int64_t ng, nr;
        if (fg_results_read(path, &gg, &ng, &rr, &nr) != FG_OK) return 14;
        fg_free(gg);
        fg_free(rr);
    }
    char tmp[420];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (stat(tmp, &sb) == 0) return 15;
    unlink(fill);
    int64_t ng = 0, n = 0;
    if (graph_ok) {
        n = exact_rows(path, &ng);
        if (n < acked || n > acked + 1) return 16;
    } else if (acked == 0) { /* created, its graph row refused: no row, or that one complete */
        fg_graph_row *gg, gw = graph_row();
        fg_run_row *rr;
        int64_t nr;
        if (fg_results_read(path, &gg, &ng, &rr, &nr) != FG_OK) return 16;
        bool ok = nr == 0 && (ng == 0 || (ng == 1 && !memcmp(&gg[0], &gw, sizeof gw)));
        fg_free(gg);
        fg_free(rr);
        if (!ok) return 16;
    }
    if (ng == 0) { /* the graph row again (into the file left, or a new one) */
        fg_results *c;
        if (fg_results_open(path, NULL, &c) != FG_OK) return 17;
        fg_graph_row g = graph_row();
        st = fg_results_add_graph(c, &g);
        fg_results_close(c);
        if (st != FG_OK) return 17;
    }
    if (add_runs(path, n + 1, N_ROWS) != FG_OK || exact_rows(path, &ng) != N_ROWS) return 18;
    *acked_out = acked;
    return 0;
}

static void full_disk_sweep(const char *dir)
{
    char mnt[300];
    snprintf(mnt, sizeof mnt, "%s/mnt", dir);
    if (getuid() != 0 || mkdir(mnt, 0700) != 0) {
        printf("note: not root: the full-disk part (tmpfs) is skipped\n");
        return;
    }
    int bad = 0, failed = 0, trials = 0;
    for (int free_kib = 0; free_kib <= 180; free_kib += 2) {
        int fds[2];
        if (pipe(fds) != 0) return;
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            if (unshare(CLONE_NEWNS) != 0 || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) _exit(77);
            char msg[1024] = "";
            int64_t acked = 0;
            int rc = full_disk_trial(mnt, free_kib, &acked, msg, sizeof msg);
            if (write(fds[1], &acked, sizeof acked) < 0 || write(fds[1], msg, strlen(msg) + 1) < 0) _exit(9);
            exit(rc); /* through atexit: libhdf5's H5_term_library runs */
        }
        close(fds[1]);
        char buf[1100] = "";
        int64_t acked = 0;
        ssize_t got = read(fds[0], &acked, sizeof acked), got2 = read(fds[0], buf, sizeof buf - 1);
        buf[got2 > 0 ? got2 : 0] = '\0';
        close(fds[0]);
        int wst = 0;
        waitpid(pid, &wst, 0);
        if (WIFEXITED(wst) && WEXITSTATUS(wst) == 77) {
            printf("note: no private mount namespace here: the full-disk part is skipped\n");
            return;
        }
        trials++;
        if (!WIFEXITED(wst) || WEXITSTATUS(wst) != 0 || got != (ssize_t)sizeof acked) {
            fprintf(stderr, "%d KiB free: %s %d (%s)\n", free_kib, WIFSIGNALED(wst) ? "died by signal" : "reason",
                    WIFSIGNALED(wst) ? WTERMSIG(wst) : WEXITSTATUS(wst), buf);
            bad++;
            continue;
        }
        if (acked < N_ROWS) failed++;
    }
    printf("full disk: %d trials, %d with a failed creation or append\n", trials, failed);
    CHECK(failed >= 30, "the fill levels made writes fail (%d of %d trials)", failed, trials);
    CHECK(bad == 0, "every full-disk trial exited normally, named the file, kept exactly the acknowledged rows and "
                    "resumed to all of them (%d did not)", bad);
}

static void make_base(const char *path, int64_t n)
{
    unlink(path);
    fg_results *r;
    CHECK_OK(fg_results_open(path, NULL, &r));
    fg_graph_row g = graph_row();
    CHECK_OK(fg_results_add_graph(r, &g));
    fg_results_close(r);
    CHECK_OK(add_runs(path, 1, n));
}

static int64_t h5_len(const char *path, const char *name)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import h5py, sys; f = h5py.File('%s', 'r'); "
             "sys.exit(len(f['%s']) if '%s' in f else 255)\"",
             path, name, name);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void crash_states(const char *dir)
{
    char path[300];
    int64_t ng;
    snprintf(path, sizeof path, "%s/state.h5", dir);

    /* the older layout with the phantom row of its failed append */
    make_base(path, 5);
    CHECK(py("del f['runs_check']; del f['graphs_check']; del f.attrs['row_checks']; f['runs'].resize((6,))", path) == 0, "h5py: phantom row");
    CHECK(exact_rows(path, &ng) == 5, "older layout: the trailing all-zero row is not counted");
    CHECK_OK(add_runs(path, 6, 7));
    CHECK(exact_rows(path, &ng) == 7, "older layout: appends go on after the 5 rows, no phantom row");
    CHECK(h5_len(path, "runs") == 7 && h5_len(path, "runs_check") == 7 && h5_len(path, "graphs_check") == 1,
          "older layout opened for appending: phantom row cut off, check table added (h5py sees 7 rows)");

    /* a complete row written, its commit not */
    make_base(path, 5);
    CHECK(py("r = f['runs']; r.resize((6,)); x = r[4]; x['seed'] = 6; r[5] = x", path) == 0, "h5py: row 6");
    CHECK(exact_rows(path, &ng) == 5, "a row past the last check value is not counted");
    CHECK_OK(add_runs(path, 6, 6));
    CHECK(exact_rows(path, &ng) == 6 && h5_len(path, "runs") == 6, "appending replaces the uncommitted row");

    /* the check table grown, its value not written (fill 0) */
    make_base(path, 5);
    CHECK(py("r = f['runs']; c = f['runs_check']; r.resize((6,)); c.resize((6,)); x = r[4]; x['seed'] = 6; r[5] = x",
             path) == 0,
          "h5py: check 0");
    CHECK(exact_rows(path, &ng) == 5, "a trailing check value of 0 does not commit its row");
    CHECK_OK(add_runs(path, 6, 9));
    CHECK(exact_rows(path, &ng) == 9 && h5_len(path, "runs_check") == 9, "appending after it gives rows 1..9");

    /* a wrong check value in the middle */
    make_base(path, 5);
    CHECK(py("c = f['runs_check']; c[2] = c[2] ^ np.uint64(1)", path) == 0, "h5py: flip a check bit");
    fg_graph_row *g;
    fg_run_row *r;
    int64_t nr;
    CHECK_FAILS(fg_results_read(path, &g, &ng, &r, &nr), FG_EFORMAT, "state.h5: /runs row 2 (dataset 'wood'): damaged");
    fg_results *h;
    CHECK_FAILS(fg_results_open(path, NULL, &h), FG_EFORMAT, "row 2");
}

static void lock(const char *dir, const char *h5_locking)
{
    char path[300], want[64];
    snprintf(path, sizeof path, "%s/lock.h5", dir);
    if (h5_locking) setenv("HDF5_USE_FILE_LOCKING", h5_locking, 1);
    else unsetenv("HDF5_USE_FILE_LOCKING");
    make_base(path, 2);
    int go[2], done[2];
    if (pipe(go) != 0 || pipe(done) != 0) return;
    fflush(NULL);
    pid_t holder = fork();
    if (holder == 0) { /* a first writer that keeps the file open */
        close(go[0]);
        close(done[1]);
        fg_results *r;
        char b = fg_results_open(path, NULL, &r) == FG_OK ? 'y' : 'n';
        if (write(go[1], &b, 1) != 1) _exit(3);
        if (read(done[0], &b, 1) < 0) _exit(4);
        fg_results_close(r);
        _exit(0);
    }
    close(go[1]);
    close(done[0]);
    char b = 0;
    CHECK(read(go[0], &b, 1) == 1 && b == 'y', "the first writer opened the file");
    snprintf(want, sizeof want, "in use by another process (pid %ld)", (long)holder);
    fg_results *r;
    CHECK_FAILS(fg_results_open(path, NULL, &r), FG_EIO, want);
    CHECK(strstr(fg_last_error(), "lock.h5") != NULL, "the message names the file: %s", fg_last_error());
    if (write(done[1], "x", 1) != 1) CHECK(0, "cannot tell the holder to end");
    int wst;
    waitpid(holder, &wst, 0);
    close(go[0]);
    close(done[1]);
    CHECK_OK(add_runs(path, 3, 3));
    int64_t ng;
    CHECK(exact_rows(path, &ng) == 3, "after the first writer ended, the second appends");
    printf("lock checked with HDF5_USE_FILE_LOCKING=%s\n", h5_locking ? h5_locking : "(unset)");
}

int main(void)
{
    char dir[] = "/tmp/fg_results_full_XXXXXX";
    if (!mkdtemp(dir)) FG_SKIP("cannot make a temporary folder");
    size_limit_sweep(dir);
    full_disk_sweep(dir);
    if (system("/usr/bin/python3 -c 'import h5py' 2>/dev/null") == 0) crash_states(dir);
    else printf("note: no h5py (/usr/bin/python3): the crash states were not built\n");
    lock(dir, NULL);
    lock(dir, "FALSE");
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("note: could not remove %s\n", dir);
    return fg_test_done("test_results_full");
}
