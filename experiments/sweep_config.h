/* The sweep configuration (docs/formats.md "The sweep configuration"): an INI file
 * read with libinih, plus command-line overrides, parsed into typed values.
 *
 *   [sweep]   weights, out, thresholds (lo:hi list), k (list), communities
 *             (absolute numbers or multiples of the classes: classes,
 *             2*classes), seeds (ranges a-b and lists), variant, threads,
 *             batch, preprocess, resize, max_iter, conv, precision, methods
 *             (fluidc, kmeans, kmeans-ternary), restarts, kmeans_max_iter
 *   [dataset NAME]  kind, root, split, fne, labels (wood's label list)
 *
 * Values are the stages' own types: the enums their fg_*_parse functions
 * return (which also own the accepted names), numbers, and heap arrays and
 * strings of any length. Relative paths in the file are relative to the
 * file's folder; relative paths given through an override are relative to
 * the current folder. Every error names the file and line (or the override)
 * and what was expected. Part of the `fnegraph` command, not of the library. */
#ifndef FNEGRAPH_EXPERIMENTS_SWEEP_CONFIG_H
#define FNEGRAPH_EXPERIMENTS_SWEEP_CONFIG_H

#include "fnegraph/community.h"
#include "fnegraph/dataset.h"
#include "fnegraph/error.h"
#include "fnegraph/image.h"
#include "fnegraph/kmeans.h"
#include "fnegraph/net.h"

#include <stdbool.h>
#include <stdint.h>

/* Safety bounds, checked at parse time with the config's file:line: the
 * seeds of one config (a range 0-10000000000 would be a list of 10^10), and
 * the largest community count or multiplier of N*classes (a graph has at
 * most 2^31 - 1 vertices), so that fg_sweep_communities_for never overflows. */
enum { FG_SWEEP_MAX_SEEDS = 4096 };
#define FG_SWEEP_MAX_COMMUNITIES INT64_C(2147483647)

typedef struct fg_sweep_dataset {
    char *name;                  /* the NAME of [dataset NAME]: labels its rows */
    char *kind;                  /* a kind fg_dataset_open knows (fg_dataset_kind_known) */
    char *root;
    fg_split split;              /* default FG_SPLIT_ALL */
    char *fne;                   /* FNE cache file */
    char *labels;                /* wood: label list; NULL: ROOT/names.txt */
    int line;                    /* line of the section header */
} fg_sweep_dataset;

/* A community count: `value` itself, or value x the dataset's classes. */
typedef struct fg_sweep_communities {
    int64_t value;
    bool per_class;
} fg_sweep_communities;

typedef struct fg_sweep_config {
    char *path;                  /* the config file */
    char *weights;
    char *out;
    int n_thresholds;
    double *lo, *hi;             /* [n_thresholds] */
    int n_k;
    double *k;                   /* [n_k] */
    int n_communities;
    fg_sweep_communities *communities; /* [n_communities] */
    int n_seeds;
    int64_t *seeds;              /* [n_seeds] */
    fg_fluid_variant variant;
    int threads;                 /* 0 = all cores */
    int batch;                   /* extraction batch */
    fg_preprocess preprocess;
    fg_resize_mode resize;
    int max_iter;                /* FluidC sweeps cap */
    fg_conv_algo conv;           /* extraction mode (net.h) */
    fg_precision precision;
    int n_methods;               /* the methods of every (dataset, lo, hi, k, communities, seed) */
    fg_method methods[FG_METHOD_COUNT];  /* each once, in the config's order; default: fluidc */
    int restarts;                /* k-means restarts (default 1) */
    int kmeans_max_iter;         /* k-means Lloyd iterations cap (default 300) */
    int n_datasets;
    fg_sweep_dataset *datasets;  /* [n_datasets] */
    char *text;                  /* the file's text plus the overrides, for the results file */
} fg_sweep_config;

/* Read `path`, then apply each override "section.key=value" in order
 * (e.g. "sweep.k=2", "dataset wood.root=/data/wood"), then check that the
 * result is complete. out_override (or NULL) replaces sweep.out. Out of
 * memory is an FG_ENOMEM naming what was being kept. */
fg_status fg_sweep_config_load(const char *path, const char *const *overrides, int n_overrides,
                               const char *out_override, fg_sweep_config *cfg);
/* Free what load allocated; accepts a zeroed or half-built object and leaves it zeroed. */
void fg_sweep_config_destroy(fg_sweep_config *cfg);
/* Free one dataset's strings (for a caller that drops datasets from a config). */
void fg_sweep_dataset_destroy(fg_sweep_dataset *d);
/* The community count for a dataset with n_classes classes (a value the
 * parser accepted times n_classes: at most (2^31 - 1)^2, no overflow; a
 * struct made by hand beyond that saturates at INT64_MAX). */
int64_t fg_sweep_communities_for(const fg_sweep_communities *c, int n_classes);
/* Does the config ask for method m? */
bool fg_sweep_has_method(const fg_sweep_config *cfg, fg_method m);
/* "10", "classes", "2*classes" */
void fg_sweep_communities_str(const fg_sweep_communities *c, char *buf, int n);

#endif
