/* Decoding by content, PNG, GIF, BMP and PNM (the JPEG paths are in
 * test_image_jpeg.c): every mode written by independent fixture writers
 * (libpng, giflib, byte-by-byte BMP/PNM) and compared pixel by pixel with
 * what was written (exact: these formats are lossless), and every kind of
 * bad file refused with its path and the reason. */
#include "fg_test.h"
#include "img_fixtures.h"
#include "fnegraph/image.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char dir[4096];

/* Decode path and compare with expected RGB exactly. */
static void check_decode(const char *name, int w, int h, const uint8_t *expected, fg_image_format fmt)
{
    fg_image img;
    const char *path = fx_path(dir, name);
    fg_status st = fg_image_decode_file(path, 0, &img);
    CHECK(st == FG_OK, "%s: %s", name, fg_last_error());
    if (st != FG_OK) return;
    CHECK(img.format == fmt, "%s: format %s, expected %s", name, fg_image_format_name(img.format), fg_image_format_name(fmt));
    long bad = fx_compare_rgb(name, w, h, img.rgb, img.width, img.height, expected, 0);
    CHECK(bad == 0, "%s: %ld samples differ", name, bad);
    fg_image_destroy(&img);
}

/* Decode must fail with FG_EFORMAT (or `code`) and a message holding the
 * path and `needle`. */
static void check_refused(const char *name, fg_status code, const char *needle)
{
    fg_image img;
    const char *path = fx_path(dir, name);
    fg_error_clear();
    fg_status st = fg_image_decode_file(path, 0, &img);
    CHECK(st == code, "%s: status %s, expected %s (%s)", name, fg_status_str(st), fg_status_str(code), fg_last_error());
    CHECK(strstr(fg_last_error(), path) != NULL, "%s: message '%s' does not name the file", name, fg_last_error());
    CHECK(strstr(fg_last_error(), needle) != NULL, "%s: message '%s' does not say '%s'", name, fg_last_error(), needle);
    CHECK(img.rgb == NULL && img.width == 0, "%s: output not zeroed after failure", name);
}

static void expand_gray(const uint16_t *v, int n, int maxval, uint8_t *rgb)
{
    for (int i = 0; i < n; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = (uint8_t)lround(v[i] * 255.0 / maxval);
}

static void test_png(void)
{
    enum { W = 37, H = 23, N = W * H };
    uint16_t s[N * 4];
    uint8_t bytes[N * 8], exp[N * 3];
    fx_random_bytes(1, bytes, sizeof bytes);
    /* RGB 8 and RGBA 8 (alpha dropped), interlaced RGB */
    for (int i = 0; i < N * 3; i++) s[i] = bytes[i], exp[i] = bytes[i];
    CHECK(!fx_write_png(fx_path(dir, "rgb8.png"), W, H, PNG_COLOR_TYPE_RGB, 8, 0, s, NULL, 0, NULL, 0), "write");
    check_decode("rgb8.png", W, H, exp, FG_IMAGE_PNG);
    CHECK(!fx_write_png(fx_path(dir, "rgb8i.png"), W, H, PNG_COLOR_TYPE_RGB, 8, 1, s, NULL, 0, NULL, 0), "write");
    check_decode("rgb8i.png", W, H, exp, FG_IMAGE_PNG);
    for (int i = 0; i < N; i++) {
        for (int c = 0; c < 3; c++) s[4 * i + c] = bytes[3 * i + c];
        s[4 * i + 3] = bytes[3 * N + i]; /* alpha, random, including 0 */
    }
    CHECK(!fx_write_png(fx_path(dir, "rgba8.png"), W, H, PNG_COLOR_TYPE_RGBA, 8, 0, s, NULL, 0, NULL, 0), "write");
    check_decode("rgba8.png", W, H, exp, FG_IMAGE_PNG);
    /* RGB 16 and RGBA 16: round(v * 255 / 65535) */
    for (int i = 0; i < N * 3; i++) {
        s[i] = (uint16_t)(bytes[2 * i % (N * 8)] << 8 | bytes[(2 * i + 1) % (N * 8)]);
        exp[i] = (uint8_t)lround(s[i] * 255.0 / 65535.0);
    }
    CHECK(!fx_write_png(fx_path(dir, "rgb16.png"), W, H, PNG_COLOR_TYPE_RGB, 16, 0, s, NULL, 0, NULL, 0), "write");
    check_decode("rgb16.png", W, H, exp, FG_IMAGE_PNG);
    uint16_t s4[N * 4];
    for (int i = 0; i < N; i++) {
        for (int c = 0; c < 3; c++) s4[4 * i + c] = s[3 * i + c];
        s4[4 * i + 3] = (uint16_t)(i * 977);
    }
    CHECK(!fx_write_png(fx_path(dir, "rgba16.png"), W, H, PNG_COLOR_TYPE_RGBA, 16, 1, s4, NULL, 0, NULL, 0), "write");
    check_decode("rgba16.png", W, H, exp, FG_IMAGE_PNG);
    /* gray 1, 2, 4, 8, 16 bits; gray+alpha 8 and 16 */
    static const int depths[] = {1, 2, 4, 8, 16};
    for (int d = 0; d < 5; d++) {
        int depth = depths[d], maxval = (1 << depth) - 1;
        char name[64];
        for (int i = 0; i < N; i++) s[i] = (uint16_t)((bytes[i] << 8 | bytes[N + i]) & maxval);
        expand_gray(s, N, maxval, exp);
        snprintf(name, sizeof name, "gray%d.png", depth);
        CHECK(!fx_write_png(fx_path(dir, name), W, H, PNG_COLOR_TYPE_GRAY, depth, d == 2, s, NULL, 0, NULL, 0), "write");
        check_decode(name, W, H, exp, FG_IMAGE_PNG);
        if (depth >= 8) {
            for (int i = 0; i < N; i++) s4[2 * i] = s[i], s4[2 * i + 1] = (uint16_t)(bytes[2 * N + i] * (maxval / 255));
            snprintf(name, sizeof name, "grayalpha%d.png", depth);
            CHECK(!fx_write_png(fx_path(dir, name), W, H, PNG_COLOR_TYPE_GRAY_ALPHA, depth, 0, s4, NULL, 0, NULL, 0), "write");
            check_decode(name, W, H, exp, FG_IMAGE_PNG);
        }
    }
    /* palettes of 1, 4 and 8 bits, the 8-bit one with tRNS (ignored) */
    uint8_t pal[256 * 3], trns[256];
    fx_random_bytes(9, pal, sizeof pal);
    fx_random_bytes(10, trns, sizeof trns);
    static const int pdepths[] = {1, 4, 8};
    for (int d = 0; d < 3; d++) {
        int depth = pdepths[d], n_pal = depth == 8 ? 200 : 1 << depth;
        char name[64];
        for (int i = 0; i < N; i++) {
            s[i] = (uint16_t)(bytes[i] % n_pal);
            memcpy(exp + 3 * i, pal + 3 * s[i], 3);
        }
        snprintf(name, sizeof name, "palette%d.png", depth);
        CHECK(!fx_write_png(fx_path(dir, name), W, H, PNG_COLOR_TYPE_PALETTE, depth, 0, s, pal, n_pal,
                            depth == 8 ? trns : NULL, depth == 8 ? 100 : 0), "write");
        check_decode(name, W, H, exp, FG_IMAGE_PNG);
    }
    /* a PNG named .jpg decodes as PNG */
    size_t n;
    uint8_t *png = fx_read_file(fx_path(dir, "palette8.png"), &n);
    CHECK(png != NULL, "read back");
    if (!png) return;
    CHECK(!fx_write_bytes(fx_path(dir, "really_a_png.jpg"), png, n), "write");
    check_decode("really_a_png.jpg", W, H, exp, FG_IMAGE_PNG);
    /* truncated, and a flipped byte inside IDAT (CRC error) */
    CHECK(!fx_write_bytes(fx_path(dir, "cut.png"), png, n / 2), "write");
    check_refused("cut.png", FG_EFORMAT, "truncated PNG data");
    png[n - 20] ^= 0x5a;
    CHECK(!fx_write_bytes(fx_path(dir, "crc.png"), png, n), "write");
    check_refused("crc.png", FG_EFORMAT, "corrupt PNG data");
    free(png);
}

static uint32_t crc32_bytes(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xffffffffu;
}

static void be32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v; }

static void test_huge_headers(void)
{
    /* a valid PNG whose IHDR (with a correct CRC) claims 100000 x 100000 */
    uint16_t one[3] = {1, 2, 3};
    CHECK(!fx_write_png(fx_path(dir, "tiny.png"), 1, 1, PNG_COLOR_TYPE_RGB, 8, 0, one, NULL, 0, NULL, 0), "write");
    size_t n;
    uint8_t *p = fx_read_file(fx_path(dir, "tiny.png"), &n);
    if (p) {
        be32(p + 16, 100000);
        be32(p + 20, 100000);
        be32(p + 29, crc32_bytes(p + 12, 17));
        fx_write_bytes(fx_path(dir, "huge.png"), p, n);
        free(p);
        check_refused("huge.png", FG_EFORMAT, "too large");
    }
    const char *ppm = "P6\n70000 70000\n255\n\x01\x02\x03";
    fx_write_bytes(fx_path(dir, "huge.ppm"), ppm, strlen(ppm));
    check_refused("huge.ppm", FG_EFORMAT, "too large");
    const char *ppm2 = "P6\n9000 9000\n255\n\x01\x02\x03"; /* 81 M pixels: over the pixel limit */
    fx_write_bytes(fx_path(dir, "huge2.ppm"), ppm2, strlen(ppm2));
    check_refused("huge2.ppm", FG_EFORMAT, "too large");
}

static void test_gif(void)
{
    enum { SW = 20, SH = 15, FW = 12, FH = 9, L = 3, T = 4 };
    uint8_t colors[8 * 3], idx[FW * FH], exp[SW * SH * 3];
    fx_random_bytes(21, colors, sizeof colors);
    for (int i = 0; i < FW * FH; i++) idx[i] = (uint8_t)((i * 7 + i / FW) % 8);
    for (int inter = 0; inter < 2; inter++) {
        memset(exp, 255, sizeof exp);
        for (int y = 0; y < FH; y++)
            for (int x = 0; x < FW; x++) {
                int k = idx[y * FW + x];
                if (k != 2) memcpy(exp + ((size_t)(T + y) * SW + L + x) * 3, colors + 3 * k, 3);
            }
        const char *name = inter ? "interlaced.gif" : "plain.gif";
        CHECK(!fx_write_gif(fx_path(dir, name), SW, SH, colors, 8, 5, L, T, FW, FH, idx, inter, 2, 1), "write");
        check_decode(name, SW, SH, exp, FG_IMAGE_GIF);
    }
    /* no transparency, frame sticking out of a too-small screen: the canvas grows */
    uint8_t exp2[FW * FH * 3];
    for (int i = 0; i < FW * FH; i++) memcpy(exp2 + 3 * i, colors + 3 * idx[i], 3);
    CHECK(!fx_write_gif(fx_path(dir, "grow.gif"), 5, 5, colors, 8, 0, 0, 0, FW, FH, idx, 0, -1, 0), "write");
    check_decode("grow.gif", FW, FH, exp2, FG_IMAGE_GIF);
    size_t n;
    uint8_t *g = fx_read_file(fx_path(dir, "grow.gif"), &n);
    if (g) {
        fx_write_bytes(fx_path(dir, "cut.gif"), g, n - 12);
        check_refused("cut.gif", FG_EFORMAT, "truncated GIF data");
        free(g);
    }
}

static void test_bmp(void)
{
    enum { W = 13, H = 7, N = W * H };
    uint8_t rgb[N * 3], exp[N * 3], idx[N], pal[256 * 3];
    fx_random_bytes(31, rgb, sizeof rgb);
    fx_random_bytes(32, pal, sizeof pal);
    fx_random_bytes(33, idx, sizeof idx);
    /* 24 bits, bottom-up and top-down, and the OS/2 core header */
    for (int td = 0; td < 3; td++) {
        const char *name = td == 0 ? "rgb24.bmp" : td == 1 ? "rgb24_topdown.bmp" : "rgb24_core.bmp";
        CHECK(!fx_write_bmp(fx_path(dir, name), W, H, 24, 0, td == 1, td == 2, NULL, NULL, 0, rgb), "write");
        check_decode(name, W, H, rgb, FG_IMAGE_BMP);
    }
    /* 32 bits BGRX, and bit fields with shifted masks */
    CHECK(!fx_write_bmp(fx_path(dir, "rgb32.bmp"), W, H, 32, 0, 0, 0, NULL, NULL, 0, rgb), "write");
    check_decode("rgb32.bmp", W, H, rgb, FG_IMAGE_BMP);
    CHECK(!fx_write_bmp(fx_path(dir, "rgb32_fields.bmp"), W, H, 32, 3, 1, 0, NULL, NULL, 0, rgb), "write");
    check_decode("rgb32_fields.bmp", W, H, rgb, FG_IMAGE_BMP);
    /* 16 bits: 5-5-5 and 5-6-5 bit fields, scaled as round(v * 255 / (2^bits - 1)) */
    for (int i = 0; i < N; i++)
        for (int c = 0; c < 3; c++) exp[3 * i + c] = (uint8_t)lround((rgb[3 * i + c] >> 3) * 255.0 / 31);
    CHECK(!fx_write_bmp(fx_path(dir, "rgb555.bmp"), W, H, 16, 0, 0, 0, NULL, NULL, 0, rgb), "write");
    check_decode("rgb555.bmp", W, H, exp, FG_IMAGE_BMP);
    for (int i = 0; i < N; i++) exp[3 * i + 1] = (uint8_t)lround((rgb[3 * i + 1] >> 2) * 255.0 / 63);
    CHECK(!fx_write_bmp(fx_path(dir, "rgb565.bmp"), W, H, 16, 3, 0, 0, NULL, NULL, 0, rgb), "write");
    check_decode("rgb565.bmp", W, H, exp, FG_IMAGE_BMP);
    /* palettes: 8 bits (200 colours, and the core header), 4 bits, 1 bit */
    static const struct { int bpp, n_pal, core; const char *name; } pals[] = {
        {8, 200, 0, "pal8.bmp"}, {8, 256, 1, "pal8_core.bmp"}, {4, 16, 0, "pal4.bmp"}, {1, 2, 0, "pal1.bmp"}};
    for (int k = 0; k < 4; k++) {
        uint8_t ix[N];
        for (int i = 0; i < N; i++) {
            ix[i] = (uint8_t)(idx[i] % pals[k].n_pal);
            memcpy(exp + 3 * i, pal + 3 * ix[i], 3);
        }
        CHECK(!fx_write_bmp(fx_path(dir, pals[k].name), W, H, pals[k].bpp, 0, k == 2, pals[k].core, ix, pal, pals[k].n_pal, NULL), "write");
        check_decode(pals[k].name, W, H, exp, FG_IMAGE_BMP);
    }
    /* RLE8 and RLE4: runs, literals, and an all-zero row skipped with a delta */
    enum { RW = 40, RH = 6, RN = RW * RH };
    uint8_t rix[RN], rexp[RN * 3];
    for (int rle = 1; rle <= 2; rle++) {
        int n_pal = rle == 1 ? 256 : 16;
        for (int i = 0; i < RN; i++) {
            int x = i % RW, y = i / RW;
            rix[i] = (uint8_t)(y == 2 ? 0 : x < 10 ? 5 : x < 17 ? (x * 7 + y) % n_pal : x < 19 ? 9 : (x / 3 + y) % n_pal);
            memcpy(rexp + 3 * i, pal + 3 * rix[i], 3);
        }
        const char *name = rle == 1 ? "rle8.bmp" : "rle4.bmp";
        CHECK(!fx_write_bmp(fx_path(dir, name), RW, RH, rle == 1 ? 8 : 4, rle, 0, 0, rix, pal, n_pal, NULL), "write");
        check_decode(name, RW, RH, rexp, FG_IMAGE_BMP);
    }
    /* truncated pixel data, and an embedded-JPEG BMP */
    size_t n;
    uint8_t *b = fx_read_file(fx_path(dir, "rgb24.bmp"), &n);
    if (b) {
        fx_write_bytes(fx_path(dir, "cut.bmp"), b, n - 40);
        check_refused("cut.bmp", FG_EFORMAT, "truncated BMP data");
        b[30] = 4;
        fx_write_bytes(fx_path(dir, "jpeg_in.bmp"), b, n);
        check_refused("jpeg_in.bmp", FG_EFORMAT, "unsupported BMP compression");
        free(b);
    }
    b = fx_read_file(fx_path(dir, "rle8.bmp"), &n);
    if (b) {
        fx_write_bytes(fx_path(dir, "cut_rle.bmp"), b, n - 30);
        check_refused("cut_rle.bmp", FG_EFORMAT, "truncated BMP data");
        free(b);
    }
}

static void test_pnm(void)
{
    enum { W = 11, H = 6, N = W * H };
    uint16_t s[N * 3];
    uint8_t bytes[N * 6], exp[N * 3];
    fx_random_bytes(41, bytes, sizeof bytes);
    static const struct { int kind, maxval; const char *name; } cases[] = {
        {6, 255, "p6.ppm"}, {6, 65535, "p6_16.ppm"}, {6, 1000, "p6_1000.ppm"}, {3, 255, "p3.ppm"},
        {3, 40000, "p3_16.ppm"}, {5, 255, "p5.pgm"}, {5, 300, "p5_300.pgm"}, {2, 15, "p2.pgm"},
        {1, 1, "p1.pbm"}, {4, 1, "p4.pbm"}};
    for (int k = 0; k < 10; k++) {
        int ch = cases[k].kind == 3 || cases[k].kind == 6 ? 3 : 1, mv = cases[k].maxval;
        int bitmap = cases[k].kind == 1 || cases[k].kind == 4;
        for (int i = 0; i < N * ch; i++) s[i] = (uint16_t)((bytes[2 * i] << 8 | bytes[2 * i + 1]) % (mv + 1));
        for (int i = 0; i < N; i++)
            for (int c = 0; c < 3; c++) {
                unsigned v = s[ch == 3 ? 3 * i + c : i];
                exp[3 * i + c] = bitmap ? (uint8_t)(v ? 0 : 255) : (uint8_t)lround(v * 255.0 / mv);
            }
        CHECK(!fx_write_pnm(fx_path(dir, cases[k].name), cases[k].kind, W, H, mv, s), "write");
        check_decode(cases[k].name, W, H, exp, FG_IMAGE_PNM);
    }
    size_t n;
    uint8_t *p = fx_read_file(fx_path(dir, "p6.ppm"), &n);
    if (p) {
        fx_write_bytes(fx_path(dir, "cut.ppm"), p, n - 5);
        check_refused("cut.ppm", FG_EFORMAT, "truncated PNM data");
        free(p);
    }
    const char *over = "P2\n2 1\n15\n3 16\n";
    fx_write_bytes(fx_path(dir, "over.pgm"), over, strlen(over));
    check_refused("over.pgm", FG_EFORMAT, "exceeds maxval");
    const char *nohdr = "P5\n# only a comment\n";
    fx_write_bytes(fx_path(dir, "nohdr.pgm"), nohdr, strlen(nohdr));
    check_refused("nohdr.pgm", FG_EFORMAT, "truncated PNM header");
}

static void test_not_images(void)
{
    fx_write_bytes(fx_path(dir, "empty.jpg"), "", 0);
    check_refused("empty.jpg", FG_EFORMAT, "empty file");
    const char *html = "<html><body>404 not found</body></html>\n";
    fx_write_bytes(fx_path(dir, "page.jpg"), html, strlen(html));
    check_refused("page.jpg", FG_EFORMAT, "not an image (unknown signature 3c 68 74 6d)");
    fx_write_bytes(fx_path(dir, "two.bin"), "\x01\x02", 2);
    check_refused("two.bin", FG_EFORMAT, "unknown signature 01 02");
    fx_write_bytes(fx_path(dir, "img.tif"), "II*\0\x08\0\0\0\0\0\0\0", 12);
    check_refused("img.tif", FG_EFORMAT, "unsupported image format (TIFF)");
    fx_write_bytes(fx_path(dir, "img.webp"), "RIFF\x10\0\0\0WEBPVP8 ", 16);
    check_refused("img.webp", FG_EFORMAT, "unsupported image format (WebP)");
    check_refused("missing.jpg", FG_ENOTFOUND, "cannot open");
    mkdir(fx_path(dir, "folder.jpg"), 0755);
    check_refused("folder.jpg", FG_EIO, "is a folder");
    /* the sniffer on its own */
    CHECK(fg_image_sniff("\xff\xd8\xff\xe0", 4) == FG_IMAGE_JPEG, "JPEG signature");
    CHECK(fg_image_sniff("GIF89a", 6) == FG_IMAGE_GIF, "GIF signature");
    CHECK(fg_image_sniff("P6\n", 3) == FG_IMAGE_PNM, "PNM signature");
    CHECK(fg_image_sniff("P7\n", 3) == FG_IMAGE_UNKNOWN, "P7 is not PNM");
    CHECK(fg_image_sniff("BM this is text, not a bitmap", 29) == FG_IMAGE_UNKNOWN, "BM text");
    CHECK(fg_image_sniff("", 0) == FG_IMAGE_UNKNOWN, "empty");
    /* memory decoding names what it was given */
    fg_image img;
    CHECK_FAILS(fg_image_decode_memory(html, strlen(html), "net:page", 0, &img), FG_EFORMAT, "net:page: not an image");
}

int main(void)
{
    if (fx_tmpdir("fg_test_image_formats", dir, sizeof dir)) return 1;
    test_png();
    test_huge_headers();
    test_gif();
    test_bmp();
    test_pnm();
    test_not_images();
    fx_rmtree(dir);
    return fg_test_done("test_image_formats");
}
