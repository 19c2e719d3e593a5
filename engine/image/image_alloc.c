/* The fg_image object (include/fnegraph/image.h) and the size limits every
 * decoder checks a file's header against before allocating. Below the
 * decoders and decode.c, which both use it; it uses none of them. O(1) but
 * for the allocation. */
#include "image_alloc.h"
#include "fnegraph/mem.h"

#include <string.h>

fg_status fg_i_check_size(const char *name, const char *what, int64_t width, int64_t height)
{
    if (width <= 0 || height <= 0)
        return FG_FAIL(FG_EFORMAT, "%s: corrupt %s header (size %lldx%lld)", name, what,
                       (long long)width, (long long)height);
    if (width > FG_IMAGE_MAX_SIDE || height > FG_IMAGE_MAX_SIDE || width * height > FG_IMAGE_MAX_PIXELS)
        return FG_FAIL(FG_EFORMAT,
                       "%s: %s image of %lldx%lld pixels is too large (limit: %d per side, %lld pixels)",
                       name, what, (long long)width, (long long)height, FG_IMAGE_MAX_SIDE,
                       (long long)FG_IMAGE_MAX_PIXELS);
    return FG_OK;
}

fg_status fg_image_create(int width, int height, fg_image *out)
{
    if (!out) return FG_FAIL(FG_EINVAL, "fg_image_create: null argument");
    memset(out, 0, sizeof *out);
    if (width <= 0 || height <= 0 || width > FG_IMAGE_MAX_SIDE || height > FG_IMAGE_MAX_SIDE ||
        (int64_t)width * height > FG_IMAGE_MAX_PIXELS)
        return FG_FAIL(FG_EINVAL, "fg_image_create: size %dx%d outside 1..%d per side and %lld pixels",
                       width, height, FG_IMAGE_MAX_SIDE, (long long)FG_IMAGE_MAX_PIXELS);
    out->rgb = fg_alloc((size_t)width * (size_t)height, 3);
    if (!out->rgb) return FG_FAIL(FG_ENOMEM, "out of memory for a %dx%d image", width, height);
    out->width = out->src_width = width;
    out->height = out->src_height = height;
    out->scale_denom = 1;
    return FG_OK;
}

void fg_image_destroy(fg_image *img)
{
    if (!img) return;
    fg_free(img->rgb);
    memset(img, 0, sizeof *img);
}
