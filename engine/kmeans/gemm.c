/* The distance step's matrix product, x . c^T, on oneDNN's matmul primitive
 * (oneDNN 2.6 C API: dnnl_matmul_desc_init + dnnl_primitive_desc_create):
 * src x [n][d] (tag ab), weights c^T [d][m] given as c [m][d] (tag ba: no
 * copy, no reorder), dst [n][m] (ab). The primitive is made once per shape
 * and reused for every iteration; the buffers are bound per call.
 * Cost: 2 n d m flops, at the FMA peak for the k-means shapes (benchmarked in
 * bench/bench_kmeans.c). */
#include "kmeans/kmeans_i.h"
#include "nn/dnnl_util.h"

#include <stdio.h>
#include <string.h>

static fg_status make(int64_t n, int64_t d, int64_t m, fg_i_km_gemm *g)
{
    fg_status st = FG_OK;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_memory_desc_t smd, wmd, dmd;
    const dnnl_dims_t sd = {n, d}, wd = {d, m}, dd = {n, m};
    const char *what = "k-means distance product";
    FG_DNNL_GOTO(st, what, dnnl_engine_create(&g->eng, dnnl_cpu, 0));
    FG_DNNL_GOTO(st, what, dnnl_stream_create(&g->strm, g->eng, dnnl_stream_default_flags));
    FG_DNNL_GOTO(st, what, dnnl_memory_desc_init_by_tag(&smd, 2, sd, dnnl_f32, dnnl_ab));
    FG_DNNL_GOTO(st, what, dnnl_memory_desc_init_by_tag(&wmd, 2, wd, dnnl_f32, dnnl_ba));
    FG_DNNL_GOTO(st, what, dnnl_memory_desc_init_by_tag(&dmd, 2, dd, dnnl_f32, dnnl_ab));
    dnnl_matmul_desc_t desc;
    FG_DNNL_GOTO(st, what, dnnl_matmul_desc_init(&desc, &smd, &wmd, NULL, &dmd));
    FG_DNNL_GOTO(st, what, dnnl_primitive_desc_create(&pd, &desc, NULL, g->eng, NULL));
    FG_DNNL_GOTO(st, what, dnnl_primitive_create(&g->prim, pd));
    snprintf(g->impl, sizeof g->impl, "%s", fg_i_dnnl_impl(pd));
    FG_DNNL_GOTO(st, what, dnnl_memory_create(&g->src, &smd, g->eng, DNNL_MEMORY_NONE));
    FG_DNNL_GOTO(st, what, dnnl_memory_create(&g->wei, &wmd, g->eng, DNNL_MEMORY_NONE));
    FG_DNNL_GOTO(st, what, dnnl_memory_create(&g->dst, &dmd, g->eng, DNNL_MEMORY_NONE));
done:
    if (pd) dnnl_primitive_desc_destroy(pd);
    return st;
}

fg_status fg_i_km_gemm_create(int64_t n, int64_t d, int64_t m, fg_i_km_gemm *g)
{
    memset(g, 0, sizeof *g);
    if (n < 1 || d < 1 || m < 1)
        return FG_FAIL(FG_EINVAL, "k-means distance product: shape %lld x %lld by %lld centres", (long long)n,
                       (long long)d, (long long)m);
    g->n = n;
    g->d = d;
    g->m = m;
    fg_status st = make(n, d, m, g);
    if (st != FG_OK) fg_i_km_gemm_destroy(g);
    return st;
}

fg_status fg_i_km_gemm_run(fg_i_km_gemm *g, const float *x, const float *c, float *out)
{
    fg_status st = FG_OK;
    const char *what = "k-means distance product";
    FG_DNNL_GOTO(st, what, dnnl_memory_set_data_handle(g->src, (void *)x));
    FG_DNNL_GOTO(st, what, dnnl_memory_set_data_handle(g->wei, (void *)c));
    FG_DNNL_GOTO(st, what, dnnl_memory_set_data_handle(g->dst, out));
    const dnnl_exec_arg_t args[3] = {
        {DNNL_ARG_SRC, g->src}, {DNNL_ARG_WEIGHTS, g->wei}, {DNNL_ARG_DST, g->dst}};
    FG_DNNL_GOTO(st, what, dnnl_primitive_execute(g->prim, g->strm, 3, args));
    FG_DNNL_GOTO(st, what, dnnl_stream_wait(g->strm));
done:
    return st;
}

void fg_i_km_gemm_destroy(fg_i_km_gemm *g)
{
    if (!g) return;
    if (g->src) dnnl_memory_destroy(g->src);
    if (g->wei) dnnl_memory_destroy(g->wei);
    if (g->dst) dnnl_memory_destroy(g->dst);
    if (g->prim) dnnl_primitive_destroy(g->prim);
    if (g->strm) dnnl_stream_destroy(g->strm);
    if (g->eng) dnnl_engine_destroy(g->eng);
    memset(g, 0, sizeof *g);
}

void fg_i_km_gemm_impl(int64_t n, int64_t d, int64_t m, char *buf, size_t size)
{
    fg_i_km_gemm g;
    if (fg_i_km_gemm_create(n, d, m, &g) == FG_OK) snprintf(buf, size, "%s", g.impl);
    else snprintf(buf, size, "?");
    fg_i_km_gemm_destroy(&g);
}
