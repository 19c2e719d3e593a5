/* Decoding by content (docs/method.md §3): read the whole file, look at its first
 * bytes, hand it to the decoder of that format (jpeg_read.c, png.c, gif.c,
 * bmp.c, pnm.c). This file depends on the decoders; they depend on
 * image_alloc.c (the fg_image object and the size limits), never on it.
 * Cost: one read of the file plus the decoder's, O(file size + pixels). */
#include "image_internal.h"
#include "core/file_guard.h"
#include "fnegraph/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Files above this size are refused before reading (no image we accept needs more). */
#define MAX_FILE_BYTES ((int64_t)1 << 30)

static bool is_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

fg_image_format fg_image_sniff(const void *data, size_t size)
{
    const uint8_t *p = data;
    if (!p) return FG_IMAGE_UNKNOWN;
    if (size >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) return FG_IMAGE_JPEG;
    if (size >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8)) return FG_IMAGE_PNG;
    if (size >= 6 && (!memcmp(p, "GIF87a", 6) || !memcmp(p, "GIF89a", 6))) return FG_IMAGE_GIF;
    if (size >= 18 && p[0] == 'B' && p[1] == 'M') {
        uint32_t h = (uint32_t)p[14] | (uint32_t)p[15] << 8 | (uint32_t)p[16] << 16 | (uint32_t)p[17] << 24;
        if (h == 12 || h == 40 || h == 52 || h == 56 || h == 64 || h == 108 || h == 124)
            return FG_IMAGE_BMP;
    }
    if (size >= 3 && p[0] == 'P' && p[1] >= '1' && p[1] <= '6' && (is_space(p[2]) || p[2] == '#'))
        return FG_IMAGE_PNM;
    return FG_IMAGE_UNKNOWN;
}

const char *fg_image_format_name(fg_image_format f)
{
    switch (f) {
    case FG_IMAGE_JPEG: return "JPEG";
    case FG_IMAGE_PNG: return "PNG";
    case FG_IMAGE_GIF: return "GIF";
    case FG_IMAGE_BMP: return "BMP";
    case FG_IMAGE_PNM: return "PNM";
    case FG_IMAGE_UNKNOWN: break;
    }
    return "unknown";
}

/* A name for formats we recognise but do not decode, for a clearer message. */
static const char *unsupported_name(const uint8_t *p, size_t n)
{
    if (n >= 4 && (!memcmp(p, "II*\0", 4) || !memcmp(p, "MM\0*", 4))) return "TIFF";
    if (n >= 12 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4)) return "WebP";
    if (n >= 12 && !memcmp(p + 4, "ftyp", 4) &&
        (!memcmp(p + 8, "heic", 4) || !memcmp(p + 8, "heix", 4) || !memcmp(p + 8, "mif1", 4)))
        return "HEIF";
    if (n >= 12 && !memcmp(p + 4, "ftyp", 4) && !memcmp(p + 8, "avif", 4)) return "AVIF";
    if (n >= 12 && !memcmp(p, "\0\0\0\x0cjP  ", 8)) return "JPEG 2000";
    if (n >= 4 && !memcmp(p, "8BPS", 4)) return "Photoshop PSD";
    if (n >= 2 && p[0] == 'P' && p[1] == '7') return "PAM (P7)";
    return NULL;
}

fg_status fg_image_decode_memory(const void *data, size_t size, const char *name, int min_side_hint,
                                 fg_image *out)
{
    const uint8_t *p = data;
    if (!out) return FG_FAIL(FG_EINVAL, "fg_image_decode_memory: null argument");
    memset(out, 0, sizeof *out);
    if (!name) name = "(memory)";
    if (!p && size) return FG_FAIL(FG_EINVAL, "fg_image_decode_memory: null data");
    if (size == 0) return FG_FAIL(FG_EFORMAT, "%s: empty file", name);
    if (min_side_hint < 0) min_side_hint = 0;
    fg_status st;
    fg_image_format f = fg_image_sniff(p, size);
    switch (f) {
    case FG_IMAGE_JPEG: st = fg_i_decode_jpeg(p, size, name, min_side_hint, out); break;
    case FG_IMAGE_PNG: st = fg_i_decode_png(p, size, name, out); break;
    case FG_IMAGE_GIF: st = fg_i_decode_gif(p, size, name, out); break;
    case FG_IMAGE_BMP: st = fg_i_decode_bmp(p, size, name, out); break;
    case FG_IMAGE_PNM: st = fg_i_decode_pnm(p, size, name, out); break;
    case FG_IMAGE_UNKNOWN:
    default: {
        const char *other = unsupported_name(p, size);
        if (other) return FG_FAIL(FG_EFORMAT, "%s: unsupported image format (%s)", name, other);
        char sig[16] = "";
        size_t k = size < 4 ? size : 4;
        for (size_t i = 0, at = 0; i < k; i++)
            at += (size_t)snprintf(sig + at, sizeof sig - at, "%s%02x", i ? " " : "", p[i]);
        return FG_FAIL(FG_EFORMAT, "%s: not an image (unknown signature %s)", name, sig);
    }
    }
    if (st != FG_OK) {
        fg_image_destroy(out);
        return st;
    }
    out->format = f;
    if (!out->scale_denom) out->scale_denom = 1;
    if (!out->src_width) {
        out->src_width = out->width;
        out->src_height = out->height;
    }
    return FG_OK;
}

fg_status fg_image_decode_file(const char *path, int min_side_hint, fg_image *out)
{
    fg_status st = FG_OK;
    uint8_t *buf = NULL;
    int fd = -1;
    if (!path || !out) return FG_FAIL(FG_EINVAL, "fg_image_decode_file: null argument");
    memset(out, 0, sizeof *out);
    /* a regular file before open(): opening a FIFO would block for ever */
    st = fg_i_input_file(path, "an image file", NULL);
    if (st == FG_ENOTFOUND) st = FG_FAIL(FG_ENOTFOUND, "%s: cannot open: %s", path, strerror(ENOENT));
    if (st != FG_OK) goto done;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        st = FG_FAIL(errno == ENOENT ? FG_ENOTFOUND : FG_EIO, "%s: cannot open: %s", path, strerror(errno));
        goto done;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        st = FG_FAIL(FG_EIO, "%s: cannot stat: %s", path, strerror(errno));
        goto done;
    }
    if (S_ISDIR(sb.st_mode)) {
        st = FG_FAIL(FG_EIO, "%s: is a folder, not an image file", path);
        goto done;
    }
    if (!S_ISREG(sb.st_mode)) {
        st = FG_FAIL(FG_EIO, "%s: not a regular file", path);
        goto done;
    }
    if ((int64_t)sb.st_size > MAX_FILE_BYTES) {
        st = FG_FAIL(FG_EFORMAT, "%s: file of %lld bytes is too large for an image (limit %lld)", path,
                     (long long)sb.st_size, (long long)MAX_FILE_BYTES);
        goto done;
    }
    size_t size = (size_t)sb.st_size, got = 0;
    buf = fg_alloc(size ? size : 1, 1);
    if (!buf) {
        st = FG_FAIL(FG_ENOMEM, "%s: out of memory reading %zu bytes", path, size);
        goto done;
    }
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            st = FG_FAIL(FG_EIO, "%s: read error: %s", path, strerror(errno));
            goto done;
        }
        if (r == 0) break; /* shrank while reading: decode what is there */
        got += (size_t)r;
    }
    st = fg_image_decode_memory(buf, got, path, min_side_hint, out);
done:
    if (fd >= 0) close(fd);
    fg_free(buf);
    return st;
}
