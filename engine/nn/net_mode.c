/* Modes of the net (issue "Fast extraction"): names, parsing, and the plan
 * of a mode on this machine, decided before any work from oneDNN's effective
 * ISA (dnnl_get_effective_cpu_isa honours ONEDNN_MAX_CPU_ISA). oneDNN 2.6
 * facts the plan relies on: its Winograd convolutions are AVX-512 f32 only
 * (jit_wino_4x3 / jit_wino_2x3); bf16 convolutions and inner products run
 * natively with avx512_core_bf16 (vdpbf16ps), emulated on plain avx512_core
 * (slower than f32), and not at all below AVX-512. O(1). */
#include "fnegraph/info.h"
#include "fnegraph/net.h"

#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *fg_conv_algo_name(fg_conv_algo a)
{
    return a == FG_CONV_WINOGRAD ? "winograd" : "direct";
}

fg_status fg_conv_algo_parse(const char *s, fg_conv_algo *out)
{
    if (s && strcmp(s, "direct") == 0) *out = FG_CONV_DIRECT;
    else if (s && strcmp(s, "winograd") == 0) *out = FG_CONV_WINOGRAD;
    else return FG_FAIL(FG_EINVAL, "convolution algorithm '%s': expected direct or winograd", s ? s : "(null)");
    return FG_OK;
}

const char *fg_precision_name(fg_precision p)
{
    return p == FG_PRECISION_BF16 ? "bf16" : "f32";
}

fg_status fg_precision_parse(const char *s, fg_precision *out)
{
    if (s && strcmp(s, "f32") == 0) *out = FG_PRECISION_F32;
    else if (s && strcmp(s, "bf16") == 0) *out = FG_PRECISION_BF16;
    else return FG_FAIL(FG_EINVAL, "precision '%s': expected f32 or bf16", s ? s : "(null)");
    return FG_OK;
}

/* oneDNN's ISA values are nested bit masks: isa has everything of `need`. */
static bool isa_has(dnnl_cpu_isa_t isa, dnnl_cpu_isa_t need)
{
    return ((unsigned)isa & (unsigned)need) == (unsigned)need;
}

/* " (capped by ONEDNN_MAX_CPU_ISA=X)" when the variable is set, else "". */
static void cap_note(char *buf, size_t n)
{
    const char *cap = getenv("ONEDNN_MAX_CPU_ISA");
    if (!cap || !*cap) cap = getenv("DNNL_MAX_CPU_ISA");
    if (cap && *cap) snprintf(buf, n, " (capped by ONEDNN_MAX_CPU_ISA=%.40s)", cap);
    else buf[0] = '\0';
}

fg_status fg_net_check_mode(fg_conv_algo conv, fg_precision precision, fg_net_mode_plan *plan)
{
    if (!plan) return FG_FAIL(FG_EINVAL, "fg_net_check_mode: null output");
    if ((conv != FG_CONV_DIRECT && conv != FG_CONV_WINOGRAD) ||
        (precision != FG_PRECISION_F32 && precision != FG_PRECISION_BF16))
        return FG_FAIL(FG_EINVAL, "fg_net_check_mode: unknown mode (%d, %d)", (int)conv, (int)precision);
    fg_build_info bi;
    char cap[96];
    fg_build_info_get(&bi);
    cap_note(cap, sizeof cap);
    memset(plan, 0, sizeof *plan);
    plan->conv = conv;
    plan->precision = precision;
    snprintf(plan->onednn_isa, sizeof plan->onednn_isa, "%s", bi.onednn_isa);
    dnnl_cpu_isa_t isa = dnnl_get_effective_cpu_isa();
    bool avx512 = isa_has(isa, dnnl_cpu_isa_avx512_core);
    bool bf16 = isa_has(isa, dnnl_cpu_isa_avx512_core_bf16);
    size_t len = 0;
    if (precision == FG_PRECISION_BF16) {
        if (!avx512)
            return FG_FAIL(FG_EUNSUPPORTED,
                           "bf16 precision needs AVX-512 (the CPU feature avx512_core: AVX512F, BW, VL, "
                           "DQ), and avx512_bf16 to run natively; oneDNN's ISA here is %s%s. Use f32",
                           bi.onednn_isa, cap);
        if (!bf16) {
            plan->emulated = true;
            len += (size_t)snprintf(plan->warning + len, sizeof plan->warning - len,
                                    "bf16 runs emulated: oneDNN's ISA here is %s%s, without "
                                    "avx512_bf16; expect it slower than f32.", bi.onednn_isa, cap);
        }
    }
    if (conv == FG_CONV_WINOGRAD && len < sizeof plan->warning) {
        if (!avx512) {
            plan->conv = FG_CONV_DIRECT;
            snprintf(plan->warning + len, sizeof plan->warning - len,
                     "%soneDNN's Winograd convolutions need AVX-512 (avx512_core) and its ISA here is "
                     "%s%s: the convolutions run direct.", len ? " " : "", bi.onednn_isa, cap);
        } else if (precision == FG_PRECISION_BF16) {
            plan->conv = FG_CONV_DIRECT;
            snprintf(plan->warning + len, sizeof plan->warning - len,
                     "%soneDNN's Winograd convolutions are f32 only: with bf16 they run direct.",
                     len ? " " : "");
        }
    }
    return FG_OK;
}
