/* The dataset object every adapter fills (include/fnegraph/dataset.h): the
 * builder (amortised O(1) appends), selection by split, split names. */
#include "fnegraph/dataset.h"
#include "fnegraph/mem.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

enum { CLASSES_FIRST = 16, IMAGES_FIRST = 256 };

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = fg_alloc(n, 1);
    if (d) memcpy(d, s, n);
    return d;
}

/* The arrays' capacity is not stored (fg_dataset has no builder fields): it
 * is a function of the count, first elements then doubling, so an append
 * grows the arrays exactly when the count reaches it. */
static int64_t capacity(int64_t n, int64_t first)
{
    if (n == 0) return 0;
    int64_t cap = first;
    while (cap < n) cap *= 2;
    return cap;
}

/* Grow *p (n_old elements of size sz) to n_new elements. */
static int grow(void **p, size_t sz, int64_t n_old, int64_t n_new)
{
    void *q = fg_calloc((size_t)n_new, sz);
    if (!q) return -1;
    if (*p && n_old) memcpy(q, *p, (size_t)n_old * sz);
    fg_free(*p);
    *p = q;
    return 0;
}

void fg_dataset_destroy(fg_dataset *ds)
{
    if (!ds) return;
    for (int64_t i = 0; i < ds->n; i++) {
        if (ds->path) fg_free(ds->path[i]);
        if (ds->file) fg_free(ds->file[i]);
    }
    for (int c = 0; c < ds->n_classes; c++)
        if (ds->class_names) fg_free(ds->class_names[c]);
    fg_free(ds->path);
    fg_free(ds->file);
    fg_free(ds->label);
    fg_free(ds->split);
    fg_free(ds->class_names);
    fg_free(ds->root);
    memset(ds, 0, sizeof *ds);
}

fg_status fg_dataset_init(fg_dataset *out, const char *kind, const char *root)
{
    if (!out || !kind || !root) return FG_FAIL(FG_EINVAL, "fg_dataset_init: null argument");
    memset(out, 0, sizeof *out);
    if (!*root) return FG_FAIL(FG_EINVAL, "%s dataset: empty root path", kind);
    snprintf(out->kind, sizeof out->kind, "%s", kind);
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/') n--;
    out->root = fg_alloc(n + 1, 1);
    if (!out->root) return FG_FAIL(FG_ENOMEM, "%s: out of memory", root);
    memcpy(out->root, root, n);
    out->root[n] = '\0';
    return FG_OK;
}

int fg_dataset_find_class(const fg_dataset *ds, const char *name)
{
    if (!ds || !name) return -1;
    for (int c = 0; c < ds->n_classes; c++)
        if (!strcmp(ds->class_names[c], name)) return c;
    return -1;
}

fg_status fg_dataset_add_class(fg_dataset *ds, const char *name, int *index)
{
    if (!ds || !name || !ds->root) return FG_FAIL(FG_EINVAL, "fg_dataset_add_class: null argument or dataset not initialised");
    if (fg_dataset_find_class(ds, name) >= 0)
        return FG_FAIL(FG_EINVAL, "%s: class '%s' listed twice", ds->root, name);
    if (ds->n_classes == capacity(ds->n_classes, CLASSES_FIRST)) {
        int64_t cap = ds->n_classes ? 2 * (int64_t)ds->n_classes : CLASSES_FIRST;
        if (cap > INT_MAX || grow((void **)&ds->class_names, sizeof *ds->class_names, ds->n_classes, cap))
            return FG_FAIL(FG_ENOMEM, "%s: out of memory listing classes", ds->root);
    }
    char *s = dup_str(name);
    if (!s) return FG_FAIL(FG_ENOMEM, "%s: out of memory listing classes", ds->root);
    ds->class_names[ds->n_classes] = s;
    if (index) *index = ds->n_classes;
    ds->n_classes++;
    return FG_OK;
}

fg_status fg_dataset_add_image(fg_dataset *ds, const char *path, int32_t label, fg_split split)
{
    if (!ds || !path || !ds->root) return FG_FAIL(FG_EINVAL, "fg_dataset_add_image: null argument or dataset not initialised");
    if (label < 0 || label >= ds->n_classes)
        return FG_FAIL(FG_EINVAL, "%s: image '%s' has label %d, not a class index (0..%d)", ds->root, path,
                       (int)label, ds->n_classes - 1);
    if (split < FG_SPLIT_ALL || split > FG_SPLIT_TEST)
        return FG_FAIL(FG_EINVAL, "%s: image '%s' has an unknown split tag %d", ds->root, path, (int)split);
    if (ds->n == capacity(ds->n, IMAGES_FIRST)) {
        int64_t cap = ds->n ? 2 * ds->n : IMAGES_FIRST, n = ds->n;
        if (grow((void **)&ds->path, sizeof *ds->path, n, cap) || grow((void **)&ds->file, sizeof *ds->file, n, cap) ||
            grow((void **)&ds->label, sizeof *ds->label, n, cap) || grow((void **)&ds->split, sizeof *ds->split, n, cap))
            return FG_FAIL(FG_ENOMEM, "%s: out of memory listing images", ds->root);
    }
    size_t nr = strlen(ds->root), np = strlen(path);
    int slash = !(nr && ds->root[nr - 1] == '/');
    char *rel = dup_str(path), *full = fg_alloc(nr + (size_t)slash + np + 1, 1);
    if (!rel || !full) {
        fg_free(rel);
        fg_free(full);
        return FG_FAIL(FG_ENOMEM, "%s: out of memory listing images", ds->root);
    }
    memcpy(full, ds->root, nr);
    if (slash) full[nr] = '/';
    memcpy(full + nr + (size_t)slash, path, np + 1);
    ds->path[ds->n] = rel;
    ds->file[ds->n] = full;
    ds->label[ds->n] = label;
    ds->split[ds->n] = (uint8_t)split;
    ds->n++;
    return FG_OK;
}

fg_status fg_dataset_select(const fg_dataset *ds, fg_split split, fg_dataset *out)
{
    fg_status st = FG_OK;
    if (!ds || !out || !ds->root) return FG_FAIL(FG_EINVAL, "fg_dataset_select: null argument");
    FG_CHECK_GOTO(st, fg_dataset_init(out, ds->kind, ds->root));
    for (int c = 0; c < ds->n_classes; c++) FG_CHECK_GOTO(st, fg_dataset_add_class(out, ds->class_names[c], NULL));
    for (int64_t i = 0; i < ds->n; i++)
        if (split == FG_SPLIT_ALL || ds->split[i] == (uint8_t)split)
            FG_CHECK_GOTO(st, fg_dataset_add_image(out, ds->path[i], ds->label[i], (fg_split)ds->split[i]));
    if (out->n == 0) {
        int64_t per[4] = {0, 0, 0, 0};
        for (int64_t i = 0; i < ds->n; i++)
            if (ds->split[i] <= FG_SPLIT_TEST) per[ds->split[i]]++;
        if (per[FG_SPLIT_TRAIN] + per[FG_SPLIT_VAL] + per[FG_SPLIT_TEST] == 0) {
            st = FG_FAIL(FG_ENOTFOUND, "%s: no images in split '%s': this %s dataset of %lld images has no splits "
                         "(its layout defines none, or its split files are absent); select 'all'", ds->root,
                         fg_split_name(split), ds->kind, (long long)ds->n);
        } else {
            char have[128] = "";
            for (int s = FG_SPLIT_TRAIN; s <= FG_SPLIT_TEST; s++)
                if (per[s]) {
                    size_t len = strlen(have);
                    snprintf(have + len, sizeof have - len, "%s%s %lld", len ? ", " : "", fg_split_name((fg_split)s),
                             (long long)per[s]);
                }
            st = FG_FAIL(FG_ENOTFOUND, "%s: no images in split '%s' (this %s dataset of %lld images has: %s%s)",
                         ds->root, fg_split_name(split), ds->kind, (long long)ds->n, have,
                         per[FG_SPLIT_ALL] ? ", and images in no split" : "");
        }
    }
done:
    if (st != FG_OK) fg_dataset_destroy(out);
    return st;
}

void fg_dataset_class_counts(const fg_dataset *ds, int64_t *counts)
{
    if (!ds || !counts) return;
    for (int c = 0; c < ds->n_classes; c++) counts[c] = 0;
    for (int64_t i = 0; i < ds->n; i++)
        if (ds->label[i] >= 0 && ds->label[i] < ds->n_classes) counts[ds->label[i]]++;
}

static const char *const SPLIT_NAMES[] = {"all", "train", "val", "test"};

fg_status fg_split_parse(const char *s, fg_split *out)
{
    for (int i = 0; i < 4; i++)
        if (s && !strcmp(s, SPLIT_NAMES[i])) {
            *out = (fg_split)i;
            return FG_OK;
        }
    return FG_FAIL(FG_EINVAL, "unknown split '%s' (expected all, train, val or test)", s ? s : "(null)");
}

const char *fg_split_name(fg_split s)
{
    return s >= FG_SPLIT_ALL && s <= FG_SPLIT_TEST ? SPLIT_NAMES[s] : "unknown";
}
