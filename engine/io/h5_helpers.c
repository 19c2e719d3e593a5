/* HDF5 helpers shared by fnegraph's file formats: see h5_helpers.h.
 * The probe reads the superblock (HDF5 file format spec, "Superblock",
 * versions 0-3) only to tell a truncated file from a corrupt one. */
#include "io/h5_helpers.h"

#include "core/file_guard.h"
#include "fnegraph/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void fg_i_h5_quiet_begin(fg_i_h5_quiet *q)
{
    q->func = NULL;
    q->data = NULL;
    H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void fg_i_h5_quiet_end(const fg_i_h5_quiet *q) { H5Eset_auto2(H5E_DEFAULT, q->func, q->data); }

/* ---- pre-flight check ---- */

static uint64_t le_uint(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

/* Read n bytes at off; returns the bytes read (short at the end of the file). */
static ssize_t read_at(int fd, void *buf, size_t n, off_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, (char *)buf + got, n - got, off + (off_t)got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        if (r == 0) break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

fg_status fg_i_h5_probe(const char *path, const char *what, int64_t *size)
{
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    fg_status st = FG_OK;
    struct stat sb;
    unsigned char sbuf[96];
    int fd = -1;
    /* a FIFO would block open() for ever, a device never end: refused before opening */
    FG_CHECK_GOTO(st, fg_i_input_file(path, what, NULL));
    /* O_NONBLOCK: should the path become a FIFO after that check, open() still returns */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT) return FG_FAIL(FG_ENOTFOUND, "%s: no such file", path);
        return FG_FAIL(FG_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    if (fstat(fd, &sb) != 0) {
        st = FG_FAIL(FG_EIO, "%s: cannot stat: %s", path, strerror(errno));
        goto done;
    }
    if (!S_ISREG(sb.st_mode)) {
        st = FG_FAIL(FG_EIO, "%s: is not a regular file, so not %s", path, what);
        goto done;
    }
    if (sb.st_size == 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: empty file (0 bytes), not %s", path, what);
        goto done;
    }
    /* the superblock sits at 0, 512, 1024, 2048, ... */
    off_t base = -1;
    for (off_t at = 0; at < sb.st_size; at = at ? 2 * at : 512) {
        ssize_t got = read_at(fd, sbuf, sizeof sbuf, at);
        if (got < 0) {
            st = FG_FAIL(FG_EIO, "%s: read error: %s", path, strerror(errno));
            goto done;
        }
        if (got >= 8 && memcmp(sbuf, sig, 8) == 0) {
            base = at;
            if ((size_t)got < 64) {
                st = FG_FAIL(FG_EFORMAT, "%s: truncated HDF5 file: only %lld bytes", path,
                             (long long)sb.st_size);
                goto done;
            }
            break;
        }
    }
    if (base < 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: not an HDF5 file (no HDF5 signature), so not %s", path,
                     what);
        goto done;
    }
    /* end-of-file address recorded in the superblock, relative to its base address */
    int version = sbuf[8], osize = 0;
    size_t eof_at = 0, base_at = 0;
    if (version <= 1) {
        osize = sbuf[13];
        base_at = version == 0 ? 24 : 28;
        eof_at = base_at + 2 * (size_t)osize;
    } else if (version <= 3) {
        osize = sbuf[9];
        base_at = 12;
        eof_at = base_at + 2 * (size_t)osize;
    }
    if ((osize == 4 || osize == 8) && eof_at + (size_t)osize <= sizeof sbuf) {
        uint64_t undef = osize == 8 ? UINT64_MAX : UINT32_MAX;
        uint64_t b = le_uint(sbuf + base_at, osize), eoa = le_uint(sbuf + eof_at, osize);
        if (b != undef && eoa != undef && b + eoa > (uint64_t)sb.st_size) {
            st = FG_FAIL(FG_EFORMAT,
                         "%s: truncated HDF5 file: %lld bytes on disk, its superblock says "
                         "%llu (an interrupted download or copy?)",
                         path, (long long)sb.st_size, (unsigned long long)(b + eoa));
            goto done;
        }
    }
    close(fd);
    fd = -1;
    /* the cheap checks passed: let libhdf5 parse it where a crash cannot hurt */
    FG_CHECK_GOTO(st, fg_i_h5_vet(path, (int64_t)sb.st_size));
    if (size) *size = (int64_t)sb.st_size;
done:
    if (fd >= 0) close(fd);
    return st;
}

/* ---- strings ---- */

const char *fg_i_h5_type_name(hid_t type, char *buf, size_t n)
{
    size_t bits = 8 * H5Tget_size(type);
    switch (H5Tget_class(type)) {
    case H5T_FLOAT: snprintf(buf, n, "float%zu", bits); break;
    case H5T_INTEGER:
        snprintf(buf, n, "%s%zu", H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int", bits);
        break;
    case H5T_STRING: snprintf(buf, n, "string"); break;
    case H5T_COMPOUND: snprintf(buf, n, "compound"); break;
    case H5T_ARRAY: snprintf(buf, n, "array"); break;
    case H5T_VLEN: snprintf(buf, n, "variable-length sequence"); break;
    case H5T_ENUM: snprintf(buf, n, "enum"); break;
    default: snprintf(buf, n, "HDF5 type class %d", (int)H5Tget_class(type)); break;
    }
    return buf;
}

fg_status fg_i_h5_check_extent(hid_t id, bool is_attr, uint64_t np, const char *file, const char *label)
{
    fg_status st = FG_OK;
    hid_t type = is_attr ? H5Aget_type(id) : H5Dget_type(id), fid = H5Iget_file_id(id), dcpl = H5I_INVALID_HID;
    hsize_t fsize = 0;
    uint64_t bytes = 0, ratio = 1;
    size_t esize = type >= 0 ? H5Tget_size(type) : 0;
    if (type < 0 || fid < 0 || H5Fget_filesize(fid, &fsize) < 0 || esize == 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: cannot read the type of %s (corrupt file?)", file, label);
        goto done;
    }
    if (!is_attr) {
        dcpl = H5Dget_create_plist(id);
        if (dcpl >= 0 && H5Pget_nfilters(dcpl) > 0) ratio = 1032;
    }
    if (__builtin_mul_overflow(np, (uint64_t)esize, &bytes) || bytes / ratio > (uint64_t)fsize)
        st = FG_FAIL(FG_EFORMAT,
                     "%s: %s declares %llu values (%llu%s bytes), more than the file's %llu bytes can hold%s "
                     "(a damaged file?)", file, label, (unsigned long long)np,
                     (unsigned long long)(bytes ? bytes : UINT64_MAX), bytes ? "" : "+", (unsigned long long)fsize,
                     ratio > 1 ? " even compressed" : "");
done:
    if (dcpl >= 0) H5Pclose(dcpl);
    if (fid >= 0) H5Fclose(fid);
    if (type >= 0) H5Tclose(type);
    return st;
}

/* One block: n pointers, then the strings they point to. */
static char **string_table(char *const *src, const char *fixed, size_t fixed_size, int64_t n)
{
    size_t total = (size_t)n * sizeof(char *);
    for (int64_t i = 0; i < n; i++)
        total += (fixed ? strnlen(fixed + (size_t)i * fixed_size, fixed_size)
                        : (src[i] ? strlen(src[i]) : 0)) + 1;
    char **t = fg_alloc(total, 1);
    if (!t) return NULL;
    char *p = (char *)(t + n);
    for (int64_t i = 0; i < n; i++) {
        const char *s = fixed ? fixed + (size_t)i * fixed_size : (src[i] ? src[i] : "");
        size_t len = fixed ? strnlen(s, fixed_size) : strlen(s);
        memcpy(p, s, len);
        p[len] = '\0';
        t[i] = p;
        p += len + 1;
    }
    return t;
}

fg_status fg_i_h5_read_strings(hid_t obj, const char *name, bool is_attr, const char *file,
                               const char *label, char ***out, int64_t *n)
{
    fg_status st = FG_OK;
    hid_t id = H5I_INVALID_HID, type = H5I_INVALID_HID, space = H5I_INVALID_HID;
    hid_t mtype = H5I_INVALID_HID;
    char **vl = NULL;
    char *fixed = NULL;
    char tn[48];
    *out = NULL;
    *n = 0;
    htri_t exists = is_attr ? H5Aexists(obj, name) : H5Lexists(obj, name, H5P_DEFAULT);
    if (exists <= 0) {
        st = FG_FAIL(FG_ENOTFOUND, "%s: %s is missing", file, label);
        goto done;
    }
    id = is_attr ? H5Aopen(obj, name, H5P_DEFAULT) : H5Dopen2(obj, name, H5P_DEFAULT);
    if (id < 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: cannot open %s (corrupt file?)", file, label);
        goto done;
    }
    type = is_attr ? H5Aget_type(id) : H5Dget_type(id);
    space = is_attr ? H5Aget_space(id) : H5Dget_space(id);
    if (type < 0 || space < 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: cannot read the type of %s (corrupt file?)", file, label);
        goto done;
    }
    if (H5Sget_simple_extent_type(space) == H5S_NULL) goto done; /* empty */
    int rank = H5Sget_simple_extent_ndims(space);
    hssize_t np = H5Sget_simple_extent_npoints(space);
    if (rank < 0 || np < 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: cannot read the shape of %s (corrupt file?)", file, label);
        goto done;
    }
    if (np == 0) goto done; /* empty, whatever its type */
    if (rank > 1) {
        st = FG_FAIL(FG_ESHAPE, "%s: %s has %d dimensions, expected a list of strings", file,
                     label, rank);
        goto done;
    }
    if (H5Tget_class(type) != H5T_STRING) {
        st = FG_FAIL(FG_EFORMAT, "%s: %s holds %s values, expected strings", file, label,
                     fg_i_h5_type_name(type, tn, sizeof tn));
        goto done;
    }
    FG_CHECK_GOTO(st, fg_i_h5_check_extent(id, is_attr, (uint64_t)np, file, label));
    mtype = H5Tcopy(H5T_C_S1);
    H5Tset_cset(mtype, H5Tget_cset(type));
    herr_t rc;
    if (H5Tis_variable_str(type) > 0) {
        H5Tset_size(mtype, H5T_VARIABLE);
        vl = fg_calloc((size_t)np, sizeof *vl);
        if (!vl) {
            st = FG_ENOMEM;
            goto done;
        }
        rc = is_attr ? H5Aread(id, mtype, vl) : H5Dread(id, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, vl);
        if (rc >= 0) *out = string_table(vl, NULL, 0, np);
        if (rc >= 0) H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, vl);
    } else {
        size_t sz = H5Tget_size(type);
        H5Tset_size(mtype, sz);
        H5Tset_strpad(mtype, H5T_STR_NULLPAD);
        fixed = fg_alloc((size_t)np, sz);
        if (!fixed) {
            st = FG_ENOMEM;
            goto done;
        }
        rc = is_attr ? H5Aread(id, mtype, fixed)
                     : H5Dread(id, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, fixed);
        if (rc >= 0) *out = string_table(NULL, fixed, sz, np);
    }
    if (rc < 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: cannot read %s (corrupt or truncated file?)", file, label);
        goto done;
    }
    if (!*out) {
        st = FG_ENOMEM;
        goto done;
    }
    *n = np;
done:
    fg_free(vl);
    fg_free(fixed);
    if (mtype >= 0) H5Tclose(mtype);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    if (id >= 0) (is_attr ? H5Aclose(id) : H5Dclose(id));
    return st;
}

fg_status fg_i_h5_read_attr_str(hid_t obj, const char *name, const char *file, char *buf,
                                size_t bufsize)
{
    char **s = NULL;
    int64_t n = 0;
    char label[96];
    snprintf(label, sizeof label, "attribute '%s'", name);
    fg_status st = fg_i_h5_read_strings(obj, name, true, file, label, &s, &n);
    if (st != FG_OK) return st;
    if (n != 1) st = FG_FAIL(FG_EFORMAT, "%s: %s holds %lld strings, expected one", file, label, (long long)n);
    else if (strlen(s[0]) >= bufsize)
        st = FG_FAIL(FG_EFORMAT, "%s: %s is longer than %zu characters: '%.64s'", file, label,
                     bufsize - 1, s[0]);
    else memcpy(buf, s[0], strlen(s[0]) + 1);
    fg_free(s);
    return st;
}

static hid_t vlen_utf8(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t >= 0 && (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0)) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

fg_status fg_i_h5_write_strings(hid_t loc, const char *name, const char *const *s, int64_t n,
                                const char *file)
{
    fg_status st = FG_OK;
    hsize_t dim = (hsize_t)n;
    hid_t t = vlen_utf8(), space = H5Screate_simple(1, &dim, NULL), dcpl = fg_i_h5_dcpl_untimed();
    hid_t d = H5I_INVALID_HID;
    if (t < 0 || space < 0 || dcpl < 0) {
        st = FG_FAIL(FG_EBACKEND, "%s: HDF5 could not describe dataset /%s", file, name);
        goto done;
    }
    d = H5Dcreate2(loc, name, t, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (d < 0 || (n > 0 && H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, s) < 0))
        st = FG_FAIL(FG_EIO, "%s: cannot write dataset /%s (disk full?)", file, name);
done:
    if (d >= 0) H5Dclose(d);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    if (t >= 0) H5Tclose(t);
    return st;
}

fg_status fg_i_h5_write_attr_str(hid_t obj, const char *name, const char *value, const char *file)
{
    fg_status st = FG_OK;
    hid_t t = vlen_utf8(), space = H5Screate(H5S_SCALAR), a = H5I_INVALID_HID;
    if (t >= 0 && space >= 0) a = H5Acreate2(obj, name, t, space, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0 || H5Awrite(a, t, &value) < 0)
        st = FG_FAIL(FG_EIO, "%s: cannot write attribute '%s'", file, name);
    if (a >= 0) H5Aclose(a);
    if (space >= 0) H5Sclose(space);
    if (t >= 0) H5Tclose(t);
    return st;
}

fg_status fg_i_h5_write_attr_fixed_strings(hid_t obj, const char *name, const char *const *s,
                                           int n, const char *file)
{
    fg_status st = FG_OK;
    hsize_t dim = (hsize_t)n;
    size_t width = 1;
    char *buf = NULL;
    double none = 0;
    hid_t t = H5I_INVALID_HID, space = H5Screate_simple(1, &dim, NULL), a = H5I_INVALID_HID;
    for (int i = 0; i < n; i++)
        if (strlen(s[i]) > width) width = strlen(s[i]);
    if (n > 0) {
        buf = fg_calloc((size_t)n, width);
        if (!buf) {
            st = FG_ENOMEM;
            goto done;
        }
        for (int i = 0; i < n; i++) memcpy(buf + (size_t)i * width, s[i], strlen(s[i]));
        t = H5Tcopy(H5T_C_S1);
        if (t >= 0 && (H5Tset_size(t, width) < 0 || H5Tset_strpad(t, H5T_STR_NULLPAD) < 0)) {
            st = FG_FAIL(FG_EBACKEND, "%s: HDF5 could not describe attribute '%s'", file, name);
            goto done;
        }
    } else {
        t = H5Tcopy(H5T_IEEE_F64LE); /* numpy's empty array: float64, shape (0,) */
    }
    if (t >= 0 && space >= 0) a = H5Acreate2(obj, name, t, space, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0 || H5Awrite(a, t, n > 0 ? (const void *)buf : (const void *)&none) < 0)
        st = FG_FAIL(FG_EIO, "%s: cannot write attribute '%s'", file, name);
done:
    fg_free(buf);
    if (a >= 0) H5Aclose(a);
    if (space >= 0) H5Sclose(space);
    if (t >= 0) H5Tclose(t);
    return st;
}

/* ---- property lists ---- */

static hid_t untimed(hid_t cls)
{
    hid_t p = H5Pcreate(cls);
    if (p >= 0 && H5Pset_obj_track_times(p, 0) < 0) {
        H5Pclose(p);
        return H5I_INVALID_HID;
    }
    return p;
}

hid_t fg_i_h5_fcpl_untimed(void) { return untimed(H5P_FILE_CREATE); }
hid_t fg_i_h5_gcpl_untimed(void) { return untimed(H5P_GROUP_CREATE); }
hid_t fg_i_h5_dcpl_untimed(void) { return untimed(H5P_DATASET_CREATE); }

/* ---- durability ---- */

fg_status fg_i_h5_sync(hid_t file, const char *path)
{
    if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0)
        return FG_FAIL(FG_EIO, "%s: HDF5 could not flush the file (disk full?)", path);
    fg_status st = FG_OK;
    hid_t fapl = H5Fget_access_plist(file);
    void *handle = NULL;
    if (fapl >= 0 && H5Pget_driver(fapl) == H5FD_SEC2 && H5Fget_vfd_handle(file, fapl, &handle) >= 0 &&
        handle && fsync(*(int *)handle) != 0)
        st = FG_FAIL(FG_EIO, "%s: fsync failed: %s", path, strerror(errno));
    if (fapl >= 0) H5Pclose(fapl);
    return st;
}

fg_status fg_i_file_commit(const char *tmp, const char *path)
{
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return FG_FAIL(FG_EIO, "%s: cannot reopen to sync: %s", tmp, strerror(errno));
    int rc = fsync(fd);
    int err = errno;
    close(fd);
    if (rc != 0) return FG_FAIL(FG_EIO, "%s: fsync failed: %s", tmp, strerror(err));
    if (rename(tmp, path) != 0)
        return FG_FAIL(FG_EIO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    /* make the rename itself durable; a folder that cannot be synced is not an error */
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == path) snprintf(dir, sizeof dir, "/");
    else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    return FG_OK;
}

char *fg_i_path_with_suffix(const char *path, const char *suffix)
{
    size_t a = strlen(path), b = strlen(suffix);
    char *s = fg_alloc(a + b + 1, 1);
    if (!s) return NULL;
    memcpy(s, path, a);
    memcpy(s + a, suffix, b + 1);
    return s;
}
