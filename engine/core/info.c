/* Versions of fnegraph and its dependencies, read at run time where the
 * library offers it. */
#include "fnegraph/info.h"

#include <gif_lib.h>
#include <hdf5.h>
#include <matio.h>
#include <omp.h>
#include <oneapi/dnnl/dnnl.h>
#include <png.h>
#include <stdio.h>
#include <string.h>
#include <jpeglib.h>

#define FG_STR2(x) #x
#define FG_STR(x) FG_STR2(x)

static const char *dnnl_isa_name(dnnl_cpu_isa_t isa)
{
    switch (isa) {
    case dnnl_cpu_isa_all: return "all";
    case dnnl_cpu_isa_sse41: return "sse41";
    case dnnl_cpu_isa_avx: return "avx";
    case dnnl_cpu_isa_avx2: return "avx2";
    case dnnl_cpu_isa_avx512_mic: return "avx512_mic";
    case dnnl_cpu_isa_avx512_mic_4ops: return "avx512_mic_4ops";
    case dnnl_cpu_isa_avx512_core: return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
    case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
    }
    return "unknown";
}

void fg_build_info_get(fg_build_info *out)
{
    memset(out, 0, sizeof *out);
    out->version = FNEGRAPH_VERSION;
    const dnnl_version_t *v = dnnl_version();
    snprintf(out->onednn, sizeof out->onednn, "%d.%d.%d", v->major, v->minor, v->patch);
    snprintf(out->onednn_isa, sizeof out->onednn_isa, "%s",
             dnnl_isa_name(dnnl_get_effective_cpu_isa()));
    unsigned maj = 0, min = 0, rel = 0;
    H5get_libversion(&maj, &min, &rel);
    snprintf(out->hdf5, sizeof out->hdf5, "%u.%u.%u", maj, min, rel);
    snprintf(out->jpeg, sizeof out->jpeg, "%s (API %d)", FG_STR(LIBJPEG_TURBO_VERSION), JPEG_LIB_VERSION);
    snprintf(out->png, sizeof out->png, "%s", png_get_libpng_ver(NULL));
    snprintf(out->gif, sizeof out->gif, "%d.%d.%d", GIFLIB_MAJOR, GIFLIB_MINOR, GIFLIB_RELEASE);
    int a = 0, b = 0, c = 0;
    Mat_GetLibraryVersion(&a, &b, &c);
    snprintf(out->matio, sizeof out->matio, "%d.%d.%d", a, b, c);
    out->max_threads = omp_get_max_threads();
}
