/* fnegraph cluster --method kmeans | kmeans-ternary: the vector-space
 * baselines beside FluidC (issue 16, docs/method.md §9). k-means on the
 * images' embedding from an FNE file: the standardized FNE (kmeans) or its
 * ternary codes at --lo/--hi (kmeans-ternary); no graph and no weights.
 * The clusters are scored against the labels as FluidC's communities are. */
#include "cli.h"
#include "cluster_kmeans.h"
#include "kmeans_job.h"

#include "fnegraph/fne_file.h"
#include "fnegraph/mem.h"
#include "fnegraph/metrics.h"
#include "fnegraph/vgg16.h"
#include "kmeans/kmeans_i.h"

#include <omp.h>
#include <stdio.h>
#include <string.h>

static void print_norms(const char *key, const double *v, bool have)
{
    printf("  \"%s\": ", key);
    if (!have) {
        printf("null,\n");
        return;
    }
    printf("{");
    for (int m = 0; m < FG_NORM_COUNT; m++)
        printf("\"%s\": %.17g%s", fg_norm_name((fg_norm)m), v[m], m + 1 < FG_NORM_COUNT ? ", " : "");
    printf("},\n");
}

static void json_out(const fg_cluster_kmeans_job *job, const fg_fne *f, const fg_km_scored *r, const double sec[5],
                     double t_total)
{
    const fg_kmeans_result *km = &r->km;
    const bool ternary = job->method == FG_METHOD_KMEANS_TERNARY;
    char impl[64];
    fg_i_km_gemm_impl(f->n, FG_FNE_DIM, job->k, impl, sizeof impl);
    printf("{\n  \"fne\": ");
    fg_cli_json_string(job->fne);
    printf(",\n  \"dataset\": ");
    fg_cli_json_string(f->dataset ? f->dataset : "");
    printf(",\n  \"method\": \"%s\",\n", fg_method_name(job->method));
    if (ternary) printf("  \"lo\": %.17g,\n  \"hi\": %.17g,\n", job->lo, job->hi);
    else printf("  \"lo\": null,\n  \"hi\": null,\n");
    printf("  \"n_images\": %lld,\n  \"n_features\": %d,\n  \"n_images_outside\": 0,\n", (long long)f->n,
           FG_FNE_DIM);
    printf("  \"communities\": %ld,\n  \"seed\": %" PRIu64 ",\n  \"restarts\": %ld,\n  \"max_iter\": %ld,\n", job->k,
           job->seed, job->restarts, job->max_iter);
    printf("  \"iterations\": %d,\n  \"converged\": %s,\n  \"inertia\": %.17g,\n  \"restart\": %d,\n",
           km->iterations, km->converged ? "true" : "false", km->inertia, km->restart);
    printf("  \"n_reseeded\": %lld,\n  \"n_images_scored\": %lld,\n", (long long)km->n_reseeded,
           (long long)(r->scored ? f->n : 0));
    print_norms("nmi", r->scores.nmi, r->scored);
    print_norms("ami", r->scores.ami, r->scored);
    printf("  \"distance_impl\": \"%s\",\n  \"threads\": %d,\n", impl, omp_get_max_threads());
    printf("  \"seconds\": {\"read_fne\": %.4f, \"standardize\": %.4f, ", sec[0], sec[1]);
    if (ternary) printf("\"ternarize\": %.4f, ", sec[2]);
    printf("\"seed\": %.4f, \"lloyd\": %.4f, \"distance\": %.4f, \"score\": %.4f, \"total\": %.4f}\n}\n",
           km->seconds_seed, km->seconds_lloyd, km->seconds_distance, r->seconds_score, t_total);
}

static void text_out(const fg_cluster_kmeans_job *job, const fg_fne *f, const fg_km_scored *r, const double sec[5],
                     double t_total)
{
    const fg_kmeans_result *km = &r->km;
    const bool ternary = job->method == FG_METHOD_KMEANS_TERNARY;
    printf("fnegraph cluster: %s (%s, %lld images in %d classes), method %s", job->fne,
           f->dataset && f->dataset[0] ? f->dataset : "dataset unknown", (long long)f->n, f->n_classes,
           fg_method_name(job->method));
    if (ternary) printf(" at lo %g, hi %g", job->lo, job->hi);
    printf("\nk-means, k = %ld, seed %" PRIu64 ", %ld restart%s: kept restart %d, %d iterations, %s, inertia %.6g\n",
           job->k, job->seed, job->restarts, job->restarts == 1 ? "" : "s", km->restart, km->iterations,
           km->converged ? "converged" : "stopped at --max-iter", km->inertia);
    if (km->n_reseeded)
        printf("  %lld empty cluster%s re-seeded during Lloyd (the points farthest from their centres)\n",
               (long long)km->n_reseeded, km->n_reseeded == 1 ? "" : "s");
    if (r->scored) {
        printf("scores over %lld images:\n       %-10s %-10s %-10s %-10s\nNMI   ", (long long)f->n, "min",
               "geometric", "arithmetic", "max");
        for (int m = 0; m < FG_NORM_COUNT; m++) printf(" %-10.6f", r->scores.nmi[m]);
        printf("\nAMI   ");
        for (int m = 0; m < FG_NORM_COUNT; m++) printf(" %-10.6f", r->scores.ami[m]);
        printf("\n");
    }
    printf("seconds: read_fne %.3f, standardize %.3f,", sec[0], sec[1]);
    if (ternary) printf(" ternarize %.3f,", sec[2]);
    printf(" seed %.3f, lloyd %.3f (distance %.3f), score %.3f, total %.3f (%d threads)\n", km->seconds_seed,
           km->seconds_lloyd, km->seconds_distance, r->seconds_score, t_total, omp_get_max_threads());
    if (job->mpath) printf("membership written to %s\n", job->mpath);
}

int fg_cluster_kmeans_main(fg_cluster_kmeans_job *job)
{
    fg_status st = FG_OK;
    fg_fne f;
    fg_km_scored r;
    float *x = NULL;
    double sec[5] = {0, 0, 0, 0, 0};
    memset(&f, 0, sizeof f);
    memset(&r, 0, sizeof r);
    const double t0 = fg_cli_now();
    FG_CHECK_GOTO(st, fg_fne_read(job->fne, &f));
    sec[0] = fg_cli_now() - t0;
    if (f.n < 1) {
        st = FG_FAIL(FG_EFORMAT, "%s: the embedding has no image", job->fne);
        goto done;
    }
    if (!job->k) {
        if (f.n_classes < 1) {
            st = FG_FAIL(FG_EFORMAT, "%s: the file names no class (/class_names is empty): give --communities",
                         job->fne);
            goto done;
        }
        job->k = f.n_classes;
    }
    if (job->k > f.n) {
        st = FG_FAIL(FG_EINVAL, "%s: %ld clusters, but the embedding has only %lld images; ask for at most %lld",
                     job->fne, job->k, (long long)f.n, (long long)f.n);
        goto done;
    }
    st = fg_km_input(job->method, f.x, f.n, FG_FNE_DIM, (const char *const *)f.path, NULL, job->lo, job->hi, &x,
                     &sec[1], &sec[2]);
    if (st != FG_OK) {
        st = FG_FAIL(st, "%s: %s", job->fne, fg_last_error());
        goto done;
    }
    fg_free(f.x); /* the matrix k-means reads is x now */
    f.x = NULL;
    fg_kmeans_opts o = fg_kmeans_opts_default(job->k, job->seed);
    o.restarts = (int)job->restarts;
    o.max_iter = (int)job->max_iter;
    o.what = job->fne;
    FG_CHECK_GOTO(st, fg_km_run_scored(x, f.n, FG_FNE_DIM, f.label, &o, &r));
    if (job->mpath) FG_CHECK_GOTO(st, fg_cli_write_membership(job->mpath, r.km.labels, (uint32_t)f.n));
    const double t_total = fg_cli_now() - t0;
    if (job->json) json_out(job, &f, &r, sec, t_total);
    else text_out(job, &f, &r, sec, t_total);
done:
    fg_free(x);
    fg_km_scored_destroy(&r);
    fg_fne_destroy(&f);
    return st == FG_OK ? FG_EXIT_OK : fg_cli_fail("cluster", st);
}
