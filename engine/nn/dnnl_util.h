/* Small helpers around oneDNN's C API (private to engine/nn): a status check
 * that names the layer, readable layout names, and the bridge from a memory
 * descriptor to the FNE reduction's layout. */
#ifndef FNEGRAPH_NN_DNNL_UTIL_H
#define FNEGRAPH_NN_DNNL_UTIL_H

#include "fnegraph/error.h"
#include "nn/fne_reduce.h"

#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl_debug.h>

/* Length of the function name at the start of a stringified call. */
int fg_i_dnnl_fn_len(const char *expr);

/* Run a oneDNN call; on failure record FG_EBACKEND with the layer (`what`),
 * the function and oneDNN's status, store it in st and jump to done. */
#define FG_DNNL_GOTO(st, what, expr)                                                            \
    do {                                                                                        \
        dnnl_status_t s_ = (expr);                                                              \
        if (s_ != dnnl_success) {                                                               \
            (st) = fg_error_set(__FILE__, __LINE__, FG_EBACKEND, "%s: %.*s: dnnl status %s",   \
                                (what), fg_i_dnnl_fn_len(#expr), #expr, dnnl_status2str(s_));   \
            goto done;                                                                          \
        }                                                                                       \
    } while (0)

/* A oneDNN-style name of md's layout with the given dimension letters
 * ("nchw" for activations, "oihw" for weights): dimensions from outermost to
 * innermost, upper case when blocked, then the inner blocks, e.g. "nhwc",
 * "nChw16c", "OIhw16i16o"; the format kind for non-blocked descriptors. */
void fg_i_dnnl_layout_name(const dnnl_memory_desc_t *md, const char *letters, char *buf, size_t size);

/* The FNE layout of a 4-D (n, c, h, w) or 2-D (n, c) f32 or bf16 activation
 * (strides in elements of its type): plain
 * strides with at most one inner block, on the channels. Anything else is
 * FG_EUNSUPPORTED naming `what` and the layout. */
fg_status fg_i_dnnl_fne_layout(const dnnl_memory_desc_t *md, const char *what, fg_i_fne_layout *out);

/* The implementation a primitive descriptor got ("brgconv:avx512_core"), or "?". */
const char *fg_i_dnnl_impl(const_dnnl_primitive_desc_t pd);

#endif
