/* JPEG decoding: baseline, progressive, grayscale, CMYK with and without
 * the Adobe marker (Photoshop's inverted convention), YCCK, DCT scaling,
 * truncated and corrupt data, absurd sizes, tolerated warnings; and the
 * writer (options, determinism). Files come from libjpeg directly (the
 * fixtures) or from fg_image_write_jpeg; decoded pixels are compared with
 * what was written within a JPEG tolerance. */
#include "fg_test.h"
#include "img_fixtures.h"
#include "fnegraph/image.h"
#include "fnegraph/mem.h"

#include <stdlib.h>
#include <string.h>

static char dir[4096];

typedef struct err_stats {
    double mean;
    int max;
} err_stats;

static err_stats diff_stats(const uint8_t *a, const uint8_t *b, size_t n)
{
    err_stats s = {0, 0};
    for (size_t i = 0; i < n; i++) {
        int d = abs((int)a[i] - (int)b[i]);
        s.mean += d;
        if (d > s.max) s.max = d;
    }
    s.mean /= (double)n;
    return s;
}

/* Decode and compare with expected RGB within (mean, max) absolute error. */
static void check_close(const char *name, int hint, int w, int h, const uint8_t *exp, double mean_tol, int max_tol)
{
    fg_image img;
    fg_status st = fg_image_decode_file(fx_path(dir, name), hint, &img);
    CHECK(st == FG_OK, "%s: %s", name, fg_last_error());
    if (st != FG_OK) return;
    CHECK(img.format == FG_IMAGE_JPEG, "%s: format %s", name, fg_image_format_name(img.format));
    CHECK(img.width == w && img.height == h, "%s: %dx%d, expected %dx%d", name, img.width, img.height, w, h);
    if (img.width == w && img.height == h) {
        err_stats e = diff_stats(img.rgb, exp, (size_t)w * h * 3);
        CHECK(e.mean <= mean_tol && e.max <= max_tol, "%s: mean |error| %.3f (<= %.2f), max %d (<= %d)", name,
              e.mean, mean_tol, e.max, max_tol);
        printf("  %-22s %4dx%-4d mean |err| %.3f, max %d\n", name, w, h, e.mean, e.max);
    }
    fg_image_destroy(&img);
}

static void check_refused(const char *name, const char *needle)
{
    fg_image img;
    const char *path = fx_path(dir, name);
    fg_error_clear();
    fg_status st = fg_image_decode_file(path, 0, &img);
    CHECK(st == FG_EFORMAT, "%s: status %s (%s)", name, fg_status_str(st), fg_last_error());
    CHECK(strstr(fg_last_error(), path) && strstr(fg_last_error(), needle), "%s: message '%s' lacks the path or '%s'",
          name, fg_last_error(), needle);
    CHECK(img.rgb == NULL, "%s: output not zeroed", name);
}

/* Offset of marker 0xFF m in a JPEG file, or -1. */
static long find_marker(const uint8_t *p, size_t n, uint8_t m)
{
    for (size_t i = 2; i + 1 < n; i++)
        if (p[i] == 0xFF && p[i + 1] == m) return (long)i;
    return -1;
}

static int components_of(const char *name)
{
    size_t n;
    uint8_t *p = fx_read_file(fx_path(dir, name), &n);
    if (!p) return -1;
    long at = find_marker(p, n, 0xC0);
    if (at < 0) at = find_marker(p, n, 0xC2);
    int c = at >= 0 && (size_t)at + 9 < n ? p[at + 9] : -1;
    free(p);
    return c;
}

static int is_progressive(const char *name)
{
    size_t n;
    uint8_t *p = fx_read_file(fx_path(dir, name), &n);
    if (!p) return -1;
    int prog = find_marker(p, n, 0xC2) >= 0 && find_marker(p, n, 0xC0) < 0;
    free(p);
    return prog;
}

static void test_rgb_and_gray(void)
{
    enum { W = 96, H = 72 };
    fg_image img;
    CHECK_OK(fg_image_create(W, H, &img));
    fx_smooth_rgb(W, H, 3, img.rgb);
    CHECK_OK(fg_image_write_jpeg(fx_path(dir, "base.jpg"), &img, 95, 0));
    CHECK_OK(fg_image_write_jpeg(fx_path(dir, "prog.jpg"), &img, 95, FG_JPEG_PROGRESSIVE));
    CHECK(is_progressive("base.jpg") == 0 && is_progressive("prog.jpg") == 1, "progressive flag not honoured");
    check_close("base.jpg", 0, W, H, img.rgb, 1.0, 8);
    check_close("prog.jpg", 0, W, H, img.rgb, 1.0, 8);
    /* the same file decodes to the same pixels whether baseline or progressive (same quantisation) */
    fg_image a, b;
    CHECK_OK(fg_image_decode_file(fx_path(dir, "base.jpg"), 0, &a));
    CHECK_OK(fg_image_decode_file(fx_path(dir, "prog.jpg"), 0, &b));
    if (a.rgb && b.rgb) CHECK(!memcmp(a.rgb, b.rgb, (size_t)W * H * 3), "baseline and progressive decode differently");
    fg_image_destroy(&a);
    fg_image_destroy(&b);
    /* writer determinism */
    CHECK_OK(fg_image_write_jpeg(fx_path(dir, "base2.jpg"), &img, 95, 0));
    size_t n1, n2;
    uint8_t *f1 = fx_read_file(fx_path(dir, "base.jpg"), &n1), *f2 = fx_read_file(fx_path(dir, "base2.jpg"), &n2);
    CHECK(f1 && f2 && n1 == n2 && !memcmp(f1, f2, n1), "the JPEG writer is not deterministic");
    free(f1);
    free(f2);
    /* grayscale: written by libjpeg from gray samples, and by our writer from gray RGB */
    uint8_t gray[W * H], exp[W * H * 3];
    for (int i = 0; i < W * H; i++) {
        gray[i] = img.rgb[3 * i + 1];
        exp[3 * i] = exp[3 * i + 1] = exp[3 * i + 2] = gray[i];
        img.rgb[3 * i] = img.rgb[3 * i + 2] = gray[i];
    }
    CHECK(!fx_write_jpeg_gray(fx_path(dir, "gray.jpg"), W, H, gray, 0, 95), "write");
    CHECK(!fx_write_jpeg_gray(fx_path(dir, "gray_prog.jpg"), W, H, gray, 1, 95), "write");
    CHECK_OK(fg_image_write_jpeg(fx_path(dir, "gray_ours.jpg"), &img, 95, FG_JPEG_GRAYSCALE | FG_JPEG_PROGRESSIVE));
    CHECK(components_of("gray.jpg") == 1 && components_of("gray_ours.jpg") == 1, "grayscale JPEGs must have 1 component");
    check_close("gray.jpg", 0, W, H, exp, 0.5, 3);
    check_close("gray_prog.jpg", 0, W, H, exp, 0.5, 3);
    check_close("gray_ours.jpg", 0, W, H, exp, 0.5, 3);
    /* writer argument errors */
    CHECK_FAILS(fg_image_write_jpeg(fx_path(dir, "bad.jpg"), &img, 0, 0), FG_EINVAL, "quality 0");
    CHECK_FAILS(fg_image_write_jpeg(fx_path(dir, "bad.jpg"), &img, 90, 8), FG_EINVAL, "unknown JPEG flags");
    CHECK_FAILS(fg_image_write_jpeg("/nonexistent-dir/x.jpg", &img, 90, 0), FG_EIO, "/nonexistent-dir/x.jpg");
    fg_image_destroy(&img);
}

static uint8_t mul255(int a, int b) { return (uint8_t)((a * b + 127) / 255); }

static void test_cmyk(void)
{
    enum { W = 64, H = 48, N = W * H };
    uint8_t rgb[N * 3], ink[N * 4], stored[N * 4], exp[N * 3];
    fx_smooth_rgb(W, H, 5, rgb);
    for (int i = 0; i < N; i++) {
        /* ink from a picture: C, M, Y from the colours, K a smooth ramp */
        ink[4 * i] = (uint8_t)(255 - rgb[3 * i]);
        ink[4 * i + 1] = (uint8_t)(255 - rgb[3 * i + 1]);
        ink[4 * i + 2] = (uint8_t)(255 - rgb[3 * i + 2]);
        ink[4 * i + 3] = (uint8_t)(i % W);
        for (int c = 0; c < 4; c++) stored[4 * i + c] = (uint8_t)(255 - ink[4 * i + c]);
        for (int c = 0; c < 3; c++) exp[3 * i + c] = mul255(255 - ink[4 * i + c], 255 - ink[4 * i + 3]);
    }
    /* Photoshop style: Adobe marker, inverted values, as CMYK and as YCCK */
    CHECK(!fx_write_jpeg_cmyk(fx_path(dir, "cmyk_adobe.jpg"), W, H, stored, 0, 1, 95), "write");
    CHECK(!fx_write_jpeg_cmyk(fx_path(dir, "ycck_adobe.jpg"), W, H, stored, 1, 1, 95), "write");
    /* no Adobe marker: plain ink values */
    CHECK(!fx_write_jpeg_cmyk(fx_path(dir, "cmyk_plain.jpg"), W, H, ink, 0, 0, 95), "write");
    CHECK(components_of("cmyk_adobe.jpg") == 4 && components_of("ycck_adobe.jpg") == 4, "4 components expected");
    check_close("cmyk_adobe.jpg", 0, W, H, exp, 1.5, 10);
    check_close("ycck_adobe.jpg", 0, W, H, exp, 1.5, 10);
    check_close("cmyk_plain.jpg", 0, W, H, exp, 1.5, 10);
    /* the convention matters: read with the wrong one, colours are far off */
    CHECK(!fx_write_jpeg_cmyk(fx_path(dir, "cmyk_wrong.jpg"), W, H, ink, 0, 1, 95), "write");
    fg_image img;
    CHECK_OK(fg_image_decode_file(fx_path(dir, "cmyk_wrong.jpg"), 0, &img));
    if (img.rgb) {
        err_stats e = diff_stats(img.rgb, exp, (size_t)N * 3);
        CHECK(e.mean > 40, "inverted and plain CMYK decode alike (mean |err| %.1f): the Adobe rule is not applied", e.mean);
    }
    fg_image_destroy(&img);
}

static void test_bad_files(void)
{
    enum { W = 200, H = 150 };
    fg_image img;
    CHECK_OK(fg_image_create(W, H, &img));
    fx_smooth_rgb(W, H, 7, img.rgb);
    CHECK_OK(fg_image_write_jpeg(fx_path(dir, "whole.jpg"), &img, 90, 0));
    CHECK_OK(fg_image_write_jpeg(fx_path(dir, "whole_prog.jpg"), &img, 90, FG_JPEG_PROGRESSIVE));
    size_t n, np;
    uint8_t *p = fx_read_file(fx_path(dir, "whole.jpg"), &n), *pp = fx_read_file(fx_path(dir, "whole_prog.jpg"), &np);
    if (!p || !pp) {
        CHECK(0, "cannot read back the fixtures");
        return;
    }
    fx_write_bytes(fx_path(dir, "cut60.jpg"), p, n * 6 / 10);
    check_refused("cut60.jpg", "truncated JPEG data");
    fx_write_bytes(fx_path(dir, "cut_prog.jpg"), pp, np * 6 / 10);
    check_refused("cut_prog.jpg", "truncated JPEG data");
    fx_write_bytes(fx_path(dir, "no_eoi.jpg"), p, n - 2);
    check_refused("no_eoi.jpg", "truncated JPEG data");
    fx_write_bytes(fx_path(dir, "header_only.jpg"), p, 200);
    check_refused("header_only.jpg", "truncated JPEG data");
    fx_write_bytes(fx_path(dir, "soi_only.jpg"), "\xff\xd8\xff", 3);
    check_refused("soi_only.jpg", "JPEG");
    /* a frame header of impossible length */
    uint8_t junk[300];
    fx_random_bytes(77, junk, sizeof junk);
    junk[0] = 0xFF, junk[1] = 0xD8, junk[2] = 0xFF, junk[3] = 0xC0, junk[4] = 0, junk[5] = 2;
    fx_write_bytes(fx_path(dir, "junk.jpg"), junk, sizeof junk);
    check_refused("junk.jpg", "corrupt JPEG data");
    /* a 12-bit (extended sequential) frame: valid JPEG, not something an 8-bit libjpeg decodes */
    long sof0 = find_marker(p, n, 0xC0);
    if (sof0 > 0) {
        uint8_t *q = malloc(n);
        memcpy(q, p, n);
        q[sof0 + 1] = 0xC1;
        q[sof0 + 4] = 12;
        fx_write_bytes(fx_path(dir, "twelve_bit.jpg"), q, n);
        check_refused("twelve_bit.jpg", "unsupported JPEG variant");
        q[sof0 + 1] = 0xC3, q[sof0 + 4] = 8; /* lossless process */
        fx_write_bytes(fx_path(dir, "lossless.jpg"), q, n);
        check_refused("lossless.jpg", "unsupported JPEG variant");
        free(q);
    }
    /* a size no one should allocate */
    long sof = find_marker(p, n, 0xC0);
    CHECK(sof > 0, "no SOF0 in a baseline file");
    if (sof > 0) {
        uint8_t *q = malloc(n);
        memcpy(q, p, n);
        q[sof + 5] = 0xEA, q[sof + 6] = 0x60; /* height 60000 */
        q[sof + 7] = 0xEA, q[sof + 8] = 0x60; /* width 60000 */
        fx_write_bytes(fx_path(dir, "huge.jpg"), q, n);
        check_refused("huge.jpg", "too large");
        free(q);
    }
    /* tolerated: two extraneous bytes before SOS (libjpeg warns, decodes all) */
    long sos = find_marker(p, n, 0xDA);
    if (sos > 0) {
        uint8_t *q = malloc(n + 2);
        memcpy(q, p, (size_t)sos);
        q[sos] = 0x12, q[sos + 1] = 0x34;
        memcpy(q + sos + 2, p + sos, n - (size_t)sos);
        fx_write_bytes(fx_path(dir, "extraneous.jpg"), q, n + 2);
        fg_image a, b;
        CHECK_OK(fg_image_decode_file(fx_path(dir, "extraneous.jpg"), 0, &a));
        CHECK_OK(fg_image_decode_file(fx_path(dir, "whole.jpg"), 0, &b));
        CHECK(a.rgb && b.rgb && !memcmp(a.rgb, b.rgb, (size_t)W * H * 3), "a recoverable warning changed the pixels");
        fg_image_destroy(&a);
        fg_image_destroy(&b);
        free(q);
    }
    free(p);
    free(pp);
    fg_image_destroy(&img);
}

/* DCT scaling: the reduction chosen, and the network input it gives against
 * a full decode resized the same way. */
static void test_dct_scaling(void)
{
    enum { W = 1000, H = 760 };
    fg_image img, full, red;
    CHECK_OK(fg_image_create(W, H, &img));
    fx_smooth_rgb(W, H, 11, img.rgb);
    CHECK_OK(fg_image_write_jpeg(fx_path(dir, "big.jpg"), &img, 92, 0));
    CHECK_OK(fg_image_write_jpeg(fx_path(dir, "big_prog.jpg"), &img, 92, FG_JPEG_PROGRESSIVE));
    fg_image_destroy(&img);
    static const struct { int hint, denom, w, h; } cases[] = {
        {0, 1, 1000, 760}, {224, 2, 500, 380}, {256, 2, 500, 380}, {380, 2, 500, 380},
        {381, 1, 1000, 760}, {190, 4, 250, 190}, {95, 8, 125, 95}, {2000, 1, 1000, 760}};
    for (int k = 0; k < 8; k++) {
        CHECK_OK(fg_image_decode_file(fx_path(dir, "big.jpg"), cases[k].hint, &red));
        CHECK(red.scale_denom == cases[k].denom && red.width == cases[k].w && red.height == cases[k].h &&
                  red.src_width == W && red.src_height == H,
              "hint %d: 1/%d -> %dx%d (source %dx%d), expected 1/%d -> %dx%d", cases[k].hint, red.scale_denom,
              red.width, red.height, red.src_width, red.src_height, cases[k].denom, cases[k].w, cases[k].h);
        fg_image_destroy(&red);
    }
    float *a = fg_alloc(FG_INPUT_SIZE * FG_INPUT_SIZE * 3, sizeof *a), *b = fg_alloc(FG_INPUT_SIZE * FG_INPUT_SIZE * 3, sizeof *b);
    const char *files[2] = {"big.jpg", "big_prog.jpg"};
    for (int f = 0; f < 2; f++)
        for (int mode = 0; mode < 2; mode++) {
            fg_resize_mode m = mode ? FG_RESIZE_CROP : FG_RESIZE_DIRECT;
            CHECK_OK(fg_image_decode_file(fx_path(dir, files[f]), 0, &full));
            CHECK_OK(fg_image_decode_file(fx_path(dir, files[f]), fg_resize_min_side(m), &red));
            CHECK(red.scale_denom == 2, "%s: expected a 1/2 reduction for %s", files[f], fg_resize_mode_name(m));
            CHECK_OK(fg_image_to_input(&full, m, FG_PREPROCESS_RAW, a));
            CHECK_OK(fg_image_to_input(&red, m, FG_PREPROCESS_RAW, b));
            double mean = 0, mx = 0;
            for (int i = 0; i < FG_INPUT_SIZE * FG_INPUT_SIZE * 3; i++) {
                double d = fabs((double)a[i] - b[i]);
                mean += d;
                if (d > mx) mx = d;
            }
            mean /= FG_INPUT_SIZE * FG_INPUT_SIZE * 3;
            printf("  DCT 1/2 vs full decode, %s, %s: mean |diff| %.3f, max %.2f (0..255)\n", files[f],
                   fg_resize_mode_name(m), mean, mx);
            CHECK(mean < 0.5 && mx < 4, "DCT-scaled input differs from the full decode: mean %.3f, max %.2f", mean, mx);
            fg_image_destroy(&full);
            fg_image_destroy(&red);
        }
    fg_free(a);
    fg_free(b);
}

int main(void)
{
    if (fx_tmpdir("fg_test_image_jpeg", dir, sizeof dir)) return 1;
    test_rgb_and_gray();
    test_cmyk();
    test_bad_files();
    test_dct_scaling();
    fx_rmtree(dir);
    return fg_test_done("test_image_jpeg");
}
