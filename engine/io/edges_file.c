/* The edge file (docs/formats.md, include/fnegraph/edges_file.h):
 *   /edges  int32 [E][2], u < v, ascending (u, v) as written here
 *   /label  int32 [n_images], optional
 *   root attributes n_vertices, n_images (int64 scalars)
 * Writing: PATH.lock held (one writer), the file made as PATH.tmp by a child
 * process (io/isolated_write.h: a full disk is an error, never a crash in
 * libhdf5), without time stamps (the same graph gives the same bytes), synced
 * and renamed: an earlier file at PATH stays whole until the new one is.
 * Reading accepts any integer type for the datasets and attributes (h5py
 * writes int64 by default) and checks every edge: u < v, both in range; the
 * CSR builder then refuses duplicates. Every allocation is bounded by what
 * the file holds: a dataset's declared size must be backed by its stored
 * bytes (unfiltered) or is read in blocks that grow the edge list only as
 * rows arrive (filtered: compressed chunks, at most 64 MiB each once
 * decompressed); n_vertices cannot exceed what the edges and labels can
 * touch plus the 2 x 12416 feature vertices. Errors name the file and the
 * dataset, attribute or edge row. An /edges stored contiguous as the host's
 * int32 (as written here) is read straight from the file with pread on
 * libhdf5's own descriptor, in one parallel pass: each thread reads its share
 * of the rows in pieces of 256 KiB, checks each piece and counts its
 * vertices' degrees while the piece is in cache; the CSR builder then starts
 * from those counts and reads the rows again, piece by piece, from the page
 * cache (fg_i_csr_from_counted_rows, graph/graph_internal.h: no copy of the
 * edge list is kept, and rows that changed in between are refused, never
 * placed). Any other /edges moves in blocks of 2^20 rows through libhdf5:
 * O(E) time and one block of buffer besides the edge list. */
#include "fnegraph/edges_file.h"

#include "core/file_guard.h"
#include "fnegraph/mem.h"
#include "fnegraph/vgg16.h"
#include "graph/graph_internal.h"
#include "io/h5_helpers.h"
#include "io/isolated_write.h"

#include <errno.h>
#include <hdf5.h>
#include <omp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK_ROWS ((hsize_t)1 << 20)
#define PIECE_ROWS ((uint64_t)1 << 15) /* 256 KiB: checked and counted while still in cache */
#define MAX_CHUNK_BYTES ((hsize_t)64 << 20)

typedef struct quiet_h5 {
    H5E_auto2_t func;
    void *data;
} quiet_h5;

/* Silence HDF5's own error printing for the duration of one call. */
static void h5_quiet(quiet_h5 *q)
{
    H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static void h5_restore(const quiet_h5 *q) { H5Eset_auto2(H5E_DEFAULT, q->func, q->data); }

static const char *type_class_name(hid_t t)
{
    switch (H5Tget_class(t)) {
    case H5T_INTEGER: return "integer";
    case H5T_FLOAT: return "floating-point";
    case H5T_STRING: return "string";
    case H5T_COMPOUND: return "compound";
    case H5T_ENUM: return "enum";
    case H5T_ARRAY: return "array";
    default: return "non-numeric";
    }
}

static fg_status write_attr_i64(hid_t loc, const char *path, const char *name, int64_t v)
{
    fg_status st = FG_OK;
    hid_t sp = H5Screate(H5S_SCALAR), a = H5I_INVALID_HID;
    if (sp < 0) return FG_FAIL(FG_EBACKEND, "%s: HDF5 could not create a dataspace", path);
    a = H5Acreate2(loc, name, H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0 || H5Awrite(a, H5T_NATIVE_INT64, &v) < 0)
        st = FG_FAIL(FG_EIO, "%s: could not write attribute %s", path, name);
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    return st;
}

/* Write rows [*done, *done + *fill) of /edges from buf. */
static fg_status flush_rows(hid_t ds, hid_t sp, const char *path, const int32_t *buf, hsize_t *done, hsize_t *fill)
{
    fg_status st = FG_OK;
    hsize_t start[2] = {*done, 0}, count[2] = {*fill, 2};
    hid_t mem = H5Screate_simple(2, count, NULL);
    if (mem < 0 || H5Sselect_hyperslab(sp, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
        H5Dwrite(ds, H5T_NATIVE_INT32, mem, sp, H5P_DEFAULT, buf) < 0)
        st = FG_FAIL(FG_EIO, "%s: writing /edges rows %llu..%llu failed (disk full?)", path,
                     (unsigned long long)*done, (unsigned long long)(*done + *fill - 1));
    if (mem >= 0) H5Sclose(mem);
    *done += *fill;
    *fill = 0;
    return st;
}

typedef struct write_job {
    const char *tmp;
    const fg_csr *g;
    const int32_t *labels;
} write_job;

/* The whole file at job->tmp (run in a child: isolated_write.h). */
static fg_status write_child(void *ctx)
{
    const write_job *job = ctx;
    const char *path = job->tmp;
    const fg_csr *g = job->g;
    const int32_t *labels = job->labels;
    fg_status st = FG_OK;
    hid_t f = H5I_INVALID_HID, sp = H5I_INVALID_HID, ds = H5I_INVALID_HID;
    hid_t fcpl = fg_i_h5_fcpl_untimed(), dcpl = fg_i_h5_dcpl_untimed();
    int32_t *buf = NULL;
    const hsize_t E = fg_csr_n_edges(g);
    if (fcpl >= 0) f = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
    if (f < 0 || dcpl < 0) {
        st = FG_FAIL(FG_EIO, "%s: cannot create the file", path);
        goto done;
    }
    FG_CHECK_GOTO(st, write_attr_i64(f, path, "n_vertices", g->n_vertices));
    FG_CHECK_GOTO(st, write_attr_i64(f, path, "n_images", g->n_images));
    hsize_t dims[2] = {E, 2};
    sp = H5Screate_simple(2, dims, NULL);
    ds = sp < 0 ? H5I_INVALID_HID : H5Dcreate2(f, "edges", H5T_STD_I32LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (ds < 0) {
        st = FG_FAIL(FG_EIO, "%s: cannot create dataset /edges [%llu][2] (disk full?)", path, (unsigned long long)E);
        goto done;
    }
    hsize_t rows = E < BLOCK_ROWS ? E : BLOCK_ROWS;
    buf = fg_alloc(2 * (size_t)(rows ? rows : 1), sizeof *buf);
    if (!buf) {
        st = FG_FAIL(FG_ENOMEM, "%s: out of memory for a block of edges", path);
        goto done;
    }
    hsize_t done_rows = 0, fill = 0;
    for (uint32_t u = 0; u < g->n_vertices; u++)
        for (uint64_t i = g->offsets[u]; i < g->offsets[u + 1]; i++) {
            uint32_t v = g->adj[i];
            if (v <= u) continue;
            if (fill == rows) FG_CHECK_GOTO(st, flush_rows(ds, sp, path, buf, &done_rows, &fill));
            buf[2 * fill] = (int32_t)u;
            buf[2 * fill + 1] = (int32_t)v;
            fill++;
        }
    if (fill) FG_CHECK_GOTO(st, flush_rows(ds, sp, path, buf, &done_rows, &fill));
    if (done_rows != E) {
        st = FG_FAIL(FG_EINTERNAL, "%s: wrote %llu edges of %llu (the graph breaks the CSR invariants)", path,
                     (unsigned long long)done_rows, (unsigned long long)E);
        goto done;
    }
    H5Dclose(ds);
    H5Sclose(sp);
    ds = sp = H5I_INVALID_HID;
    if (labels) {
        hsize_t ld[1] = {g->n_images};
        sp = H5Screate_simple(1, ld, NULL);
        ds = sp < 0 ? H5I_INVALID_HID : H5Dcreate2(f, "label", H5T_STD_I32LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (ds < 0 || H5Dwrite(ds, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels) < 0) {
            st = FG_FAIL(FG_EIO, "%s: cannot write /label [%u] (disk full?)", path, g->n_images);
            goto done;
        }
    }
done:
    fg_free(buf);
    if (ds >= 0) H5Dclose(ds);
    if (sp >= 0) H5Sclose(sp);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (fcpl >= 0) H5Pclose(fcpl);
    if (f >= 0 && H5Fclose(f) < 0 && st == FG_OK)
        st = FG_FAIL(FG_EIO, "%s: HDF5 could not complete the file (disk full?)", path);
    return st;
}

fg_status fg_edges_file_write(const char *path, const fg_csr *g, const int32_t *labels)
{
    fg_status st = FG_OK;
    quiet_h5 q;
    fg_i_lock lock = FG_I_LOCK_INIT;
    char *tmp = NULL;
    if (!path || !g || !g->offsets) return FG_FAIL(FG_EINVAL, "fg_edges_file_write: null argument");
    if (g->n_vertices > (uint32_t)INT32_MAX)
        return FG_FAIL(FG_EINVAL, "%s: %u vertices do not fit the file's int32 vertex ids", path, g->n_vertices);
    FG_CHECK_GOTO(st, fg_i_output_file(path, "the edge file"));
    tmp = fg_i_path_with_suffix(path, ".tmp");
    if (!tmp) return FG_FAIL(FG_ENOMEM, "%s: out of memory", path);
    FG_CHECK_GOTO(st, fg_i_output_file(tmp, "the edge file being written"));
    FG_CHECK_GOTO(st, fg_i_lock_take(path, &lock));
    h5_quiet(&q);
    write_job job = {tmp, g, labels};
    st = fg_i_isolated_write(write_child, &job, tmp);
    if (st == FG_OK) st = fg_i_file_commit(tmp, path);
    if (st != FG_OK) {
        unlink(tmp);
        st = FG_FAIL(st, "%s; %s was not written", fg_last_error(), path);
    }
    h5_restore(&q);
done:
    fg_i_lock_release(&lock);
    fg_free(tmp);
    return st;
}

/* An integer attribute on the root, or failing that on /edges. */
static fg_status read_attr_i64(hid_t f, const char *path, const char *name, int64_t *v)
{
    fg_status st = FG_OK;
    hid_t a = H5I_INVALID_HID, t = H5I_INVALID_HID, sp = H5I_INVALID_HID;
    if (H5Aexists(f, name) > 0) a = H5Aopen(f, name, H5P_DEFAULT);
    else if (H5Lexists(f, "edges", H5P_DEFAULT) > 0 && H5Aexists_by_name(f, "edges", name, H5P_DEFAULT) > 0)
        a = H5Aopen_by_name(f, "edges", name, H5P_DEFAULT, H5P_DEFAULT);
    else return FG_FAIL(FG_EFORMAT, "%s: attribute %s is missing (on / or /edges)", path, name);
    if (a < 0) return FG_FAIL(FG_EFORMAT, "%s: cannot open attribute %s", path, name);
    t = H5Aget_type(a);
    sp = H5Aget_space(a);
    if (t < 0 || H5Tget_class(t) != H5T_INTEGER) {
        st = FG_FAIL(FG_EFORMAT, "%s: attribute %s is %s; expected an integer", path, name,
                     t < 0 ? "unreadable" : type_class_name(t));
        goto done;
    }
    if (sp < 0 || H5Sget_simple_extent_npoints(sp) != 1) {
        st = FG_FAIL(FG_EFORMAT, "%s: attribute %s must hold one value", path, name);
        goto done;
    }
    if (H5Aread(a, H5T_NATIVE_INT64, v) < 0) st = FG_FAIL(FG_EFORMAT, "%s: cannot read attribute %s", path, name);
done:
    if (sp >= 0) H5Sclose(sp);
    if (t >= 0) H5Tclose(t);
    H5Aclose(a);
    return st;
}

/* Open dataset `name`, check it is integer-typed with the expected rank and
 * (where given) sizes; *rows gets dims[0]. */
static fg_status open_int_dataset(hid_t f, const char *path, const char *name, int rank, hsize_t dim1, hid_t *ds,
                                  hsize_t *rows)
{
    fg_status st = FG_OK;
    hid_t t = H5I_INVALID_HID, sp = H5I_INVALID_HID;
    hsize_t dims[2] = {0, 0};
    *ds = H5Dopen2(f, name, H5P_DEFAULT);
    if (*ds < 0) return FG_FAIL(FG_EFORMAT, "%s: /%s is not a dataset", path, name);
    t = H5Dget_type(*ds);
    sp = H5Dget_space(*ds);
    if (t < 0 || H5Tget_class(t) != H5T_INTEGER) {
        st = FG_FAIL(FG_EFORMAT, "%s: /%s has %s values; expected int32", path, name,
                     t < 0 ? "unreadable" : type_class_name(t));
        goto done;
    }
    int r = sp < 0 ? -1 : H5Sget_simple_extent_ndims(sp);
    if (r != rank || H5Sget_simple_extent_dims(sp, dims, NULL) < 0 || (rank == 2 && dims[1] != dim1)) {
        if (rank == 2)
            st = FG_FAIL(FG_ESHAPE, "%s: /%s must have shape [E][%llu], found rank %d%s", path, name,
                         (unsigned long long)dim1, r, r == 2 ? " with another second dimension" : "");
        else st = FG_FAIL(FG_ESHAPE, "%s: /%s must have rank %d, found %d", path, name, rank, r);
        goto done;
    }
    *rows = dims[0];
done:
    if (sp >= 0) H5Sclose(sp);
    if (t >= 0) H5Tclose(t);
    if (st != FG_OK) {
        H5Dclose(*ds);
        *ds = H5I_INVALID_HID;
    }
    return st;
}

/* Refuse a dataset whose declared n values (of its type's size) the file
 * cannot hold: data elsewhere (external files, virtual), chunks over
 * MAX_CHUNK_BYTES (libhdf5 allocates a whole chunk to read any of it), more
 * stored bytes than the file has, or, unfiltered, fewer stored bytes than
 * declared. *filtered: the stored bytes do not bound n (compressed). */
static fg_status check_backed(hid_t ds, const char *path, const char *name, hsize_t n, int64_t fsize,
                              bool *filtered)
{
    fg_status st = FG_OK;
    hid_t t = H5Dget_type(ds), dcpl = H5Dget_create_plist(ds);
    size_t esz = t >= 0 ? H5Tget_size(t) : 0;
    *filtered = false;
    if (esz == 0 || dcpl < 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: /%s: unreadable type or creation properties", path, name);
        goto done;
    }
    if (n > ((hsize_t)1 << 60) / esz) {
        st = FG_FAIL(FG_EFORMAT, "%s: /%s declares %llu values: more than any file holds (the file has %lld bytes)",
                     path, name, (unsigned long long)n, (long long)fsize);
        goto done;
    }
    hsize_t need = n * esz, stored = H5Dget_storage_size(ds);
    H5D_layout_t layout = H5Pget_layout(dcpl);
    if ((layout != H5D_CONTIGUOUS && layout != H5D_CHUNKED && layout != H5D_COMPACT) ||
        H5Pget_external_count(dcpl) != 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: /%s keeps its data outside the file (external or virtual storage); "
                     "only data inside the file is read", path, name);
        goto done;
    }
    if (layout == H5D_CHUNKED) {
        hsize_t cd[H5S_MAX_RANK];
        int r = H5Pget_chunk(dcpl, H5S_MAX_RANK, cd);
        hsize_t cbytes = esz;
        for (int k = 0; k < r; k++) cbytes = cd[k] && cbytes > UINT64_MAX / cd[k] ? UINT64_MAX : cbytes * cd[k];
        if (r < 1 || cbytes > MAX_CHUNK_BYTES) {
            st = FG_FAIL(FG_EFORMAT, "%s: /%s is stored in chunks of %llu bytes each (once decompressed); "
                         "chunks of at most %llu bytes are read", path, name,
                         (unsigned long long)(r < 1 ? 0 : cbytes), (unsigned long long)MAX_CHUNK_BYTES);
            goto done;
        }
        *filtered = H5Pget_nfilters(dcpl) > 0;
    }
    if (stored > (hsize_t)fsize) {
        st = FG_FAIL(FG_EFORMAT, "%s: /%s claims %llu stored bytes but the file has %lld bytes: damaged", path, name,
                     (unsigned long long)stored, (long long)fsize);
        goto done;
    }
    if (!*filtered && stored < need)
        st = FG_FAIL(FG_EFORMAT,
                     "%s: /%s declares %llu values (%llu bytes) but the file stores %llu bytes of it (file size "
                     "%lld bytes): damaged or truncated",
                     path, name, (unsigned long long)n, (unsigned long long)need, (unsigned long long)stored,
                     (long long)fsize);
done:
    if (dcpl >= 0) H5Pclose(dcpl);
    if (t >= 0) H5Tclose(t);
    return st;
}

/* Make *a (of *cap elements of size esz) hold need elements, doubling up to max. */
static bool grow(void **a, hsize_t *cap, hsize_t need, hsize_t max, size_t esz)
{
    if (need <= *cap) return true;
    hsize_t c = *cap ? *cap : 1;
    while (c < need) c = c > max / 2 ? max : 2 * c;
    if (c < need) c = need;
    void *b = fg_alloc((size_t)c, esz);
    if (!b) return false;
    if (*cap) memcpy(b, *a, (size_t)*cap * esz);
    fg_free(*a);
    *a = b;
    *cap = c;
    return true;
}

/* Read rows [r0, r0 + cnt) of ds (width values a row) as mem_type (int64
 * or int32) into dst. */
static fg_status read_block(hid_t ds, const char *path, const char *name, hsize_t r0, hsize_t cnt, int width,
                            hid_t mem_type, void *dst)
{
    fg_status st = FG_OK;
    hsize_t start[2] = {r0, 0}, count[2] = {cnt, (hsize_t)width};
    hid_t sp = H5Dget_space(ds), mem = H5Screate_simple(width == 1 ? 1 : 2, count, NULL);
    if (sp < 0 || mem < 0 || H5Sselect_hyperslab(sp, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
        H5Dread(ds, mem_type, mem, sp, H5P_DEFAULT, dst) < 0)
        st = FG_FAIL(FG_EIO, "%s: reading /%s rows %llu..%llu failed (truncated or damaged file?)", path, name,
                     (unsigned long long)r0, (unsigned long long)(r0 + cnt - 1));
    if (mem >= 0) H5Sclose(mem);
    if (sp >= 0) H5Sclose(sp);
    return st;
}

/* Is ds stored as 32-bit signed integers (read then without conversion)? */
static bool is_int32(hid_t ds)
{
    hid_t t = H5Dget_type(ds);
    bool yes = t >= 0 && H5Tget_class(t) == H5T_INTEGER && H5Tget_size(t) == 4 && H5Tget_sign(t) == H5T_SGN_2;
    if (t >= 0) H5Tclose(t);
    return yes;
}

/* The error for a bad /edges row (u, v). */
static fg_status row_error(const char *path, unsigned long long row, int64_t u, int64_t v, int64_t nv)
{
    if (u < 0 || v < 0 || u >= nv || v >= nv)
        return FG_FAIL(FG_EFORMAT, "%s: /edges row %llu is (%lld, %lld): a vertex outside 0..n_vertices-1 = %lld",
                       path, row, (long long)u, (long long)v, (long long)(nv - 1));
    return FG_FAIL(FG_EFORMAT, "%s: /edges row %llu is (%lld, %lld): each row must have u < v", path, row,
                   (long long)u, (long long)v);
}

/* The first of n rows (u, v) that is not 0 <= u < v < nv, or n; in parallel. */
static uint64_t first_bad_row_i32(const int32_t *e, uint64_t n, int64_t nv)
{
    uint64_t bad = n;
#pragma omp parallel for schedule(static) reduction(min : bad)
    for (uint64_t i = 0; i < n; i++) {
        const int64_t u = e[2 * i], v = e[2 * i + 1];
        if ((u < 0 || u >= v || v >= nv) && i < bad) bad = i;
    }
    return bad;
}

/* Where ds's values lie in the file when they can be read straight from it
 * with pread: contiguous and allocated (*addr, the byte offset in the file),
 * int32 in the host's own layout (no conversion), the file opened by the
 * default driver (sec2: *fd is its descriptor). */
static bool raw_int32_at(hid_t f, hid_t ds, int *fd, int64_t *addr)
{
    hid_t t = H5Dget_type(ds), dcpl = H5Dget_create_plist(ds), fapl = H5Fget_access_plist(f);
    bool yes = t >= 0 && dcpl >= 0 && fapl >= 0 && H5Tequal(t, H5T_NATIVE_INT32) > 0 &&
               H5Pget_layout(dcpl) == H5D_CONTIGUOUS && H5Pget_external_count(dcpl) == 0 &&
               H5Pget_driver(fapl) == H5FD_SEC2;
    if (yes) {
        const haddr_t a = H5Dget_offset(ds);
        void *h = NULL;
        yes = a != HADDR_UNDEF && a < (haddr_t)INT64_MAX / 2 && H5Fget_vfd_handle(f, fapl, &h) >= 0 && h;
        if (yes) {
            *fd = *(int *)h;
            *addr = (int64_t)a;
        }
    }
    if (fapl >= 0) H5Pclose(fapl);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (t >= 0) H5Tclose(t);
    return yes;
}

/* n bytes at offset at of fd into dst; false on an error or the end of the file. */
static bool pread_all(int fd, void *dst, size_t n, int64_t at)
{
    for (size_t got = 0; got < n;) {
        const ssize_t r = pread(fd, (char *)dst + got, n - got, (off_t)(at + (int64_t)got));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        got += (size_t)r;
    }
    return true;
}

/* What one share of the raw read found. */
typedef struct raw_share {
    uint64_t bad, failed; /* the first bad row, the first row of a piece that could not be read; or E */
    int32_t u, v;         /* the bad row */
    int no_memory;
} raw_share;

/* All E rows of /edges (raw_int32_at: fd, addr) in one parallel pass: the
 * rows cut into `shares` contiguous shares (as fg_i_csr_from_counted_rows
 * takes them), each read in pieces of PIECE_ROWS, every piece checked (0 <=
 * u < v < nv) and, when counts is not NULL, counted into counts[share][nv]
 * while it is still in cache. e: the rows kept there (its pages first
 * touched by the thread that reads them); NULL: each piece read into a
 * buffer of the thread's own and dropped. The errors, and which one is named,
 * are those of the block by block read: the first bad row, or a read failing
 * in the block of BLOCK_ROWS rows that holds it or an earlier one. */
static fg_status read_raw_rows(int fd, int64_t addr, uint64_t E, int64_t nv, int shares, uint32_t *counts,
                               uint32_t *e, const char *path)
{
    const uint32_t n = (uint32_t)nv; /* 0..2^31-1 */
    raw_share *rs = fg_calloc((size_t)shares, sizeof *rs);
    if (!rs) return FG_FAIL(FG_ENOMEM, "%s: out of memory", path);
#pragma omp parallel for schedule(static, 1)
    for (int s = 0; s < shares; s++) {
        const uint64_t r0 = E * (uint64_t)s / (uint64_t)shares, r1 = E * (uint64_t)(s + 1) / (uint64_t)shares;
        uint32_t *c = counts ? counts + (size_t)s * n : NULL;
        uint32_t *tmp = e ? NULL : fg_alloc(2 * (size_t)PIECE_ROWS, sizeof *tmp);
        raw_share *q = &rs[s];
        q->bad = q->failed = E;
        q->no_memory = !e && !tmp;
        for (uint64_t p = r0; !q->no_memory && p < r1; p += PIECE_ROWS) {
            const uint64_t cnt = r1 - p < PIECE_ROWS ? r1 - p : PIECE_ROWS;
            uint32_t *x = e ? e + 2 * p : tmp;
            if (!pread_all(fd, x, (size_t)cnt * 2 * sizeof *x, addr + (int64_t)(p * 2 * sizeof *x))) {
                q->failed = p;
                break;
            }
            /* as uint32, a negative id is >= 2^31 > n - 1: u < v < n says 0 <= u < v < nv */
            uint64_t i = 0;
            if (c)
                for (; i < cnt; i++) {
                    const uint32_t u = x[2 * i], v = x[2 * i + 1];
                    if (u >= v || v >= n) break;
                    c[u]++;
                    c[v]++;
                }
            else
                while (i < cnt && x[2 * i] < x[2 * i + 1] && x[2 * i + 1] < n) i++;
            if (i < cnt) {
                q->bad = p + i;
                q->u = (int32_t)x[2 * i];
                q->v = (int32_t)x[2 * i + 1];
                break;
            }
        }
        fg_free(tmp);
    }
    /* shares in row order, each stopped at its first problem: the first share with one has the first */
    raw_share r = {E, E, 0, 0, 0};
    for (int s = 0; s < shares && r.bad == E && r.failed == E && !r.no_memory; s++) r = rs[s];
    fg_free(rs);
    if (r.no_memory) return FG_FAIL(FG_ENOMEM, "%s: out of memory for reading /edges", path);
    if (r.failed < E && (r.bad == E || r.failed / BLOCK_ROWS <= r.bad / BLOCK_ROWS)) {
        const uint64_t b0 = r.failed / BLOCK_ROWS * BLOCK_ROWS, b1 = E - b0 < BLOCK_ROWS ? E : b0 + BLOCK_ROWS;
        return FG_FAIL(FG_EIO, "%s: reading /edges rows %llu..%llu failed (truncated or damaged file?)", path,
                       (unsigned long long)b0, (unsigned long long)(b1 - 1));
    }
    if (r.bad < E) return row_error(path, r.bad, r.u, r.v, nv);
    return FG_OK;
}

/* Where the raw rows are read again from (fg_i_edge_rows). */
typedef struct raw_source {
    int fd;
    int64_t addr;
} raw_source;

static const uint32_t *raw_rows_again(void *ctx, uint64_t r, uint64_t n, uint32_t *buf)
{
    const raw_source *src = ctx;
    return pread_all(src->fd, buf, (size_t)n * 2 * sizeof *buf, src->addr + (int64_t)(r * 2 * sizeof *buf)) ? buf
                                                                                                            : NULL;
}

fg_status fg_edges_file_read(const char *path, fg_csr *g, int32_t **labels)
{
    fg_status st = FG_OK;
    quiet_h5 q;
    hid_t f = H5I_INVALID_HID, ds = H5I_INVALID_HID;
    int64_t *blk = NULL, fsize = 0;
    void *edges = NULL, *lab = NULL;
    uint32_t *counts = NULL; /* [shares][n_vertices]: the degree counts of the raw read */
    hsize_t ecap = 0, lcap = 0;
    bool filtered = false;
    if (!path || !g || !labels) return FG_FAIL(FG_EINVAL, "fg_edges_file_read: null argument");
    memset(g, 0, sizeof *g);
    *labels = NULL;
    st = fg_i_input_file(path, "an edge file", NULL);
    if (st == FG_OK) st = fg_i_h5_probe(path, "an edge file", &fsize);
    if (st != FG_OK) return FG_FAIL(FG_EIO, "%s", fg_last_error()); /* missing, not HDF5, truncated */
    h5_quiet(&q);
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        st = FG_FAIL(FG_EIO, "%s: not an HDF5 file, or it cannot be read", path);
        goto done;
    }
    int64_t nv = 0, ni = 0;
    FG_CHECK_GOTO(st, read_attr_i64(f, path, "n_vertices", &nv));
    FG_CHECK_GOTO(st, read_attr_i64(f, path, "n_images", &ni));
    if (nv < 0 || nv > INT32_MAX) {
        st = FG_FAIL(FG_EFORMAT, "%s: attribute n_vertices = %lld is out of range (0..2^31-1)", path, (long long)nv);
        goto done;
    }
    if (ni < 0 || ni > nv) {
        st = FG_FAIL(FG_EFORMAT, "%s: attribute n_images = %lld is out of range (0..n_vertices = %lld)", path,
                     (long long)ni, (long long)nv);
        goto done;
    }
    if (H5Lexists(f, "edges", H5P_DEFAULT) <= 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: dataset /edges is missing", path);
        goto done;
    }
    hsize_t E = 0;
    FG_CHECK_GOTO(st, open_int_dataset(f, path, "edges", 2, 2, &ds, &E));
    FG_CHECK_GOTO(st, check_backed(ds, path, "edges", 2 * E, fsize, &filtered));
    hsize_t rows = E < BLOCK_ROWS ? E : BLOCK_ROWS;
    const bool has_label = H5Lexists(f, "label", H5P_DEFAULT) > 0;
    /* vertices beyond what the edges touch and the labelled images are isolated feature vertices */
    const int64_t max_nv = 2 * (int64_t)E + 2 * FG_FNE_DIM + (has_label ? ni : 0);
    const int shares = omp_get_max_threads();
    int fd = -1;
    int64_t addr = 0;
    const bool raw = !filtered && raw_int32_at(f, ds, &fd, &addr);
    blk = fg_alloc(2 * (size_t)(rows ? rows : 1), sizeof *blk);
    if (raw && blk) {
        /* n_vertices within bounds (else refused below): the rows counted as read and read again by the CSR
         * builder (no copy of them kept) when the counts fit, else kept for fg_csr_from_edge_list */
        if (nv <= max_nv && fg_i_csr_counts_fit((uint32_t)nv, E, shares))
            counts = fg_calloc((size_t)shares * (size_t)nv, sizeof *counts);
        if (!counts && nv <= max_nv && (edges = fg_i_alloc_huge(2 * (size_t)E, sizeof(uint32_t)))) ecap = 2 * E;
    }
    if (!blk || (!filtered && !counts && nv <= max_nv && !grow(&edges, &ecap, 2 * E, 2 * E, sizeof(uint32_t)))) {
        st = FG_FAIL(FG_ENOMEM, "%s: out of memory for %llu edges", path, (unsigned long long)E);
        goto done;
    }
    if (raw) FG_CHECK_GOTO(st, read_raw_rows(fd, addr, E, nv, shares, counts, edges, path));
    const bool as_int32 = is_int32(ds);
    for (hsize_t r0 = 0; !raw && r0 < E; r0 += rows) {
        hsize_t cnt = E - r0 < rows ? E - r0 : rows;
        if (!grow(&edges, &ecap, 2 * (r0 + cnt), 2 * E, sizeof(uint32_t))) {
            st = FG_FAIL(FG_ENOMEM, "%s: out of memory after %llu edges", path, (unsigned long long)r0);
            goto done;
        }
        uint32_t *e = edges;
        if (as_int32) {
            /* stored as 32-bit integers: read in place, no conversion */
            int32_t *dst = (int32_t *)(e + 2 * r0);
            FG_CHECK_GOTO(st, read_block(ds, path, "edges", r0, cnt, 2, H5T_NATIVE_INT32, dst));
            const uint64_t bad = first_bad_row_i32(dst, cnt, nv);
            if (bad < cnt) {
                st = row_error(path, r0 + bad, dst[2 * bad], dst[2 * bad + 1], nv);
                goto done;
            }
            continue; /* 0 <= u < v < nv: the same bits as uint32 */
        }
        FG_CHECK_GOTO(st, read_block(ds, path, "edges", r0, cnt, 2, H5T_NATIVE_INT64, blk));
        for (hsize_t i = 0; i < cnt; i++) {
            int64_t u = blk[2 * i], v = blk[2 * i + 1];
            if (u < 0 || v < 0 || u >= nv || v >= nv || u >= v) {
                st = row_error(path, r0 + i, u, v, nv);
                goto done;
            }
            e[2 * (r0 + i)] = (uint32_t)u;
            e[2 * (r0 + i) + 1] = (uint32_t)v;
        }
    }
    H5Dclose(ds);
    ds = H5I_INVALID_HID;
    if (has_label) {
        hsize_t nl = 0;
        FG_CHECK_GOTO(st, open_int_dataset(f, path, "label", 1, 0, &ds, &nl));
        if (nl != (hsize_t)ni) {
            st = FG_FAIL(FG_ESHAPE, "%s: /label has %llu entries but n_images = %lld", path, (unsigned long long)nl,
                         (long long)ni);
            goto done;
        }
        FG_CHECK_GOTO(st, check_backed(ds, path, "label", nl, fsize, &filtered));
        if (!filtered && !grow(&lab, &lcap, nl, nl, sizeof(int32_t))) {
            st = FG_FAIL(FG_ENOMEM, "%s: out of memory for %llu labels", path, (unsigned long long)nl);
            goto done;
        }
        hsize_t lrows = nl < 2 * rows ? nl : 2 * (rows ? rows : 1); /* blk holds 2 * rows values */
        for (hsize_t r0 = 0; r0 < nl; r0 += lrows) {
            hsize_t cnt = nl - r0 < lrows ? nl - r0 : lrows;
            if (cnt > 2 * (rows ? rows : 1)) cnt = 2 * (rows ? rows : 1);
            FG_CHECK_GOTO(st, read_block(ds, path, "label", r0, cnt, 1, H5T_NATIVE_INT64, blk));
            if (!grow(&lab, &lcap, r0 + cnt, nl, sizeof(int32_t))) {
                st = FG_FAIL(FG_ENOMEM, "%s: out of memory after %llu labels", path, (unsigned long long)r0);
                goto done;
            }
            int32_t *l = lab;
            for (hsize_t i = 0; i < cnt; i++) {
                if (blk[i] < INT32_MIN || blk[i] > INT32_MAX) {
                    st = FG_FAIL(FG_EFORMAT, "%s: /label[%llu] = %lld does not fit int32", path,
                                 (unsigned long long)(r0 + i), (long long)blk[i]);
                    goto done;
                }
                l[r0 + i] = (int32_t)blk[i];
            }
        }
    }
    if (nv > max_nv) {
        st = FG_FAIL(FG_EFORMAT,
                     "%s: attribute n_vertices = %lld is more than the file describes: its %llu edges touch at "
                     "most %llu vertices; with %lld labelled images and the 2 x %d feature vertices that allows "
                     "%lld",
                     path, (long long)nv, (unsigned long long)E, (unsigned long long)(2 * E),
                     (long long)(has_label ? ni : 0), FG_FNE_DIM, (long long)max_nv);
        goto done;
    }
    if (has_label) {
        if (!lab && !grow(&lab, &lcap, 1, 1, sizeof(int32_t))) { /* ni == 0: an empty array, not NULL */
            st = FG_ENOMEM;
            goto done;
        }
        *labels = lab;
        lab = NULL;
    }
    if (counts) {
        raw_source src = {fd, addr};
        FG_CHECK_GOTO(st, fg_i_csr_from_counted_rows((uint32_t)nv, (uint32_t)ni, E, shares, counts, raw_rows_again,
                                                     &src, path, g));
    } else FG_CHECK_GOTO(st, fg_csr_from_edge_list((uint32_t)nv, (uint32_t)ni, edges, E, path, g));
done:
    fg_free(counts);
    fg_free(blk);
    fg_free(lab);
    fg_free(edges);
    if (ds >= 0) H5Dclose(ds);
    if (f >= 0) H5Fclose(f);
    h5_restore(&q);
    if (st != FG_OK) {
        fg_csr_destroy(g);
        fg_free(*labels);
        *labels = NULL;
    }
    return st;
}
