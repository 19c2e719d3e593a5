/* Writing the FNE cache chunk by chunk, so that an interrupted extraction
 * resumes where it stopped and ends with the same file as an uninterrupted
 * run (DESIGN.md "Files and formats", issue 3 part 4).
 *
 * While working, PATH.partial holds the whole job, its metadata written and
 * synced at creation so that later writes touch only raw data:
 *   /path, /label, /class_names   the job's inputs (checked on resume)
 *   /fne      float32 [n_inputs][12416], contiguous, allocated up front,
 *             row i = input i
 *   /status   uint8 [n_inputs]: 0 pending, 1 stored, 2 failed
 *   /progress int64 [1]: inputs 0..progress-1 are durable
 * At each chunk boundary: rows and statuses are written and synced, then
 * /progress is written and synced, so /progress never runs ahead of the data
 * whatever instant the process dies at. Resume reads /progress. finish()
 * writes the compact final file (stored rows only, failures in /failed_path)
 * to PATH.tmp from the partial file alone, renames it to PATH and removes the
 * partial: its bytes depend only on the job's results, never on where runs
 * were interrupted (no time stamps). Cost: each row written twice. */
#include "io/fne_file_i.h"

#include "fnegraph/mem.h"
#include "fnegraph/vgg16.h"
#include "io/h5_helpers.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { ST_PENDING = 0, ST_OK = 1, ST_FAILED = 2 };

struct fg_fne_writer {
    char *path, *partial, *tmp;
    hid_t f, d_fne, d_status, d_progress;
    int64_t n, next, flushed, chunk;
    int64_t cap;       /* rows buf holds: min(chunk, n) */
    float *buf;        /* rows flushed..next-1 */
    uint8_t *status;   /* [n] */
    char **paths;      /* copies of the job */
    int32_t *labels;
    char **class_names;
    int n_classes;
    fg_i_fne_attrs attrs;
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
    if (w->d_progress >= 0) H5Dclose(w->d_progress);
    if (w->d_status >= 0) H5Dclose(w->d_status);
    if (w->d_fne >= 0) H5Dclose(w->d_fne);
    if (w->f >= 0) H5Fclose(w->f);
    w->f = w->d_fne = w->d_status = w->d_progress = H5I_INVALID_HID;
}

static void writer_free(fg_fne_writer *w)
{
    if (!w) return;
    close_partial(w);
    fg_free(w->path);
    fg_free(w->partial);
    fg_free(w->tmp);
    fg_free(w->buf);
    fg_free(w->status);
    fg_free(w->paths);
    fg_free(w->labels);
    fg_free(w->class_names);
    fg_free(w);
}

/* Write (or read) rows [r0, r0 + rows) of a 2-D dataset, or elements of a 1-D one. */
static herr_t transfer_rows(hid_t d, hid_t mtype, int64_t r0, int64_t rows, hsize_t width, void *buf,
                            bool write)
{
    int rank = width ? 2 : 1;
    hsize_t start[2] = {(hsize_t)r0, 0}, count[2] = {(hsize_t)rows, width};
    hid_t fs = H5Dget_space(d), ms = H5Screate_simple(rank, count, NULL);
    herr_t rc = -1;
    if (fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0)
        rc = write ? H5Dwrite(d, mtype, ms, fs, H5P_DEFAULT, buf) : H5Dread(d, mtype, ms, fs, H5P_DEFAULT, buf);
    if (ms >= 0) H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    return rc;
}

static herr_t write_rows(hid_t d, hid_t mtype, int64_t r0, int64_t rows, hsize_t width, const void *buf)
{
    return transfer_rows(d, mtype, r0, rows, width, (void *)buf, true);
}

static herr_t read_rows(hid_t d, hid_t mtype, int64_t r0, int64_t rows, hsize_t width, void *buf)
{
    return transfer_rows(d, mtype, r0, rows, width, buf, false);
}

/* Make rows flushed..next-1 durable: data and statuses, sync, then progress, sync. */
static fg_status flush_rows(fg_fne_writer *w)
{
    int64_t rows = w->next - w->flushed;
    if (rows == 0) return FG_OK;
    int64_t progress = w->next;
    if (write_rows(w->d_fne, H5T_NATIVE_FLOAT, w->flushed, rows, FG_FNE_DIM, w->buf) < 0 ||
        write_rows(w->d_status, H5T_NATIVE_UINT8, w->flushed, rows, 0, w->status + w->flushed) < 0)
        return FG_FAIL(FG_EIO, "%s: cannot write rows %lld..%lld (disk full?)", w->partial,
                       (long long)w->flushed, (long long)w->next - 1);
    fg_status st = fg_i_h5_sync(w->f, w->partial);
    if (st != FG_OK) return st;
    if (H5Dwrite(w->d_progress, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &progress) < 0)
        return FG_FAIL(FG_EIO, "%s: cannot write /progress (disk full?)", w->partial);
    st = fg_i_h5_sync(w->f, w->partial);
    if (st != FG_OK) return st;
    w->flushed = w->next;
    return FG_OK;
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

static fg_status write_int32(hid_t f, const char *name, const int32_t *v, int64_t n, const char *file)
{
    fg_status st = FG_OK;
    hsize_t dim = (hsize_t)n;
    hid_t space = H5Screate_simple(1, &dim, NULL), dcpl = fg_i_h5_dcpl_untimed();
    hid_t d = H5I_INVALID_HID;
    if (space >= 0 && dcpl >= 0) d = H5Dcreate2(f, name, H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (d < 0 || (n > 0 && H5Dwrite(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0))
        st = FG_FAIL(FG_EIO, "%s: cannot write dataset /%s (disk full?)", file, name);
    if (d >= 0) H5Dclose(d);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    return st;
}

static fg_status create_partial(fg_fne_writer *w)
{
    fg_status st = FG_OK;
    hid_t fcpl = fg_i_h5_fcpl_untimed();
    hsize_t dims[2] = {(hsize_t)w->n, FG_FNE_DIM}, one = 1;
    int64_t zero = 0;
    if (fcpl >= 0) w->f = H5Fcreate(w->partial, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
    if (fcpl >= 0) H5Pclose(fcpl);
    if (w->f < 0)
        return FG_FAIL(FG_EIO, "%s: cannot create the file (folder missing or not writable?)", w->partial);
    FG_CHECK_GOTO(st, fg_i_fne_write_attrs(w->f, w->partial, &w->attrs));
    FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(w->f, FG_I_FNE_WORK_MARK,
                                             "unfinished extraction: inputs 0../progress-1 are stored",
                                             w->partial));
    FG_CHECK_GOTO(st, fg_i_h5_write_strings(w->f, "path", (const char *const *)w->paths, w->n, w->partial));
    FG_CHECK_GOTO(st, write_int32(w->f, "label", w->labels, w->n, w->partial));
    FG_CHECK_GOTO(st, fg_i_h5_write_strings(w->f, "class_names", (const char *const *)w->class_names,
                                            w->n_classes, w->partial));
    w->d_fne = create_fixed(w->f, "fne", H5T_IEEE_F32LE, 2, dims);
    w->d_status = create_fixed(w->f, "status", H5T_STD_U8LE, 1, dims);
    w->d_progress = create_fixed(w->f, "progress", H5T_STD_I64LE, 1, &one);
    if (w->d_fne < 0 || w->d_status < 0 || w->d_progress < 0 ||
        (w->n > 0 && H5Dwrite(w->d_status, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, w->status) < 0) ||
        H5Dwrite(w->d_progress, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &zero) < 0) {
        st = FG_FAIL(FG_EIO, "%s: cannot create the work datasets (disk full? /fne needs %.1f MB)",
                     w->partial, (double)w->n * FG_FNE_DIM * 4 / 1e6);
        goto done;
    }
    st = fg_i_h5_sync(w->f, w->partial);
done:
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
    fg_i_fne_attrs have;
    char why[1200];
    hid_t space = H5I_INVALID_HID;
    hsize_t dims[2] = {0, 0};
    int64_t progress = -1;
    w->f = H5Fopen(w->partial, H5F_ACC_RDWR, H5P_DEFAULT);
    if (w->f < 0)
        return FG_FAIL(FG_EFORMAT,
                       "%s: an unfinished extraction that cannot be opened (damaged, or in use by "
                       "another fnegraph?); delete it to start over", w->partial);
    st = fg_i_fne_read_attrs(w->f, w->partial, &have);
    if (st == FG_OK && fg_i_fne_attrs_diff(&have, &w->attrs, true, why, sizeof why)) st = FG_EINVAL;
    if (st == FG_OK) {
        st = check_inputs(w, w->f, w->partial, why, sizeof why);
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
    memcpy(w->attrs.impl, have.impl, sizeof w->attrs.impl); /* what computed the stored rows */
    w->d_fne = H5Dopen2(w->f, "fne", H5P_DEFAULT);
    w->d_status = H5Dopen2(w->f, "status", H5P_DEFAULT);
    w->d_progress = H5Dopen2(w->f, "progress", H5P_DEFAULT);
    if (w->d_fne >= 0) space = H5Dget_space(w->d_fne);
    if (w->d_status < 0 || w->d_progress < 0 || space < 0 ||
        H5Sget_simple_extent_dims(space, dims, NULL) != 2 || dims[0] != (hsize_t)w->n ||
        dims[1] != FG_FNE_DIM ||
        H5Dread(w->d_progress, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &progress) < 0 ||
        progress < 0 || progress > w->n ||
        (progress > 0 && read_rows(w->d_status, H5T_NATIVE_UINT8, 0, progress, 0, w->status) < 0)) {
        st = FG_FAIL(FG_EFORMAT, "%s: damaged work file (/fne, /status or /progress); delete it to start over",
                     w->partial);
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
    if (space >= 0) H5Sclose(space);
    return st;
}

/* Is the final file at w->path this job's finished result? */
static fg_status check_final(const fg_fne_writer *w, char *why, size_t n)
{
    fg_fne h;
    fg_i_fne_attrs have;
    why[0] = '\0';
    fg_status st = fg_i_fne_read_header(w->path, &h);
    if (st != FG_OK) {
        snprintf(why, n, "%s", fg_last_error());
        return FG_OK;
    }
    memset(&have, 0, sizeof have);
    memcpy(have.dataset, h.dataset, sizeof h.dataset);
    memcpy(have.split, h.split, sizeof h.split);
    memcpy(have.preprocess, h.preprocess, sizeof h.preprocess);
    memcpy(have.resize, h.resize, sizeof h.resize);
    memcpy(have.weights_sha256, h.weights_sha256, sizeof h.weights_sha256);
    memcpy(have.conv, h.conv, sizeof h.conv);
    memcpy(have.precision, h.precision, sizeof h.precision);
    if (fg_i_fne_attrs_diff(&have, &w->attrs, false, why, n)) goto done;
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
    w->f = w->d_fne = w->d_status = w->d_progress = H5I_INVALID_HID;
    w->n = n_inputs;
    w->chunk = chunk_rows;
    w->cap = chunk_rows < n_inputs ? chunk_rows : (n_inputs > 0 ? n_inputs : 1);
    w->n_classes = n_classes;
    FG_CHECK_GOTO(st, fg_i_fne_attrs_from_meta(meta, &w->attrs));
    w->path = fg_i_path_with_suffix(path, "");
    w->partial = fg_i_path_with_suffix(path, ".partial");
    w->tmp = fg_i_path_with_suffix(path, ".tmp");
    w->buf = fg_alloc((size_t)w->cap, FG_FNE_DIM * sizeof(float));
    w->status = fg_calloc((size_t)n_inputs, 1);
    w->paths = copy_strings(paths, n_inputs);
    w->labels = fg_alloc((size_t)n_inputs, sizeof(int32_t));
    w->class_names = copy_strings(class_names, n_classes);
    if (!w->path || !w->partial || !w->tmp || !w->buf || !w->status || !w->paths || !w->labels ||
        !w->class_names) {
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

fg_status fg_fne_writer_set_impl(fg_fne_writer *w, const char *impl)
{
    if (!w || !impl) return FG_FAIL(FG_EINVAL, "fg_fne_writer_set_impl: null argument");
    if (w->finished || strcmp(w->attrs.impl, impl) == 0) return FG_OK;
    if (w->f < 0 || w->broken) return FG_FAIL(FG_EINVAL, "%s: the writer failed earlier", w->path);
    size_t len = strlen(w->attrs.impl), need = strlen(impl);
    if (len == 0) {
        if (need >= sizeof w->attrs.impl)
            return FG_FAIL(FG_EINVAL, "%s: the implementation list has %zu characters, at most %zu fit",
                           w->partial, need, sizeof w->attrs.impl - 1);
        memcpy(w->attrs.impl, impl, need + 1);
    } else if (!strstr(w->attrs.impl, impl) && len + need + 13 < sizeof w->attrs.impl) {
        snprintf(w->attrs.impl + len, sizeof w->attrs.impl - len, " | resumed: %s", impl);
    } else {
        return FG_OK;
    }
    fg_status st = FG_OK;
    fg_i_h5_quiet q;
    fg_i_h5_quiet_begin(&q);
    if (H5Aexists(w->f, "impl") > 0 && H5Adelete(w->f, "impl") < 0)
        st = FG_FAIL(FG_EIO, "%s: cannot replace attribute 'impl'", w->partial);
    if (st == FG_OK) st = fg_i_h5_write_attr_str(w->f, "impl", w->attrs.impl, w->partial);
    if (st == FG_OK) st = fg_i_h5_sync(w->f, w->partial);
    fg_i_h5_quiet_end(&q);
    return st;
}

fg_status fg_fne_writer_put(fg_fne_writer *w, const float *row)
{
    if (!w) return FG_FAIL(FG_EINVAL, "fg_fne_writer_put: null writer");
    if (w->finished || w->next >= w->n)
        return FG_FAIL(FG_EINVAL, "%s: all %lld inputs are already stored", w->path, (long long)w->n);
    if (w->f < 0 || w->broken || w->next - w->flushed >= w->cap)
        return FG_FAIL(FG_EINVAL, "%s: the writer failed earlier", w->path);
    float *dst = w->buf + (size_t)(w->next - w->flushed) * FG_FNE_DIM;
    if (row) memcpy(dst, row, FG_FNE_DIM * sizeof(float));
    else memset(dst, 0, FG_FNE_DIM * sizeof(float));
    w->status[w->next] = row ? ST_OK : ST_FAILED;
    w->next++;
    if (w->next % w->chunk != 0 && w->next != w->n) return FG_OK;
    fg_i_h5_quiet q;
    fg_i_h5_quiet_begin(&q);
    fg_status st = flush_rows(w);
    fg_i_h5_quiet_end(&q);
    if (st != FG_OK) w->broken = true;
    return st;
}

/* The compact final file at w->tmp, from the partial file. */
static fg_status write_final(fg_fne_writer *w)
{
    fg_status st = FG_OK;
    hid_t fcpl = fg_i_h5_fcpl_untimed(), f = H5I_INVALID_HID, d = H5I_INVALID_HID;
    hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
    int64_t n_ok = 0, n_fail = 0;
    const char **ok_paths = NULL, **fail_paths = NULL;
    int32_t *ok_labels = NULL;
    float *in = NULL, *outb = NULL;
    enum { R = FG_I_FNE_CHUNK_ROWS };
    for (int64_t i = 0; i < w->n; i++) n_ok += w->status[i] == ST_OK;
    n_fail = w->n - n_ok;
    ok_paths = fg_alloc((size_t)n_ok, sizeof *ok_paths);
    fail_paths = fg_alloc((size_t)n_fail, sizeof *fail_paths);
    ok_labels = fg_alloc((size_t)n_ok, sizeof *ok_labels);
    in = fg_alloc(R, FG_FNE_DIM * sizeof(float));
    outb = fg_alloc(R, FG_FNE_DIM * sizeof(float));
    if (!ok_paths || !fail_paths || !ok_labels || !in || !outb) {
        st = FG_ENOMEM;
        goto done;
    }
    for (int64_t i = 0, p = 0, q = 0; i < w->n; i++) {
        if (w->status[i] == ST_OK) {
            ok_paths[p] = w->paths[i];
            ok_labels[p++] = w->labels[i];
        } else {
            fail_paths[q++] = w->paths[i];
        }
    }
    if (fcpl >= 0) f = H5Fcreate(w->tmp, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
    if (f < 0) {
        st = FG_FAIL(FG_EIO, "%s: cannot create the file (folder not writable?)", w->tmp);
        goto done;
    }
    FG_CHECK_GOTO(st, fg_i_fne_write_attrs(f, w->tmp, &w->attrs));
    hsize_t dims[2] = {(hsize_t)n_ok, FG_FNE_DIM}, maxd[2] = {H5S_UNLIMITED, FG_FNE_DIM};
    hsize_t chunk[2] = {R, FG_FNE_DIM};
    space = H5Screate_simple(2, dims, maxd);
    dcpl = fg_i_h5_dcpl_untimed();
    if (space >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, 2, chunk) >= 0)
        d = H5Dcreate2(f, "fne", H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (d < 0) {
        st = FG_FAIL(FG_EIO, "%s: cannot create dataset /fne", w->tmp);
        goto done;
    }
    FG_CHECK_GOTO(st, write_int32(f, "label", ok_labels, n_ok, w->tmp));
    FG_CHECK_GOTO(st, fg_i_h5_write_strings(f, "path", ok_paths, n_ok, w->tmp));
    FG_CHECK_GOTO(st, fg_i_h5_write_strings(f, "class_names", (const char *const *)w->class_names,
                                            w->n_classes, w->tmp));
    FG_CHECK_GOTO(st, fg_i_h5_write_strings(f, "failed_path", fail_paths, n_fail, w->tmp));
    /* copy the stored rows in input order, one whole chunk at a time */
    int64_t nout = 0, filled = 0;
    for (int64_t i0 = 0; i0 < w->n; i0 += R) {
        int64_t rows = w->n - i0 < R ? w->n - i0 : R;
        if (read_rows(w->d_fne, H5T_NATIVE_FLOAT, i0, rows, FG_FNE_DIM, in) < 0) {
            st = FG_FAIL(FG_EIO, "%s: cannot read rows %lld..%lld back", w->partial, (long long)i0,
                         (long long)(i0 + rows - 1));
            goto done;
        }
        for (int64_t r = 0; r < rows; r++) {
            if (w->status[i0 + r] != ST_OK) continue;
            memcpy(outb + (size_t)filled * FG_FNE_DIM, in + (size_t)r * FG_FNE_DIM, FG_FNE_DIM * sizeof(float));
            if (++filled < R) continue;
            if (write_rows(d, H5T_NATIVE_FLOAT, nout, R, FG_FNE_DIM, outb) < 0) goto write_error;
            nout += R;
            filled = 0;
        }
    }
    if (filled > 0 && write_rows(d, H5T_NATIVE_FLOAT, nout, filled, FG_FNE_DIM, outb) < 0) goto write_error;
    H5Dclose(d);
    d = H5I_INVALID_HID;
    herr_t rc = H5Fclose(f);
    f = H5I_INVALID_HID;
    if (rc < 0) goto write_error;
    goto done;
write_error:
    st = FG_FAIL(FG_EIO, "%s: cannot write dataset /fne (disk full?)", w->tmp);
done:
    if (d >= 0) H5Dclose(d);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    if (f >= 0) H5Fclose(f);
    if (fcpl >= 0) H5Pclose(fcpl);
    if (st != FG_OK) unlink(w->tmp);
    fg_free(ok_paths);
    fg_free(fail_paths);
    fg_free(ok_labels);
    fg_free(in);
    fg_free(outb);
    return st;
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
    if (w->f < 0 || w->broken) return FG_FAIL(FG_EINVAL, "%s: the writer failed earlier", w->path);
    fg_i_h5_quiet_begin(&q);
    FG_CHECK_GOTO(st, flush_rows(w));
    FG_CHECK_GOTO(st, write_final(w));
    FG_CHECK_GOTO(st, fg_i_file_commit(w->tmp, w->path));
    close_partial(w);
    if (unlink(w->partial) != 0) {
        st = FG_FAIL(FG_EIO, "%s is complete but its work file %s could not be removed", w->path,
                     w->partial);
        goto done;
    }
    w->finished = true;
done:
    fg_i_h5_quiet_end(&q);
    return st;
}

void fg_fne_writer_close(fg_fne_writer *w)
{
    if (!w) return;
    if (!w->finished && !w->broken && w->f >= 0) {
        fg_i_h5_quiet q;
        fg_i_h5_quiet_begin(&q);
        (void)flush_rows(w); /* what was put is kept; an error leaves the last durable chunk */
        fg_i_h5_quiet_end(&q);
    }
    writer_free(w);
}
