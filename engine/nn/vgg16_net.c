/* VGG16 (configuration D) up to fc7 on oneDNN 2.6 CPU primitives, reduced to
 * the full-network embedding (docs/method.md §1, §2, §4).
 *
 * The net is data: fg_vgg16_layers drives the build, and the result is an
 * array of steps {primitive, args, nargs} run in one loop. Every layer is
 * described with format_tag_any so oneDNN picks its layouts; a reorder step
 * is inserted only where a layer wants another source layout than its
 * predecessor produced. Weights are reordered once, here, from the Keras
 * layout: conv kernels [kh][kw][cin][cout] = hwio over dims {cout, cin, 3, 3};
 * dense kernels [in][out] = io over {out, in}. fc6 reads pool5 in NHWC (a
 * reorder step makes it so if pool5 came out in another layout) viewed as a
 * matrix [B][25088] whose columns are Keras's H, W, C flatten order,
 * (h*7 + w)*512 + c, the rows of fc1. (docs/method.md §2 suggests fc1 as {4096, 512,
 * 7, 7} hwio over a 4-D pool5, which gives the same products; oneDNN 2.6 then
 * picks gemm:jit with an nchw reorder, 2.5x slower here than the brgemm inner
 * product it picks for the 2-D form.) ReLU is a post-op.
 * The convolution part (conv1_1 .. pool5, and the reorder to NHWC before
 * fc6 if any) is built for passes of cb images (fg_net_opts.conv_batch;
 * default 1 for direct convolutions) and runs ceil(n / cb) times a call of
 * n images (B / cb for a full batch), pool5
 * writing each pass straight into its rows of fc6's input [B][25088]; fc6
 * and fc7 run once a batch, so their 411 MB + 67 MB of f32 weights are read
 * once for B images. A pass of one image keeps each layer's output (12.8 MB
 * at most) in the L3 cache for its FNE reduction, the next layer and the
 * pool, and shrinks the activation buffers from 2 x 98 to 2 x 12 MB; the
 * reductions and pools get faster and the convolutions do not get slower
 * (bench_vgg16 measures each step at batch 1 and 8, and passes of 1 vs B:
 * results/bench/bench_vgg16.json). Winograd keeps cb = B: its tiles span
 * the batch, which bench_vgg16 shows to be the faster choice for it.
 * Activations live in two ping-pong buffers (or one buffer per step with
 * keep_outputs, which builds one pass of B), and one user-managed scratchpad
 * serves every primitive. After each feature layer runs, its output is
 * reduced into the FNE rows in the layout it has (fne_reduce.c), while it is
 * still in cache.
 * Modes (net.h): Winograd asks each 3x3 convolution for
 * dnnl_convolution_winograd and falls back to direct per layer when oneDNN
 * refuses (conv1_1's 3 input channels, for one). bf16: every convolution,
 * pool and inner product reads bf16 (a reorder step converts the f32 input
 * for conv1_1, and fc6's f32 output for fc7); convolutions write bf16 and
 * accumulate in f32 inside oneDNN, inner products write f32 (their output is
 * the fc6/fc7 feature itself); biases stay f32. The FNE reduction reads
 * either type.
 * Cost per image: 30.94 GFLOP (15.47 G multiply-adds) for the full net. */
#include "fnegraph/net.h"

#include "fnegraph/mem.h"
#include "nn/dnnl_util.h"
#include "nn/fne_reduce.h"

#include <omp.h>
#include <stdio.h>
#include <string.h>

enum { BUF_A, BUF_B, BUF_SCRATCH, BUF_INPUT, BUF_FIRST_OWN };

typedef struct step {
    dnnl_primitive_t prim;
    dnnl_exec_arg_t args[6];
    int nargs;
    dnnl_memory_t dst;    /* the step's output */
    fg_i_fne_layout lay;  /* where the output's elements are, for the FNE reduction */
    bool bf16_out;        /* the output is bf16 */
    fg_net_layer info;
} step;

typedef struct buffer { /* storage of activations or the scratchpad */
    float *ptr;
    size_t size; /* bytes: the largest use */
} buffer;

typedef struct binding { /* a memory object whose storage is one of the net's buffers */
    dnnl_memory_t mem;
    int buf;
} binding;

/* The activation the next layer reads. */
typedef struct cursor {
    dnnl_memory_t mem;
    dnnl_memory_desc_t md;
    int buf;
    int c, h, w;
} cursor;

struct fg_net {
    int batch, threads, hw, n_features, fne_dim;
    /* the convolution part (steps [0, n_conv_steps)) runs on passes of cb
     * images; build_batch is the batch of the steps being built */
    int cb, build_batch, n_conv_steps;
    dnnl_memory_t conv_out;  /* the part's last output: fc6's input, moved a pass at a time */
    size_t conv_out_image;   /* bytes of one image in it */
    int fc_in_buf;           /* the buffer of fc6's input [B][25088] */
    bool keep, plan_only;
    /* mode of the layers; the f32 direct path is the paper's arithmetic */
    fg_conv_algo conv_asked, conv;
    fg_precision precision;
    dnnl_data_type_t dt;      /* of the layers' sources and weights */
    dnnl_data_type_t conv_dt; /* of the convolutions' (and pools') outputs */
    dnnl_engine_t eng;
    dnnl_stream_t strm;
    step *steps;
    int n_steps, cap_steps;
    dnnl_memory_t *mems; /* every memory object, destroyed with the net */
    int n_mems, cap_mems;
    binding *binds;
    int n_binds, cap_binds;
    buffer *bufs;
    int n_bufs, cap_bufs;
    dnnl_memory_t input;
    double *part;
    size_t part_size; /* doubles */
    fg_i_fne_sum_fn sum;
    fg_i_fne_sum_bf16_fn sum_bf16;
};

/* ---- growable arrays ---- */

static fg_status grow(void **arr, int *cap, int need, size_t elem)
{
    if (need <= *cap) return FG_OK;
    int ncap = *cap ? *cap * 2 : 16;
    while (ncap < need) ncap *= 2;
    void *p = fg_calloc((size_t)ncap, elem);
    if (!p) return FG_FAIL(FG_ENOMEM, "fg_net: out of memory building the net");
    if (*arr) memcpy(p, *arr, (size_t)*cap * elem);
    fg_free(*arr);
    *arr = p;
    *cap = ncap;
    return FG_OK;
}

static fg_status keep_mem(fg_net *net, dnnl_memory_t m)
{
    fg_status st = grow((void **)&net->mems, &net->cap_mems, net->n_mems + 1, sizeof *net->mems);
    if (st != FG_OK) {
        dnnl_memory_destroy(m);
        return st;
    }
    net->mems[net->n_mems++] = m;
    return FG_OK;
}

static fg_status new_buf(fg_net *net, int *out)
{
    fg_status st = grow((void **)&net->bufs, &net->cap_bufs, net->n_bufs + 1, sizeof *net->bufs);
    if (st != FG_OK) return st;
    *out = net->n_bufs++;
    return FG_OK;
}

/* A memory object for md whose storage will be buffer `buf` (bound once
 * every size is known). */
static fg_status new_mem(fg_net *net, const char *what, const dnnl_memory_desc_t *md, int buf,
                         dnnl_memory_t *out)
{
    fg_status st = FG_OK;
    dnnl_memory_t m = NULL;
    FG_DNNL_GOTO(st, what, dnnl_memory_create(&m, md, net->eng, DNNL_MEMORY_NONE));
    FG_CHECK_GOTO(st, keep_mem(net, m));
    FG_CHECK_GOTO(st, grow((void **)&net->binds, &net->cap_binds, net->n_binds + 1, sizeof *net->binds));
    net->binds[net->n_binds++] = (binding){m, buf};
    size_t sz = dnnl_memory_desc_get_size(md);
    if (sz > net->bufs[buf].size) net->bufs[buf].size = sz;
    *out = m;
done:
    return st;
}

/* The buffer a step reading from src_buf writes to. */
static fg_status dst_buf(fg_net *net, int src_buf, int *out)
{
    if (net->keep) return new_buf(net, out);
    *out = src_buf == BUF_A ? BUF_B : BUF_A;
    return FG_OK;
}

static fg_status make_attr(const char *what, bool relu, dnnl_primitive_attr_t *attr)
{
    fg_status st = FG_OK;
    dnnl_post_ops_t po = NULL;
    *attr = NULL;
    FG_DNNL_GOTO(st, what, dnnl_primitive_attr_create(attr));
    FG_DNNL_GOTO(st, what, dnnl_primitive_attr_set_scratchpad_mode(*attr, dnnl_scratchpad_mode_user));
    if (relu) {
        FG_DNNL_GOTO(st, what, dnnl_post_ops_create(&po));
        FG_DNNL_GOTO(st, what, dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f));
        FG_DNNL_GOTO(st, what, dnnl_primitive_attr_set_post_ops(*attr, po));
    }
done:
    if (po) dnnl_post_ops_destroy(po);
    if (st != FG_OK && *attr) {
        dnnl_primitive_attr_destroy(*attr);
        *attr = NULL;
    }
    return st;
}

/* Append a step for pd: the primitive, its scratchpad on the shared buffer,
 * and the info (impl, layouts). args holds the data arguments. */
static fg_status add_step(fg_net *net, const_dnnl_primitive_desc_t pd, const fg_net_layer *info,
                          const dnnl_exec_arg_t *args, int nargs, dnnl_memory_t dst)
{
    fg_status st = FG_OK;
    const char *what = info->name;
    FG_CHECK_GOTO(st, grow((void **)&net->steps, &net->cap_steps, net->n_steps + 1, sizeof *net->steps));
    step *s = &net->steps[net->n_steps];
    memset(s, 0, sizeof *s);
    s->info = *info;
    s->info.feature = -1;
    s->dst = dst;
    memcpy(s->args, args, (size_t)nargs * sizeof *args);
    s->nargs = nargs;
    snprintf(s->info.impl, sizeof s->info.impl, "%s", fg_i_dnnl_impl(pd));
    const dnnl_memory_desc_t *smd = dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, DNNL_ARG_SRC);
    const dnnl_memory_desc_t *dmd = dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, DNNL_ARG_DST);
    const dnnl_memory_desc_t *wmd = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    const dnnl_memory_desc_t *pmd = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    if (smd) fg_i_dnnl_layout_name(smd, "nchw", s->info.src_layout, sizeof s->info.src_layout);
    if (dmd) fg_i_dnnl_layout_name(dmd, "nchw", s->info.dst_layout, sizeof s->info.dst_layout);
    if (wmd && wmd->ndims > 0)
        fg_i_dnnl_layout_name(wmd, "oihw", s->info.weights_layout, sizeof s->info.weights_layout);
    if (smd) snprintf(s->info.src_type, sizeof s->info.src_type, "%s", dnnl_dt2str(smd->data_type));
    if (dmd) snprintf(s->info.dst_type, sizeof s->info.dst_type, "%s", dnnl_dt2str(dmd->data_type));
    if (pmd && dnnl_memory_desc_get_size(pmd) > 0) {
        dnnl_memory_t sp = NULL;
        FG_CHECK_GOTO(st, new_mem(net, what, pmd, BUF_SCRATCH, &sp));
        s->args[s->nargs++] = (dnnl_exec_arg_t){DNNL_ARG_SCRATCHPAD, sp};
    }
    if (!net->plan_only) FG_DNNL_GOTO(st, what, dnnl_primitive_create(&s->prim, pd));
    net->n_steps++;
done:
    return st;
}

/* Copy a Keras array (user layout) into a oneDNN-owned memory in the layout
 * the primitive wants: the one reorder of the weights. */
static fg_status load_weights(fg_net *net, const char *what, int ndims, const dnnl_dims_t dims,
                              dnnl_format_tag_t user_tag, const float *data,
                              const dnnl_memory_desc_t *want, dnnl_memory_t *out)
{
    fg_status st = FG_OK;
    dnnl_memory_desc_t umd;
    dnnl_memory_t user = NULL, m = NULL;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_primitive_t r = NULL;
    *out = NULL;
    if (net->plan_only) return FG_OK;
    FG_DNNL_GOTO(st, what, dnnl_memory_desc_init_by_tag(&umd, ndims, dims, dnnl_f32, user_tag));
    FG_DNNL_GOTO(st, what, dnnl_memory_create(&user, &umd, net->eng, (void *)data));
    FG_DNNL_GOTO(st, what, dnnl_memory_create(&m, want, net->eng, DNNL_MEMORY_ALLOCATE));
    FG_DNNL_GOTO(st, what, dnnl_reorder_primitive_desc_create(&pd, &umd, net->eng, want, net->eng, NULL));
    FG_DNNL_GOTO(st, what, dnnl_primitive_create(&r, pd));
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, user}, {DNNL_ARG_TO, m}};
    FG_DNNL_GOTO(st, what, dnnl_primitive_execute(r, net->strm, 2, args));
    FG_DNNL_GOTO(st, what, dnnl_stream_wait(net->strm));
    st = keep_mem(net, m);
    m = NULL;
    if (st == FG_OK) *out = net->mems[net->n_mems - 1];
done:
    if (r) dnnl_primitive_destroy(r);
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (user) dnnl_memory_destroy(user);
    if (m) dnnl_memory_destroy(m);
    return st;
}

static void info_init(fg_net_layer *info, const char *name, fg_net_op op, const cursor *in,
                      int oc, int oh, int ow, double flops)
{
    memset(info, 0, sizeof *info);
    snprintf(info->name, sizeof info->name, "%s", name);
    info->op = op;
    info->feature = -1;
    info->in_c = in->c;
    info->in_h = in->h;
    info->in_w = in->w;
    info->out_c = oc;
    info->out_h = oh;
    info->out_w = ow;
    info->flops = flops;
}

/* Make cur match the source layout `want` of the next layer: a reorder step
 * when the previous layer chose another layout. */
static fg_status match_src(fg_net *net, const char *layer, const dnnl_memory_desc_t *want, cursor *cur)
{
    fg_status st = FG_OK;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_primitive_desc_t pd = NULL;
    fg_net_layer info;
    char name[32];
    if (dnnl_memory_desc_equal(&cur->md, want)) return FG_OK;
    snprintf(name, sizeof name, "reorder>%s", layer);
    FG_CHECK_GOTO(st, make_attr(name, false, &attr));
    FG_DNNL_GOTO(st, name, dnnl_reorder_primitive_desc_create(&pd, &cur->md, net->eng, want, net->eng, attr));
    int buf;
    dnnl_memory_t dst = NULL;
    FG_CHECK_GOTO(st, dst_buf(net, cur->buf, &buf));
    FG_CHECK_GOTO(st, new_mem(net, name, want, buf, &dst));
    info_init(&info, name, FG_NET_REORDER, cur, cur->c, cur->h, cur->w, 0);
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, cur->mem}, {DNNL_ARG_TO, dst}};
    FG_CHECK_GOTO(st, add_step(net, pd, &info, args, 2, dst));
    cur->mem = dst;
    cur->md = *want;
    cur->buf = buf;
done:
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (attr) dnnl_primitive_attr_destroy(attr);
    return st;
}

/* Mark the last step as feature layer l: its output is reduced into the FNE. */
static fg_status mark_feature(fg_net *net, int l, const dnnl_memory_desc_t *dmd)
{
    step *s = &net->steps[net->n_steps - 1];
    fg_status st = fg_i_dnnl_fne_layout(dmd, s->info.name, &s->lay);
    if (st != FG_OK) return st;
    s->info.feature = l;
    s->bf16_out = dmd->data_type == dnnl_bf16;
    size_t need = fg_i_fne_part_size(&s->lay);
    if (need > net->part_size) net->part_size = need;
    return FG_OK;
}

/* End of the convolution part: cur (a pass of cb images) in NHWC order,
 * with a reorder step first when it is in another layout, written straight
 * into fc6's input buffer at the pass's images; then that buffer viewed as a
 * matrix [B][h*w*c] in NHWC order (Keras's flatten). */
static fg_status flatten_nhwc(fg_net *net, const char *what, cursor *cur)
{
    fg_status st = FG_OK;
    dnnl_memory_desc_t nhwc, flat;
    dnnl_dims_t d4 = {net->cb, cur->c, cur->h, cur->w};
    dnnl_dims_t d2 = {net->batch, (int64_t)cur->c * cur->h * cur->w};
    dnnl_memory_t view = NULL;
    int fc_in;
    FG_DNNL_GOTO(st, what, dnnl_memory_desc_init_by_tag(&nhwc, 4, d4, net->dt, dnnl_nhwc));
    FG_CHECK_GOTO(st, match_src(net, what, &nhwc, cur));
    net->n_conv_steps = net->n_steps;
    net->conv_out = cur->mem;
    net->conv_out_image = dnnl_memory_desc_get_size(&nhwc) / (size_t)net->cb;
    for (int i = 0; i < net->n_binds; i++) /* its storage moves: fg_net_fne places it */
        if (net->binds[i].mem == cur->mem) net->binds[i].buf = -1;
    net->build_batch = net->batch;
    FG_CHECK_GOTO(st, new_buf(net, &fc_in));
    net->fc_in_buf = cur->buf = fc_in;
    FG_DNNL_GOTO(st, what, dnnl_memory_desc_init_by_tag(&flat, 2, d2, net->dt, dnnl_nc));
    FG_CHECK_GOTO(st, new_mem(net, what, &flat, cur->buf, &view));
    cur->mem = view;
    cur->md = flat;
    cur->c = (int)d2[1];
    cur->h = cur->w = 1;
done:
    return st;
}

/* A convolution or inner product with bias and fused ReLU: feature layer l. */
static fg_status add_layer(fg_net *net, const fg_weights *w, int l, cursor *cur)
{
    fg_status st = FG_OK;
    const fg_vgg16_layer *L = &fg_vgg16_layers[l];
    const char *what = L->name;
    const int64_t B = net->build_batch;
    dnnl_memory_desc_t src_md, wei_md, bias_md, dst_md;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_memory_t wei = NULL, bias = NULL, dst = NULL;
    fg_net_layer info;
    dnnl_dims_t bias_d = {L->cout};
    bool fallback = false;
    FG_DNNL_GOTO(st, what, dnnl_memory_desc_init_by_tag(&bias_md, 1, bias_d, dnnl_f32, dnnl_format_tag_any));
    FG_CHECK_GOTO(st, make_attr(what, true, &attr));
    if (L->conv) {
        dnnl_dims_t src_d = {B, L->cin, cur->h, cur->w}, wei_d = {L->cout, L->cin, 3, 3};
        dnnl_dims_t dst_d = {B, L->cout, cur->h, cur->w};
        dnnl_dims_t stride = {1, 1}, pad = {1, 1};
        dnnl_convolution_desc_t cd;
        FG_DNNL_GOTO(st, what, dnnl_memory_desc_init_by_tag(&src_md, 4, src_d, net->dt, dnnl_format_tag_any));
        FG_DNNL_GOTO(st, what, dnnl_memory_desc_init_by_tag(&wei_md, 4, wei_d, net->dt, dnnl_format_tag_any));
        FG_DNNL_GOTO(st, what, dnnl_memory_desc_init_by_tag(&dst_md, 4, dst_d, net->conv_dt, dnnl_format_tag_any));
        if (net->conv == FG_CONV_WINOGRAD) {
            /* oneDNN refuses Winograd for some shapes: that layer runs direct */
            if (dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_winograd,
                                                   &src_md, &wei_md, &bias_md, &dst_md, stride, pad,
                                                   pad) != dnnl_success ||
                dnnl_primitive_desc_create(&pd, &cd, attr, net->eng, NULL) != dnnl_success) {
                pd = NULL;
                fallback = true;
            }
        }
        if (!pd) {
            FG_DNNL_GOTO(st, what, dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference,
                                                                      dnnl_convolution_direct, &src_md, &wei_md,
                                                                      &bias_md, &dst_md, stride, pad, pad));
            FG_DNNL_GOTO(st, what, dnnl_primitive_desc_create(&pd, &cd, attr, net->eng, NULL));
        }
        info_init(&info, what, FG_NET_CONV, cur, L->cout, cur->h, cur->w,
                  2.0 * 9 * L->cin * (double)L->cout * cur->h * cur->w);
        info.conv = fallback || net->conv == FG_CONV_DIRECT ? FG_CONV_DIRECT : FG_CONV_WINOGRAD;
        info.fallback = fallback || net->conv != net->conv_asked;
    } else {
        /* fc6 reads pool5 flattened in NHWC order, Keras's H, W, C (docs/method.md §2) */
        cursor in = *cur;
        if (cur->h > 1) FG_CHECK_GOTO(st, flatten_nhwc(net, what, cur));
        const int64_t FB = net->build_batch; /* B: flatten_nhwc ended the convolution part */
        dnnl_dims_t src_d = {FB, cur->c}, wei_d = {L->cout, cur->c}, dst_d = {FB, L->cout};
        dnnl_inner_product_desc_t ipd;
        if (cur->c != L->cin) {
            st = FG_FAIL(FG_EINTERNAL, "%s: input has %d values, the layer takes %d", what, cur->c, L->cin);
            goto done;
        }
        FG_DNNL_GOTO(st, what, dnnl_memory_desc_init_by_tag(&src_md, 2, src_d, net->dt, dnnl_format_tag_any));
        FG_DNNL_GOTO(st, what, dnnl_memory_desc_init_by_tag(&wei_md, 2, wei_d, net->dt, dnnl_format_tag_any));
        FG_DNNL_GOTO(st, what, dnnl_memory_desc_init_by_tag(&dst_md, 2, dst_d, dnnl_f32, dnnl_format_tag_any));
        FG_DNNL_GOTO(st, what, dnnl_inner_product_forward_desc_init(&ipd, dnnl_forward_inference, &src_md,
                                                                    &wei_md, &bias_md, &dst_md));
        FG_DNNL_GOTO(st, what, dnnl_primitive_desc_create(&pd, &ipd, attr, net->eng, NULL));
        info_init(&info, what, FG_NET_FC, &in, L->cout, 1, 1, 2.0 * L->cin * (double)L->cout);
    }
    FG_CHECK_GOTO(st, match_src(net, what, dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0), cur));

    /* the Keras layouts: conv [kh][kw][cin][cout] = hwio; dense [in][out] = io */
    const dnnl_memory_desc_t *wwant = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    dnnl_format_tag_t utag = L->conv ? dnnl_hwio : dnnl_io;
    const dnnl_memory_desc_t *bwant = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 1);
    FG_CHECK_GOTO(st, load_weights(net, what, wwant->ndims, wwant->dims, utag, w ? w->kernel[l] : NULL,
                                   wwant, &wei));
    FG_CHECK_GOTO(st, load_weights(net, what, 1, bias_d, dnnl_x, w ? w->bias[l] : NULL, bwant, &bias));

    const dnnl_memory_desc_t *dmd = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
    int buf;
    FG_CHECK_GOTO(st, dst_buf(net, cur->buf, &buf));
    FG_CHECK_GOTO(st, new_mem(net, what, dmd, buf, &dst));
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, cur->mem}, {DNNL_ARG_WEIGHTS, wei},
                               {DNNL_ARG_BIAS, bias}, {DNNL_ARG_DST, dst}};
    FG_CHECK_GOTO(st, add_step(net, pd, &info, args, 4, dst));
    FG_CHECK_GOTO(st, mark_feature(net, l, dmd));
    cur->mem = dst;
    cur->md = *dmd;
    cur->buf = buf;
    cur->c = L->cout;
    if (!L->conv) cur->h = cur->w = 1;
done:
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (attr) dnnl_primitive_attr_destroy(attr);
    return st;
}

/* 2x2/2 max-pool of cur (inference: no workspace). */
static fg_status add_pool(fg_net *net, int index, cursor *cur)
{
    fg_status st = FG_OK;
    char what[16];
    dnnl_memory_desc_t dst_md;
    dnnl_pooling_desc_t pdesc;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_memory_t dst = NULL;
    fg_net_layer info;
    snprintf(what, sizeof what, "pool%d", index);
    dnnl_dims_t dst_d = {net->build_batch, cur->c, cur->h / 2, cur->w / 2};
    dnnl_dims_t two = {2, 2}, zero = {0, 0};
    FG_DNNL_GOTO(st, what, dnnl_memory_desc_init_by_tag(&dst_md, 4, dst_d, cur->md.data_type,
                                                        dnnl_format_tag_any));
    FG_DNNL_GOTO(st, what, dnnl_pooling_forward_desc_init(&pdesc, dnnl_forward_inference, dnnl_pooling_max,
                                                          &cur->md, &dst_md, two, two, zero, zero));
    FG_CHECK_GOTO(st, make_attr(what, false, &attr));
    FG_DNNL_GOTO(st, what, dnnl_primitive_desc_create(&pd, &pdesc, attr, net->eng, NULL));
    const dnnl_memory_desc_t *dmd = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
    int buf;
    FG_CHECK_GOTO(st, dst_buf(net, cur->buf, &buf));
    FG_CHECK_GOTO(st, new_mem(net, what, dmd, buf, &dst));
    info_init(&info, what, FG_NET_POOL, cur, cur->c, cur->h / 2, cur->w / 2, 0);
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_SRC, cur->mem}, {DNNL_ARG_DST, dst}};
    FG_CHECK_GOTO(st, add_step(net, pd, &info, args, 2, dst));
    cur->mem = dst;
    cur->md = *dmd;
    cur->buf = buf;
    cur->h /= 2;
    cur->w /= 2;
done:
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (attr) dnnl_primitive_attr_destroy(attr);
    return st;
}

static fg_status check_opts(const fg_weights *w, const fg_net_opts *o, fg_net_opts *eff)
{
    fg_net_opts d = {0};
    if (o) d = *o;
    if (!w && !d.plan_only) return FG_FAIL(FG_EINVAL, "fg_net_create: null weights");
    if (d.batch < 0 || d.batch > 4096)
        return FG_FAIL(FG_EINVAL, "fg_net_create: batch %d is outside 1..4096", d.batch);
    if (d.threads < 0 || d.threads > 4096)
        return FG_FAIL(FG_EINVAL, "fg_net_create: thread count %d is outside 1..4096", d.threads);
    if (d.input_hw != 0 && (d.input_hw < 32 || d.input_hw % 32 != 0 || d.input_hw > 4096))
        return FG_FAIL(FG_EINVAL, "fg_net_create: input size %d is not 224 or a multiple of 32 "
                       "(32..4096) for a conv-only net", d.input_hw);
    if (d.batch == 0) d.batch = 8;
    if (d.conv_batch < 0 || d.conv_batch > d.batch || (d.conv_batch > 0 && d.batch % d.conv_batch != 0))
        return FG_FAIL(FG_EINVAL, "fg_net_create: conv_batch %d does not divide the batch %d", d.conv_batch,
                       d.batch);
    if (d.threads == 0) d.threads = omp_get_max_threads();
    if (d.input_hw == 0) d.input_hw = FG_VGG16_INPUT;
    int nl = d.input_hw == FG_VGG16_INPUT ? FG_VGG16_LAYERS : FG_VGG16_CONV_LAYERS;
    for (int l = 0; w && l < nl; l++)
        if (!w->kernel[l] || !w->bias[l])
            return FG_FAIL(FG_EINVAL, "fg_net_create: the weights have no %s of %s (%s)",
                           w->kernel[l] ? "bias" : "kernel", fg_vgg16_layers[l].name,
                           fg_vgg16_layers[l].keras);
    *eff = d;
    return FG_OK;
}

fg_status fg_net_create(const fg_weights *w, const fg_net_opts *opts, fg_net **out)
{
    fg_status st = FG_OK;
    fg_net *net = NULL;
    fg_net_opts o = {0};
    fg_net_mode_plan plan;
    int saved_threads = omp_get_max_threads();
    if (!out) return FG_FAIL(FG_EINVAL, "fg_net_create: null output");
    *out = NULL;
    FG_CHECK_GOTO(st, check_opts(w, opts, &o));
    FG_CHECK_GOTO(st, fg_net_check_mode(o.conv, o.precision, &plan));
    /* oneDNN sizes its parallel work at creation from omp_get_max_threads() */
    omp_set_num_threads(o.threads);
    net = fg_calloc(1, sizeof *net);
    if (!net) {
        st = FG_FAIL(FG_ENOMEM, "fg_net_create: out of memory");
        goto done;
    }
    net->batch = o.batch;
    net->threads = o.threads;
    net->hw = o.input_hw;
    net->keep = o.keep_outputs;
    net->plan_only = o.plan_only;
    net->n_features = o.input_hw == FG_VGG16_INPUT ? FG_VGG16_LAYERS : FG_VGG16_CONV_LAYERS;
    net->fne_dim = o.input_hw == FG_VGG16_INPUT ? FG_FNE_DIM : FG_FNE_CONV_DIM;
    net->conv_asked = o.conv;
    net->conv = plan.conv;
    net->precision = o.precision;
    net->dt = net->conv_dt = o.precision == FG_PRECISION_BF16 ? dnnl_bf16 : dnnl_f32;
    /* Winograd's tiles span the batch: passes of one image lose 2-3 % here */
    net->cb = o.conv_batch ? o.conv_batch : net->conv == FG_CONV_WINOGRAD ? net->batch : 1;
    if (net->keep || net->n_features != FG_VGG16_LAYERS) net->cb = net->batch;
    net->build_batch = net->cb;
    net->sum = fg_i_fne_sum_for(fg_cpu_isa());
    net->sum_bf16 = fg_i_fne_sum_bf16_for(fg_cpu_isa());
    FG_DNNL_GOTO(st, "engine", dnnl_engine_create(&net->eng, dnnl_cpu, 0));
    FG_DNNL_GOTO(st, "stream", dnnl_stream_create(&net->strm, net->eng, dnnl_stream_default_flags));
    for (int i = 0; i < BUF_FIRST_OWN; i++) {
        int b;
        FG_CHECK_GOTO(st, new_buf(net, &b));
    }

    /* the input: NHWC f32, the caller's memory (or the padded copy) */
    cursor cur = {.buf = BUF_INPUT, .c = 3, .h = net->hw, .w = net->hw};
    dnnl_dims_t in_d = {net->cb, 3, net->hw, net->hw};
    FG_DNNL_GOTO(st, "input", dnnl_memory_desc_init_by_tag(&cur.md, 4, in_d, dnnl_f32, dnnl_nhwc));
    FG_DNNL_GOTO(st, "input", dnnl_memory_create(&net->input, &cur.md, net->eng, DNNL_MEMORY_NONE));
    cur.mem = net->input;
    net->bufs[BUF_INPUT].size = dnnl_memory_desc_get_size(&cur.md);

    for (int l = 0, pools = 0; l < net->n_features; l++) {
        FG_CHECK_GOTO(st, add_layer(net, w, l, &cur));
        if (fg_vgg16_layers[l].pool_after && l + 1 < net->n_features)
            FG_CHECK_GOTO(st, add_pool(net, ++pools, &cur));
    }
    if (!net->conv_out) net->n_conv_steps = net->n_steps; /* a conv-only net: one part */

    if (net->plan_only) goto planned;
    /* storage: every buffer at its largest use, then bind the memories */
    for (int b = 0; b < net->n_bufs; b++) {
        if (net->bufs[b].size == 0) continue;
        net->bufs[b].ptr = fg_alloc(net->bufs[b].size, 1);
        if (!net->bufs[b].ptr) {
            st = FG_FAIL(FG_ENOMEM, "fg_net_create: out of memory for %zu MB of activations",
                         net->bufs[b].size >> 20);
            goto done;
        }
    }
    for (int i = 0; i < net->n_binds; i++) {
        const binding *b = &net->binds[i];
        if (b->buf >= 0) FG_DNNL_GOTO(st, "bind", dnnl_memory_set_data_handle(b->mem, net->bufs[b->buf].ptr));
    }
    if (net->conv_out) { /* zeroed: rows past a short batch's n stay finite */
        buffer *fc = &net->bufs[net->fc_in_buf];
        memset(fc->ptr, 0, fc->size);
        FG_DNNL_GOTO(st, "pool5", dnnl_memory_set_data_handle(net->conv_out, fc->ptr));
    }
    net->part = fg_alloc(net->part_size ? net->part_size : 1, sizeof *net->part);
    if (!net->part) {
        st = FG_FAIL(FG_ENOMEM, "fg_net_create: out of memory");
        goto done;
    }
planned:
    *out = net;
    net = NULL;
done:
    omp_set_num_threads(saved_threads);
    fg_net_destroy(net);
    return st;
}

/* Run step i on images [first, first + m) of the batch (their FNE rows too). */
static fg_status run_step(fg_net *net, step *s, int first, int m, float *fne_out)
{
    fg_status st = FG_OK;
    double t0 = omp_get_wtime();
    FG_DNNL_GOTO(st, s->info.name, dnnl_primitive_execute(s->prim, net->strm, s->nargs, s->args));
    FG_DNNL_GOTO(st, s->info.name, dnnl_stream_wait(net->strm));
    double t1 = omp_get_wtime();
    s->info.seconds += t1 - t0;
    if (s->info.feature >= 0) {
        void *h = NULL;
        FG_DNNL_GOTO(st, s->info.name, dnnl_memory_get_data_handle(s->dst, &h));
        float *o = fne_out + (size_t)first * (size_t)net->fne_dim + fg_vgg16_layers[s->info.feature].fne_offset;
        if (s->bf16_out)
            fg_i_fne_means_bf16(&s->lay, h, m, net->part, o, net->fne_dim, net->threads, net->sum_bf16);
        else
            fg_i_fne_means(&s->lay, h, m, net->part, o, net->fne_dim, net->threads, net->sum);
        s->info.fne_seconds += omp_get_wtime() - t1;
    }
done:
    return st;
}

fg_status fg_net_fne(fg_net *net, const float *input, int n, float *fne_out)
{
    fg_status st = FG_OK;
    if (!net || !input || !fne_out) return FG_FAIL(FG_EINVAL, "fg_net_fne: null argument");
    if (n < 1 || n > net->batch)
        return FG_FAIL(FG_EINVAL, "fg_net_fne: %d images for a net made for batches of %d", n, net->batch);
    if (net->plan_only) return FG_FAIL(FG_EINVAL, "fg_net_fne: the net was made with plan_only");
    int saved_threads = omp_get_max_threads();
    omp_set_num_threads(net->threads);
    const size_t img = (size_t)net->hw * net->hw * 3;
    /* the convolution part, a pass of cb images at a time, into fc6's input */
    for (int first = 0; first < n; first += net->cb) {
        int m = n - first < net->cb ? n - first : net->cb;
        const void *src = input + (size_t)first * img;
        if (m < net->cb) {
            float *pad = net->bufs[BUF_INPUT].ptr;
            memcpy(pad, src, (size_t)m * img * sizeof *pad);
            memset(pad + (size_t)m * img, 0, (size_t)(net->cb - m) * img * sizeof *pad);
            src = pad;
        }
        /* oneDNN only reads its source: the cast does not let it write the caller's input */
        FG_DNNL_GOTO(st, "input", dnnl_memory_set_data_handle(net->input, (void *)src));
        if (net->conv_out) {
            char *at = (char *)net->bufs[net->fc_in_buf].ptr + (size_t)first * net->conv_out_image;
            FG_DNNL_GOTO(st, "pool5", dnnl_memory_set_data_handle(net->conv_out, at));
        }
        for (int i = 0; i < net->n_conv_steps; i++) FG_CHECK_GOTO(st, run_step(net, &net->steps[i], first, m, fne_out));
    }
    for (int i = net->n_conv_steps; i < net->n_steps; i++) FG_CHECK_GOTO(st, run_step(net, &net->steps[i], 0, n, fne_out));
    for (int i = 0; i < net->n_steps; i++) net->steps[i].info.runs++;
done:
    omp_set_num_threads(saved_threads);
    return st;
}

int fg_net_batch(const fg_net *net) { return net->batch; }
int fg_net_conv_batch(const fg_net *net) { return net->cb; }
int fg_net_threads(const fg_net *net) { return net->threads; }
int fg_net_input_hw(const fg_net *net) { return net->hw; }
int fg_net_fne_dim(const fg_net *net) { return net->fne_dim; }
int fg_net_n_layers(const fg_net *net) { return net->n_steps; }
fg_conv_algo fg_net_conv(const fg_net *net) { return net->conv; }
fg_precision fg_net_precision(const fg_net *net) { return net->precision; }

fg_status fg_net_impl_string(const fg_net *net, char *buf, size_t size)
{
    if (!net || !buf || size == 0) return FG_FAIL(FG_EINVAL, "fg_net_impl_string: bad argument");
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < net->n_steps; i++) {
        const fg_net_layer *L = &net->steps[i].info;
        int w = snprintf(buf + len, size - len, "%s%s:%s%s", i ? "; " : "", L->name, L->impl,
                         L->op == FG_NET_CONV && L->fallback ? " (direct fallback)" : "");
        if (w < 0 || (size_t)w >= size - len)
            return FG_FAIL(FG_EINVAL, "fg_net_impl_string: %zu characters are too few for %d steps", size,
                           net->n_steps);
        len += (size_t)w;
    }
    return FG_OK;
}

double fg_net_flops(const fg_net *net)
{
    double f = 0;
    for (int i = 0; i < net->n_steps; i++) f += net->steps[i].info.flops;
    return f;
}

fg_status fg_net_layer_info(const fg_net *net, int i, fg_net_layer *out)
{
    if (!net || !out) return FG_FAIL(FG_EINVAL, "fg_net_layer_info: null argument");
    if (i < 0 || i >= net->n_steps)
        return FG_FAIL(FG_EINVAL, "fg_net_layer_info: step %d of %d", i, net->n_steps);
    *out = net->steps[i].info;
    return FG_OK;
}

void fg_net_reset_timing(fg_net *net)
{
    for (int i = 0; net && i < net->n_steps; i++) {
        net->steps[i].info.seconds = 0;
        net->steps[i].info.fne_seconds = 0;
        net->steps[i].info.runs = 0;
    }
}

fg_status fg_net_layer_output(const fg_net *net, int i, float *out)
{
    fg_status st = FG_OK;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_primitive_t r = NULL;
    dnnl_memory_t user = NULL;
    dnnl_memory_desc_t umd;
    if (!net || !out) return FG_FAIL(FG_EINVAL, "fg_net_layer_output: null argument");
    if (i < 0 || i >= net->n_steps)
        return FG_FAIL(FG_EINVAL, "fg_net_layer_output: step %d of %d", i, net->n_steps);
    const step *s = &net->steps[i];
    if (!net->keep || net->plan_only)
        return FG_FAIL(FG_EINVAL, "fg_net_layer_output: %s: the net was made without keep_outputs or with plan_only",
                       s->info.name);
    const dnnl_memory_desc_t *md = NULL;
    FG_DNNL_GOTO(st, s->info.name, dnnl_memory_get_memory_desc(s->dst, &md));
    FG_DNNL_GOTO(st, s->info.name, dnnl_memory_desc_init_by_tag(&umd, md->ndims, md->dims, dnnl_f32,
                                                                md->ndims == 4 ? dnnl_nhwc : dnnl_nc));
    FG_DNNL_GOTO(st, s->info.name, dnnl_memory_create(&user, &umd, net->eng, out));
    FG_DNNL_GOTO(st, s->info.name,
                 dnnl_reorder_primitive_desc_create(&pd, md, net->eng, &umd, net->eng, NULL));
    FG_DNNL_GOTO(st, s->info.name, dnnl_primitive_create(&r, pd));
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, s->dst}, {DNNL_ARG_TO, user}};
    FG_DNNL_GOTO(st, s->info.name, dnnl_primitive_execute(r, net->strm, 2, args));
    FG_DNNL_GOTO(st, s->info.name, dnnl_stream_wait(net->strm));
done:
    if (r) dnnl_primitive_destroy(r);
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (user) dnnl_memory_destroy(user);
    return st;
}

void fg_net_destroy(fg_net *net)
{
    if (!net) return;
    for (int i = 0; i < net->n_steps; i++)
        if (net->steps[i].prim) dnnl_primitive_destroy(net->steps[i].prim);
    for (int i = 0; i < net->n_mems; i++) dnnl_memory_destroy(net->mems[i]);
    if (net->input) dnnl_memory_destroy(net->input);
    for (int b = 0; b < net->n_bufs; b++) fg_free(net->bufs[b].ptr);
    if (net->strm) dnnl_stream_destroy(net->strm);
    if (net->eng) dnnl_engine_destroy(net->eng);
    fg_free(net->steps);
    fg_free(net->mems);
    fg_free(net->binds);
    fg_free(net->bufs);
    fg_free(net->part);
    fg_free(net);
}
