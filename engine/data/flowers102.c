/* The Oxford Flowers 102 adapter (docs/formats.md "Dataset layouts": `flowers102`): the
 * official download as it unpacks, ROOT/jpg/image_%05d.jpg (1-based) with
 * ROOT/imagelabels.mat (MATLAB v5, variable `labels`, 1 x N, class numbers
 * 1..102) and the optional ROOT/setid.mat (`trnid`, `valid`, `tstid`: 1-based
 * image numbers) read with libmatio. Nilsback and Zisserman, "Automated
 * flower classification over a large number of classes", ICVGIP 2008.
 * The .mat files are untrusted: each must be a regular file (a FIFO would
 * block), and a variable's header (Mat_VarReadInfo) is checked before its
 * data is read, so a few hundred bytes cannot make matio allocate gigabytes:
 * a 1 x N or N x 1 vector, N at most FLOWERS_MAX_IMAGES (the real dataset has
 * 8,189 images), its bytes no more than the file can hold (its size, or the
 * size times deflate's largest ratio for a compressed variable).
 * Cost: O(N) for N images, one stat an image. */
#include "core/child.h"
#include "core/file_guard.h"
#include "dirlist.h"
#include "fnegraph/dataset.h"
#include "fnegraph/mem.h"

#include <errno.h>
#include <math.h>
#include <matio.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* matio logs through a callback (by default to stderr): the library never
 * prints, so the last message is kept per thread and quoted in errors. */
static _Thread_local char mat_msg[256];
static pthread_once_t mat_log_once = PTHREAD_ONCE_INIT;

static void mat_log(int level, char *message)
{
    (void)level;
    snprintf(mat_msg, sizeof mat_msg, "%s", message ? message : "");
}

static void mat_log_install(void) { Mat_LogInitFunc("fnegraph", mat_log); }

/* Image numbers and labels a flowers102 .mat may list (the real files: 8,189). */
#define FLOWERS_MAX_IMAGES 1000000
/* zlib's deflate cannot compress better than about 1032:1. */
#define DEFLATE_MAX_RATIO 1032

static mat_t *mat_open(const char *path, int64_t *size, fg_status *st)
{
    pthread_once(&mat_log_once, mat_log_install);
    mat_msg[0] = '\0';
    int64_t sz = 0;
    *st = fg_i_input_file(path, "a MATLAB .mat file", &sz);
    if (*st != FG_OK) return NULL;
    *size = sz;
    if (sz == 0) {
        *st = FG_FAIL(FG_EFORMAT, "%s: not a readable MATLAB .mat file: empty", path);
        return NULL;
    }
    mat_t *m = Mat_Open(path, MAT_ACC_RDONLY);
    if (!m) *st = FG_FAIL(FG_EFORMAT, "%s: not a readable MATLAB .mat file%s%s", path, mat_msg[0] ? ": " : "", mat_msg);
    return m;
}

static void shape_str(const matvar_t *var, char *shape, size_t n)
{
    shape[0] = '\0';
    for (int d = 0; d < var->rank && d < 4 && var->dims; d++) {
        size_t len = strlen(shape);
        snprintf(shape + len, n - len, "%s%zu", d ? "x" : "", var->dims[d]);
    }
    if (var->rank > 4) snprintf(shape + strlen(shape), n - strlen(shape), "x... (%d dimensions)", var->rank);
}

/* The header of variable name, checked before matio allocates its data: a
 * real numeric vector of at most FLOWERS_MAX_IMAGES values the file can hold. */
static fg_status check_header(mat_t *m, const char *path, int64_t file_size, const char *name)
{
    fg_status st = FG_OK;
    char shape[96];
    mat_msg[0] = '\0';
    matvar_t *info = Mat_VarReadInfo(m, name);
    if (!info) {
        st = FG_FAIL(FG_ENOTFOUND, "%s: no variable '%s'%s%s", path, name, mat_msg[0] ? ": " : "", mat_msg);
        goto done;
    }
    if (info->class_type < MAT_C_DOUBLE || info->class_type > MAT_C_UINT64 || info->isComplex) {
        st = FG_FAIL(FG_EFORMAT, "%s: variable '%s' is not a real numeric array (matio class %d%s)", path, name,
                     (int)info->class_type, info->isComplex ? ", complex" : "");
        goto done;
    }
    shape_str(info, shape, sizeof shape);
    if (info->rank != 2 || !info->dims || (info->dims[0] != 1 && info->dims[1] != 1) ||
        info->dims[0] * info->dims[1] == 0) {
        st = FG_FAIL(FG_ESHAPE, "%s: variable '%s' is %s, expected a non-empty 1xN vector", path, name, shape);
        goto done;
    }
    size_t n = info->dims[0] * info->dims[1], esize = Mat_SizeOfClass(info->class_type);
    bool packed = info->compression != MAT_COMPRESSION_NONE;
    uint64_t can_hold = (uint64_t)file_size * (packed ? DEFLATE_MAX_RATIO : 1);
    if (n > FLOWERS_MAX_IMAGES)
        st = FG_FAIL(FG_EFORMAT,
                     "%s: variable '%s' declares %s values, more than the %d a flowers102 list may hold (the real "
                     "files list 8,189 images; file size %lld bytes): a damaged file?", path, name, shape,
                     FLOWERS_MAX_IMAGES, (long long)file_size);
    else if ((uint64_t)n * esize > can_hold)
        st = FG_FAIL(FG_EFORMAT,
                     "%s: variable '%s' declares %s values (%llu bytes), more than a file of %lld bytes can hold%s: "
                     "a damaged file?", path, name, shape, (unsigned long long)n * esize, (long long)file_size,
                     packed ? " even compressed" : "");
done:
    Mat_VarFree(info);
    return st;
}

/* Variable `name` of a .mat file as a vector of integers (any real numeric
 * class; a 1 x n or n x 1 matrix), each in lo..hi. */
static fg_status read_vector(mat_t *m, const char *path, int64_t file_size, const char *name, double lo, double hi,
                             const char *what, int64_t **out, size_t *n_out)
{
    fg_status st = FG_OK;
    int64_t *v = NULL;
    matvar_t *var = NULL;
    FG_CHECK_GOTO(st, check_header(m, path, file_size, name));
    mat_msg[0] = '\0';
    var = Mat_VarRead(m, name);
    if (!var) {
        st = FG_FAIL(FG_ENOTFOUND, "%s: no variable '%s'%s%s", path, name, mat_msg[0] ? ": " : "", mat_msg);
        goto done;
    }
    if (var->class_type < MAT_C_DOUBLE || var->class_type > MAT_C_UINT64 || var->isComplex || !var->data) {
        st = FG_FAIL(FG_EFORMAT, "%s: variable '%s' is not a real numeric array (matio class %d%s)", path, name,
                     (int)var->class_type, var->isComplex ? ", complex" : "");
        goto done;
    }
    if (var->rank != 2 || (var->dims[0] != 1 && var->dims[1] != 1) || var->dims[0] * var->dims[1] == 0) {
        char shape[96];
        shape_str(var, shape, sizeof shape);
        st = FG_FAIL(FG_ESHAPE, "%s: variable '%s' is %s, expected a non-empty 1xN vector", path, name, shape);
        goto done;
    }
    size_t n = var->dims[0] * var->dims[1];
    v = fg_alloc(n, sizeof *v);
    if (!v) {
        st = FG_FAIL(FG_ENOMEM, "%s: out of memory reading '%s'", path, name);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        double x;
        switch (var->class_type) {
        case MAT_C_DOUBLE: x = ((const double *)var->data)[i]; break;
        case MAT_C_SINGLE: x = ((const float *)var->data)[i]; break;
        case MAT_C_INT8: x = ((const int8_t *)var->data)[i]; break;
        case MAT_C_UINT8: x = ((const uint8_t *)var->data)[i]; break;
        case MAT_C_INT16: x = ((const int16_t *)var->data)[i]; break;
        case MAT_C_UINT16: x = ((const uint16_t *)var->data)[i]; break;
        case MAT_C_INT32: x = ((const int32_t *)var->data)[i]; break;
        case MAT_C_UINT32: x = ((const uint32_t *)var->data)[i]; break;
        case MAT_C_INT64: x = (double)((const int64_t *)var->data)[i]; break;
        default: x = (double)((const uint64_t *)var->data)[i]; break;
        }
        if (!(x >= lo && x <= hi) || x != floor(x)) {
            st = FG_FAIL(FG_EFORMAT, "%s: variable '%s', element %zu: %g is not %s %.0f..%.0f", path, name, i + 1, x,
                         what, lo, hi);
            goto done;
        }
        v[i] = (int64_t)x;
    }
    *out = v;
    *n_out = n;
    v = NULL;
done:
    fg_free(v);
    Mat_VarFree(var);
    return st;
}

/* flowers102's files are MATLAB v5 (text, subsystem offset, version 0x0100,
 * endian indicator "IM" or "MI": the 128-byte header). Anything else is
 * refused here, before matio: a file without that header is read by matio as
 * MATLAB v4, whose reader allocates and fills what a few damaged bytes declare
 * (hundreds of MB, under the child's limit), and v7.3 is HDF5. */
static fg_status check_mat5_header(const char *path, int64_t size)
{
    unsigned char h[128];
    if (size == 0) return FG_FAIL(FG_EFORMAT, "%s: not a readable MATLAB .mat file: empty", path);
    if (size < (int64_t)sizeof h)
        return FG_FAIL(FG_EFORMAT,
                       "%s: not a readable MATLAB .mat file: %lld bytes, shorter than a MATLAB v5 header (128 "
                       "bytes; flowers102's files are MATLAB v5)", path, (long long)size);
    FILE *f = fopen(path, "rb");
    if (!f) return FG_FAIL(FG_EIO, "%s: cannot open: %s", path, strerror(errno));
    size_t got = fread(h, 1, sizeof h, f);
    fclose(f);
    if (got != sizeof h) return FG_FAIL(FG_EIO, "%s: cannot read its first 128 bytes", path);
    bool le = h[126] == 'I' && h[127] == 'M', be = h[126] == 'M' && h[127] == 'I';
    if (!le && !be)
        return FG_FAIL(FG_EFORMAT,
                       "%s: not a readable MATLAB .mat file: no MATLAB v5 header (bytes 126-127 are not the endian "
                       "indicator \"IM\" or \"MI\"; flowers102's files are MATLAB v5)", path);
    unsigned version = le ? (unsigned)h[124] | (unsigned)h[125] << 8 : (unsigned)h[125] | (unsigned)h[124] << 8;
    if (version == 0x0200)
        return FG_FAIL(FG_EFORMAT,
                       "%s: not a readable MATLAB .mat file: MATLAB v7.3 (HDF5); flowers102's files are MATLAB v5: "
                       "save them again with save(..., '-v7')", path);
    if (version != 0x0100)
        return FG_FAIL(FG_EFORMAT,
                       "%s: not a readable MATLAB .mat file: header version 0x%04x, expected 0x0100 (MATLAB v5)",
                       path, version);
    return FG_OK;
}

/* The variables names[0..k) of a .mat file as integer vectors in lo..hi,
 * read by matio in a child process (core/child.h): a damaged file can make
 * matio allocate and fill gigabytes inside Mat_VarReadInfo itself, before
 * any check of ours can look at what it declares, or crash it; in the child
 * that is an error naming the file. The result comes back as, per variable,
 * its length (uint64) and its values (int64). */
typedef struct mat_job {
    const char *path;
    const char *const *names;
    int k;
    double lo, hi;
    const char *what;
} mat_job;

static fg_status mat_job_run(void *ctx, void **out, size_t *out_size)
{
    const mat_job *j = ctx;
    fg_status st = FG_OK;
    int64_t *v[3] = {NULL, NULL, NULL};
    size_t n[3] = {0, 0, 0}, total = 0;
    int64_t size = 0;
    mat_t *m = mat_open(j->path, &size, &st);
    if (!m) return st;
    for (int i = 0; i < j->k; i++) {
        FG_CHECK_GOTO(st, read_vector(m, j->path, size, j->names[i], j->lo, j->hi, j->what, &v[i], &n[i]));
        total += sizeof(uint64_t) + n[i] * sizeof(int64_t);
    }
    unsigned char *buf = fg_alloc(total, 1), *at = buf;
    if (!buf) {
        st = FG_FAIL(FG_ENOMEM, "%s: out of memory", j->path);
        goto done;
    }
    for (int i = 0; i < j->k; i++) {
        uint64_t len = n[i];
        memcpy(at, &len, sizeof len);
        memcpy(at + sizeof len, v[i], n[i] * sizeof(int64_t));
        at += sizeof len + n[i] * sizeof(int64_t);
    }
    *out = buf;
    *out_size = total;
done:
    for (int i = 0; i < 3; i++) fg_free(v[i]);
    Mat_Close(m);
    return st;
}

static fg_status read_vectors(const char *path, const char *const *names, int k, double lo, double hi,
                              const char *what, int64_t **out, size_t *n_out)
{
    fg_status st = FG_OK;
    void *res = NULL;
    size_t size = 0;
    int64_t sz = 0;
    pthread_once(&mat_log_once, mat_log_install);
    /* a FIFO would block the child's open: refused here, at once */
    FG_CHECK_GOTO(st, fg_i_input_file(path, "a MATLAB .mat file", &sz));
    FG_CHECK_GOTO(st, check_mat5_header(path, sz));
    mat_job job = {path, names, k, lo, hi, what};
    fg_i_child_limits lim = {
        .seconds = 10,
        .memory = (uint64_t)256 << 20,
        .max_out = (size_t)k * (sizeof(uint64_t) + (size_t)FLOWERS_MAX_IMAGES * sizeof(int64_t))};
    FG_CHECK_GOTO(st, fg_i_child_run(mat_job_run, &job, &lim, path, "matio reading it", &res, &size));
    const unsigned char *at = res, *end = at + size;
    for (int i = 0; i < k; i++) {
        uint64_t len = 0;
        if ((size_t)(end - at) < sizeof len) goto short_result;
        memcpy(&len, at, sizeof len);
        at += sizeof len;
        if (len > FLOWERS_MAX_IMAGES || (size_t)(end - at) < len * sizeof(int64_t)) goto short_result;
        out[i] = fg_alloc(len ? (size_t)len : 1, sizeof(int64_t));
        if (!out[i]) {
            st = FG_FAIL(FG_ENOMEM, "%s: out of memory", path);
            goto done;
        }
        memcpy(out[i], at, (size_t)len * sizeof(int64_t));
        n_out[i] = (size_t)len;
        at += len * sizeof(int64_t);
    }
    goto done;
short_result:
    st = FG_FAIL(FG_EINTERNAL, "%s: the reading process sent a short result", path);
done:
    fg_free(res);
    if (st != FG_OK)
        for (int i = 0; i < k; i++) {
            fg_free(out[i]);
            out[i] = NULL;
        }
    return st;
}

/* Split tags from setid.mat into split[n] (FG_SPLIT_ALL where unlisted);
 * n images are labelled by labels_path. An image number past n blames the
 * file that is short: imagelabels.mat when setid.mat splits more than n
 * images in all, else setid.mat. */
static fg_status read_setid(const char *path, const char *labels_path, size_t n, uint8_t *split)
{
    static const char *const VARS[3] = {"trnid", "valid", "tstid"};
    static const fg_split SPLITS[3] = {FG_SPLIT_TRAIN, FG_SPLIT_VAL, FG_SPLIT_TEST};
    fg_status st = FG_OK;
    int64_t *ids[3] = {NULL, NULL, NULL};
    size_t m[3] = {0, 0, 0}, total = 0;
    FG_CHECK_GOTO(st, read_vectors(path, VARS, 3, 1, FLOWERS_MAX_IMAGES, "an image number", ids, m));
    for (int s = 0; s < 3; s++) total += m[s];
    for (int s = 0; s < 3; s++)
        for (size_t i = 0; i < m[s]; i++)
            if ((uint64_t)ids[s][i] > n) {
                if (total > n)
                    st = FG_FAIL(FG_EFORMAT,
                                 "%s: variable 'labels' lists %zu images, but %s splits %zu: imagelabels.mat is "
                                 "shorter than setid.mat (a truncated copy, or files of two versions?); %s: "
                                 "variable '%s', element %zu: %lld is not an image number 1..%zu",
                                 labels_path, n, path, total, path, VARS[s], i + 1, (long long)ids[s][i], n);
                else
                    st = FG_FAIL(FG_EFORMAT,
                                 "%s: variable '%s', element %zu: %lld is not an image number 1..%zu (%s labels %zu "
                                 "images; setid.mat splits %zu)", path, VARS[s], i + 1, (long long)ids[s][i], n,
                                 labels_path, n, total);
                goto done;
            }
    for (int s = 0; s < 3; s++) {
        for (size_t i = 0; i < m[s]; i++) {
            uint8_t *t = &split[ids[s][i] - 1];
            if (*t != FG_SPLIT_ALL) {
                st = FG_FAIL(FG_EINVAL, "%s: variable '%s', element %zu: image %lld is already in '%s'", path, VARS[s],
                             i + 1, (long long)ids[s][i], VARS[*t == FG_SPLIT_TRAIN ? 0 : *t == FG_SPLIT_VAL ? 1 : 2]);
                goto done;
            }
            *t = (uint8_t)SPLITS[s];
        }
    }
done:
    for (int s = 0; s < 3; s++) fg_free(ids[s]);
    return st;
}

static fg_status flowers(const char *root, fg_dataset *out, int check_images)
{
    fg_status st = FG_OK;
    char *labels_path = NULL, *setid_path = NULL, *file = NULL;
    int64_t *labels = NULL, *count = NULL;
    uint8_t *split = NULL;
    size_t n = 0;
    if (!root || !out) return FG_FAIL(FG_EINVAL, "fg_dataset_flowers102: null argument");
    FG_CHECK_GOTO(st, fg_dataset_init(out, "flowers102", root));
    FG_CHECK_GOTO(st, fg_i_check_root(out->root));
    labels_path = fg_i_join(out->root, "imagelabels.mat");
    setid_path = fg_i_join(out->root, "setid.mat");
    if (!labels_path || !setid_path) {
        st = FG_FAIL(FG_ENOMEM, "%s: out of memory", out->root);
        goto done;
    }
    if (check_images) {
        file = fg_i_join(out->root, "jpg");
        if (!file) {
            st = FG_FAIL(FG_ENOMEM, "%s: out of memory", out->root);
            goto done;
        }
        if (fg_i_is_dir(file) != 1) {
            st = FG_FAIL(FG_ENOTFOUND, "%s: no such folder (the flowers102 layout keeps its images in jpg/)", file);
            goto done;
        }
        fg_free(file);
        file = NULL;
    }
    static const char *const LABELS[1] = {"labels"};
    FG_CHECK_GOTO(st, read_vectors(labels_path, LABELS, 1, 1, FG_FLOWERS102_CLASSES, "a class number", &labels, &n));
    int n_classes = 0;
    for (size_t i = 0; i < n; i++)
        if (labels[i] > n_classes) n_classes = (int)labels[i];
    count = fg_calloc((size_t)n_classes, sizeof *count);
    split = fg_calloc(n, sizeof *split);
    if (!count || !split) {
        st = FG_FAIL(FG_ENOMEM, "%s: out of memory", labels_path);
        goto done;
    }
    for (size_t i = 0; i < n; i++) count[labels[i] - 1]++;
    for (int c = 0; c < n_classes; c++)
        if (!count[c]) {
            st = FG_FAIL(FG_EINVAL, "%s: variable 'labels' has no image of class %d (classes go up to %d)", labels_path,
                         c + 1, n_classes);
            goto done;
        }
    if (fg_i_exists(setid_path)) FG_CHECK_GOTO(st, read_setid(setid_path, labels_path, n, split));
    for (int c = 0; c < n_classes; c++) {
        char name[32];
        snprintf(name, sizeof name, "class_%03d", c + 1);
        FG_CHECK_GOTO(st, fg_dataset_add_class(out, name, NULL));
    }
    for (size_t i = 0; i < n; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "jpg/image_%05zu.jpg", i + 1);
        if (check_images) {
            file = fg_i_join(out->root, rel);
            if (!file) {
                st = FG_FAIL(FG_ENOMEM, "%s: out of memory", out->root);
                goto done;
            }
            if (!fg_i_exists(file)) {
                st = FG_FAIL(FG_ENOTFOUND, "%s: no such image (%s labels %zu images)", file, labels_path, n);
                goto done;
            }
            fg_free(file);
            file = NULL;
        }
        FG_CHECK_GOTO(st, fg_dataset_add_image(out, rel, (int32_t)(labels[i] - 1), (fg_split)split[i]));
    }
done:
    fg_free(labels_path);
    fg_free(setid_path);
    fg_free(file);
    fg_free(labels);
    fg_free(count);
    fg_free(split);
    if (st != FG_OK) fg_dataset_destroy(out);
    return st;
}

fg_status fg_dataset_flowers102(const char *root, fg_dataset *out) { return flowers(root, out, 1); }

fg_status fg_dataset_flowers102_labels(const char *root, fg_dataset *out) { return flowers(root, out, 0); }
