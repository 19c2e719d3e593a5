/* The edge file's fast read path (engine/io/edges_file.c): /edges stored
 * contiguous as the host's int32 is read straight from the file in parallel
 * shares, each piece checked and counted as it arrives, then read again by
 * the CSR builder from those counts (fg_i_csr_from_counted_rows), its lists
 * left unsorted when the rows are in ascending (u, v) order. Against the
 * simple twin (fg_i_csr_from_edge_list_ref) on the same rows, with 1, 2 and
 * 3 threads and several pieces a share: ascending rows, shuffled rows, rows
 * ascending within each share but not across a share boundary, a repeated
 * row; the same files chunked and big-endian (the other read path) give the
 * same graph; and each bad row (u > v, a self-loop, a vertex out of range, a
 * negative one) at the start, a share boundary, a piece boundary and the end
 * is named with the message of the block-by-block reader. */
#include "fg_test.h"
#include "fnegraph/csr.h"
#include "fnegraph/edges_file.h"
#include "fnegraph/mem.h"
#include "fnegraph/rng.h"
#include "graph/graph_internal.h"

#include <hdf5.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

enum { NV = 2000, NI = 300, M = 150000 }; /* 150,000 rows: 2 or 3 pieces of 32,768 rows a share */

static char dir[] = "/tmp/fg_test_edges_read_XXXXXX";

static const char *path_of(const char *name)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

/* rows[E][2] as /edges of the given file type, contiguous (chunk 0) or in
 * chunks of `chunk` rows. */
static void write_rows(const char *p, const int32_t *rows, hsize_t E, hid_t type, hsize_t chunk)
{
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hsize_t dims[2] = {E, 2}, cd[2] = {chunk, 2};
    if (chunk) H5Pset_chunk(dcpl, 2, cd);
    hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
    hid_t sp = H5Screate_simple(2, dims, NULL);
    hid_t ds = H5Dcreate2(f, "edges", type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Dwrite(ds, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows);
    hid_t as = H5Screate(H5S_SCALAR);
    const int64_t nv = NV, ni = NI;
    hid_t a = H5Acreate2(f, "n_vertices", H5T_STD_I64LE, as, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT64, &nv);
    H5Aclose(a);
    a = H5Acreate2(f, "n_images", H5T_STD_I64LE, as, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT64, &ni);
    H5Aclose(a);
    H5Sclose(as);
    H5Dclose(ds);
    H5Sclose(sp);
    H5Fclose(f);
    H5Pclose(dcpl);
    H5Pclose(fcpl);
}

static int cmp_row(const void *a, const void *b)
{
    const int32_t *x = a, *y = b;
    return x[0] != y[0] ? (x[0] > y[0]) - (x[0] < y[0]) : (x[1] > y[1]) - (x[1] < y[1]);
}

/* M distinct rows (u, v), u < v < NV, in ascending order. */
static int32_t *ascending_rows(fg_rng *r)
{
    int32_t *e = malloc(2 * (size_t)M * sizeof *e);
    unsigned char *seen = calloc((size_t)NV * NV, 1);
    for (uint64_t k = 0; k < M;) {
        uint32_t u = (uint32_t)fg_rng_below(r, NV), v = (uint32_t)fg_rng_below(r, NV);
        if (u == v) continue;
        if (u > v) {
            uint32_t t = u;
            u = v;
            v = t;
        }
        if (seen[(size_t)u * NV + v]) continue;
        seen[(size_t)u * NV + v] = 1;
        e[2 * k] = (int32_t)u;
        e[2 * k + 1] = (int32_t)v;
        k++;
    }
    free(seen);
    qsort(e, M, 2 * sizeof *e, cmp_row);
    return e;
}

static int same_graph(const fg_csr *a, const fg_csr *b)
{
    if (a->n_vertices != b->n_vertices || a->n_images != b->n_images) return 0;
    if (memcmp(a->offsets, b->offsets, ((size_t)a->n_vertices + 1) * sizeof *a->offsets)) return 0;
    return !memcmp(a->adj, b->adj, a->offsets[a->n_vertices] * sizeof *a->adj);
}

/* The file p read with 1, 2 and 3 threads equals the twin on rows, or
 * fails as it does (the same status and message). */
static void against_twin(const char *p, const int32_t *rows, const char *label)
{
    fg_csr ref, g;
    fg_error_clear();
    fg_status sr = fg_i_csr_from_edge_list_ref(NV, NI, (const uint32_t *)rows, M, p, &ref);
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", fg_last_error());
    for (int t = 1; t <= 3; t++) {
        omp_set_num_threads(t);
        int32_t *lab = NULL;
        fg_error_clear();
        fg_status s = fg_edges_file_read(p, &g, &lab);
        CHECK(s == sr && (s == FG_OK || strcmp(msg, fg_last_error()) == 0),
              "%s, %d threads: twin %s '%s', read %s '%s'", label, t, fg_status_str(sr), msg, fg_status_str(s),
              fg_last_error());
        if (s == FG_OK && sr == FG_OK) {
            CHECK(same_graph(&ref, &g), "%s, %d threads: the graph read differs from the twin's", label, t);
            CHECK_OK(fg_csr_validate(&g));
        }
        fg_csr_destroy(&g);
        fg_free(lab);
    }
    if (sr == FG_OK) fg_csr_destroy(&ref);
    omp_set_num_threads(omp_get_num_procs());
}

/* Row k made bad in each way; the reader names it as the block reader did. */
static void bad_rows(const int32_t *good)
{
    int32_t *e = malloc(2 * (size_t)M * sizeof *e);
    const uint64_t at[] = {0, M / 2, M / 3, 32768, 2 * 32768 + 1, M - 1};
    const char *p = path_of("bad.h5");
    for (int w = 0; w < 4; w++)
        for (size_t j = 0; j < sizeof at / sizeof *at; j++) {
            memcpy(e, good, 2 * (size_t)M * sizeof *e);
            const uint64_t k = at[j];
            int32_t *row = e + 2 * k;
            char want[1024];
            if (w == 0) { /* u > v */
                int32_t t = row[0];
                row[0] = row[1];
                row[1] = t;
            }
            if (w == 1) row[1] = row[0]; /* a self-loop */
            if (w == 2) row[1] = NV + 5;
            if (w == 3) row[0] = -3;
            if (w >= 2)
                snprintf(want, sizeof want, "%s: /edges row %llu is (%d, %d): a vertex outside 0..n_vertices-1 = %d", p,
                         (unsigned long long)k, row[0], row[1], NV - 1);
            else
                snprintf(want, sizeof want, "%s: /edges row %llu is (%d, %d): each row must have u < v", p,
                         (unsigned long long)k, row[0], row[1]);
            /* a later bad row too: the first is named */
            if (k + 7 < M) e[2 * (k + 7) + 1] = -1;
            for (int chunked = 0; chunked < 2; chunked++) {
                write_rows(p, e, M, H5T_STD_I32LE, chunked ? 4096 : 0);
                for (int t = 1; t <= 3; t++) {
                    omp_set_num_threads(t);
                    fg_csr g;
                    int32_t *lab = NULL;
                    fg_error_clear();
                    fg_status s = fg_edges_file_read(p, &g, &lab);
                    CHECK(s == FG_EFORMAT && strcmp(fg_last_error(), want) == 0,
                          "bad row %llu (kind %d, %s, %d threads): '%s', expected '%s'", (unsigned long long)k, w,
                          chunked ? "chunked" : "contiguous", t, fg_last_error(), want);
                    CHECK(g.adj == NULL && g.offsets == NULL && lab == NULL, "nothing left behind");
                }
            }
        }
    omp_set_num_threads(omp_get_num_procs());
    free(e);
}

int main(void)
{
    if (!mkdtemp(dir)) FG_SKIP("cannot create a temporary directory");
    fg_rng r;
    fg_rng_seed(&r, 15);
    int32_t *asc = ascending_rows(&r), *e = malloc(2 * (size_t)M * sizeof *e);

    write_rows(path_of("asc.h5"), asc, M, H5T_STD_I32LE, 0);
    against_twin(path_of("asc.h5"), asc, "ascending rows");
    write_rows(path_of("chunked.h5"), asc, M, H5T_STD_I32LE, 5000);
    against_twin(path_of("chunked.h5"), asc, "ascending rows, chunked");
    write_rows(path_of("be.h5"), asc, M, H5T_STD_I32BE, 0);
    against_twin(path_of("be.h5"), asc, "ascending rows, big-endian");

    /* shuffled: each list is sorted by the builder */
    memcpy(e, asc, 2 * (size_t)M * sizeof *e);
    for (uint64_t i = M; i > 1; i--) {
        uint64_t j = fg_rng_below(&r, i);
        int32_t a = e[2 * (i - 1)], b = e[2 * (i - 1) + 1];
        e[2 * (i - 1)] = e[2 * j];
        e[2 * (i - 1) + 1] = e[2 * j + 1];
        e[2 * j] = a;
        e[2 * j + 1] = b;
    }
    write_rows(path_of("shuffled.h5"), e, M, H5T_STD_I32LE, 0);
    against_twin(path_of("shuffled.h5"), e, "shuffled rows");

    /* ascending inside each share of 2 (then 3) threads, not across the boundaries between them */
    for (int t = 2; t <= 3; t++) {
        memcpy(e, asc, 2 * (size_t)M * sizeof *e);
        for (int c = 1; c < t; c++) {
            int32_t *x = e + 2 * ((uint64_t)M * (uint64_t)c / (uint64_t)t - 1), a = x[0], b = x[1];
            x[0] = x[2];
            x[1] = x[3];
            x[2] = a;
            x[3] = b;
            CHECK(x[0] == x[2], "the rows swapped at %d/%d share a vertex (their lists come out unsorted)", c, t);
        }
        write_rows(path_of("boundary.h5"), e, M, H5T_STD_I32LE, 0);
        against_twin(path_of("boundary.h5"), e, t == 2 ? "rows out of order at the boundary of 2 shares"
                                                       : "rows out of order at the boundaries of 3 shares");
    }

    /* a repeated row: not strictly ascending, the repeat found */
    memcpy(e, asc, 2 * (size_t)M * sizeof *e);
    e[2 * 40000] = e[2 * 39999];
    e[2 * 40000 + 1] = e[2 * 39999 + 1];
    write_rows(path_of("repeat.h5"), e, M, H5T_STD_I32LE, 0);
    against_twin(path_of("repeat.h5"), e, "a repeated row");

    bad_rows(asc);
    free(asc);
    free(e);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("could not remove %s\n", dir);
    return fg_test_done("test_edges_read");
}
