/* BMP (Windows/OS2 device-independent bitmap), our own parser.
 *
 * Headers: BITMAPCOREHEADER (12 bytes, OS/2 1.x) and BITMAPINFOHEADER and its
 * successors (40, 52, 56, 64, 108, 124 bytes). Pixels: 1/4/8-bit palettes,
 * 16-bit (5-5-5 without masks, else bit fields), 24-bit BGR, 32-bit BGRX or
 * bit fields (alpha dropped); rows bottom-up (height > 0) or top-down
 * (height < 0), each padded to 4 bytes. BI_RLE8 and BI_RLE4 are decoded
 * (encoded runs, absolute runs, end of line, delta, end of bitmap); pixels
 * a delta skips take palette entry 0, pixels past the right edge are
 * dropped. Embedded JPEG/PNG (compression 4/5) is refused. A palette index
 * past the palette is black. Source: Microsoft's BITMAPINFOHEADER and
 * "Bitmap Compression" documentation. Cost: O(file + pixels). */
#include "image_internal.h"
#include "image_alloc.h"
#include "fnegraph/mem.h"

#include <string.h>

enum { BI_RGB = 0, BI_RLE8 = 1, BI_RLE4 = 2, BI_BITFIELDS = 3, BI_JPEG = 4, BI_PNG = 5, BI_ALPHABITFIELDS = 6 };

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | rd16(p + 2) << 16; }

typedef struct bmp_info {
    int64_t w, h;
    int top_down;
    unsigned bpp, comp;
    uint32_t mask[3];  /* R, G, B */
    uint8_t pal[256][3]; /* R, G, B */
    unsigned n_pal;
    size_t pix_off;
} bmp_info;

/* A colour channel from a bit field: its shift and maximum value. */
typedef struct field {
    unsigned shift;
    uint64_t max;
} field;

static field field_of(uint32_t mask)
{
    field f = {0, 0};
    if (!mask) return f;
    while (!(mask & 1u)) {
        mask >>= 1;
        f.shift++;
    }
    f.max = mask; /* contiguous masks: 2^bits - 1 */
    return f;
}

static uint8_t field_value(uint32_t px, uint32_t mask, field f)
{
    if (!f.max) return 0;
    uint64_t v = (px & mask) >> f.shift;
    return (uint8_t)((v * 510u + f.max) / (2u * f.max));
}

static fg_status parse_header(const uint8_t *p, size_t n, const char *name, bmp_info *b)
{
    if (n < 26) return FG_FAIL(FG_EFORMAT, "%s: truncated BMP header", name);
    uint32_t hsize = rd32(p + 14);
    if (n < 14 + (size_t)hsize) return FG_FAIL(FG_EFORMAT, "%s: truncated BMP header", name);
    unsigned planes;
    size_t pal_entry = 4;
    b->comp = BI_RGB;
    uint32_t n_used = 0;
    if (hsize == 12) {
        b->w = rd16(p + 18);
        b->h = rd16(p + 20);
        planes = rd16(p + 22);
        b->bpp = rd16(p + 24);
        pal_entry = 3;
    } else {
        b->w = (int32_t)rd32(p + 18);
        b->h = (int32_t)rd32(p + 22);
        planes = rd16(p + 26);
        b->bpp = rd16(p + 28);
        b->comp = rd32(p + 30);
        n_used = rd32(p + 46);
    }
    if (b->h < 0) {
        b->top_down = 1;
        b->h = -b->h;
    }
    if (planes != 1) return FG_FAIL(FG_EFORMAT, "%s: corrupt BMP header (%u planes)", name, planes);
    fg_status st = fg_i_check_size(name, "BMP", b->w, b->h);
    if (st != FG_OK) return st;
    size_t masks_at = 0, after_masks = 14 + hsize;
    switch (b->comp) {
    case BI_RGB: break;
    case BI_RLE8:
    case BI_RLE4:
        if (b->bpp != (b->comp == BI_RLE8 ? 8u : 4u))
            return FG_FAIL(FG_EFORMAT, "%s: BMP RLE%u with %u bits per pixel", name,
                           b->comp == BI_RLE8 ? 8u : 4u, b->bpp);
        if (b->top_down) return FG_FAIL(FG_EFORMAT, "%s: top-down BMP cannot be RLE-compressed", name);
        break;
    case BI_BITFIELDS:
    case BI_ALPHABITFIELDS:
        if (b->bpp != 16 && b->bpp != 32)
            return FG_FAIL(FG_EFORMAT, "%s: BMP bit fields with %u bits per pixel", name, b->bpp);
        masks_at = 14 + 40;
        if (hsize == 40) after_masks += b->comp == BI_BITFIELDS ? 12 : 16;
        if (n < masks_at + 12) return FG_FAIL(FG_EFORMAT, "%s: truncated BMP header", name);
        break;
    case BI_JPEG:
    case BI_PNG:
        return FG_FAIL(FG_EFORMAT, "%s: unsupported BMP compression (embedded %s)", name,
                       b->comp == BI_JPEG ? "JPEG" : "PNG");
    default: return FG_FAIL(FG_EFORMAT, "%s: unsupported BMP compression %u", name, b->comp);
    }
    if (masks_at) {
        b->mask[0] = rd32(p + masks_at);
        b->mask[1] = rd32(p + masks_at + 4);
        b->mask[2] = rd32(p + masks_at + 8);
    } else if (b->bpp == 16) {
        b->mask[0] = 0x7C00u, b->mask[1] = 0x03E0u, b->mask[2] = 0x001Fu;
    } else {
        b->mask[0] = 0xFF0000u, b->mask[1] = 0x00FF00u, b->mask[2] = 0x0000FFu;
    }
    switch (b->bpp) {
    case 1: case 4: case 8: case 16: case 24: case 32: break;
    default: return FG_FAIL(FG_EFORMAT, "%s: unsupported BMP depth of %u bits per pixel", name, b->bpp);
    }
    if (b->bpp <= 8) {
        unsigned full = 1u << b->bpp;
        b->n_pal = n_used && n_used < full ? n_used : full;
        size_t avail = after_masks < n ? (n - after_masks) / pal_entry : 0;
        if (avail < b->n_pal) {
            if (avail == 0) return FG_FAIL(FG_EFORMAT, "%s: BMP palette missing", name);
            b->n_pal = (unsigned)avail; /* short palettes exist; missing entries are black */
        }
        for (unsigned i = 0; i < b->n_pal; i++) {
            const uint8_t *e = p + after_masks + i * pal_entry;
            b->pal[i][0] = e[2], b->pal[i][1] = e[1], b->pal[i][2] = e[0];
        }
    }
    b->pix_off = rd32(p + 10);
    if (b->pix_off < 14 + (size_t)hsize || b->pix_off >= n)
        return FG_FAIL(FG_EFORMAT, "%s: truncated BMP data (pixel offset %zu, file of %zu bytes)", name,
                       b->pix_off, n);
    return FG_OK;
}

static void put_index(const bmp_info *b, uint8_t *dst, unsigned k)
{
    if (k < b->n_pal) memcpy(dst, b->pal[k], 3);
    else dst[0] = dst[1] = dst[2] = 0;
}

static fg_status decode_plain(const uint8_t *p, size_t n, const char *name, const bmp_info *b, fg_image *out)
{
    uint64_t stride = ((uint64_t)b->bpp * (uint64_t)b->w + 31) / 32 * 4;
    uint64_t row_bytes = ((uint64_t)b->bpp * (uint64_t)b->w + 7) / 8;
    /* the last row's padding may be missing */
    if ((uint64_t)b->pix_off + stride * (uint64_t)(b->h - 1) + row_bytes > n)
        return FG_FAIL(FG_EFORMAT, "%s: truncated BMP data", name);
    field f[3] = {field_of(b->mask[0]), field_of(b->mask[1]), field_of(b->mask[2])};
    int w = (int)b->w, h = (int)b->h;
    for (int y = 0; y < h; y++) {
        const uint8_t *src = p + b->pix_off + (size_t)stride * (size_t)(b->top_down ? y : h - 1 - y);
        uint8_t *dst = out->rgb + (size_t)y * (size_t)w * 3;
        switch (b->bpp) {
        case 1: case 4: case 8: {
            unsigned per = 8 / b->bpp, mask = (1u << b->bpp) - 1;
            for (int x = 0; x < w; x++, dst += 3) {
                unsigned byte = src[x / per], sh = (per - 1 - (unsigned)x % per) * b->bpp;
                put_index(b, dst, (byte >> sh) & mask);
            }
            break;
        }
        case 24:
            for (int x = 0; x < w; x++, dst += 3, src += 3) dst[0] = src[2], dst[1] = src[1], dst[2] = src[0];
            break;
        case 16:
        case 32:
            for (int x = 0; x < w; x++, dst += 3) {
                uint32_t px = b->bpp == 16 ? rd16(src + 2 * (size_t)x) : rd32(src + 4 * (size_t)x);
                for (int c = 0; c < 3; c++) dst[c] = field_value(px, b->mask[c], f[c]);
            }
            break;
        }
    }
    return FG_OK;
}

/* RLE8/RLE4 into palette indices (bottom-up), then through the palette. */
static fg_status decode_rle(const uint8_t *p, size_t n, const char *name, const bmp_info *b, fg_image *out)
{
    int w = (int)b->w, h = (int)b->h, rle4 = b->comp == BI_RLE4;
    uint8_t *idx = fg_calloc((size_t)w * (size_t)h, 1);
    if (!idx) return FG_FAIL(FG_ENOMEM, "%s: out of memory", name);
    fg_status st = FG_OK;
    size_t i = b->pix_off;
    int64_t x = 0, y = 0; /* y counts rows from the bottom */
#define PUT(v) do { if (x < w && y < h) idx[(size_t)(h - 1 - y) * (size_t)w + (size_t)x] = (uint8_t)(v); x++; } while (0)
    for (;;) {
        if (y >= h) break; /* everything there is to draw is drawn */
        if (i + 2 > n) {
            st = FG_FAIL(FG_EFORMAT, "%s: truncated BMP data (RLE stream ends before end of bitmap)", name);
            goto done;
        }
        unsigned cnt = p[i], c = p[i + 1];
        i += 2;
        if (cnt) {
            for (unsigned k = 0; k < cnt; k++) PUT(rle4 ? (k & 1 ? c & 15 : c >> 4) : c);
            continue;
        }
        if (c == 0) {
            x = 0;
            y++;
        } else if (c == 1) {
            break;
        } else if (c == 2) {
            if (i + 2 > n) {
                st = FG_FAIL(FG_EFORMAT, "%s: truncated BMP data (RLE delta)", name);
                goto done;
            }
            x += p[i];
            y += p[i + 1];
            i += 2;
        } else {
            size_t bytes = rle4 ? (c + 1) / 2 : c;
            if (i + bytes > n) {
                st = FG_FAIL(FG_EFORMAT, "%s: truncated BMP data (RLE absolute run)", name);
                goto done;
            }
            for (unsigned k = 0; k < c; k++) PUT(rle4 ? (k & 1 ? p[i + k / 2] & 15 : p[i + k / 2] >> 4) : p[i + k]);
            i += bytes + (bytes & 1); /* runs are padded to 16 bits */
        }
    }
#undef PUT
    for (size_t k = 0; k < (size_t)w * (size_t)h; k++) put_index(b, out->rgb + 3 * k, idx[k]);
done:
    fg_free(idx);
    return st;
}

fg_status fg_i_decode_bmp(const uint8_t *data, size_t size, const char *name, fg_image *out)
{
    bmp_info *b = fg_calloc(1, sizeof *b);
    if (!b) return FG_FAIL(FG_ENOMEM, "%s: out of memory", name);
    fg_status st = parse_header(data, size, name, b);
    if (st == FG_OK) st = fg_image_create((int)b->w, (int)b->h, out);
    if (st == FG_OK) {
        if (b->comp == BI_RLE8 || b->comp == BI_RLE4) st = decode_rle(data, size, name, b, out);
        else st = decode_plain(data, size, name, b, out);
    }
    fg_free(b);
    if (st != FG_OK) fg_image_destroy(out);
    return st;
}
