// The C shim over Google Benchmark: bench_state * is a benchmark::State &.
#include "bench_shim.h"
#include "knobs.h"

#include <benchmark/benchmark.h>

static benchmark::State &S(bench_state *st) { return *reinterpret_cast<benchmark::State *>(st); }
static const benchmark::State &S(const bench_state *st)
{
    return *reinterpret_cast<const benchmark::State *>(st);
}
static benchmark::internal::Benchmark *B(bench_case *c)
{
    return reinterpret_cast<benchmark::internal::Benchmark *>(c);
}

extern "C" {

bench_case *bench_register(const char *name, bench_fn fn, void *ctx)
{
    auto *b = benchmark::RegisterBenchmark(
        name, [fn, ctx](benchmark::State &st) { fn(reinterpret_cast<bench_state *>(&st), ctx); });
    return reinterpret_cast<bench_case *>(b);
}

bench_case *bench_case_args(bench_case *c, const int64_t *a, size_t n)
{
    B(c)->Args(std::vector<int64_t>(a, a + n));
    return c;
}

bench_case *bench_case_range(bench_case *c, int64_t lo, int64_t hi, int mult)
{
    B(c)->RangeMultiplier(mult)->Range(lo, hi);
    return c;
}

bench_case *bench_case_real_time(bench_case *c)
{
    B(c)->UseRealTime();
    return c;
}

bench_case *bench_case_iterations(bench_case *c, int64_t n)
{
    int64_t cap = bench_env_max_iterations(); /* FG_BENCH_MAX_ITERATIONS */
    B(c)->Iterations(cap > 0 && n > cap ? cap : n);
    return c;
}

bench_case *bench_case_unit_ms(bench_case *c)
{
    B(c)->Unit(benchmark::kMillisecond);
    return c;
}

bool bench_keep_running(bench_state *st) { return S(st).KeepRunning(); }
bool bench_keep_running_batch(bench_state *st, int64_t n) { return S(st).KeepRunningBatch(n); }
int64_t bench_iterations(const bench_state *st) { return S(st).iterations(); }
int64_t bench_arg(const bench_state *st, size_t i) { return S(st).range(i); }
void bench_pause(bench_state *st) { S(st).PauseTiming(); }
void bench_resume(bench_state *st) { S(st).ResumeTiming(); }
void bench_set_items(bench_state *st, int64_t n) { S(st).SetItemsProcessed(n); }
void bench_set_bytes(bench_state *st, int64_t n) { S(st).SetBytesProcessed(n); }

void bench_set_counter(bench_state *st, const char *name, double v, unsigned flags)
{
    int f = benchmark::Counter::kDefaults;
    if (flags & BENCH_COUNTER_RATE) f |= benchmark::Counter::kIsRate;
    if (flags & BENCH_COUNTER_AVG_ITERS) f |= benchmark::Counter::kAvgIterations;
    if (flags & BENCH_COUNTER_INVERT) f |= benchmark::Counter::kInvert;
    S(st).counters[name] = benchmark::Counter(v, static_cast<benchmark::Counter::Flags>(f));
}

void bench_skip(bench_state *st, const char *why) { S(st).SkipWithError(why); }
void bench_add_context(const char *key, const char *value) { benchmark::AddCustomContext(key, value); }

int bench_main(int argc, char **argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

}  // extern "C"
