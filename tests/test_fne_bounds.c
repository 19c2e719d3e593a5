/* Allocations of the FNE reader are bounded by what the file holds: a
 * 1.5 MB FNE file whose /fne declares 30,000 x 12,416 floats (1.49 GB, the
 * chunks never written) is refused before the matrix is allocated, naming the
 * file, the dataset, the rows and the file size; a /path declaring
 * 100,000,000 strings likewise (fg_i_h5_read_strings, which also reads the
 * weight file's layer_names and weight_names). Each read runs in a child
 * whose address space is capped (RLIMIT_AS, not under AddressSanitizer) and
 * whose peak RSS must stay under 300 MB. The same file with its rows written
 * reads (the bound refuses nothing real). */
#include "fg_test.h"
#include "in_child.h"
#include "io/h5_helpers.h"
#include "fnegraph/fne_file.h"
#include "fnegraph/vgg16.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


static char dir[] = "/tmp/fg_fnebounds_XXXXXX";

static void vlen_strings(hid_t loc, const char *name, hsize_t n, hsize_t declared)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    hsize_t chunk = declared < 1024 ? declared : 1024;
    hid_t sp = H5Screate_simple(1, &declared, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, &chunk);
    hid_t d = H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    char **s = calloc(n, sizeof *s);
    char *names = calloc(n, 16);
    for (hsize_t i = 0; i < n; i++) {
        snprintf(names + 16 * i, 16, "c/%u.jpg", (unsigned)(i % 1000000));
        s[i] = names + 16 * i;
    }
    hid_t fs = H5Dget_space(d), ms = H5Screate_simple(1, &n, NULL);
    hsize_t zero = 0;
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, &zero, NULL, &n, NULL);
    H5Dwrite(d, t, ms, fs, H5P_DEFAULT, s);
    H5Sclose(ms);
    H5Sclose(fs);
    free(names);
    free(s);
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(sp);
    H5Tclose(t);
}

/* An FNE file of n rows; /fne declares rows_declared (chunks written for
 * rows_written), /path declares path_declared strings (n written). */
static int make_fne(const char *path, hsize_t n, hsize_t rows_declared, hsize_t rows_written, hsize_t path_declared)
{
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) return -1;
    static const char *const attrs[][2] = {{"dataset", "folder"}, {"split", "all"}, {"preprocess", "caffe"},
                                           {"resize", "direct"}, {"weights_sha256", "00"}};
    for (int i = 0; i < 5; i++) CHECK_OK(fg_i_h5_write_attr_str(f, attrs[i][0], attrs[i][1], path));
    hsize_t dims[2] = {rows_declared, FG_FNE_DIM}, chunk[2] = {rows_declared < 64 ? rows_declared : 64, FG_FNE_DIM};
    hid_t sp = H5Screate_simple(2, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 2, chunk);
    hid_t d = H5Dcreate2(f, "fne", H5T_IEEE_F32LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (rows_written) {
        float *x = calloc(rows_written * FG_FNE_DIM, sizeof *x);
        hsize_t cnt[2] = {rows_written, FG_FNE_DIM}, start[2] = {0, 0};
        hid_t ms = H5Screate_simple(2, cnt, NULL);
        H5Sselect_hyperslab(sp, H5S_SELECT_SET, start, NULL, cnt, NULL);
        H5Dwrite(d, H5T_NATIVE_FLOAT, ms, sp, H5P_DEFAULT, x);
        H5Sclose(ms);
        free(x);
    }
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(sp);
    int32_t *lab = calloc(n, sizeof *lab);
    sp = H5Screate_simple(1, &n, NULL);
    d = H5Dcreate2(f, "label", H5T_STD_I32LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, lab);
    H5Dclose(d);
    H5Sclose(sp);
    free(lab);
    vlen_strings(f, "path", n, path_declared);
    vlen_strings(f, "class_names", 1, 1);
    return H5Fclose(f) < 0 ? -1 : 0;
}

static fg_status read_fne(void *path)
{
    fg_fne f;
    fg_status st = fg_fne_read(path, &f);
    if (st == FG_OK) fg_fne_destroy(&f);
    return st;
}

/* fg_fne_read(path) in a child: address space capped at 768 MB over ours,
 * an alarm of 60 s. Returns its status (100 + signal), *msg its error,
 * *rss_kb its peak RSS. */
static int read_in_child(const char *path, char *msg, size_t n, long *rss_kb)
{
    return fg_test_in_child(read_fne, (void *)path, 768, 60, msg, n, rss_kb);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char p[300], msg[2048], want[600];
    long rss = 0;
    struct stat sb;

    /* a real file: 70 rows written in full */
    snprintf(p, sizeof p, "%s/good.h5", dir);
    CHECK(make_fne(p, 70, 70, 70, 70) == 0, "write %s", p);
    int rc = read_in_child(p, msg, sizeof msg, &rss);
    CHECK(rc == FG_OK, "the complete file: status %d: %s", rc, msg);

    /* /fne declares 30,000 rows, none written */
    snprintf(p, sizeof p, "%s/rows.h5", dir);
    CHECK(make_fne(p, 30000, 30000, 0, 30000) == 0, "write %s", p);
    stat(p, &sb);
    rc = read_in_child(p, msg, sizeof msg, &rss);
    snprintf(want, sizeof want, "%s: dataset /fne (30000 rows of 12416) declares 372480000 values (1489920000 bytes), "
             "more than the file's %lld bytes can hold", p, (long long)sb.st_size);
    CHECK(rc == FG_EFORMAT && strstr(msg, want), "1.49 GB declared: status %d, '%s'", rc, msg);
    CHECK(rss < 300 * 1024, "peak RSS %ld KB", rss);
    printf("  /fne declaring 1.49 GB in a %lld-byte file: status %d, peak RSS %ld KB: %s\n", (long long)sb.st_size, rc,
           rss, msg);

    /* /path declares 100,000,000 strings (1 row) */
    snprintf(p, sizeof p, "%s/paths.h5", dir);
    CHECK(make_fne(p, 1, 1, 1, 100000000) == 0, "write %s", p);
    stat(p, &sb);
    rc = read_in_child(p, msg, sizeof msg, &rss);
    snprintf(want, sizeof want, "%s: dataset /path declares 100000000 values", p);
    CHECK(rc == FG_EFORMAT && strstr(msg, want) && strstr(msg, "more than the file's"), "1e8 paths: status %d, '%s'",
          rc, msg);
    CHECK(rss < 300 * 1024, "peak RSS %ld KB", rss);
    printf("  /path declaring 1e8 strings in a %lld-byte file: status %d, peak RSS %ld KB: %s\n", (long long)sb.st_size,
           rc, rss, msg);

    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
    return fg_test_done("test_fne_bounds");
}
