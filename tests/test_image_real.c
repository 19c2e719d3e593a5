/* Real photos: all 398 images of $FG_SHARED_DATA/images/hymenoptera_data
 * (listed through the folder adapter) decode and become finite network
 * inputs; the decoded pixels of every JPEG match Pillow's (through
 * /usr/bin/python3, skipped when absent) by two checksums; DCT-scaled decoding
 * gives nearly the same network input as the full decode. Skipped when the
 * shared data folder is absent. */
#include "fg_test.h"
#include "img_fixtures.h"
#include "fnegraph/dataset.h"
#include "fnegraph/image.h"
#include "fnegraph/mem.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { NIN = FG_INPUT_SIZE * FG_INPUT_SIZE * 3 };

typedef struct sums {
    uint64_t plain, weighted;
} sums;

/* The same two sums the Python side computes with numpy. */
static sums checksum(const fg_image *img)
{
    sums s = {0, 0};
    size_t n = (size_t)img->width * img->height * 3;
    for (size_t i = 0; i < n; i++) {
        s.plain += img->rgb[i];
        s.weighted += (uint64_t)img->rgb[i] * (i % 65521 + 1);
    }
    return s;
}

/* Area-average (box filter) of img to out[224][224][3], raw RGB: every
 * source pixel weighted by the fraction of it an output pixel covers. An
 * anti-aliased reference for downscaling, written here independently. */
static void box_ref(const fg_image *img, float *out)
{
    enum { S = FG_INPUT_SIZE };
    double sx = (double)img->width / S, sy = (double)img->height / S;
    double *acc = calloc((size_t)img->width * 3, sizeof *acc);
    for (int y = 0; y < S; y++) {
        double y0 = y * sy, y1 = (y + 1) * sy;
        memset(acc, 0, (size_t)img->width * 3 * sizeof *acc);
        for (int r = (int)y0; r < img->height && r < y1; r++) {
            double wy = fmin(y1, r + 1.0) - fmax(y0, (double)r);
            for (int k = 0; k < img->width * 3; k++) acc[k] += wy * img->rgb[(size_t)r * img->width * 3 + k];
        }
        for (int x = 0; x < S; x++) {
            double x0 = x * sx, x1 = (x + 1) * sx, v[3] = {0, 0, 0};
            for (int c0 = (int)x0; c0 < img->width && c0 < x1; c0++) {
                double wx = fmin(x1, c0 + 1.0) - fmax(x0, (double)c0);
                for (int c = 0; c < 3; c++) v[c] += wx * acc[3 * c0 + c];
            }
            for (int c = 0; c < 3; c++) out[(y * S + x) * 3 + c] = (float)(v[c] / (sx * sy));
        }
    }
    free(acc);
}

static double mean_abs(const float *a, const float *b, int n)
{
    double m = 0;
    for (int k = 0; k < n; k++) m += fabs((double)a[k] - b[k]);
    return m / n;
}

static int is_progressive(const char *path)
{
    size_t n;
    uint8_t *p = fx_read_file(path, &n);
    int prog = 0;
    for (size_t i = 2; p && i + 1 < n; i++)
        if (p[i] == 0xFF && (p[i + 1] == 0xC0 || p[i + 1] == 0xC1 || p[i + 1] == 0xC2)) {
            prog = p[i + 1] == 0xC2;
            break;
        }
    free(p);
    return prog;
}

int main(void)
{
    const char *shared = getenv("FG_SHARED_DATA");
    if (!shared || !*shared) shared = FG_SHARED_DATA;
    char root[4096], sub[4200];
    snprintf(root, sizeof root, "%s/images/hymenoptera_data", shared);
    struct stat sb;
    if (stat(root, &sb) != 0) FG_SKIP("%s absent (the shared real-photo folder is not on this machine)", root);

    char tmp[4096];
    if (fx_tmpdir("fg_test_image_real", tmp, sizeof tmp)) return 1;
    char list_path[4200], sums_path[4200];
    snprintf(list_path, sizeof list_path, "%s/list.txt", tmp);
    snprintf(sums_path, sizeof sums_path, "%s/sums.txt", tmp);
    FILE *list = fopen(list_path, "w");

    int n_total = 0, n_jpeg = 0, n_gif = 0, n_prog = 0, n_dotjpeg = 0, n_scaled = 0;
    double worst_both = 0, sum_full = 0, sum_red = 0, sum_both = 0;
    float *ref = fg_alloc(NIN, sizeof *ref);
    sums *ours = calloc(1000, sizeof *ours);
    char **files = calloc(1000, sizeof *files);
    float *a = fg_alloc(NIN, sizeof *a), *b = fg_alloc(NIN, sizeof *b);
    const char *splits[2] = {"train", "val"};
    for (int s = 0; s < 2; s++) {
        fg_dataset ds;
        snprintf(sub, sizeof sub, "%s/%s", root, splits[s]);
        CHECK_OK(fg_dataset_folder(sub, &ds));
        for (int64_t i = 0; i < ds.n && n_total < 1000; i++) {
            const char *f = ds.file[i];
            fg_image full, red;
            fg_status st = fg_image_decode_file(f, 0, &full);
            CHECK(st == FG_OK, "%s", fg_last_error());
            if (st != FG_OK) continue;
            n_total++;
            n_gif += full.format == FG_IMAGE_GIF;
            n_dotjpeg += strlen(f) > 5 && !strcmp(f + strlen(f) - 5, ".jpeg");
            if (full.format == FG_IMAGE_JPEG) {
                n_jpeg++;
                n_prog += is_progressive(f);
                ours[n_jpeg - 1] = checksum(&full);
                files[n_jpeg - 1] = strdup(f);
                if (list) fprintf(list, "%s\n", f);
            } else {
                CHECK(full.width == 300 && full.height == 300, "%s: the GIF decodes as %dx%d, expected 300x300", f,
                      full.width, full.height);
            }
            /* full decode -> input, and DCT-scaled decode -> input */
            CHECK_OK(fg_image_to_input(&full, FG_RESIZE_DIRECT, FG_PREPROCESS_CAFFE, a));
            int finite = 1;
            for (int k = 0; k < NIN; k++) finite &= a[k] >= -123.7f && a[k] <= 151.1f;
            CHECK(finite, "%s: network input out of the caffe range", f);
            CHECK_OK(fg_image_decode_file(f, FG_INPUT_SIZE, &red));
            if (red.scale_denom > 1) {
                /* The two inputs differ (both paths shrink with an unfiltered
                 * bilinear, which aliases; the reduced IDCT low-passes first but
                 * is no exact box filter). Neither is the reference: compare both
                 * with an area-averaged (anti-aliased) downscale. Per image the
                 * DCT path may be a little farther from it; over the photos it
                 * must be no farther than the full decode. */
                n_scaled++;
                CHECK_OK(fg_image_to_input(&full, FG_RESIZE_DIRECT, FG_PREPROCESS_RAW, a));
                CHECK_OK(fg_image_to_input(&red, FG_RESIZE_DIRECT, FG_PREPROCESS_RAW, b));
                box_ref(&full, ref);
                double d_full = mean_abs(a, ref, NIN), d_red = mean_abs(b, ref, NIN), d_both = mean_abs(a, b, NIN);
                sum_full += d_full, sum_red += d_red, sum_both += d_both;
                if (d_both > worst_both) worst_both = d_both;
                CHECK(d_red <= d_full + 1.5, "%s: DCT-scaled (1/%d) input is %.2f from the area average, the full "
                      "decode %.2f", f, red.scale_denom, d_red, d_full);
            }
            fg_image_destroy(&full);
            fg_image_destroy(&red);
        }
        fg_dataset_destroy(&ds);
    }
    if (list) fclose(list);
    printf("  decoded %d files: %d JPEG (%d progressive, %d named .jpeg), %d GIF\n", n_total, n_jpeg, n_prog,
           n_dotjpeg, n_gif);
    if (n_scaled)
        printf("  %d decoded smaller by DCT scaling: mean |input - area average| %.2f (DCT-scaled) vs %.2f (full "
               "decode); scaled vs full: mean %.2f, worst image %.2f (0..255)\n",
               n_scaled, sum_red / n_scaled, sum_full / n_scaled, sum_both / n_scaled, worst_both);
    CHECK(n_scaled > 20, "only %d photos were large enough for DCT scaling", n_scaled);
    CHECK(sum_red <= sum_full, "DCT-scaled inputs are farther from the area average (%.3f) than full decodes (%.3f)",
          sum_red / (n_scaled ? n_scaled : 1), sum_full / (n_scaled ? n_scaled : 1));
    CHECK(n_total == 398, "decoded %d of the 398 photos", n_total);
    CHECK(n_gif == 1 && n_prog >= 2 && n_dotjpeg >= 1, "expected 1 GIF, >= 2 progressive JPEGs and a .jpeg file");

    /* Pillow, if Debian's python3-pil is there, decodes the same JPEGs to the same pixels */
    if (system("/usr/bin/python3 -c 'import numpy, PIL.Image' >/dev/null 2>&1") != 0) {
        printf("  Pillow comparison skipped: /usr/bin/python3 with numpy and PIL not found (python3-pil)\n");
    } else {
        char cmd[16384];
        snprintf(cmd, sizeof cmd,
                 "/usr/bin/python3 -c \"\n"
                 "import sys, numpy as np\n"
                 "from PIL import Image\n"
                 "out = open(sys.argv[2], 'w')\n"
                 "for f in open(sys.argv[1]).read().splitlines():\n"
                 "    a = np.asarray(Image.open(f).convert('RGB'), dtype=np.uint64).reshape(-1)\n"
                 "    w = np.arange(a.size, dtype=np.uint64) %% 65521 + 1\n"
                 "    out.write('%%d %%d\\n' %% (int(a.sum()), int((a * w).sum())))\n"
                 "\" '%s' '%s'",
                 list_path, sums_path);
        CHECK(system(cmd) == 0, "the Pillow script failed");
        FILE *f = fopen(sums_path, "r");
        int same = 0, k = 0;
        unsigned long long p1, p2;
        while (f && k < n_jpeg && fscanf(f, "%llu %llu", &p1, &p2) == 2) {
            int eq = p1 == ours[k].plain && p2 == ours[k].weighted;
            if (!eq) fprintf(stderr, "  differs from Pillow: %s\n", files[k]);
            same += eq;
            k++;
        }
        if (f) fclose(f);
        printf("  Pillow: %d of %d JPEGs decode to identical pixels\n", same, n_jpeg);
        CHECK(k == n_jpeg && same == n_jpeg, "%d of %d JPEGs match Pillow (%d compared)", same, n_jpeg, k);
    }
    for (int k = 0; k < n_jpeg; k++) free(files[k]);
    free(files);
    free(ours);
    fg_free(a);
    fg_free(b);
    fg_free(ref);
    fx_rmtree(tmp);
    return fg_test_done("test_image_real");
}
