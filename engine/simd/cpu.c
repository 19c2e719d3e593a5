/* CPU feature detection, run once (pthread_once) and cached.
 * Uses gcc's __builtin_cpu_supports, which also checks that the OS saves the
 * wide registers (XCR0); its result is a mask, so test for truth only. */
#include "fnegraph/cpu.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static unsigned features;
static fg_isa chosen;
static char features_str[256];
static char model[128] = "unknown";

static int parse_isa(const char *s, fg_isa *out)
{
    if (!strcmp(s, "scalar")) *out = FG_ISA_SCALAR;
    else if (!strcmp(s, "avx2")) *out = FG_ISA_AVX2;
    else if (!strcmp(s, "avx512")) *out = FG_ISA_AVX512;
    else return 0;
    return 1;
}

static void read_model(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "model name", 10)) {
            char *c = strchr(line, ':');
            if (c) {
                c++;
                while (*c == ' ' || *c == '\t') c++;
                c[strcspn(c, "\n")] = '\0';
                snprintf(model, sizeof model, "%s", c);
            }
            break;
        }
    }
    fclose(f);
}

static void detect(void)
{
    static const struct { unsigned bit; const char *name; } names[] = {
        {FG_CPU_POPCNT, "popcnt"}, {FG_CPU_AVX2, "avx2"}, {FG_CPU_FMA, "fma"},
        {FG_CPU_AVX512F, "avx512f"}, {FG_CPU_AVX512BW, "avx512bw"},
        {FG_CPU_AVX512VL, "avx512vl"}, {FG_CPU_AVX512DQ, "avx512dq"},
        {FG_CPU_AVX512VNNI, "avx512vnni"}, {FG_CPU_AVX512BF16, "avx512bf16"},
        {FG_CPU_AVX512VPOPCNTDQ, "avx512vpopcntdq"}};
    __builtin_cpu_init();
    unsigned f = 0;
    if (__builtin_cpu_supports("popcnt")) f |= FG_CPU_POPCNT;
    if (__builtin_cpu_supports("avx2")) f |= FG_CPU_AVX2;
    if (__builtin_cpu_supports("fma")) f |= FG_CPU_FMA;
    if (__builtin_cpu_supports("avx512f")) f |= FG_CPU_AVX512F;
    if (__builtin_cpu_supports("avx512bw")) f |= FG_CPU_AVX512BW;
    if (__builtin_cpu_supports("avx512vl")) f |= FG_CPU_AVX512VL;
    if (__builtin_cpu_supports("avx512dq")) f |= FG_CPU_AVX512DQ;
    if (__builtin_cpu_supports("avx512vnni")) f |= FG_CPU_AVX512VNNI;
    if (__builtin_cpu_supports("avx512bf16")) f |= FG_CPU_AVX512BF16;
    if (__builtin_cpu_supports("avx512vpopcntdq")) f |= FG_CPU_AVX512VPOPCNTDQ;
    features = f;

    size_t n = 0;
    features_str[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (f & names[i].bit)
            n += (size_t)snprintf(features_str + n, sizeof features_str - n, "%s%s",
                                  n ? "," : "", names[i].name);

    const unsigned need512 = FG_CPU_AVX512F | FG_CPU_AVX512BW | FG_CPU_AVX512VL | FG_CPU_AVX512DQ;
    fg_isa best = FG_ISA_SCALAR;
    if ((f & (FG_CPU_AVX2 | FG_CPU_FMA)) == (FG_CPU_AVX2 | FG_CPU_FMA)) best = FG_ISA_AVX2;
    if (best == FG_ISA_AVX2 && (f & need512) == need512) best = FG_ISA_AVX512;

    fg_isa cap;
    const char *env = getenv("FNEGRAPH_ISA");
    if (env && *env && parse_isa(env, &cap) && cap < best) best = cap;
    chosen = best;
    read_model();
}

unsigned fg_cpu_features(void)
{
    pthread_once(&once, detect);
    return features;
}

const char *fg_cpu_features_str(void)
{
    pthread_once(&once, detect);
    return features_str;
}

fg_isa fg_cpu_isa(void)
{
    pthread_once(&once, detect);
    return chosen;
}

const char *fg_cpu_model(void)
{
    pthread_once(&once, detect);
    return model;
}

const char *fg_isa_name(fg_isa isa)
{
    switch (isa) {
    case FG_ISA_SCALAR: return "scalar";
    case FG_ISA_AVX2: return "avx2";
    case FG_ISA_AVX512: return "avx512";
    }
    return "unknown";
}

fg_status fg_cpu_check_env(void)
{
    fg_isa isa;
    const char *env = getenv("FNEGRAPH_ISA");
    if (!env || !*env || parse_isa(env, &isa)) return FG_OK;
    return FG_FAIL(FG_EINVAL, "FNEGRAPH_ISA=%s: expected scalar, avx2 or avx512", env);
}
