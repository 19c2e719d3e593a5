/* The edge file reader never allocates more than the file can hold (issue 13
 * item 8). Hand-made files that declare far more than they store are refused
 * with a message naming the file and both numbers, without the allocation:
 * a contiguous /edges of 2^52 rows never written (0 bytes stored); chunks of
 * 1 GiB (libhdf5 would allocate a whole chunk to read a row); a compressed
 * /edges of 2^33 rows of which one chunk is stored (read in blocks: refused
 * at the first fill row, memory stays small); n_vertices = 2^31-1 with two
 * edges (the CSR would take 32 GB); a /label of 2^31-1 entries never written.
 * A valid compressed file still reads, equal to its content. Outside ASan the
 * address space is capped at 4 GiB, so an attempt to allocate fails loudly
 * instead of swapping; max RSS growth is checked to stay under 256 MB. */
#include "fg_test.h"
#include "fnegraph/edges_file.h"
#include "fnegraph/mem.h"

#include <hdf5.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static char dir[] = "/tmp/fg_edges_bounds_XXXXXX";

static const char *path_of(const char *name)
{
    static char buf[8][512];
    static int i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
    return buf[i];
}

static void attr(hid_t f, const char *name, int64_t v)
{
    hid_t s = H5Screate(H5S_SCALAR), a = H5Acreate2(f, name, H5T_STD_I64LE, s, H5P_DEFAULT, H5P_DEFAULT);
    CHECK(a >= 0 && H5Awrite(a, H5T_NATIVE_INT64, &v) >= 0, "attribute %s", name);
    H5Aclose(a);
    H5Sclose(s);
}

/* /edges [rows][2] of type t; chunk > 0: chunked by `chunk` rows (gzip when
 * deflate); data (when not NULL) written to rows [0, nd). */
static void make(const char *p, hid_t t, hsize_t rows, hsize_t chunk, bool deflate, const int64_t *data,
                 hsize_t nd, int64_t nv, int64_t ni, hsize_t label_rows)
{
    hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    CHECK(f >= 0, "create %s", p);
    attr(f, "n_vertices", nv);
    attr(f, "n_images", ni);
    hsize_t dims[2] = {rows, 2}, cd[2] = {chunk, 2};
    hid_t s = H5Screate_simple(2, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (chunk) {
        H5Pset_chunk(dcpl, 2, cd);
        if (deflate) H5Pset_deflate(dcpl, 9);
    } else {
        H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_LATE);
    }
    hid_t d = H5Dcreate2(f, "edges", t, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    CHECK(d >= 0, "create /edges in %s", p);
    if (data && nd) {
        hsize_t start[2] = {0, 0}, count[2] = {nd, 2};
        hid_t m = H5Screate_simple(2, count, NULL);
        H5Sselect_hyperslab(s, H5S_SELECT_SET, start, NULL, count, NULL);
        CHECK(H5Dwrite(d, H5T_NATIVE_INT64, m, s, H5P_DEFAULT, data) >= 0, "write /edges of %s", p);
        H5Sclose(m);
    }
    H5Dclose(d);
    H5Sclose(s);
    if (label_rows) {
        hsize_t ld = label_rows;
        hid_t ls = H5Screate_simple(1, &ld, NULL), lp = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_alloc_time(lp, H5D_ALLOC_TIME_LATE);
        hid_t l = H5Dcreate2(f, "label", H5T_STD_I32LE, ls, H5P_DEFAULT, lp, H5P_DEFAULT);
        CHECK(l >= 0, "create /label in %s", p);
        H5Dclose(l);
        H5Pclose(lp);
        H5Sclose(ls);
    }
    H5Pclose(dcpl);
    H5Fclose(f);
}

static long max_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void refused(const char *p, const char *n1, const char *n2)
{
    fg_csr g;
    int32_t *lab = NULL;
    fg_error_clear();
    fg_status st = fg_edges_file_read(p, &g, &lab);
    const char *msg = fg_last_error();
    CHECK(st == FG_EFORMAT, "%s: refused as malformed (status %d): %s", p, (int)st, msg);
    CHECK(strstr(msg, p) && strstr(msg, n1) && strstr(msg, n2), "message names the file, '%s' and '%s': %s", n1, n2,
          msg);
    printf("  refused: %s\n", msg);
    fg_csr_destroy(&g);
    fg_free(lab);
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL, "temp dir");
    const char *san = getenv("FG_SANITIZE");
    if (!san || strcmp(san, "1") != 0) {
        struct rlimit rl = {(rlim_t)4 << 30, (rlim_t)4 << 30};
        CHECK(setrlimit(RLIMIT_AS, &rl) == 0, "cap the address space at 4 GiB");
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    long rss0 = max_rss_kb();

    make(path_of("huge.h5"), H5T_STD_I32LE, (hsize_t)1 << 52, 0, false, NULL, 0, 100, 10, 0);
    refused(path_of("huge.h5"), "declares 9007199254740992 values (36028797018963968 bytes)", "stores 0 bytes");

    make(path_of("bigchunk.h5"), H5T_STD_I64LE, (hsize_t)1 << 40, (hsize_t)1 << 26, true, NULL, 0, 100, 10, 0);
    refused(path_of("bigchunk.h5"), "chunks of 1073741824 bytes each", "at most 67108864 bytes");

    enum { ND = 1024 };
    int64_t *e = malloc(2 * ND * sizeof *e);
    CHECK(e != NULL, "out of memory");
    for (int i = 0; i < ND; i++) {
        e[2 * i] = i;
        e[2 * i + 1] = i + 1;
    }
    make(path_of("sparse.h5"), H5T_STD_I32LE, (hsize_t)1 << 33, ND, true, e, ND, ND + 1, 0, 0);
    refused(path_of("sparse.h5"), "/edges row 1024 is (0, 0)", "u < v");

    make(path_of("vertices.h5"), H5T_STD_I32LE, 2, 2, false, e, 2, INT32_MAX, 0, 0);
    refused(path_of("vertices.h5"), "n_vertices = 2147483647", "allows 24836");

    make(path_of("labels.h5"), H5T_STD_I32LE, 2, 2, false, e, 2, INT32_MAX, INT32_MAX, (hsize_t)INT32_MAX);
    refused(path_of("labels.h5"), "/label declares 2147483647 values (8589934588 bytes)", "stores 0 bytes");

    /* a valid compressed file reads block by block */
    make(path_of("ok.h5"), H5T_STD_I64LE, ND, 100, true, e, ND, ND + 1, 1, 0);
    fg_csr g;
    int32_t *lab = NULL;
    CHECK_OK(fg_edges_file_read(path_of("ok.h5"), &g, &lab));
    CHECK(g.n_vertices == ND + 1 && fg_csr_n_edges(&g) == ND && fg_csr_degree(&g, 0) == 1 &&
              fg_csr_degree(&g, 500) == 2 && lab == NULL,
          "compressed path graph: %u vertices, %llu edges", g.n_vertices, (unsigned long long)fg_csr_n_edges(&g));
    fg_csr_destroy(&g);
    free(e);

    long grew = max_rss_kb() - rss0;
    CHECK(grew < 256 * 1024, "max RSS grew by %ld KB reading these files (under 256 MB)", grew);
    printf("  max RSS growth %ld KB\n", grew);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) printf("note: could not remove %s\n", dir);
    return fg_test_done("test_edges_bounds");
}
