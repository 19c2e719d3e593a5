/* Image fixtures for the decoder tests: writers for every format and mode the
 * decoders accept, built directly on libjpeg, libpng and giflib (for JPEG,
 * PNG and GIF) or byte by byte from the format documents (BMP, PNM), so that
 * the decoders are checked against files they did not write themselves.
 * All return 0 on success and -1 (after printing why) on failure. */
#ifndef FNEGRAPH_IMG_FIXTURES_H
#define FNEGRAPH_IMG_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

/* A smooth test picture (gradients and low-frequency waves, JPEG-friendly):
 * rgb[h][w][3]. */
void fx_smooth_rgb(int w, int h, uint32_t seed, uint8_t *rgb);
/* Uniform random bytes. */
void fx_random_bytes(uint32_t seed, uint8_t *p, size_t n);

/* Read a whole file (malloc'd) / write bytes to a file. */
uint8_t *fx_read_file(const char *path, size_t *size);
int fx_write_bytes(const char *path, const void *p, size_t n);

/* 4-component JPEG through libjpeg. samples: [h][w][4] as libjpeg receives
 * them (C, M, Y, K in JCS_CMYK input). ycck: store as YCCK (libjpeg converts
 * CMYK input to YCCK). adobe: write the Adobe APP14 marker (libjpeg writes it
 * by default for CMYK/YCCK; without it a reader assumes plain CMYK). */
int fx_write_jpeg_cmyk(const char *path, int w, int h, const uint8_t *samples, int ycck, int adobe, int quality);
/* One-component JPEG from gray samples [h][w], optionally progressive. */
int fx_write_jpeg_gray(const char *path, int w, int h, const uint8_t *gray, int progressive, int quality);

/* PNG through libpng. color_type: PNG_COLOR_TYPE_* value; depth 1..16;
 * samples: [h][w][channels] values in 0..2^depth-1 (channels of the colour
 * type: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA, 1 palette index); palette:
 * n_palette RGB triples for palette images; trns: n_trns alpha values of
 * the palette entries (or NULL). */
int fx_write_png(const char *path, int w, int h, int color_type, int depth, int interlace,
                 const uint16_t *samples, const uint8_t *palette, int n_palette,
                 const uint8_t *trns, int n_trns);

/* GIF through giflib: a logical screen sw x sh with a global colour table
 * (n_colors RGB triples, a power of two), a first frame of fw x fh at
 * (left, top) with indices [fh][fw] (rows in top-to-bottom order; the
 * fixture reorders them for interlacing), a transparent index (or -1), and
 * optionally a second frame of all index 0 covering the screen (which the
 * decoder must not show). */
int fx_write_gif(const char *path, int sw, int sh, const uint8_t *colors, int n_colors, int bg_index,
                 int left, int top, int fw, int fh, const uint8_t *indices, int interlace,
                 int transparent, int second_frame);

/* BMP byte by byte. bpp 1/4/8 take indices [h][w] and a palette of n_palette
 * RGB triples; 16/24/32 take rgb [h][w][3] (16: 5-5-5, or 5-6-5 with bit
 * fields; 32: BGRX, or with bit fields the masks R=0x0000FF00,
 * G=0x00FF0000, B=0xFF000000 to exercise shifts). compression: 0 none,
 * 1 RLE8, 2 RLE4, 3 bit fields. core: BITMAPCOREHEADER (12 bytes) instead of
 * BITMAPINFOHEADER (40). top_down: negative height. Returns 0 or -1. */
int fx_write_bmp(const char *path, int w, int h, int bpp, int compression, int top_down, int core,
                 const uint8_t *indices, const uint8_t *palette, int n_palette, const uint8_t *rgb);

/* PNM byte by byte: kind 1..6, maxval (ignored for 1/4), samples [h][w][c]
 * (c = 3 for P3/P6, else 1), with a comment in the header. */
int fx_write_pnm(const char *path, int kind, int w, int h, int maxval, const uint16_t *samples);

/* A fresh temporary folder (mkdtemp under $TMPDIR or /tmp) into buf; 0 or -1. */
int fx_tmpdir(const char *prefix, char *buf, size_t size);
/* Remove a folder tree (for the temporary folders of tests). */
void fx_rmtree(const char *dir);
/* path = dir + "/" + name, in a static rotating buffer (8 slots). */
const char *fx_path(const char *dir, const char *name);

/* Compare a decoded image with expected RGB: the number of samples differing
 * by more than tol, printing the first few with `what`. Size mismatch counts
 * as everything wrong. */
long fx_compare_rgb(const char *what, int w, int h, const uint8_t *got, int got_w, int got_h,
                    const uint8_t *expected, int tol);

#endif
