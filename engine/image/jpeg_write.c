/* JPEG encoding through libjpeg-turbo: JFIF, RGB or grayscale, baseline or
 * progressive (jpeg_simple_progression), for fixtures and the synthetic demo
 * set. libjpeg's encoder is deterministic, so the same pixels and options
 * give the same bytes. Cost: O(pixels). */
#include "image_internal.h"
#include "jpeg_err.h"
#include "fnegraph/mem.h"

#include <stdlib.h>
#include <string.h>

typedef struct jpeg_wjob {
    struct jpeg_compress_struct cinfo;
    fg_i_jpeg_err err;
    const fg_image *img;
    int quality;
    unsigned flags;
    unsigned char *buf; /* libjpeg's memory destination (malloc) */
    unsigned long size;
} jpeg_wjob;

static void run_wjob(jpeg_wjob *job)
{
    struct jpeg_compress_struct *ci = &job->cinfo;
    jpeg_mem_dest(ci, &job->buf, &job->size);
    ci->image_width = (JDIMENSION)job->img->width;
    ci->image_height = (JDIMENSION)job->img->height;
    ci->input_components = 3;
    ci->in_color_space = JCS_RGB;
    jpeg_set_defaults(ci);
    if (job->flags & FG_JPEG_GRAYSCALE) jpeg_set_colorspace(ci, JCS_GRAYSCALE);
    jpeg_set_quality(ci, job->quality, TRUE);
    if (job->flags & FG_JPEG_PROGRESSIVE) jpeg_simple_progression(ci);
    jpeg_start_compress(ci, TRUE);
    size_t stride = (size_t)job->img->width * 3;
    while (ci->next_scanline < ci->image_height) {
        JSAMPROW row = job->img->rgb + (size_t)ci->next_scanline * stride;
        jpeg_write_scanlines(ci, &row, 1);
    }
    jpeg_finish_compress(ci);
}

static int encode(jpeg_wjob *job)
{
    job->cinfo.err = fg_i_jpeg_err_init(&job->err);
    if (setjmp(job->err.jump)) return -1;
    jpeg_create_compress(&job->cinfo);
    run_wjob(job);
    return 0;
}

fg_status fg_image_write_jpeg(const char *path, const fg_image *img, int quality, unsigned flags)
{
    if (!path || !img || !img->rgb || img->width <= 0 || img->height <= 0)
        return FG_FAIL(FG_EINVAL, "fg_image_write_jpeg: null argument or empty image");
    if (quality < 1 || quality > 100)
        return FG_FAIL(FG_EINVAL, "%s: JPEG quality %d outside 1..100", path, quality);
    if (flags & ~(unsigned)(FG_JPEG_PROGRESSIVE | FG_JPEG_GRAYSCALE))
        return FG_FAIL(FG_EINVAL, "%s: unknown JPEG flags 0x%x", path, flags);
    jpeg_wjob *job = fg_calloc(1, sizeof *job);
    if (!job) return FG_FAIL(FG_ENOMEM, "%s: out of memory", path);
    job->img = img;
    job->quality = quality;
    job->flags = flags;
    fg_status st;
    if (encode(job) != 0) st = FG_FAIL(FG_EBACKEND, "%s: JPEG encoder failed: %s", path, job->err.msg);
    else st = fg_i_write_file(path, job->buf, job->size);
    jpeg_destroy_compress(&job->cinfo);
    free(job->buf); /* libjpeg allocated it with malloc */
    fg_free(job);
    return st;
}
