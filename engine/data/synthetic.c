/* The synthetic class-per-folder JPEG set (include/fnegraph/synth.h): class
 * parameters and image synthesis, then the folder writer with its manifest.
 * Cost: O(pixels) per image (two sines and an HSV conversion a pixel, plus
 * the blobs' bounding boxes), then libjpeg's encoder. */
#include "fnegraph/synth.h"
#include "fnegraph/mem.h"
#include "fnegraph/rng.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST ".fnegraph-demo-data"
#define TWO_PI 6.283185307179586

void fg_synth_defaults(fg_synth_options *o)
{
    o->classes = 4;
    o->per_class = 12;
    o->seed = 1;
    o->min_side = 200;
    o->max_side = 400;
    o->quality = 90;
}

static fg_status check_options(const fg_synth_options *o)
{
    if (!o) return FG_FAIL(FG_EINVAL, "synthetic images: null options");
    if (o->classes < 1 || o->classes > 1000)
        return FG_FAIL(FG_EINVAL, "synthetic images: %d classes outside 1..1000", o->classes);
    if (o->per_class < 1 || o->per_class > 100000)
        return FG_FAIL(FG_EINVAL, "synthetic images: %d images a class outside 1..100000", o->per_class);
    if (o->min_side < 16 || o->max_side < o->min_side || o->max_side > 4096)
        return FG_FAIL(FG_EINVAL, "synthetic images: sides %d..%d outside 16..4096", o->min_side, o->max_side);
    if (o->quality < 1 || o->quality > 100)
        return FG_FAIL(FG_EINVAL, "synthetic images: JPEG quality %d outside 1..100", o->quality);
    return FG_OK;
}

typedef struct class_params {
    double hue, sat, val, period, theta, contrast, harm, blob_density, blob_radius, blob_hue;
} class_params;

static double frac(double x) { return x - floor(x); }

static void class_params_of(const fg_synth_options *o, int c, class_params *p)
{
    fg_rng r;
    fg_rng_seed_stream(&r, o->seed, ((uint64_t)c << 32) | 0xFFFFFFFFu);
    p->hue = frac(0.07 + 0.6180339887498949 * c + 0.05 * (fg_rng_uniform(&r) - 0.5));
    p->sat = 0.35 + 0.5 * fg_rng_uniform(&r);
    p->val = 0.45 + 0.35 * fg_rng_uniform(&r);
    p->period = 5.0 * exp(log(8.0) * fg_rng_uniform(&r)); /* 5..40 px */
    p->theta = M_PI * fg_rng_uniform(&r);
    p->contrast = 0.25 + 0.6 * fg_rng_uniform(&r);
    p->harm = 0.6 * fg_rng_uniform(&r);
    p->blob_density = 0.3 + 3.0 * fg_rng_uniform(&r); /* blobs per 10,000 pixels */
    p->blob_radius = 4.0 + 18.0 * fg_rng_uniform(&r);
    p->blob_hue = 0.25 + 0.5 * fg_rng_uniform(&r);
}

static void hsv_to_rgb(double h, double s, double v, double rgb[3])
{
    h = frac(h) * 6.0;
    int i = (int)h;
    double f = h - i, p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
    double r, g, b;
    switch (i) {
    case 0: r = v, g = t, b = p; break;
    case 1: r = q, g = v, b = p; break;
    case 2: r = p, g = v, b = t; break;
    case 3: r = p, g = q, b = v; break;
    case 4: r = t, g = p, b = v; break;
    default: r = v, g = p, b = q; break;
    }
    rgb[0] = r, rgb[1] = g, rgb[2] = b;
}

static double clamp01(double x) { return x < 0 ? 0 : x > 1 ? 1 : x; }

static uint8_t to_u8(double v)
{
    v = v * 255.0 + 0.5;
    return (uint8_t)(v <= 0 ? 0 : v >= 255 ? 255 : (int)v);
}

fg_status fg_synth_image(const fg_synth_options *o, int cls, int index, fg_image *out, unsigned *jpeg_flags)
{
    fg_status st = check_options(o);
    if (st != FG_OK) return st;
    if (!out || cls < 0 || cls >= o->classes || index < 0 || index >= o->per_class)
        return FG_FAIL(FG_EINVAL, "fg_synth_image: no image %d of class %d in a set of %d x %d", index, cls,
                       o->classes, o->per_class);
    class_params cp;
    class_params_of(o, cls, &cp);
    fg_rng r;
    fg_rng_seed_stream(&r, o->seed, ((uint64_t)cls << 32) | (uint64_t)index);
    int span = o->max_side - o->min_side + 1;
    int w = o->min_side + (int)fg_rng_below(&r, (uint64_t)span);
    int h = o->min_side + (int)fg_rng_below(&r, (uint64_t)span);
    st = fg_image_create(w, h, out);
    if (st != FG_OK) return st;
    double hue = cp.hue + 0.025 * fg_rng_normal(&r);
    double period = cp.period * exp(0.1 * fg_rng_normal(&r));
    double theta = cp.theta + 0.15 * fg_rng_normal(&r);
    double phase = TWO_PI * fg_rng_uniform(&r), phase2 = TWO_PI * fg_rng_uniform(&r);
    double gx = 2 * fg_rng_uniform(&r) - 1, gy = 2 * fg_rng_uniform(&r) - 1;
    double kx = cos(theta) * TWO_PI / period, ky = sin(theta) * TWO_PI / period;
    for (int y = 0; y < h; y++) {
        uint8_t *px = out->rgb + (size_t)y * (size_t)w * 3;
        for (int x = 0; x < w; x++, px += 3) {
            double t = kx * x + ky * y + phase;
            double g = 0.5 + 0.5 * ((1 - cp.harm) * sin(t) + cp.harm * sin(2 * t + phase2));
            double illum = 1 + 0.25 * (gx * ((double)x / w - 0.5) + gy * ((double)y / h - 0.5));
            double rgb[3];
            hsv_to_rgb(hue + 0.05 * (g - 0.5), cp.sat, clamp01(cp.val * (1 - cp.contrast + cp.contrast * g) * illum), rgb);
            for (int c = 0; c < 3; c++) px[c] = to_u8(rgb[c]);
        }
    }
    double mean_blobs = cp.blob_density * (double)w * (double)h / 10000.0;
    int n_blobs = (int)(mean_blobs * (0.7 + 0.6 * fg_rng_uniform(&r)) + 0.5);
    for (int b = 0; b < n_blobs; b++) {
        double cx = w * fg_rng_uniform(&r), cy = h * fg_rng_uniform(&r);
        double rad = cp.blob_radius * (0.6 + 0.8 * fg_rng_uniform(&r));
        double col[3];
        hsv_to_rgb(hue + cp.blob_hue + 0.05 * fg_rng_normal(&r), clamp01(cp.sat + 0.2), 0.3 + 0.6 * fg_rng_uniform(&r), col);
        int x0 = (int)floor(cx - rad), x1 = (int)ceil(cx + rad), y0 = (int)floor(cy - rad), y1 = (int)ceil(cy + rad);
        if (x0 < 0) x0 = 0;
        if (y0 < 0) y0 = 0;
        if (x1 > w - 1) x1 = w - 1;
        if (y1 > h - 1) y1 = h - 1;
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++) {
                double dx = (x + 0.5 - cx) / rad, dy = (y + 0.5 - cy) / rad, d2 = dx * dx + dy * dy;
                if (d2 >= 1) continue;
                double a = 1 - d2 * d2;
                uint8_t *px = out->rgb + ((size_t)y * (size_t)w + (size_t)x) * 3;
                for (int c = 0; c < 3; c++) px[c] = to_u8((1 - a) * px[c] / 255.0 + a * col[c]);
            }
    }
    /* per-pixel noise: triangular, standard deviation about 5 levels */
    size_t n = (size_t)w * (size_t)h * 3;
    for (size_t i = 0; i < n; i += 3) {
        uint64_t bits = fg_rng_next(&r);
        for (int c = 0; c < 3; c++, bits >>= 16) {
            int noise = ((int)(bits & 0xff) + (int)((bits >> 8) & 0xff) - 255) / 20;
            int v = out->rgb[i + (size_t)c] + noise;
            out->rgb[i + (size_t)c] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
    int k = cls * o->per_class + index;
    if (jpeg_flags) *jpeg_flags = (k % 5 == 2 ? FG_JPEG_PROGRESSIVE : 0u) | (k % 7 == 3 ? FG_JPEG_GRAYSCALE : 0u);
    return FG_OK;
}

static int digits(int n)
{
    int d = 1;
    while (n >= 10) n /= 10, d++;
    return d;
}

void fg_synth_class_name(int cls, int n, char *buf, size_t size)
{
    int d = digits(n > 1 ? n - 1 : 1);
    snprintf(buf, size, "class_%0*d", d < 2 ? 2 : d, cls);
}

/* snprintf into a path buffer; a path that does not fit is an error. */
static fg_status fmt_path(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static fg_status fmt_path(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= size) return FG_FAIL(FG_EINVAL, "%.200s...: path too long", buf);
    return FG_OK;
}

static fg_status mkdir_p(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n >= sizeof buf) return FG_FAIL(FG_EINVAL, "%s: path too long", path);
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0') continue;
        char keep = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return FG_FAIL(FG_EIO, "%s: cannot create folder: %s", buf, strerror(errno));
        buf[i] = keep;
    }
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) return FG_FAIL(FG_EIO, "%s: not a folder", path);
    return FG_OK;
}

/* The first entry of dir other than "." and ".." (and the manifest when
 * skip_manifest), into name; false when there is none. */
static bool first_entry(const char *dir, bool skip_manifest, char *name, size_t size)
{
    DIR *d = opendir(dir);
    if (!d) return false;
    struct dirent *e;
    bool found = false;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (skip_manifest && !strcmp(e->d_name, MANIFEST)) continue;
        snprintf(name, size, "%s", e->d_name);
        found = true;
        break;
    }
    closedir(d);
    return found;
}

/* A manifest line names "<class>/<file>": no '/' at either end, exactly one
 * '/', no "." or ".." component. */
static bool safe_entry(const char *s)
{
    const char *slash = strchr(s, '/');
    if (!slash || slash == s || !slash[1] || strchr(slash + 1, '/')) return false;
    if (s[0] == '.' || slash[1] == '.') return false;
    return true;
}

/* Remove the files an earlier run listed in dir's manifest, then their
 * folders when empty, then the manifest. */
static fg_status remove_previous(const char *dir)
{
    char path[4096], line[1024];
    snprintf(path, sizeof path, "%s/%s", dir, MANIFEST);
    FILE *f = fopen(path, "r");
    if (!f) return FG_OK;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#' || !safe_entry(line)) continue;
        char file[4096];
        snprintf(file, sizeof file, "%s/%s", dir, line);
        if (unlink(file) != 0 && errno != ENOENT) {
            fg_status st = FG_FAIL(FG_EIO, "%s: cannot remove the earlier demo image: %s", file, strerror(errno));
            fclose(f);
            return st;
        }
        *strchr(line, '/') = '\0';
        snprintf(file, sizeof file, "%s/%s", dir, line);
        rmdir(file); /* fails, harmlessly, until the folder is empty */
    }
    fclose(f);
    unlink(path);
    return FG_OK;
}

static fg_status prepare_dir(const char *dir)
{
    fg_status st = mkdir_p(dir);
    if (st != FG_OK) return st;
    char name[256], path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, MANIFEST);
    struct stat sb;
    bool ours = stat(path, &sb) == 0;
    if (!ours && first_entry(dir, false, name, sizeof name))
        return FG_FAIL(FG_EINVAL, "%s: folder is not empty (it holds '%s') and was not written by demo-data; "
                       "choose another output folder", dir, name);
    if (ours) st = remove_previous(dir);
    if (st == FG_OK && first_entry(dir, true, name, sizeof name))
        return FG_FAIL(FG_EINVAL, "%s: holds '%s', which demo-data did not write; move it away or choose "
                       "another output folder", dir, name);
    return st;
}

fg_status fg_synth_write(const char *dir, const fg_synth_options *o, fg_synth_progress_fn progress,
                         void *ctx, fg_synth_report *report)
{
    fg_status st = check_options(o);
    fg_image img = {0};
    FILE *man = NULL;
    char path[4096], cname[64], mpath[4096];
    if (st != FG_OK) return st;
    if (!dir || !*dir) return FG_FAIL(FG_EINVAL, "demo-data: no output folder");
    if (strlen(dir) > 3000) return FG_FAIL(FG_EINVAL, "%s: path too long", dir);
    fg_synth_report rep = {0};
    rep.min_width = rep.min_height = o->max_side;
    FG_CHECK_GOTO(st, prepare_dir(dir));
    /* the manifest first, listing every file to come, so that a run killed
     * halfway leaves a folder the next run may clean */
    FG_CHECK_GOTO(st, fmt_path(mpath, sizeof mpath, "%s/%s", dir, MANIFEST));
    man = fopen(mpath, "w");
    if (!man) {
        st = FG_FAIL(FG_EIO, "%s: cannot create: %s", mpath, strerror(errno));
        goto done;
    }
    fprintf(man, "# fnegraph demo-data: synthetic images (not photographs), seed %llu, %d classes x %d\n",
            (unsigned long long)o->seed, o->classes, o->per_class);
    int fd = digits(o->per_class > 1 ? o->per_class - 1 : 1);
    if (fd < 3) fd = 3;
    for (int c = 0; c < o->classes; c++) {
        fg_synth_class_name(c, o->classes, cname, sizeof cname);
        for (int j = 0; j < o->per_class; j++) fprintf(man, "%s/%s_%0*d.jpg\n", cname, cname, fd, j);
    }
    if (fclose(man) != 0) {
        man = NULL;
        st = FG_FAIL(FG_EIO, "%s: write failed: %s", mpath, strerror(errno));
        goto done;
    }
    man = NULL;
    int64_t total = (int64_t)o->classes * o->per_class;
    for (int c = 0; c < o->classes; c++) {
        fg_synth_class_name(c, o->classes, cname, sizeof cname);
        FG_CHECK_GOTO(st, fmt_path(path, sizeof path, "%s/%s", dir, cname));
        FG_CHECK_GOTO(st, mkdir_p(path));
        for (int j = 0; j < o->per_class; j++) {
            unsigned flags;
            FG_CHECK_GOTO(st, fg_synth_image(o, c, j, &img, &flags));
            FG_CHECK_GOTO(st, fmt_path(path, sizeof path, "%s/%s/%s_%0*d.jpg", dir, cname, cname, fd, j));
            FG_CHECK_GOTO(st, fg_image_write_jpeg(path, &img, o->quality, flags));
            struct stat sb;
            if (stat(path, &sb) == 0) rep.bytes += (int64_t)sb.st_size;
            rep.images++;
            rep.progressive += (flags & FG_JPEG_PROGRESSIVE) != 0;
            rep.grayscale += (flags & FG_JPEG_GRAYSCALE) != 0;
            if (img.width < rep.min_width) rep.min_width = img.width;
            if (img.width > rep.max_width) rep.max_width = img.width;
            if (img.height < rep.min_height) rep.min_height = img.height;
            if (img.height > rep.max_height) rep.max_height = img.height;
            fg_image_destroy(&img);
            if (progress) progress(ctx, rep.images, total);
        }
    }
done:
    if (man) fclose(man);
    fg_image_destroy(&img);
    if (report) *report = rep;
    return st;
}
