/* CPU features, detected once, and the instruction set fnegraph's own kernels
 * use. The default build assumes nothing beyond x86-64: fast kernels are
 * compiled with target attributes and picked at run time.
 *
 * FNEGRAPH_ISA=scalar|avx2|avx512 caps the choice (it never raises it above
 * what the CPU has). */
#ifndef FNEGRAPH_CPU_H
#define FNEGRAPH_CPU_H

#include "fnegraph/export.h"

#include "fnegraph/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    FG_CPU_AVX2 = 1u << 0,
    FG_CPU_FMA = 1u << 1,
    FG_CPU_AVX512F = 1u << 2,
    FG_CPU_AVX512BW = 1u << 3,
    FG_CPU_AVX512VL = 1u << 4,
    FG_CPU_AVX512DQ = 1u << 5,
    FG_CPU_AVX512VNNI = 1u << 6,
    FG_CPU_AVX512BF16 = 1u << 7,
    FG_CPU_AVX512VPOPCNTDQ = 1u << 8,
    FG_CPU_POPCNT = 1u << 9
};

typedef enum fg_isa {
    FG_ISA_SCALAR = 0, /* plain C */
    FG_ISA_AVX2 = 1,   /* AVX2 + FMA */
    FG_ISA_AVX512 = 2  /* AVX-512 F, BW, VL, DQ */
} fg_isa;

/* Bit mask of FG_CPU_* the processor and OS support. */
FG_API unsigned fg_cpu_features(void);
/* Comma-separated names of the detected features (static string). */
FG_API const char *fg_cpu_features_str(void);
/* The ISA fnegraph's kernels use: the best the CPU has, capped by FNEGRAPH_ISA.
 * Decided on the first call and fixed for the life of the process. */
FG_API fg_isa fg_cpu_isa(void);
/* "scalar", "avx2", "avx512". */
FG_API const char *fg_isa_name(fg_isa isa);
/* FG_OK when FNEGRAPH_ISA is unset or valid; FG_EINVAL naming the value
 * otherwise (fg_cpu_isa then ignores it). Tools call this at start-up. */
FG_API fg_status fg_cpu_check_env(void);
/* The CPU model name from /proc/cpuinfo, or "unknown" (static string). */
FG_API const char *fg_cpu_model(void);

#ifdef __cplusplus
}
#endif
#endif
