/* Who decodes does not change what is written: fg_extract_run with the next
 * batch decoded by the net's team (FG_DECODE_TEAM), by a thread of its own
 * (FG_DECODE_THREAD) and by the automatic choice writes the same rows bit
 * for bit, the same paths and the same failures, with undecodable files at
 * every slot of a batch (first, middle, last) and a batch with none
 * decodable; an unknown decode mode is refused. Each row
 * is the FNE of its own image: it matches that image run alone through a net
 * of the same batch size (padded batch) to 1e-5 of the layer scale. */
#include "fg_test.h"
#include "fnegraph/dataset.h"
#include "fnegraph/extract.h"
#include "fnegraph/fne_file.h"
#include "fnegraph/mem.h"
#include "fnegraph/net.h"
#include "fnegraph/synth.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { BATCH = 4 };

static void write_broken(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    CHECK(f != NULL, "cannot write %s", p);
    fputs("not a JPEG", f);
    fclose(f);
}

static void same_file(const fg_fne *a, const fg_fne *b, const char *what)
{
    CHECK(a->n == b->n, "%s: %lld rows vs %lld", what, (long long)a->n, (long long)b->n);
    CHECK(memcmp(a->x, b->x, (size_t)a->n * FG_FNE_DIM * sizeof *a->x) == 0, "%s: rows differ", what);
    for (int64_t i = 0; i < a->n; i++) CHECK(strcmp(a->path[i], b->path[i]) == 0, "%s: path %lld", what, (long long)i);
    CHECK(a->n_failed == b->n_failed, "%s: %lld failures vs %lld", what, (long long)a->n_failed,
          (long long)b->n_failed);
    for (int64_t i = 0; i < a->n_failed; i++)
        CHECK(strcmp(a->failed_path[i], b->failed_path[i]) == 0, "%s: failed path %lld", what, (long long)i);
}

int main(void)
{
    char dir[] = "/tmp/fg_extract_decode_XXXXXX", root[300], out[3][320];
    CHECK(mkdtemp(dir) != NULL, "temp dir");
    snprintf(root, sizeof root, "%s/imgs", dir);
    fg_synth_options so;
    fg_synth_defaults(&so);
    so.classes = 2;
    so.per_class = 5;
    so.min_side = 48;
    so.max_side = 96;
    so.seed = 11;
    CHECK_OK(fg_synth_write(root, &so, NULL, NULL, NULL));
    /* sorted order, batches of 4: [0 c00_000, 1 c00_000x*, 2 c00_001, 3 c00_002]
     * [4 c00_003, 5 c00_004, 6 c00_004x*, 7 c01_000] [8 c01_000a*, 9 c01_001, 10 c01_002,
     * 11 c01_003] [12 c01_004, 13 zz_1*, 14 zz_2*, 15 zz_3*] [16 zz_4*]; * = broken:
     * slots 1, 2, 0, 1-3 and a batch with nothing to forward */
    static const char *const broken[7] = {"class_00/class_00_000x.jpg", "class_00/class_00_004x.jpg",
                                          "class_01/class_01_000a.jpg", "class_01/zz_1.jpg",
                                          "class_01/zz_2.jpg",          "class_01/zz_3.jpg",
                                          "class_01/zz_4.jpg"};
    for (int i = 0; i < 7; i++) write_broken(root, broken[i]);
    fg_dataset ds;
    CHECK_OK(fg_dataset_folder(root, &ds));
    CHECK(ds.n == 17, "17 files listed, got %lld", (long long)ds.n);
    CHECK(strcmp(ds.path[6], broken[1]) == 0 && strcmp(ds.path[8], broken[2]) == 0 &&
              strcmp(ds.path[16], broken[6]) == 0,
          "listing order as planned: %s, %s, %s", ds.path[6], ds.path[8], ds.path[16]);

    fg_weights w;
    CHECK_OK(fg_weights_generate(1, false, &w));
    static const fg_decode_mode modes[3] = {FG_DECODE_TEAM, FG_DECODE_THREAD, FG_DECODE_AUTO};
    static const char *const names[3] = {"team", "thread", "auto"};
    fg_fne f[3];
    memset(f, 0, sizeof f);
    for (int m = 0; m < 3; m++) {
        snprintf(out[m], sizeof out[m], "%s/%s.h5", dir, names[m]);
        fg_extract_opts eo = {.batch = BATCH, .threads = 2, .chunk_rows = 3, .decode = modes[m]};
        fg_extract_result res;
        CHECK_OK(fg_extract_run(&ds, &w, out[m], &eo, &res));
        CHECK(res.n_done == 17 && res.n_failed == 7, "%s: %lld done, %lld failed", names[m], (long long)res.n_done,
              (long long)res.n_failed);
        fg_extract_result_destroy(&res);
        CHECK_OK(fg_fne_read(out[m], &f[m]));
        CHECK(f[m].n == 10, "%s: 10 rows, got %lld", names[m], (long long)f[m].n);
    }
    same_file(&f[0], &f[1], "team vs thread");
    same_file(&f[0], &f[2], "team vs auto");
    for (int i = 0; i < 7 && f[0].n_failed == 7; i++)
        CHECK(strcmp(f[0].failed_path[i], broken[i]) == 0, "failure %d in input order: %s", i, f[0].failed_path[i]);
    {
        fg_extract_opts eo = {.batch = BATCH, .threads = 2, .decode = (fg_decode_mode)7};
        fg_extract_result res;
        char bad[340];
        snprintf(bad, sizeof bad, "%s/bad.h5", dir);
        CHECK_FAILS(fg_extract_run(&ds, &w, bad, &eo, &res), FG_EINVAL, "decode mode 7");
    }

    /* every row is its own image's FNE: each image alone through a net of the same batch size */
    fg_net *net = NULL;
    fg_net_opts no = {.batch = BATCH, .threads = 2};
    CHECK_OK(fg_net_create(&w, &no, &net));
    float *in = fg_alloc((size_t)FG_VGG16_INPUT * FG_VGG16_INPUT * 3, sizeof *in);
    float *row = fg_alloc(FG_FNE_DIM, sizeof *row);
    CHECK(in && row, "out of memory");
    for (int64_t i = 0; i < f[0].n; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s", root, f[0].path[i]);
        CHECK_OK(fg_image_file_to_input(p, FG_RESIZE_DIRECT, FG_PREPROCESS_CAFFE, in));
        CHECK_OK(fg_net_fne(net, in, 1, row));
        const float *x = f[0].x + (size_t)i * FG_FNE_DIM;
        double scale = 0, worst = 0;
        for (int j = 0; j < FG_FNE_DIM; j++) scale = fmax(scale, fabs(row[j]));
        for (int j = 0; j < FG_FNE_DIM; j++) worst = fmax(worst, fabs(x[j] - row[j]));
        CHECK(worst <= 1e-5 * scale, "row %lld (%s): max difference %g at scale %g", (long long)i, f[0].path[i],
              worst, scale);
    }
    printf("3 decode modes: identical rows; each row matches its image alone\n");
    fg_free(in);
    fg_free(row);
    fg_net_destroy(net);
    for (int m = 0; m < 3; m++) {
        fg_fne_destroy(&f[m]);
        unlink(out[m]);
    }
    fg_weights_destroy(&w);
    fg_dataset_destroy(&ds);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "cleanup");
    return 0;
}
