/* fuzz_make_seeds OUT_DIR: the project-made seeds of every fuzz target,
 * small real files written by the library (images, edge, FNE and results
 * files) or by the test fixtures (every image format and mode, the native
 * layouts' lists and .mat files), into OUT_DIR/<target>/. The weight file
 * seed is the Keras layout with every dataset declared at its real shape
 * but never written (chunked, no chunk stored: a few KB), so a reader walks
 * all of its metadata before it stops at the empty data. Exit 0 when every
 * seed was written. */
#include "fnegraph/dataset.h"
#include "fnegraph/edges_file.h"
#include "fnegraph/fne_file.h"
#include "fnegraph/image.h"
#include "fnegraph/results.h"
#include "fnegraph/vgg16.h"
#include "img_fixtures.h"
#include "native_layouts.h"

#include <hdf5.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *out;
static int failures;

static const char *seed(const char *target, const char *name)
{
    static char buf[4][1024];
    static int k;
    char *b = buf[k++ & 3];
    snprintf(b, sizeof buf[0], "%s/%s", out, target);
    mkdir(b, 0755);
    snprintf(b, sizeof buf[0], "%s/%s/%s", out, target, name);
    return b;
}

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_make_seeds: %s failed: %s\n", what, fg_last_error());
        failures++;
    }
}

static void bytes(const char *target, const char *name, const void *p, size_t n)
{
    check(fx_write_bytes(seed(target, name), p, n) == 0, name);
}

static void images(void)
{
    enum { W = 13, H = 9 };
    uint8_t rgb[W * H * 3], idx[W * H], pal[16 * 3];
    uint16_t s16[W * H * 3];
    fx_smooth_rgb(W, H, 7, rgb);
    for (int i = 0; i < W * H; i++) idx[i] = (uint8_t)(i % 16);
    for (int i = 0; i < W * H * 3; i++) s16[i] = (uint16_t)(rgb[i] * 257);
    fx_random_bytes(3, pal, sizeof pal);
    fg_image img = {0};
    check(fg_image_create(W, H, &img) == FG_OK, "image");
    if (img.rgb) memcpy(img.rgb, rgb, sizeof rgb);
    check(fg_image_write_jpeg(seed("fuzz_image", "rgb.jpg"), &img, 80, 0) == FG_OK, "rgb.jpg");
    check(fg_image_write_jpeg(seed("fuzz_image", "progressive.jpg"), &img, 80, FG_JPEG_PROGRESSIVE) == FG_OK,
          "progressive.jpg");
    check(fg_image_write_png(seed("fuzz_image", "rgb.png"), &img) == FG_OK, "rgb.png");
    check(fg_image_write_ppm(seed("fuzz_image", "rgb.ppm"), &img) == FG_OK, "rgb.ppm");
    fg_image_destroy(&img);
    check(fx_write_jpeg_gray(seed("fuzz_image", "gray.jpg"), W, H, idx, 1, 70) == 0, "gray.jpg");
    uint8_t cmyk[W * H * 4];
    fx_random_bytes(5, cmyk, sizeof cmyk);
    check(fx_write_jpeg_cmyk(seed("fuzz_image", "ycck.jpg"), W, H, cmyk, 1, 1, 70) == 0, "ycck.jpg");
    uint16_t g16[W * H], pidx[W * H];
    for (int i = 0; i < W * H; i++) {
        g16[i] = (uint16_t)(i * 499);
        pidx[i] = idx[i];
    }
    check(fx_write_png(seed("fuzz_image", "gray16_interlaced.png"), W, H, PNG_COLOR_TYPE_GRAY, 16, 1, g16, NULL, 0,
                       NULL, 0) == 0, "gray16.png");
    uint8_t trns[4] = {0, 80, 160, 255};
    check(fx_write_png(seed("fuzz_image", "palette.png"), W, H, PNG_COLOR_TYPE_PALETTE, 4, 0, pidx, pal, 16, trns,
                       4) == 0, "palette.png");
    check(fx_write_png(seed("fuzz_image", "rgba16.png"), W, H / 3, PNG_COLOR_TYPE_RGB_ALPHA, 16, 0, s16, NULL, 0, NULL,
                       0) == 0, "rgba16.png");
    check(fx_write_gif(seed("fuzz_image", "frame.gif"), W + 2, H + 1, pal, 16, 1, 1, 1, W, H, idx, 1, 3, 1) == 0,
          "frame.gif");
    check(fx_write_bmp(seed("fuzz_image", "pal8.bmp"), W, H, 8, 0, 0, 0, idx, pal, 16, NULL) == 0, "pal8.bmp");
    check(fx_write_bmp(seed("fuzz_image", "rle8.bmp"), W, H, 8, 1, 0, 0, idx, pal, 16, NULL) == 0, "rle8.bmp");
    check(fx_write_bmp(seed("fuzz_image", "rle4.bmp"), W, H, 4, 2, 1, 0, idx, pal, 16, NULL) == 0, "rle4.bmp");
    check(fx_write_bmp(seed("fuzz_image", "mono_core.bmp"), W, H, 1, 0, 0, 1, idx, pal, 2, NULL) == 0, "mono.bmp");
    check(fx_write_bmp(seed("fuzz_image", "bf16.bmp"), W, H, 16, 3, 0, 0, NULL, NULL, 0, rgb) == 0, "bf16.bmp");
    check(fx_write_bmp(seed("fuzz_image", "bf32.bmp"), W, H, 32, 3, 1, 0, NULL, NULL, 0, rgb) == 0, "bf32.bmp");
    check(fx_write_bmp(seed("fuzz_image", "rgb24.bmp"), W, H, 24, 0, 0, 0, NULL, NULL, 0, rgb) == 0, "rgb24.bmp");
    for (int kind = 1; kind <= 6; kind++) {
        char name[32];
        snprintf(name, sizeof name, "p%d.pnm", kind);
        check(fx_write_pnm(seed("fuzz_image", name), kind, W, H / 2, kind == 2 ? 65535 : 255, s16) == 0, name);
    }
}

static const char *CONFIG =
    "; the example of docs/formats.md\n"
    "[sweep]\n"
    "weights     = weights/vgg16.h5\n"
    "out         = results/table2.h5\n"
    "thresholds  = -2:2, -1.5:1.5       ; lo:hi pairs\n"
    "k           = 1.5, 2\n"
    "communities = classes, 2*classes, 10\n"
    "seeds       = 1-10, 12\n"
    "variant     = paper\n"
    "threads     = 0\n"
    "batch       = 8\n"
    "max_iter    = 100\n"
    "preprocess  = caffe\n"
    "resize      = crop\n"
    "conv        = winograd\n"
    "precision   = bf16\n"
    "\n"
    "[dataset wood]\n"
    "kind  = wood\n"
    "root  = data/wood\n"
    "split = all\n"
    "fne   = cache/wood_fne.h5\n"
    "labels = data/wood/names.txt\n"
    "\n"
    "[dataset mit67]\n"
    "kind = mit67\n"
    "root = /abs/mit67\n"
    "split = train\n"
    "fne = cache/mit67.h5\n";

static void configs(void)
{
    bytes("fuzz_sweep_config", "design.ini", CONFIG, strlen(CONFIG));
    char buf[4096];
    int n = snprintf(buf, sizeof buf, "%s%c%s%c%s%c%s", CONFIG, 0, "sweep.k=2.5", 0, "dataset wood.root=/data/wood", 0,
                     "sweep.communities = 3*classes, classes*2");
    bytes("fuzz_sweep_config", "overrides.ini", buf, (size_t)n);
    const char *cont = "[sweep]\nseeds = 1-3,\n  4, 5\n[dataset d]\nkind=folder\nroot=r\nfne=f.h5\n";
    bytes("fuzz_sweep_config", "continued.ini", cont, strlen(cont));
}

/* The list and .mat files of the miniature layouts, each behind the selector
 * byte of fuzz_labels. */
static void labels(void)
{
    static const struct {
        const char *layout, *file;
    } slots[7] = {{"flowers102", "imagelabels.mat"}, {"flowers102", "setid.mat"}, {"mit67", "TrainImages.txt"},
                  {"mit67", "TestImages.txt"},       {"textures", "labels/train1.txt"},
                  {"textures", "labels/test1.txt"},  {"wood", "names.txt"}};
    char tmp[] = "/tmp/fuzz_make_seeds_XXXXXX", root[128];
    if (!mkdtemp(tmp)) {
        check(0, "mkdtemp");
        return;
    }
    snprintf(root, sizeof root, "%s/flowers102", tmp);
    check(nl_make_flowers102(root, 1) == 0, "flowers102 layout");
    snprintf(root, sizeof root, "%s/mit67", tmp);
    check(nl_make_mit67(root) == 0, "mit67 layout");
    snprintf(root, sizeof root, "%s/textures", tmp);
    check(nl_make_textures(root, 1) == 0, "textures layout");
    snprintf(root, sizeof root, "%s/wood", tmp);
    check(nl_make_wood(root) == 0, "wood layout");
    for (int k = 0; k < 7; k++) {
        char path[512], name[64];
        snprintf(path, sizeof path, "%s/%s/%s", tmp, slots[k].layout, slots[k].file);
        size_t n = 0;
        uint8_t *p = fx_read_file(path, &n);
        check(p != NULL, path);
        if (!p) continue;
        uint8_t *b = malloc(n + 1);
        b[0] = (uint8_t)k;
        memcpy(b + 1, p, n);
        snprintf(name, sizeof name, "%d_%s_%s", k, slots[k].layout, strrchr(slots[k].file, '/') ? "list" : slots[k].file);
        bytes("fuzz_labels", name, b, n + 1);
        free(b);
        free(p);
    }
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    if (system(cmd) != 0) fprintf(stderr, "fuzz_make_seeds: could not remove %s\n", tmp);
}

static void scores(void)
{
    static const char a[] = "0\n0\n1\n1\n2\n2\n\0" "1\n1\n0\n0\n0\n2\n";
    static const char b[] = "# truth\r\n-5\r\n 7 \r\n\r\n1000000000000\r\n-5\r\n\0" "3\n3\n3\n9223372036854775807\n";
    static const char c[] = "0\n1\n2\n3\n4\n\0" "0\n1\n2\n3\n4\n";
    static const char d[] = "0\n1\n2\n3\n4\n5\n\0" "0\n0\n1\n1\n2\n2\n";
    bytes("fuzz_score", "small", a, sizeof a - 1);
    bytes("fuzz_score", "odd_values", b, sizeof b - 1);
    bytes("fuzz_score", "singletons", c, sizeof c - 1);
    bytes("fuzz_score", "singletons_vs_pairs", d, sizeof d - 1);
}

static void edges(void)
{
    const uint32_t e[] = {0, 4, 1, 4, 2, 5, 3, 5, 4, 5, 0, 6};
    const int32_t lab[4] = {0, 0, 1, 1};
    fg_csr g = {0};
    check(fg_csr_from_edge_list(7, 4, e, 6, "seed", &g) == FG_OK, "csr");
    check(fg_edges_file_write(seed("fuzz_edges_file", "labelled.h5"), &g, lab) == FG_OK, "labelled.h5");
    check(fg_edges_file_write(seed("fuzz_edges_file", "plain.h5"), &g, NULL) == FG_OK, "plain.h5");
    fg_csr_destroy(&g);
}

static void fne(void)
{
    const char *paths[3] = {"a/1.jpg", "a/2.jpg", "b/3.jpg"}, *classes[2] = {"a", "b"};
    const int32_t lab[3] = {0, 0, 1};
    static float row[FG_FNE_DIM];
    for (int i = 0; i < FG_FNE_DIM; i++) row[i] = (float)(i % 17) * 0.25f;
    fg_fne_meta meta = {"folder", "all", "caffe", "direct",
                        "0000000000000000000000000000000000000000000000000000000000000000", "direct", "f32"};
    fg_fne_writer *w = NULL;
    int64_t next = 0;
    const char *p = seed("fuzz_fne_file", "three_rows.h5");
    unlink(p);
    fg_status st = fg_fne_writer_open(p, &meta, 3, paths, lab, classes, 2, 1, &w, &next);
    if (st == FG_OK) st = fg_fne_writer_put(w, row);
    if (st == FG_OK) st = fg_fne_writer_put(w, NULL); /* a failed image: /failed_path */
    if (st == FG_OK) st = fg_fne_writer_put(w, row);
    if (st == FG_OK) st = fg_fne_writer_finish(w);
    fg_fne_writer_close(w);
    check(st == FG_OK, "three_rows.h5");
}

static void results(void)
{
    const char *p = seed("fuzz_results", "one_run.h5");
    unlink(p);
    fg_results_attrs a = {CONFIG, "0123abc", "seed cpu", "avx2", "scalar", 2, "direct", "f32", "conv1_1:ref", 1, 2, "seedhost"};
    fg_results *r = NULL;
    fg_status st = fg_results_open(p, &a, &r);
    fg_graph_row g = {"wood", -2, 2, 1.5, 10, 50, 40, 100, 60, 40, 3, 38, 9, 0.5};
    fg_run_row run = {"wood", -2, 2, 1.5, 7, 1, "paper", 9, 1, 12, 1, {0.5, 0.4, 0.4, 0.3}, {0.2, 0.2, 0.2, 0.1},
                      0.01, 0.001, "fluidc", NAN, 0, 0};
    if (st == FG_OK) st = fg_results_add_graph(r, &g);
    if (st == FG_OK) st = fg_results_add_run(r, &run);
    run.seed = 2;
    snprintf(run.variant, sizeof run.variant, "standard");
    if (st == FG_OK) st = fg_results_add_run(r, &run);
    fg_results_close(r);
    check(st == FG_OK, "one_run.h5");
}

static herr_t fixed_strings(hid_t obj, const char *name, const char *const *v, int n)
{
    size_t len = 1;
    for (int i = 0; i < n; i++) len = strlen(v[i]) > len ? strlen(v[i]) : len;
    char *buf = calloc((size_t)(n ? n : 1), len);
    for (int i = 0; i < n; i++) memcpy(buf + (size_t)i * len, v[i], strlen(v[i]));
    hsize_t dim = (hsize_t)n;
    hid_t t = H5Tcopy(H5T_C_S1), s = H5Screate_simple(1, &dim, NULL);
    H5Tset_size(t, len);
    hid_t a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = a < 0 ? -1 : H5Awrite(a, t, buf);
    if (a >= 0) H5Aclose(a);
    H5Sclose(s);
    H5Tclose(t);
    free(buf);
    return rc;
}

/* Keras layout, every dataset at its real shape, chunked and never written. */
static void weights(void)
{
    static const char *const layers[] = {
        "input_1",      "block1_conv1", "block1_conv2", "block1_pool",  "block2_conv1", "block2_conv2",
        "block2_pool",  "block3_conv1", "block3_conv2", "block3_conv3", "block3_pool",  "block4_conv1",
        "block4_conv2", "block4_conv3", "block4_pool",  "block5_conv1", "block5_conv2", "block5_conv3",
        "block5_pool",  "flatten",      "fc1",          "fc2",          "predictions"};
    const int n_layers = (int)(sizeof layers / sizeof *layers);
    const char *p = seed("fuzz_weights", "keras_layout_no_data.h5");
    hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    int ok = f >= 0 && fixed_strings(f, "layer_names", layers, n_layers) >= 0;
    for (int i = 0; ok && i < n_layers; i++) {
        hid_t g = H5Gcreate2(f, layers[i], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        int l = -1;
        for (int j = 0; j < FG_VGG16_LAYERS; j++)
            if (!strcmp(fg_vgg16_layers[j].keras, layers[i])) l = j;
        int cin = l >= 0 ? fg_vgg16_layers[l].cin : 4096, cout = l >= 0 ? fg_vgg16_layers[l].cout : 1000;
        int conv = l >= 0 && fg_vgg16_layers[l].conv;
        if (l < 0 && strcmp(layers[i], "predictions") != 0) {
            ok = g >= 0 && fixed_strings(g, "weight_names", NULL, 0) >= 0;
        } else {
            char wn[2][64];
            snprintf(wn[0], sizeof wn[0], "%s_W_1:0", layers[i]);
            snprintf(wn[1], sizeof wn[1], "%s_b_1:0", layers[i]);
            const char *names[2] = {wn[0], wn[1]};
            ok = g >= 0 && fixed_strings(g, "weight_names", names, 2) >= 0;
            for (int which = 0; ok && which < 2; which++) {
                hsize_t dims[4], chunk[4];
                int rank = which ? 1 : conv ? 4 : 2;
                if (which) dims[0] = (hsize_t)cout;
                else if (conv) dims[0] = 3, dims[1] = 3, dims[2] = (hsize_t)cin, dims[3] = (hsize_t)cout;
                else dims[0] = (hsize_t)cin, dims[1] = (hsize_t)cout;
                for (int d = 0; d < rank; d++) chunk[d] = dims[d] < 64 ? dims[d] : 64;
                hid_t s = H5Screate_simple(rank, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
                H5Pset_chunk(dcpl, rank, chunk);
                hid_t d = H5Dcreate2(g, names[which], H5T_IEEE_F32LE, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
                ok = d >= 0;
                if (d >= 0) H5Dclose(d);
                H5Pclose(dcpl);
                H5Sclose(s);
            }
        }
        if (g >= 0) H5Gclose(g);
    }
    if (f >= 0) H5Fclose(f);
    check(ok, "keras_layout_no_data.h5");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_make_seeds OUT_DIR\n");
        return 2;
    }
    out = argv[1];
    mkdir(out, 0755);
    images();
    configs();
    labels();
    scores();
    edges();
    fne();
    results();
    weights();
    if (failures) fprintf(stderr, "fuzz_make_seeds: %d seeds not written\n", failures);
    return failures ? 1 : 0;
}
