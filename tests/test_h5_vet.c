/* fg_i_h5_vet / fg_i_h5_probe on untrusted HDF5 files: a clean file with
 * every kind of object the readers meet (nested groups, attributes fixed and
 * variable-length, vlen string datasets, a chunked dataset over the full-read
 * limit, contiguous, compact, empty, soft links, a named type) passes, also
 * with SIGCHLD ignored; every regression input of tests/fuzz/regress (each
 * once crashed or hung libhdf5 in a reader) is refused as a damaged HDF5 file
 * naming the file, including the edge files; a contiguous dataset and a
 * chunk whose address points past the end of the file are refused by the
 * storage checks, naming the dataset; external links and external storage
 * are refused (not self-contained); FNEGRAPH_H5_VET_SECONDS=1 times out the
 * hanging file in about a second, 0.3 in about 0.3 s, 0 skips the check, a
 * malformed value is refused; a FIFO is refused without blocking; no child is left behind. It
 * prints the cost of one vet of a ~10 KB file. */
#include "fg_test.h"
#include "io/h5_helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/fg_h5vet_XXXXXX";

static const char *at(const char *name)
{
    static char slots[4][512];
    static int next;
    char *p = slots[next++ & 3];
    snprintf(p, sizeof slots[0], "%s/%s", dir, name);
    return p;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU seconds of the ended children (the vetting processes). */
static double children_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           1e-6 * (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static int64_t file_size(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

static void vlen_strings(hid_t loc, const char *name, const char *const *s, hsize_t n)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    hid_t sp = H5Screate_simple(1, &n, NULL);
    hid_t d = H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, s);
    H5Dclose(d);
    H5Sclose(sp);
    H5Tclose(t);
}

/* A file with what the readers meet; rows x 16384 float32 chunked by 64 rows
 * (rows 300: 19.7 MB, over the full-read limit) and a contiguous float
 * dataset /big of 17 MB. Returns 0 on success. */
static int make_clean(const char *path, int rows, bool big)
{
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) return -1;
    static const char *const names[3] = {"a/b.jpg", "c d.jpg", ""};
    vlen_strings(f, "path", names, 3);
    CHECK_OK(fg_i_h5_write_attr_str(f, "dataset", "folder", path));
    CHECK_OK(fg_i_h5_write_attr_fixed_strings(f, "layer_names", names, 2, path));
    hid_t g = H5Gcreate2(f, "grp", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t g2 = H5Gcreate2(g, "inner", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    CHECK_OK(fg_i_h5_write_attr_fixed_strings(g2, "weight_names", names, 0, path));
    hsize_t n3 = 3, n0 = 0;
    int32_t lab[3] = {0, 1, 2};
    hid_t s3 = H5Screate_simple(1, &n3, NULL), s0 = H5Screate_simple(1, &n0, NULL);
    hid_t d = H5Dcreate2(g, "label", H5T_STD_I32LE, s3, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, lab);
    H5Dclose(d);
    d = H5Dcreate2(f, "empty", H5T_STD_I32LE, s0, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dclose(d);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_layout(dcpl, H5D_COMPACT);
    d = H5Dcreate2(g2, "compact", H5T_STD_I32LE, s3, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, lab);
    H5Dclose(d);
    H5Pclose(dcpl);
    hid_t t = H5Tcopy(H5T_IEEE_F32LE);
    H5Tcommit2(f, "float_type", t, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Tclose(t);
    H5Lcreate_soft("/grp/label", f, "label_link", H5P_DEFAULT, H5P_DEFAULT);
    H5Lcreate_soft("/nowhere", f, "dangling", H5P_DEFAULT, H5P_DEFAULT);
    if (rows > 0) {
        hsize_t dims[2] = {(hsize_t)rows, 16384}, chunk[2] = {64, 16384};
        hid_t sp = H5Screate_simple(2, dims, NULL);
        dcpl = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_chunk(dcpl, 2, chunk);
        d = H5Dcreate2(f, "fne", H5T_IEEE_F32LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        float *x = calloc((size_t)rows * 16384, sizeof *x);
        for (size_t i = 0; x && i < (size_t)rows * 16384; i += 97) x[i] = (float)i;
        if (x) H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, x);
        free(x);
        H5Dclose(d);
        H5Pclose(dcpl);
        H5Sclose(sp);
    }
    if (big) {
        hsize_t n = (17u << 20) / 4;
        hid_t sp = H5Screate_simple(1, &n, NULL);
        dcpl = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY);
        d = H5Dcreate2(f, "big", H5T_IEEE_F32LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        H5Dclose(d);
        H5Pclose(dcpl);
        H5Sclose(sp);
    }
    H5Sclose(s3);
    H5Sclose(s0);
    H5Gclose(g2);
    H5Gclose(g);
    return H5Fclose(f) < 0 ? -1 : 0;
}

/* Replace the first 8-byte little-endian occurrence of from by to. */
static int patch_u64(const char *path, uint64_t from, uint64_t to)
{
    FILE *fp = fopen(path, "r+b");
    if (!fp) return -1;
    static unsigned char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, fp); /* metadata sits in the first 64 KB here */
    int rc = -1;
    for (size_t i = 0; i + 8 <= n; i++) {
        uint64_t v = 0;
        for (int k = 7; k >= 0; k--) v = (v << 8) | buf[i + (size_t)k];
        if (v == from) {
            for (int k = 0; k < 8; k++) buf[i + (size_t)k] = (unsigned char)(to >> (8 * k));
            fseek(fp, (long)i, SEEK_SET);
            fwrite(buf + i, 1, 8, fp);
            rc = 0;
            break;
        }
    }
    fclose(fp);
    return rc;
}

static void test_clean(void)
{
    const char *p = at("clean.h5");
    CHECK(make_clean(p, 300, true) == 0, "cannot write %s", p);
    int64_t size = 0;
    CHECK_OK(fg_i_h5_probe(p, "a test file", &size));
    CHECK(size == file_size(p), "size %lld", (long long)size);
    /* the verdict comes through the pipe: a parent that ignores SIGCHLD (no wait status) still gets it */
    signal(SIGCHLD, SIG_IGN);
    CHECK_OK(fg_i_h5_vet(p, size));
    signal(SIGCHLD, SIG_DFL);

    /* a small file: the cost of one vet (fork + H5Fopen + walk) */
    const char *s = at("small.h5");
    CHECK(make_clean(s, 0, false) == 0, "cannot write %s", s);
    int64_t ss = file_size(s);
    int reps = 40;
    double t0 = now();
    for (int i = 0; i < reps; i++) CHECK_OK(fg_i_h5_vet(s, ss));
    double per = (now() - t0) / reps;
    printf("  one vet of a %lld-byte file: %.2f ms (mean of %d)\n", (long long)ss, 1e3 * per, reps);
    t0 = now();
    CHECK_OK(fg_i_h5_vet(p, size));
    printf("  one vet of a %lld-byte file (5 chunks of 4 MB, a 17 MB contiguous dataset): %.2f ms\n",
           (long long)size, 1e3 * (now() - t0));
}

static void test_storage(void)
{
    /* the contiguous dataset /big pointed past the end of the file */
    const char *p = at("contig.h5");
    CHECK(make_clean(p, 0, true) == 0, "cannot write %s", p);
    hid_t f = H5Fopen(p, H5F_ACC_RDONLY, H5P_DEFAULT), d = H5Dopen2(f, "big", H5P_DEFAULT);
    haddr_t off = H5Dget_offset(d);
    H5Dclose(d);
    H5Fclose(f);
    int64_t size = file_size(p);
    CHECK(off != HADDR_UNDEF && patch_u64(p, off, (uint64_t)size - 4096) == 0, "cannot patch /big's address");
    CHECK_FAILS(fg_i_h5_probe(p, "a test file", NULL), FG_EFORMAT, "damaged HDF5 file: dataset /big:");
    CHECK(strstr(fg_last_error(), p) && strstr(fg_last_error(), "lies beyond the end of the file"), "%s",
          fg_last_error());

    /* a chunk of /fne pointed past the end */
    p = at("chunk.h5");
    CHECK(make_clean(p, 300, false) == 0, "cannot write %s", p);
    f = H5Fopen(p, H5F_ACC_RDONLY, H5P_DEFAULT);
    d = H5Dopen2(f, "fne", H5P_DEFAULT);
    hid_t sp = H5Dget_space(d);
    hsize_t o[2], csize = 0;
    haddr_t addr = HADDR_UNDEF;
    unsigned mask = 0;
    H5Dget_chunk_info(d, sp, 2, o, &mask, &addr, &csize);
    H5Sclose(sp);
    H5Dclose(d);
    H5Fclose(f);
    size = file_size(p);
    CHECK(addr != HADDR_UNDEF && patch_u64(p, addr, (uint64_t)size - 100) == 0, "cannot patch a chunk address");
    CHECK_FAILS(fg_i_h5_probe(p, "a test file", NULL), FG_EFORMAT, "dataset /fne: its chunk at row 128");
    CHECK(strstr(fg_last_error(), "beyond the end of the file") || strstr(fg_last_error(), "not found"), "%s",
          fg_last_error());
}

static void test_not_self_contained(void)
{
    const char *p = at("extlink.h5");
    hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    H5Lcreate_external("/etc/other.h5", "/fne", f, "fne", H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose(f);
    CHECK_FAILS(fg_i_h5_probe(p, "an FNE file", NULL), FG_EFORMAT, "/fne is an external link to another file");
    CHECK(strstr(fg_last_error(), p) && strstr(fg_last_error(), "self-contained"), "%s", fg_last_error());

    p = at("extstore.h5");
    f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t n = 4;
    hid_t sp = H5Screate_simple(1, &n, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_external(dcpl, "/dev/zero", 0, 16);
    hid_t d = H5Dcreate2(f, "label", H5T_STD_I32LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(sp);
    H5Fclose(f);
    CHECK_FAILS(fg_i_h5_probe(p, "an FNE file", NULL), FG_EFORMAT, "dataset /label keeps its data in external files");
}

static void test_regress(void)
{
    static const char *const files[] = {
        "fne-aexists-msg-iterate", "fne-aread-vlen-hg-read", "fne-dread-vlen-hg-read", "fne-dread-contig-vlen",
        "edges-dread-memcpyvv-a",  "edges-dread-memcpyvv-b", "weights-aexists-msg-iterate",
        "weights-attr-shape-size"};
    char cmd[2048];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char name[128];
        snprintf(name, sizeof name, "%s.h5", files[i]);
        const char *p = at(name);
        snprintf(cmd, sizeof cmd, "gzip -dc '%s/tests/fuzz/regress/%s.h5.gz' > '%s'", FG_SOURCE_DIR, files[i], p);
        CHECK(system(cmd) == 0, "%s", cmd);
        double t0 = now();
        CHECK_FAILS(fg_i_h5_probe(p, "an FNE file", NULL), FG_EFORMAT, "damaged HDF5 file: ");
        CHECK(strstr(fg_last_error(), p) && strstr(fg_last_error(), "delete it and rerun"), "%s", fg_last_error());
        printf("  %s: %.0f ms: %s\n", files[i], 1e3 * (now() - t0), fg_last_error());
    }

    /* the file that hangs libhdf5: a 1 s limit is reported as such, in about a second */
    const char *h = at("hang.h5");
    snprintf(cmd, sizeof cmd, "gzip -dc '%s/tests/fuzz/regress/fne-hang-hg-protect.h5.gz' > '%s'", FG_SOURCE_DIR, h);
    CHECK(system(cmd) == 0, "%s", cmd);
    setenv("FNEGRAPH_H5_VET_SECONDS", "1", 1);
    double t0 = now();
    CHECK_FAILS(fg_i_h5_probe(h, "an FNE file", NULL), FG_EFORMAT, "damaged HDF5 file: libhdf5 timed out after 1 s");
    double dt = now() - t0;
    CHECK(dt >= 0.9 && dt < 4.0, "timed out after %.2f s", dt);
    printf("  hang, FNEGRAPH_H5_VET_SECONDS=1: %.2f s: %s\n", dt, fg_last_error());
    /* a limit under a second (ITIMER_PROF): the same file in about 0.3 s of CPU */
    setenv("FNEGRAPH_H5_VET_SECONDS", "0.3", 1);
    t0 = now();
    double cpu0 = children_cpu();
    CHECK_FAILS(fg_i_h5_probe(h, "an FNE file", NULL), FG_EFORMAT,
                "damaged HDF5 file: libhdf5 timed out after 0.3 s");
    dt = now() - t0;
    double cpu = children_cpu() - cpu0; /* CPU time: a loaded machine stretches the wall time */
    CHECK(cpu >= 0.25 && cpu < 0.7 && dt < 4.0, "timed out after %.2f s of CPU (%.2f s) at a 0.3 s limit", cpu, dt);
    printf("  hang, FNEGRAPH_H5_VET_SECONDS=0.3: %.2f s of CPU, %.2f s: %s\n", cpu, dt, fg_last_error());
    static const char *const bad[] = {"1.", ".5", "0.0001", "+1", "-1", "3600.5", "1.5s"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv("FNEGRAPH_H5_VET_SECONDS", bad[i], 1);
        CHECK_FAILS(fg_i_h5_probe(h, "an FNE file", NULL), FG_EINVAL, "expected whole seconds");
    }
    setenv("FNEGRAPH_H5_VET_SECONDS", "0", 1); /* off: nothing parsed, so nothing can hang */
    t0 = now();
    CHECK_OK(fg_i_h5_vet(h, file_size(h)));
    CHECK(now() - t0 < 0.5, "FNEGRAPH_H5_VET_SECONDS=0 still took %.2f s", now() - t0);
    setenv("FNEGRAPH_H5_VET_SECONDS", "5s", 1);
    CHECK_FAILS(fg_i_h5_probe(h, "an FNE file", NULL), FG_EINVAL, "FNEGRAPH_H5_VET_SECONDS='5s': expected whole seconds");
    unsetenv("FNEGRAPH_H5_VET_SECONDS");
}

static void test_fifo(void)
{
    const char *p = at("pipe.h5");
    CHECK(mkfifo(p, 0600) == 0, "mkfifo %s", p);
    double t0 = now();
    CHECK_FAILS(fg_i_h5_probe(p, "a Keras weight file", NULL), FG_EIO, "a FIFO (named pipe), not a Keras weight file");
    CHECK(now() - t0 < 1.0, "the FIFO took %.2f s", now() - t0);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    fg_i_h5_quiet q;
    fg_i_h5_quiet_begin(&q);
    test_clean();
    test_storage();
    test_not_self_contained();
    test_regress();
    test_fifo();
    fg_i_h5_quiet_end(&q);
    int status = 0;
    errno = 0;
    CHECK(waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD, "a child process is left behind");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
    return fg_test_done("test_h5_vet");
}
