/* oneDNN helpers: status messages, layout names, and the FNE layout of a
 * memory descriptor (dnnl_memory_desc_t.format_desc.blocking: outer strides
 * per dimension plus inner blocks, oneDNN 2.6). */
#include "nn/dnnl_util.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

int fg_i_dnnl_fn_len(const char *expr)
{
    return (int)strcspn(expr, "( ");
}

void fg_i_dnnl_layout_name(const dnnl_memory_desc_t *md, const char *letters, char *buf, size_t size)
{
    if (size == 0) return;
    buf[0] = '\0';
    if (md->format_kind != dnnl_blocked) {
        snprintf(buf, size, "%s", dnnl_fmt_kind2str(md->format_kind));
        return;
    }
    const dnnl_blocking_desc_t *b = &md->format_desc.blocking;
    int nd = md->ndims, order[DNNL_MAX_NDIMS];
    bool blocked[DNNL_MAX_NDIMS] = {false};
    for (int k = 0; k < b->inner_nblks; k++) blocked[b->inner_idxs[k]] = true;
    for (int d = 0; d < nd; d++) order[d] = d;
    /* outermost first: larger stride first, ties keep the logical order */
    for (int i = 1; i < nd; i++)
        for (int j = i; j > 0 && b->strides[order[j]] > b->strides[order[j - 1]]; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    size_t len = 0;
    for (int i = 0; i < nd && len + 1 < size; i++) {
        int d = order[i];
        char ch = d < (int)strlen(letters) ? letters[d] : (char)('a' + d);
        if (blocked[d]) ch = (char)(ch - 'a' + 'A');
        buf[len++] = ch;
        buf[len] = '\0';
    }
    for (int k = 0; k < b->inner_nblks && len + 1 < size; k++) {
        int d = (int)b->inner_idxs[k];
        char ch = d < (int)strlen(letters) ? letters[d] : (char)('a' + d);
        int w = snprintf(buf + len, size - len, "%lld%c", (long long)b->inner_blks[k], ch);
        if (w < 0) break;
        len += (size_t)w;
        if (len >= size) {
            buf[size - 1] = '\0';
            break;
        }
    }
}

fg_status fg_i_dnnl_fne_layout(const dnnl_memory_desc_t *md, const char *what, fg_i_fne_layout *out)
{
    char name[48];
    fg_i_dnnl_layout_name(md, "nchw", name, sizeof name);
    if (md->format_kind != dnnl_blocked || (md->data_type != dnnl_f32 && md->data_type != dnnl_bf16) ||
        (md->ndims != 4 && md->ndims != 2))
        return FG_FAIL(FG_EUNSUPPORTED, "%s: output layout %s (%d dims) is not one the FNE reduction reads",
                       what, name, md->ndims);
    const dnnl_blocking_desc_t *b = &md->format_desc.blocking;
    const dnnl_dims_t *s = &b->strides;
    memset(out, 0, sizeof *out);
    out->n = md->dims[0];
    out->c = md->dims[1];
    out->h = md->ndims == 4 ? md->dims[2] : 1;
    out->w = md->ndims == 4 ? md->dims[3] : 1;
    out->off0 = md->offset0;
    out->s_n = (*s)[0];
    out->s_h = md->ndims == 4 ? (*s)[2] : 0;
    out->s_w = md->ndims == 4 ? (*s)[3] : 0;
    if (b->inner_nblks == 0) {
        if ((*s)[1] == 1) { /* channels innermost (nhwc, nc): one group of C lanes */
            out->groups = 1;
            out->lanes = md->padded_dims[1];
            out->s_g = 0;
        } else { /* channel planes (nchw): C groups of one lane */
            out->groups = md->padded_dims[1];
            out->lanes = 1;
            out->s_g = (*s)[1];
        }
    } else if (b->inner_nblks == 1 && b->inner_idxs[0] == 1) { /* nChw16c, nChw8c */
        out->lanes = b->inner_blks[0];
        out->groups = md->padded_dims[1] / out->lanes;
        out->s_g = (*s)[1];
    } else {
        return FG_FAIL(FG_EUNSUPPORTED, "%s: output layout %s is blocked on other dimensions than "
                       "the channels: the FNE reduction cannot read it", what, name);
    }
    for (int d = 0; d < md->ndims; d++)
        if (d != 1 && md->padded_dims[d] != md->dims[d])
            return FG_FAIL(FG_EUNSUPPORTED, "%s: output layout %s pads dimension %d", what, name, d);
    return FG_OK;
}

const char *fg_i_dnnl_impl(const_dnnl_primitive_desc_t pd)
{
    const char *s = NULL;
    if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &s) != dnnl_success || !s)
        return "?";
    return s;
}
