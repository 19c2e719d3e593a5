/* The layout mit67 and textures share (engine/data/dirlist.h):
 * ROOT/<images>/<class>/<file> plus split lists of "class/file" lines.
 * Cost: O(F log F) for F files and list entries (sorts and binary searches),
 * one stat a directory entry. */
#include "dirlist.h"
#include "fnegraph/mem.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_LIST_BYTES = 64 << 20 };

typedef struct entry {
    char *path;    /* images + "/" + line: relative to root */
    size_t skip;   /* strlen(images) + 1: where the class name starts */
    int list, line;
    int label;
} entry;

typedef struct entries {
    entry *v;
    size_t n, cap;
} entries;

static void entries_free(entries *e)
{
    for (size_t i = 0; i < e->n; i++) fg_free(e->v[i].path);
    fg_free(e->v);
    memset(e, 0, sizeof *e);
}

static int entries_push(entries *e, const char *images, const char *line, int list, int line_no)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? 2 * e->cap : 1024;
        entry *v = fg_alloc(cap, sizeof *v);
        if (!v) return -1;
        if (e->n) memcpy(v, e->v, e->n * sizeof *v);
        fg_free(e->v);
        e->v = v;
        e->cap = cap;
    }
    char *p = fg_i_join(images, line);
    if (!p) return -1;
    e->v[e->n++] = (entry){p, strlen(images) + 1, list, line_no, -1};
    return 0;
}

/* "class/file[/...]": no empty, "." or ".." component, no leading '/'. */
static int well_formed(const char *s)
{
    if (!strchr(s, '/')) return 0;
    for (const char *c = s;;) {
        const char *e = strchr(c, '/');
        size_t n = e ? (size_t)(e - c) : strlen(c);
        if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.')) return 0;
        if (!e) return 1;
        c = e + 1;
    }
}

static fg_status read_list(const char *path, int list, const char *images, entries *out)
{
    char *text = NULL, *cur, *line;
    fg_status st = fg_i_read_text(path, MAX_LIST_BYTES, &text, NULL);
    if (st != FG_OK) return st;
    cur = text;
    for (int no = 1; (line = fg_i_next_line(&cur)) != NULL; no++) {
        if (fg_i_blank(line)) continue;
        if (!well_formed(line)) {
            st = FG_FAIL(FG_EFORMAT, "%s:%d: expected 'class/file', got '%s'", path, no, line);
            break;
        }
        if (entries_push(out, images, line, list, no)) {
            st = FG_FAIL(FG_ENOMEM, "%s:%d: out of memory", path, no);
            break;
        }
    }
    fg_free(text);
    return st;
}

typedef struct keyed {
    const char *key;
    size_t idx;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

static int cmp_key(const void *k, const void *b) { return strcmp((const char *)k, ((const keyed *)b)->key); }

/* Sort the entries' keys (list order breaks ties) and refuse duplicates. */
static fg_status check_duplicates(const entries *e, const fg_i_split_list *lists, keyed *k)
{
    for (size_t i = 0; i < e->n; i++) k[i] = (keyed){e->v[i].path, i};
    if (e->n > 1) qsort(k, e->n, sizeof *k, cmp_keyed);
    for (size_t i = 1; i < e->n; i++)
        if (!strcmp(k[i - 1].key, k[i].key)) {
            const entry *a = &e->v[k[i - 1].idx], *b = &e->v[k[i].idx];
            return FG_FAIL(FG_EINVAL, "%s:%d: '%s' is listed a second time (first at %s:%d)", lists[b->list].path,
                           b->line, b->path + b->skip, lists[a->list].path, a->line);
        }
    return FG_OK;
}

/* Images from the folders; tags from the entries. */
static fg_status from_folders(fg_dataset *ds, const char *images, const entries *e, const fg_i_split_list *lists)
{
    fg_status st = FG_OK;
    fg_i_strlist classes = {0}, files = {0};
    keyed *index = NULL;
    char *dir = fg_i_join(ds->root, images);
    if (!dir) return FG_FAIL(FG_ENOMEM, "%s: out of memory", ds->root);
    FG_CHECK_GOTO(st, fg_i_class_folders(dir, &classes));
    if (classes.n == 0) {
        st = FG_FAIL(FG_ENOTFOUND, "%s: no class folders (expected one sub-folder of images per class)", dir);
        goto done;
    }
    for (size_t c = 0; c < classes.n; c++) {
        int label;
        char *rel = fg_i_join(images, classes.v[c]);
        if (!rel) {
            st = FG_FAIL(FG_ENOMEM, "%s: out of memory", dir);
            goto done;
        }
        FG_CHECK_GOTO(st, fg_dataset_add_class(ds, classes.v[c], &label));
        st = fg_i_walk(ds->root, rel, &files);
        fg_free(rel);
        if (st != FG_OK) goto done;
        if (files.n == 0) {
            st = FG_FAIL(FG_EINVAL, "%s/%s: class folder has no image files (add images or remove the folder)", dir,
                         classes.v[c]);
            goto done;
        }
        fg_i_strlist_sort(&files);
        for (size_t i = 0; i < files.n; i++) FG_CHECK_GOTO(st, fg_dataset_add_image(ds, files.v[i], label, FG_SPLIT_ALL));
        fg_i_strlist_free(&files);
    }
    index = fg_alloc((size_t)ds->n, sizeof *index);
    if (!index) {
        st = FG_FAIL(FG_ENOMEM, "%s: out of memory", dir);
        goto done;
    }
    for (int64_t i = 0; i < ds->n; i++) index[i] = (keyed){ds->path[i], (size_t)i};
    qsort(index, (size_t)ds->n, sizeof *index, cmp_keyed);
    for (size_t i = 0; i < e->n; i++) {
        const keyed *hit = bsearch(e->v[i].path, index, (size_t)ds->n, sizeof *index, cmp_key);
        if (!hit) {
            st = FG_FAIL(FG_ENOTFOUND, "%s:%d: '%s' is listed, but %s/%s does not exist", lists[e->v[i].list].path,
                         e->v[i].line, e->v[i].path + e->v[i].skip, ds->root, e->v[i].path);
            goto done;
        }
        ds->split[hit->idx] = (uint8_t)lists[e->v[i].list].split;
    }
done:
    fg_free(index);
    fg_free(dir);
    fg_i_strlist_free(&classes);
    fg_i_strlist_free(&files);
    return st;
}

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->label != y->label) return x->label < y->label ? -1 : 1;
    return strcmp(x->path, y->path);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Images and classes from the entries alone. The class name of an entry is
 * read in place by cutting its path at the first '/' for a moment. */
static fg_status from_lists(fg_dataset *ds, entries *e, const fg_i_split_list *lists)
{
    fg_status st = FG_OK;
    fg_i_strlist classes = {0};
    for (size_t i = 0; i < e->n; i++) {
        char *c = e->v[i].path + e->v[i].skip, *slash = strchr(c, '/');
        *slash = '\0';
        int fail = fg_i_strlist_push(&classes, c, NULL);
        *slash = '/';
        if (fail) {
            st = FG_FAIL(FG_ENOMEM, "%s: out of memory", ds->root);
            goto done;
        }
    }
    fg_i_strlist_sort(&classes);
    size_t u = 0;
    for (size_t i = 0; i < classes.n; i++) {
        if (u && !strcmp(classes.v[u - 1], classes.v[i])) {
            fg_free(classes.v[i]);
            continue;
        }
        classes.v[u++] = classes.v[i];
    }
    classes.n = u;
    if (classes.n == 0) {
        st = FG_FAIL(FG_ENOTFOUND, "%s: the split lists name no images", ds->root);
        goto done;
    }
    for (size_t c = 0; c < classes.n; c++) FG_CHECK_GOTO(st, fg_dataset_add_class(ds, classes.v[c], NULL));
    for (size_t i = 0; i < e->n; i++) {
        char *c = e->v[i].path + e->v[i].skip, *slash = strchr(c, '/');
        *slash = '\0';
        char **hit = bsearch(&c, classes.v, classes.n, sizeof *classes.v, cmp_str);
        *slash = '/';
        e->v[i].label = (int)(hit - classes.v);
    }
    qsort(e->v, e->n, sizeof *e->v, cmp_entry);
    for (size_t i = 0; i < e->n; i++)
        FG_CHECK_GOTO(st, fg_dataset_add_image(ds, e->v[i].path, e->v[i].label, lists[e->v[i].list].split));
done:
    fg_i_strlist_free(&classes);
    return st;
}

fg_status fg_i_split_layout(fg_dataset *ds, const char *images, const fg_i_split_list *lists, int n_lists, int scan)
{
    fg_status st = FG_OK;
    entries e = {0};
    keyed *k = NULL;
    if (scan) { /* the folder first: a missing one is the more basic error */
        char *dir = fg_i_join(ds->root, images);
        if (!dir) return FG_FAIL(FG_ENOMEM, "%s: out of memory", ds->root);
        int isdir = fg_i_is_dir(dir);
        if (isdir != 1)
            st = FG_FAIL(isdir == 0 ? FG_ENOTFOUND : FG_EIO,
                         "%s: no such folder (the %s layout keeps its images in %s/<class>/)", dir, ds->kind, images);
        fg_free(dir);
        if (st != FG_OK) return st;
    }
    for (int l = 0; l < n_lists; l++) FG_CHECK_GOTO(st, read_list(lists[l].path, l, images, &e));
    if (e.n) {
        k = fg_alloc(e.n, sizeof *k);
        if (!k) {
            st = FG_FAIL(FG_ENOMEM, "%s: out of memory", ds->root);
            goto done;
        }
        FG_CHECK_GOTO(st, check_duplicates(&e, lists, k));
    }
    if (scan) FG_CHECK_GOTO(st, from_folders(ds, images, &e, lists));
    else FG_CHECK_GOTO(st, from_lists(ds, &e, lists));
done:
    fg_free(k);
    entries_free(&e);
    return st;
}
