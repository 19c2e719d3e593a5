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

/* Measured peak GFLOP/s of the best ISA available, all threads (cached:
 * measured once a process, ~0.3 s). */
double fg_bench_fma_peak_gflops(int threads);

#endif
