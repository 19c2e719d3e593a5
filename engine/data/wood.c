/* The Oulu wood knots adapter (docs/formats.md "Dataset layouts": `wood`): images in
 * ROOT (PPM as distributed; decoded by content) and a plain-text label list,
 * ROOT/names.txt by default: one image a line, "<file> <class name>"
 * separated by white space (the class name is the rest of the line, so it
 * may hold spaces; a run of white space in it counts as one space), '#' starts a comment, blank lines ignored. Silven,
 * Niskanen and Kauppinen, "Wood inspection with non-supervised clustering",
 * MVA 2003. Cost: O(N log N) for N lines, one stat an image. */
#include "dirlist.h"
#include "fnegraph/dataset.h"
#include "fnegraph/mem.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_LIST_BYTES = 64 << 20 };

typedef struct item {
    const char *file, *cls; /* inside the text buffer */
    int line;
} item;

static int cmp_item_file(const void *a, const void *b)
{
    const item *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; }

/* "." / ".." components or a leading '/' leave the root. */
static int inside_root(const char *f)
{
    if (f[0] == '/') return 0;
    for (const char *c = f;;) {
        const char *e = strchr(c, '/');
        size_t n = e ? (size_t)(e - c) : strlen(c);
        if (n == 2 && c[0] == '.' && c[1] == '.') return 0;
        if (!e) return 1;
        c = e + 1;
    }
}

fg_status fg_dataset_wood(const char *root, const char *labels, fg_dataset *out)
{
    fg_status st = FG_OK;
    char *list = NULL, *text = NULL, *full = NULL, *cur, *line;
    item *items = NULL, *sorted = NULL;
    const char **names = NULL;
    size_t n = 0, cap = 0;
    if (!root || !out) return FG_FAIL(FG_EINVAL, "fg_dataset_wood: null argument");
    FG_CHECK_GOTO(st, fg_dataset_init(out, "wood", root));
    FG_CHECK_GOTO(st, fg_i_check_root(out->root));
    list = labels && *labels ? fg_i_join(labels, NULL) : fg_i_join(out->root, "names.txt");
    if (!list) {
        st = FG_FAIL(FG_ENOMEM, "%s: out of memory", out->root);
        goto done;
    }
    if (!fg_i_exists(list)) {
        st = FG_FAIL(FG_ENOTFOUND, "%s: no such label list (the wood layout needs one: ROOT/names.txt by default, "
                     "or another file given as its label list)", list);
        goto done;
    }
    FG_CHECK_GOTO(st, fg_i_read_text(list, MAX_LIST_BYTES, &text, NULL));
    cur = text;
    for (int no = 1; (line = fg_i_next_line(&cur)) != NULL; no++) {
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        while (is_space(*line)) line++;
        if (!*line) continue;
        char *end = line + strlen(line);
        while (end > line && is_space(end[-1])) *--end = '\0';
        char *sep = line;
        while (*sep && !is_space(*sep)) sep++;
        char *cls = sep;
        while (is_space(*cls)) cls++;
        if (!*cls) {
            st = FG_FAIL(FG_EFORMAT, "%s:%d: expected '<file> <class name>', got '%s'", list, no, line);
            goto done;
        }
        *sep = '\0';
        /* runs of white space inside a class name count as one space */
        char *w = cls;
        for (const char *r = cls; *r; r++)
            if (!is_space(*r) || !is_space(r[1])) *w++ = is_space(*r) ? ' ' : *r;
        *w = '\0';
        if (!inside_root(line)) {
            st = FG_FAIL(FG_EFORMAT, "%s:%d: '%s': image paths are relative to the dataset root, inside it", list, no,
                         line);
            goto done;
        }
        if (n == cap) {
            size_t ncap = cap ? 2 * cap : 256;
            item *v = fg_alloc(ncap, sizeof *v);
            if (!v) {
                st = FG_FAIL(FG_ENOMEM, "%s:%d: out of memory", list, no);
                goto done;
            }
            if (n) memcpy(v, items, n * sizeof *v);
            fg_free(items);
            items = v;
            cap = ncap;
        }
        items[n++] = (item){line, cls, no};
    }
    if (n == 0) {
        st = FG_FAIL(FG_EINVAL, "%s: the label list names no images", list);
        goto done;
    }
    sorted = fg_alloc(n, sizeof *sorted);
    names = fg_alloc(n, sizeof *names);
    if (!sorted || !names) {
        st = FG_FAIL(FG_ENOMEM, "%s: out of memory", list);
        goto done;
    }
    memcpy(sorted, items, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_item_file);
    for (size_t i = 1; i < n; i++)
        if (!strcmp(sorted[i - 1].file, sorted[i].file)) {
            st = FG_FAIL(FG_EINVAL, "%s:%d: '%s' is listed a second time (first at line %d)", list, sorted[i].line,
                         sorted[i].file, sorted[i - 1].line);
            goto done;
        }
    for (size_t i = 0; i < n; i++) {
        full = fg_i_join(out->root, items[i].file);
        if (!full) {
            st = FG_FAIL(FG_ENOMEM, "%s: out of memory", list);
            goto done;
        }
        if (!fg_i_exists(full)) {
            st = FG_FAIL(FG_ENOTFOUND, "%s:%d: %s: no such image file", list, items[i].line, full);
            goto done;
        }
        fg_free(full);
        full = NULL;
        names[i] = items[i].cls;
    }
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(names[i - 1], names[i])) FG_CHECK_GOTO(st, fg_dataset_add_class(out, names[i], NULL));
    for (size_t i = 0; i < n; i++) {
        const char **hit = bsearch(&items[i].cls, out->class_names, (size_t)out->n_classes, sizeof *out->class_names,
                                   cmp_str);
        FG_CHECK_GOTO(st, fg_dataset_add_image(out, items[i].file, (int32_t)(hit - (const char **)out->class_names),
                                               FG_SPLIT_ALL));
    }
done:
    fg_free(list);
    fg_free(text);
    fg_free(full);
    fg_free(items);
    fg_free(sorted);
    fg_free(names);
    if (st != FG_OK) fg_dataset_destroy(out);
    return st;
}
