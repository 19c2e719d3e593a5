/* Folder listing and small-text-file helpers of the dataset adapters
 * (engine/data/dirlist.h). Cost: one readdir pass and one stat a directory
 * entry; text files are read whole. */
#include "dirlist.h"
#include "core/file_guard.h"
#include "fnegraph/mem.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { MAX_DEPTH = 16 };

void fg_i_strlist_free(fg_i_strlist *l)
{
    for (size_t i = 0; i < l->n; i++) fg_free(l->v[i]);
    fg_free(l->v);
    memset(l, 0, sizeof *l);
}

int fg_i_strlist_push(fg_i_strlist *l, const char *a, const char *b)
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

void fg_i_strlist_sort(fg_i_strlist *l)
{
    if (l->n > 1) qsort(l->v, l->n, sizeof *l->v, cmp_str);
}

char *fg_i_join(const char *a, const char *b)
{
    fg_i_strlist tmp = {0};
    if (fg_i_strlist_push(&tmp, a, b)) {
        fg_i_strlist_free(&tmp);
        return NULL;
    }
    char *s = tmp.v[0];
    fg_free(tmp.v);
    return s;
}

fg_status fg_i_list_dir(const char *dir, fg_i_strlist *names)
{
    DIR *d = opendir(dir);
    if (!d) return FG_FAIL(errno == ENOENT ? FG_ENOTFOUND : FG_EIO, "%s: cannot read folder: %s", dir, strerror(errno));
    fg_status st = FG_OK;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (fg_i_strlist_push(names, e->d_name, NULL)) {
            st = FG_FAIL(FG_ENOMEM, "%s: out of memory listing the folder", dir);
            break;
        }
        errno = 0;
    }
    if (st == FG_OK && errno) st = FG_FAIL(FG_EIO, "%s: error reading the folder: %s", dir, strerror(errno));
    closedir(d);
    return st;
}

static fg_status walk(const char *root, const char *rel, int depth, fg_i_strlist *files)
{
    fg_status st = FG_OK;
    fg_i_strlist names = {0};
    char *dir = fg_i_join(root, rel), *child = NULL, *full = NULL;
    if (!dir) {
        st = FG_FAIL(FG_ENOMEM, "%s: out of memory", root);
        goto done;
    }
    if (depth > MAX_DEPTH) {
        st = FG_FAIL(FG_EINVAL, "%s: folders nested more than %d levels deep (a symbolic link loop?)", dir, MAX_DEPTH);
        goto done;
    }
    FG_CHECK_GOTO(st, fg_i_list_dir(dir, &names));
    for (size_t i = 0; i < names.n; i++) {
        child = fg_i_join(rel, names.v[i]);
        full = child ? fg_i_join(root, child) : NULL;
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
            if (fg_i_strlist_push(files, child, NULL)) {
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
    fg_i_strlist_free(&names);
    return st;
}

fg_status fg_i_walk(const char *root, const char *rel, fg_i_strlist *files) { return walk(root, rel, 1, files); }

fg_status fg_i_class_folders(const char *dir, fg_i_strlist *classes)
{
    fg_status st = FG_OK;
    fg_i_strlist names = {0};
    char *full = NULL;
    FG_CHECK_GOTO(st, fg_i_list_dir(dir, &names));
    for (size_t i = 0; i < names.n; i++) {
        full = fg_i_join(dir, names.v[i]);
        if (!full) {
            st = FG_FAIL(FG_ENOMEM, "%s: out of memory", dir);
            goto done;
        }
        struct stat sb;
        if (stat(full, &sb) == 0 && S_ISDIR(sb.st_mode) && fg_i_strlist_push(classes, names.v[i], NULL)) {
            st = FG_FAIL(FG_ENOMEM, "%s: out of memory", dir);
            goto done;
        }
        fg_free(full);
        full = NULL;
    }
    fg_i_strlist_sort(classes);
done:
    fg_free(full);
    fg_i_strlist_free(&names);
    return st;
}

int fg_i_is_dir(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0) return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
    return S_ISDIR(sb.st_mode) ? 1 : 0;
}

int fg_i_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

fg_status fg_i_check_root(const char *root)
{
    struct stat sb;
    if (stat(root, &sb) != 0)
        return FG_FAIL(errno == ENOENT ? FG_ENOTFOUND : FG_EIO, "%s: dataset root: %s", root,
                       errno == ENOENT ? "no such folder" : strerror(errno));
    if (!S_ISDIR(sb.st_mode)) return FG_FAIL(FG_EINVAL, "%s: dataset root is not a folder", root);
    return FG_OK;
}

fg_status fg_i_read_text(const char *path, size_t max_bytes, char **text, size_t *size)
{
    fg_status st = FG_OK;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    *text = NULL;
    if (size) *size = 0;
    /* a regular file before fopen(): opening a FIFO would block for ever */
    fg_status in = fg_i_input_file(path, "a label or split list", NULL);
    if (in == FG_ENOTFOUND) return FG_FAIL(FG_ENOTFOUND, "%s: cannot open: %s", path, strerror(ENOENT));
    if (in != FG_OK) return in;
    FILE *f = fopen(path, "rb");
    if (!f) return FG_FAIL(errno == ENOENT ? FG_ENOTFOUND : FG_EIO, "%s: cannot open: %s", path, strerror(errno));
    for (;;) {
        if (n + 4096 + 1 > cap) {
            size_t ncap = cap ? 2 * cap : 65536;
            char *b = fg_alloc(ncap, 1);
            if (!b) {
                st = FG_FAIL(FG_ENOMEM, "%s: out of memory reading the file", path);
                goto done;
            }
            if (n) memcpy(b, buf, n);
            fg_free(buf);
            buf = b;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n > max_bytes) {
            st = FG_FAIL(FG_EFORMAT, "%s: larger than %zu bytes: not a label list", path, max_bytes);
            goto done;
        }
        if (got == 0) break;
    }
    if (ferror(f)) {
        st = FG_FAIL(FG_EIO, "%s: read error", path);
        goto done;
    }
    if (memchr(buf, '\0', n)) {
        st = FG_FAIL(FG_EFORMAT, "%s: holds a NUL byte: not a text file", path);
        goto done;
    }
    buf[n] = '\0';
    *text = buf;
    buf = NULL;
    if (size) *size = n;
done:
    fclose(f);
    fg_free(buf);
    return st;
}

char *fg_i_next_line(char **cursor)
{
    char *s = *cursor;
    if (!s || !*s) return NULL;
    char *nl = strchr(s, '\n');
    if (nl) {
        *nl = '\0';
        *cursor = nl + 1;
    } else {
        *cursor = s + strlen(s);
    }
    size_t n = strlen(s);
    if (n && s[n - 1] == '\r') s[n - 1] = '\0';
    return s;
}

int fg_i_blank(const char *s)
{
    for (; *s; s++)
        if (!strchr(" \t\v\f\r", *s)) return 0;
    return 1;
}
