/* Writing image files: the common file writer and binary PPM. The JPEG and
 * PNG encoders (jpeg_write.c, png.c) build the file in memory and hand it
 * here, so a failed write never leaves a partial file behind. O(bytes). */
#include "image_internal.h"
#include "fnegraph/mem.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

fg_status fg_i_write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return FG_FAIL(FG_EIO, "%s: cannot create: %s", path, strerror(errno));
    size_t put = n ? fwrite(data, 1, n, f) : 0;
    int err = put == n ? 0 : errno;
    if (fclose(f) != 0 && !err) err = errno ? errno : EIO;
    if (put != n || err) {
        remove(path);
        return FG_FAIL(FG_EIO, "%s: write failed: %s", path, strerror(err ? err : EIO));
    }
    return FG_OK;
}

static fg_status check_image(const char *fn, const char *path, const fg_image *img)
{
    if (!path || !img || !img->rgb) return FG_FAIL(FG_EINVAL, "%s: null argument", fn);
    if (img->width <= 0 || img->height <= 0)
        return FG_FAIL(FG_EINVAL, "%s: %s: empty image %dx%d", fn, path, img->width, img->height);
    return FG_OK;
}

fg_status fg_image_write_ppm(const char *path, const fg_image *img)
{
    fg_status st = check_image("fg_image_write_ppm", path, img);
    if (st != FG_OK) return st;
    char head[64];
    int hn = snprintf(head, sizeof head, "P6\n%d %d\n255\n", img->width, img->height);
    size_t px = (size_t)img->width * (size_t)img->height * 3;
    uint8_t *buf = fg_alloc((size_t)hn + px, 1);
    if (!buf) return FG_FAIL(FG_ENOMEM, "%s: out of memory", path);
    memcpy(buf, head, (size_t)hn);
    memcpy(buf + hn, img->rgb, px);
    st = fg_i_write_file(path, buf, (size_t)hn + px);
    fg_free(buf);
    return st;
}
