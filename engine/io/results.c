/* The results file: appendable HDF5 compound tables /graphs and /runs.
 *
 * A row counts once it is committed. Each table T has a companion
 * /T_check (uint64 [n]): entry i is a 64-bit FNV-1a hash of row i's fields,
 * never 0. An append writes the row and flushes, then writes its check entry
 * and flushes: the second flush is the commit. A crash, kill or full disk
 * between the two (or in the middle of either) leaves at most an uncommitted
 * row past the last check entry (or a trailing check entry still 0, the
 * fill value): readers never count it, and opening the file for appending
 * cuts it off, so the resumed sweep writes that row again. A failed append
 * shrinks the table back and refuses later appends on the same handle.
 *
 * Every row read is validated: its fields (known variant, dataset name that
 * parses, finite keys with lo < hi and k > 0, counts >= 0, NMI in [0, 1],
 * AMI <= 1, converged 0/1) and its check entry. A row that fails names the
 * file, the table, the row and the field. Files written before the check
 * tables existed still read (fields validated, trailing all-fill rows, the
 * trace of an append cut short, ignored); opening one for appending adds the
 * check tables.
 *
 * A new file is built as <path>.tmp with its whole empty structure, synced
 * and renamed: a half-made file never sits under the final name. One writer
 * a file: fg_results_open holds fg_i_lock on it until fg_results_close. The
 * file access property list closes every object of the file with it
 * (H5F_CLOSE_STRONG), so a failed flush or close leaves nothing for libhdf5's
 * exit handler to trip over. The whole table is also kept in memory for the
 * "already done?" lookups of a resumed sweep (O(rows) per lookup). */
#define _GNU_SOURCE /* fallocate */
#include "core/file_guard.h"
#include "fnegraph/mem.h"
#include "fnegraph/results.h"
#include "h5_helpers.h"
#include "results_i.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct table {
    const char *name;  /* "graphs" | "runs" */
    hid_t d, chk, type;
    size_t row_size;
    void *rows;
    int64_t n, cap;    /* committed rows */
} table;

struct fg_results {
    char *path;
    hid_t file;
    table t[2];        /* graphs, runs */
    bool writable, broken, detached;
    bool runs_legacy;  /* /runs has no method field (written before the k-means baselines) */
    fg_i_lock lock;
};

enum { TG = 0, TR = 1 };

/* Root attribute of files with check tables: what the check values are. */
#define LAYOUT_ATTR "row_checks"
#define LAYOUT_VALUE "fnv1a64 of the fields of each row, in /graphs_check and /runs_check"

static hid_t str_type(size_t n)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, n);
    H5Tset_strpad(t, H5T_STR_NULLTERM);
    return t;
}

#define INS(t, s, f, ht) H5Tinsert(t, #f, offsetof(s, f), ht)

static hid_t make_graph_type(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(fg_graph_row));
    hid_t s64 = str_type(64);
    INS(t, fg_graph_row, dataset, s64);
    INS(t, fg_graph_row, lo, H5T_NATIVE_DOUBLE);
    INS(t, fg_graph_row, hi, H5T_NATIVE_DOUBLE);
    INS(t, fg_graph_row, k, H5T_NATIVE_DOUBLE);
    INS(t, fg_graph_row, n_images, H5T_NATIVE_INT64);
    INS(t, fg_graph_row, n_vertices, H5T_NATIVE_INT64);
    INS(t, fg_graph_row, n_vertices_nonisolated, H5T_NATIVE_INT64);
    INS(t, fg_graph_row, n_edges, H5T_NATIVE_INT64);
    INS(t, fg_graph_row, n_edges_if, H5T_NATIVE_INT64);
    INS(t, fg_graph_row, n_edges_ff, H5T_NATIVE_INT64);
    INS(t, fg_graph_row, n_components, H5T_NATIVE_INT64);
    INS(t, fg_graph_row, largest_component, H5T_NATIVE_INT64);
    INS(t, fg_graph_row, largest_component_images, H5T_NATIVE_INT64);
    INS(t, fg_graph_row, seconds_graph, H5T_NATIVE_DOUBLE);
    H5Tclose(s64);
    return t;
}

/* with_methods false: the layout of files written before the k-means
 * baselines (no method, inertia, restarts, seconds_kmeans), read and
 * appended to with that subset of the fields. */
static hid_t make_run_type(bool with_methods)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(fg_run_row));
    hid_t s64 = str_type(64), s16 = str_type(16);
    char name[32];
    INS(t, fg_run_row, dataset, s64);
    INS(t, fg_run_row, lo, H5T_NATIVE_DOUBLE);
    INS(t, fg_run_row, hi, H5T_NATIVE_DOUBLE);
    INS(t, fg_run_row, k, H5T_NATIVE_DOUBLE);
    INS(t, fg_run_row, communities, H5T_NATIVE_INT64);
    INS(t, fg_run_row, seed, H5T_NATIVE_INT64);
    INS(t, fg_run_row, variant, s16);
    INS(t, fg_run_row, n_images_scored, H5T_NATIVE_INT64);
    INS(t, fg_run_row, n_images_outside, H5T_NATIVE_INT64);
    INS(t, fg_run_row, sweeps, H5T_NATIVE_INT64);
    INS(t, fg_run_row, converged, H5T_NATIVE_INT32);
    for (int i = 0; i < FG_NORM_COUNT; i++) {
        snprintf(name, sizeof name, "nmi_%s", fg_norm_name((fg_norm)i));
        H5Tinsert(t, name, offsetof(fg_run_row, nmi) + (size_t)i * sizeof(double), H5T_NATIVE_DOUBLE);
    }
    for (int i = 0; i < FG_NORM_COUNT; i++) {
        snprintf(name, sizeof name, "ami_%s", fg_norm_name((fg_norm)i));
        H5Tinsert(t, name, offsetof(fg_run_row, ami) + (size_t)i * sizeof(double), H5T_NATIVE_DOUBLE);
    }
    INS(t, fg_run_row, seconds_fluidc, H5T_NATIVE_DOUBLE);
    INS(t, fg_run_row, seconds_score, H5T_NATIVE_DOUBLE);
    if (with_methods) {
        INS(t, fg_run_row, method, s16);
        INS(t, fg_run_row, inertia, H5T_NATIVE_DOUBLE);
        INS(t, fg_run_row, restarts, H5T_NATIVE_INT64);
        INS(t, fg_run_row, seconds_kmeans, H5T_NATIVE_DOUBLE);
    }
    H5Tclose(s64);
    H5Tclose(s16);
    return t;
}

static uint64_t row_check(int which, const void *row)
{
    return which == TG ? fg_i_results_check_graph(row) : fg_i_results_check_run(row);
}

static fg_status refuse_row(const char *path, int which, int64_t i, const void *row, const char *why)
{
    char name[300];
    fg_i_results_printable(row, 64, name, sizeof name); /* dataset is the first field of both row kinds */
    return FG_FAIL(FG_EFORMAT, "%s: /%s row %lld (dataset '%s'): damaged: %s", path,
                   which == TG ? "graphs" : "runs", (long long)i, name, why);
}

/* ---- reading ---- */

static bool all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i]) return false;
    return true;
}

static int64_t extent_of(hid_t d, bool *one_d)
{
    hid_t sp = H5Dget_space(d);
    hsize_t dims[1] = {0};
    *one_d = sp >= 0 && H5Sget_simple_extent_ndims(sp) == 1;
    if (*one_d) H5Sget_simple_extent_dims(sp, dims, NULL);
    if (sp >= 0) H5Sclose(sp);
    return (int64_t)dims[0];
}

/* Read rows [0, n) of d as type into buf. */
static herr_t read_rows(hid_t d, hid_t type, int64_t n, void *buf)
{
    if (n == 0) return 0;
    hsize_t start[1] = {0}, count[1] = {(hsize_t)n};
    hid_t fs = H5Dget_space(d), ms = H5Screate_simple(1, count, NULL);
    herr_t e = fs < 0 || ms < 0 ? -1 : H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    if (e >= 0) e = H5Dread(d, type, ms, fs, H5P_DEFAULT, buf);
    if (ms >= 0) H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    return e;
}

/* The table's type in the file must be the compound it should be before
 * libhdf5 converts rows with it: a damaged member offset or size would make
 * the conversion write outside the rows (seen: SIGSEGV in
 * H5T__conv_struct_opt). Every member inside the record; each field this
 * version reads present with its class and size. */
static fg_status check_type(const fg_results *r, const table *t)
{
    fg_status st = FG_OK;
    hid_t ft = H5Dget_type(t->d);
    size_t fsize = ft >= 0 ? H5Tget_size(ft) : 0;
    int nf = ft >= 0 && H5Tget_class(ft) == H5T_COMPOUND ? H5Tget_nmembers(ft) : -1;
    if (nf < 1 || fsize == 0 || fsize > 65536) {
        st = FG_FAIL(FG_EFORMAT, "%s: damaged: /%s is not a table of records", r->path, t->name);
        goto done;
    }
    for (int i = 0; i < nf && st == FG_OK; i++) {
        hid_t mt = H5Tget_member_type(ft, (unsigned)i);
        size_t off = H5Tget_member_offset(ft, (unsigned)i), ms = mt >= 0 ? H5Tget_size(mt) : 0;
        if (mt < 0 || ms == 0 || off + ms > fsize)
            st = FG_FAIL(FG_EFORMAT, "%s: damaged: /%s: field %d lies outside its %zu-byte record", r->path, t->name,
                         i, fsize);
        if (mt >= 0) H5Tclose(mt);
    }
    int nm = H5Tget_nmembers(t->type);
    for (int i = 0; i < nm && st == FG_OK; i++) {
        char *name = H5Tget_member_name(t->type, (unsigned)i);
        int fi = name ? H5Tget_member_index(ft, name) : -1;
        hid_t a = H5Tget_member_type(t->type, (unsigned)i), b = fi >= 0 ? H5Tget_member_type(ft, (unsigned)fi) : -1;
        if (fi < 0 || b < 0 || H5Tget_class(a) != H5Tget_class(b) || H5Tget_size(a) != H5Tget_size(b))
            st = FG_FAIL(FG_EFORMAT, "%s: /%s: field '%s' %s (damaged, or not a results file of this fnegraph)",
                         r->path, t->name, name ? name : "?", fi < 0 ? "missing" : "of another type or size");
        if (a >= 0) H5Tclose(a);
        if (b >= 0) H5Tclose(b);
        H5free_memory(name);
    }
done:
    if (ft >= 0) H5Tclose(ft);
    return st;
}

/* Load the committed rows of table which, validating each one. *n_file
 * gets the rows the dataset holds (committed or not); *legacy is true when
 * the file has no check table. */
static fg_status load_table(fg_results *r, int which, int64_t file_size, int64_t *n_file, bool *legacy)
{
    table *t = &r->t[which];
    fg_status st = FG_OK;
    uint64_t *chk = NULL;
    bool one_d = false;
    char cname[32];
    snprintf(cname, sizeof cname, "%s_check", t->name);
    t->d = H5Dopen2(r->file, t->name, H5P_DEFAULT);
    if (t->d < 0) return FG_FAIL(FG_EFORMAT, "%s: not a results file (no /%s table)", r->path, t->name);
    int64_t ne = extent_of(t->d, &one_d);
    if (!one_d) return FG_FAIL(FG_EFORMAT, "%s: /%s is not a one-dimensional table", r->path, t->name);
    /* a legitimate table's rows take space in the file (all but the last, unallocated chunk of 64) */
    if (ne < 0 || ne > file_size / 64 + 64)
        return FG_FAIL(FG_EFORMAT, "%s: damaged: /%s claims %lld rows, more than a %lld-byte file holds", r->path,
                       t->name, (long long)ne, (long long)file_size);
    *n_file = ne;
    *legacy = H5Lexists(r->file, cname, H5P_DEFAULT) <= 0;
    int64_t n = ne;
    if (!*legacy) {
        t->chk = H5Dopen2(r->file, cname, H5P_DEFAULT);
        if (t->chk < 0) return FG_FAIL(FG_EFORMAT, "%s: damaged: cannot open /%s", r->path, cname);
        n = extent_of(t->chk, &one_d);
        if (!one_d || n < 0 || n > ne)
            return FG_FAIL(FG_EFORMAT, "%s: damaged: /%s has %lld entries for %lld rows of /%s", r->path, cname,
                           (long long)n, (long long)ne, t->name);
        chk = fg_alloc((size_t)n + 1, sizeof *chk);
        if (!chk) return FG_FAIL(FG_ENOMEM, "%s: out of memory for /%s", r->path, cname);
        if (read_rows(t->chk, H5T_NATIVE_UINT64, n, chk) < 0) {
            st = FG_FAIL(FG_EFORMAT, "%s: damaged: cannot read /%s", r->path, cname);
            goto done;
        }
        if (n > 0 && chk[n - 1] == 0) n--; /* its commit was cut short */
        /* an append cut short leaves one uncommitted row, never more */
        if (ne > n + 1) {
            st = FG_FAIL(FG_EFORMAT,
                         "%s: damaged: /%s holds %lld rows but only %lld are committed in /%s (an interrupted "
                         "append leaves at most one)",
                         r->path, t->name, (long long)ne, (long long)n, cname);
            goto done;
        }
    }
    if (which == TR) { /* written before the k-means baselines? read the fields it has */
        hid_t ft = H5Dget_type(t->d);
        if (ft >= 0 && H5Tget_class(ft) == H5T_COMPOUND && H5Tget_member_index(ft, "method") < 0) {
            H5Tclose(t->type);
            t->type = make_run_type(false);
            r->runs_legacy = true;
        }
        if (ft >= 0) H5Tclose(ft);
    }
    FG_CHECK_GOTO(st, check_type(r, t));
    t->cap = ne + 64;
    t->rows = fg_calloc((size_t)t->cap, t->row_size);
    if (!t->rows) {
        st = FG_FAIL(FG_ENOMEM, "%s: out of memory for %lld rows of /%s", r->path, (long long)ne, t->name);
        goto done;
    }
    if (read_rows(t->d, t->type, ne, t->rows) < 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: cannot read /%s (damaged, or fields that do not match this fnegraph version)",
                     r->path, t->name);
        goto done;
    }
    if (*legacy) /* an append of an older version cut short leaves rows of fill values */
        while (n > 0 && all_zero((char *)t->rows + (size_t)(n - 1) * t->row_size, t->row_size)) n--;
    if (which == TR && r->runs_legacy) /* its runs are FluidC runs */
        for (int64_t i = 0; i < ne; i++) fg_i_results_run_defaults((fg_run_row *)t->rows + i);
    else if (which == TR) /* what the check value does not cover, as the writer wrote it */
        for (int64_t i = 0; i < ne; i++) fg_i_results_run_canonical((fg_run_row *)t->rows + i);
    for (int64_t i = 0; i < n; i++) {
        const void *row = (const char *)t->rows + (size_t)i * t->row_size;
        const char *why = which == TG ? fg_i_results_bad_graph(row) : fg_i_results_bad_run(row);
        if (why) {
            st = refuse_row(r->path, which, i, row, why);
            goto done;
        }
        if (chk && chk[i] != row_check(which, row)) {
            st = refuse_row(r->path, which, i, row,
                            "its fields do not match its check value (the file was changed after it was written)");
            goto done;
        }
    }
    memset((char *)t->rows + (size_t)n * t->row_size, 0, (size_t)(ne - n) * t->row_size);
    t->n = n;
done:
    fg_free(chk);
    return st;
}

/* ---- writing ---- */

static hid_t create_chunked(hid_t file, const char *name, hid_t type, hsize_t chunk)
{
    hsize_t dims[1] = {0}, maxd[1] = {H5S_UNLIMITED};
    hid_t sp = H5Screate_simple(1, dims, maxd), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, &chunk);
    H5Pset_obj_track_times(dcpl, 0);
    hid_t d = H5Dcreate2(file, name, type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(sp);
    return d;
}

/* Write value(s) [at, at + count) of d, growing it to at + count. */
static herr_t write_at(hid_t d, hid_t type, int64_t at, int64_t count, const void *buf)
{
    hsize_t size[1] = {(hsize_t)(at + count)}, start[1] = {(hsize_t)at}, cnt[1] = {(hsize_t)count};
    if (count == 0) return 0;
    if (H5Dset_extent(d, size) < 0) return -1;
    hid_t fs = H5Dget_space(d), ms = H5Screate_simple(1, cnt, NULL);
    herr_t e = fs < 0 || ms < 0 ? -1 : H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, cnt, NULL);
    if (e >= 0) e = H5Dwrite(d, type, ms, fs, H5P_DEFAULT, buf);
    if (ms >= 0) H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    return e;
}

static herr_t shrink_to(hid_t d, int64_t n)
{
    hsize_t size[1] = {(hsize_t)n};
    return d >= 0 ? H5Dset_extent(d, size) : 0;
}

/* Room on the disk for one more append, taken before libhdf5 writes
 * anything (blocks past the end of the file, the size unchanged): a full
 * disk (and the ulimit -f file size limit, checked here) is then refused
 * up front, before libhdf5 meets a failed write: a flush that fails half
 * way can leave the file on disk unreadable (its superblock written, blocks
 * it points to not), and libhdf5 cannot close it (see detach). One
 * append allocates at most a chunk of rows (64 x 272 bytes), a chunk of
 * check values (4 KiB) and some B-tree and heap blocks. Where the file
 * system cannot reserve (no fallocate), the append goes on unreserved. */
#define RESERVE (64 * 1024)

static int vfd_fd(hid_t file)
{
    void *h = NULL;
    if (H5Fget_vfd_handle(file, H5P_DEFAULT, &h) < 0 || !h) return -1;
    return *(int *)h;
}

static fg_status reserve(fg_results *r, const char *table_name)
{
    struct stat sb;
    struct rlimit rl;
    int fd = vfd_fd(r->file);
    if (fd < 0 || fstat(fd, &sb) != 0) return FG_OK;
    if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (uint64_t)sb.st_size + RESERVE > (uint64_t)rl.rlim_cur)
        return FG_FAIL(FG_EIO,
                       "%s: the file size limit (ulimit -f, %llu bytes) leaves no room for the next row of /%s; its "
                       "complete rows are kept: raise the limit and run the same command again",
                       r->path, (unsigned long long)rl.rlim_cur, table_name);
    if (fallocate(fd, FALLOC_FL_KEEP_SIZE, sb.st_size, RESERVE) == 0) return FG_OK;
    if (errno == ENOSPC || errno == EDQUOT)
        return FG_FAIL(FG_EIO,
                       "%s: disk full: no room for the next row of /%s (%d KiB needed); its complete rows are "
                       "kept: free space and run the same command again",
                       r->path, table_name, RESERVE / 1024);
    return FG_OK;
}

/* After a failed write libhdf5 1.10.8 cannot flush or close the file any
 * more (a retried flush fails, H5Dset_extent fails), the file stays in its
 * tables and its exit handler crashes on it (SIGSEGV in H5F__close_cb). So
 * the handle is cut from the disk: the file's descriptor is pointed at
 * /dev/null, where the close's writes succeed and go nowhere. The disk
 * keeps what had landed before the failure: the committed rows and at most
 * an uncommitted one, which readers ignore and the next append cuts off. */
static void detach(fg_results *r)
{
    int fd = vfd_fd(r->file), z = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd >= 0 && z >= 0 && dup3(z, fd, O_CLOEXEC) >= 0) r->detached = true;
    if (z >= 0) close(z);
}

/* Give back what reserve took past the end of the file. */
static void unreserve(const char *path)
{
    struct stat sb;
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    if (fstat(fd, &sb) == 0)
        (void)fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, sb.st_size, RESERVE);
    close(fd);
}

static fg_status append(fg_results *r, int which, const void *row)
{
    table *t = &r->t[which];
    if (!r->writable) return FG_FAIL(FG_EINVAL, "%s: opened for reading only", r->path);
    fg_run_row norm;
    if (which == TR) { /* a row made by code that predates the method field (zeroed) is a FluidC run */
        const fg_run_row *in = row;
        if (in->method[0] == '\0' && in->inertia == 0 && in->restarts == 0 && in->seconds_kmeans == 0) {
            norm = *in;
            fg_i_results_run_defaults(&norm);
            row = &norm;
        }
    }
    if (which == TR && r->runs_legacy && !fg_i_results_run_plain(row))
        return FG_FAIL(FG_EINVAL,
                       "%s: written by an fnegraph before the k-means baselines: its /runs has no method field "
                       "and takes FluidC runs only; write the %s runs to a new results file (--out)",
                       r->path, ((const fg_run_row *)row)->method);
    if (r->broken)
        return FG_FAIL(FG_EIO, "%s: an earlier write failed; it keeps its complete rows: free space and run again",
                       r->path);
    if (t->n == t->cap) {
        int64_t nc = t->cap ? 2 * t->cap : 64;
        void *nr = fg_calloc((size_t)nc, t->row_size);
        if (!nr) return FG_FAIL(FG_ENOMEM, "%s: out of memory for %lld rows", r->path, (long long)nc);
        if (t->n) memcpy(nr, t->rows, (size_t)t->n * t->row_size);
        fg_free(t->rows);
        t->rows = nr;
        t->cap = nc;
    }
    fg_status st = reserve(r, t->name);
    if (st != FG_OK) return st;
    const uint64_t c = row_check(which, row);
    /* the row, flushed; then its check value, flushed: the commit */
    if (write_at(t->d, t->type, t->n, 1, row) < 0 || H5Fflush(r->file, H5F_SCOPE_GLOBAL) < 0 ||
        write_at(t->chk, H5T_NATIVE_UINT64, t->n, 1, &c) < 0 || H5Fflush(r->file, H5F_SCOPE_GLOBAL) < 0) {
        r->broken = true;
        detach(r);
        return FG_FAIL(FG_EIO,
                       "%s: cannot write row %lld of /%s (disk full, file size limit or I/O error); its %lld "
                       "complete rows are kept: free space and run the same command again",
                       r->path, (long long)t->n, t->name, (long long)t->n);
    }
    memcpy((char *)t->rows + (size_t)t->n * t->row_size, row, t->row_size);
    t->n++;
    return FG_OK;
}

static const char *or_empty(const char *s) { return s ? s : ""; }

static hid_t fapl_strong(void)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0) H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
    return fapl;
}

/* Write the n bytes of buf to a new file tmp and sync it. */
static fg_status write_image(const char *tmp, const char *path, const void *buf, size_t n)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) return FG_FAIL(FG_EIO, "%s: cannot create the results file (as %s): %s", path, tmp, strerror(errno));
    size_t done = 0;
    int err = 0;
    while (done < n && !err) {
        ssize_t w = write(fd, (const char *)buf + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) err = w < 0 ? errno : ENOSPC;
        else done += (size_t)w;
    }
    if (!err && fsync(fd) != 0) err = errno;
    if (close(fd) != 0 && !err) err = errno;
    if (err)
        return FG_FAIL(FG_EIO, "%s: cannot create the results file (%zu bytes, as %s): %s", path, n, tmp,
                       strerror(err));
    return FG_OK;
}

/* Build the empty file (tables, check tables, attributes) in memory, write
 * it to tmp, sync, rename to path. libhdf5 never writes to the disk here,
 * so a full disk is a plain write error and leaves no half-made file. */
static fg_status create_file(const char *tmp, const char *path, const fg_results_attrs *attrs, hid_t gt, hid_t rt)
{
    fg_status st = FG_OK;
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), fcpl = H5Pcreate(H5P_FILE_CREATE), f = -1, d[4] = {-1, -1, -1, -1};
    void *img = NULL;
    ssize_t n = -1;
    if (fapl < 0 || H5Pset_fapl_core(fapl, 64 * 1024, 0) < 0 || H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0 ||
        (f = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, fapl)) < 0) {
        st = FG_FAIL(FG_EBACKEND, "%s: HDF5 cannot build a results file in memory", path);
        goto done;
    }
    d[0] = create_chunked(f, "graphs", gt, 64);
    d[1] = create_chunked(f, "runs", rt, 64);
    d[2] = create_chunked(f, "graphs_check", H5T_STD_U64LE, 512);
    d[3] = create_chunked(f, "runs_check", H5T_STD_U64LE, 512);
    if (d[0] < 0 || d[1] < 0 || d[2] < 0 || d[3] < 0) {
        st = FG_FAIL(FG_EBACKEND, "%s: cannot create the tables", path);
        goto done;
    }
    if (attrs) {
        char threads[16];
        snprintf(threads, sizeof threads, "%d", attrs->threads);
        FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(f, "config", or_empty(attrs->config_text), path));
        FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(f, "git_commit", or_empty(attrs->git_commit), path));
        FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(f, "cpu", or_empty(attrs->cpu), path));
        FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(f, "onednn_isa", or_empty(attrs->onednn_isa), path));
        FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(f, "kernels_isa", or_empty(attrs->kernels_isa), path));
        FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(f, "threads", threads, path));
        FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(f, "conv", attrs->conv ? attrs->conv : "direct", path));
        FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(f, "precision", attrs->precision ? attrs->precision : "f32", path));
        FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(f, "impl", or_empty(attrs->impl), path));
        if (attrs->mpi_ranks > 0) {
            char ranks[16], tpr[16];
            snprintf(ranks, sizeof ranks, "%d", attrs->mpi_ranks);
            snprintf(tpr, sizeof tpr, "%d", attrs->threads_per_rank);
            FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(f, "mpi_ranks", ranks, path));
            FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(f, "threads_per_rank", tpr, path));
            FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(f, "hosts", or_empty(attrs->hosts), path));
        }
    }
    FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(f, "fnegraph_version", FNEGRAPH_VERSION, path));
    FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(f, LAYOUT_ATTR, LAYOUT_VALUE, path));
    if (H5Fflush(f, H5F_SCOPE_GLOBAL) < 0 || (n = H5Fget_file_image(f, NULL, 0)) <= 0 ||
        !(img = fg_alloc((size_t)n, 1)) || H5Fget_file_image(f, img, (size_t)n) != n) {
        st = FG_FAIL(FG_EBACKEND, "%s: HDF5 cannot give the image of a new results file", path);
        goto done;
    }
    st = write_image(tmp, path, img, (size_t)n);
done:
    for (int i = 0; i < 4; i++)
        if (d[i] >= 0) H5Dclose(d[i]);
    if (f >= 0) H5Fclose(f);
    H5Pclose(fcpl);
    if (fapl >= 0) H5Pclose(fapl);
    fg_free(img);
    if (st == FG_OK) st = fg_i_file_commit(tmp, path);
    if (st != FG_OK) unlink(tmp);
    return st;
}

/* An older file opened for appending: drop its uncommitted rows, and give it
 * check tables when it has none. */
static fg_status repair(fg_results *r, int which, int64_t n_file, bool legacy)
{
    table *t = &r->t[which];
    char cname[32];
    snprintf(cname, sizeof cname, "%s_check", t->name);
    if (n_file == t->n && !legacy) {
        /* a trailing 0 check entry (a commit cut short) still goes */
        bool one_d;
        if (extent_of(t->chk, &one_d) == t->n) return FG_OK;
    }
    fg_status st = reserve(r, t->name);
    if (st != FG_OK) return st;
    if (legacy) {
        uint64_t *c = fg_alloc((size_t)t->n + 1, sizeof *c);
        if (!c) return FG_FAIL(FG_ENOMEM, "%s: out of memory for /%s", r->path, cname);
        for (int64_t i = 0; i < t->n; i++) c[i] = row_check(which, (char *)t->rows + (size_t)i * t->row_size);
        t->chk = create_chunked(r->file, cname, H5T_STD_U64LE, 512);
        herr_t e = t->chk < 0 ? -1 : write_at(t->chk, H5T_NATIVE_UINT64, 0, t->n, c);
        fg_free(c);
        if (e < 0) return FG_FAIL(FG_EIO, "%s: cannot add /%s (disk full?)", r->path, cname);
    }
    if (shrink_to(t->chk, t->n) < 0 || shrink_to(t->d, t->n) < 0 || H5Fflush(r->file, H5F_SCOPE_GLOBAL) < 0)
        return FG_FAIL(FG_EIO, "%s: cannot drop the incomplete last row of /%s (disk full?)", r->path, t->name);
    return FG_OK;
}

static fg_status open_existing(fg_results *r, bool write)
{
    fg_status st = FG_OK;
    int64_t size = 0, n_file[2] = {0, 0};
    bool legacy[2] = {false, false};
    st = fg_i_input_file(r->path, "a results file", &size);
    if (st == FG_ENOTFOUND) return FG_FAIL(FG_EIO, "%s: cannot open (no such file)", r->path);
    if (st == FG_OK) st = fg_i_h5_probe(r->path, "a results file", NULL);
    if (st != FG_OK) {
        if (write)
            return FG_FAIL(FG_EIO, "%s: exists but is not a writable HDF5 results file (%s)", r->path,
                           fg_last_error());
        return FG_FAIL(FG_EIO, "cannot open: %s", fg_last_error());
    }
    hid_t fapl = fapl_strong();
    r->file = H5Fopen(r->path, write ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl);
    H5Pclose(fapl);
    if (r->file < 0) {
        if (write)
            return FG_FAIL(FG_EIO,
                           "%s: exists but cannot be opened for writing: damaged, or open in another program "
                           "(HDF5 locks a file a reader has open: fnegraph table, h5py)",
                           r->path);
        return FG_FAIL(FG_EIO, "%s: cannot open (not an HDF5 file, or being written by another process)", r->path);
    }
    for (int w = 0; w < 2; w++) FG_CHECK_GOTO(st, load_table(r, w, size, &n_file[w], &legacy[w]));
    /* the check tables go together, and a file that says it has them must:
     * a damaged name must not turn a file into one of the older layout,
     * whose rows are checked field by field only */
    if (legacy[0] != legacy[1] || (legacy[0] && H5Aexists(r->file, LAYOUT_ATTR) > 0)) {
        st = FG_FAIL(FG_EFORMAT, "%s: damaged: its row check tables /graphs_check and /runs_check are not both there",
                     r->path);
        goto done;
    }
    if (write)
        for (int w = 0; w < 2; w++) FG_CHECK_GOTO(st, repair(r, w, n_file[w], legacy[w]));
    if (write && legacy[0]) FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(r->file, LAYOUT_ATTR, LAYOUT_VALUE, r->path));
done:
    return st;
}

static fg_results *new_handle(const char *path)
{
    fg_results *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->file = -1;
    r->lock = (fg_i_lock)FG_I_LOCK_INIT;
    r->path = strdup(path);
    r->t[TG] = (table){"graphs", -1, -1, make_graph_type(), sizeof(fg_graph_row), NULL, 0, 0};
    r->t[TR] = (table){"runs", -1, -1, make_run_type(true), sizeof(fg_run_row), NULL, 0, 0};
    if (!r->path) {
        fg_results_close(r);
        return NULL;
    }
    return r;
}

fg_status fg_results_open(const char *path, const fg_results_attrs *attrs, fg_results **out)
{
    fg_status st = FG_OK;
    fg_results *r = NULL;
    char *tmp = NULL;
    if (!path || !out) return FG_FAIL(FG_EINVAL, "fg_results_open: null argument");
    *out = NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    FG_CHECK_GOTO(st, fg_i_output_file(path, "a results file"));
    r = new_handle(path);
    if (!r) return FG_FAIL(FG_ENOMEM, "out of memory");
    r->writable = true;
    FG_CHECK_GOTO(st, fg_i_lock_take(path, &r->lock));
    if (access(path, F_OK) != 0) {
        tmp = fg_i_path_with_suffix(path, ".tmp");
        if (!tmp) {
            st = FG_ENOMEM;
            goto done;
        }
        unlink(tmp); /* left by a creation cut short; we hold the lock */
        FG_CHECK_GOTO(st, create_file(tmp, path, attrs, r->t[TG].type, r->t[TR].type));
    }
    FG_CHECK_GOTO(st, open_existing(r, true));
done:
    free(tmp);
    if (st != FG_OK) {
        fg_results_close(r);
        r = NULL;
    }
    *out = r;
    return st;
}

fg_status fg_results_open_read(const char *path, fg_results **out)
{
    fg_status st = FG_OK;
    if (!path || !out) return FG_FAIL(FG_EINVAL, "fg_results_open_read: null argument");
    *out = NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    fg_results *r = new_handle(path);
    if (!r) return FG_FAIL(FG_ENOMEM, "out of memory");
    st = open_existing(r, false);
    if (st != FG_OK) {
        fg_results_close(r);
        r = NULL;
    }
    *out = r;
    return st;
}

fg_status fg_results_add_graph(fg_results *r, const fg_graph_row *row) { return append(r, TG, row); }

fg_status fg_results_add_run(fg_results *r, const fg_run_row *row) { return append(r, TR, row); }

bool fg_results_has_graph(const fg_results *r, const char *dataset, double lo, double hi, double k)
{
    const fg_graph_row *g = r->t[TG].rows;
    for (int64_t i = 0; i < r->t[TG].n; i++)
        if (g[i].lo == lo && g[i].hi == hi && g[i].k == k && !strcmp(g[i].dataset, dataset)) return true;
    return false;
}

bool fg_results_has_run_method(const fg_results *r, const char *dataset, double lo, double hi, double k,
                               int64_t communities, int64_t seed, const char *variant, const char *method)
{
    const fg_run_row *x = r->t[TR].rows;
    for (int64_t i = 0; i < r->t[TR].n; i++)
        if (x[i].lo == lo && x[i].hi == hi && x[i].k == k && x[i].communities == communities &&
            x[i].seed == seed && !strcmp(x[i].dataset, dataset) && !strcmp(x[i].variant, variant) &&
            !strcmp(x[i].method, method))
            return true;
    return false;
}

bool fg_results_has_run(const fg_results *r, const char *dataset, double lo, double hi, double k,
                        int64_t communities, int64_t seed, const char *variant)
{
    return fg_results_has_run_method(r, dataset, lo, hi, k, communities, seed, variant, "fluidc");
}

bool fg_results_has_methods(const fg_results *r)
{
    return r && !r->runs_legacy;
}

void fg_results_close(fg_results *r)
{
    if (!r) return;
    for (int w = 0; w < 2; w++) {
        table *t = &r->t[w];
        if (t->d >= 0) H5Dclose(t->d);
        if (t->chk >= 0) H5Dclose(t->chk);
        if (t->type >= 0) H5Tclose(t->type);
        fg_free(t->rows);
    }
    /* a close whose flush would fail must not reach libhdf5 (see detach) */
    if (r->file >= 0 && r->writable && !r->detached && H5Fflush(r->file, H5F_SCOPE_GLOBAL) < 0) detach(r);
    /* H5F_CLOSE_STRONG: the close takes every object of the file with it */
    if (r->file >= 0) H5Fclose(r->file);
    if (r->writable && r->file >= 0) unreserve(r->path);
    fg_i_lock_release(&r->lock);
    free(r->path);
    free(r);
}

fg_status fg_results_read(const char *path, fg_graph_row **graphs, int64_t *n_graphs, fg_run_row **runs,
                          int64_t *n_runs)
{
    fg_results *r = NULL;
    *graphs = NULL;
    *runs = NULL;
    *n_graphs = *n_runs = 0;
    fg_status st = fg_results_open_read(path, &r);
    if (st != FG_OK) return st;
    *graphs = r->t[TG].rows;
    *n_graphs = r->t[TG].n;
    *runs = r->t[TR].rows;
    *n_runs = r->t[TR].n;
    r->t[TG].rows = r->t[TR].rows = NULL;
    fg_results_close(r);
    return FG_OK;
}

fg_status fg_results_read_config(const char *path, char **text)
{
    fg_status st = FG_OK;
    char **s = NULL;
    int64_t n = 0;
    hid_t f = -1;
    *text = NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    FG_CHECK_GOTO(st, fg_i_input_file(path, "a results file", NULL));
    FG_CHECK_GOTO(st, fg_i_h5_probe(path, "a results file", NULL));
    hid_t fapl = fapl_strong();
    f = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    H5Pclose(fapl);
    if (f < 0) {
        st = FG_FAIL(FG_EIO, "%s: cannot open (missing, or not an HDF5 file)", path);
        goto done;
    }
    if (H5Aexists(f, "config") <= 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: not a results file (no 'config' attribute)", path);
        goto done;
    }
    FG_CHECK_GOTO(st, fg_i_h5_read_strings(f, "config", true, path, "attribute 'config'", &s, &n));
    const char *v = n > 0 && s[0] ? s[0] : "";
    *text = fg_alloc(strlen(v) + 1, 1);
    if (!*text) {
        st = FG_FAIL(FG_ENOMEM, "%s: config attribute", path);
        goto done;
    }
    memcpy(*text, v, strlen(v) + 1);
done:
    fg_free(s);
    if (f >= 0) H5Fclose(f);
    return st;
}
