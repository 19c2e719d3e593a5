/* Resize and preprocessing: bilinear values computed by hand on tiny images,
 * the crop geometry, the caffe/raw mapping, an independent double-precision
 * implementation of the documented formula on random images (both resize
 * modes), and numpy (through /usr/bin/python3, skipped when absent) on random
 * images up and down. */
#include "fg_test.h"
#include "img_fixtures.h"
#include "fnegraph/image.h"
#include "fnegraph/mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { S = FG_INPUT_SIZE, NIN = S * S * 3 };

static fg_image make(int w, int h, const uint8_t *rgb)
{
    fg_image img;
    if (fg_image_create(w, h, &img) != FG_OK) {
        fprintf(stderr, "cannot create a %dx%d image\n", w, h);
        exit(1);
    }
    memcpy(img.rgb, rgb, (size_t)w * h * 3);
    return img;
}

static void test_hand_values(void)
{
    /* 2x2 -> 4x4: 1-D weights (1, 0), (.75, .25), (.25, .75), (0, 1) */
    uint8_t px[12] = {0, 1, 2, 100, 1, 2, 200, 1, 2, 40, 1, 2};
    static const float want[4][4] = {{0, 25, 75, 100}, {50, 58.75f, 76.25f, 85}, {150, 126.25f, 78.75f, 55}, {200, 160, 80, 40}};
    fg_image img = make(2, 2, px);
    float out[4 * 4 * 3];
    CHECK_OK(fg_image_resize_f32(&img, 4, 4, out));
    for (int y = 0; y < 4; y++)
        for (int x = 0; x < 4; x++) {
            CHECK_NEAR(out[(y * 4 + x) * 3], want[y][x], 1e-4);
            CHECK_NEAR(out[(y * 4 + x) * 3 + 1], 1.0, 1e-6);
            CHECK_NEAR(out[(y * 4 + x) * 3 + 2], 2.0, 1e-6);
        }
    fg_image u8;
    CHECK_OK(fg_image_resize(&img, 4, 4, &u8));
    if (u8.rgb) CHECK(u8.rgb[3 * 5] == 59 && u8.rgb[3 * 6] == 76 && u8.rgb[3 * 9] == 126, "8-bit resize rounds to nearest");
    fg_image_destroy(&u8);
    fg_image_destroy(&img);
    /* 5x1 -> 2x1: s = 0.75 and 3.25 */
    uint8_t row[15] = {10, 0, 0, 20, 0, 0, 30, 0, 0, 40, 0, 0, 50, 0, 0};
    img = make(5, 1, row);
    CHECK_OK(fg_image_resize_f32(&img, 2, 1, out));
    CHECK_NEAR(out[0], 17.5, 1e-4);
    CHECK_NEAR(out[3], 42.5, 1e-4);
    /* same size: the identity, exactly */
    CHECK_OK(fg_image_resize_f32(&img, 5, 1, out));
    for (int i = 0; i < 15; i++) CHECK(out[i] == row[i], "identity resize changed sample %d: %g", i, out[i]);
    fg_image_destroy(&img);
    /* one pixel to the network input: constant, through caffe and raw */
    uint8_t one[3] = {10, 200, 123};
    img = make(1, 1, one);
    float *in = fg_alloc(NIN, sizeof *in);
    CHECK_OK(fg_image_to_input(&img, FG_RESIZE_DIRECT, FG_PREPROCESS_CAFFE, in));
    int bad = 0;
    for (int i = 0; i < S * S; i++)
        bad += fabsf(in[3 * i] - (123 - 103.939f)) > 1e-4f || fabsf(in[3 * i + 1] - (200 - 116.779f)) > 1e-4f ||
               fabsf(in[3 * i + 2] - (10 - 123.68f)) > 1e-4f;
    CHECK(bad == 0, "caffe: %d pixels are not (B - 103.939, G - 116.779, R - 123.68)", bad);
    CHECK_OK(fg_image_to_input(&img, FG_RESIZE_CROP, FG_PREPROCESS_RAW, in));
    bad = 0;
    for (int i = 0; i < S * S; i++) bad += in[3 * i] != 10 || in[3 * i + 1] != 200 || in[3 * i + 2] != 123;
    CHECK(bad == 0, "raw: %d pixels are not (R, G, B)", bad);
    fg_free(in);
    fg_image_destroy(&img);
}

static void test_geometry(void)
{
    static const struct { int w, h, mode, rw, rh, x0, y0; } g[] = {
        {500, 375, 1, 341, 256, 58, 16}, {300, 600, 1, 256, 512, 16, 144}, {256, 256, 1, 256, 256, 16, 16},
        {1000, 10, 1, 25600, 256, 12688, 16}, {500, 375, 0, 224, 224, 0, 0}, {7, 3000, 0, 224, 224, 0, 0}};
    for (int k = 0; k < 6; k++) {
        int rw, rh, x0, y0;
        fg_resize_geometry(g[k].w, g[k].h, (fg_resize_mode)g[k].mode, &rw, &rh, &x0, &y0);
        CHECK(rw == g[k].rw && rh == g[k].rh && x0 == g[k].x0 && y0 == g[k].y0,
              "%dx%d %s: %dx%d at (%d,%d), expected %dx%d at (%d,%d)", g[k].w, g[k].h, g[k].mode ? "crop" : "direct",
              rw, rh, x0, y0, g[k].rw, g[k].rh, g[k].x0, g[k].y0);
    }
    CHECK(fg_resize_min_side(FG_RESIZE_DIRECT) == 224 && fg_resize_min_side(FG_RESIZE_CROP) == 256, "min sides");
}

/* The documented formula in double precision, written independently of
 * resize.c: sample the source as if resized to rw x rh, window at (x0, y0). */
static double ref_sample(const fg_image *img, int rw, int rh, double dx, double dy, int c)
{
    double sx = (dx + 0.5) * img->width / rw - 0.5, sy = (dy + 0.5) * img->height / rh - 0.5;
    double v[2];
    int iy = (int)floor(sy), ix = (int)floor(sx);
    double fy = sy - iy, fx = sx - ix;
    if (iy < 0) iy = 0, fy = 0;
    if (ix < 0) ix = 0, fx = 0;
    if (iy >= img->height - 1) iy = img->height - 1, fy = 0;
    if (ix >= img->width - 1) ix = img->width - 1, fx = 0;
    for (int k = 0; k < 2; k++) {
        int yy = iy + k < img->height ? iy + k : img->height - 1;
        int x1 = ix + 1 < img->width ? ix + 1 : img->width - 1;
        const uint8_t *r = img->rgb + (size_t)yy * img->width * 3;
        v[k] = (1 - fx) * r[3 * ix + c] + fx * r[3 * x1 + c];
    }
    return (1 - fy) * v[0] + fy * v[1];
}

static void test_against_reference(void)
{
    static const int sizes[][2] = {{50, 40}, {500, 375}, {223, 225}, {300, 900}, {3, 2}};
    float *in = fg_alloc(NIN, sizeof *in);
    for (int k = 0; k < 5; k++) {
        int w = sizes[k][0], h = sizes[k][1];
        uint8_t *px = malloc((size_t)w * h * 3);
        fx_random_bytes((uint32_t)(100 + k), px, (size_t)w * h * 3);
        fg_image img = make(w, h, px);
        for (int mode = 0; mode < 2; mode++)
            for (int pre = 0; pre < 2; pre++) {
                /* geometry from the documented rule, computed here */
                int rw = S, rh = S, x0 = 0, y0 = 0;
                if (mode) {
                    if (w <= h) rw = 256, rh = (int)(256.0 * h / w);
                    else rh = 256, rw = (int)(256.0 * w / h);
                    x0 = (rw - S) / 2, y0 = (rh - S) / 2;
                }
                CHECK_OK(fg_image_to_input(&img, (fg_resize_mode)mode, (fg_preprocess)pre, in));
                double worst = 0;
                for (int y = 0; y < S; y++)
                    for (int x = 0; x < S; x++)
                        for (int c = 0; c < 3; c++) {
                            double want;
                            if (pre == FG_PREPROCESS_RAW) {
                                want = ref_sample(&img, rw, rh, x + x0, y + y0, c);
                            } else {
                                static const double mean[3] = {103.939, 116.779, 123.68};
                                want = ref_sample(&img, rw, rh, x + x0, y + y0, 2 - c) - mean[c];
                            }
                            double d = fabs(in[(y * S + x) * 3 + c] - want);
                            if (d > worst) worst = d;
                        }
                CHECK(worst < 2e-3, "%dx%d %s %s: max |diff| to the reference %.3g", w, h, mode ? "crop" : "direct",
                      pre ? "raw" : "caffe", worst);
            }
        fg_image_destroy(&img);
        free(px);
    }
    fg_free(in);
}

static void test_numpy(void)
{
    if (system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0) {
        printf("  numpy part skipped: /usr/bin/python3 with numpy not found (Debian python3-numpy)\n");
        return;
    }
    char dir[4096];
    if (fx_tmpdir("fg_test_image_resize", dir, sizeof dir)) return;
    static const char *script =
        "import numpy as np, sys\n"
        "w, h, ow, oh = map(int, sys.argv[2:6])\n"
        "img = np.fromfile(sys.argv[1], dtype=np.uint8).reshape(h, w, 3).astype(np.float64)\n"
        "def taps(S, R):\n"
        "    s = (np.arange(R) + 0.5) * S / R - 0.5\n"
        "    s = np.clip(s, 0, S - 1)\n"
        "    i0 = np.floor(s).astype(np.int64)\n"
        "    f = s - i0\n"
        "    i1 = np.minimum(i0 + 1, S - 1)\n"
        "    return i0, i1, f\n"
        "x0, x1, fx = taps(w, ow)\n"
        "y0, y1, fy = taps(h, oh)\n"
        "rows = img[y0] * (1 - fy)[:, None, None] + img[y1] * fy[:, None, None]\n"
        "out = rows[:, x0] * (1 - fx)[None, :, None] + rows[:, x1] * fx[None, :, None]\n"
        "out.astype(np.float32).tofile(sys.argv[6])\n";
    char py[4200];
    snprintf(py, sizeof py, "%s/bilinear.py", dir);
    fx_write_bytes(py, script, strlen(script));
    static const int cases[][4] = {{97, 61, 224, 224}, {640, 480, 224, 224}, {500, 375, 341, 256}, {31, 300, 7, 1000}};
    for (int k = 0; k < 4; k++) {
        int w = cases[k][0], h = cases[k][1], ow = cases[k][2], oh = cases[k][3];
        size_t n = (size_t)w * h * 3, no = (size_t)ow * oh * 3;
        uint8_t *px = malloc(n);
        fx_random_bytes((uint32_t)(200 + k), px, n);
        const char *in_path = fx_path(dir, "in.raw"), *out_path = fx_path(dir, "out.f32");
        fx_write_bytes(in_path, px, n);
        char cmd[16384];
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' '%s' %d %d %d %d '%s'", py, in_path, w, h, ow, oh, out_path);
        CHECK(system(cmd) == 0, "numpy script failed: %s", cmd);
        size_t got_n = 0;
        float *want = (float *)fx_read_file(out_path, &got_n);
        CHECK(want && got_n == no * sizeof(float), "numpy output of %zu bytes, expected %zu", got_n, no * sizeof(float));
        if (want && got_n == no * sizeof(float)) {
            fg_image img = make(w, h, px);
            float *out = malloc(no * sizeof *out);
            CHECK_OK(fg_image_resize_f32(&img, ow, oh, out));
            double worst = 0;
            for (size_t i = 0; i < no; i++) worst = fmax(worst, fabs((double)out[i] - want[i]));
            printf("  numpy bilinear %dx%d -> %dx%d: max |diff| %.2g\n", w, h, ow, oh, worst);
            CHECK(worst < 2e-3, "numpy %dx%d -> %dx%d: max |diff| %.3g", w, h, ow, oh, worst);
            free(out);
            fg_image_destroy(&img);
        }
        free(want);
        free(px);
    }
    fx_rmtree(dir);
}

/* fg_image_file_to_input is decode (with the mode's size hint) + to_input */
static void test_file_to_input(void)
{
    char dir[4096];
    if (fx_tmpdir("fg_test_image_resize", dir, sizeof dir)) return;
    fg_image img, dec;
    CHECK_OK(fg_image_create(1200, 700, &img));
    fx_smooth_rgb(1200, 700, 5, img.rgb);
    const char *path = fx_path(dir, "big.jpg");
    CHECK_OK(fg_image_write_jpeg(path, &img, 90, 0));
    float *a = fg_alloc(NIN, sizeof *a), *b = fg_alloc(NIN, sizeof *b);
    for (int mode = 0; mode < 2; mode++) {
        CHECK_OK(fg_image_file_to_input(path, (fg_resize_mode)mode, FG_PREPROCESS_CAFFE, a));
        CHECK_OK(fg_image_decode_file(path, fg_resize_min_side((fg_resize_mode)mode), &dec));
        CHECK(dec.scale_denom == 2, "a 1200x700 JPEG is decoded at 1/2 for %s", mode ? "crop" : "direct");
        CHECK_OK(fg_image_to_input(&dec, (fg_resize_mode)mode, FG_PREPROCESS_CAFFE, b));
        CHECK(!memcmp(a, b, NIN * sizeof *a), "fg_image_file_to_input differs from decode + to_input");
        fg_image_destroy(&dec);
    }
    CHECK_FAILS(fg_image_file_to_input(fx_path(dir, "none.jpg"), FG_RESIZE_DIRECT, FG_PREPROCESS_RAW, a), FG_ENOTFOUND,
                "none.jpg: cannot open");
    fg_free(a);
    fg_free(b);
    fg_image_destroy(&img);
    fx_rmtree(dir);
}

static void test_names_and_errors(void)
{
    fg_resize_mode m;
    fg_preprocess p;
    CHECK_OK(fg_resize_mode_parse("direct", &m));
    CHECK(m == FG_RESIZE_DIRECT, "direct");
    CHECK_OK(fg_resize_mode_parse("crop", &m));
    CHECK(m == FG_RESIZE_CROP, "crop");
    CHECK_OK(fg_preprocess_parse("caffe", &p));
    CHECK(p == FG_PREPROCESS_CAFFE, "caffe");
    CHECK_OK(fg_preprocess_parse("raw", &p));
    CHECK(p == FG_PREPROCESS_RAW, "raw");
    CHECK_FAILS(fg_resize_mode_parse("Crop", &m), FG_EINVAL, "expected direct or crop");
    CHECK_FAILS(fg_preprocess_parse("torch", &p), FG_EINVAL, "expected caffe or raw");
    CHECK(!strcmp(fg_resize_mode_name(FG_RESIZE_CROP), "crop") && !strcmp(fg_preprocess_name(FG_PREPROCESS_CAFFE), "caffe"),
          "names");
    fg_image empty = {0};
    float out[12];
    CHECK_FAILS(fg_image_to_input(&empty, FG_RESIZE_DIRECT, FG_PREPROCESS_CAFFE, out), FG_EINVAL, "null argument");
    CHECK_FAILS(fg_image_create(0, 5, &empty), FG_EINVAL, "size 0x5");
    CHECK_FAILS(fg_image_create(20000, 20000, &empty), FG_EINVAL, "20000x20000");
}

int main(void)
{
    test_hand_values();
    test_geometry();
    test_against_reference();
    test_numpy();
    test_file_to_input();
    test_names_and_errors();
    return fg_test_done("test_image_resize");
}
