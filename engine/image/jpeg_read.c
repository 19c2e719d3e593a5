/* JPEG decoding through libjpeg-turbo (API 62): baseline, progressive,
 * grayscale, RGB, CMYK and YCCK to 8-bit RGB (docs/method.md §3).
 *
 * - DCT scaling: with a size hint, the largest reduction 1/2, 1/4 or 1/8
 *   whose output keeps both sides >= the hint (libjpeg's output side is
 *   ceil(side / d)). The reduced IDCTs of these factors have SIMD code in
 *   libjpeg-turbo; other M/8 factors would not.
 * - CMYK/YCCK: libjpeg turns YCCK into CMYK; we convert CMYK with
 *   R = round(c' * k' / 255) where c' = 255 - C for plain ink values and
 *   c' = C for inverted ones. A file with an Adobe APP14 marker is taken as
 *   inverted (Photoshop's convention, as djpeg, Pillow and browsers do).
 * - Errors: error_exit longjmps back here; warnings are not printed; a
 *   premature end of data is an error, other warnings are tolerated.
 * Memory: libjpeg's own working memory is capped (no backing store), the
 * output image is checked against FG_IMAGE_MAX_PIXELS before allocation.
 * Cost: O(pixels decoded), done by libjpeg-turbo's SIMD code. */
#include "image_internal.h"
#include "image_alloc.h"
#include "jpeg_err.h"
#include "fnegraph/mem.h"

#include <jerror.h>
#include <string.h>

/* libjpeg's working memory cap: progressive files keep all coefficients. */
#define JPEG_MAX_WORK_MEMORY (768L * 1024 * 1024)

static void on_error_exit(j_common_ptr c)
{
    fg_i_jpeg_err *e = (fg_i_jpeg_err *)c->err;
    e->pub.format_message(c, e->msg);
    longjmp(e->jump, 1);
}

static void on_emit_message(j_common_ptr c, int level)
{
    fg_i_jpeg_err *e = (fg_i_jpeg_err *)c->err;
    if (level >= 0) return; /* trace messages */
    if (e->pub.msg_code == JWRN_JPEG_EOF) {
        e->truncated = 1;
        e->pub.format_message(c, e->msg);
        longjmp(e->jump, 1);
    }
    e->pub.num_warnings++;
}

static void on_output_message(j_common_ptr c) { (void)c; }

struct jpeg_error_mgr *fg_i_jpeg_err_init(fg_i_jpeg_err *e)
{
    memset(e, 0, sizeof *e);
    jpeg_std_error(&e->pub);
    e->pub.error_exit = on_error_exit;
    e->pub.emit_message = on_emit_message;
    e->pub.output_message = on_output_message;
    return &e->pub;
}

/* State that must survive a longjmp lives here, outside the function that
 * calls setjmp. */
typedef struct jpeg_job {
    struct jpeg_decompress_struct cinfo;
    fg_i_jpeg_err err;
    const uint8_t *data;
    size_t size;
    const char *name;
    int min_side_hint;
    fg_image *out;
    uint8_t *row;       /* one CMYK row */
    JSAMPROW *rows;     /* row pointers into out->rgb */
    fg_status st;       /* a non-libjpeg failure found inside run_job */
} jpeg_job;

static uint8_t mul255(unsigned a, unsigned b)
{
    unsigned t = a * b + 128;
    return (uint8_t)((t + (t >> 8)) >> 8);
}

static void cmyk_to_rgb(const uint8_t *in, uint8_t *out, int w, int inverted)
{
    unsigned flip = inverted ? 0 : 255;
    for (int x = 0; x < w; x++, in += 4, out += 3) {
        unsigned k = in[3] ^ flip;
        out[0] = mul255(in[0] ^ flip, k);
        out[1] = mul255(in[1] ^ flip, k);
        out[2] = mul255(in[2] ^ flip, k);
    }
}

/* Everything that can longjmp. Returns normally on success or on a failure
 * recorded in job->st. */
static void run_job(jpeg_job *job)
{
    struct jpeg_decompress_struct *ci = &job->cinfo;
    jpeg_mem_src(ci, job->data, (unsigned long)job->size);
    ci->mem->max_memory_to_use = JPEG_MAX_WORK_MEMORY;
    jpeg_read_header(ci, TRUE);
    int cmyk = 0;
    switch (ci->jpeg_color_space) {
    case JCS_GRAYSCALE:
    case JCS_YCbCr:
    case JCS_RGB: ci->out_color_space = JCS_RGB; break;
    case JCS_CMYK:
    case JCS_YCCK: ci->out_color_space = JCS_CMYK; cmyk = 1; break;
    default:
        job->st = FG_FAIL(FG_EFORMAT, "%s: unsupported JPEG colour space (%d components)", job->name,
                          ci->num_components);
        return;
    }
    int w = (int)ci->image_width, h = (int)ci->image_height;
    int d = 1;
    if (job->min_side_hint > 0)
        for (int t = 8; t >= 2; t /= 2)
            if ((w + t - 1) / t >= job->min_side_hint && (h + t - 1) / t >= job->min_side_hint) {
                d = t;
                break;
            }
    ci->scale_num = 1;
    ci->scale_denom = (unsigned)d;
    jpeg_calc_output_dimensions(ci);
    job->st = fg_i_check_size(job->name, "JPEG", ci->output_width, ci->output_height);
    if (job->st != FG_OK) return;
    jpeg_start_decompress(ci);
    int ow = (int)ci->output_width, oh = (int)ci->output_height;
    if (ci->output_components != (cmyk ? 4 : 3)) {
        job->st = FG_FAIL(FG_EFORMAT, "%s: JPEG decoder gave %d components", job->name, ci->output_components);
        return;
    }
    job->st = fg_image_create(ow, oh, job->out);
    if (job->st != FG_OK) return;
    job->out->src_width = w;
    job->out->src_height = h;
    job->out->scale_denom = d;
    if (!cmyk) {
        job->rows = fg_alloc((size_t)oh, sizeof *job->rows);
        if (!job->rows) {
            job->st = FG_FAIL(FG_ENOMEM, "%s: out of memory", job->name);
            return;
        }
        for (int y = 0; y < oh; y++) job->rows[y] = job->out->rgb + (size_t)y * (size_t)ow * 3;
        while (ci->output_scanline < ci->output_height)
            jpeg_read_scanlines(ci, job->rows + ci->output_scanline,
                                ci->output_height - ci->output_scanline);
    } else {
        job->row = fg_alloc((size_t)ow, 4);
        if (!job->row) {
            job->st = FG_FAIL(FG_ENOMEM, "%s: out of memory", job->name);
            return;
        }
        int inverted = ci->saw_Adobe_marker;
        while (ci->output_scanline < ci->output_height) {
            size_t y = ci->output_scanline;
            JSAMPROW r = job->row;
            jpeg_read_scanlines(ci, &r, 1);
            cmyk_to_rgb(job->row, job->out->rgb + y * (size_t)ow * 3, ow, inverted);
        }
    }
    jpeg_finish_decompress(ci);
}

static fg_status decode_job(jpeg_job *job)
{
    job->cinfo.err = fg_i_jpeg_err_init(&job->err);
    if (setjmp(job->err.jump)) {
        if (job->err.truncated) return FG_FAIL(FG_EFORMAT, "%s: truncated JPEG data", job->name);
        if (job->err.pub.msg_code == JERR_NO_BACKING_STORE || job->err.pub.msg_code == JERR_OUT_OF_MEMORY)
            return FG_FAIL(FG_EFORMAT, "%s: JPEG needs more than %ld MiB of working memory to decode",
                           job->name, JPEG_MAX_WORK_MEMORY >> 20);
        int code = job->err.pub.msg_code;
        if (code == JERR_BAD_PRECISION || code == JERR_SOF_UNSUPPORTED || code == JERR_ARITH_NOTIMPL ||
            code == JERR_NOT_COMPILED)
            return FG_FAIL(FG_EFORMAT, "%s: unsupported JPEG variant (%s)", job->name, job->err.msg);
        return FG_FAIL(FG_EFORMAT, "%s: corrupt JPEG data (%s)", job->name, job->err.msg);
    }
    jpeg_create_decompress(&job->cinfo);
    run_job(job);
    return job->st;
}

fg_status fg_i_decode_jpeg(const uint8_t *data, size_t size, const char *name, int min_side_hint,
                           fg_image *out)
{
    jpeg_job *job = fg_calloc(1, sizeof *job);
    if (!job) return FG_FAIL(FG_ENOMEM, "%s: out of memory", name);
    job->data = data;
    job->size = size;
    job->name = name;
    job->min_side_hint = min_side_hint;
    job->out = out;
    fg_status st = decode_job(job);
    jpeg_destroy_decompress(&job->cinfo);
    fg_free(job->row);
    fg_free(job->rows);
    fg_free(job);
    if (st != FG_OK) fg_image_destroy(out);
    return st;
}
