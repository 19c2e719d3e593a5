/* Peak kernels. fp32 FMA: 12 independent accumulators hide the FMA latency
 * (4 cycles x 2 pipes on Zen 4 / Skylake-SP needs >= 8 in flight). Each
 * variant does 12 vector FMAs per round; flops = rounds * 12 * lanes * 2. */
#define _DEFAULT_SOURCE /* syscall */
#include "peak.h"

#include <immintrin.h>
#include <omp.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile float sink;

__attribute__((target("avx512f"))) static double fma_avx512(int64_t iters)
{
    __m512 a[12], m = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < 12; i++) a[i] = _mm512_set1_ps((float)i);
    for (int64_t r = 0; r < iters; r++)
        for (int i = 0; i < 12; i++) a[i] = _mm512_fmadd_ps(a[i], m, b);
    __m512 s = a[0];
    for (int i = 1; i < 12; i++) s = _mm512_add_ps(s, a[i]);
    sink = _mm512_reduce_add_ps(s);
    return (double)iters * 12 * 16 * 2;
}

__attribute__((target("avx2,fma"))) static double fma_avx2(int64_t iters)
{
    __m256 a[12], m = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (int i = 0; i < 12; i++) a[i] = _mm256_set1_ps((float)i);
    for (int64_t r = 0; r < iters; r++)
        for (int i = 0; i < 12; i++) a[i] = _mm256_fmadd_ps(a[i], m, b);
    __m256 s = a[0];
    for (int i = 1; i < 12; i++) s = _mm256_add_ps(s, a[i]);
    float t[8];
    _mm256_storeu_ps(t, s);
    sink = t[0] + t[7];
    return (double)iters * 12 * 8 * 2;
}

static double fma_scalar(int64_t iters)
{
    /* SSE2 multiply + add (no FMA in baseline x86-64): 4 lanes, 2 flops a lane */
    __m128 a[12], m = _mm_set1_ps(0.999999f), b = _mm_set1_ps(1e-7f);
    for (int i = 0; i < 12; i++) a[i] = _mm_set1_ps((float)i);
    for (int64_t r = 0; r < iters; r++)
        for (int i = 0; i < 12; i++) a[i] = _mm_add_ps(_mm_mul_ps(a[i], m), b);
    __m128 s = a[0];
    for (int i = 1; i < 12; i++) s = _mm_add_ps(s, a[i]);
    sink = _mm_cvtss_f32(s);
    return (double)iters * 12 * 4 * 2;
}

/* The dot-product kernels keep 16 accumulators: vdpbf16ps has a longer
 * latency than the FMA (on an AMD EPYC of this project's CI, 12 gave 487
 * GFLOP/s on one core, 16 gave 525 and oneDNN's bf16 VGG16 reached 102 % of
 * the 12-accumulator roof); 32 zmm registers hold them with the operands. */
enum { DOT_ACC = 16 };

/* bf16 pairs: a = 1.0 (0x3f80), b = 2^-23 (0x3400); the sums stay finite */
__attribute__((target("avx512f,avx512bf16"))) static double dot_bf16(int64_t iters)
{
    __m512 a[DOT_ACC];
    __m512bh x = (__m512bh)_mm512_set1_epi16(0x3f80), y = (__m512bh)_mm512_set1_epi16(0x3400);
    for (int i = 0; i < DOT_ACC; i++) a[i] = _mm512_set1_ps((float)i);
    for (int64_t r = 0; r < iters; r++)
        for (int i = 0; i < DOT_ACC; i++) a[i] = _mm512_dpbf16_ps(a[i], x, y);
    __m512 s = a[0];
    for (int i = 1; i < DOT_ACC; i++) s = _mm512_add_ps(s, a[i]);
    sink = _mm512_reduce_add_ps(s);
    return (double)iters * DOT_ACC * 32 * 2;
}

/* u8 x s8 quads: 1 x 1, 4 a lane a round: no int32 overflow below 2^29 rounds */
__attribute__((target("avx512f,avx512vnni"))) static double dot_vnni(int64_t iters)
{
    __m512i a[DOT_ACC], x = _mm512_set1_epi8(1), y = _mm512_set1_epi8(1);
    for (int i = 0; i < DOT_ACC; i++) a[i] = _mm512_set1_epi32(i);
    for (int64_t r = 0; r < iters; r++)
        for (int i = 0; i < DOT_ACC; i++) a[i] = _mm512_dpbusd_epi32(a[i], x, y);
    __m512i s = a[0];
    for (int i = 1; i < DOT_ACC; i++) s = _mm512_add_epi32(s, a[i]);
    sink = (float)_mm512_reduce_add_epi32(s);
    return (double)iters * DOT_ACC * 64 * 2;
}

/* AMX: the tile configuration (palette 1, 8 tiles of 16 rows x 64 bytes) */
typedef struct amx_config {
    uint8_t palette, start_row, reserved[14];
    uint16_t colsb[16];
    uint8_t rows[16];
} amx_config;

__attribute__((target("amx-tile,amx-bf16"))) static double amx_bf16(int64_t iters)
{
    _Alignas(64) uint16_t a[16 * 32], b[16 * 32];
    _Alignas(64) float c[16 * 16];
    for (int i = 0; i < 16 * 32; i++) a[i] = 0x3f80, b[i] = 0x3400;
    amx_config cfg = {.palette = 1};
    for (int i = 0; i < 8; i++) cfg.rows[i] = 16, cfg.colsb[i] = 64;
    _tile_loadconfig(&cfg);
    _tile_zero(0);
    _tile_zero(1);
    _tile_zero(2);
    _tile_zero(3);
    _tile_loadd(4, a, 64);
    _tile_loadd(5, a, 64);
    _tile_loadd(6, b, 64);
    _tile_loadd(7, b, 64);
    for (int64_t r = 0; r < iters; r++) {
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(1, 4, 7);
        _tile_dpbf16ps(2, 5, 6);
        _tile_dpbf16ps(3, 5, 7);
    }
    _tile_stored(0, c, 64);
    _tile_release();
    sink = c[0];
    return (double)iters * 4 * 16 * 16 * 32 * 2;
}

int fg_bench_has_amx_bf16(void)
{
    static int state = -1; /* asked once, before any parallel region uses it */
    if (state < 0) {
        enum { ARCH_REQ_XCOMP_PERM = 0x1023, XFEATURE_XTILEDATA = 18 };
        state = fg_cpu_isa() >= FG_ISA_AVX512 && __builtin_cpu_supports("amx-bf16") &&
                syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0;
    }
    return state;
}

double fg_bench_amx_bf16_flops(int64_t iters, int threads)
{
    double total = 0;
    if (!fg_bench_has_amx_bf16()) return -1;
    if (threads <= 0) threads = omp_get_max_threads();
#pragma omp parallel num_threads(threads) reduction(+ : total)
    total += amx_bf16(iters);
    return total;
}

int fg_bench_has_bf16(void)
{
    return fg_cpu_isa() >= FG_ISA_AVX512 && __builtin_cpu_supports("avx512bf16");
}

int fg_bench_has_vnni(void)
{
    return fg_cpu_isa() >= FG_ISA_AVX512 && __builtin_cpu_supports("avx512vnni");
}

double fg_bench_bf16_flops(int64_t iters, int threads)
{
    double total = 0;
    if (!fg_bench_has_bf16()) return -1;
    if (threads <= 0) threads = omp_get_max_threads();
#pragma omp parallel num_threads(threads) reduction(+ : total)
    total += dot_bf16(iters);
    return total;
}

double fg_bench_vnni_ops(int64_t iters, int threads)
{
    double total = 0;
    if (!fg_bench_has_vnni()) return -1;
    if (threads <= 0) threads = omp_get_max_threads();
#pragma omp parallel num_threads(threads) reduction(+ : total)
    total += dot_vnni(iters);
    return total;
}

double fg_bench_fma_flops(fg_isa isa, int64_t iters, int threads)
{
    double total = 0;
    if (threads <= 0) threads = omp_get_max_threads();
#pragma omp parallel num_threads(threads) reduction(+ : total)
    {
        switch (isa) {
        case FG_ISA_AVX512: total += fma_avx512(iters); break;
        case FG_ISA_AVX2: total += fma_avx2(iters); break;
        default: total += fma_scalar(iters); break;
        }
    }
    return total;
}

double fg_bench_fma_peak_gflops(int threads)
{
    static double cached[1024];
    if (threads <= 0) threads = omp_get_max_threads();
    if (threads < 1024 && cached[threads] > 0) return cached[threads];
    fg_isa isa = fg_cpu_isa();
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        double fl = fg_bench_fma_flops(isa, 20000000 / (isa == FG_ISA_AVX512 ? 2 : 1), threads);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
        if (fl / s / 1e9 > best) best = fl / s / 1e9;
    }
    if (threads < 1024) cached[threads] = best;
    return best;
}
