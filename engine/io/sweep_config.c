/* Sweep configuration: INI through libinih (Debian's build: no line numbers
 * in the handler, lines of at most 199 characters), so lines are counted by
 * our own reader, which also sees section headers (inih reports only keys)
 * and refuses over-long lines instead of letting inih split them. */
#include "fnegraph/sweep_config.h"

#include "core/file_guard.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parse_ctx {
    fg_sweep_config *cfg;
    FILE *f;
    int line;             /* line just read (0 for overrides) */
    const char *where;    /* "file.ini:12" or "--set '...'" */
    char where_buf[FG_SWEEP_PATH + 64];
    char dir[FG_SWEEP_PATH]; /* folder of the config file; "" for overrides */
    fg_status st;         /* first error */
    char *text;
    size_t text_len, text_cap;
    unsigned seen_sweep;  /* bit per [sweep] key given (duplicate check) */
    unsigned seen_ds[FG_SWEEP_MAX_DATASETS];
} parse_ctx;

static const char *const SWEEP_KEYS[] = {"weights", "out", "thresholds", "k", "communities", "seeds",
                                         "variant", "threads", "batch", "preprocess", "resize",
                                         "max_iter", "conv", "precision"};
static const char *const DS_KEYS[] = {"kind", "root", "split", "fne", "labels"};
enum { N_SWEEP_KEYS = 14, N_DS_KEYS = 5 };
#define MAX_COMMUNITIES_STR "2147483647"

static fg_status fail(parse_ctx *c, const char *fmt, const char *a, const char *b)
{
    char msg[1024];
    snprintf(msg, sizeof msg, fmt, a, b);
    if (c->st == FG_OK) c->st = FG_FAIL(FG_EINVAL, "%s: %s", c->where, msg);
    return c->st;
}

/* Keep s in the config text (recorded in the results file): a text that
 * lost a piece would misreport the run, so running out of memory is an
 * error, not a shorter text. */
static bool append_text(parse_ctx *c, const char *s)
{
    size_t n = strlen(s);
    if (c->text_len + n + 1 > c->text_cap) {
        size_t cap = (c->text_cap + n + 1) * 2;
        char *t = realloc(c->text, cap);
        if (!t) {
            if (c->st == FG_OK)
                c->st = FG_FAIL(FG_ENOMEM, "%s: out of memory keeping the config text (%zu bytes)", c->where, cap);
            return false;
        }
        c->text = t;
        c->text_cap = cap;
    }
    memcpy(c->text + c->text_len, s, n + 1);
    c->text_len += n;
    return true;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
    return s;
}

static bool parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !isfinite(v)) return false;
    *out = v;
    return true;
}

static bool parse_i64(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end || errno == ERANGE) return false;
    *out = v;
    return true;
}

static int find_key(const char *const *keys, int n, const char *k)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(keys[i], k)) return i;
    return -1;
}

static bool set_path(parse_ctx *c, char *dst, const char *v)
{
    int n = (v[0] == '/' || !c->dir[0]) ? snprintf(dst, FG_SWEEP_PATH, "%s", v)
                                        : snprintf(dst, FG_SWEEP_PATH, "%s/%s", c->dir, v);
    if (n < 0 || n >= FG_SWEEP_PATH) {
        fail(c, "path '%s' is too long%s", v, "");
        return false;
    }
    return true;
}

static bool one_of(const char *v, const char *a, const char *b, const char *d)
{
    return !strcmp(v, a) || !strcmp(v, b) || (d && !strcmp(v, d));
}

/* Split a comma-separated list; calls item() on each trimmed element. */
typedef bool (*item_fn)(parse_ctx *c, char *item, int idx);

static bool for_items(parse_ctx *c, const char *key, const char *value, int max, item_fn item, int *n)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", value) >= (int)sizeof buf) {
        fail(c, "'%s': the list is longer than 4095 characters%s", key, "");
        return false;
    }
    int count = 0;
    /* split by hand: strtok would skip empty items ("1,,2", "1,") silently */
    for (char *tok = buf, *next; tok; tok = next) {
        char *comma = strchr(tok, ',');
        next = comma ? comma + 1 : NULL;
        if (comma) *comma = '\0';
        char *t = trim(tok);
        if (!*t) {
            if (!comma && !count) break; /* an empty value: reported below */
            fail(c, "'%s': empty item in the list '%s'", key, value);
            return false;
        }
        if (count >= max) {
            char m[32];
            snprintf(m, sizeof m, "%d", max);
            fail(c, "'%s': more than %s values", key, m);
            return false;
        }
        if (!item(c, t, count)) return false;
        count++;
    }
    if (!count) {
        fail(c, "'%s': expected at least one value, got '%s'", key, value);
        return false;
    }
    *n = count;
    return true;
}

static bool item_threshold(parse_ctx *c, char *t, int i)
{
    char *colon = strchr(t, ':');
    double lo, hi;
    if (colon) *colon = '\0';
    if (!colon || !parse_double(trim(t), &lo) || !parse_double(trim(colon + 1), &hi)) {
        if (colon) *colon = ':';
        fail(c, "thresholds: expected lo:hi pairs of numbers such as -2:2, got '%s'%s", t, "");
        return false;
    }
    if (!(lo < hi)) {
        *colon = ':';
        fail(c, "thresholds: '%s' needs lo < hi%s", t, "");
        return false;
    }
    for (int j = 0; j < i; j++)
        if (c->cfg->lo[j] == lo && c->cfg->hi[j] == hi) {
            *colon = ':';
            fail(c, "thresholds: '%s' is listed twice%s", t, "");
            return false;
        }
    c->cfg->lo[i] = lo;
    c->cfg->hi[i] = hi;
    return true;
}

static bool item_k(parse_ctx *c, char *t, int i)
{
    double v;
    if (!parse_double(t, &v) || v < 0) {
        fail(c, "k: expected a non-negative number, got '%s'%s", t, "");
        return false;
    }
    for (int j = 0; j < i; j++)
        if (c->cfg->k[j] == v) {
            fail(c, "k: '%s' is listed twice%s", t, "");
            return false;
        }
    c->cfg->k[i] = v;
    return true;
}

static bool item_communities(parse_ctx *c, char *t, int i)
{
    fg_sweep_communities *cc = &c->cfg->communities[i];
    char item[256]; /* as written: the parse below cuts t */
    snprintf(item, sizeof item, "%s", t);
    char *star = strchr(t, '*');
    int64_t v = 1;
    if (!strcmp(t, "classes")) {
        cc->per_class = true;
    } else if (star) {
        *star = '\0';
        char *a = trim(t), *b = trim(star + 1);
        if (!strcmp(b, "classes") && parse_i64(a, &v)) cc->per_class = true;
        else if (!strcmp(a, "classes") && parse_i64(b, &v)) cc->per_class = true;
        else {
            *star = '*';
            fail(c, "communities: expected a number, 'classes' or 'N*classes', got '%s'%s", t, "");
            return false;
        }
    } else if (parse_i64(t, &v)) {
        cc->per_class = false;
    } else {
        fail(c, "communities: expected a number, 'classes' or 'N*classes', got '%s'%s", t, "");
        return false;
    }
    if (v < 1) {
        fail(c, "communities: '%s' must be at least 1%s", item, "");
        return false;
    }
    if (v > FG_SWEEP_MAX_COMMUNITIES) {
        fail(c, "communities: '%s' is more than %s (a graph has fewer vertices)", item, MAX_COMMUNITIES_STR);
        return false;
    }
    cc->value = v;
    return true;
}

/* One item of `seeds`: a seed or a range a-b, appended to cfg->seeds. */
static bool item_seeds(parse_ctx *c, char *t, int idx)
{
    if (idx == 0) c->cfg->n_seeds = 0;
    int64_t a, b;
    char *dash = strchr(t + (t[0] == '-'), '-');
    if (dash) {
        *dash = '\0';
        if (!parse_i64(trim(t), &a) || !parse_i64(trim(dash + 1), &b) || a < 0 || b < a) {
            *dash = '-';
            fail(c, "seeds: expected a range a-b with 0 <= a <= b, got '%s'%s", t, "");
            return false;
        }
    } else {
        if (!parse_i64(t, &a) || a < 0) {
            fail(c, "seeds: expected non-negative integers or ranges a-b, got '%s'%s", t, "");
            return false;
        }
        b = a;
    }
    /* count from a (b - a cannot overflow: 0 <= a <= b); s++ past INT64_MAX would */
    for (uint64_t i = 0; i <= (uint64_t)(b - a); i++) {
        int64_t s = a + (int64_t)i;
        if (c->cfg->n_seeds >= FG_SWEEP_MAX_SEEDS) {
            fail(c, "seeds: more than 4096 seeds%s%s", "", "");
            return false;
        }
        for (int j = 0; j < c->cfg->n_seeds; j++)
            if (c->cfg->seeds[j] == s) {
                char v[32];
                snprintf(v, sizeof v, "%lld", (long long)s);
                fail(c, "seeds: seed %s is listed twice%s", v, "");
                return false;
            }
        c->cfg->seeds[c->cfg->n_seeds++] = s;
    }
    return true;
}

static bool parse_seeds(parse_ctx *c, const char *value)
{
    int items = 0;
    return for_items(c, "seeds", value, FG_SWEEP_MAX_SEEDS, item_seeds, &items);
}

static bool parse_int_key(parse_ctx *c, const char *key, const char *v, int64_t lo, int64_t hi, int *out)
{
    int64_t x;
    if (!parse_i64(v, &x) || x < lo || x > hi) {
        char range[64];
        snprintf(range, sizeof range, "an integer in %lld..%lld", (long long)lo, (long long)hi);
        char msg[128];
        snprintf(msg, sizeof msg, "'%s': expected %s", key, range);
        fail(c, "%s, got '%s'", msg, v);
        return false;
    }
    *out = (int)x;
    return true;
}

static int sweep_key(parse_ctx *c, const char *key, const char *v)
{
    fg_sweep_config *cfg = c->cfg;
    int idx = find_key(SWEEP_KEYS, N_SWEEP_KEYS, key);
    if (idx < 0) {
        fail(c, "unknown key '%s' in [sweep] (known: weights, out, thresholds, k, communities, seeds, "
                "variant, threads, batch, preprocess, resize, max_iter, conv, precision)%s", key, "");
        return 0;
    }
    if (c->line && (c->seen_sweep & (1u << idx))) {
        fail(c, "'%s' is given twice in [sweep] (a line starting with white space continues the previous "
                "value)%s", key, "");
        return 0;
    }
    c->seen_sweep |= 1u << idx;
    if (!*v && strcmp(key, "out") != 0) {
        fail(c, "'%s' has no value%s", key, "");
        return 0;
    }
    bool ok = true;
    if (!strcmp(key, "weights")) ok = set_path(c, cfg->weights, v);
    else if (!strcmp(key, "out")) ok = set_path(c, cfg->out, v);
    else if (!strcmp(key, "thresholds"))
        ok = for_items(c, key, v, FG_SWEEP_MAX_LIST, item_threshold, &cfg->n_thresholds);
    else if (!strcmp(key, "k")) ok = for_items(c, key, v, FG_SWEEP_MAX_LIST, item_k, &cfg->n_k);
    else if (!strcmp(key, "communities"))
        ok = for_items(c, key, v, FG_SWEEP_MAX_LIST, item_communities, &cfg->n_communities);
    else if (!strcmp(key, "seeds")) ok = parse_seeds(c, v);
    else if (!strcmp(key, "variant")) {
        if ((ok = one_of(v, "paper", "standard", NULL))) snprintf(cfg->variant, sizeof cfg->variant, "%s", v);
        else fail(c, "variant: expected paper or standard, got '%s'%s", v, "");
    } else if (!strcmp(key, "threads")) ok = parse_int_key(c, key, v, 0, 4096, &cfg->threads);
    else if (!strcmp(key, "batch")) ok = parse_int_key(c, key, v, 1, 1024, &cfg->batch);
    else if (!strcmp(key, "max_iter")) ok = parse_int_key(c, key, v, 1, 1000000, &cfg->max_iter);
    else if (!strcmp(key, "preprocess")) {
        if ((ok = one_of(v, "caffe", "raw", NULL))) snprintf(cfg->preprocess, sizeof cfg->preprocess, "%s", v);
        else fail(c, "preprocess: expected caffe or raw, got '%s'%s", v, "");
    } else if (!strcmp(key, "conv")) {
        if ((ok = one_of(v, "direct", "winograd", NULL))) snprintf(cfg->conv, sizeof cfg->conv, "%s", v);
        else fail(c, "conv: expected direct or winograd, got '%s'%s", v, "");
    } else if (!strcmp(key, "precision")) {
        if ((ok = one_of(v, "f32", "bf16", NULL))) snprintf(cfg->precision, sizeof cfg->precision, "%s", v);
        else fail(c, "precision: expected f32 or bf16, got '%s'%s", v, "");
    } else if (!strcmp(key, "resize")) {
        if ((ok = one_of(v, "direct", "crop", NULL))) snprintf(cfg->resize, sizeof cfg->resize, "%s", v);
        else fail(c, "resize: expected direct or crop, got '%s'%s", v, "");
    }
    return ok ? 1 : 0;
}

static fg_sweep_dataset *dataset_for(parse_ctx *c, const char *name, int *index)
{
    fg_sweep_config *cfg = c->cfg;
    for (int i = 0; i < cfg->n_datasets; i++)
        if (!strcmp(cfg->datasets[i].name, name)) {
            *index = i;
            return &cfg->datasets[i];
        }
    return NULL;
}

static bool valid_dataset_name(const char *s)
{
    if (!*s || strlen(s) >= 64) return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.') return false;
    return true;
}

/* A section header: [sweep] or [dataset NAME]. Returns 0 on error. */
static int open_section(parse_ctx *c, const char *section)
{
    if (!strcmp(section, "sweep")) return 1;
    if (!strncmp(section, "dataset", 7) && (section[7] == ' ' || section[7] == '\t')) {
        char name[256];
        snprintf(name, sizeof name, "%s", section + 8);
        char *n = trim(name);
        if (!valid_dataset_name(n)) {
            fail(c, "[%s]: a dataset name is 1-63 letters, digits, '_', '-' or '.'%s", section, "");
            return 0;
        }
        int idx;
        if (dataset_for(c, n, &idx)) {
            if (c->line) {
                fail(c, "[%s] appears twice%s", section, "");
                return 0;
            }
            return 1;
        }
        if (c->cfg->n_datasets == FG_SWEEP_MAX_DATASETS) {
            fail(c, "more than 16 [dataset] sections%s%s", "", "");
            return 0;
        }
        fg_sweep_dataset *d = &c->cfg->datasets[c->cfg->n_datasets++];
        memset(d, 0, sizeof *d);
        snprintf(d->name, sizeof d->name, "%s", n);
        snprintf(d->split, sizeof d->split, "all");
        d->line = c->line;
        return 1;
    }
    fail(c, "unknown section [%s] (expected [sweep] or [dataset NAME])%s", section, "");
    return 0;
}

static int dataset_key(parse_ctx *c, const char *section, const char *key, const char *v)
{
    char name[256];
    int idx = -1;
    snprintf(name, sizeof name, "%s", section + 8);
    fg_sweep_dataset *d = dataset_for(c, trim(name), &idx);
    if (!d) {
        fail(c, "[%s]: no such dataset section%s", section, "");
        return 0;
    }
    int k = find_key(DS_KEYS, N_DS_KEYS, key);
    if (k < 0) {
        fail(c, "unknown key '%s' in [%s] (known: kind, root, split, fne, labels)", key, section);
        return 0;
    }
    if (c->line && (c->seen_ds[idx] & (1u << k))) {
        fail(c, "'%s' is given twice in [%s]", key, section);
        return 0;
    }
    c->seen_ds[idx] |= 1u << k;
    if (!*v) {
        fail(c, "'%s' in [%s] has no value", key, section);
        return 0;
    }
    if (!strcmp(key, "kind")) {
        if (!one_of(v, "folder", "mit67", "flowers102") && !one_of(v, "textures", "wood", NULL)) {
            fail(c, "kind: expected folder, mit67, flowers102, textures or wood, got '%s'%s", v, "");
            return 0;
        }
        snprintf(d->kind, sizeof d->kind, "%s", v);
    } else if (!strcmp(key, "split")) {
        if (!one_of(v, "all", "train", "test") && strcmp(v, "val") != 0) {
            fail(c, "split: expected all, train, val or test, got '%s'%s", v, "");
            return 0;
        }
        snprintf(d->split, sizeof d->split, "%s", v);
    } else if (!strcmp(key, "root")) return set_path(c, d->root, v);
    else if (!strcmp(key, "fne")) return set_path(c, d->fne, v);
    else if (!strcmp(key, "labels")) return set_path(c, d->labels, v);
    return 1;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *c = user;
    if (c->st != FG_OK) return 0;
    if (c->line) {
        snprintf(c->where_buf, sizeof c->where_buf, "%s:%d", c->cfg->path, c->line);
        c->where = c->where_buf;
    }
    if (!*section) {
        fail(c, "'%s' is outside any section (start with [sweep])%s", name, "");
        return 0;
    }
    if (!strcmp(section, "sweep")) return sweep_key(c, name, value);
    if (!strncmp(section, "dataset", 7)) return dataset_key(c, section, name, value);
    fail(c, "unknown section [%s]%s", section, "");
    return 0;
}

/* The reader: counts lines, checks section headers, refuses long lines. */
static char *reader(char *str, int num, void *stream)
{
    parse_ctx *c = stream;
    if (c->st != FG_OK) return NULL;
    if (!fgets(str, num, c->f)) return NULL;
    c->line++;
    snprintf(c->where_buf, sizeof c->where_buf, "%s:%d", c->cfg->path, c->line);
    c->where = c->where_buf;
    if (!append_text(c, str)) return NULL;
    size_t n = strlen(str);
    if (n == (size_t)num - 1 && str[n - 1] != '\n' && !feof(c->f)) {
        char lim[16];
        snprintf(lim, sizeof lim, "%d", num - 2);
        fail(c, "line longer than %s characters (split a long list over lines that start with "
                "white space)%s", lim, "");
        return NULL;
    }
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", str);
    char *t = trim(tmp);
    if (t[0] == '[') {
        char *end = strchr(t, ']');
        if (!end) {
            fail(c, "section header without ']'%s%s", "", "");
            return NULL;
        }
        *end = '\0';
        char *rest = trim(end + 1);
        if (*rest && *rest != ';' && *rest != '#') {
            fail(c, "unexpected text after the section header: '%s'%s", rest, "");
            return NULL;
        }
        if (!open_section(c, trim(t + 1))) return NULL;
    }
    return str;
}

static fg_status apply_override(parse_ctx *c, const char *ov)
{
    char buf[FG_SWEEP_PATH + 256];
    snprintf(c->where_buf, sizeof c->where_buf, "--set '%s'", ov);
    c->where = c->where_buf;
    c->line = 0;
    snprintf(buf, sizeof buf, "%s", ov);
    char *eq = strchr(buf, '=');
    if (!eq) return fail(c, "expected section.key=value%s%s", "", "");
    *eq = '\0';
    char *lhs = trim(buf), *value = trim(eq + 1);
    char *dot = strrchr(lhs, '.');
    if (!dot || dot == lhs) return fail(c, "expected section.key=value%s%s", "", "");
    *dot = '\0';
    char *section = trim(lhs), *key = trim(dot + 1);
    if (!open_section(c, section)) return c->st;
    handler(c, section, key, value);
    return c->st;
}

void fg_sweep_config_destroy(fg_sweep_config *cfg)
{
    if (!cfg) return;
    free(cfg->text);
    cfg->text = NULL;
}

int64_t fg_sweep_communities_for(const fg_sweep_communities *c, int n_classes)
{
    if (!c->per_class) return c->value;
    /* the parser keeps value <= 2^31 - 1, so value * n_classes < 2^62; a
     * hand-made struct out of that range saturates instead of wrapping */
    int64_t k = n_classes > 0 ? n_classes : 0;
    if (c->value > 0 && k > INT64_MAX / c->value) return INT64_MAX;
    return c->value * k;
}

void fg_sweep_communities_str(const fg_sweep_communities *c, char *buf, int n)
{
    if (!c->per_class) snprintf(buf, (size_t)n, "%lld", (long long)c->value);
    else if (c->value == 1) snprintf(buf, (size_t)n, "classes");
    else snprintf(buf, (size_t)n, "%lld*classes", (long long)c->value);
}

fg_status fg_sweep_config_load(const char *path, const char *const *overrides, int n_overrides,
                               const char *out_override, fg_sweep_config *cfg)
{
    parse_ctx c;
    if (!path || !cfg) return FG_FAIL(FG_EINVAL, "fg_sweep_config_load: null argument");
    memset(cfg, 0, sizeof *cfg);
    memset(&c, 0, sizeof c);
    c.cfg = cfg;
    snprintf(cfg->path, sizeof cfg->path, "%s", path);
    /* defaults: the paper's setting */
    cfg->n_thresholds = 1;
    cfg->lo[0] = -2.0;
    cfg->hi[0] = 2.0;
    cfg->n_k = 1;
    cfg->k[0] = 1.5;
    cfg->n_communities = 1;
    cfg->communities[0] = (fg_sweep_communities){1, true};
    cfg->n_seeds = 1;
    cfg->seeds[0] = 1;
    snprintf(cfg->variant, sizeof cfg->variant, "paper");
    snprintf(cfg->preprocess, sizeof cfg->preprocess, "caffe");
    snprintf(cfg->resize, sizeof cfg->resize, "direct");
    snprintf(cfg->conv, sizeof cfg->conv, "direct");
    snprintf(cfg->precision, sizeof cfg->precision, "f32");
    cfg->batch = 8;
    cfg->max_iter = 100;

    snprintf(c.dir, sizeof c.dir, "%s", path);
    char *slash = strrchr(c.dir, '/');
    if (slash) *slash = '\0';
    else snprintf(c.dir, sizeof c.dir, ".");
    /* a regular file: fopen would block on a FIFO */
    fg_status in = fg_i_input_file(path, "a config file", NULL);
    if (in == FG_ENOTFOUND) return FG_FAIL(FG_EIO, "%s: cannot open the config file (%s)", path, strerror(ENOENT));
    if (in != FG_OK) return in;
    c.f = fopen(path, "r");
    if (!c.f) return FG_FAIL(FG_EIO, "%s: cannot open the config file (%s)", path, strerror(errno));
    int r = ini_parse_stream(reader, &c, handler, &c);
    fclose(c.f);
    if (c.st == FG_OK && r != 0) {
        snprintf(c.where_buf, sizeof c.where_buf, "%s:%d", path, r > 0 ? r : c.line);
        c.where = c.where_buf;
        fail(&c, "%s%s", r > 0 ? "cannot parse this line (expected [section], key = value, or a ; comment)"
                                    : "cannot read the file", "");
    }
    c.dir[0] = '\0'; /* overrides: relative to the current folder */
    if (c.st == FG_OK && n_overrides) append_text(&c, "\n; overrides from the command line\n");
    for (int i = 0; c.st == FG_OK && i < n_overrides; i++) {
        apply_override(&c, overrides[i]);
        append_text(&c, "; --set ");
        append_text(&c, overrides[i]);
        append_text(&c, "\n");
    }
    if (c.st == FG_OK && out_override) {
        snprintf(cfg->out, sizeof cfg->out, "%s", out_override);
        append_text(&c, "; --out ");
        append_text(&c, out_override);
        append_text(&c, "\n");
    }
    /* completeness */
    if (c.st == FG_OK) {
        snprintf(c.where_buf, sizeof c.where_buf, "%s", path);
        c.where = c.where_buf;
        if (!cfg->weights[0]) fail(&c, "[sweep] needs 'weights' (the Keras VGG16 .h5 file)%s%s", "", "");
        else if (!cfg->out[0]) fail(&c, "[sweep] needs 'out' (the results .h5 file), or give --out%s%s", "", "");
        else if (!cfg->n_datasets) fail(&c, "no [dataset NAME] section%s%s", "", "");
    }
    for (int i = 0; c.st == FG_OK && i < cfg->n_datasets; i++) {
        fg_sweep_dataset *d = &cfg->datasets[i];
        snprintf(c.where_buf, sizeof c.where_buf, "%s:%d", path, d->line);
        const char *miss = !d->kind[0] ? "kind" : !d->root[0] ? "root" : !d->fne[0] ? "fne" : NULL;
        if (miss) fail(&c, "[dataset %s] needs '%s'", d->name, miss);
        else if (d->labels[0] && strcmp(d->kind, "wood") != 0)
            fail(&c, "[dataset %s]: 'labels' applies to kind = wood only%s", d->name, "");
    }
    cfg->text = c.text;
    if (c.st != FG_OK) fg_sweep_config_destroy(cfg);
    return c.st;
}
