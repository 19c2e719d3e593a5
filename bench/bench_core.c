/* Benchmarks of the foundation: the random generator (every FluidC sweep
 * draws one number per vertex) and this machine's fp32 FMA peak, per ISA,
 * on one core and on all cores (FG_BENCH_THREADS), with the bf16 (AVX512_BF16)
 * and int8 (AVX512_VNNI) dot-product peaks and the AMX bf16 tile peak beside
 * it where the CPU has them. */
#include "bench_common.h"
#include "fnegraph/rng.h"
#include "peak.h"

#include <omp.h>

static void bm_rng_next(bench_state *st, void *ctx)
{
    (void)ctx;
    fg_rng r;
    uint64_t acc = 0;
    fg_rng_seed(&r, 42);
    while (bench_keep_running_batch(st, 1024))
        for (int i = 0; i < 1024; i++) acc += fg_rng_next(&r);
    bench_set_items(st, bench_iterations(st));
    bench_set_counter(st, "checksum_low_bits", (double)(acc & 0xff), BENCH_COUNTER_DEFAULT);
}

static void bm_rng_below(bench_state *st, void *ctx)
{
    (void)ctx;
    fg_rng r;
    uint64_t acc = 0, bound = (uint64_t)bench_arg(st, 0);
    fg_rng_seed(&r, 42);
    while (bench_keep_running_batch(st, 1024))
        for (int i = 0; i < 1024; i++) acc += fg_rng_below(&r, bound);
    bench_set_items(st, bench_iterations(st));
    bench_set_counter(st, "mean", (double)acc / (double)bench_iterations(st), BENCH_COUNTER_DEFAULT);
}

typedef struct peak_ctx {
    fg_isa isa;
    int all_threads;
} peak_ctx;

static void bm_fma_peak(bench_state *st, void *ctx)
{
    const peak_ctx *p = ctx;
    if (p->isa > fg_cpu_isa()) {
        bench_skip(st, "the CPU (or FNEGRAPH_ISA) does not allow this ISA");
        return;
    }
    int threads = p->all_threads ? omp_get_max_threads() : 1;
    double flops = 0;
    while (bench_keep_running(st)) flops += fg_bench_fma_flops(p->isa, 2000000, threads);
    bench_set_counter(st, "FLOPS", flops, BENCH_COUNTER_RATE);
    bench_set_counter(st, "threads", threads, BENCH_COUNTER_DEFAULT);
}

/* kind: 0 bf16 dot (FLOPS), 1 int8 dot (OPS), 2 AMX bf16 tiles (FLOPS) */
typedef struct dot_ctx {
    int kind;
    int all_threads;
} dot_ctx;

static void bm_dot_peak(bench_state *st, void *ctx)
{
    const dot_ctx *p = ctx;
    static const char *lacks[] = {"the CPU (or FNEGRAPH_ISA) lacks AVX512_BF16",
                                  "the CPU (or FNEGRAPH_ISA) lacks AVX512_VNNI",
                                  "the CPU lacks AMX_BF16 (or Linux refused the tile state)"};
    int has = p->kind == 0 ? fg_bench_has_bf16() : p->kind == 1 ? fg_bench_has_vnni() : fg_bench_has_amx_bf16();
    if (!has) {
        bench_skip(st, lacks[p->kind]);
        return;
    }
    int threads = p->all_threads ? omp_get_max_threads() : 1;
    double ops = 0;
    while (bench_keep_running(st))
        ops += p->kind == 0   ? fg_bench_bf16_flops(1000000, threads)
               : p->kind == 1 ? fg_bench_vnni_ops(1000000, threads)
                              : fg_bench_amx_bf16_flops(100000, threads);
    bench_set_counter(st, p->kind == 1 ? "OPS" : "FLOPS", ops, BENCH_COUNTER_RATE);
    bench_set_counter(st, "threads", threads, BENCH_COUNTER_DEFAULT);
}

int main(int argc, char **argv)
{
    static peak_ctx peaks[] = {{FG_ISA_SCALAR, 0}, {FG_ISA_AVX2, 0}, {FG_ISA_AVX512, 0},
                               {FG_ISA_SCALAR, 1}, {FG_ISA_AVX2, 1}, {FG_ISA_AVX512, 1}};
    static const char *names[] = {"peak/fma/sse2/1core", "peak/fma/avx2/1core",
                                  "peak/fma/avx512/1core", "peak/fma/sse2/allcores",
                                  "peak/fma/avx2/allcores", "peak/fma/avx512/allcores"};
    bench_context_fnegraph();
    bench_register("rng/xoshiro256ss/next", bm_rng_next, NULL);
    bench_case_range(bench_register("rng/xoshiro256ss/below", bm_rng_below, NULL), 100, 100000, 1000);
    for (int i = 0; i < 6; i++) bench_case_real_time(bench_register(names[i], bm_fma_peak, &peaks[i]));
    static dot_ctx dots[] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}, {2, 0}, {2, 1}};
    static const char *dot_names[] = {"peak/bf16_dot/avx512_bf16/1core", "peak/bf16_dot/avx512_bf16/allcores",
                                      "peak/int8_dot/avx512_vnni/1core", "peak/int8_dot/avx512_vnni/allcores",
                                      "peak/bf16_amx/amx_bf16/1core",    "peak/bf16_amx/amx_bf16/allcores"};
    for (int i = 0; i < 6; i++) bench_case_real_time(bench_register(dot_names[i], bm_dot_peak, &dots[i]));
    return bench_main(argc, argv);
}
