/* The image object's internals (engine/image/image_alloc.c), below every
 * decoder: fg_image_create and fg_image_destroy are public (fnegraph/image.h);
 * the size check is what each decoder calls on a file's header. */
#ifndef FNEGRAPH_IMAGE_ALLOC_H
#define FNEGRAPH_IMAGE_ALLOC_H

#include "fnegraph/image.h"

#include <stdint.h>

/* Check a size read from a file against the limits before allocating:
 * FG_EFORMAT naming `name` and `what` ("PNG", ...) when it is 0 or too large
 * (FG_IMAGE_MAX_SIDE per side, FG_IMAGE_MAX_PIXELS in all). */
fg_status fg_i_check_size(const char *name, const char *what, int64_t width, int64_t height);

#endif
