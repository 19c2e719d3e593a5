/* Writing the FNE cache chunk by chunk, so that an interrupted extraction
 * resumes where it stopped and ends with the same file as an uninterrupted
 * run (docs/formats.md, issue 3 part 4), and a full disk at any
 * moment is an error naming the file, never a crash (issue 13 items 1-2).
 *
 * While working, PATH.partial holds the whole job:
 *   /path, /label, /class_names   the job's inputs (checked on resume)
 *   /fne      float32 [n_inputs][12416], contiguous, allocated up front,
 *             row i = input i
 *   /status   uint8 [n_inputs]: 0 pending, 1 stored, 2 failed
 *   /progress int64 [1]: inputs 0..progress-1 are durable
 * Its metadata is written by a child process (isolated_write.h) and synced:
 * at creation, and when set_impl changes the attribute impl (once a run,
 * before any row; into space reserved first). This process's libhdf5 never
 * writes to it: the raw data of these contiguous little-endian datasets is
 * updated in place with pwrite at the offsets HDF5 gives (H5Dget_offset), so
 * a full disk is an ordinary write error and no libhdf5 state is left
 * half-flushed. The space of the rows
 * still to come is reserved (fallocate) before any work, so a disk that
 * cannot hold them is reported up front. At each chunk boundary: rows and
 * statuses are written and synced, then /progress is written and synced, so
 * /progress never runs ahead of the data whatever instant the process dies
 * at. Resume reads /progress. finish() writes the compact final file
 * (stored rows only, failures in /failed_path) to PATH.tmp from the partial
 * file alone, in a child process, renames it to PATH and removes the
 * partial: its bytes depend only on the job's results, never on where runs
 * were interrupted (no time stamps). A failed finish keeps the partial file:
 * the same job run again finishes it. One writer a file: PATH.lock is held
 * (fg_i_lock) from open to close. Cost: each row written twice. */
#include "io/fne_file_i.h"

#include "core/file_guard.h"
#include "fnegraph/mem.h"
#include "fnegraph/vgg16.h"
#include "io/h5_helpers.h"
#include "io/isolated_write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "fne_writer.c writes little-endian raw data in place: a big-endian host needs a byte swap here"
#endif

enum { ST_PENDING = 0, ST_OK = 1, ST_FAILED = 2 };
#define ROW_BYTES ((int64_t)FG_FNE_DIM * (int64_t)sizeof(float))

struct fg_fne_writer {
    char *path, *partial, *tmp;
    int fd; /* the partial file while working (O_RDWR), else -1 */
    int64_t off_fne, off_status, off_progress; /* byte offsets in it; -1: none */
    int64_t n, next, flushed, chunk;
    int64_t cap;       /* rows buf holds: min(chunk, n) */
    float *buf;        /* rows flushed..next-1 */
    uint8_t *status;   /* [n] */
    char **paths;      /* copies of the job */
    int32_t *labels;
    char **class_names;
    int n_classes;
    fg_fne_meta meta; /* the job (owned): the root attributes */
    char impl[FG_FNE_IMPL_MAX]; /* attribute impl: what computed the rows */
    fg_i_lock lock;
    bool finished;
    bool broken; /* a write failed: only close() is allowed */
};

/* One fg_alloc block: n pointers, then the strings. */
static char **copy_strings(const char *const *s, int64_t n)
{
    size_t total = (size_t)n * sizeof(char *);
    for (int64_t i = 0; i < n; i++) total += strlen(s[i]) + 1;
    char **t = fg_alloc(total, 1);
    if (!t) return NULL;
    char *p = (char *)(t + n);
    for (int64_t i = 0; i < n; i++) {
        size_t len = strlen(s[i]) + 1;
        memcpy(p, s[i], len);
        t[i] = p;
        p += len;
    }
    return t;
}

static bool exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

static void close_partial(fg_fne_writer *w)
{
    if (w->fd >= 0) close(w->fd);
    w->fd = -1;
}

static void writer_free(fg_fne_writer *w)
{
    if (!w) return;
    close_partial(w);
    fg_i_lock_release(&w->lock);
    fg_free(w->path);
    fg_free(w->partial);
    fg_free(w->tmp);
    fg_free(w->buf);
    fg_free(w->status);
    fg_free(w->paths);
    fg_free(w->labels);
    fg_free(w->class_names);
    fg_fne_meta_destroy(&w->meta);
    fg_free(w);
}

/* 0 or the errno of the failed pwrite/pread of n bytes at off. */
static int pwrite_all(int fd, const void *p, int64_t n, int64_t off)
{
    const char *b = p;
    while (n > 0) {
        ssize_t r = pwrite(fd, b, (size_t)n, (off_t)off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return r < 0 ? errno : ENOSPC;
        b += r;
        n -= r;
        off += r;
    }
    return 0;
}

static fg_status sync_partial(fg_fne_writer *w)
{
    if (fdatasync(w->fd) != 0)
        return FG_FAIL(FG_EIO, "%s: cannot sync: %s (disk full?)", w->partial, strerror(errno));
    return FG_OK;
}

/* Make rows flushed..next-1 durable: data and statuses, sync, then progress, sync. */
static fg_status flush_rows(fg_fne_writer *w)
{
    int64_t rows = w->next - w->flushed;
    if (rows == 0) return FG_OK;
    int64_t progress = w->next;
    int e = pwrite_all(w->fd, w->buf, rows * ROW_BYTES, w->off_fne + w->flushed * ROW_BYTES);
    if (!e) e = pwrite_all(w->fd, w->status + w->flushed, rows, w->off_status + w->flushed);
    if (e)
        return FG_FAIL(FG_EIO, "%s: cannot write rows %lld..%lld: %s (disk full?)", w->partial,
                       (long long)w->flushed, (long long)w->next - 1, strerror(e));
    fg_status st = sync_partial(w);
    if (st != FG_OK) return st;
    e = pwrite_all(w->fd, &progress, sizeof progress, w->off_progress);
    if (e) return FG_FAIL(FG_EIO, "%s: cannot write /progress: %s (disk full?)", w->partial, strerror(e));
    st = sync_partial(w);
    if (st != FG_OK) return st;
    w->flushed = w->next;
    return FG_OK;
}

/* Read elements [r0, r0 + rows) of a 1-D dataset. */
static herr_t read_rows(hid_t d, hid_t mtype, int64_t r0, int64_t rows, hsize_t width, void *buf)
{
    int rank = width ? 2 : 1;
    hsize_t start[2] = {(hsize_t)r0, 0}, count[2] = {(hsize_t)rows, width};
    hid_t fs = H5Dget_space(d), ms = H5Screate_simple(rank, count, NULL);
    herr_t rc = -1;
    if (fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0)
        rc = H5Dread(d, mtype, ms, fs, H5P_DEFAULT, buf);
    if (ms >= 0) H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    return rc;
}

/* A contiguous dataset allocated at creation and never filled by HDF5. */
static hid_t create_fixed(hid_t f, const char *name, hid_t type, int rank, const hsize_t *dims)
{
    hid_t space = H5Screate_simple(rank, dims, NULL), dcpl = fg_i_h5_dcpl_untimed();
    hid_t d = H5I_INVALID_HID;
    if (space >= 0 && dcpl >= 0 && H5Pset_layout(dcpl, H5D_CONTIGUOUS) >= 0 &&
        H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY) >= 0 &&
        H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) >= 0)
        d = H5Dcreate2(f, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    return d;
}

/* PATH.partial with its whole structure (run in a child: isolated_write.h). */
static fg_status create_partial_child(void *ctx)
{
    fg_fne_writer *w = ctx;
    fg_status st = FG_OK;
    hid_t fcpl = fg_i_h5_fcpl_untimed(), f = H5I_INVALID_HID;
    hid_t d_fne = H5I_INVALID_HID, d_status = H5I_INVALID_HID, d_progress = H5I_INVALID_HID;
    hsize_t dims[2] = {(hsize_t)w->n, FG_FNE_DIM}, one = 1;
    int64_t zero = 0;
    if (fcpl >= 0) f = H5Fcreate(w->partial, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
    if (fcpl >= 0) H5Pclose(fcpl);
    if (f < 0) return FG_FAIL(FG_EIO, "%s: cannot create the file (disk full, or folder not writable?)", w->partial);
    FG_CHECK_GOTO(st, fg_i_fne_write_attrs(f, w->partial, &w->meta, w->impl));
    FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(f, FG_I_FNE_WORK_MARK,
                                             "unfinished extraction: inputs 0../progress-1 are stored",
                                             w->partial));
    FG_CHECK_GOTO(st, fg_i_h5_write_strings(f, "path", (const char *const *)w->paths, w->n, w->partial));
    FG_CHECK_GOTO(st, fg_i_fne_write_int32(f, "label", w->labels, w->n, w->partial));
    FG_CHECK_GOTO(st, fg_i_h5_write_strings(f, "class_names", (const char *const *)w->class_names,
                                            w->n_classes, w->partial));
    d_fne = create_fixed(f, "fne", H5T_IEEE_F32LE, 2, dims);
    d_status = create_fixed(f, "status", H5T_STD_U8LE, 1, dims);
    d_progress = create_fixed(f, "progress", H5T_STD_I64LE, 1, &one);
    if (d_fne < 0 || d_status < 0 || d_progress < 0 ||
        (w->n > 0 && H5Dwrite(d_status, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, w->status) < 0) ||
        H5Dwrite(d_progress, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &zero) < 0) {
        st = FG_FAIL(FG_EIO, "%s: cannot create the work datasets (disk full? /fne needs %.1f MB)",
                     w->partial, (double)w->n * ROW_BYTES / 1e6);
        goto done;
    }
done:
    if (d_progress >= 0) H5Dclose(d_progress);
    if (d_status >= 0) H5Dclose(d_status);
    if (d_fne >= 0) H5Dclose(d_fne);
    if (H5Fclose(f) < 0 && st == FG_OK)
        st = FG_FAIL(FG_EIO, "%s: HDF5 could not complete the file (disk full?)", w->partial);
    if (st == FG_OK) {
        int fd = open(w->partial, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) != 0) st = FG_FAIL(FG_EIO, "%s: cannot sync: %s", w->partial, strerror(errno));
        if (fd >= 0) close(fd);
    }
    return st;
}

/* A contiguous, unfiltered dataset of `type` holding exactly `bytes` bytes
 * inside a file of `fsize` bytes: its offset (-1 when bytes is 0). */
static fg_status locate(hid_t f, const char *file, const char *name, hid_t type, int rank,
                        const hsize_t *dims, int64_t fsize, int64_t *off)
{
    fg_status st = FG_OK;
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT), t = H5I_INVALID_HID, s = H5I_INVALID_HID;
    hid_t dcpl = H5I_INVALID_HID;
    hsize_t have[2] = {0, 0};
    int64_t bytes = (int64_t)H5Tget_size(type);
    for (int i = 0; i < rank; i++) bytes *= (int64_t)dims[i];
    *off = -1;
    if (d < 0) return FG_FAIL(FG_EFORMAT, "%s: damaged work file: dataset /%s is missing", file, name);
    t = H5Dget_type(d);
    s = H5Dget_space(d);
    dcpl = H5Dget_create_plist(d);
    if (t < 0 || H5Tequal(t, type) <= 0 || s < 0 || H5Sget_simple_extent_ndims(s) != rank ||
        H5Sget_simple_extent_dims(s, have, NULL) != rank || have[0] != dims[0] ||
        (rank == 2 && have[1] != dims[1]) || dcpl < 0 || H5Pget_layout(dcpl) != H5D_CONTIGUOUS) {
        st = FG_FAIL(FG_EFORMAT, "%s: damaged work file: /%s has another type, shape or layout", file, name);
        goto done;
    }
    if (bytes > 0) {
        haddr_t a = H5Dget_offset(d);
        if (a == HADDR_UNDEF || (int64_t)H5Dget_storage_size(d) != bytes || (int64_t)a < 0 ||
            (int64_t)a > fsize - bytes) {
            st = FG_FAIL(FG_EFORMAT,
                         "%s: damaged or truncated work file: /%s (%lld bytes) does not lie inside its %lld bytes",
                         file, name, (long long)bytes, (long long)fsize);
            goto done;
        }
        *off = (int64_t)a;
    }
done:
    if (dcpl >= 0) H5Pclose(dcpl);
    if (s >= 0) H5Sclose(s);
    if (t >= 0) H5Tclose(t);
    H5Dclose(d);
    return st;
}

/* The offsets of the work datasets in the open partial file f. */
static fg_status locate_all(fg_fne_writer *w, hid_t f)
{
    struct stat sb;
    hsize_t dims[2] = {(hsize_t)w->n, FG_FNE_DIM}, one = 1;
    fg_status st = FG_OK;
    if (stat(w->partial, &sb) != 0) return FG_FAIL(FG_EIO, "%s: cannot stat: %s", w->partial, strerror(errno));
    int64_t fsize = (int64_t)sb.st_size;
    FG_CHECK_GOTO(st, locate(f, w->partial, "fne", H5T_IEEE_F32LE, 2, dims, fsize, &w->off_fne));
    FG_CHECK_GOTO(st, locate(f, w->partial, "status", H5T_STD_U8LE, 1, dims, fsize, &w->off_status));
    FG_CHECK_GOTO(st, locate(f, w->partial, "progress", H5T_STD_I64LE, 1, &one, fsize, &w->off_progress));
done:
    return st;
}

/* Open the partial file for the in-place writes and reserve the space of the
 * rows still to come. */
static fg_status open_fd(fg_fne_writer *w)
{
    w->fd = open(w->partial, O_RDWR | O_CLOEXEC);
    if (w->fd < 0) return FG_FAIL(FG_EIO, "%s: cannot open for writing: %s", w->partial, strerror(errno));
    int64_t rows = w->n - w->flushed;
    int e = rows > 0 ? posix_fallocate(w->fd, (off_t)(w->off_fne + w->flushed * ROW_BYTES), (off_t)(rows * ROW_BYTES)) : 0;
    if (e != 0) {
        if (e == ENOSPC || e == EDQUOT)
            return FG_FAIL(FG_EIO, "%s: disk full: the %lld rows still to extract need %.1f MB there "
                           "(and the final file as much again); free space and run the same command again",
                           w->partial, (long long)rows, (double)(rows * ROW_BYTES) / 1e6);
        /* no way to reserve on this file system: space is then taken as rows come */
    }
    return FG_OK;
}

static fg_status create_partial(fg_fne_writer *w)
{
    fg_status st = fg_i_isolated_write(create_partial_child, w, w->partial);
    if (st != FG_OK) return st;
    hid_t f = H5Fopen(w->partial, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return FG_FAIL(FG_EIO, "%s: cannot reopen the work file just made", w->partial);
    st = locate_all(w, f);
    H5Fclose(f);
    if (st == FG_OK) st = open_fd(w);
    return st;
}

/* Does the file at `file` (opened as f) hold this job's inputs? */
static fg_status check_inputs(const fg_fne_writer *w, hid_t f, const char *file, char *why, size_t n)
{
    fg_status st = FG_OK;
    char **paths = NULL, **cls = NULL;
    int32_t *labels = NULL;
    int64_t np = 0, nc = 0;
    why[0] = '\0';
    FG_CHECK_GOTO(st, fg_i_h5_read_strings(f, "path", false, file, "dataset /path", &paths, &np));
    if (np != w->n) {
        snprintf(why, n, "it lists %lld inputs, this job %lld", (long long)np, (long long)w->n);
        goto done;
    }
    FG_CHECK_GOTO(st, fg_i_fne_read_int32(f, "label", file, np, &labels));
    for (int64_t i = 0; i < np; i++) {
        if (strcmp(paths[i], w->paths[i]) != 0) {
            snprintf(why, n, "input %lld is '%s' there, '%s' now", (long long)i, paths[i], w->paths[i]);
            goto done;
        }
        if (labels[i] != w->labels[i]) {
            snprintf(why, n, "the label of input %lld (%s) is %d there, %d now", (long long)i,
                     paths[i], labels[i], w->labels[i]);
            goto done;
        }
    }
    FG_CHECK_GOTO(st, fg_i_h5_read_strings(f, "class_names", false, file, "dataset /class_names", &cls, &nc));
    if (nc != w->n_classes)
        snprintf(why, n, "it has %lld classes, this job %d", (long long)nc, w->n_classes);
    for (int64_t i = 0; !why[0] && i < nc; i++)
        if (strcmp(cls[i], w->class_names[i]) != 0)
            snprintf(why, n, "class %lld is '%s' there, '%s' now", (long long)i, cls[i], w->class_names[i]);
done:
    fg_free(paths);
    fg_free(cls);
    fg_free(labels);
    return st;
}

static fg_status resume_partial(fg_fne_writer *w)
{
    fg_status st = FG_OK;
    fg_fne_meta have = {0};
    char why[1200], version[32];
    int64_t progress = -1;
    hid_t f = H5I_INVALID_HID, d = H5I_INVALID_HID;
    st = fg_i_h5_probe(w->partial, "the work file of an unfinished extraction", NULL);
    if (st != FG_OK)
        return FG_FAIL(FG_EFORMAT, "%s; this unfinished extraction cannot be resumed: delete it to start over",
                       fg_last_error());
    f = H5Fopen(w->partial, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return FG_FAIL(FG_EFORMAT,
                       "%s: an unfinished extraction that cannot be opened (damaged?); delete it to start over",
                       w->partial);
    /* impl: what computed the stored rows */
    st = fg_i_fne_read_attrs(f, w->partial, &have, version, sizeof version, w->impl, sizeof w->impl);
    if (st == FG_OK && fg_i_fne_meta_why(&have, version, &w->meta, why, sizeof why)) st = FG_EINVAL;
    if (st == FG_OK) {
        st = check_inputs(w, f, w->partial, why, sizeof why);
        if (st == FG_OK && why[0]) st = FG_EINVAL;
    }
    if (st == FG_EINVAL) {
        st = FG_FAIL(FG_EINVAL,
                     "%s is an unfinished extraction of a different job (%s); delete %s to "
                     "start over, or choose another --out", w->partial, why, w->partial);
        goto done;
    }
    if (st != FG_OK) {
        st = FG_FAIL(st, "%s; delete %s to start over", fg_last_error(), w->partial);
        goto done;
    }
    st = locate_all(w, f);
    if (st != FG_OK) {
        st = FG_FAIL(st, "%s; delete it to start over", fg_last_error());
        goto done;
    }
    d = H5Dopen2(f, "progress", H5P_DEFAULT);
    if (d < 0 || H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &progress) < 0 || progress < 0 ||
        progress > w->n) {
        st = FG_FAIL(FG_EFORMAT, "%s: damaged work file (/progress); delete it to start over", w->partial);
        goto done;
    }
    H5Dclose(d);
    d = H5Dopen2(f, "status", H5P_DEFAULT);
    if (progress > 0 && (d < 0 || read_rows(d, H5T_NATIVE_UINT8, 0, progress, 0, w->status) < 0)) {
        st = FG_FAIL(FG_EFORMAT, "%s: damaged work file (/status); delete it to start over", w->partial);
        goto done;
    }
    for (int64_t i = 0; i < progress; i++)
        if (w->status[i] != ST_OK && w->status[i] != ST_FAILED) {
            st = FG_FAIL(FG_EFORMAT, "%s: damaged work file (input %lld stored with status %d); "
                         "delete it to start over", w->partial, (long long)i, w->status[i]);
            goto done;
        }
    w->next = w->flushed = progress;
done:
    fg_fne_meta_destroy(&have);
    if (d >= 0) H5Dclose(d);
    if (f >= 0) H5Fclose(f); /* read-only: nothing to write back */
    if (st == FG_OK) st = open_fd(w);
    return st;
}

/* Is the final file at w->path this job's finished result? */
static fg_status check_final(const fg_fne_writer *w, char *why, size_t n)
{
    fg_fne h;
    why[0] = '\0';
    fg_status st = fg_fne_read_header(w->path, &h);
    if (st != FG_OK) {
        snprintf(why, n, "%s", fg_last_error());
        return FG_OK;
    }
    if (fg_i_fne_meta_why(&h.meta, NULL, &w->meta, why, n)) goto done;
    if (h.n_classes != w->n_classes) {
        snprintf(why, n, "it has %d classes, this job %d", h.n_classes, w->n_classes);
        goto done;
    }
    for (int i = 0; i < h.n_classes; i++)
        if (strcmp(h.class_names[i], w->class_names[i]) != 0) {
            snprintf(why, n, "class %d is '%s' there, '%s' now", i, h.class_names[i], w->class_names[i]);
            goto done;
        }
    /* every input is either the next stored row or the next failure, in order */
    int64_t p = 0, q = 0;
    for (int64_t i = 0; i < w->n; i++) {
        if (p < h.n && !strcmp(h.path[p], w->paths[i]) && h.label[p] == w->labels[i]) p++;
        else if (q < h.n_failed && !strcmp(h.failed_path[q], w->paths[i])) q++;
        else {
            snprintf(why, n, "input %lld (%s, label %d) is not in it where expected", (long long)i,
                     w->paths[i], w->labels[i]);
            goto done;
        }
    }
    if (p != h.n || q != h.n_failed)
        snprintf(why, n, "it holds %lld images and %lld failures, this job %lld inputs", (long long)h.n,
                 (long long)h.n_failed, (long long)w->n);
done:
    fg_fne_destroy(&h);
    return FG_OK;
}

fg_status fg_fne_writer_open(const char *path, const fg_fne_meta *meta, int64_t n_inputs,
                             const char *const *paths, const int32_t *labels,
                             const char *const *class_names, int n_classes, int64_t chunk_rows,
                             fg_fne_writer **out, int64_t *next_input)
{
    fg_status st = FG_OK;
    fg_i_h5_quiet q;
    fg_fne_writer *w = NULL;
    bool creating = false;
    char why[1200];
    if (!path || !meta || n_inputs < 0 || (n_inputs > 0 && (!paths || !labels)) || n_classes < 0 ||
        (n_classes > 0 && !class_names) || chunk_rows < 1 || !out || !next_input)
        return FG_FAIL(FG_EINVAL, "fg_fne_writer_open: bad argument");
    *out = NULL;
    *next_input = 0;
    for (int64_t i = 0; i < n_inputs; i++) {
        if (!paths[i]) return FG_FAIL(FG_EINVAL, "fg_fne_writer_open(%s): path %lld is NULL", path, (long long)i);
        if (labels[i] < 0 || labels[i] >= n_classes)
            return FG_FAIL(FG_EINVAL, "fg_fne_writer_open(%s): label %d of %s is not a class index 0..%d",
                           path, labels[i], paths[i], n_classes - 1);
    }
    for (int c = 0; c < n_classes; c++)
        if (!class_names[c]) return FG_FAIL(FG_EINVAL, "fg_fne_writer_open(%s): class name %d is NULL", path, c);
    fg_i_h5_quiet_begin(&q);
    w = fg_calloc(1, sizeof *w);
    if (!w) {
        st = FG_ENOMEM;
        goto done;
    }
    w->fd = -1;
    w->off_fne = w->off_status = w->off_progress = -1;
    w->lock = (fg_i_lock)FG_I_LOCK_INIT;
    w->n = n_inputs;
    w->chunk = chunk_rows;
    w->cap = chunk_rows < n_inputs ? chunk_rows : (n_inputs > 0 ? n_inputs : 1);
    w->n_classes = n_classes;
    FG_CHECK_GOTO(st, fg_i_fne_meta_for_job(meta, &w->meta));
    w->path = fg_i_path_with_suffix(path, "");
    w->partial = fg_i_path_with_suffix(path, ".partial");
    w->tmp = fg_i_path_with_suffix(path, ".tmp");
    if (!w->path || !w->partial || !w->tmp) {
        st = FG_ENOMEM;
        goto done;
    }
    /* every path this job writes, checked before any work; then one writer */
    FG_CHECK_GOTO(st, fg_i_output_file(w->path, "the FNE file"));
    FG_CHECK_GOTO(st, fg_i_output_file(w->partial, "the work file of the extraction"));
    FG_CHECK_GOTO(st, fg_i_output_file(w->tmp, "the FNE file being finished"));
    FG_CHECK_GOTO(st, fg_i_lock_take(w->path, &w->lock));
    w->buf = fg_alloc((size_t)w->cap, FG_FNE_DIM * sizeof(float));
    w->status = fg_calloc((size_t)n_inputs, 1);
    w->paths = copy_strings(paths, n_inputs);
    w->labels = fg_alloc((size_t)n_inputs, sizeof(int32_t));
    w->class_names = copy_strings(class_names, n_classes);
    if (!w->buf || !w->status || !w->paths || !w->labels || !w->class_names) {
        st = FG_ENOMEM;
        goto done;
    }
    if (n_inputs > 0) memcpy(w->labels, labels, (size_t)n_inputs * sizeof(int32_t));

    if (exists(path)) {
        FG_CHECK_GOTO(st, check_final(w, why, sizeof why));
        if (why[0]) {
            st = FG_FAIL(FG_EINVAL, "%s exists and is not the result of this job (%s); delete it "
                         "or choose another --out", path, why);
            goto done;
        }
        /* made by this job (the software version may differ: the cache stays valid) */
        w->finished = true;
        w->next = w->flushed = n_inputs;
        /* a crash between the rename and the removal can leave this job's partial file */
        if (exists(w->partial) && resume_partial(w) == FG_OK) {
            close_partial(w);
            unlink(w->partial);
        }
        close_partial(w);
        w->next = w->flushed = n_inputs;
        fg_error_clear();
    } else if (exists(w->partial)) {
        FG_CHECK_GOTO(st, resume_partial(w));
    } else {
        creating = true;
        FG_CHECK_GOTO(st, create_partial(w));
    }
    *next_input = w->next;
    *out = w;
    w = NULL;
done:
    if (w && creating) { /* a work file this call began and could not complete */
        close_partial(w);
        unlink(w->partial);
    }
    writer_free(w);
    fg_i_h5_quiet_end(&q);
    return st;
}

bool fg_i_fne_writer_finished(const fg_fne_writer *w) { return w && w->finished; }

typedef struct impl_job {
    const char *partial, *impl;
} impl_job;

/* Replace the attribute impl of the partial file (run in a child). */
static fg_status set_impl_child(void *ctx)
{
    const impl_job *j = ctx;
    fg_status st = FG_OK;
    hid_t f = H5Fopen(j->partial, H5F_ACC_RDWR, H5P_DEFAULT);
    if (f < 0) return FG_FAIL(FG_EIO, "%s: cannot open the work file to record attribute 'impl'", j->partial);
    if (H5Aexists(f, "impl") > 0 && H5Adelete(f, "impl") < 0)
        st = FG_FAIL(FG_EIO, "%s: cannot replace attribute 'impl'", j->partial);
    if (st == FG_OK) st = fg_i_h5_write_attr_str(f, "impl", j->impl, j->partial);
    if (H5Fclose(f) < 0 && st == FG_OK)
        st = FG_FAIL(FG_EIO, "%s: cannot record attribute 'impl' (disk full?)", j->partial);
    if (st == FG_OK) {
        int fd = open(j->partial, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) != 0) st = FG_FAIL(FG_EIO, "%s: cannot sync: %s", j->partial, strerror(errno));
        if (fd >= 0) close(fd);
    }
    return st;
}

fg_status fg_fne_writer_set_impl(fg_fne_writer *w, const char *impl)
{
    if (!w || !impl) return FG_FAIL(FG_EINVAL, "fg_fne_writer_set_impl: null argument");
    if (w->finished || strcmp(w->impl, impl) == 0) return FG_OK;
    if (w->fd < 0 || w->broken) return FG_FAIL(FG_EINVAL, "%s: the writer failed earlier", w->path);
    size_t len = strlen(w->impl), need = strlen(impl);
    if (len == 0) {
        if (need >= sizeof w->impl)
            return FG_FAIL(FG_EINVAL, "%s: the implementation list has %zu characters, at most %zu fit",
                           w->partial, need, sizeof w->impl - 1);
        memcpy(w->impl, impl, need + 1);
    } else if (!strstr(w->impl, impl) && len + need + 13 < sizeof w->impl) {
        snprintf(w->impl + len, sizeof w->impl - len, " | resumed: %s", impl);
    } else {
        return FG_OK;
    }
    /* room first, past the end (libhdf5 puts new metadata at its end of file and
     * cuts the file back to it when closing): its writes then cannot meet a full disk */
    struct stat sb;
    int e = fstat(w->fd, &sb) != 0 ? errno : posix_fallocate(w->fd, sb.st_size, 64 << 10);
    if (e == ENOSPC || e == EDQUOT)
        return FG_FAIL(FG_EIO, "%s: disk full: no room to record attribute 'impl'; free space and run the "
                       "same command again", w->partial);
    fg_i_h5_quiet q;
    fg_i_h5_quiet_begin(&q);
    impl_job j = {w->partial, w->impl};
    fg_status st = fg_i_isolated_write(set_impl_child, &j, w->partial);
    fg_i_h5_quiet_end(&q);
    if (st != FG_OK) w->broken = true;
    return st;
}

fg_status fg_fne_writer_put(fg_fne_writer *w, const float *row)
{
    if (!w) return FG_FAIL(FG_EINVAL, "fg_fne_writer_put: null writer");
    if (w->finished || w->next >= w->n)
        return FG_FAIL(FG_EINVAL, "%s: all %lld inputs are already stored", w->path, (long long)w->n);
    if (w->fd < 0 || w->broken || w->next - w->flushed >= w->cap)
        return FG_FAIL(FG_EINVAL, "%s: the writer failed earlier", w->path);
    float *dst = w->buf + (size_t)(w->next - w->flushed) * FG_FNE_DIM;
    if (row) memcpy(dst, row, FG_FNE_DIM * sizeof(float));
    else memset(dst, 0, FG_FNE_DIM * sizeof(float));
    w->status[w->next] = row ? ST_OK : ST_FAILED;
    w->next++;
    if (w->next % w->chunk != 0 && w->next != w->n) return FG_OK;
    fg_status st = flush_rows(w);
    if (st != FG_OK) w->broken = true;
    return st;
}

/* The compact final file at w->tmp, from the partial file (run in a child:
 * isolated_write.h). */
static fg_status write_final_child(void *ctx)
{
    const fg_fne_writer *w = ctx;
    return fg_i_fne_write_final(w->tmp, w->partial, w->fd, w->off_fne, w->n, w->status,
                                (const char *const *)w->paths, w->labels,
                                (const char *const *)w->class_names, w->n_classes, &w->meta,
                                w->impl);
}

fg_status fg_fne_writer_finish(fg_fne_writer *w)
{
    fg_status st = FG_OK;
    fg_i_h5_quiet q;
    if (!w) return FG_FAIL(FG_EINVAL, "fg_fne_writer_finish: null writer");
    if (w->finished) return FG_OK;
    if (w->next != w->n)
        return FG_FAIL(FG_EINVAL, "%s: finish after %lld of %lld inputs", w->path,
                       (long long)w->next, (long long)w->n);
    if (w->fd < 0 || w->broken) return FG_FAIL(FG_EINVAL, "%s: the writer failed earlier", w->path);
    fg_i_h5_quiet_begin(&q);
    FG_CHECK_GOTO(st, flush_rows(w));
    st = fg_i_isolated_write(write_final_child, w, w->tmp);
    if (st == FG_OK) st = fg_i_file_commit(w->tmp, w->path);
    if (st != FG_OK) {
        unlink(w->tmp);
        st = FG_FAIL(st, "%s; all %lld rows are kept in %s: free space and run the same command again to "
                     "finish", fg_last_error(), (long long)w->n, w->partial);
        goto done;
    }
    close_partial(w);
    if (unlink(w->partial) != 0) {
        st = FG_FAIL(FG_EIO, "%s is complete but its work file %s could not be removed", w->path,
                     w->partial);
        goto done;
    }
    w->finished = true;
done:
    if (st != FG_OK && !w->finished) w->broken = true;
    fg_i_h5_quiet_end(&q);
    return st;
}

void fg_fne_writer_close(fg_fne_writer *w)
{
    if (!w) return;
    if (!w->finished && !w->broken && w->fd >= 0)
        (void)flush_rows(w); /* what was put is kept; an error leaves the last durable chunk */
    writer_free(w);
}
