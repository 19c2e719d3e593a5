/* Internal: the pieces of the sweep configuration's parser shared by
 * sweep_config.c (the INI file, sections, the key table, overrides) and
 * sweep_config_values.c (messages, numbers, lists). */
#ifndef FNEGRAPH_EXPERIMENTS_SWEEP_CONFIG_I_H
#define FNEGRAPH_EXPERIMENTS_SWEEP_CONFIG_I_H

#include "sweep_config.h"

#include <stdio.h>

/* A growable array; every growth checked. */
typedef struct vec {
    void *p;
    int n, cap;
    size_t size; /* of an element */
} vec;

typedef struct parse_ctx {
    fg_sweep_config *cfg;
    FILE *f;
    int line;             /* line just read (0 for overrides) */
    const char *ov;       /* the override being applied, or NULL */
    int where_line;       /* line messages name (-1: the file as a whole) */
    char *dir;            /* folder of the config file; "" for overrides */
    fg_status st;         /* first error */
    char *text;
    size_t text_len, text_cap;
    unsigned seen_sweep;  /* bit per [sweep] key given (duplicate check) */
    vec datasets;         /* fg_sweep_dataset */
    vec seen_ds;          /* unsigned, bit per key, one per dataset */
} parse_ctx;

/* The one formatter of messages: "<where>: <message>" (where: the
 * override, file:line, or the file), the first error wins; returns it. */
fg_status fg_i_sweep_fail_as(parse_ctx *c, fg_status code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define fail(c, ...) fg_i_sweep_fail_as((c), FG_EINVAL, __VA_ARGS__)
#define fail_as fg_i_sweep_fail_as

/* A new element at the end of v (NULL after an out-of-memory error). */
void *fg_i_sweep_grow(parse_ctx *c, vec *v);
/* A heap copy of s (NULL after an out-of-memory error). */
char *fg_i_sweep_dup(parse_ctx *c, const char *s);
/* s without leading and trailing white space (cut in place). */
char *fg_i_sweep_trim(char *s);
/* A whole string as a finite double / an int64_t. */
bool fg_i_sweep_double(const char *s, double *out);
bool fg_i_sweep_i64(const char *s, int64_t *out);

/* The list keys of [sweep]. */
typedef enum sweep_list { L_THRESHOLDS, L_K, L_COMMUNITIES, L_SEEDS } sweep_list;
/* Parse the list value v of key (one of `which`) whole, then put it in
 * place of the config's previous one. */
bool fg_i_sweep_set_list(parse_ctx *c, sweep_list which, const char *key, const char *v);

#endif
