/* fuzz_image: the bytes as an image file, decoded by content (JPEG, PNG,
 * GIF, BMP, PNM: whatever the first bytes announce) through
 * fg_image_decode_file, the call extraction makes; a JPEG is decoded a
 * second time with the DCT-scaling hint extraction passes (224). */
#include "fnegraph/image.h"
#include "fuzz_common.h"

#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_path(0, "image");
    fz_write(path, data, size);
    fg_image img = {0};
    if (fg_image_decode_file(path, 0, &img) == FG_OK && img.format == FG_IMAGE_JPEG) {
        fg_image_destroy(&img);
        fg_image_decode_file(path, fg_resize_min_side(FG_RESIZE_DIRECT), &img);
    }
    fg_image_destroy(&img);
    unlink(path);
    return 0;
}
