/* The contingency table of two integer labelings (scikit-learn's
 * contingency_matrix, kept sparse).
 * Labels are renumbered 0.. in increasing order of value: by a direct table
 * when the values span at most max(4n, 65536), else by sorting (value, index)
 * pairs. Cells: a dense count array when rows x cols is at most
 * max(4n, 2^20), else a sort of the cell keys. O(n) or O(n log n). */
#include "fnegraph/mem.h"
#include "fnegraph/metrics.h"

#include <stdlib.h>
#include <string.h>

typedef struct vi {
    int64_t v;
    uint64_t i;
} vi;

static int cmp_vi(const void *a, const void *b)
{
    const vi *x = a, *y = b;
    if (x->v != y->v) return (x->v > y->v) - (x->v < y->v);
    return (x->i > y->i) - (x->i < y->i);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* idx[i] = rank of x[i] among the distinct values; *m = their number. */
static fg_status relabel(const int64_t *x, uint64_t n, uint32_t *idx, uint32_t *m)
{
    *m = 0;
    if (n == 0) return FG_OK;
    int64_t lo = x[0], hi = x[0];
    for (uint64_t i = 1; i < n; i++) {
        if (x[i] < lo) lo = x[i];
        if (x[i] > hi) hi = x[i];
    }
    uint64_t span = (uint64_t)hi - (uint64_t)lo; /* exact in two's complement */
    uint64_t direct_max = 4 * n > 65536 ? 4 * n : 65536;
    if (span < direct_max) {
        uint32_t *rank = fg_calloc(span + 1, sizeof *rank);
        if (!rank) return FG_ENOMEM;
        for (uint64_t i = 0; i < n; i++) rank[(uint64_t)x[i] - (uint64_t)lo] = 1;
        uint32_t r = 0;
        for (uint64_t j = 0; j <= span; j++)
            if (rank[j]) rank[j] = ++r;
        for (uint64_t i = 0; i < n; i++) idx[i] = rank[(uint64_t)x[i] - (uint64_t)lo] - 1;
        *m = r;
        fg_free(rank);
        return FG_OK;
    }
    vi *p = fg_alloc(n, sizeof *p);
    if (!p) return FG_ENOMEM;
    for (uint64_t i = 0; i < n; i++) {
        p[i].v = x[i];
        p[i].i = i;
    }
    qsort(p, n, sizeof *p, cmp_vi);
    uint32_t r = 0;
    for (uint64_t j = 0; j < n; j++) {
        if (j > 0 && p[j].v != p[j - 1].v) r++;
        idx[p[j].i] = r;
    }
    *m = r + 1;
    fg_free(p);
    return FG_OK;
}

void fg_contingency_destroy(fg_contingency *c)
{
    if (!c) return;
    fg_free(c->row_sum);
    fg_free(c->col_sum);
    fg_free(c->nz_row);
    fg_free(c->nz_col);
    fg_free(c->nz_count);
    memset(c, 0, sizeof *c);
}

static fg_status alloc_nz(fg_contingency *c, uint64_t nnz)
{
    c->n_nonzero = nnz;
    c->nz_row = fg_alloc(nnz, sizeof *c->nz_row);
    c->nz_col = fg_alloc(nnz, sizeof *c->nz_col);
    c->nz_count = fg_alloc(nnz, sizeof *c->nz_count);
    return c->nz_row && c->nz_col && c->nz_count ? FG_OK : FG_ENOMEM;
}

fg_status fg_contingency_build(const int64_t *truth, const int64_t *pred, uint64_t n, fg_contingency *out)
{
    fg_status st = FG_OK;
    uint32_t *ri = NULL, *ci = NULL;
    int64_t *dense = NULL;
    uint64_t *keys = NULL;
    if (!out || (n && (!truth || !pred))) return FG_FAIL(FG_EINVAL, "fg_contingency_build: null argument");
    memset(out, 0, sizeof *out);
    if (n > (uint64_t)UINT32_MAX)
        return FG_FAIL(FG_EINVAL, "contingency: %llu samples is more than this build supports (2^32 - 1)",
                       (unsigned long long)n);
    out->n = (int64_t)n;
    ri = fg_alloc(n, sizeof *ri);
    ci = fg_alloc(n, sizeof *ci);
    if (!ri || !ci) {
        st = FG_ENOMEM;
        goto done;
    }
    FG_CHECK_GOTO(st, relabel(truth, n, ri, &out->n_rows));
    FG_CHECK_GOTO(st, relabel(pred, n, ci, &out->n_cols));
    const uint64_t R = out->n_rows, C = out->n_cols;
    out->row_sum = fg_calloc(R, sizeof *out->row_sum);
    out->col_sum = fg_calloc(C, sizeof *out->col_sum);
    if (!out->row_sum || !out->col_sum) {
        st = FG_ENOMEM;
        goto done;
    }
    for (uint64_t i = 0; i < n; i++) {
        out->row_sum[ri[i]]++;
        out->col_sum[ci[i]]++;
    }
    uint64_t dense_max = 4 * n > (1u << 20) ? 4 * n : (1u << 20);
    if (R * C <= dense_max) {
        dense = fg_calloc(R * C, sizeof *dense);
        if (!dense) {
            st = FG_ENOMEM;
            goto done;
        }
        for (uint64_t i = 0; i < n; i++) dense[(uint64_t)ri[i] * C + ci[i]]++;
        uint64_t nnz = 0;
        for (uint64_t j = 0; j < R * C; j++) nnz += dense[j] != 0;
        FG_CHECK_GOTO(st, alloc_nz(out, nnz));
        uint64_t w = 0;
        for (uint64_t j = 0; j < R * C; j++)
            if (dense[j]) {
                out->nz_row[w] = (uint32_t)(j / C);
                out->nz_col[w] = (uint32_t)(j % C);
                out->nz_count[w] = dense[j];
                w++;
            }
    } else {
        keys = fg_alloc(n, sizeof *keys);
        if (!keys) {
            st = FG_ENOMEM;
            goto done;
        }
        for (uint64_t i = 0; i < n; i++) keys[i] = (uint64_t)ri[i] * C + ci[i];
        qsort(keys, n, sizeof *keys, cmp_u64);
        uint64_t nnz = 0;
        for (uint64_t i = 0; i < n; i++) nnz += i == 0 || keys[i] != keys[i - 1];
        FG_CHECK_GOTO(st, alloc_nz(out, nnz));
        uint64_t w = 0;
        for (uint64_t i = 0; i < n; i++) {
            if (i > 0 && keys[i] == keys[i - 1]) {
                out->nz_count[w - 1]++;
                continue;
            }
            out->nz_row[w] = (uint32_t)(keys[i] / C);
            out->nz_col[w] = (uint32_t)(keys[i] % C);
            out->nz_count[w] = 1;
            w++;
        }
    }
done:
    fg_free(ri);
    fg_free(ci);
    fg_free(dense);
    fg_free(keys);
    if (st != FG_OK) fg_contingency_destroy(out);
    return st;
}
