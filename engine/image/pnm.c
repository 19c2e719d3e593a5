/* Netpbm images, our own parser: P1/P4 (bitmap), P2/P5 (graymap), P3/P6
 * (pixmap), ASCII and binary, maxval 1..65535 (two big-endian bytes a
 * sample above 255), '#' comments up to the end of a line in the header (and
 * between ASCII samples). Samples become round(v * 255 / maxval); a bitmap's
 * 1 is black. A sample above maxval is an error. Only the first image of a
 * multi-image file is read. Source: the Netpbm format pages (pbm, pgm, ppm).
 * Cost: O(file + pixels). */
#include "image_internal.h"
#include "image_alloc.h"
#include "fnegraph/mem.h"

#include <string.h>

typedef struct pnm_reader {
    const uint8_t *p;
    size_t n, i;
} pnm_reader;

static bool pnm_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

/* Skip white space and comments; false at the end of the data. */
static bool skip_blank(pnm_reader *r)
{
    while (r->i < r->n) {
        uint8_t c = r->p[r->i];
        if (pnm_space(c)) {
            r->i++;
        } else if (c == '#') {
            while (r->i < r->n && r->p[r->i] != '\n' && r->p[r->i] != '\r') r->i++;
        } else {
            return true;
        }
    }
    return false;
}

/* An unsigned decimal number: 1 ok, 0 end of data, -1 not a number or too big. */
static int read_uint(pnm_reader *r, uint32_t *out)
{
    if (!skip_blank(r)) return 0;
    uint64_t v = 0;
    size_t start = r->i;
    while (r->i < r->n && r->p[r->i] >= '0' && r->p[r->i] <= '9') {
        v = v * 10 + (uint64_t)(r->p[r->i++] - '0');
        if (v > 0x7fffffff) return -1;
    }
    if (r->i == start) return -1;
    *out = (uint32_t)v;
    return 1;
}

static fg_status header_field(pnm_reader *r, const char *name, const char *what, uint32_t *out)
{
    int k = read_uint(r, out);
    if (k == 0) return FG_FAIL(FG_EFORMAT, "%s: truncated PNM header (no %s)", name, what);
    if (k < 0) return FG_FAIL(FG_EFORMAT, "%s: corrupt PNM header (bad %s)", name, what);
    return FG_OK;
}

fg_status fg_i_decode_pnm(const uint8_t *data, size_t size, const char *name, fg_image *out)
{
    fg_status st = FG_OK;
    uint8_t *lut = NULL;
    pnm_reader r = {data, size, 2};
    int kind = data[1] - '0'; /* 1..6, checked by the sniffer */
    int ascii = kind <= 3, channels = kind == 3 || kind == 6 ? 3 : 1, bitmap = kind == 1 || kind == 4;
    uint32_t w, h, maxval = 1;
    FG_CHECK_GOTO(st, header_field(&r, name, "width", &w));
    FG_CHECK_GOTO(st, header_field(&r, name, "height", &h));
    if (!bitmap) {
        FG_CHECK_GOTO(st, header_field(&r, name, "maxval", &maxval));
        if (maxval < 1 || maxval > 65535) {
            st = FG_FAIL(FG_EFORMAT, "%s: corrupt PNM header (maxval %u outside 1..65535)", name, maxval);
            goto done;
        }
    }
    FG_CHECK_GOTO(st, fg_i_check_size(name, "PNM", w, h));
    if (!ascii) {
        /* exactly one white space character separates the header from the raster */
        if (r.i >= r.n || !pnm_space(r.p[r.i])) {
            st = FG_FAIL(FG_EFORMAT, "%s: %s", name,
                         r.i >= r.n ? "truncated PNM data" : "corrupt PNM header (no white space before the raster)");
            goto done;
        }
        r.i++;
    }
    FG_CHECK_GOTO(st, fg_image_create((int)w, (int)h, out));
    lut = fg_alloc((size_t)maxval + 1, 1);
    if (!lut) {
        st = FG_FAIL(FG_ENOMEM, "%s: out of memory", name);
        goto done;
    }
    for (uint32_t v = 0; v <= maxval; v++) lut[v] = bitmap ? (uint8_t)(v ? 0 : 255) : fg_i_scale_to_8(v, maxval);
    size_t n_px = (size_t)w * h, n_samples = n_px * (size_t)channels;
    uint8_t *dst = out->rgb;
    if (kind == 4) {
        size_t row = ((size_t)w + 7) / 8;
        if (r.n - r.i < row * h) {
            st = FG_FAIL(FG_EFORMAT, "%s: truncated PNM data", name);
            goto done;
        }
        for (size_t y = 0; y < h; y++)
            for (size_t x = 0; x < w; x++, dst += 3)
                dst[0] = dst[1] = dst[2] = lut[(r.p[r.i + y * row + x / 8] >> (7 - x % 8)) & 1];
        goto done;
    }
    size_t bps = maxval > 255 ? 2 : 1;
    if (!ascii && r.n - r.i < n_samples * bps) {
        st = FG_FAIL(FG_EFORMAT, "%s: truncated PNM data", name);
        goto done;
    }
    if (kind == 6 && maxval == 255) { /* the common case: the raster is the image */
        memcpy(dst, r.p + r.i, n_samples);
        goto done;
    }
    for (size_t s = 0; s < n_samples; s++) {
        uint32_t v;
        if (!ascii) {
            const uint8_t *q = r.p + r.i + s * bps;
            v = bps == 2 ? (uint32_t)q[0] << 8 | q[1] : q[0];
        } else if (kind == 1) {
            /* plain PBM: the digits need no separators */
            if (!skip_blank(&r)) {
                st = FG_FAIL(FG_EFORMAT, "%s: truncated PNM data", name);
                goto done;
            }
            uint8_t c = r.p[r.i++];
            if (c != '0' && c != '1') {
                st = FG_FAIL(FG_EFORMAT, "%s: corrupt PNM data (bad bit '%c')", name, c);
                goto done;
            }
            v = (uint32_t)(c - '0');
        } else {
            int k = read_uint(&r, &v);
            if (k <= 0) {
                st = FG_FAIL(FG_EFORMAT, "%s: %s", name, k == 0 ? "truncated PNM data" : "corrupt PNM data (not a number)");
                goto done;
            }
        }
        if (v > maxval) {
            st = FG_FAIL(FG_EFORMAT, "%s: corrupt PNM data (sample %u exceeds maxval %u)", name, v, maxval);
            goto done;
        }
        if (channels == 3) {
            dst[s] = lut[v];
        } else {
            dst[3 * s] = dst[3 * s + 1] = dst[3 * s + 2] = lut[v];
        }
    }
done:
    fg_free(lut);
    if (st != FG_OK) fg_image_destroy(out);
    return st;
}
