/* PNG through libpng 1.6: decode every colour type and bit depth to 8-bit
 * RGB, and encode 8-bit RGB.
 *
 * Decoding: palette -> RGB, gray of 1/2/4 bits scaled to 8 (a 1 becomes 255),
 * 16-bit samples rounded (png_set_scale_16: round(v * 255 / 65535)), gray ->
 * RGB by replication, alpha channels dropped and tRNS ignored (the colour
 * channels are kept as stored, as Pillow's convert("RGB") does), gAMA
 * ignored, Adam7 interlacing undone by libpng. Data missing before IEND is
 * "truncated PNG data"; libpng errors longjmp back here; its warnings are
 * dropped. Cost: O(pixels). */
#include "image_internal.h"
#include "image_alloc.h"
#include "fnegraph/mem.h"

#include <png.h>
#include <stdio.h>
#include <string.h>

typedef struct png_job {
    const uint8_t *data;
    size_t size, pos;
    const char *name;
    fg_image *out;
    png_bytep *rows;
    int truncated;
    fg_status st;
    char msg[256];
    png_structp png;
    png_infop info;
    /* encoder output */
    uint8_t *obuf;
    size_t olen, ocap;
} png_job;

static void on_png_error(png_structp png, png_const_charp msg)
{
    png_job *j = png_get_error_ptr(png);
    snprintf(j->msg, sizeof j->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static void read_mem(png_structp png, png_bytep dst, png_size_t n)
{
    png_job *j = png_get_io_ptr(png);
    if (n > j->size - j->pos) {
        j->truncated = 1;
        png_error(png, "truncated");
    }
    memcpy(dst, j->data + j->pos, n);
    j->pos += n;
}

static void run_read(png_job *j)
{
    png_structp png = j->png;
    png_infop info = j->info;
    png_set_read_fn(png, j, read_mem);
    png_read_info(png, info);
    png_uint_32 w, h;
    int depth, ctype, interlace;
    png_get_IHDR(png, info, &w, &h, &depth, &ctype, &interlace, NULL, NULL);
    j->st = fg_i_check_size(j->name, "PNG", (int64_t)w, (int64_t)h);
    if (j->st != FG_OK) return;
    if (ctype == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if ((ctype == PNG_COLOR_TYPE_GRAY || ctype == PNG_COLOR_TYPE_GRAY_ALPHA) && depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (depth == 16) png_set_scale_16(png);
    /* the expansions above turn a tRNS chunk into an alpha channel: drop it too */
    if ((ctype & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, info, PNG_INFO_tRNS)) png_set_strip_alpha(png);
    if (ctype == PNG_COLOR_TYPE_GRAY || ctype == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)w * 3 || png_get_channels(png, info) != 3) {
        j->st = FG_FAIL(FG_EFORMAT, "%s: PNG colour type %d, depth %d did not convert to RGB", j->name,
                        ctype, depth);
        return;
    }
    j->st = fg_image_create((int)w, (int)h, j->out);
    if (j->st != FG_OK) return;
    j->rows = fg_alloc(h, sizeof *j->rows);
    if (!j->rows) {
        j->st = FG_FAIL(FG_ENOMEM, "%s: out of memory", j->name);
        return;
    }
    for (png_uint_32 y = 0; y < h; y++) j->rows[y] = j->out->rgb + (size_t)y * w * 3;
    png_read_image(png, j->rows);
    png_read_end(png, NULL);
}

static fg_status read_job(png_job *j)
{
    if (setjmp(png_jmpbuf(j->png))) {
        if (j->truncated) return FG_FAIL(FG_EFORMAT, "%s: truncated PNG data", j->name);
        return FG_FAIL(FG_EFORMAT, "%s: corrupt PNG data (%s)", j->name, j->msg);
    }
    run_read(j);
    return j->st;
}

fg_status fg_i_decode_png(const uint8_t *data, size_t size, const char *name, fg_image *out)
{
    fg_status st;
    png_job *j = fg_calloc(1, sizeof *j);
    if (!j) return FG_FAIL(FG_ENOMEM, "%s: out of memory", name);
    j->data = data;
    j->size = size;
    j->name = name;
    j->out = out;
    j->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, j, on_png_error, on_png_warning);
    if (j->png) j->info = png_create_info_struct(j->png);
    if (!j->png || !j->info) st = FG_FAIL(FG_ENOMEM, "%s: out of memory starting libpng", name);
    else st = read_job(j);
    png_destroy_read_struct(j->png ? &j->png : NULL, j->info ? &j->info : NULL, NULL);
    fg_free(j->rows);
    fg_free(j);
    if (st != FG_OK) fg_image_destroy(out);
    return st;
}

static void write_mem(png_structp png, png_bytep src, png_size_t n)
{
    png_job *j = png_get_io_ptr(png);
    if (n > j->ocap - j->olen) {
        size_t cap = j->ocap ? j->ocap : 65536;
        while (cap - j->olen < n) cap *= 2;
        uint8_t *b = fg_alloc(cap, 1);
        if (!b) png_error(png, "out of memory");
        if (j->olen) memcpy(b, j->obuf, j->olen);
        fg_free(j->obuf);
        j->obuf = b;
        j->ocap = cap;
    }
    memcpy(j->obuf + j->olen, src, n);
    j->olen += n;
}

static void flush_mem(png_structp png) { (void)png; }

static int write_job(png_job *j, const fg_image *img)
{
    if (setjmp(png_jmpbuf(j->png))) return -1;
    png_set_write_fn(j->png, j, write_mem, flush_mem);
    png_set_IHDR(j->png, j->info, (png_uint_32)img->width, (png_uint_32)img->height, 8,
                 PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(j->png, j->info);
    for (int y = 0; y < img->height; y++)
        png_write_row(j->png, img->rgb + (size_t)y * (size_t)img->width * 3);
    png_write_end(j->png, NULL);
    return 0;
}

fg_status fg_image_write_png(const char *path, const fg_image *img)
{
    if (!path || !img || !img->rgb || img->width <= 0 || img->height <= 0)
        return FG_FAIL(FG_EINVAL, "fg_image_write_png: null argument or empty image");
    fg_status st;
    png_job *j = fg_calloc(1, sizeof *j);
    if (!j) return FG_FAIL(FG_ENOMEM, "%s: out of memory", path);
    j->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, j, on_png_error, on_png_warning);
    if (j->png) j->info = png_create_info_struct(j->png);
    if (!j->png || !j->info) st = FG_FAIL(FG_ENOMEM, "%s: out of memory starting libpng", path);
    else if (write_job(j, img) != 0) st = FG_FAIL(FG_EBACKEND, "%s: PNG encoder failed: %s", path, j->msg);
    else st = fg_i_write_file(path, j->obuf, j->olen);
    png_destroy_write_struct(j->png ? &j->png : NULL, j->info ? &j->info : NULL);
    fg_free(j->obuf);
    fg_free(j);
    return st;
}
