/* The FNE cache file (docs/formats.md): reading it, and the
 * attribute handling the writer (fne_writer.c) shares.
 *   /fne float32 [N][12416] chunked by 64 rows; /label int32 [N];
 *   /path, /class_names, /failed_path: variable-length UTF-8 strings;
 *   root attributes dataset, split, preprocess, resize, weights_sha256,
 *   conv, precision, fnegraph_version, impl (variable-length UTF-8 strings).
 * Reading checks every shape and label range; cost O(N * 12416). */
#include "io/fne_file_i.h"

#include "fnegraph/mem.h"
#include "fnegraph/vgg16.h"
#include "io/h5_helpers.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* The attributes: first those of fg_fne_meta in the order of its fields
 * (and of the FG_FNE_META_* bits), then the informative ones. */
enum { N_META = 7, N_ATTRS = 9, A_CONV = 5, A_PRECISION = 6, A_VERSION = 7, A_IMPL = 8 };
static const char *const ATTR_NAMES[N_ATTRS] = {"dataset", "split", "preprocess", "resize",
                                                "weights_sha256", "conv", "precision",
                                                "fnegraph_version", "impl"};
/* Value of an optional attribute a file does not have (NULL: required). The
 * mode attributes came with the modes: older files are f32 direct. */
static const char *const ATTR_DEFAULT[N_ATTRS] = {NULL, "all", NULL, NULL, NULL, "direct", "f32", "unknown", ""};
/* Longest value (+ 1) a reader takes, and so a writer writes. */
static const size_t ATTR_SIZE[N_ATTRS] = {32, 16, 16, 16, 65, 16, 16, 32, FG_FNE_IMPL_MAX};

static const char **field(fg_fne_meta *m, int i)
{
    const char **f[N_META] = {&m->dataset, &m->split, &m->preprocess, &m->resize,
                              &m->weights_sha256, &m->conv, &m->precision};
    return f[i];
}

/* Field i of m as compared: NULL is the default of a mode field, else "". */
static const char *compared(const fg_fne_meta *m, int i)
{
    const char *v = *field((fg_fne_meta *)m, i);
    return v ? v : i == A_CONV || i == A_PRECISION ? ATTR_DEFAULT[i] : "";
}

/* m's fields: copies of v[0..N_META) that m owns. */
static fg_status own(fg_fne_meta *m, const char *const *v)
{
    memset(m, 0, sizeof *m);
    for (int i = 0; i < N_META; i++) {
        size_t len = strlen(v[i]) + 1;
        char *c = fg_alloc(len, 1);
        if (!c) {
            fg_fne_meta_destroy(m);
            return FG_FAIL(FG_ENOMEM, "FNE file attributes: out of memory");
        }
        memcpy(c, v[i], len);
        *field(m, i) = c;
    }
    return FG_OK;
}

void fg_fne_meta_destroy(fg_fne_meta *m)
{
    if (!m) return;
    for (int i = 0; i < N_META; i++) fg_free((char *)*field(m, i)); /* owned: allocated by own() */
    memset(m, 0, sizeof *m);
}

fg_status fg_i_fne_meta_for_job(const fg_fne_meta *job, fg_fne_meta *out)
{
    const char *v[N_META];
    memset(out, 0, sizeof *out);
    for (int i = 0; i < N_META; i++) {
        v[i] = *field((fg_fne_meta *)job, i);
        if (!v[i] && (i == A_CONV || i == A_PRECISION)) v[i] = ATTR_DEFAULT[i];
        if (!v[i]) return FG_FAIL(FG_EINVAL, "FNE file: meta.%s is not set", ATTR_NAMES[i]);
        if (strlen(v[i]) >= ATTR_SIZE[i])
            return FG_FAIL(FG_EINVAL, "FNE file: %s '%s' is longer than %zu characters",
                           ATTR_NAMES[i], v[i], ATTR_SIZE[i] - 1);
    }
    return own(out, v);
}

fg_status fg_i_fne_read_attrs(hid_t f, const char *file, fg_fne_meta *m, char *version, size_t version_size,
                              char *impl, size_t impl_size)
{
    fg_status st = FG_OK;
    char *buf = fg_alloc(N_ATTRS, FG_FNE_IMPL_MAX);
    const char *v[N_ATTRS];
    memset(m, 0, sizeof *m);
    if (!buf) return FG_FAIL(FG_ENOMEM, "%s: out of memory reading the attributes", file);
    for (int i = 0; i < N_ATTRS; i++) {
        char *dst = buf + (size_t)i * FG_FNE_IMPL_MAX;
        v[i] = dst;
        /* fnegraph's additions are optional for files of other writers or older versions */
        if (ATTR_DEFAULT[i] && H5Aexists(f, ATTR_NAMES[i]) <= 0) {
            snprintf(dst, ATTR_SIZE[i], "%s", ATTR_DEFAULT[i]);
            continue;
        }
        FG_CHECK_GOTO(st, fg_i_h5_read_attr_str(f, ATTR_NAMES[i], file, dst, ATTR_SIZE[i]));
    }
    if (version) snprintf(version, version_size, "%s", v[A_VERSION]);
    if (impl) snprintf(impl, impl_size, "%s", v[A_IMPL]);
    st = own(m, v);
done:
    fg_free(buf);
    return st;
}

fg_status fg_i_fne_write_attrs(hid_t f, const char *file, const fg_fne_meta *m, const char *impl)
{
    for (int i = 0; i < N_META; i++) {
        fg_status st = fg_i_h5_write_attr_str(f, ATTR_NAMES[i], compared(m, i), file);
        if (st != FG_OK) return st;
    }
    fg_status st = fg_i_h5_write_attr_str(f, ATTR_NAMES[A_VERSION], FNEGRAPH_VERSION, file);
    if (st == FG_OK && impl && impl[0]) st = fg_i_h5_write_attr_str(f, ATTR_NAMES[A_IMPL], impl, file);
    return st;
}

bool fg_fne_meta_diff_find(const fg_fne_meta *have, const fg_fne_meta *want, unsigned which, fg_fne_meta_diff *d)
{
    for (int i = 0; i < N_META; i++) {
        const char *x = compared(have, i), *y = compared(want, i);
        if ((which & (1u << i)) && strcmp(x, y) != 0) {
            if (d) *d = (fg_fne_meta_diff){ATTR_NAMES[i], x, y};
            return true;
        }
    }
    if (d) *d = (fg_fne_meta_diff){NULL, NULL, NULL};
    return false;
}

int fg_i_fne_meta_why(const fg_fne_meta *have, const char *have_version, const fg_fne_meta *want, char *why,
                      size_t n)
{
    fg_fne_meta_diff d;
    if (fg_fne_meta_diff_find(have, want, FG_FNE_META_MODE, NULL)) {
        snprintf(why, n, "it was extracted in mode conv=%s precision=%s, this run asks for conv=%s "
                 "precision=%s: a cache is not reused across modes", compared(have, A_CONV),
                 compared(have, A_PRECISION), compared(want, A_CONV), compared(want, A_PRECISION));
        return 1;
    }
    if (fg_fne_meta_diff_find(have, want, FG_FNE_META_ALL, &d)) {
        snprintf(why, n, "%s is '%s' there, '%s' now", d.what, d.have, d.want);
        return 1;
    }
    if (have_version && strcmp(have_version, FNEGRAPH_VERSION) != 0) {
        snprintf(why, n, "%s is '%s' there, '%s' now", ATTR_NAMES[A_VERSION], have_version, FNEGRAPH_VERSION);
        return 1;
    }
    return 0;
}

fg_status fg_fne_read_mode(const char *path, fg_fne_mode *out)
{
    fg_status st = FG_OK;
    fg_i_h5_quiet q;
    hid_t f = H5I_INVALID_HID;
    fg_fne_meta a;
    char partial[4200];
    struct stat sb;
    memset(&a, 0, sizeof a);
    if (!path || !out) return FG_FAIL(FG_EINVAL, "fg_fne_read_mode: null argument");
    memset(out, 0, sizeof *out);
    snprintf(partial, sizeof partial, "%s.partial", path);
    const char *file = stat(path, &sb) != 0 && stat(partial, &sb) == 0 ? partial : path;
    fg_i_h5_quiet_begin(&q);
    FG_CHECK_GOTO(st, fg_i_h5_probe(file, "an FNE file", NULL));
    f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: HDF5 cannot open it (corrupt, or being written by another process)", file);
        goto done;
    }
    FG_CHECK_GOTO(st, fg_i_fne_read_attrs(f, file, &a, NULL, 0, out->impl, sizeof out->impl));
    snprintf(out->conv, sizeof out->conv, "%s", a.conv);
    snprintf(out->precision, sizeof out->precision, "%s", a.precision);
done:
    fg_fne_meta_destroy(&a);
    if (f >= 0) H5Fclose(f);
    fg_i_h5_quiet_end(&q);
    return st;
}

fg_status fg_i_fne_read_int32(hid_t f, const char *name, const char *file, int64_t n, int32_t **out)
{
    fg_status st = FG_OK;
    hid_t d = H5I_INVALID_HID, type = H5I_INVALID_HID, space = H5I_INVALID_HID;
    hsize_t dim = 0;
    char tn[48];
    *out = NULL;
    if (H5Lexists(f, name, H5P_DEFAULT) <= 0 || (d = H5Dopen2(f, name, H5P_DEFAULT)) < 0) {
        st = FG_FAIL(FG_ENOTFOUND, "%s: dataset /%s is missing", file, name);
        goto done;
    }
    type = H5Dget_type(d);
    space = H5Dget_space(d);
    if (type < 0 || space < 0 || H5Tget_class(type) != H5T_INTEGER) {
        st = FG_FAIL(FG_EFORMAT, "%s: dataset /%s holds %s values, expected integers", file, name,
                     type < 0 ? "unreadable" : fg_i_h5_type_name(type, tn, sizeof tn));
        goto done;
    }
    if (H5Sget_simple_extent_ndims(space) != 1 || H5Sget_simple_extent_dims(space, &dim, NULL) < 0 ||
        (int64_t)dim != n) {
        st = FG_FAIL(FG_ESHAPE, "%s: dataset /%s should hold %lld values, one per image", file,
                     name, (long long)n);
        goto done;
    }
    {
        char label[64];
        snprintf(label, sizeof label, "dataset /%s", name);
        FG_CHECK_GOTO(st, fg_i_h5_check_extent(d, false, (uint64_t)n, file, label));
    }
    *out = fg_alloc((size_t)n, sizeof(int32_t));
    if (!*out) {
        st = FG_ENOMEM;
        goto done;
    }
    if (n > 0 && H5Dread(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) < 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: cannot read dataset /%s (corrupt or truncated file?)", file, name);
        goto done;
    }
done:
    if (st != FG_OK) {
        fg_free(*out);
        *out = NULL;
    }
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    if (d >= 0) H5Dclose(d);
    return st;
}

/* Open /fne, check its type and width; *n receives its rows. */
static fg_status open_matrix(hid_t f, const char *file, hid_t *d, int64_t *n)
{
    fg_status st = FG_OK;
    hid_t type = H5I_INVALID_HID, space = H5I_INVALID_HID;
    hsize_t dims[2] = {0, 0};
    char tn[48];
    if (H5Lexists(f, "fne", H5P_DEFAULT) <= 0 || (*d = H5Dopen2(f, "fne", H5P_DEFAULT)) < 0) {
        return FG_FAIL(FG_ENOTFOUND, "%s: dataset /fne is missing: not an FNE file", file);
    }
    type = H5Dget_type(*d);
    space = H5Dget_space(*d);
    if (type < 0 || space < 0 || H5Tget_class(type) != H5T_FLOAT) {
        st = FG_FAIL(FG_EFORMAT, "%s: dataset /fne holds %s values, expected float32", file,
                     type < 0 ? "unreadable" : fg_i_h5_type_name(type, tn, sizeof tn));
        goto done;
    }
    if (H5Sget_simple_extent_ndims(space) != 2 || H5Sget_simple_extent_dims(space, dims, NULL) < 0 ||
        dims[1] != FG_FNE_DIM) {
        st = FG_FAIL(FG_ESHAPE, "%s: dataset /fne has shape (%llu, %llu), expected (N, %d)", file,
                     (unsigned long long)dims[0], (unsigned long long)dims[1], FG_FNE_DIM);
        goto done;
    }
    *n = (int64_t)dims[0];
done:
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    return st;
}

/* Open the final FNE file at path (not its work file), its /fne checked. */
static fg_status open_final(const char *path, hid_t *f, hid_t *d, int64_t *n)
{
    fg_status st = fg_i_h5_probe(path, "an FNE file", NULL);
    if (st == FG_ENOTFOUND) {
        char partial[4200];
        struct stat sb;
        snprintf(partial, sizeof partial, "%s.partial", path);
        if (stat(partial, &sb) == 0)
            st = FG_FAIL(FG_ENOTFOUND,
                         "%s: the extraction that makes it has not finished (%s exists): run "
                         "the same extract command again to resume it", path, partial);
    }
    if (st != FG_OK) return st;
    *f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (*f < 0)
        return FG_FAIL(FG_EFORMAT, "%s: HDF5 cannot open it (corrupt, or being written by another process)", path);
    if (H5Aexists(*f, FG_I_FNE_WORK_MARK) > 0)
        return FG_FAIL(FG_EFORMAT,
                       "%s: the work file of an unfinished extraction, not an FNE file: run the "
                       "same extract command again to complete it", path);
    return open_matrix(*f, path, d, n);
}

fg_status fg_fne_read_meta(const char *path, fg_fne_meta *meta, int64_t *n_rows)
{
    fg_status st = FG_OK;
    fg_i_h5_quiet q;
    hid_t f = H5I_INVALID_HID, d = H5I_INVALID_HID;
    int64_t n = 0;
    if (!path || !meta) return FG_FAIL(FG_EINVAL, "fg_fne_read_meta: null argument");
    memset(meta, 0, sizeof *meta);
    fg_i_h5_quiet_begin(&q);
    FG_CHECK_GOTO(st, open_final(path, &f, &d, &n));
    FG_CHECK_GOTO(st, fg_i_fne_read_attrs(f, path, meta, NULL, 0, NULL, 0));
    if (n_rows) *n_rows = n;
done:
    if (d >= 0) H5Dclose(d);
    if (f >= 0) H5Fclose(f);
    fg_i_h5_quiet_end(&q);
    if (st != FG_OK) fg_fne_meta_destroy(meta);
    return st;
}

static fg_status read_file(const char *path, fg_fne *out, bool with_x)
{
    fg_status st = FG_OK;
    fg_i_h5_quiet q;
    hid_t f = H5I_INVALID_HID, d = H5I_INVALID_HID;
    int64_t n = 0, nn = 0;
    char **cls = NULL;
    if (!path || !out) return FG_FAIL(FG_EINVAL, "fg_fne_read: null argument");
    memset(out, 0, sizeof *out);
    fg_i_h5_quiet_begin(&q);
    FG_CHECK_GOTO(st, open_final(path, &f, &d, &n));
    FG_CHECK_GOTO(st, fg_i_fne_read_attrs(f, path, &out->meta, NULL, 0, NULL, 0));
    FG_CHECK_GOTO(st, fg_i_fne_read_int32(f, "label", path, n, &out->label));
    FG_CHECK_GOTO(st, fg_i_h5_read_strings(f, "path", false, path, "dataset /path", &out->path, &nn));
    if (nn != n) {
        st = FG_FAIL(FG_ESHAPE, "%s: dataset /path has %lld names for %lld rows of /fne", path,
                     (long long)nn, (long long)n);
        goto done;
    }
    FG_CHECK_GOTO(st, fg_i_h5_read_strings(f, "class_names", false, path, "dataset /class_names",
                                           &cls, &nn));
    out->class_names = cls;
    out->n_classes = (int)nn;
    if (nn > 1000000) {
        st = FG_FAIL(FG_ESHAPE, "%s: dataset /class_names lists %lld classes", path, (long long)nn);
        goto done;
    }
    for (int64_t i = 0; i < n; i++)
        if (out->label[i] < 0 || out->label[i] >= out->n_classes) {
            st = FG_FAIL(FG_EFORMAT, "%s: /label[%lld] = %d (image %s) is not a class index 0..%d",
                         path, (long long)i, out->label[i], out->path[i], out->n_classes - 1);
            goto done;
        }
    if (H5Lexists(f, "failed_path", H5P_DEFAULT) > 0)
        FG_CHECK_GOTO(st, fg_i_h5_read_strings(f, "failed_path", false, path,
                                               "dataset /failed_path", &out->failed_path,
                                               &out->n_failed));
    out->n = n;
    if (with_x) {
        /* bound the N x 12416 floats by what the file holds before allocating them */
        char label[96];
        snprintf(label, sizeof label, "dataset /fne (%lld rows of %d)", (long long)n, FG_FNE_DIM);
        uint64_t values = (uint64_t)n > UINT64_MAX / FG_FNE_DIM ? UINT64_MAX : (uint64_t)n * FG_FNE_DIM;
        FG_CHECK_GOTO(st, fg_i_h5_check_extent(d, false, values, path, label));
        out->x = fg_alloc((size_t)n, (size_t)FG_FNE_DIM * sizeof(float));
        if (!out->x) {
            st = FG_ENOMEM;
            goto done;
        }
        if (n > 0 && H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out->x) < 0) {
            st = FG_FAIL(FG_EFORMAT, "%s: cannot read dataset /fne (corrupt or truncated file?)", path);
            goto done;
        }
    }
done:
    if (d >= 0) H5Dclose(d);
    if (f >= 0) H5Fclose(f);
    fg_i_h5_quiet_end(&q);
    if (st != FG_OK) fg_fne_destroy(out);
    return st;
}

fg_status fg_fne_read(const char *path, fg_fne *out) { return read_file(path, out, true); }

fg_status fg_fne_read_header(const char *path, fg_fne *out) { return read_file(path, out, false); }

void fg_fne_destroy(fg_fne *f)
{
    if (!f) return;
    fg_free(f->x);
    fg_free(f->label);
    fg_free(f->path);
    fg_free(f->class_names);
    fg_free(f->failed_path);
    fg_fne_meta_destroy(&f->meta);
    memset(f, 0, sizeof *f);
}
