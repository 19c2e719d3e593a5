/* The values of a sweep configuration (sweep_config.c reads the file):
 * the one formatter of its messages, numbers, and the lists (thresholds,
 * k, communities, seeds), each parsed whole into a heap array, every growth
 * checked. Items are split by hand (strtok would skip the empty items of
 * "1,,2" or "1," silently); duplicates are refused. */
#include "sweep_config_i.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

fg_status fg_i_sweep_fail_as(parse_ctx *c, fg_status code, const char *fmt, ...)
{
    if (c->st != FG_OK) return c->st;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->ov) c->st = FG_FAIL(code, "--set '%s': %s", c->ov, msg);
    else if (c->where_line >= 0) c->st = FG_FAIL(code, "%s:%d: %s", c->cfg->path, c->where_line, msg);
    else c->st = FG_FAIL(code, "%s: %s", c->cfg->path, msg);
    return c->st;
}

void *fg_i_sweep_grow(parse_ctx *c, vec *v)
{
    if (v->n == v->cap) {
        int cap = v->cap ? v->cap * 2 : 8;
        void *p = v->cap > INT_MAX / 2 ? NULL : realloc(v->p, (size_t)cap * v->size);
        if (!p) {
            fail_as(c, FG_ENOMEM, "out of memory (a list of %d values)", v->n + 1);
            return NULL;
        }
        v->p = p;
        v->cap = cap;
    }
    return (char *)v->p + (size_t)v->n++ * v->size;
}

char *fg_i_sweep_dup(parse_ctx *c, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d) fail_as(c, FG_ENOMEM, "out of memory (a value of %zu characters)", n - 1);
    else memcpy(d, s, n);
    return d;
}

char *fg_i_sweep_trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
    return s;
}

bool fg_i_sweep_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !isfinite(v)) return false;
    *out = v;
    return true;
}

bool fg_i_sweep_i64(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end || errno == ERANGE) return false;
    *out = v;
    return true;
}


/* Split a comma-separated list; calls item() on each trimmed element. */
typedef bool (*item_fn)(parse_ctx *c, char *item, vec *out);

static bool for_items(parse_ctx *c, const char *key, const char *value, int max, item_fn item, vec *out)
{
    char *buf = fg_i_sweep_dup(c, value);
    bool ok = buf != NULL;
    /* split by hand: strtok would skip empty items ("1,,2", "1,") silently */
    for (char *tok = buf, *next; ok && tok; tok = next) {
        char *comma = strchr(tok, ',');
        next = comma ? comma + 1 : NULL;
        if (comma) *comma = '\0';
        char *t = fg_i_sweep_trim(tok);
        if (!*t) {
            if (!comma && !out->n) break; /* an empty value: reported below */
            fail(c, "'%s': empty item in the list '%s'", key, value);
            ok = false;
        } else if (out->n >= max) {
            fail(c, "'%s': more than %d values", key, max);
            ok = false;
        } else {
            ok = item(c, t, out);
        }
    }
    if (ok && !out->n) {
        fail(c, "'%s': expected at least one value, got '%s'", key, value);
        ok = false;
    }
    free(buf);
    return ok;
}

static bool item_threshold(parse_ctx *c, char *t, vec *out)
{
    char *colon = strchr(t, ':');
    double lo, hi;
    if (colon) *colon = '\0';
    if (!colon || !fg_i_sweep_double(fg_i_sweep_trim(t), &lo) || !fg_i_sweep_double(fg_i_sweep_trim(colon + 1), &hi)) {
        if (colon) *colon = ':';
        fail(c, "thresholds: expected lo:hi pairs of numbers such as -2:2, got '%s'", t);
        return false;
    }
    *colon = ':';
    if (!(lo < hi)) {
        fail(c, "thresholds: '%s' needs lo < hi", t);
        return false;
    }
    const double *have = out->p;
    for (int j = 0; j < out->n; j++)
        if (have[2 * j] == lo && have[2 * j + 1] == hi) {
            fail(c, "thresholds: '%s' is listed twice", t);
            return false;
        }
    double *pair = fg_i_sweep_grow(c, out);
    if (!pair) return false;
    pair[0] = lo;
    pair[1] = hi;
    return true;
}

static bool item_k(parse_ctx *c, char *t, vec *out)
{
    double v;
    if (!fg_i_sweep_double(t, &v) || v < 0) {
        fail(c, "k: expected a non-negative number, got '%s'", t);
        return false;
    }
    const double *have = out->p;
    for (int j = 0; j < out->n; j++)
        if (have[j] == v) {
            fail(c, "k: '%s' is listed twice", t);
            return false;
        }
    double *k = fg_i_sweep_grow(c, out);
    if (k) *k = v;
    return k != NULL;
}

static bool item_communities(parse_ctx *c, char *t, vec *out)
{
    fg_sweep_communities cc = {1, false};
    char *item = fg_i_sweep_dup(c, t); /* as written: the parse below cuts t */
    if (!item) return false;
    char *star = strchr(t, '*');
    int64_t v = 1;
    bool ok = true;
    if (!strcmp(t, "classes")) {
        cc.per_class = true;
    } else if (star) {
        *star = '\0';
        char *a = fg_i_sweep_trim(t), *b = fg_i_sweep_trim(star + 1);
        if (!strcmp(b, "classes") && fg_i_sweep_i64(a, &v)) cc.per_class = true;
        else if (!strcmp(a, "classes") && fg_i_sweep_i64(b, &v)) cc.per_class = true;
        else ok = false;
    } else if (!fg_i_sweep_i64(t, &v)) {
        ok = false;
    }
    if (!ok) fail(c, "communities: expected a number, 'classes' or 'N*classes', got '%s'", item);
    else if (v < 1) fail(c, "communities: '%s' must be at least 1", item);
    else if (v > FG_SWEEP_MAX_COMMUNITIES)
        fail(c, "communities: '%s' is more than %lld (a graph has fewer vertices)", item,
             (long long)FG_SWEEP_MAX_COMMUNITIES);
    free(item);
    if (c->st != FG_OK) return false;
    cc.value = v;
    fg_sweep_communities *slot = fg_i_sweep_grow(c, out);
    if (slot) *slot = cc;
    return slot != NULL;
}

/* One item of `seeds`: a seed or a range a-b, appended to the seeds. */
static bool item_seeds(parse_ctx *c, char *t, vec *out)
{
    int64_t a, b;
    char *dash = strchr(t + (t[0] == '-'), '-');
    if (dash) {
        *dash = '\0';
        if (!fg_i_sweep_i64(fg_i_sweep_trim(t), &a) || !fg_i_sweep_i64(fg_i_sweep_trim(dash + 1), &b) || a < 0 || b < a) {
            *dash = '-';
            fail(c, "seeds: expected a range a-b with 0 <= a <= b, got '%s'", t);
            return false;
        }
    } else {
        if (!fg_i_sweep_i64(t, &a) || a < 0) {
            fail(c, "seeds: expected non-negative integers or ranges a-b, got '%s'", t);
            return false;
        }
        b = a;
    }
    /* count from a (b - a cannot overflow: 0 <= a <= b); s++ past INT64_MAX would */
    for (uint64_t i = 0; i <= (uint64_t)(b - a); i++) {
        int64_t s = a + (int64_t)i;
        if (out->n >= FG_SWEEP_MAX_SEEDS) {
            fail(c, "seeds: more than %d seeds", FG_SWEEP_MAX_SEEDS);
            return false;
        }
        const int64_t *have = out->p;
        for (int j = 0; j < out->n; j++)
            if (have[j] == s) {
                fail(c, "seeds: seed %lld is listed twice", (long long)s);
                return false;
            }
        int64_t *slot = fg_i_sweep_grow(c, out);
        if (!slot) return false;
        *slot = s;
    }
    return true;
}

bool fg_i_sweep_set_list(parse_ctx *c, sweep_list which, const char *key, const char *v)
{
    fg_sweep_config *cfg = c->cfg;
    static const size_t size[] = {[L_THRESHOLDS] = 2 * sizeof(double), [L_K] = sizeof(double),
                                  [L_COMMUNITIES] = sizeof(fg_sweep_communities), [L_SEEDS] = sizeof(int64_t)};
    static const item_fn item[] = {[L_THRESHOLDS] = item_threshold, [L_K] = item_k,
                                   [L_COMMUNITIES] = item_communities, [L_SEEDS] = item_seeds};
    vec out = {NULL, 0, 0, size[which]};
    bool ok = for_items(c, key, v, which == L_SEEDS ? FG_SWEEP_MAX_SEEDS : INT_MAX, item[which], &out);
    if (ok && which == L_THRESHOLDS) {
        double *lo = malloc((size_t)out.n * sizeof *lo), *hi = malloc((size_t)out.n * sizeof *hi);
        ok = lo && hi;
        if (ok) {
            const double *pair = out.p;
            for (int i = 0; i < out.n; i++) lo[i] = pair[2 * i], hi[i] = pair[2 * i + 1];
            free(cfg->lo);
            free(cfg->hi);
            cfg->lo = lo;
            cfg->hi = hi;
            cfg->n_thresholds = out.n;
        } else {
            free(lo);
            free(hi);
            fail_as(c, FG_ENOMEM, "out of memory (%d thresholds)", out.n);
        }
        free(out.p);
    } else if (ok && which == L_K) {
        free(cfg->k);
        cfg->k = out.p;
        cfg->n_k = out.n;
    } else if (ok && which == L_SEEDS) {
        free(cfg->seeds);
        cfg->seeds = out.p;
        cfg->n_seeds = out.n;
    } else if (ok) {
        free(cfg->communities);
        cfg->communities = out.p;
        cfg->n_communities = out.n;
    } else {
        free(out.p);
    }
    return ok;
}

