/* Planning a sweep: which datasets, how many classes, how many graphs and
 * runs the grid holds and how many of them the results file already has.
 * Listing a dataset is cheap (a directory walk and its label files); it runs
 * for every dataset before any long work, so that a missing root or a bad
 * label file is reported at once, not hours into a sweep. */
#include "sweep.h"

#include "fnegraph/community.h"
#include "fnegraph/fne_file.h"
#include "fnegraph/mem.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static bool path_exists(const char *p)
{
    struct stat s;
    return stat(p, &s) == 0;
}

/* Classes that have at least one image among labels[n]. */
static int classes_present(const int32_t *label, int64_t n, int n_classes)
{
    if (n_classes <= 0) return 0;
    char *seen = fg_calloc((size_t)n_classes, 1);
    if (!seen) return n_classes;
    int k = 0;
    for (int64_t i = 0; i < n; i++)
        if (label[i] >= 0 && label[i] < n_classes && !seen[label[i]]) {
            seen[label[i]] = 1;
            k++;
        }
    fg_free(seen);
    return k;
}

static fg_status list_dataset(const fg_sweep_config *cfg, fg_sweep_plan_ds *pd)
{
    const fg_sweep_dataset *d = pd->cfg;
    fg_status st = FG_OK;
    if (!path_exists(d->root)) {
        if (!path_exists(d->fne))
            return FG_FAIL(FG_ENOTFOUND,
                           "%s:%d: [dataset %s]: root '%s' does not exist, nor its FNE cache '%s'%s",
                           cfg->path, d->line, d->name, d->root, d->fne,
                           strcmp(d->kind, "folder") != 0 ? " (scripts/download-datasets fetches the paper's datasets)"
                                                     : "");
        /* the root is gone (e.g. the cache was copied to another machine):
         * the complete cache stands in for it; its metadata is checked
         * against the config and the weights before use. Its labels say
         * which classes it holds: read all but the matrix. */
        fg_fne f;
        memset(&f, 0, sizeof f);
        st = fg_fne_read_header(d->fne, &f);
        if (st != FG_OK)
            return FG_FAIL(st, "%s:%d: [dataset %s]: root '%s' does not exist, and its FNE cache cannot stand in "
                           "for it: %s",
                           cfg->path, d->line, d->name, d->root, fg_last_error());
        pd->n_classes = classes_present(f.label, f.n, f.n_classes);
        pd->have_listing = false;
        fg_fne_destroy(&f);
        return FG_OK;
    }
    fg_dataset all;
    memset(&all, 0, sizeof all);
    st = fg_dataset_open(d->kind, d->root, d->labels, &all);
    if (st == FG_OK) st = fg_dataset_select(&all, d->split, &pd->ds);
    fg_dataset_destroy(&all);
    if (st != FG_OK)
        return FG_FAIL(st, "%s:%d: [dataset %s]: %s", cfg->path, d->line, d->name, fg_last_error());
    pd->have_listing = true;
    pd->n_classes = classes_present(pd->ds.label, pd->ds.n, pd->ds.n_classes);
    return FG_OK;
}

/* The rows of the grid for one dataset, and how many r already holds. */
static void count_rows(const fg_sweep_config *cfg, const fg_results *r, fg_sweep_plan_ds *pd)
{
    pd->graphs_total = pd->graphs_done = pd->runs_total = pd->runs_done = 0;
    for (int t = 0; t < cfg->n_thresholds; t++)
        for (int kk = 0; kk < cfg->n_k; kk++) {
            const double lo = cfg->lo[t], hi = cfg->hi[t], k = cfg->k[kk];
            if (fg_sweep_has_method(cfg, FG_METHOD_FLUIDC)) { /* only FluidC needs the graph */
                pd->graphs_total++;
                if (r && fg_results_has_graph(r, pd->cfg->name, lo, hi, k)) pd->graphs_done++;
            }
            for (int m = 0; m < cfg->n_methods; m++)
                for (int c = 0; c < pd->n_comm; c++)
                    for (int s = 0; s < cfg->n_seeds; s++) {
                        pd->runs_total++;
                        if (r && fg_results_has_run_method(r, pd->cfg->name, lo, hi, k, pd->comm[c], cfg->seeds[s],
                                                           fg_fluid_variant_name(cfg->variant),
                                                           fg_method_name(cfg->methods[m])))
                            pd->runs_done++;
                    }
        }
}

void fg_sweep_plan_count(const fg_sweep_config *cfg, const fg_results *r, fg_sweep_plan *p)
{
    for (int i = 0; i < p->n; i++) count_rows(cfg, r, &p->d[i]);
}

fg_status fg_sweep_plan_make(const fg_sweep_config *cfg, const fg_results *r, fg_sweep_plan *out)
{
    memset(out, 0, sizeof *out);
    int n_bad = 0;
    out->d = fg_calloc((size_t)cfg->n_datasets + 1, sizeof *out->d);
    if (!out->d) return FG_FAIL(FG_ENOMEM, "%s: the plan of %d datasets", cfg->path, cfg->n_datasets);
    for (int di = 0; di < cfg->n_datasets; di++) {
        fg_sweep_plan_ds *pd = &out->d[di];
        pd->cfg = &cfg->datasets[di];
        out->n = di + 1;
        pd->comm = fg_alloc((size_t)cfg->n_communities + 1, sizeof *pd->comm);
        if (!pd->comm) return FG_FAIL(FG_ENOMEM, "%s: the community counts of [dataset %s]", cfg->path, pd->cfg->name);
        if (list_dataset(cfg, pd) != FG_OK) {
            snprintf(pd->error, sizeof pd->error, "%s", fg_last_error());
            n_bad++;
        }
        /* community counts of this dataset, each once ("classes" and "10"
         * are the same runs when the dataset has 10 classes) */
        for (int c = 0; c < cfg->n_communities; c++) {
            int64_t v = fg_sweep_communities_for(&cfg->communities[c], pd->n_classes);
            bool dup = false;
            for (int j = 0; j < pd->n_comm; j++) dup |= pd->comm[j] == v;
            if (!dup) pd->comm[pd->n_comm++] = v;
        }
        count_rows(cfg, r, pd);
    }
    if (!n_bad) return FG_OK;
    if (n_bad == 1)
        for (int i = 0; i < out->n; i++)
            if (out->d[i].error[0]) return FG_FAIL(FG_ENOTFOUND, "%s", out->d[i].error);
    return FG_FAIL(FG_ENOTFOUND, "%d of %d datasets cannot be read (each is named above)", n_bad, out->n);
}

void fg_sweep_plan_destroy(fg_sweep_plan *p)
{
    for (int i = 0; i < p->n; i++) {
        fg_dataset_destroy(&p->d[i].ds);
        fg_free(p->d[i].comm);
    }
    fg_free(p->d);
    memset(p, 0, sizeof *p);
}

void fg_sweep_plan_print(const fg_sweep_config *cfg, const fg_sweep_plan *p)
{
    int64_t g = 0, gd = 0, r = 0, rd = 0;
    printf("%-14s %-10s %8s %7s  %-13s %-15s %s\n", "dataset", "kind", "images", "classes", "graphs done",
           "runs done", "FNE cache");
    for (int i = 0; i < p->n; i++) {
        const fg_sweep_plan_ds *d = &p->d[i];
        char imgs[32], gr[32], ru[32];
        if (d->have_listing) snprintf(imgs, sizeof imgs, "%lld", (long long)d->ds.n);
        else snprintf(imgs, sizeof imgs, "(cache)");
        snprintf(gr, sizeof gr, "%lld/%lld", (long long)d->graphs_done, (long long)d->graphs_total);
        snprintf(ru, sizeof ru, "%lld/%lld", (long long)d->runs_done, (long long)d->runs_total);
        if (d->error[0]) {
            printf("%-14s %-10s cannot be read: %s\n", d->cfg->name, d->cfg->kind, d->error);
            continue;
        }
        printf("%-14s %-10s %8s %7d  %-13s %-15s %s%s\n", d->cfg->name, d->cfg->kind, imgs, d->n_classes, gr, ru,
               d->cfg->fne, path_exists(d->cfg->fne) ? "" : " (to be made)");
        g += d->graphs_total;
        gd += d->graphs_done;
        r += d->runs_total;
        rd += d->runs_done;
    }
    printf("grid: %d threshold pair%s x %d k x %d community setting%s x %d seed%s, variant %s",
           cfg->n_thresholds, cfg->n_thresholds == 1 ? "" : "s", cfg->n_k, cfg->n_communities,
           cfg->n_communities == 1 ? "" : "s", cfg->n_seeds, cfg->n_seeds == 1 ? "" : "s",
           fg_fluid_variant_name(cfg->variant));
    if (cfg->n_methods != 1 || cfg->methods[0] != FG_METHOD_FLUIDC) /* k-means baselines: say which */
        for (int m = 0; m < cfg->n_methods; m++) printf("%s%s", m ? ", " : "; methods ", fg_method_name(cfg->methods[m]));
    printf("\n");
    printf("total over the readable datasets: %lld graphs (%lld done), %lld runs (%lld done); results: %s\n", (long long)g, (long long)gd,
           (long long)r, (long long)rd, cfg->out);
}
