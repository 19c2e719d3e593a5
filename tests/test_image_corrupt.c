/* Damaged files never crash a decoder: seeded random corruptions (flipped
 * bytes, overwritten runs, truncations, inflated header numbers) of a file of
 * every format and mode either decode (a damaged pixel is still a pixel) or
 * fail with FG_EFORMAT and a message that names the file. Under the
 * sanitizer build this also proves there is no out-of-bounds access. */
#include "fg_test.h"
#include "img_fixtures.h"
#include "fnegraph/image.h"
#include "fnegraph/rng.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

static char dir[4096];

static void make_fixtures(void)
{
    enum { W = 23, H = 17, N = W * H };
    uint8_t rgb[N * 3], idx[N], pal[256 * 3];
    uint16_t s[N * 3];
    fx_random_bytes(1, rgb, sizeof rgb);
    fx_random_bytes(2, idx, sizeof idx);
    fx_random_bytes(3, pal, sizeof pal);
    for (int i = 0; i < N * 3; i++) s[i] = rgb[i];
    fg_image img;
    if (fg_image_create(W, H, &img) != FG_OK) return;
    memcpy(img.rgb, rgb, sizeof rgb);
    fg_image_write_jpeg(fx_path(dir, "a.jpg"), &img, 80, 0);
    fg_image_write_jpeg(fx_path(dir, "b.jpg"), &img, 80, FG_JPEG_PROGRESSIVE);
    fg_image_destroy(&img);
    uint8_t cmyk[N * 4];
    fx_random_bytes(4, cmyk, sizeof cmyk);
    fx_write_jpeg_cmyk(fx_path(dir, "c.jpg"), W, H, cmyk, 1, 1, 80);
    fx_write_png(fx_path(dir, "a.png"), W, H, PNG_COLOR_TYPE_RGB, 8, 1, s, NULL, 0, NULL, 0);
    for (int i = 0; i < N; i++) s[i] = idx[i] % 16;
    fx_write_png(fx_path(dir, "b.png"), W, H, PNG_COLOR_TYPE_PALETTE, 4, 0, s, pal, 16, NULL, 0);
    for (int i = 0; i < N; i++) idx[i] &= 15;
    fx_write_gif(fx_path(dir, "a.gif"), W + 4, H + 2, pal, 16, 3, 2, 1, W, H, idx, 1, 5, 1);
    fx_write_bmp(fx_path(dir, "a.bmp"), W, H, 24, 0, 0, 0, NULL, NULL, 0, rgb);
    fx_write_bmp(fx_path(dir, "b.bmp"), W, H, 8, 1, 0, 0, idx, pal, 16, NULL);
    fx_write_bmp(fx_path(dir, "c.bmp"), W, H, 4, 2, 0, 0, idx, pal, 16, NULL);
    fx_write_bmp(fx_path(dir, "d.bmp"), W, H, 32, 3, 1, 0, NULL, NULL, 0, rgb);
    fx_write_bmp(fx_path(dir, "e.bmp"), W, H, 1, 0, 0, 1, idx, pal, 2, NULL);
    for (int i = 0; i < N * 3; i++) s[i] = (uint16_t)(rgb[i] * 3);
    fx_write_pnm(fx_path(dir, "a.ppm"), 6, W, H, 1000, s);
    fx_write_pnm(fx_path(dir, "b.ppm"), 3, W, H, 1000, s);
    for (int i = 0; i < N; i++) s[i] &= 1;
    fx_write_pnm(fx_path(dir, "c.pbm"), 4, W, H, 1, s);
    fx_write_pnm(fx_path(dir, "d.pbm"), 1, W, H, 1, s);
}

int main(void)
{
    if (fx_tmpdir("fg_test_image_corrupt", dir, sizeof dir)) return 1;
    make_fixtures();
    static const char *files[] = {"a.jpg", "b.jpg", "c.jpg", "a.png", "b.png", "a.gif", "a.bmp", "b.bmp",
                                  "c.bmp", "d.bmp", "e.bmp", "a.ppm", "b.ppm", "c.pbm", "d.pbm"};
    enum { TRIALS = 300 };
    fg_rng r;
    fg_rng_seed(&r, 2024);
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        size_t n;
        uint8_t *orig = fx_read_file(fx_path(dir, files[f]), &n);
        CHECK(orig != NULL, "fixture %s missing", files[f]);
        if (!orig) continue;
        fg_image img;
        CHECK_OK(fg_image_decode_memory(orig, n, files[f], 0, &img));
        fg_image_destroy(&img);
        uint8_t *m = malloc(n);
        int ok = 0, refused = 0, wrong = 0;
        for (int t = 0; t < TRIALS; t++) {
            memcpy(m, orig, n);
            size_t len = n;
            int kind = (int)fg_rng_below(&r, 4);
            if (kind == 0) { /* a few flipped bytes, anywhere */
                for (int k = 0, nk = 1 + (int)fg_rng_below(&r, 4); k < nk; k++)
                    m[fg_rng_below(&r, n)] ^= (uint8_t)(1 + fg_rng_below(&r, 255));
            } else if (kind == 1) { /* a run overwritten */
                size_t at = fg_rng_below(&r, n), k = 1 + fg_rng_below(&r, 16);
                for (size_t j = at; j < at + k && j < n; j++) m[j] = (uint8_t)fg_rng_next(&r);
            } else if (kind == 2) { /* truncated */
                len = 1 + fg_rng_below(&r, n - 1);
            } else { /* a header byte (sizes, counts, offsets) set to an extreme */
                m[fg_rng_below(&r, n < 64 ? n : 64)] = fg_rng_below(&r, 2) ? 0xFF : 0x00;
            }
            char name[64];
            snprintf(name, sizeof name, "%s#%d", files[f], t);
            fg_error_clear();
            fg_status st = fg_image_decode_memory(m, len, name, (int)fg_rng_below(&r, 3) * 8, &img);
            if (st == FG_OK) {
                ok++;
                wrong += img.width <= 0 || img.height <= 0 || !img.rgb;
                fg_image_destroy(&img);
            } else if (st == FG_EFORMAT && strstr(fg_last_error(), name) == fg_last_error()) {
                refused++;
            } else {
                wrong++;
                if (wrong < 4) fprintf(stderr, "%s: status %s, message '%s'\n", name, fg_status_str(st), fg_last_error());
            }
        }
        printf("  %-6s %d corruptions: %3d decoded, %3d refused\n", files[f], TRIALS, ok, refused);
        CHECK(wrong == 0 && refused > 0, "%s: %d outcomes were neither a decoded image nor a named format error", files[f], wrong);
        free(m);
        free(orig);
    }
    fx_rmtree(dir);
    return fg_test_done("test_image_corrupt");
}
