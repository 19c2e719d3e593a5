/* Sweep configuration: INI through libinih (Debian's build: no line numbers
 * in the handler, lines of at most 199 characters), so lines are counted by
 * our own reader, which also sees section headers (inih reports only keys)
 * and refuses over-long lines instead of letting inih split them.
 *
 * One table of keys (KEYS_SWEEP, KEYS_DATASET) drives the file's keys, the
 * --set overrides and the "known keys" messages; enum values go through the
 * stages' own parse and name functions, which also give the accepted names
 * in messages. Every message goes through fail_as (file:line, or the
 * override, first); every allocation is checked. */
#include "sweep_config_i.h"

#include "core/file_guard.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
            fail_as(c, FG_ENOMEM, "out of memory keeping the config text (%zu bytes)", cap);
            return false;
        }
        c->text = t;
        c->text_cap = cap;
    }
    memcpy(c->text + c->text_len, s, n + 1);
    c->text_len += n;
    return true;
}

/* *dst = v as a path: relative to the config's folder (overrides: as given). */
static bool set_path(parse_ctx *c, char **dst, const char *v)
{
    bool as_is = v[0] == '/' || !c->dir[0];
    size_t n = strlen(c->dir) + strlen(v) + 2;
    char *p = malloc(n);
    if (!p) {
        fail_as(c, FG_ENOMEM, "out of memory (path '%s')", v);
        return false;
    }
    if (as_is) memcpy(p, v, strlen(v) + 1);
    else snprintf(p, n, "%s/%s", c->dir, v);
    free(*dst);
    *dst = p;
    return true;
}

/* ---- enums: the stages' parse and name functions ---- */

typedef struct enum_def {
    bool (*parse)(const char *s, int *v);
    const char *(*name)(int v);
    void (*store)(void *obj, int v);
} enum_def;

#define ENUM_DEF(id, type, parse_fn, name_fn, obj_type, field)                  \
    static bool id##_parse(const char *s, int *v)                               \
    {                                                                           \
        type x;                                                                 \
        if (parse_fn(s, &x) != FG_OK) return false;                             \
        *v = (int)x;                                                            \
        return true;                                                            \
    }                                                                           \
    static const char *id##_name(int v) { return name_fn((type)v); }            \
    static void id##_store(void *o, int v) { ((obj_type *)o)->field = (type)v; } \
    static const enum_def id = {id##_parse, id##_name, id##_store};

ENUM_DEF(E_VARIANT, fg_fluid_variant, fg_fluid_variant_parse, fg_fluid_variant_name, fg_sweep_config, variant)
ENUM_DEF(E_PREPROCESS, fg_preprocess, fg_preprocess_parse, fg_preprocess_name, fg_sweep_config, preprocess)
ENUM_DEF(E_RESIZE, fg_resize_mode, fg_resize_mode_parse, fg_resize_mode_name, fg_sweep_config, resize)
ENUM_DEF(E_CONV, fg_conv_algo, fg_conv_algo_parse, fg_conv_algo_name, fg_sweep_config, conv)
ENUM_DEF(E_PRECISION, fg_precision, fg_precision_parse, fg_precision_name, fg_sweep_config, precision)
ENUM_DEF(E_SPLIT, fg_split, fg_split_parse, fg_split_name, fg_sweep_dataset, split)

/* "a, b or c": the values 0, 1, ... whose name parses back to them. */
static void enum_names(const enum_def *e, char *buf, size_t n)
{
    const char *names[32];
    int k = 0;
    for (int v; k < 32; k++) {
        names[k] = e->name(k);
        if (!names[k] || !e->parse(names[k], &v) || v != k) break;
    }
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < k && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s", i == 0 ? "" : i == k - 1 ? " or " : ", ", names[i]);
}

/* ---- the keys ---- */

typedef enum key_type { K_PATH, K_INT, K_ENUM, K_KIND, K_METHODS, K_THRESHOLDS, K_K, K_COMMUNITIES, K_SEEDS } key_type;

typedef struct key_def {
    const char *name;
    key_type type;
    size_t off;          /* K_PATH, K_KIND, K_INT: the field in fg_sweep_config / fg_sweep_dataset */
    int lo, hi;          /* K_INT */
    const enum_def *e;   /* K_ENUM */
    bool may_be_empty;
} key_def;

#define CFG(f) offsetof(fg_sweep_config, f)
#define DS(f) offsetof(fg_sweep_dataset, f)
static const key_def KEYS_SWEEP[] = {
    {"weights", K_PATH, CFG(weights), 0, 0, NULL, false},
    {"out", K_PATH, CFG(out), 0, 0, NULL, true},
    {"thresholds", K_THRESHOLDS, 0, 0, 0, NULL, false},
    {"k", K_K, 0, 0, 0, NULL, false},
    {"communities", K_COMMUNITIES, 0, 0, 0, NULL, false},
    {"seeds", K_SEEDS, 0, 0, 0, NULL, false},
    {"variant", K_ENUM, 0, 0, 0, &E_VARIANT, false},
    {"threads", K_INT, CFG(threads), 0, 4096, NULL, false},
    {"batch", K_INT, CFG(batch), 1, 1024, NULL, false},
    {"preprocess", K_ENUM, 0, 0, 0, &E_PREPROCESS, false},
    {"resize", K_ENUM, 0, 0, 0, &E_RESIZE, false},
    {"max_iter", K_INT, CFG(max_iter), 1, 1000000, NULL, false},
    {"conv", K_ENUM, 0, 0, 0, &E_CONV, false},
    {"precision", K_ENUM, 0, 0, 0, &E_PRECISION, false},
    {"methods", K_METHODS, 0, 0, 0, NULL, false},
    {"restarts", K_INT, CFG(restarts), 1, 100000, NULL, false},
    {"kmeans_max_iter", K_INT, CFG(kmeans_max_iter), 1, 1000000, NULL, false},
};
static const key_def KEYS_DATASET[] = {
    {"kind", K_KIND, DS(kind), 0, 0, NULL, false},
    {"root", K_PATH, DS(root), 0, 0, NULL, false},
    {"split", K_ENUM, 0, 0, 0, &E_SPLIT, false},
    {"fne", K_PATH, DS(fne), 0, 0, NULL, false},
    {"labels", K_PATH, DS(labels), 0, 0, NULL, false},
};
enum { N_KEYS_SWEEP = sizeof KEYS_SWEEP / sizeof *KEYS_SWEEP, N_KEYS_DATASET = sizeof KEYS_DATASET / sizeof *KEYS_DATASET };

static int find_key(const key_def *keys, int n, const char *k)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(keys[i].name, k)) return i;
    return -1;
}

static void key_names(const key_def *keys, int n, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", keys[i].name);
}

/* methods = fluidc, kmeans, kmeans-ternary: each known, each once. */
static bool set_methods(parse_ctx *c, const char *v)
{
    fg_method m[FG_METHOD_COUNT];
    int n = 0;
    char *copy = fg_i_sweep_dup(c, v);
    if (!copy) return false;
    bool ok = true;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); ok && tok; tok = strtok_r(NULL, ",", &save)) {
        tok = fg_i_sweep_trim(tok);
        fg_method x;
        if (fg_method_parse(tok, &x) != FG_OK) {
            fail(c, "methods: expected a list of fluidc, kmeans, kmeans-ternary, got '%s'", tok);
            ok = false;
            break;
        }
        for (int i = 0; i < n; i++)
            if (m[i] == x) {
                fail(c, "methods: '%s' is listed twice", tok);
                ok = false;
            }
        if (ok) m[n++] = x;
    }
    if (ok && n == 0) {
        fail(c, "methods: expected a list of fluidc, kmeans, kmeans-ternary, got '%s'", v);
        ok = false;
    }
    free(copy);
    if (!ok) return false;
    memcpy(c->cfg->methods, m, sizeof m);
    c->cfg->n_methods = n;
    return true;
}

bool fg_sweep_has_method(const fg_sweep_config *cfg, fg_method m)
{
    for (int i = 0; i < cfg->n_methods; i++)
        if (cfg->methods[i] == m) return true;
    return false;
}

/* Key k = v of obj (the config, or a dataset of it). */
static bool set_value(parse_ctx *c, const key_def *k, void *obj, const char *v)
{
    char *field = (char *)obj + k->off;
    switch (k->type) {
    case K_PATH: return set_path(c, (char **)(void *)field, v);
    case K_KIND: {
        if (!fg_dataset_kind_known(v)) {
            fail(c, "kind: expected %s, got '%s'", FG_DATASET_KINDS, v);
            return false;
        }
        char *s = fg_i_sweep_dup(c, v);
        if (!s) return false;
        free(*(char **)(void *)field);
        *(char **)(void *)field = s;
        return true;
    }
    case K_INT: {
        int64_t x;
        if (!fg_i_sweep_i64(v, &x) || x < k->lo || x > k->hi) {
            fail(c, "'%s': expected an integer in %d..%d, got '%s'", k->name, k->lo, k->hi, v);
            return false;
        }
        *(int *)(void *)field = (int)x;
        return true;
    }
    case K_ENUM: {
        int x;
        if (!k->e->parse(v, &x)) {
            char names[256];
            enum_names(k->e, names, sizeof names);
            fail(c, "%s: expected %s, got '%s'", k->name, names, v);
            return false;
        }
        k->e->store(obj, x);
        return true;
    }
    case K_METHODS: return set_methods(c, v);
    default: return fg_i_sweep_set_list(c, (sweep_list)(k->type - K_THRESHOLDS), k->name, v);
    }
}

static int sweep_key(parse_ctx *c, const char *key, const char *v)
{
    int idx = find_key(KEYS_SWEEP, N_KEYS_SWEEP, key);
    if (idx < 0) {
        char known[512];
        key_names(KEYS_SWEEP, N_KEYS_SWEEP, known, sizeof known);
        fail(c, "unknown key '%s' in [sweep] (known: %s)", key, known);
        return 0;
    }
    if (c->line && (c->seen_sweep & (1u << idx))) {
        fail(c, "'%s' is given twice in [sweep] (a line starting with white space continues the previous "
                "value)", key);
        return 0;
    }
    c->seen_sweep |= 1u << idx;
    if (!*v && !KEYS_SWEEP[idx].may_be_empty) {
        fail(c, "'%s' has no value", key);
        return 0;
    }
    return set_value(c, &KEYS_SWEEP[idx], c->cfg, v) ? 1 : 0;
}

static int dataset_index(parse_ctx *c, const char *name)
{
    const fg_sweep_dataset *d = c->datasets.p;
    for (int i = 0; i < c->datasets.n; i++)
        if (!strcmp(d[i].name, name)) return i;
    return -1;
}

static bool valid_dataset_name(const char *s)
{
    if (!*s || strlen(s) >= 64) return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.') return false;
    return true;
}

/* The NAME of a "dataset NAME" section, trimmed (heap), or NULL after an error. */
static char *section_name(parse_ctx *c, const char *section)
{
    char *copy = fg_i_sweep_dup(c, section + 8);
    if (!copy) return NULL;
    char *t = fg_i_sweep_trim(copy);
    memmove(copy, t, strlen(t) + 1);
    return copy;
}

/* A section header: [sweep] or [dataset NAME]. Returns 0 on error. */
static int open_section(parse_ctx *c, const char *section)
{
    if (!strcmp(section, "sweep")) return 1;
    if (!strncmp(section, "dataset", 7) && (section[7] == ' ' || section[7] == '\t')) {
        char *n = section_name(c, section);
        if (!n) return 0;
        int ok = 1;
        if (!valid_dataset_name(n)) {
            fail(c, "[%s]: a dataset name is 1-63 letters, digits, '_', '-' or '.'", section);
            ok = 0;
        } else if (dataset_index(c, n) >= 0) {
            if (c->line) {
                fail(c, "[%s] appears twice", section);
                ok = 0;
            }
        } else {
            unsigned *seen = fg_i_sweep_grow(c, &c->seen_ds);
            fg_sweep_dataset *d = seen ? fg_i_sweep_grow(c, &c->datasets) : NULL;
            if (!d) {
                if (seen) c->seen_ds.n--;
                ok = 0;
            } else {
                *seen = 0;
                *d = (fg_sweep_dataset){.name = n, .split = FG_SPLIT_ALL, .line = c->line};
                c->cfg->datasets = c->datasets.p; /* so that destroy frees it, whatever comes next */
                c->cfg->n_datasets = c->datasets.n;
                return 1;
            }
        }
        free(n);
        return ok;
    }
    fail(c, "unknown section [%s] (expected [sweep] or [dataset NAME])", section);
    return 0;
}

static int dataset_key(parse_ctx *c, const char *section, const char *key, const char *v)
{
    char *name = section_name(c, section);
    if (!name) return 0;
    int idx = dataset_index(c, name);
    free(name);
    if (idx < 0) {
        fail(c, "[%s]: no such dataset section", section);
        return 0;
    }
    int k = find_key(KEYS_DATASET, N_KEYS_DATASET, key);
    if (k < 0) {
        char known[256];
        key_names(KEYS_DATASET, N_KEYS_DATASET, known, sizeof known);
        fail(c, "unknown key '%s' in [%s] (known: %s)", key, section, known);
        return 0;
    }
    unsigned *seen = (unsigned *)c->seen_ds.p + idx;
    if (c->line && (*seen & (1u << k))) {
        fail(c, "'%s' is given twice in [%s]", key, section);
        return 0;
    }
    *seen |= 1u << k;
    if (!*v) {
        fail(c, "'%s' in [%s] has no value", key, section);
        return 0;
    }
    return set_value(c, &KEYS_DATASET[k], (fg_sweep_dataset *)c->datasets.p + idx, v) ? 1 : 0;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *c = user;
    if (c->st != FG_OK) return 0;
    if (c->line) c->where_line = c->line;
    if (!*section) {
        fail(c, "'%s' is outside any section (start with [sweep])", name);
        return 0;
    }
    if (!strcmp(section, "sweep")) return sweep_key(c, name, value);
    if (!strncmp(section, "dataset", 7)) return dataset_key(c, section, name, value);
    fail(c, "unknown section [%s]", section);
    return 0;
}

/* The reader: counts lines, checks section headers, refuses long lines. */
static char *reader(char *str, int num, void *stream)
{
    parse_ctx *c = stream;
    if (c->st != FG_OK) return NULL;
    if (!fgets(str, num, c->f)) return NULL;
    c->line++;
    c->where_line = c->line;
    if (!append_text(c, str)) return NULL;
    size_t n = strlen(str);
    if (n == (size_t)num - 1 && str[n - 1] != '\n' && !feof(c->f)) {
        fail(c, "line longer than %d characters (split a long list over lines that start with "
                "white space)", num - 2);
        return NULL;
    }
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", str);
    char *t = fg_i_sweep_trim(tmp);
    if (t[0] == '[') {
        char *end = strchr(t, ']');
        if (!end) {
            fail(c, "section header without ']'");
            return NULL;
        }
        *end = '\0';
        char *rest = fg_i_sweep_trim(end + 1);
        if (*rest && *rest != ';' && *rest != '#') {
            fail(c, "unexpected text after the section header: '%s'", rest);
            return NULL;
        }
        if (!open_section(c, fg_i_sweep_trim(t + 1))) return NULL;
    }
    return str;
}

static fg_status apply_override(parse_ctx *c, const char *ov)
{
    c->ov = ov;
    c->line = 0;
    char *buf = fg_i_sweep_dup(c, ov);
    if (!buf) return c->st;
    char *eq = strchr(buf, '=');
    char *dot = NULL, *lhs = buf, *value = NULL;
    if (eq) {
        *eq = '\0';
        lhs = fg_i_sweep_trim(buf);
        value = fg_i_sweep_trim(eq + 1);
        dot = strrchr(lhs, '.');
    }
    if (!dot || dot == lhs) {
        fail(c, "expected section.key=value");
    } else {
        *dot = '\0';
        char *section = fg_i_sweep_trim(lhs), *key = fg_i_sweep_trim(dot + 1);
        if (open_section(c, section)) handler(c, section, key, value);
    }
    free(buf);
    return c->st;
}

void fg_sweep_dataset_destroy(fg_sweep_dataset *d)
{
    if (!d) return;
    free(d->name);
    free(d->kind);
    free(d->root);
    free(d->fne);
    free(d->labels);
    memset(d, 0, sizeof *d);
}

void fg_sweep_config_destroy(fg_sweep_config *cfg)
{
    if (!cfg) return;
    for (int i = 0; cfg->datasets && i < cfg->n_datasets; i++) fg_sweep_dataset_destroy(&cfg->datasets[i]);
    free(cfg->datasets);
    free(cfg->path);
    free(cfg->weights);
    free(cfg->out);
    free(cfg->lo);
    free(cfg->hi);
    free(cfg->k);
    free(cfg->communities);
    free(cfg->seeds);
    free(cfg->text);
    memset(cfg, 0, sizeof *cfg);
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

/* The paper's setting. */
static fg_status set_defaults(parse_ctx *c)
{
    fg_sweep_config *cfg = c->cfg;
    cfg->lo = malloc(sizeof *cfg->lo);
    cfg->hi = malloc(sizeof *cfg->hi);
    cfg->k = malloc(sizeof *cfg->k);
    cfg->communities = malloc(sizeof *cfg->communities);
    cfg->seeds = malloc(sizeof *cfg->seeds);
    if (!cfg->lo || !cfg->hi || !cfg->k || !cfg->communities || !cfg->seeds)
        return fail_as(c, FG_ENOMEM, "out of memory");
    cfg->n_thresholds = 1;
    cfg->lo[0] = -2.0;
    cfg->hi[0] = 2.0;
    cfg->n_k = 1;
    cfg->k[0] = 1.5;
    cfg->n_communities = 1;
    cfg->communities[0] = (fg_sweep_communities){1, true};
    cfg->n_seeds = 1;
    cfg->seeds[0] = 1;
    cfg->variant = FG_FLUID_PAPER;
    cfg->preprocess = FG_PREPROCESS_CAFFE;
    cfg->resize = FG_RESIZE_DIRECT;
    cfg->conv = FG_CONV_DIRECT;
    cfg->precision = FG_PRECISION_F32;
    cfg->batch = 8;
    cfg->max_iter = 100;
    cfg->n_methods = 1;
    cfg->methods[0] = FG_METHOD_FLUIDC;
    cfg->restarts = 1;
    cfg->kmeans_max_iter = FG_KMEANS_DEFAULT_MAX_ITER;
    return FG_OK;
}

/* What a config must say, once everything is read. */
static void check_complete(parse_ctx *c)
{
    fg_sweep_config *cfg = c->cfg;
    c->ov = NULL;
    c->where_line = -1;
    if (!cfg->weights) fail(c, "[sweep] needs 'weights' (the Keras VGG16 .h5 file)");
    else if (!cfg->out || !cfg->out[0]) fail(c, "[sweep] needs 'out' (the results .h5 file), or give --out");
    else if (!cfg->n_datasets) fail(c, "no [dataset NAME] section");
    for (int i = 0; c->st == FG_OK && i < cfg->n_datasets; i++) {
        const fg_sweep_dataset *d = &cfg->datasets[i];
        c->where_line = d->line;
        const char *miss = !d->kind ? "kind" : !d->root ? "root" : !d->fne ? "fne" : NULL;
        if (miss) fail(c, "[dataset %s] needs '%s'", d->name, miss);
        else if (d->labels && strcmp(d->kind, "wood") != 0)
            fail(c, "[dataset %s]: 'labels' applies to kind = wood only", d->name);
    }
}

fg_status fg_sweep_config_load(const char *path, const char *const *overrides, int n_overrides,
                               const char *out_override, fg_sweep_config *cfg)
{
    parse_ctx c;
    if (!path || !cfg) return FG_FAIL(FG_EINVAL, "fg_sweep_config_load: null argument");
    memset(cfg, 0, sizeof *cfg);
    memset(&c, 0, sizeof c);
    c.cfg = cfg;
    c.where_line = -1;
    c.datasets.size = sizeof(fg_sweep_dataset);
    c.seen_ds.size = sizeof(unsigned);
    cfg->path = malloc(strlen(path) + 1);
    c.dir = malloc(strlen(path) + 2);
    if (!cfg->path || !c.dir) {
        free(c.dir);
        fg_sweep_config_destroy(cfg);
        return FG_FAIL(FG_ENOMEM, "%s: out of memory", path);
    }
    memcpy(cfg->path, path, strlen(path) + 1);
    if (set_defaults(&c) != FG_OK) goto done;

    memcpy(c.dir, path, strlen(path) + 1);
    char *slash = strrchr(c.dir, '/');
    if (slash) *slash = '\0';
    else memcpy(c.dir, ".", 2);
    /* a regular file: fopen would block on a FIFO */
    fg_status in = fg_i_input_file(path, "a config file", NULL);
    if (in == FG_ENOTFOUND) {
        c.st = FG_FAIL(FG_EIO, "%s: cannot open the config file (%s)", path, strerror(ENOENT));
        goto done;
    }
    if (in != FG_OK) {
        c.st = in;
        goto done;
    }
    c.f = fopen(path, "r");
    if (!c.f) {
        c.st = FG_FAIL(FG_EIO, "%s: cannot open the config file (%s)", path, strerror(errno));
        goto done;
    }
    int r = ini_parse_stream(reader, &c, handler, &c);
    fclose(c.f);
    if (c.st == FG_OK && r != 0) {
        c.where_line = r > 0 ? r : c.line;
        fail(&c, "%s", r > 0 ? "cannot parse this line (expected [section], key = value, or a ; comment)"
                             : "cannot read the file");
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
        char *o = fg_i_sweep_dup(&c, out_override);
        if (o) {
            free(cfg->out);
            cfg->out = o;
        }
        append_text(&c, "; --out ");
        append_text(&c, out_override);
        append_text(&c, "\n");
    }
    if (c.st == FG_OK) check_complete(&c);
done:
    cfg->text = c.text;
    cfg->datasets = c.datasets.p;
    cfg->n_datasets = c.datasets.n;
    free(c.seen_ds.p);
    free(c.dir);
    if (c.st != FG_OK) fg_sweep_config_destroy(cfg);
    return c.st;
}
