/* The final FNE file, written in one go from the rows of the work file
 * (fne_writer.c): stored rows only, in input order, chunked by
 * FG_I_FNE_CHUNK_ROWS rows; failed inputs in /failed_path. No time stamps,
 * so its bytes depend only on the job's results. The rows are read back with
 * pread at their offset in the work file; libhdf5 writes only the new file.
 * fne_writer.c runs this in a child process (isolated_write.h), so a full
 * disk at any point stays an error. O(n) rows copied, memory two chunks. */
#include "io/fne_file_i.h"

#include "fnegraph/mem.h"
#include "fnegraph/vgg16.h"
#include "io/h5_helpers.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

enum { ST_OK = 1 };
#define ROW_BYTES ((int64_t)FG_FNE_DIM * (int64_t)sizeof(float))

static int pread_all(int fd, void *p, int64_t n, int64_t off)
{
    char *b = p;
    while (n > 0) {
        ssize_t r = pread(fd, b, (size_t)n, (off_t)off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return r < 0 ? errno : EIO; /* a short file */
        b += r;
        n -= r;
        off += r;
    }
    return 0;
}

static herr_t write_rows(hid_t d, hid_t mtype, int64_t r0, int64_t rows, hsize_t width, const void *buf)
{
    hsize_t start[2] = {(hsize_t)r0, 0}, count[2] = {(hsize_t)rows, width};
    hid_t fs = H5Dget_space(d), ms = H5Screate_simple(2, count, NULL);
    herr_t rc = -1;
    if (fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0)
        rc = H5Dwrite(d, mtype, ms, fs, H5P_DEFAULT, buf);
    if (ms >= 0) H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    return rc;
}

fg_status fg_i_fne_write_int32(hid_t f, const char *name, const int32_t *v, int64_t n, const char *file)
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

fg_status fg_i_fne_write_final(const char *tmp, const char *partial, int fd, int64_t off_fne, int64_t n,
                               const uint8_t *status, const char *const *paths, const int32_t *labels,
                               const char *const *class_names, int n_classes, const fg_fne_meta *meta,
                               const char *impl)
{
    fg_status st = FG_OK;
    hid_t fcpl = fg_i_h5_fcpl_untimed(), f = H5I_INVALID_HID, d = H5I_INVALID_HID;
    hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
    int64_t n_ok = 0, n_fail = 0;
    const char **ok_paths = NULL, **fail_paths = NULL;
    int32_t *ok_labels = NULL;
    float *in = NULL, *outb = NULL;
    enum { R = FG_I_FNE_CHUNK_ROWS };
    for (int64_t i = 0; i < n; i++) n_ok += status[i] == ST_OK;
    n_fail = n - n_ok;
    ok_paths = fg_alloc((size_t)n_ok, sizeof *ok_paths);
    fail_paths = fg_alloc((size_t)n_fail, sizeof *fail_paths);
    ok_labels = fg_alloc((size_t)n_ok, sizeof *ok_labels);
    in = fg_alloc(R, FG_FNE_DIM * sizeof(float));
    outb = fg_alloc(R, FG_FNE_DIM * sizeof(float));
    if (!ok_paths || !fail_paths || !ok_labels || !in || !outb) {
        st = FG_FAIL(FG_ENOMEM, "%s: out of memory", tmp);
        goto done;
    }
    for (int64_t i = 0, p = 0, q = 0; i < n; i++) {
        if (status[i] == ST_OK) {
            ok_paths[p] = paths[i];
            ok_labels[p++] = labels[i];
        } else {
            fail_paths[q++] = paths[i];
        }
    }
    if (fcpl >= 0) f = H5Fcreate(tmp, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
    if (f < 0) {
        st = FG_FAIL(FG_EIO, "%s: cannot create the file (disk full, or folder not writable?)", tmp);
        goto done;
    }
    FG_CHECK_GOTO(st, fg_i_fne_write_attrs(f, tmp, meta, impl));
    hsize_t dims[2] = {(hsize_t)n_ok, FG_FNE_DIM}, maxd[2] = {H5S_UNLIMITED, FG_FNE_DIM};
    hsize_t chunk[2] = {R, FG_FNE_DIM};
    space = H5Screate_simple(2, dims, maxd);
    dcpl = fg_i_h5_dcpl_untimed();
    if (space >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, 2, chunk) >= 0)
        d = H5Dcreate2(f, "fne", H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (d < 0) {
        st = FG_FAIL(FG_EIO, "%s: cannot create dataset /fne (disk full?)", tmp);
        goto done;
    }
    FG_CHECK_GOTO(st, fg_i_fne_write_int32(f, "label", ok_labels, n_ok, tmp));
    FG_CHECK_GOTO(st, fg_i_h5_write_strings(f, "path", ok_paths, n_ok, tmp));
    FG_CHECK_GOTO(st, fg_i_h5_write_strings(f, "class_names", class_names,
                                            n_classes, tmp));
    FG_CHECK_GOTO(st, fg_i_h5_write_strings(f, "failed_path", fail_paths, n_fail, tmp));
    /* copy the stored rows in input order, one whole chunk at a time */
    int64_t nout = 0, filled = 0;
    for (int64_t i0 = 0; i0 < n; i0 += R) {
        int64_t rows = n - i0 < R ? n - i0 : R;
        int e = pread_all(fd, in, rows * ROW_BYTES, off_fne + i0 * ROW_BYTES);
        if (e) {
            st = FG_FAIL(FG_EIO, "%s: cannot read rows %lld..%lld back: %s", partial, (long long)i0,
                         (long long)(i0 + rows - 1), strerror(e));
            goto done;
        }
        for (int64_t r = 0; r < rows; r++) {
            if (status[i0 + r] != ST_OK) continue;
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
    st = FG_FAIL(FG_EIO, "%s: cannot write dataset /fne (disk full?)", tmp);
done:
    if (d >= 0) H5Dclose(d);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    if (f >= 0 && H5Fclose(f) < 0 && st == FG_OK) st = FG_FAIL(FG_EIO, "%s: cannot complete the file (disk full?)", tmp);
    if (fcpl >= 0) H5Pclose(fcpl);
    fg_free(ok_paths);
    fg_free(fail_paths);
    fg_free(ok_labels);
    fg_free(in);
    fg_free(outb);
    return st;
}

