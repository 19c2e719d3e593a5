/* GIF through giflib 5: the first frame, placed on the logical screen.
 *
 * The canvas is the logical screen, grown to hold the frame if the frame
 * sticks out of it (broken encoders write such files). It starts white; the
 * frame's pixels are painted with its local colour table, else the global
 * one; pixels equal to the transparent index of the frame's Graphic Control
 * Extension are left white, as a browser on a white page shows them. An index
 * past the end of the colour table is black. Interlaced frames are read in
 * the four passes of the GIF89a spec (rows 0, 4, 2, 1 mod 8/8/4/2). Records
 * after the first frame are not read. Cost: O(canvas pixels). */
#include "image_internal.h"
#include "image_alloc.h"
#include "fnegraph/mem.h"

#include <gif_lib.h>
#include <string.h>

typedef struct gif_src {
    const uint8_t *data;
    size_t size, pos;
    int short_read;
} gif_src;

static int read_mem(GifFileType *gif, GifByteType *dst, int n)
{
    gif_src *s = gif->UserData;
    size_t want = n > 0 ? (size_t)n : 0, left = s->size - s->pos;
    if (want > left) {
        s->short_read = 1;
        want = left;
    }
    memcpy(dst, s->data + s->pos, want);
    s->pos += want;
    return (int)want;
}

static fg_status gif_fail(const char *name, const gif_src *s, int err)
{
    if (s->short_read || err == D_GIF_ERR_EOF_TOO_SOON || err == D_GIF_ERR_READ_FAILED)
        return FG_FAIL(FG_EFORMAT, "%s: truncated GIF data", name);
    const char *m = GifErrorString(err);
    return FG_FAIL(FG_EFORMAT, "%s: corrupt GIF data (%s)", name, m ? m : "unknown giflib error");
}

/* Read records up to the first image descriptor, keeping the transparent
 * index of the last Graphic Control Extension seen. */
static fg_status find_first_frame(GifFileType *gif, const char *name, const gif_src *s, int *transparent)
{
    *transparent = -1;
    for (;;) {
        GifRecordType rt;
        if (DGifGetRecordType(gif, &rt) == GIF_ERROR) return gif_fail(name, s, gif->Error);
        if (rt == IMAGE_DESC_RECORD_TYPE) {
            if (DGifGetImageDesc(gif) == GIF_ERROR) return gif_fail(name, s, gif->Error);
            return FG_OK;
        }
        if (rt == TERMINATE_RECORD_TYPE) return FG_FAIL(FG_EFORMAT, "%s: GIF file has no image", name);
        if (rt != EXTENSION_RECORD_TYPE) continue;
        int code;
        GifByteType *ext = NULL;
        if (DGifGetExtension(gif, &code, &ext) == GIF_ERROR) return gif_fail(name, s, gif->Error);
        if (code == GRAPHICS_EXT_FUNC_CODE && ext && ext[0] >= 4) {
            GraphicsControlBlock gcb;
            if (DGifExtensionToGCB(ext[0], ext + 1, &gcb) == GIF_OK) *transparent = gcb.TransparentColor;
        }
        while (ext) {
            if (DGifGetExtensionNext(gif, &ext) == GIF_ERROR) return gif_fail(name, s, gif->Error);
        }
    }
}

fg_status fg_i_decode_gif(const uint8_t *data, size_t size, const char *name, fg_image *out)
{
    fg_status st = FG_OK;
    gif_src src = {data, size, 0, 0};
    GifPixelType *line = NULL;
    int err = 0;
    GifFileType *gif = DGifOpen(&src, read_mem, &err);
    if (!gif) {
        st = gif_fail(name, &src, err);
        goto done;
    }
    int transparent;
    FG_CHECK_GOTO(st, find_first_frame(gif, name, &src, &transparent));
    const GifImageDesc *d = &gif->Image;
    int64_t fw = d->Width, fh = d->Height, fx = d->Left, fy = d->Top;
    if (fw <= 0 || fh <= 0 || fx < 0 || fy < 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: corrupt GIF frame (%lldx%lld at %lld,%lld)", name, (long long)fw,
                     (long long)fh, (long long)fx, (long long)fy);
        goto done;
    }
    int64_t cw = gif->SWidth > fx + fw ? gif->SWidth : fx + fw;
    int64_t ch = gif->SHeight > fy + fh ? gif->SHeight : fy + fh;
    FG_CHECK_GOTO(st, fg_i_check_size(name, "GIF", cw, ch));
    const ColorMapObject *cmap = d->ColorMap ? d->ColorMap : gif->SColorMap;
    if (!cmap || !cmap->Colors || cmap->ColorCount <= 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: GIF frame has no colour table", name);
        goto done;
    }
    FG_CHECK_GOTO(st, fg_image_create((int)cw, (int)ch, out));
    memset(out->rgb, 255, (size_t)cw * (size_t)ch * 3);
    line = fg_alloc((size_t)fw, sizeof *line);
    if (!line) {
        st = FG_FAIL(FG_ENOMEM, "%s: out of memory", name);
        goto done;
    }
    static const int pass_start[4] = {0, 4, 2, 1}, pass_step[4] = {8, 8, 4, 2};
    int passes = d->Interlace ? 4 : 1;
    for (int p = 0; p < passes; p++) {
        int y0 = d->Interlace ? pass_start[p] : 0, dy = d->Interlace ? pass_step[p] : 1;
        for (int64_t y = y0; y < fh; y += dy) {
            if (DGifGetLine(gif, line, (int)fw) == GIF_ERROR) {
                st = gif_fail(name, &src, gif->Error);
                goto done;
            }
            uint8_t *dst = out->rgb + ((size_t)(fy + y) * (size_t)cw + (size_t)fx) * 3;
            for (int64_t x = 0; x < fw; x++, dst += 3) {
                int k = line[x];
                if (k == transparent) continue;
                if (k < cmap->ColorCount) {
                    dst[0] = cmap->Colors[k].Red;
                    dst[1] = cmap->Colors[k].Green;
                    dst[2] = cmap->Colors[k].Blue;
                } else {
                    dst[0] = dst[1] = dst[2] = 0;
                }
            }
        }
    }
done:
    if (gif) DGifCloseFile(gif, &err);
    fg_free(line);
    if (st != FG_OK) fg_image_destroy(out);
    return st;
}
