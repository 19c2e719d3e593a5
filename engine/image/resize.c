/* Bilinear resampling and the network input (docs/method.md §3).
 *
 * Convention: half-pixel centres, as OpenCV's INTER_LINEAR and PyTorch's
 * interpolate(align_corners=False): output pixel d of a side resized from S
 * to R samples the source at s = (d + 0.5) * S / R - 0.5; i = floor(s) and
 * the weight of pixel i + 1 is s - i; s < 0 clamps to pixel 0 and
 * i >= S - 1 to pixel S - 1 (both with weight 0 on the neighbour). No
 * anti-aliasing prefilter. The values stay in float (no rounding to 8 bits
 * between resize and preprocessing).
 * Separable: each needed source row is interpolated horizontally once (two
 * rows cached), then rows are blended vertically. Cost O(out_w * out_h) plus
 * O(out_w) per distinct source row, independent of the source size. */
#include "image_internal.h"
#include "fnegraph/mem.h"

#include <math.h>
#include <string.h>

typedef struct tap {
    int i0, i1;
    float w1; /* weight of i1; i0 gets 1 - w1 */
} tap;

static void make_taps(int src, int resized, int offset, int n, tap *t)
{
    double scale = (double)src / (double)resized;
    for (int d = 0; d < n; d++) {
        double s = ((double)(d + offset) + 0.5) * scale - 0.5;
        int i = (int)floor(s);
        double f = s - i;
        if (i < 0) {
            i = 0;
            f = 0;
        }
        if (i >= src - 1) {
            i = src - 1;
            f = 0;
        }
        t[d].i0 = i;
        t[d].i1 = i + 1 < src ? i + 1 : src - 1;
        t[d].w1 = (float)f;
    }
}

/* How output channels are made from the interpolated R, G, B. */
typedef struct chan_map {
    int src[3];    /* which of R, G, B feeds output channel c */
    float bias[3]; /* subtracted */
} chan_map;

static const chan_map MAP_RGB = {{0, 1, 2}, {0, 0, 0}};
static const chan_map MAP_CAFFE = {{2, 1, 0}, {FG_CAFFE_MEAN_B, FG_CAFFE_MEAN_G, FG_CAFFE_MEAN_R}};

static void hpass(const uint8_t *row, const tap *tx, int ow, float *out)
{
    for (int x = 0; x < ow; x++, out += 3) {
        const uint8_t *a = row + 3 * tx[x].i0, *b = row + 3 * tx[x].i1;
        float w1 = tx[x].w1, w0 = 1.0f - w1;
        out[0] = w0 * a[0] + w1 * b[0];
        out[1] = w0 * a[1] + w1 * b[1];
        out[2] = w0 * a[2] + w1 * b[2];
    }
}

/* Resample img as if resized to rw x rh, keeping the ow x oh window at
 * (x0, y0), into out[oh][ow][3] mapped through m. */
static fg_status resample(const fg_image *img, int rw, int rh, int x0, int y0, int ow, int oh,
                          const chan_map *m, float *out)
{
    fg_status st = FG_OK;
    tap *tx = fg_alloc((size_t)ow, sizeof *tx), *ty = fg_alloc((size_t)oh, sizeof *ty);
    float *buf = fg_alloc((size_t)ow * 3, 2 * sizeof *buf);
    if (!tx || !ty || !buf) {
        st = FG_FAIL(FG_ENOMEM, "out of memory resizing a %dx%d image", img->width, img->height);
        goto done;
    }
    make_taps(img->width, rw, x0, ow, tx);
    make_taps(img->height, rh, y0, oh, ty);
    float *rows[2] = {buf, buf + (size_t)ow * 3};
    int cached[2] = {-1, -1};
    size_t stride = (size_t)img->width * 3;
    for (int y = 0; y < oh; y++) {
        int n0 = ty[y].i0, n1 = ty[y].i1;
        int s0 = cached[0] == n0 ? 0 : cached[1] == n0 ? 1 : -1;
        if (s0 < 0) {
            s0 = cached[0] == n1 ? 1 : 0; /* do not evict the other row we need */
            hpass(img->rgb + (size_t)n0 * stride, tx, ow, rows[s0]);
            cached[s0] = n0;
        }
        int s1 = cached[0] == n1 ? 0 : cached[1] == n1 ? 1 : -1;
        if (s1 < 0) {
            s1 = 1 - s0;
            hpass(img->rgb + (size_t)n1 * stride, tx, ow, rows[s1]);
            cached[s1] = n1;
        }
        const float *h[2] = {rows[s0], rows[s1]};
        float w1 = ty[y].w1, w0 = 1.0f - w1;
        float *o = out + (size_t)y * (size_t)ow * 3;
        for (int x = 0; x < ow; x++, o += 3) {
            const float *a = h[0] + 3 * x, *b = h[1] + 3 * x;
            for (int c = 0; c < 3; c++) {
                int s = m->src[c];
                o[c] = (w0 * a[s] + w1 * b[s]) - m->bias[c];
            }
        }
    }
done:
    fg_free(tx);
    fg_free(ty);
    fg_free(buf);
    return st;
}

static fg_status check_src(const char *fn, const fg_image *img, const void *out)
{
    if (!img || !out || !img->rgb) return FG_FAIL(FG_EINVAL, "%s: null argument", fn);
    if (img->width <= 0 || img->height <= 0)
        return FG_FAIL(FG_EINVAL, "%s: empty image %dx%d", fn, img->width, img->height);
    return FG_OK;
}

fg_status fg_image_resize_f32(const fg_image *img, int out_w, int out_h, float *out)
{
    fg_status st = check_src("fg_image_resize_f32", img, out);
    if (st != FG_OK) return st;
    if (out_w <= 0 || out_h <= 0 || out_w > FG_IMAGE_MAX_SIDE || out_h > FG_IMAGE_MAX_SIDE)
        return FG_FAIL(FG_EINVAL, "fg_image_resize_f32: bad output size %dx%d", out_w, out_h);
    return resample(img, out_w, out_h, 0, 0, out_w, out_h, &MAP_RGB, out);
}

fg_status fg_image_resize(const fg_image *img, int out_w, int out_h, fg_image *out)
{
    fg_status st = check_src("fg_image_resize", img, out);
    float *f = NULL;
    if (st != FG_OK) return st;
    memset(out, 0, sizeof *out);
    FG_CHECK_GOTO(st, fg_image_create(out_w, out_h, out));
    f = fg_alloc((size_t)out_w * (size_t)out_h * 3, sizeof *f);
    if (!f) {
        st = FG_FAIL(FG_ENOMEM, "out of memory resizing to %dx%d", out_w, out_h);
        goto done;
    }
    FG_CHECK_GOTO(st, resample(img, out_w, out_h, 0, 0, out_w, out_h, &MAP_RGB, f));
    for (size_t i = 0; i < (size_t)out_w * (size_t)out_h * 3; i++) {
        float v = f[i] + 0.5f;
        out->rgb[i] = (uint8_t)(v <= 0 ? 0 : v >= 255 ? 255 : (int)v);
    }
done:
    fg_free(f);
    if (st != FG_OK) fg_image_destroy(out);
    return st;
}

int fg_resize_min_side(fg_resize_mode mode) { return mode == FG_RESIZE_CROP ? FG_CROP_SHORT_SIDE : FG_INPUT_SIZE; }

void fg_resize_geometry(int width, int height, fg_resize_mode mode, int *rw, int *rh, int *x0, int *y0)
{
    int w = FG_INPUT_SIZE, h = FG_INPUT_SIZE;
    if (mode == FG_RESIZE_CROP && width > 0 && height > 0) {
        if (width <= height) {
            w = FG_CROP_SHORT_SIDE;
            h = (int)((int64_t)FG_CROP_SHORT_SIDE * height / width);
        } else {
            h = FG_CROP_SHORT_SIDE;
            w = (int)((int64_t)FG_CROP_SHORT_SIDE * width / height);
        }
    }
    *rw = w;
    *rh = h;
    *x0 = (w - FG_INPUT_SIZE) / 2;
    *y0 = (h - FG_INPUT_SIZE) / 2;
}

fg_status fg_image_to_input(const fg_image *img, fg_resize_mode mode, fg_preprocess pre, float *out)
{
    fg_status st = check_src("fg_image_to_input", img, out);
    if (st != FG_OK) return st;
    if (mode != FG_RESIZE_DIRECT && mode != FG_RESIZE_CROP)
        return FG_FAIL(FG_EINVAL, "fg_image_to_input: unknown resize mode %d", (int)mode);
    if (pre != FG_PREPROCESS_CAFFE && pre != FG_PREPROCESS_RAW)
        return FG_FAIL(FG_EINVAL, "fg_image_to_input: unknown preprocessing %d", (int)pre);
    int rw, rh, x0, y0;
    fg_resize_geometry(img->width, img->height, mode, &rw, &rh, &x0, &y0);
    return resample(img, rw, rh, x0, y0, FG_INPUT_SIZE, FG_INPUT_SIZE,
                    pre == FG_PREPROCESS_CAFFE ? &MAP_CAFFE : &MAP_RGB, out);
}

fg_status fg_image_file_to_input(const char *path, fg_resize_mode mode, fg_preprocess pre, float *out)
{
    fg_image img;
    fg_status st = fg_image_decode_file(path, fg_resize_min_side(mode), &img);
    if (st != FG_OK) return st;
    st = fg_image_to_input(&img, mode, pre, out);
    fg_image_destroy(&img);
    return st;
}

fg_status fg_resize_mode_parse(const char *s, fg_resize_mode *out)
{
    if (s && !strcmp(s, "direct")) *out = FG_RESIZE_DIRECT;
    else if (s && !strcmp(s, "crop")) *out = FG_RESIZE_CROP;
    else return FG_FAIL(FG_EINVAL, "unknown resize mode '%s' (expected direct or crop)", s ? s : "(null)");
    return FG_OK;
}

const char *fg_resize_mode_name(fg_resize_mode m) { return m == FG_RESIZE_CROP ? "crop" : m == FG_RESIZE_DIRECT ? "direct" : "unknown"; }

fg_status fg_preprocess_parse(const char *s, fg_preprocess *out)
{
    if (s && !strcmp(s, "caffe")) *out = FG_PREPROCESS_CAFFE;
    else if (s && !strcmp(s, "raw")) *out = FG_PREPROCESS_RAW;
    else return FG_FAIL(FG_EINVAL, "unknown preprocessing '%s' (expected caffe or raw)", s ? s : "(null)");
    return FG_OK;
}

const char *fg_preprocess_name(fg_preprocess p) { return p == FG_PREPROCESS_RAW ? "raw" : p == FG_PREPROCESS_CAFFE ? "caffe" : "unknown"; }
