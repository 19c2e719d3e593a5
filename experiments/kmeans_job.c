/* k-means + scores for the CLI and the sweep (kmeans_job.h). */
#include "kmeans_job.h"

#include "cli.h"
#include "fnegraph/mem.h"

#include <string.h>

fg_status fg_km_run_scored(const float *x, int64_t n, int64_t d, const int32_t *labels, const fg_kmeans_opts *o,
                           fg_km_scored *out)
{
    memset(out, 0, sizeof *out);
    fg_status st = fg_kmeans_run(x, n, d, o, &out->km);
    if (st != FG_OK || !labels) return st;
    const double t0 = fg_cli_now();
    int64_t *truth = fg_alloc((size_t)n, sizeof *truth), *pred = fg_alloc((size_t)n, sizeof *pred);
    if (!truth || !pred) {
        st = FG_FAIL(FG_ENOMEM, "scores of %lld images", (long long)n);
        goto done;
    }
    for (int64_t i = 0; i < n; i++) {
        truth[i] = labels[i];
        pred[i] = out->km.labels[i];
    }
    FG_CHECK_GOTO(st, fg_scores_compute(truth, pred, (uint64_t)n, &out->scores));
    out->scored = true;
    out->seconds_score = fg_cli_now() - t0;
done:
    fg_free(truth);
    fg_free(pred);
    if (st != FG_OK) fg_km_scored_destroy(out);
    return st;
}

void fg_km_scored_destroy(fg_km_scored *s)
{
    fg_kmeans_result_destroy(&s->km);
    memset(s, 0, sizeof *s);
}

fg_status fg_km_input(fg_method m, const float *x, int64_t n, int64_t d, const char *const *names,
                      const fg_fne_stats *stats, double lo, double hi, float **out, double *sec_standardize,
                      double *sec_ternarize)
{
    fg_status st = FG_OK;
    fg_fne_stats own;
    fg_codes codes;
    memset(&own, 0, sizeof own);
    memset(&codes, 0, sizeof codes);
    *out = NULL;
    *sec_standardize = *sec_ternarize = 0;
    double t0 = fg_cli_now();
    if (!stats) {
        FG_CHECK_GOTO(st, fg_fne_stats_compute(x, n, d, NULL, 0, names, &own));
        stats = &own;
    }
    if (m == FG_METHOD_KMEANS) {
        FG_CHECK_GOTO(st, fg_kmeans_standardized(x, n, d, stats, out));
        *sec_standardize = fg_cli_now() - t0;
    } else if (m == FG_METHOD_KMEANS_TERNARY) {
        *sec_standardize = fg_cli_now() - t0;
        t0 = fg_cli_now();
        FG_CHECK_GOTO(st, fg_codes_ternarize(x, n, d, stats, lo, hi, names, &codes));
        FG_CHECK_GOTO(st, fg_kmeans_ternary(&codes, out));
        *sec_ternarize = fg_cli_now() - t0;
    } else {
        st = FG_FAIL(FG_EINVAL, "fg_km_input: %s is not a k-means method", fg_method_name(m));
    }
done:
    fg_codes_destroy(&codes);
    fg_fne_stats_destroy(&own);
    return st;
}
