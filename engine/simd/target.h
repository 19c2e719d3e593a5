/* Private: the one way fnegraph's fast kernels are compiled and chosen.
 *
 * A kernel family has its plain-C `_ref` twin and its fast bodies side by
 * side in one file, the fast ones compiled with the target attributes below
 * (so the default build needs no -march). The family's
 *     fg_i_<kernel>_fn fg_i_<kernel>_for(fg_isa want)
 * returns the fastest body whose ISA is at most min(want, fg_cpu_isa()), so
 * a caller passes fg_cpu_isa() (FNEGRAPH_ISA caps that) and a test can force
 * any lower ISA; the caller takes the pointer once per call of its own, never
 * per element. A test compares every body with the twin on random input. */
#ifndef FNEGRAPH_SIMD_TARGET_H
#define FNEGRAPH_SIMD_TARGET_H

#include "fnegraph/cpu.h"

/* AVX2 bodies (FG_ISA_AVX2). No fma: the bodies round as their twins do. */
#define FG_TARGET_AVX2 __attribute__((target("avx2")))
/* AVX-512 bodies (FG_ISA_AVX512 = F, BW, VL, DQ, what fg_cpu_isa() checks). */
#define FG_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq")))
/* The same with the scalar popcnt instruction. */
#define FG_TARGET_AVX512_POPCNT __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,popcnt")))

/* The ISA a kernel may use when `want` is asked for on this CPU. */
static inline fg_isa fg_i_isa_cap(fg_isa want)
{
    fg_isa have = fg_cpu_isa();
    return want < have ? want : have;
}

#endif
