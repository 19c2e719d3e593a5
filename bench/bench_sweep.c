/* Benchmark of one sweep configuration after the CNN, the unit of work the
 * sweep runner repeats (the design's goal: "everything after the CNN for one
 * configuration should take seconds"), through the same calls the runner
 * makes (statistics, codes, then the pipeline's fg_graph_task_run), on
 * flowers102-shaped input:
 *   sweep/config/flowers102-shaped/<threads>
 *     statistics of 8,189 x 12,416 floats, codes at (-2, 2), the graph with
 *     the feature-feature edges of k = 1.5 (made once per k by the runner,
 *     so outside the timed loop and reported apart as ff_ms), its components
 *     and summary (summary_ms), the largest component extracted, then 10 FluidC runs (paper variant, 102
 *     communities, seeds 1..10) in parallel over the threads, each scored
 *     with NMI/AMI against 102 labels.
 * The FNE is random (ReLU-like, per-feature scale and shift; the graph has
 * the real one's size: ~33,000 vertices, ~10 M edges) and the weights are
 * seeded He weights, so the scores mean nothing: only the time does. FluidC's
 * sweep count on it is reported (the real graphs' counts differ). Counters:
 * per-stage milliseconds of the best iteration, runs/s, peak RSS. */
#include "bench_common.h"
#include "fne_random.h"
#include "fnegraph/graph.h"
#include "fnegraph/mem.h"
#include "fnegraph/pipeline.h"
#include "fnegraph/rng.h"

#include <omp.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

enum { N_CLASSES = 102, N_SEEDS = 10 };
static int n_images = 8189; /* FG_BENCH_SCALE shrinks it (main) */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct input {
    float *x;
    int32_t *label;
    fg_ff_edges ff;
    double ff_seconds;
    int ok;
} input;

static input *input_get(void)
{
    static input in;
    static int tried;
    if (tried) return in.ok ? &in : NULL;
    tried = 1;
    in.x = bench_fne_random(n_images, 102);
    in.label = fg_alloc(n_images, sizeof *in.label);
    if (!in.x || !in.label) return NULL;
    for (int i = 0; i < n_images; i++) in.label[i] = i % N_CLASSES;
    fg_weights w;
    fg_ff_weights a;
    memset(&a, 0, sizeof a);
    if (fg_weights_generate(1, false, &w) != FG_OK) return NULL;
    double t0 = now();
    fg_status st = fg_ff_weights_aggregate(&w, &a);
    if (st == FG_OK) st = fg_ff_edges_compute(&a, 1.5, &in.ff);
    in.ff_seconds = now() - t0;
    fg_ff_weights_destroy(&a);
    fg_weights_destroy(&w);
    in.ok = st == FG_OK;
    return in.ok ? &in : NULL;
}

typedef struct stage_times {
    double stats, codes, build, summary, component, runs, total;
    double sweeps;
    int64_t edges, vertices;
} stage_times;

/* Each run's sweeps summed (the sink is called one run at a time). */
static fg_status count_sweeps(void *ctx, fg_cluster_outcome *o)
{
    *(double *)ctx += o->sweeps;
    return o->possible && o->scored ? FG_OK : FG_FAIL(FG_EINTERNAL, "a run was not made or not scored");
}

/* One configuration as the sweep runs it (statistics, codes, then the
 * pipeline's graph task); returns 0 on success. */
static int one_config(const input *in, int threads, stage_times *t)
{
    fg_fne_stats s;
    fg_codes c;
    memset(&s, 0, sizeof s);
    memset(&c, 0, sizeof c);
    fg_cluster_run runs[N_SEEDS];
    for (int i = 0; i < N_SEEDS; i++) runs[i] = (fg_cluster_run){N_CLASSES, (uint64_t)i + 1};
    int bad = 0;
    double sweeps = 0;
    double t0 = now(), t1;
    bad |= fg_fne_stats_compute(in->x, n_images, FG_FNE_DIM, NULL, 0, NULL, &s) != FG_OK;
    t1 = now(), t->stats = t1 - t0, t0 = t1;
    bad |= bad || fg_codes_ternarize(in->x, n_images, FG_FNE_DIM, &s, -2.0, 2.0, NULL, &c) != FG_OK;
    t1 = now(), t->codes = t1 - t0, t0 = t1;
    const fg_graph_task task = {.codes = &c,
                                .ff = &in->ff,
                                .labels = in->label,
                                .runs = runs,
                                .n_runs = N_SEEDS,
                                .cluster = {.variant = FG_FLUID_PAPER, .max_iter = 100, .threads = threads}};
    fg_graph_task_result r;
    memset(&r, 0, sizeof r);
    bad |= bad || fg_graph_task_run(&task, count_sweeps, &sweeps, &r) != FG_OK;
    t->build = r.seconds_build;
    t->summary = r.seconds_summary;
    t->component = r.component.seconds;
    t->runs = r.seconds_runs;
    t->edges = (int64_t)r.summary.n_edges;
    t->vertices = r.summary.n_vertices_nonisolated;
    t->sweeps = sweeps / N_SEEDS;
    t->total = t->stats + t->codes + t->build + t->summary + t->component + t->runs;
    fg_codes_destroy(&c);
    fg_fne_stats_destroy(&s);
    return bad;
}

static void bm_config(bench_state *st, void *ctx)
{
    const int threads = ctx ? (int)(intptr_t)ctx : omp_get_max_threads(); /* 0: FG_BENCH_THREADS */
    if (ctx && threads > omp_get_num_procs()) {
        bench_skip(st, "more threads than cores");
        return;
    }
    const input *in = input_get(); /* made once, before the timed loop */
    if (!in) {
        bench_skip(st, "could not build the input (memory?)");
        return;
    }
    omp_set_num_threads(threads);
    stage_times best = {0}, t;
    best.total = 1e30;
    while (bench_keep_running(st)) {
        if (one_config(in, threads, &t)) {
            bench_skip(st, "a stage failed");
            return;
        }
        if (t.total < best.total) best = t;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    bench_set_counter(st, "best_ms", best.total * 1e3, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "stats_ms", best.stats * 1e3, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "codes_ms", best.codes * 1e3, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "graph_ms", best.build * 1e3, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "summary_ms", best.summary * 1e3, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "component_ms", best.component * 1e3, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "runs10_ms", best.runs * 1e3, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "runs_per_s", N_SEEDS / best.runs, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "fluidc_sweeps", best.sweeps, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "ff_ms_once_per_k", in->ff_seconds * 1e3, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "edges", (double)best.edges, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "vertices_nonisolated", (double)best.vertices, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "peak_rss_MB", (double)ru.ru_maxrss / 1024.0, BENCH_COUNTER_DEFAULT);
    bench_set_counter(st, "threads", threads, BENCH_COUNTER_DEFAULT);
}

int main(int argc, char **argv)
{
    bench_context_fnegraph();
    n_images = (int)bench_scaled(n_images, 256);
    bench_case_unit_ms(bench_case_iterations(
        bench_case_real_time(bench_register("sweep/config/flowers102-shaped/1thread", bm_config, (void *)1)), 3));
    bench_case_unit_ms(bench_case_iterations(
        bench_case_real_time(bench_register("sweep/config/flowers102-shaped/2threads", bm_config, (void *)2)), 3));
    bench_case_unit_ms(bench_case_iterations(
        bench_case_real_time(bench_register("sweep/config/flowers102-shaped/allcores", bm_config, NULL)), 3));
    return bench_main(argc, argv);
}
