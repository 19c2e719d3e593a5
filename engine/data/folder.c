/* The class-per-folder dataset adapter (DESIGN.md "Datasets": `folder`),
 * with the rules of include/fnegraph/dataset.h: classes = sub-folders of the
 * root sorted with strcmp, label = class index, every non-hidden regular
 * file below a class folder an image, sorted with strcmp.
 * Cost: O(F log F) for F directory entries, one stat each. */
#include "fnegraph/dataset.h"
#include "fnegraph/mem.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { MAX_DEPTH = 16 };

typedef struct strlist {
    char **v;
    size_t n, cap;
} strlist;

static void strlist_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++) fg_free(l->v[i]);
    fg_free(l->v);
    memset(l, 0, sizeof *l);
}

/* Append a + (b ? "/" b : ""). */
static int strlist_push(strlist *l, const char *a, const char *b)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        char **v = fg_alloc(cap, sizeof *v);
        if (!v) return -1;
        if (l->n) memcpy(v, l->v, l->n * sizeof *v);
        fg_free(l->v);
        l->v = v;
        l->cap = cap;
    }
    size_t na = strlen(a), nb = b ? strlen(b) : 0;
    char *s = fg_alloc(na + nb + 2, 1);
    if (!s) return -1;
    memcpy(s, a, na);
    if (b) {
        s[na] = '/';
        memcpy(s + na + 1, b, nb);
    }
    s[na + (b ? nb + 1 : 0)] = '\0';
    l->v[l->n++] = s;
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static char *join(const char *a, const char *b)
{
    strlist tmp = {0};
    if (strlist_push(&tmp, a, b)) {
        strlist_free(&tmp);
        return NULL;
    }
    char *s = tmp.v[0];
    fg_free(tmp.v);
    return s;
}

/* The non-hidden entries of folder `dir` (names only). */
static fg_status list_dir(const char *dir, strlist *names)
{
    DIR *d = opendir(dir);
    if (!d) return FG_FAIL(errno == ENOENT ? FG_ENOTFOUND : FG_EIO, "%s: cannot read folder: %s", dir, strerror(errno));
    fg_status st = FG_OK;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (strlist_push(names, e->d_name, NULL)) {
            st = FG_FAIL(FG_ENOMEM, "%s: out of memory listing the folder", dir);
            break;
        }
        errno = 0;
    }
    if (st == FG_OK && errno) st = FG_FAIL(FG_EIO, "%s: error reading the folder: %s", dir, strerror(errno));
    closedir(d);
    return st;
}

/* Collect the files below root/rel into files (paths relative to root). */
static fg_status walk(const char *root, const char *rel, int depth, strlist *files)
{
    fg_status st = FG_OK;
    strlist names = {0};
    char *dir = join(root, rel), *child = NULL, *full = NULL;
    if (!dir) {
        st = FG_FAIL(FG_ENOMEM, "%s: out of memory", root);
        goto done;
    }
    if (depth > MAX_DEPTH) {
        st = FG_FAIL(FG_EINVAL, "%s: folders nested more than %d levels deep (a symbolic link loop?)", dir, MAX_DEPTH);
        goto done;
    }
    FG_CHECK_GOTO(st, list_dir(dir, &names));
    for (size_t i = 0; i < names.n; i++) {
        child = join(rel, names.v[i]);
        full = child ? join(root, child) : NULL;
        if (!full) {
            st = FG_FAIL(FG_ENOMEM, "%s: out of memory", dir);
            goto done;
        }
        struct stat sb;
        if (stat(full, &sb) != 0) {
            /* a dangling link: listed, so that decoding reports it */
            if (lstat(full, &sb) != 0) {
                st = FG_FAIL(FG_EIO, "%s: cannot stat: %s", full, strerror(errno));
                goto done;
            }
            sb.st_mode = S_IFREG;
        }
        if (S_ISDIR(sb.st_mode)) {
            FG_CHECK_GOTO(st, walk(root, child, depth + 1, files));
        } else if (S_ISREG(sb.st_mode)) {
            if (strlist_push(files, child, NULL)) {
                st = FG_FAIL(FG_ENOMEM, "%s: out of memory", dir);
                goto done;
            }
        }
        fg_free(child);
        fg_free(full);
        child = full = NULL;
    }
done:
    fg_free(child);
    fg_free(full);
    fg_free(dir);
    strlist_free(&names);
    return st;
}

fg_status fg_dataset_folder(const char *root, fg_dataset *out)
{
    fg_status st = FG_OK;
    strlist names = {0}, classes = {0}, files = {0};
    char *full = NULL;
    if (!root || !out) return FG_FAIL(FG_EINVAL, "fg_dataset_folder: null argument");
    FG_CHECK_GOTO(st, fg_dataset_init(out, "folder", root));
    const char *r = out->root;
    struct stat sb;
    if (stat(r, &sb) != 0) {
        st = FG_FAIL(errno == ENOENT ? FG_ENOTFOUND : FG_EIO, "%s: dataset root: %s", r,
                     errno == ENOENT ? "no such folder" : strerror(errno));
        goto done;
    }
    if (!S_ISDIR(sb.st_mode)) {
        st = FG_FAIL(FG_EINVAL, "%s: dataset root is not a folder", r);
        goto done;
    }
    FG_CHECK_GOTO(st, list_dir(r, &names));
    for (size_t i = 0; i < names.n; i++) {
        full = join(r, names.v[i]);
        if (!full) {
            st = FG_FAIL(FG_ENOMEM, "%s: out of memory", r);
            goto done;
        }
        if (stat(full, &sb) == 0 && S_ISDIR(sb.st_mode) && strlist_push(&classes, names.v[i], NULL)) {
            st = FG_FAIL(FG_ENOMEM, "%s: out of memory", r);
            goto done;
        }
        fg_free(full);
        full = NULL;
    }
    if (classes.n == 0) {
        st = FG_FAIL(FG_ENOTFOUND, "%s: no class folders (expected one sub-folder of images per class)", r);
        goto done;
    }
    if (classes.n > (size_t)INT32_MAX) {
        st = FG_FAIL(FG_EINVAL, "%s: too many class folders (%zu)", r, classes.n);
        goto done;
    }
    qsort(classes.v, classes.n, sizeof *classes.v, cmp_str);
    for (size_t c = 0; c < classes.n; c++) {
        int label;
        FG_CHECK_GOTO(st, fg_dataset_add_class(out, classes.v[c], &label));
        FG_CHECK_GOTO(st, walk(r, classes.v[c], 1, &files));
        if (files.n == 0) {
            st = FG_FAIL(FG_EINVAL, "%s/%s: class folder has no image files (add images or remove the folder)", r,
                         classes.v[c]);
            goto done;
        }
        qsort(files.v, files.n, sizeof *files.v, cmp_str);
        for (size_t i = 0; i < files.n; i++) FG_CHECK_GOTO(st, fg_dataset_add_image(out, files.v[i], label, FG_SPLIT_ALL));
        strlist_free(&files);
    }
done:
    fg_free(full);
    strlist_free(&names);
    strlist_free(&classes);
    strlist_free(&files);
    if (st != FG_OK) fg_dataset_destroy(out);
    return st;
}
