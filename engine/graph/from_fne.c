/* The graph of docs/method.md §4-5 for one (lo, hi, k) from a loaded FNE, in one
 * call: standardize (statistics over all images), ternarize, the
 * feature-feature edges for k, build, summarize. The composition `fnegraph
 * graph` and `fnegraph cluster --fne` share, so that both make the same
 * graph; each stage is timed. Complexity: that of its stages, O(n d) for the
 * statistics and codes, O(pairs) for the edges, O(V + E) for the rest. */
#include "fnegraph/graph.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void fg_fne_graph_destroy(fg_fne_graph *g)
{
    if (!g) return;
    fg_csr_destroy(&g->graph);
    fg_ff_edges_destroy(&g->ff);
    memset(g, 0, sizeof *g);
}

fg_status fg_graph_from_fne(const float *x, int64_t n, const char *const *names, const char *what,
                            const fg_ff_weights *agg, double lo, double hi, double k, fg_fne_graph *out)
{
    fg_status st = FG_OK;
    fg_fne_stats stats;
    fg_codes codes;
    memset(&stats, 0, sizeof stats);
    memset(&codes, 0, sizeof codes);
    if (!out) return FG_FAIL(FG_EINVAL, "fg_graph_from_fne: null output");
    memset(out, 0, sizeof *out);
    if (!what) what = "the embedding";
    if (!x || !agg) return FG_FAIL(FG_EINVAL, "fg_graph_from_fne: null argument");
    if (n < 1) return FG_FAIL(FG_EINVAL, "%s: the embedding has no image", what);
    if (!(lo <= hi)) return FG_FAIL(FG_EINVAL, "%s: lower threshold %g is above the upper one %g", what, lo, hi);

    double t = now();
    st = fg_fne_stats_compute(x, n, FG_FNE_DIM, NULL, 0, names, &stats);
    out->sec_stats = now() - t;
    t = now();
    if (st == FG_OK) st = fg_codes_ternarize(x, n, FG_FNE_DIM, &stats, lo, hi, names, &codes);
    out->sec_ternarize = now() - t;
    if (st != FG_OK) { /* the stage names the image and the feature; add the source */
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", fg_last_error());
        st = FG_FAIL(st, "%s: %s", what, msg);
        goto done;
    }
    fg_fne_stats_destroy(&stats);
    t = now();
    FG_CHECK_GOTO(st, fg_ff_edges_compute(agg, k, &out->ff));
    out->sec_ff_edges = now() - t;
    t = now();
    FG_CHECK_GOTO(st, fg_graph_build(&codes, &out->ff.graph, &out->graph));
    out->sec_build = now() - t;
    fg_codes_destroy(&codes);
    t = now();
    FG_CHECK_GOTO(st, fg_graph_summarize(&out->graph, &out->summary));
    out->sec_summarize = now() - t;
done:
    fg_codes_destroy(&codes);
    fg_fne_stats_destroy(&stats);
    if (st != FG_OK) fg_fne_graph_destroy(out);
    return st;
}
