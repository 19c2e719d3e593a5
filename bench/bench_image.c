/* Benchmarks of the image stage, one core (decoding runs beside the CNN, one
 * image per worker): decoding, resize + preprocessing, and the whole
 * decode -> network input path, in images/s (items_per_second); one
 * decoding case on every thread of the run (.../allcores, FG_BENCH_THREADS).
 *   image/decode/real/...        the hymenoptera photos (skipped when absent), from their files
 *   image/input/real/{full,dct}  decode + 224x224 caffe input, without / with DCT scaling
 *   image/decode/jpeg/WxH[/...]  generated JPEGs decoded from memory
 *   image/input/jpeg/WxH/...     the same, to the network input
 *   image/to_input/WxH/{direct,crop}  resize + preprocessing alone
 * Real photos are taken in turn, one an iteration; the counter mean_pixels
 * says how large they are. */
#include "bench_common.h"
#include "fnegraph/dataset.h"
#include "fnegraph/image.h"
#include "fnegraph/mem.h"
#include "fnegraph/synth.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char **photo_files; /* hymenoptera train + val */
static int64_t n_photos;
static float *input;           /* 224 x 224 x 3 */

typedef struct jpeg_case {
    int w, h;
    unsigned flags;
    int hint; /* min_side_hint for the input cases */
    uint8_t *data;
    size_t size;
} jpeg_case;

static void load_photos(void)
{
    const char *shared = getenv("FG_SHARED_DATA");
    if (!shared || !*shared) shared = FG_SHARED_DATA;
    const char *splits[2] = {"train", "val"};
    for (int s = 0; s < 2; s++) {
        char root[4096];
        fg_dataset ds;
        snprintf(root, sizeof root, "%s/images/hymenoptera_data/%s", shared, splits[s]);
        if (fg_dataset_folder(root, &ds) != FG_OK) continue;
        char **grown = realloc(photo_files, (size_t)(n_photos + ds.n) * sizeof *grown);
        if (grown) {
            photo_files = grown;
            for (int64_t i = 0; i < ds.n; i++) photo_files[n_photos++] = strdup(ds.file[i]);
        }
        fg_dataset_destroy(&ds);
    }
}

/* A synthetic picture resized to w x h, encoded into memory through a file. */
static int make_jpeg(jpeg_case *c)
{
    fg_synth_options o;
    fg_synth_defaults(&o);
    fg_image src = {0}, img = {0};
    char path[64];
    snprintf(path, sizeof path, "/tmp/fg_bench_image_%d.jpg", (int)getpid());
    int ok = fg_synth_image(&o, 1, 0, &src, NULL) == FG_OK && fg_image_resize(&src, c->w, c->h, &img) == FG_OK &&
             fg_image_write_jpeg(path, &img, 90, c->flags) == FG_OK;
    fg_image_destroy(&src);
    fg_image_destroy(&img);
    if (!ok) return -1;
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    c->size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    c->data = malloc(c->size);
    ok = c->data && fread(c->data, 1, c->size, f) == c->size;
    fclose(f);
    remove(path);
    return ok ? 0 : -1;
}

static void bm_real(bench_state *st, void *ctx)
{
    const int *mode = ctx; /* 0 decode only, 1 input full decode, 2 input with DCT scaling */
    if (!n_photos) {
        bench_skip(st, "the hymenoptera photos are absent (FG_SHARED_DATA)");
        return;
    }
    int64_t i = 0;
    double pixels = 0;
    while (bench_keep_running(st)) {
        fg_image img;
        const char *f = photo_files[i++ % n_photos];
        if (fg_image_decode_file(f, *mode == 2 ? FG_INPUT_SIZE : 0, &img) != FG_OK) {
            bench_skip(st, fg_last_error());
            return;
        }
        pixels += (double)img.src_width * img.src_height;
        if (*mode && fg_image_to_input(&img, FG_RESIZE_DIRECT, FG_PREPROCESS_CAFFE, input) != FG_OK) {
            bench_skip(st, fg_last_error());
            fg_image_destroy(&img);
            return;
        }
        fg_image_destroy(&img);
    }
    bench_set_items(st, bench_iterations(st));
    bench_set_counter(st, "mean_pixels", pixels / (double)bench_iterations(st), BENCH_COUNTER_DEFAULT);
}

static void bm_jpeg(bench_state *st, void *ctx, int to_input)
{
    jpeg_case *c = ctx;
    if (!c->data) {
        bench_skip(st, "could not make the JPEG");
        return;
    }
    while (bench_keep_running(st)) {
        fg_image img;
        if (fg_image_decode_memory(c->data, c->size, "bench.jpg", to_input ? c->hint : 0, &img) != FG_OK ||
            (to_input && fg_image_to_input(&img, FG_RESIZE_DIRECT, FG_PREPROCESS_CAFFE, input) != FG_OK)) {
            bench_skip(st, fg_last_error());
            return;
        }
        fg_image_destroy(&img);
    }
    bench_set_items(st, bench_iterations(st));
    bench_set_counter(st, "file_bytes", (double)c->size, BENCH_COUNTER_DEFAULT);
}

static void bm_jpeg_decode(bench_state *st, void *ctx) { bm_jpeg(st, ctx, 0); }

/* Every thread of the run (FG_BENCH_THREADS) decodes its own copy of the
 * image, 4 an iteration each: the throughput of a decoding team. */
static void bm_jpeg_decode_team(bench_state *st, void *ctx)
{
    jpeg_case *c = ctx;
    if (!c->data) {
        bench_skip(st, "could not make the JPEG");
        return;
    }
    const int threads = omp_get_max_threads();
    int bad = 0;
    while (bench_keep_running(st)) {
#pragma omp parallel num_threads(threads) reduction(| : bad)
        for (int k = 0; k < 4; k++) {
            fg_image img;
            if (fg_image_decode_memory(c->data, c->size, "bench.jpg", 0, &img) != FG_OK) bad = 1;
            else fg_image_destroy(&img);
        }
        if (bad) {
            bench_skip(st, "a decode failed");
            return;
        }
    }
    bench_set_items(st, bench_iterations(st) * threads * 4);
    bench_set_counter(st, "threads", threads, BENCH_COUNTER_DEFAULT);
}
static void bm_jpeg_input(bench_state *st, void *ctx) { bm_jpeg(st, ctx, 1); }

typedef struct resize_case {
    fg_image img;
    fg_resize_mode mode;
} resize_case;

static void bm_to_input(bench_state *st, void *ctx)
{
    resize_case *r = ctx;
    if (!r->img.rgb) {
        bench_skip(st, "could not make the image");
        return;
    }
    while (bench_keep_running(st))
        if (fg_image_to_input(&r->img, r->mode, FG_PREPROCESS_CAFFE, input) != FG_OK) {
            bench_skip(st, fg_last_error());
            return;
        }
    bench_set_items(st, bench_iterations(st));
}

int main(int argc, char **argv)
{
    bench_context_fnegraph();
    input = fg_alloc(FG_INPUT_SIZE * FG_INPUT_SIZE * 3, sizeof *input);
    load_photos();
    static const int modes[3] = {0, 1, 2};
    bench_register("image/decode/real/hymenoptera", bm_real, (void *)&modes[0]);
    bench_register("image/input/real/full", bm_real, (void *)&modes[1]);
    bench_register("image/input/real/dct", bm_real, (void *)&modes[2]);

    static jpeg_case jc[] = {{500, 375, 0, FG_INPUT_SIZE, NULL, 0},
                             {500, 375, FG_JPEG_PROGRESSIVE, FG_INPUT_SIZE, NULL, 0},
                             {1024, 768, 0, 0, NULL, 0},
                             {1024, 768, 0, FG_INPUT_SIZE, NULL, 0},
                             {2048, 1536, 0, FG_INPUT_SIZE, NULL, 0}};
    static const char *dec_names[] = {"image/decode/jpeg/500x375", "image/decode/jpeg/500x375/progressive",
                                      "image/decode/jpeg/1024x768", NULL, "image/decode/jpeg/2048x1536"};
    static const char *in_names[] = {"image/input/jpeg/500x375/direct", "image/input/jpeg/500x375/progressive",
                                     "image/input/jpeg/1024x768/full", "image/input/jpeg/1024x768/dct",
                                     "image/input/jpeg/2048x1536/dct"};
    for (int k = 0; k < 5; k++) {
        make_jpeg(&jc[k]);
        if (dec_names[k]) bench_register(dec_names[k], bm_jpeg_decode, &jc[k]);
        if (k == 0) bench_case_real_time(bench_register("image/decode/jpeg/500x375/allcores", bm_jpeg_decode_team, &jc[k]));
        bench_register(in_names[k], bm_jpeg_input, &jc[k]);
    }

    static resize_case rc[2];
    fg_synth_options o;
    fg_synth_defaults(&o);
    fg_image src;
    if (fg_synth_image(&o, 0, 0, &src, NULL) == FG_OK) {
        fg_image_resize(&src, 500, 375, &rc[0].img);
        fg_image_resize(&src, 500, 375, &rc[1].img);
        fg_image_destroy(&src);
    }
    rc[1].mode = FG_RESIZE_CROP;
    bench_register("image/to_input/500x375/direct", bm_to_input, &rc[0]);
    bench_register("image/to_input/500x375/crop", bm_to_input, &rc[1]);

    int r = bench_main(argc, argv);
    for (int k = 0; k < 5; k++) free(jc[k].data);
    fg_image_destroy(&rc[0].img);
    fg_image_destroy(&rc[1].img);
    for (int64_t i = 0; i < n_photos; i++) free(photo_files[i]);
    free(photo_files);
    fg_free(input);
    return r;
}
