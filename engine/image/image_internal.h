/* Internals shared by the image decoders and writers (engine/image): the
 * decoders decode.c dispatches to, the file writer of the encoders. The image
 * object and the size check are in image_alloc.h, below them all. */
#ifndef FNEGRAPH_IMAGE_INTERNAL_H
#define FNEGRAPH_IMAGE_INTERNAL_H

#include "fnegraph/image.h"

#include <stddef.h>
#include <stdint.h>

/* Each decoder reads an in-memory file whose signature has been checked,
 * fills out (zeroed on entry) and names `name` in every error. */
fg_status fg_i_decode_jpeg(const uint8_t *data, size_t size, const char *name, int min_side_hint,
                           fg_image *out);
fg_status fg_i_decode_png(const uint8_t *data, size_t size, const char *name, fg_image *out);
fg_status fg_i_decode_gif(const uint8_t *data, size_t size, const char *name, fg_image *out);
fg_status fg_i_decode_bmp(const uint8_t *data, size_t size, const char *name, fg_image *out);
fg_status fg_i_decode_pnm(const uint8_t *data, size_t size, const char *name, fg_image *out);

/* Write n bytes to path (created or truncated); on failure the file is
 * removed and the error names the path. */
fg_status fg_i_write_file(const char *path, const void *data, size_t n);

/* round(v * 255 / maxval) for 0 <= v <= maxval <= 65535. */
static inline uint8_t fg_i_scale_to_8(uint32_t v, uint32_t maxval)
{
    return (uint8_t)((v * 510u + maxval) / (2u * maxval));
}

#endif
