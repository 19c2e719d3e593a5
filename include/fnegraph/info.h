/* Versions and run-time choices of this build, for `fnegraph info` and the
 * attributes that make a results file reproducible. */
#ifndef FNEGRAPH_INFO_H
#define FNEGRAPH_INFO_H

#include "fnegraph/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fg_build_info {
    const char *version;     /* fnegraph version, e.g. "0.1.0" */
    char onednn[32];         /* oneDNN version linked at run time, "2.6.3" */
    char onednn_isa[48];     /* ISA oneDNN's JIT selected, "avx512_core_bf16" */
    char hdf5[32];           /* HDF5 library version at run time */
    char jpeg[32];           /* libjpeg-turbo version (compile time; the ABI is 6.2) */
    char png[32];            /* libpng version at run time */
    char gif[16];            /* giflib version (compile time) */
    char matio[16];          /* libmatio version at run time */
    int max_threads;         /* OpenMP threads a parallel region gets by default */
} fg_build_info;

/* Fill *out; never fails. */
FG_API void fg_build_info_get(fg_build_info *out);

#ifdef __cplusplus
}
#endif
#endif
