/* The synthetic demo set: the same seed writes byte-identical files, another
 * seed different ones; the set reads back through the folder adapter and
 * every file decodes (progressive and grayscale ones where announced); the
 * classes differ in colour (nearest class mean of an image's mean colour is
 * its own class); rewriting a folder replaces only what demo-data wrote;
 * foreign folders and bad options are refused. */
#include "fg_test.h"
#include "img_fixtures.h"
#include "fnegraph/dataset.h"
#include "fnegraph/image.h"
#include "fnegraph/synth.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char dir[4096];

static int same_file(const char *a, const char *b)
{
    size_t na, nb;
    uint8_t *pa = fx_read_file(a, &na), *pb = fx_read_file(b, &nb);
    int same = pa && pb && na == nb && !memcmp(pa, pb, na);
    free(pa);
    free(pb);
    return same;
}

static int progressive_file(const char *path)
{
    size_t n;
    uint8_t *p = fx_read_file(path, &n);
    int prog = 0;
    for (size_t i = 2; p && i + 1 < n; i++)
        if (p[i] == 0xFF && (p[i + 1] == 0xC0 || p[i + 1] == 0xC2)) {
            prog = p[i + 1] == 0xC2;
            break;
        }
    free(p);
    return prog;
}

static void test_reproducible(void)
{
    fg_synth_options o;
    fg_synth_defaults(&o);
    o.classes = 3, o.per_class = 5, o.min_side = 48, o.max_side = 96, o.seed = 42;
    char a[4200], b[4200], c[4200];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b/nested", dir);
    snprintf(c, sizeof c, "%s/c", dir);
    fg_synth_report ra, rb;
    CHECK_OK(fg_synth_write(a, &o, NULL, NULL, &ra));
    CHECK_OK(fg_synth_write(b, &o, NULL, NULL, &rb));
    o.seed = 43;
    CHECK_OK(fg_synth_write(c, &o, NULL, NULL, NULL));
    CHECK(ra.images == 15 && rb.bytes == ra.bytes && ra.progressive == 3 && ra.grayscale == 2,
          "report: %lld images, %lld progressive, %lld grayscale", (long long)ra.images, (long long)ra.progressive,
          (long long)ra.grayscale);
    CHECK(ra.min_width >= 48 && ra.max_width <= 96 && ra.min_height >= 48 && ra.max_height <= 96, "sizes in range");
    fg_dataset da, dc;
    CHECK_OK(fg_dataset_folder(a, &da));
    CHECK_OK(fg_dataset_folder(c, &dc));
    CHECK(da.n == 15 && da.n_classes == 3 && !strcmp(da.class_names[2], "class_02") &&
              !strcmp(da.path[0], "class_00/class_00_000.jpg"),
          "layout: %lld images, %d classes, first '%s'", (long long)da.n, da.n_classes, da.n ? da.path[0] : "-");
    int identical = 1, differ = 0, decoded = 0, prog = 0, gray_ok = 0;
    for (int64_t i = 0; i < da.n; i++) {
        char pb[8192];
        snprintf(pb, sizeof pb, "%s/%s", b, da.path[i]);
        identical &= same_file(da.file[i], pb);
        differ += i < dc.n && !same_file(da.file[i], dc.file[i]);
        fg_image img;
        if (fg_image_decode_file(da.file[i], 0, &img) == FG_OK && img.format == FG_IMAGE_JPEG) {
            decoded++;
            int k = (int)i; /* files are in generation order */
            prog += progressive_file(da.file[i]) == (k % 5 == 2);
            int is_gray = 1;
            for (size_t p = 0; p < (size_t)img.width * img.height; p++)
                is_gray &= img.rgb[3 * p] == img.rgb[3 * p + 1] && img.rgb[3 * p + 1] == img.rgb[3 * p + 2];
            gray_ok += is_gray == (k % 7 == 3);
            fg_image_destroy(&img);
        }
    }
    CHECK(identical, "the same seed wrote different bytes");
    CHECK(differ == 15, "another seed changed only %d of 15 files", differ);
    CHECK(decoded == 15 && prog == 15 && gray_ok == 15, "decoded %d, progressive as announced %d, grayscale as announced %d",
          decoded, prog, gray_ok);
    fg_dataset_destroy(&da);
    fg_dataset_destroy(&dc);

    /* rewriting: the earlier set is replaced, nothing else is touched */
    o.classes = 2, o.per_class = 3;
    CHECK_OK(fg_synth_write(a, &o, NULL, NULL, NULL));
    CHECK_OK(fg_dataset_folder(a, &da));
    CHECK(da.n == 6 && da.n_classes == 2, "after rewrite: %lld images, %d classes", (long long)da.n, da.n_classes);
    fg_dataset_destroy(&da);
    char extra[8192];
    snprintf(extra, sizeof extra, "%s/class_00/mine.txt", a);
    fx_write_bytes(extra, "keep me", 7);
    CHECK_FAILS(fg_synth_write(a, &o, NULL, NULL, NULL), FG_EINVAL, "which demo-data did not write");
    struct stat sb;
    CHECK(stat(extra, &sb) == 0, "a file demo-data did not write was removed");
    char foreign[4200];
    snprintf(foreign, sizeof foreign, "%s/foreign", dir);
    mkdir(foreign, 0755);
    fx_write_bytes(fx_path(foreign, "notes.txt"), "x", 1);
    CHECK_FAILS(fg_synth_write(foreign, &o, NULL, NULL, NULL), FG_EINVAL, "was not written by demo-data");
    CHECK(stat(fx_path(foreign, "notes.txt"), &sb) == 0, "a foreign file was removed");
}

/* The default set: an image's mean colour is nearest to its own class's mean. */
static void test_classes_differ(void)
{
    fg_synth_options o;
    fg_synth_defaults(&o);
    CHECK(o.classes == 4 && o.per_class == 12 && o.seed == 1, "defaults 4 x 12, seed 1");
    enum { C = 4, M = 12 };
    double mean[C][M][3], cls[C][3] = {{0}};
    int n_color[C] = {0};
    unsigned flags[C][M];
    for (int c = 0; c < C; c++)
        for (int j = 0; j < M; j++) {
            fg_image img;
            CHECK_OK(fg_synth_image(&o, c, j, &img, &flags[c][j]));
            double s[3] = {0, 0, 0};
            size_t n = (size_t)img.width * img.height;
            for (size_t p = 0; p < n; p++)
                for (int k = 0; k < 3; k++) s[k] += img.rgb[3 * p + k];
            for (int k = 0; k < 3; k++) mean[c][j][k] = s[k] / (double)n;
            if (!(flags[c][j] & FG_JPEG_GRAYSCALE)) {
                for (int k = 0; k < 3; k++) cls[c][k] += mean[c][j][k];
                n_color[c]++;
            }
            fg_image_destroy(&img);
        }
    for (int c = 0; c < C; c++)
        for (int k = 0; k < 3; k++) cls[c][k] /= n_color[c];
    int right = 0, total = 0;
    for (int c = 0; c < C; c++)
        for (int j = 0; j < M; j++) {
            if (flags[c][j] & FG_JPEG_GRAYSCALE) continue;
            int best = -1;
            double bd = 1e300;
            for (int d = 0; d < C; d++) {
                double e = 0;
                for (int k = 0; k < 3; k++) e += (mean[c][j][k] - cls[d][k]) * (mean[c][j][k] - cls[d][k]);
                if (e < bd) bd = e, best = d;
            }
            right += best == c;
            total++;
        }
    printf("  nearest class mean colour: %d of %d colour images in their own class\n", right, total);
    CHECK(right * 10 >= total * 9, "classes are not separable by colour: %d of %d", right, total);
    /* same call, same pixels */
    fg_image x, y;
    CHECK_OK(fg_synth_image(&o, 2, 5, &x, NULL));
    CHECK_OK(fg_synth_image(&o, 2, 5, &y, NULL));
    CHECK(x.width == y.width && x.height == y.height && !memcmp(x.rgb, y.rgb, (size_t)x.width * x.height * 3),
          "fg_synth_image is not deterministic");
    fg_image_destroy(&x);
    fg_image_destroy(&y);
}

static void test_options(void)
{
    fg_synth_options o;
    fg_image img;
    fg_synth_defaults(&o);
    o.classes = 0;
    CHECK_FAILS(fg_synth_write(fx_path(dir, "x"), &o, NULL, NULL, NULL), FG_EINVAL, "0 classes");
    fg_synth_defaults(&o);
    o.max_side = 10;
    CHECK_FAILS(fg_synth_image(&o, 0, 0, &img, NULL), FG_EINVAL, "sides 200..10");
    fg_synth_defaults(&o);
    CHECK_FAILS(fg_synth_image(&o, 4, 0, &img, NULL), FG_EINVAL, "no image 0 of class 4");
    char name[32];
    fg_synth_class_name(7, 120, name, sizeof name);
    CHECK(!strcmp(name, "class_007"), "class name '%s'", name);
    fg_synth_class_name(3, 4, name, sizeof name);
    CHECK(!strcmp(name, "class_03"), "class name '%s'", name);
}

int main(void)
{
    if (fx_tmpdir("fg_test_folder_synth", dir, sizeof dir)) return 1;
    test_reproducible();
    test_classes_differ();
    test_options();
    fx_rmtree(dir);
    return fg_test_done("test_folder_synth");
}
