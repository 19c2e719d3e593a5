/* Helpers every benchmark program shares: the JSON context block. */
#ifndef FNEGRAPH_BENCH_COMMON_H
#define FNEGRAPH_BENCH_COMMON_H

#include "knobs.h"
#include "bench_shim.h"
#include "fnegraph/cpu.h"
#include "fnegraph/info.h"

#include <stdio.h>

/* Apply the FG_BENCH_* knobs (knobs.h), then record the CPU, the
 * kernels' ISA, oneDNN's ISA and the threads in the JSON. */
static inline void bench_context_fnegraph(void)
{
    fg_build_info bi;
    char buf[32];
    bench_env_init();
    fg_build_info_get(&bi);
    bench_add_context("fnegraph_version", bi.version);
    bench_add_context("cpu_model", fg_cpu_model());
    bench_add_context("cpu_features", fg_cpu_features_str());
    bench_add_context("kernels_isa", fg_isa_name(fg_cpu_isa()));
    bench_add_context("onednn_version", bi.onednn);
    bench_add_context("onednn_isa", bi.onednn_isa);
    snprintf(buf, sizeof buf, "%d", bi.max_threads);
    bench_add_context("omp_threads", buf);
    bench_add_context("note", "Debian's libbenchmark 1.7.1 reports library_build_type=debug; "
                              "it does not affect the timed code");
}

#endif
