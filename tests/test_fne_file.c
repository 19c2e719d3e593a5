/* The FNE cache file: write/read round trip (rows, labels, paths with spaces
 * and UTF-8, class names, failures, attributes); Debian's h5py reads it;
 * interrupted runs (closed at several points, mid-chunk included, and child
 * processes SIGKILLed while writing) resume and end with a file
 * byte-identical to an uninterrupted run; a finished file is recognised; a
 * different job is refused with a message saying what differs; misuse and
 * malformed files are errors naming the file and dataset. */
#include "fg_test.h"
#include "fnegraph/fne_file.h"
#include "fnegraph/mem.h"
#include "fnegraph/rng.h"
#include "fnegraph/vgg16.h"

#include <hdf5.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { N = 100, C = 4, CHUNK = 16 };

static char *paths[N];
static int32_t labels[N];
static const char *const classes[C] = {"bark", "brick wall", "Ümlaut", "zebra"};
static char dir[] = "/tmp/fg_fne_file_XXXXXX";

static bool fails(int64_t i) { return i % 11 == 5; }

static void make_row(int64_t i, float *row)
{
    fg_rng r;
    fg_rng_seed_stream(&r, 99, (uint64_t)i);
    for (int j = 0; j < FG_FNE_DIM; j++) row[j] = (float)fg_rng_uniform(&r) * (float)(j % 7);
}

static fg_fne_meta meta(void)
{
    return (fg_fne_meta){"folder", "all", "caffe", "direct",
                         "ea3d1e42fd03d6e1b652d81504cce96441d7ade7a75861991c41d62195fe86d2", NULL, NULL};
}

static void put_range(fg_fne_writer *w, int64_t from, int64_t to)
{
    float *row = fg_alloc(FG_FNE_DIM, sizeof(float));
    for (int64_t i = from; i < to; i++) {
        make_row(i, row);
        CHECK_OK(fg_fne_writer_put(w, fails(i) ? NULL : row));
    }
    fg_free(row);
}

/* Open, check the resume point, write rows up to `stop`, then close, or finish at N. */
static void run(const char *path, int64_t expect_next, int64_t stop)
{
    fg_fne_writer *w = NULL;
    int64_t next = -1;
    fg_fne_meta m = meta();
    CHECK_OK(fg_fne_writer_open(path, &m, N, (const char *const *)paths, labels, classes, C, CHUNK, &w, &next));
    if (!w) return;
    CHECK(next == expect_next, "%s: resumes at %lld, expected %lld", path, (long long)next, (long long)expect_next);
    put_range(w, next, stop);
    if (stop == N) CHECK_OK(fg_fne_writer_finish(w));
    fg_fne_writer_close(w);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)len + 1);
    *n = fread(b, 1, (size_t)len, f);
    fclose(f);
    return b;
}

static bool same_bytes(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    char *x = slurp(a, &na), *y = slurp(b, &nb);
    bool same = x && y && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

static bool exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

static void check_round_trip(const char *path)
{
    fg_fne f;
    CHECK_OK(fg_fne_read(path, &f));
    int64_t n_fail = 0;
    for (int64_t i = 0; i < N; i++) n_fail += fails(i);
    CHECK(f.n == N - n_fail && f.n_failed == n_fail, "rows %lld failed %lld", (long long)f.n, (long long)f.n_failed);
    CHECK(f.n_classes == C, "classes %d", f.n_classes);
    for (int c = 0; c < C && c < f.n_classes; c++) CHECK(!strcmp(f.class_names[c], classes[c]), "class %d", c);
    float *row = fg_alloc(FG_FNE_DIM, sizeof(float));
    int64_t r = 0, q = 0;
    for (int64_t i = 0; i < N && r <= f.n && q <= f.n_failed; i++) {
        if (fails(i)) {
            CHECK(q < f.n_failed && !strcmp(f.failed_path[q], paths[i]), "failure %lld is %s", (long long)q, paths[i]);
            q++;
            continue;
        }
        make_row(i, row);
        CHECK(r < f.n && !strcmp(f.path[r], paths[i]) && f.label[r] == labels[i], "row %lld is input %lld", (long long)r, (long long)i);
        CHECK(r < f.n && memcmp(f.x + r * FG_FNE_DIM, row, FG_FNE_DIM * sizeof(float)) == 0, "row %lld values", (long long)r);
        r++;
    }
    fg_free(row);
    CHECK(!strcmp(f.dataset, "folder") && !strcmp(f.split, "all") && !strcmp(f.preprocess, "caffe") &&
          !strcmp(f.resize, "direct") && !strncmp(f.weights_sha256, "ea3d1e42", 8), "attributes");
    fg_fne_destroy(&f);
    fg_fne_destroy(&f);
}

static void check_with_h5py(const char *path)
{
    if (system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") != 0) {
        printf("  (skipped the h5py check: /usr/bin/python3 with h5py not available)\n");
        return;
    }
    char cmd[1200], out[2048] = "";
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import h5py, sys\n"
             "f = h5py.File(sys.argv[1], 'r')\n"
             "print(f['fne'].shape, f['fne'].dtype, f['fne'].chunks, f['label'].dtype, f['label'][2])\n"
             "print(f['path'].asstr()[2], '|', f['class_names'].asstr()[2], '|', len(f['failed_path']), f['failed_path'].asstr()[0])\n"
             "print(f.attrs['dataset'], f.attrs['split'], f.attrs['preprocess'], f.attrs['resize'], f.attrs['weights_sha256'][:8], f.attrs['fnegraph_version'])\n"
             "print(repr(float(f['fne'][3, 12415])))\n\" '%s'",
             path);
    FILE *p = popen(cmd, "r");
    size_t n = p ? fread(out, 1, sizeof out - 1, p) : 0;
    out[n] = '\0';
    int rc = p ? pclose(p) : -1;
    CHECK(rc == 0, "h5py script failed: %s", out);
    float row[FG_FNE_DIM];
    make_row(3, row);
    char l1[128], l2[512];
    snprintf(l1, sizeof l1, "(%d, 12416) float32 (64, 12416) int32 %d\n", N - 9, labels[2]);
    CHECK(!strncmp(out, l1, strlen(l1)), "h5py line 1: %s, expected %s", out, l1);
    snprintf(l2, sizeof l2, "%s | %s | 9 %s\n", paths[2], classes[2], paths[5]);
    CHECK(strstr(out, l2) != NULL, "h5py line 2: %s, expected %s", out, l2);
    CHECK(strstr(out, "folder all caffe direct ea3d1e42 ") != NULL, "h5py attributes: %s", out);
    const char *last = out + (n > 0 ? n - 1 : 0);
    while (last > out && last[-1] != '\n') last--;
    double v = strtod(last, NULL);
    CHECK(v == (double)row[12415], "h5py /fne[3, 12415] = %.9g, expected %.9g", v, (double)row[12415]);
    printf("  h5py reads it:\n%s", out);
}

/* A child writes slowly and reports each row put on a pipe; it is SIGKILLed
 * once `kill_at` rows are put. Returns rows it had reported. */
static int64_t killed_child(const char *path, int64_t kill_at, int64_t chunk, int delay_us)
{
    int fd[2];
    if (pipe(fd) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        fg_fne_writer *w = NULL;
        int64_t next = 0;
        fg_fne_meta m = meta();
        if (fg_fne_writer_open(path, &m, N, (const char *const *)paths, labels, classes, C, chunk, &w, &next) != FG_OK)
            _exit(3);
        float row[FG_FNE_DIM];
        for (int64_t i = next; i < N; i++) {
            make_row(i, row);
            if (fg_fne_writer_put(w, fails(i) ? NULL : row) != FG_OK) _exit(4);
            int64_t done = i + 1;
            if (write(fd[1], &done, sizeof done) != sizeof done) _exit(5);
            if (delay_us) usleep((useconds_t)delay_us);
        }
        pause(); /* never finishes: it is killed */
        _exit(0);
    }
    close(fd[1]);
    int64_t done = 0, got;
    while (done < kill_at && read(fd[0], &got, sizeof got) == sizeof got) done = got;
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    while (read(fd[0], &got, sizeof got) == sizeof got) done = got; /* reported before it died */
    close(fd[0]);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child killed (status %d)", status);
    return done;
}

static void resume_after_kill(const char *path, const char *ref)
{
    /* synchronised kills: mid-chunk at 40 (chunk boundary 32), then at 70 */
    unlink(path);
    int64_t put = killed_child(path, 40, CHUNK, 500);
    fg_fne_writer *w = NULL;
    int64_t next = -1;
    fg_fne_meta m = meta();
    CHECK_OK(fg_fne_writer_open(path, &m, N, (const char *const *)paths, labels, classes, C, CHUNK, &w, &next));
    CHECK(next % CHUNK == 0 && next >= 32 && next <= put + CHUNK, "after a kill at %lld rows: resumes at %lld",
          (long long)put, (long long)next);
    printf("  killed after %lld rows put: resumes at %lld\n", (long long)put, (long long)next);
    fg_fne_writer_close(w);
    put = killed_child(path, 70, CHUNK, 500);
    run(path, 64, N);
    CHECK(same_bytes(path, ref), "killed at 40 and 70, resumed: the final file differs from an uninterrupted run");
    char partial[400];
    snprintf(partial, sizeof partial, "%s.partial", path);
    CHECK(!exists(partial), "no work file left after the resumed run");

    /* kills at arbitrary instants (inside flushes too): one row a chunk */
    unlink(path);
    fg_rng r;
    fg_rng_seed(&r, (uint64_t)fg_test_seed("kill instants"));
    int64_t last = 0;
    for (int k = 0; k < 6; k++) {
        int64_t at = last + 1 + (int64_t)fg_rng_below(&r, 12);
        if (at >= N) break;
        last = killed_child(path, at, 1, 0);
    }
    w = NULL;
    CHECK_OK(fg_fne_writer_open(path, &m, N, (const char *const *)paths, labels, classes, C, 1, &w, &next));
    CHECK(next <= last + 1 && next >= 1, "chunk of one row: resumes at %lld after %lld rows put", (long long)next, (long long)last);
    printf("  killed 6 times at random instants (flush every row): resumes at %lld of %lld put\n",
           (long long)next, (long long)last);
    if (w) put_range(w, next, N);
    if (w) CHECK_OK(fg_fne_writer_finish(w));
    fg_fne_writer_close(w);
    CHECK(same_bytes(path, ref), "killed at random, resumed: the final file differs from an uninterrupted run");
}

static void expect_open_fails(const char *path, const fg_fne_meta *m, int64_t n, char **p, const int32_t *l,
                              const char *const *cls, int nc, const char *n1, const char *n2)
{
    fg_fne_writer *w = NULL;
    int64_t next = -1;
    fg_error_clear();
    fg_status st = fg_fne_writer_open(path, m, n, (const char *const *)p, l, cls, nc, CHUNK, &w, &next);
    const char *msg = fg_last_error();
    CHECK(st == FG_EINVAL && w == NULL, "a different job is refused: %s", msg);
    CHECK(strstr(msg, n1) && strstr(msg, n2), "message mentions '%s' and '%s': %s", n1, n2, msg);
    printf("  ok: %s\n", msg);
    fg_fne_writer_close(w);
}

static void copy_file(const char *from, const char *to)
{
    size_t n = 0;
    char *b = slurp(from, &n);
    FILE *f = fopen(to, "wb");
    CHECK(b && f && fwrite(b, 1, n, f) == n, "copy %s", from);
    if (f) fclose(f);
    free(b);
}

/* Killed inside finish(): before the rename (a stale PATH.tmp), and between
 * the rename and the removal of the work file. */
static void killed_in_finish(const char *path, const char *ref)
{
    char partial[400], tmp[400], saved[400];
    snprintf(partial, sizeof partial, "%s.partial", path);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    snprintf(saved, sizeof saved, "%s.saved", path);
    unlink(path);
    run(path, 0, N - 1);
    FILE *f = fopen(tmp, "w");
    fputs("half-written final file", f);
    fclose(f);
    run(path, N - 1, N);
    CHECK(same_bytes(path, ref) && !exists(tmp), "a stale temporary file is replaced");
    unlink(path);
    fg_fne_writer *w = NULL;
    int64_t next;
    fg_fne_meta m = meta();
    CHECK_OK(fg_fne_writer_open(path, &m, N, (const char *const *)paths, labels, classes, C, CHUNK, &w, &next));
    put_range(w, 0, N);
    fg_fne_writer_close(w); /* every row stored, not finished */
    copy_file(partial, saved);
    run(path, N, N);
    CHECK(rename(saved, partial) == 0, "put the work file back");
    CHECK_OK(fg_fne_writer_open(path, &m, N, (const char *const *)paths, labels, classes, C, CHUNK, &w, &next));
    CHECK(next == N && !exists(partial), "final file and leftover work file: finished (%lld), work file removed",
          (long long)next);
    fg_fne_writer_close(w);
    CHECK(same_bytes(path, ref), "the final file is untouched");
}

static void mismatches(const char *path)
{
    char partial[400];
    snprintf(partial, sizeof partial, "%s.partial", path);
    unlink(path);
    unlink(partial);
    run(path, 0, 37); /* an unfinished job */
    CHECK(exists(partial) && !exists(path), "the work file exists, the final file does not yet");
    fg_fne fx;
    CHECK_FAILS(fg_fne_read(partial, &fx), FG_EFORMAT, "the work file of an unfinished extraction");
    fg_fne_meta m = meta();
    m.preprocess = "raw";
    expect_open_fails(path, &m, N, paths, labels, classes, C, "preprocess is 'caffe' there, 'raw' now", partial);
    m = meta();
    m.weights_sha256 = "0000";
    expect_open_fails(path, &m, N, paths, labels, classes, C, "weights_sha256", "delete");
    m = meta();
    char *p2[N];
    memcpy(p2, paths, sizeof p2);
    p2[7] = "bark/other.jpg";
    expect_open_fails(path, &m, N, p2, labels, classes, C, "input 7 is", "bark/other.jpg");
    int32_t l2[N];
    memcpy(l2, labels, sizeof l2);
    l2[50] = (l2[50] + 1) % C;
    expect_open_fails(path, &m, N, paths, l2, classes, C, "label of input 50", "choose another --out");
    expect_open_fails(path, &m, N - 1, paths, labels, classes, C, "lists 100 inputs, this job 99", partial);
    const char *c2[C] = {"bark", "brick wall", "Umlaut", "zebra"};
    expect_open_fails(path, &m, N, paths, labels, c2, C, "class 2", "Umlaut");
    CHECK(exists(partial), "a refused job leaves the work file alone");
    run(path, 37, N);
    CHECK(!exists(partial), "the work file is removed at the end");
    /* a finished file of another job */
    m.resize = "crop";
    expect_open_fails(path, &m, N, paths, labels, classes, C, "exists and is not the result of this job", "resize");
    m = meta();
    expect_open_fails(path, &m, N, p2, labels, classes, C, "input 7", "delete it or choose another --out");
    /* a damaged work file */
    unlink(path);
    FILE *f = fopen(partial, "w");
    fputs("not hdf5\n", f);
    fclose(f);
    fg_fne_writer *w = NULL;
    int64_t next;
    CHECK_FAILS(fg_fne_writer_open(path, &m, N, (const char *const *)paths, labels, classes, C, CHUNK, &w, &next),
                FG_EFORMAT, "delete it");
    CHECK(strstr(fg_last_error(), partial) != NULL, "names the work file: %s", fg_last_error());
    unlink(partial);
}

static void misuse(const char *path)
{
    fg_fne_writer *w = NULL;
    int64_t next;
    fg_fne_meta m = meta();
    unlink(path);
    int32_t bad[N];
    memcpy(bad, labels, sizeof bad);
    bad[3] = C;
    CHECK_FAILS(fg_fne_writer_open(path, &m, N, (const char *const *)paths, bad, classes, C, CHUNK, &w, &next),
                FG_EINVAL, "not a class index");
    m.dataset = "a-dataset-name-longer-than-thirty-one-characters";
    CHECK_FAILS(fg_fne_writer_open(path, &m, N, (const char *const *)paths, labels, classes, C, CHUNK, &w, &next),
                FG_EINVAL, "dataset");
    m = meta();
    CHECK_OK(fg_fne_writer_open(path, &m, N, (const char *const *)paths, labels, classes, C, CHUNK, &w, &next));
    put_range(w, 0, 20);
    CHECK_FAILS(fg_fne_writer_finish(w), FG_EINVAL, "finish after 20 of 100 inputs");
    fg_fne_writer_close(w);
    fg_fne_writer_close(NULL);
    fg_fne f;
    CHECK_FAILS(fg_fne_read(path, &f), FG_ENOTFOUND, "has not finished");
    run(path, 20, N);
    CHECK_OK(fg_fne_writer_open(path, &m, N, (const char *const *)paths, labels, classes, C, CHUNK, &w, &next));
    CHECK(next == N, "a finished file: next_input = n_inputs (%lld)", (long long)next);
    float row[FG_FNE_DIM] = {0};
    CHECK_FAILS(fg_fne_writer_put(w, row), FG_EINVAL, "already stored");
    CHECK_OK(fg_fne_writer_finish(w));
    fg_fne_writer_close(w);

    /* malformed FNE files */
    char p[300];
    snprintf(p, sizeof p, "%s/narrow.h5", dir);
    hid_t h = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t dims[2] = {3, 12415};
    hid_t sp = H5Screate_simple(2, dims, NULL);
    H5Dclose(H5Dcreate2(h, "fne", H5T_IEEE_F32LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Sclose(sp);
    H5Fclose(h);
    CHECK_FAILS(fg_fne_read(p, &f), FG_ESHAPE, "/fne has shape (3, 12415), expected (N, 12416)");
    h = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    dims[1] = 12416;
    sp = H5Screate_simple(2, dims, NULL);
    H5Dclose(H5Dcreate2(h, "fne", H5T_IEEE_F32LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Sclose(sp);
    H5Fclose(h);
    CHECK_FAILS(fg_fne_read(p, &f), FG_ENOTFOUND, "attribute 'dataset'");
    CHECK(strstr(fg_last_error(), p) != NULL, "names the file: %s", fg_last_error());
    snprintf(p, sizeof p, "%s/absent.h5", dir);
    CHECK_FAILS(fg_fne_read(p, &f), FG_ENOTFOUND, "no such file");
}

static void edge_jobs(void)
{
    char p[300];
    fg_fne_writer *w = NULL;
    int64_t next;
    fg_fne_meta m = meta();
    fg_fne f;
    snprintf(p, sizeof p, "%s/empty_job.h5", dir);
    CHECK_OK(fg_fne_writer_open(p, &m, 0, NULL, NULL, classes, C, CHUNK, &w, &next));
    CHECK_OK(fg_fne_writer_finish(w));
    fg_fne_writer_close(w);
    CHECK_OK(fg_fne_read(p, &f));
    CHECK(f.n == 0 && f.n_failed == 0 && f.n_classes == C, "a job of no inputs");
    fg_fne_destroy(&f);
    snprintf(p, sizeof p, "%s/all_failed.h5", dir);
    /* a chunk far larger than the job: the buffer is the job's size */
    CHECK_OK(fg_fne_writer_open(p, &m, 5, (const char *const *)paths, labels, classes, C, (int64_t)1 << 40, &w, &next));
    for (int i = 0; i < 5; i++) CHECK_OK(fg_fne_writer_put(w, NULL));
    CHECK_OK(fg_fne_writer_finish(w));
    fg_fne_writer_close(w);
    CHECK_OK(fg_fne_read(p, &f));
    CHECK(f.n == 0 && f.n_failed == 5 && !strcmp(f.failed_path[4], paths[4]), "a job where every image failed");
    fg_fne_destroy(&f);
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    for (int i = 0; i < N; i++) {
        labels[i] = (int32_t)((i * 7) % C);
        paths[i] = malloc(96);
        snprintf(paths[i], 96, "%s/img %03d%s.jpg", classes[labels[i]], i, i % 9 == 0 ? "_ñ" : "");
    }
    char ref[300], b[300];
    snprintf(ref, sizeof ref, "%s/ref.h5", dir);
    snprintf(b, sizeof b, "%s/b.h5", dir);

    run(ref, 0, N);
    check_round_trip(ref);
    check_with_h5py(ref);
    char t[320];
    snprintf(t, sizeof t, "%s.partial", ref);
    CHECK(!exists(t), "no work file left");
    snprintf(t, sizeof t, "%s.tmp", ref);
    CHECK(!exists(t), "no temporary file left");

    /* closed (not finished) at one point, including mid-chunk, then resumed */
    const int64_t stops[] = {0, 1, 15, 16, 17, 40, 64, 99, 100};
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++) {
        unlink(b);
        run(b, 0, stops[i]);
        run(b, stops[i], N);
        CHECK(same_bytes(b, ref), "closed at %lld, resumed: the file differs from an uninterrupted run",
              (long long)stops[i]);
    }
    /* several interruptions in one job, and another chunk size on resume */
    unlink(b);
    run(b, 0, 10);
    run(b, 10, 33);
    run(b, 33, 34);
    fg_fne_writer *w = NULL;
    int64_t next;
    fg_fne_meta m = meta();
    CHECK_OK(fg_fne_writer_open(b, &m, N, (const char *const *)paths, labels, classes, C, 7, &w, &next));
    CHECK(next == 34, "resumes at 34 (%lld)", (long long)next);
    put_range(w, next, 90);
    fg_fne_writer_close(w);
    run(b, 90, N);
    CHECK(same_bytes(b, ref), "interrupted 4 times: the file differs from an uninterrupted run");
    printf("  closed at 0, 1, 15, 16, 17, 40, 64, 99, 100 and at 10/33/34/90: byte-identical final files\n");

    resume_after_kill(b, ref);
    killed_in_finish(b, ref);
    mismatches(b);
    misuse(b);
    edge_jobs();

    for (int i = 0; i < N; i++) free(paths[i]);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "clean up");
    return fg_test_done("test_fne_file");
}
