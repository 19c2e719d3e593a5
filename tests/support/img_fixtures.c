/* Image fixtures for the decoder tests (see img_fixtures.h). */
#define _XOPEN_SOURCE 700 /* nftw */
#include "img_fixtures.h"

#include <gif_lib.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>

#include <jpeglib.h>

static uint32_t xorshift(uint32_t *s)
{
    uint32_t x = *s ? *s : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

void fx_random_bytes(uint32_t seed, uint8_t *p, size_t n)
{
    uint32_t s = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(xorshift(&s) >> 24);
}

void fx_smooth_rgb(int w, int h, uint32_t seed, uint8_t *rgb)
{
    uint32_t s = seed * 2654435761u + 7;
    double a[3], b[3], ph[3];
    for (int c = 0; c < 3; c++) {
        a[c] = 1.0 + (xorshift(&s) % 1000) / 400.0;
        b[c] = 1.0 + (xorshift(&s) % 1000) / 400.0;
        ph[c] = (xorshift(&s) % 1000) / 159.0;
    }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int c = 0; c < 3; c++) {
                double u = (double)x / w, v = (double)y / h;
                double val = 128 + 60 * sin(a[c] * 3.0 * u + ph[c]) * cos(b[c] * 2.0 * v) + 50 * (u - v) * (c - 1);
                rgb[((size_t)y * w + x) * 3 + c] = (uint8_t)(val < 0 ? 0 : val > 255 ? 255 : lround(val));
            }
}

uint8_t *fx_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(n > 0 ? (size_t)n : 1);
    if (p && n > 0 && fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    fclose(f);
    if (p) *size = (size_t)n;
    return p;
}

int fx_write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return -1;
    }
    int ok = (n == 0 || fwrite(p, 1, n, f) == n);
    if (fclose(f) != 0) ok = 0;
    if (!ok) fprintf(stderr, "%s: write failed\n", path);
    return ok ? 0 : -1;
}

/* ---- JPEG (libjpeg) ---- */

typedef struct fx_jerr {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
} fx_jerr;

static void fx_jpeg_error(j_common_ptr c)
{
    char msg[JMSG_LENGTH_MAX];
    c->err->format_message(c, msg);
    fprintf(stderr, "fixture JPEG writer: %s\n", msg);
    longjmp(((fx_jerr *)c->err)->jump, 1);
}

typedef struct fx_jpeg_job {
    struct jpeg_compress_struct ci;
    fx_jerr err;
    FILE *f;
} fx_jpeg_job;

static int fx_jpeg_write(fx_jpeg_job *j, const char *path, int w, int h, int comps, J_COLOR_SPACE in,
                         J_COLOR_SPACE store, int adobe, int progressive, int quality, const uint8_t *px)
{
    j->ci.err = jpeg_std_error(&j->err.pub);
    j->err.pub.error_exit = fx_jpeg_error;
    if (setjmp(j->err.jump)) return -1;
    jpeg_create_compress(&j->ci);
    j->f = fopen(path, "wb");
    if (!j->f) return -1;
    jpeg_stdio_dest(&j->ci, j->f);
    j->ci.image_width = (JDIMENSION)w;
    j->ci.image_height = (JDIMENSION)h;
    j->ci.input_components = comps;
    j->ci.in_color_space = in;
    jpeg_set_defaults(&j->ci);
    jpeg_set_colorspace(&j->ci, store);
    if (!adobe) j->ci.write_Adobe_marker = FALSE;
    jpeg_set_quality(&j->ci, quality, TRUE);
    if (progressive) jpeg_simple_progression(&j->ci);
    jpeg_start_compress(&j->ci, TRUE);
    while (j->ci.next_scanline < j->ci.image_height) {
        JSAMPROW row = (JSAMPROW)(px + (size_t)j->ci.next_scanline * (size_t)w * (size_t)comps);
        jpeg_write_scanlines(&j->ci, &row, 1);
    }
    jpeg_finish_compress(&j->ci);
    return 0;
}

static int fx_jpeg(const char *path, int w, int h, int comps, J_COLOR_SPACE in, J_COLOR_SPACE store, int adobe,
                   int progressive, int quality, const uint8_t *px)
{
    fx_jpeg_job *j = calloc(1, sizeof *j);
    if (!j) return -1;
    int rc = fx_jpeg_write(j, path, w, h, comps, in, store, adobe, progressive, quality, px);
    jpeg_destroy_compress(&j->ci);
    if (j->f && fclose(j->f) != 0) rc = -1;
    free(j);
    if (rc) fprintf(stderr, "%s: fixture JPEG not written\n", path);
    return rc;
}

int fx_write_jpeg_cmyk(const char *path, int w, int h, const uint8_t *samples, int ycck, int adobe, int quality)
{
    return fx_jpeg(path, w, h, 4, JCS_CMYK, ycck ? JCS_YCCK : JCS_CMYK, adobe, 0, quality, samples);
}

int fx_write_jpeg_gray(const char *path, int w, int h, const uint8_t *gray, int progressive, int quality)
{
    return fx_jpeg(path, w, h, 1, JCS_GRAYSCALE, JCS_GRAYSCALE, 0, progressive, quality, gray);
}

/* ---- PNG (libpng) ---- */

typedef struct fx_png_job {
    png_structp png;
    png_infop info;
    FILE *f;
    png_bytep data;
    png_bytep *rows;
} fx_png_job;

static int fx_png_run(fx_png_job *j, int w, int h, int ct, int depth, int interlace, const uint16_t *samples,
                      const uint8_t *palette, int n_palette, const uint8_t *trns, int n_trns)
{
    if (setjmp(png_jmpbuf(j->png))) return -1;
    png_init_io(j->png, j->f);
    png_set_IHDR(j->png, j->info, (png_uint_32)w, (png_uint_32)h, depth, ct,
                 interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (ct == PNG_COLOR_TYPE_PALETTE) {
        png_color pal[256];
        for (int i = 0; i < n_palette; i++) {
            pal[i].red = palette[3 * i];
            pal[i].green = palette[3 * i + 1];
            pal[i].blue = palette[3 * i + 2];
        }
        png_set_PLTE(j->png, j->info, pal, n_palette);
        if (trns) png_set_tRNS(j->png, j->info, trns, n_trns, NULL);
    }
    png_write_info(j->png, j->info);
    int ch = ct == PNG_COLOR_TYPE_GRAY || ct == PNG_COLOR_TYPE_PALETTE ? 1
             : ct == PNG_COLOR_TYPE_GRAY_ALPHA ? 2 : ct == PNG_COLOR_TYPE_RGB ? 3 : 4;
    size_t rowbytes = ((size_t)w * (size_t)ch * (size_t)depth + 7) / 8;
    j->data = calloc((size_t)h, rowbytes);
    j->rows = calloc((size_t)h, sizeof *j->rows);
    if (!j->data || !j->rows) return -1;
    for (int y = 0; y < h; y++) {
        png_bytep r = j->rows[y] = j->data + (size_t)y * rowbytes;
        for (int k = 0; k < w * ch; k++) {
            unsigned v = samples[(size_t)y * (size_t)w * (size_t)ch + (size_t)k];
            if (depth == 16) {
                r[2 * k] = (png_byte)(v >> 8);
                r[2 * k + 1] = (png_byte)v;
            } else if (depth == 8) {
                r[k] = (png_byte)v;
            } else {
                int per = 8 / depth;
                r[k / per] |= (png_byte)(v << (8 - depth * (k % per + 1)));
            }
        }
    }
    if (interlace) png_set_interlace_handling(j->png);
    png_write_image(j->png, j->rows);
    png_write_end(j->png, NULL);
    return 0;
}

int fx_write_png(const char *path, int w, int h, int color_type, int depth, int interlace,
                 const uint16_t *samples, const uint8_t *palette, int n_palette, const uint8_t *trns, int n_trns)
{
    fx_png_job j = {0};
    int rc = -1;
    j.f = fopen(path, "wb");
    j.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    if (j.png) j.info = png_create_info_struct(j.png);
    if (j.f && j.info) rc = fx_png_run(&j, w, h, color_type, depth, interlace, samples, palette, n_palette, trns, n_trns);
    if (j.png) png_destroy_write_struct(&j.png, j.info ? &j.info : NULL);
    if (j.f && fclose(j.f) != 0) rc = -1;
    free(j.data);
    free(j.rows);
    if (rc) fprintf(stderr, "%s: fixture PNG not written\n", path);
    return rc;
}

/* ---- GIF (giflib) ---- */

int fx_write_gif(const char *path, int sw, int sh, const uint8_t *colors, int n_colors, int bg_index, int left,
                 int top, int fw, int fh, const uint8_t *indices, int interlace, int transparent, int second_frame)
{
    int err = 0, rc = -1;
    GifColorType cols[256];
    for (int i = 0; i < n_colors; i++) {
        cols[i].Red = colors[3 * i];
        cols[i].Green = colors[3 * i + 1];
        cols[i].Blue = colors[3 * i + 2];
    }
    ColorMapObject *map = GifMakeMapObject(n_colors, cols);
    GifByteType *line = calloc((size_t)(fw > sw ? fw : sw), 1);
    GifFileType *g = EGifOpenFileName(path, false, &err);
    if (!g || !map || !line) goto done;
    EGifSetGifVersion(g, true);
    if (EGifPutScreenDesc(g, sw, sh, 8, bg_index, map) == GIF_ERROR) goto done;
    if (transparent >= 0) {
        GraphicsControlBlock gcb = {DISPOSAL_UNSPECIFIED, false, 0, transparent};
        GifByteType ext[4];
        size_t n = EGifGCBToExtension(&gcb, ext);
        if (EGifPutExtension(g, GRAPHICS_EXT_FUNC_CODE, (int)n, ext) == GIF_ERROR) goto done;
    }
    if (EGifPutImageDesc(g, left, top, fw, fh, interlace != 0, NULL) == GIF_ERROR) goto done;
    static const int start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
    for (int p = 0; p < (interlace ? 4 : 1); p++)
        for (int y = interlace ? start[p] : 0; y < fh; y += interlace ? step[p] : 1) {
            memcpy(line, indices + (size_t)y * (size_t)fw, (size_t)fw);
            if (EGifPutLine(g, line, fw) == GIF_ERROR) goto done;
        }
    if (second_frame) {
        if (EGifPutImageDesc(g, 0, 0, sw, sh, false, NULL) == GIF_ERROR) goto done;
        memset(line, 0, (size_t)sw);
        for (int y = 0; y < sh; y++)
            if (EGifPutLine(g, line, sw) == GIF_ERROR) goto done;
    }
    rc = 0;
done:
    if (g && EGifCloseFile(g, &err) == GIF_ERROR) rc = -1;
    GifFreeMapObject(map);
    free(line);
    if (rc) fprintf(stderr, "%s: fixture GIF not written (giflib error %d)\n", path, err);
    return rc;
}

/* ---- BMP, byte by byte ---- */

typedef struct bytebuf {
    uint8_t *p;
    size_t n, cap;
} bytebuf;

static void put(bytebuf *b, const void *src, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}
static void put8(bytebuf *b, unsigned v) { uint8_t x = (uint8_t)v; put(b, &x, 1); }
static void put16(bytebuf *b, unsigned v) { put8(b, v & 255); put8(b, v >> 8); }
static void put32(bytebuf *b, uint32_t v) { put16(b, v & 0xffff); put16(b, v >> 16); }

/* RLE8/RLE4 rows, bottom-up. A row of all index 0 is skipped with a delta. */
static void rle_encode(bytebuf *b, int w, int h, const uint8_t *idx, int rle4)
{
    for (int yy = 0; yy < h; yy++) {
        const uint8_t *row = idx + (size_t)(h - 1 - yy) * (size_t)w;
        int zero = 1;
        for (int x = 0; x < w; x++) zero &= row[x] == 0;
        if (zero && yy < h - 1) {
            put8(b, 0), put8(b, 2), put8(b, 0), put8(b, 1); /* delta: one row up */
            continue;
        }
        int x = 0;
        while (x < w) {
            int run = 1;
            while (x + run < w && run < 255 && row[x + run] == row[x]) run++;
            if (run >= 2) {
                put8(b, (unsigned)run);
                put8(b, rle4 ? (unsigned)(row[x] << 4 | row[x]) : row[x]);
                x += run;
                continue;
            }
            int lit = 1; /* literal: until two equal neighbours start */
            while (x + lit < w && lit < 255 && !(x + lit + 1 < w && row[x + lit] == row[x + lit + 1])) lit++;
            if (lit < 3) {
                for (int k = 0; k < lit; k++) put8(b, 1), put8(b, rle4 ? (unsigned)(row[x + k] << 4) : row[x + k]);
            } else {
                put8(b, 0), put8(b, (unsigned)lit);
                size_t bytes = rle4 ? (size_t)(lit + 1) / 2 : (size_t)lit;
                for (size_t k = 0; k < bytes; k++) {
                    if (rle4) {
                        unsigned hi = row[x + 2 * k], lo = 2 * k + 1 < (size_t)lit ? row[x + 2 * k + 1] : 0;
                        put8(b, hi << 4 | lo);
                    } else {
                        put8(b, row[x + k]);
                    }
                }
                if (bytes & 1) put8(b, 0);
            }
            x += lit;
        }
        if (yy < h - 1) put8(b, 0), put8(b, 0); /* end of line */
    }
    put8(b, 0), put8(b, 1); /* end of bitmap */
}

int fx_write_bmp(const char *path, int w, int h, int bpp, int compression, int top_down, int core,
                 const uint8_t *indices, const uint8_t *palette, int n_palette, const uint8_t *rgb)
{
    bytebuf pix = {0}, f = {0};
    if (compression == 1 || compression == 2) {
        rle_encode(&pix, w, h, indices, compression == 2);
    } else {
        size_t stride = ((size_t)bpp * (size_t)w + 31) / 32 * 4;
        uint8_t *row = calloc(stride, 1);
        for (int yy = 0; yy < h; yy++) {
            int y = top_down ? yy : h - 1 - yy;
            memset(row, 0, stride);
            for (int x = 0; x < w; x++) {
                const uint8_t *c = rgb ? rgb + ((size_t)y * w + x) * 3 : NULL;
                unsigned k = indices ? indices[(size_t)y * w + x] : 0;
                switch (bpp) {
                case 1: case 4: case 8: row[x * bpp / 8] |= (uint8_t)(k << (8 - bpp - (x * bpp) % 8)); break;
                case 16: {
                    unsigned v = compression == 3 ? (unsigned)(c[0] >> 3) << 11 | (unsigned)(c[1] >> 2) << 5 | c[2] >> 3
                                                  : (unsigned)(c[0] >> 3) << 10 | (unsigned)(c[1] >> 3) << 5 | c[2] >> 3;
                    row[2 * x] = (uint8_t)v, row[2 * x + 1] = (uint8_t)(v >> 8);
                    break;
                }
                case 24: row[3 * x] = c[2], row[3 * x + 1] = c[1], row[3 * x + 2] = c[0]; break;
                case 32:
                    if (compression == 3) row[4 * x] = 0x55, row[4 * x + 1] = c[0], row[4 * x + 2] = c[1], row[4 * x + 3] = c[2];
                    else row[4 * x] = c[2], row[4 * x + 1] = c[1], row[4 * x + 2] = c[0], row[4 * x + 3] = 0xAA;
                    break;
                }
            }
            put(&pix, row, stride);
        }
        free(row);
    }
    size_t hsize = core ? 12 : 40, masks = compression == 3 ? 12 : 0;
    size_t pal = bpp <= 8 ? (size_t)n_palette * (core ? 3 : 4) : 0;
    size_t off = 14 + hsize + masks + pal;
    put8(&f, 'B'), put8(&f, 'M'), put32(&f, (uint32_t)(off + pix.n)), put32(&f, 0), put32(&f, (uint32_t)off);
    if (core) {
        put32(&f, 12), put16(&f, (unsigned)w), put16(&f, (unsigned)h), put16(&f, 1), put16(&f, (unsigned)bpp);
    } else {
        put32(&f, 40), put32(&f, (uint32_t)w), put32(&f, (uint32_t)(top_down ? -h : h)), put16(&f, 1);
        put16(&f, (unsigned)bpp), put32(&f, (uint32_t)compression), put32(&f, (uint32_t)pix.n);
        put32(&f, 2835), put32(&f, 2835), put32(&f, bpp <= 8 ? (uint32_t)n_palette : 0), put32(&f, 0);
    }
    if (compression == 3) {
        if (bpp == 16) put32(&f, 0xF800), put32(&f, 0x07E0), put32(&f, 0x001F);
        else put32(&f, 0x0000FF00u), put32(&f, 0x00FF0000u), put32(&f, 0xFF000000u);
    }
    for (int i = 0; bpp <= 8 && i < n_palette; i++) {
        put8(&f, palette[3 * i + 2]), put8(&f, palette[3 * i + 1]), put8(&f, palette[3 * i]);
        if (!core) put8(&f, 0);
    }
    put(&f, pix.p, pix.n);
    int rc = fx_write_bytes(path, f.p, f.n);
    free(pix.p);
    free(f.p);
    return rc;
}

/* ---- PNM, byte by byte ---- */

int fx_write_pnm(const char *path, int kind, int w, int h, int maxval, const uint16_t *samples)
{
    int ch = kind == 3 || kind == 6 ? 3 : 1;
    size_t n = (size_t)w * (size_t)h * (size_t)ch;
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return -1;
    }
    fprintf(f, "P%d\n# fixture written by fnegraph tests\n%d %d\n", kind, w, h);
    if (kind != 1 && kind != 4) fprintf(f, "# maxval next\n%d\n", maxval);
    if (kind == 4) {
        size_t row = ((size_t)w + 7) / 8;
        for (int y = 0; y < h; y++) {
            uint8_t b[256] = {0};
            for (int x = 0; x < w; x++) b[x / 8] |= (uint8_t)((samples[(size_t)y * w + x] & 1) << (7 - x % 8));
            fwrite(b, 1, row, f);
        }
    } else if (kind == 5 || kind == 6) {
        for (size_t i = 0; i < n; i++) {
            if (maxval > 255) fputc(samples[i] >> 8, f);
            fputc(samples[i] & 255, f);
        }
    } else if (kind == 1) {
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) fputs(y % 2 ? (samples[(size_t)y * w + x] ? "1" : "0") : (samples[(size_t)y * w + x] ? "1 " : "0 "), f);
            fputc('\n', f);
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            fprintf(f, "%u%s", samples[i], i % 12 == 11 ? "\n" : " ");
            if (i == 5) fputs("\n# a comment between samples\n", f);
        }
        fputc('\n', f);
    }
    return fclose(f) == 0 ? 0 : -1;
}

/* ---- temporary folders and comparison ---- */

int fx_tmpdir(const char *prefix, char *buf, size_t size)
{
    const char *t = getenv("TMPDIR");
    snprintf(buf, size, "%s/%s_XXXXXX", t && *t ? t : "/tmp", prefix);
    if (!mkdtemp(buf)) {
        perror(buf);
        return -1;
    }
    return 0;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

void fx_rmtree(const char *dir)
{
    if (dir && *dir) nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fx_path(const char *dir, const char *name)
{
    static char slots[8][4096];
    static int next;
    char *b = slots[next++ % 8];
    snprintf(b, 4096, "%s/%s", dir, name);
    return b;
}

long fx_compare_rgb(const char *what, int w, int h, const uint8_t *got, int got_w, int got_h,
                    const uint8_t *expected, int tol)
{
    if (w != got_w || h != got_h || !got) {
        fprintf(stderr, "%s: size %dx%d, expected %dx%d\n", what, got_w, got_h, w, h);
        return (long)w * h * 3 + 1;
    }
    long bad = 0;
    for (size_t i = 0; i < (size_t)w * (size_t)h * 3; i++) {
        int d = abs((int)got[i] - (int)expected[i]);
        if (d > tol) {
            if (bad < 5)
                fprintf(stderr, "%s: pixel (%zu,%zu) channel %zu: got %d, expected %d (tolerance %d)\n", what,
                        i / 3 % (size_t)w, i / 3 / (size_t)w, i % 3, got[i], expected[i], tol);
            bad++;
        }
    }
    return bad;
}
