/* One part of a sweep (sweep_part.h): the units of its range, in order,
 * each skipped when its rows are in the part's results file. */
#include "sweep_part.h"

#include "cli.h"
#include "sweep_worker.h"

#include <stdio.h>
#include <string.h>

void fg_sweep_part_range(int64_t n_units, int part, int n_parts, int64_t *first, int64_t *end)
{
    *first = n_units * (part - 1) / n_parts;
    *end = n_units * part / n_parts;
}

static void print_plan_errors(const fg_sweep_plan *plan)
{
    int n_bad = 0;
    for (int i = 0; i < plan->n; i++) n_bad += plan->d[i].error[0] != 0;
    if (n_bad > 1) /* one message cannot hold them all */
        for (int i = 0; i < plan->n; i++)
            if (plan->d[i].error[0]) fprintf(stderr, "fnegraph sweep: %s\n", plan->d[i].error);
}

fg_status fg_sweep_part_execute(const fg_sweep_config *cfg, const fg_sweep_exec_opts *o, int part, int n_parts,
                                fg_sweep_summary *sum)
{
    memset(sum, 0, sizeof *sum);
    fg_sweep_plan plan;
    fg_results *res = NULL;
    run_ctx *c = NULL;
    fg_sweep_timeline *tl = NULL;
    fg_sweep_worker w;
    memset(&w, 0, sizeof w);
    w.di = w.t = -1;
    fg_status st = fg_sweep_plan_make(cfg, NULL, &plan);
    if (st != FG_OK) {
        print_plan_errors(&plan);
        goto done;
    }
    fg_sweep_summary mine;
    memset(&mine, 0, sizeof mine);
    FG_CHECK_GOTO(st, fg_sweep_i_ctx_new(cfg, o, &mine, NULL, NULL, false, &c));
    const fg_net_mode_plan *mode = fg_sweep_i_mode(c);
    if (mode->warning[0]) fprintf(stderr, "fnegraph sweep: warning: %s\n", mode->warning);
    if (o->timeline) FG_CHECK_GOTO(st, fg_sweep_timeline_open(o->timeline, &tl));
    FG_CHECK_GOTO(st, fg_cli_mkdir_parent(cfg->out));
    char impl[2048];
    fg_results_attrs attrs;
    fg_sweep_i_attrs(cfg, mode, fg_sweep_i_threads(c), impl, sizeof impl, &attrs);
    FG_CHECK_GOTO(st, fg_results_open(cfg->out, &attrs, &res));
    fg_sweep_i_ctx_free(c);
    c = NULL;

    const int64_t n_units = fg_sweep_units_count(cfg);
    int64_t first, end, n_pending = 0;
    fg_sweep_part_range(n_units, part, n_parts, &first, &end);
    for (int64_t u = first; u < end; u++) n_pending += fg_sweep_unit_count(cfg, &plan, res, u, sum);
    /* the runner's progress counts the part's runs */
    FG_CHECK_GOTO(st, fg_sweep_i_ctx_new(cfg, o, sum, res, NULL, true, &c));
    fg_sweep_i_set_timeline(c, tl);
    const bool only_fluidc = cfg->n_methods == 1 && cfg->methods[0] == FG_METHOD_FLUIDC;
    printf("sweep %s part %d/%d: %s %lld-%lld of %lld (%lld to do), %lld graphs (%lld done), %lld runs "
           "(%lld done), %d thread%s; results %s\n",
           cfg->path, part, n_parts, only_fluidc ? "graph tasks" : "units (graph tasks, then k-means)",
           (long long)first, (long long)end - 1, (long long)n_units, (long long)n_pending,
           (long long)sum->graphs_total, (long long)sum->graphs_before, (long long)sum->runs_total,
           (long long)sum->runs_before, fg_sweep_i_threads(c), fg_sweep_i_threads(c) == 1 ? "" : "s", cfg->out);
    fflush(stdout);
    fg_sweep_worker_init(&w, c, cfg, &plan);
    int extracted = -1;
    for (int64_t u = first; u < end && !(o->cancel && *o->cancel); u++) {
        int di, t, kk;
        fg_sweep_unit_keys(cfg, u, &di, &t, &kk);
        fg_sweep_summary dummy;
        memset(&dummy, 0, sizeof dummy);
        if (!fg_sweep_unit_count(cfg, &plan, res, u, &dummy)) continue;
        if (extracted != di) {
            st = fg_sweep_worker_extract(&w, di);
            if (st == FG_EINTERRUPTED) break;
            if (st != FG_OK) goto done;
            extracted = di;
            if (o->cancel && *o->cancel) break;
        }
        FG_CHECK_GOTO(st, fg_sweep_worker_unit(&w, u));
    }
done:
    sum->interrupted = o->cancel && *o->cancel;
    if (tl) {
        const fg_tl_info ti = {cfg->path, 1, c ? fg_sweep_i_threads(c) : cfg->threads, fg_sweep_i_hostname(), -1, 0};
        fg_sweep_timeline_set_info(tl, &ti);
        fg_status ts = fg_sweep_timeline_close(tl);
        if (st == FG_OK) st = ts;
    }
    fg_sweep_worker_release(&w);
    fg_sweep_i_ctx_free(c);
    fg_results_close(res);
    fg_sweep_plan_destroy(&plan);
    return st == FG_EINTERRUPTED && sum->interrupted ? FG_OK : st;
}
