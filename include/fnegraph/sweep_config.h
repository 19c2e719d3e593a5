/* The sweep configuration (docs/formats.md "The sweep configuration"): an INI file
 * read with libinih, plus command-line overrides.
 *
 *   [sweep]   weights, out, thresholds (lo:hi list), k (list), communities
 *             (absolute numbers or multiples of the classes: classes,
 *             2*classes), seeds (ranges a-b and lists), variant, threads,
 *             batch, preprocess, resize, max_iter, conv, precision
 *   [dataset NAME]  kind, root, split, fne, labels (wood's label list)
 *
 * Relative paths in the file are relative to the file's folder; relative
 * paths given through an override are relative to the current folder.
 * Every error names the file and line (or the override) and what was
 * expected. */
#ifndef FNEGRAPH_SWEEP_CONFIG_H
#define FNEGRAPH_SWEEP_CONFIG_H

#include "fnegraph/error.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    FG_SWEEP_MAX_DATASETS = 16,
    FG_SWEEP_MAX_LIST = 64,     /* thresholds, k, communities */
    FG_SWEEP_MAX_SEEDS = 4096,
    FG_SWEEP_PATH = 4096
};
/* Largest community count, and largest multiplier of N*classes (a graph has
 * at most 2^31 - 1 vertices); larger values are refused at parse time with
 * the config's file:line, so fg_sweep_communities_for never overflows. */
#define FG_SWEEP_MAX_COMMUNITIES INT64_C(2147483647)

typedef struct fg_sweep_dataset {
    char name[64];               /* the NAME of [dataset NAME]: labels its rows */
    char kind[16];               /* folder | mit67 | flowers102 | textures | wood */
    char root[FG_SWEEP_PATH];
    char split[8];               /* all | train | val | test */
    char fne[FG_SWEEP_PATH];     /* FNE cache file */
    char labels[FG_SWEEP_PATH];  /* wood: label list ("" = ROOT/names.txt) */
    int line;                    /* line of the section header */
} fg_sweep_dataset;

/* A community count: `value` itself, or value x the dataset's classes. */
typedef struct fg_sweep_communities {
    int64_t value;
    bool per_class;
} fg_sweep_communities;

typedef struct fg_sweep_config {
    char path[FG_SWEEP_PATH];    /* the config file */
    char weights[FG_SWEEP_PATH];
    char out[FG_SWEEP_PATH];
    int n_thresholds;
    double lo[FG_SWEEP_MAX_LIST], hi[FG_SWEEP_MAX_LIST];
    int n_k;
    double k[FG_SWEEP_MAX_LIST];
    int n_communities;
    fg_sweep_communities communities[FG_SWEEP_MAX_LIST];
    int n_seeds;
    int64_t seeds[FG_SWEEP_MAX_SEEDS];
    char variant[16];            /* paper | standard */
    int threads;                 /* 0 = all cores */
    int batch;                   /* extraction batch */
    char preprocess[8];          /* caffe | raw */
    char resize[8];              /* direct | crop */
    int max_iter;                /* FluidC sweeps cap */
    char conv[16];               /* extraction: direct | winograd (net.h) */
    char precision[8];           /* extraction: f32 | bf16 */
    int n_datasets;
    fg_sweep_dataset datasets[FG_SWEEP_MAX_DATASETS];
    char *text;                  /* the file's text plus the overrides, for the results file */
} fg_sweep_config;

/* Read `path`, then apply each override "section.key=value" in order
 * (e.g. "sweep.k=2", "dataset wood.root=/data/wood"), then check that the
 * result is complete. out_override (or NULL) replaces sweep.out. */
fg_status fg_sweep_config_load(const char *path, const char *const *overrides, int n_overrides,
                               const char *out_override, fg_sweep_config *cfg);
/* Free what load allocated; accepts a zeroed object. */
void fg_sweep_config_destroy(fg_sweep_config *cfg);
/* The community count for a dataset with n_classes classes (a value the
 * parser accepted times n_classes: at most (2^31 - 1)^2, no overflow; a
 * struct made by hand beyond that saturates at INT64_MAX). */
int64_t fg_sweep_communities_for(const fg_sweep_communities *c, int n_classes);
/* "10", "classes", "2*classes" */
void fg_sweep_communities_str(const fg_sweep_communities *c, char *buf, int n);

#ifdef __cplusplus
}
#endif
#endif
