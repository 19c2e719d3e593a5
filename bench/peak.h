/* This machine's fp32 FMA peak, measured by a register-only kernel: the
 * yardstick benchmarks divide their GFLOP/s by. */
#ifndef FNEGRAPH_BENCH_PEAK_H
#define FNEGRAPH_BENCH_PEAK_H

#include "fnegraph/cpu.h"

#include <stdint.h>

/* Run `iters` rounds of independent FMA chains with the given ISA on every
 * OpenMP thread (threads <= 0: all) and return the flops done (2 per FMA
 * lane). A sink keeps the compiler honest. */
double fg_bench_fma_flops(fg_isa isa, int64_t iters, int threads);

/* The dot-product peaks oneDNN's bf16 and int8 convolutions run on:
 * AVX512_BF16 vdpbf16ps (32 bf16 products an instruction, 64 flops) and
 * AVX512_VNNI vpdpbusd (64 u8 x s8 products, 128 int ops), 12 independent
 * accumulators a round on every thread. Each returns the operations done, or
 * -1 when the CPU lacks the instruction (or FNEGRAPH_ISA caps below AVX-512). */
double fg_bench_bf16_flops(int64_t iters, int threads);
double fg_bench_vnni_ops(int64_t iters, int threads);
/* AMX_BF16 tdpbf16ps (what oneDNN's bf16 convolutions use where the CPU has
 * AMX): 4 tiles of 16x16 f32 accumulators, 16,384 flops an instruction;
 * -1 without AMX or when Linux refuses the tile state (arch_prctl). */
double fg_bench_amx_bf16_flops(int64_t iters, int threads);
/* Whether the CPU runs them (and FNEGRAPH_ISA allows AVX-512; AMX: and the
 * kernel grants this process the tile data state). */
int fg_bench_has_bf16(void);
int fg_bench_has_vnni(void);
int fg_bench_has_amx_bf16(void);

/* Measured peak GFLOP/s of the best ISA available, all threads (cached:
 * measured once a process, ~0.3 s). */
double fg_bench_fma_peak_gflops(int threads);

#endif
