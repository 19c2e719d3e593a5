/* Label files of `fnegraph score`: one integer label per line (metrics.h,
 * fg_labels_read_text). O(n) for n lines; the array doubles as it grows. */
#include "core/file_guard.h"
#include "fnegraph/mem.h"
#include "fnegraph/metrics.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

fg_status fg_labels_read_text(const char *path, int64_t **out, uint64_t *n)
{
    fg_status st = FG_OK;
    FILE *f = NULL;
    char *line = NULL;
    size_t cap_line = 0;
    uint64_t cap = 0, lineno = 0;
    int64_t *v = NULL;
    if (!path || !out || !n) return FG_FAIL(FG_EINVAL, "fg_labels_read_text: null argument");
    *out = NULL;
    *n = 0;
    st = fg_i_input_file(path, "a label file", NULL);
    if (st == FG_ENOTFOUND) st = FG_FAIL(FG_EIO, "%s: cannot open (%s)", path, strerror(ENOENT));
    if (st != FG_OK) goto done;
    f = fopen(path, "r");
    if (!f) {
        st = FG_FAIL(FG_EIO, "%s: cannot open (%s)", path, strerror(errno));
        goto done;
    }
    ssize_t len;
    while ((len = getline(&line, &cap_line, f)) >= 0) {
        lineno++;
        if (memchr(line, '\0', (size_t)len)) {
            st = FG_FAIL(FG_EFORMAT, "%s:%llu: holds a NUL byte: not a text file of labels", path,
                         (unsigned long long)lineno);
            goto done;
        }
        char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        char *e = s + strlen(s);
        while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t')) *--e = 0;
        if (*s == 0 || *s == '#') continue;
        char *end = NULL;
        errno = 0;
        long long x = strtoll(s, &end, 10);
        if (end == s || *end) {
            st = FG_FAIL(FG_EFORMAT, "%s:%llu: '%.40s' is not an integer label", path, (unsigned long long)lineno, s);
            goto done;
        }
        if (errno == ERANGE) {
            st = FG_FAIL(FG_EFORMAT, "%s:%llu: label %.40s does not fit 64 bits", path, (unsigned long long)lineno, s);
            goto done;
        }
        if (*n == cap) {
            uint64_t ncap = cap ? 2 * cap : 4096;
            int64_t *nv = fg_alloc(ncap, sizeof *nv);
            if (!nv) {
                st = FG_FAIL(FG_ENOMEM, "%s:%llu: out of memory for %llu labels", path, (unsigned long long)lineno,
                             (unsigned long long)ncap);
                goto done;
            }
            if (v) memcpy(nv, v, *n * sizeof *v);
            fg_free(v);
            v = nv;
            cap = ncap;
        }
        v[(*n)++] = x;
    }
    if (ferror(f)) st = FG_FAIL(FG_EIO, "%s: read error after line %llu", path, (unsigned long long)lineno);
done:
    free(line);
    if (f) fclose(f);
    if (st != FG_OK) {
        fg_free(v);
        v = NULL;
        *n = 0;
    }
    *out = v;
    return st;
}
