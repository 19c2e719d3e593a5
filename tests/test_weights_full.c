/* The weight file at its real size (~553 MB in a temporary folder, removed
 * at the end): generate -> save -> load gives identical arrays; the loader's
 * SHA-256 equals sha256sum's; h5py (Debian's /usr/bin/python3) sees the Keras
 * layout and the same values; the same seed saves the same bytes; --no-fc8
 * files load to the same FNE layers; a file edited with the HDF5 C API
 * (other empty weight_names types, chunked, compressed and big-endian
 * datasets) still loads exactly; the file cut in half, or cut with its
 * superblock patched to hide the cut, fails with a message, not a crash. */
#include "fg_test.h"
#include "fnegraph/mem.h"
#include "fnegraph/weights.h"

#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static const char *const LAYERS[] = {
    "input_1",      "block1_conv1", "block1_conv2", "block1_pool",  "block2_conv1", "block2_conv2",
    "block2_pool",  "block3_conv1", "block3_conv2", "block3_conv3", "block3_pool",  "block4_conv1",
    "block4_conv2", "block4_conv3", "block4_pool",  "block5_conv1", "block5_conv2", "block5_conv3",
    "block5_pool",  "flatten",      "fc1",          "fc2",          "predictions"};

static int same_layers(const fg_weights *a, const fg_weights *b)
{
    int same = 1;
    for (int l = 0; l < FG_VGG16_LAYERS; l++) {
        same &= memcmp(a->kernel[l], b->kernel[l], fg_vgg16_kernel_size(l) * sizeof(float)) == 0;
        same &= memcmp(a->bias[l], b->bias[l], (size_t)fg_vgg16_layers[l].cout * sizeof(float)) == 0;
    }
    return same;
}

static int aligned(const fg_weights *w)
{
    int ok = 1;
    for (int l = 0; l < FG_VGG16_LAYERS; l++)
        ok &= ((uintptr_t)w->kernel[l] % 64 == 0) && ((uintptr_t)w->bias[l] % 64 == 0);
    return ok;
}

static void sha256sum(const char *path, char out[65])
{
    char cmd[600];
    out[0] = '\0';
    snprintf(cmd, sizeof cmd, "sha256sum '%s' 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    if (p && fscanf(p, "%64s", out) != 1) out[0] = '\0';
    if (p) pclose(p);
}

static void load_and_compare(const char *path, const fg_weights *g, const char *what)
{
    fg_weights w;
    char want[65];
    double t = now();
    CHECK_OK(fg_weights_load(path, &w));
    t = now() - t;
    struct stat sb;
    stat(path, &sb);
    printf("  %s: loaded %.0f MB in %.2f s (%.0f MB/s, SHA-256 included)\n", what,
           (double)sb.st_size / 1e6, t, (double)sb.st_size / 1e6 / t);
    if (!w.kernel[0]) return;
    CHECK(same_layers(&w, g), "%s: loaded arrays differ from the generated ones", what);
    CHECK(aligned(&w), "%s: arrays are not 64-byte aligned", what);
    CHECK(w.fc8_kernel == NULL && w.fc8_bias == NULL, "%s: fc8 is not loaded", what);
    sha256sum(path, want);
    if (want[0]) CHECK(!strcmp(w.sha256, want), "%s: sha256 %s, sha256sum %s", what, w.sha256, want);
    else printf("  (sha256sum not available)\n");
    fg_weights_destroy(&w);
}

/* Debian's h5py reads the file: layer_names, weight_names, shapes, dtypes, two values. */
static void check_with_h5py(const char *dir, const char *path, const fg_weights *g)
{
    if (system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") != 0) {
        printf("  (skipped the h5py check: /usr/bin/python3 with h5py not available)\n");
        return;
    }
    char script[300], cmd[900], line[4096];
    snprintf(script, sizeof script, "%s/check.py", dir);
    FILE *s = fopen(script, "w");
    fputs("import sys, h5py\n"
          "f = h5py.File(sys.argv[1], 'r')\n"
          "names = [n.decode() for n in f.attrs['layer_names']]\n"
          "print('layer_names', ','.join(names), f.attrs['layer_names'].dtype.kind)\n"
          "for n in names:\n"
          "    g = f[n]; wn = [w.decode() for w in g.attrs['weight_names']]\n"
          "    print('layer', n, len(wn), ' '.join('%s:%s:%s' % (w, 'x'.join(map(str, g[w].shape)), g[w].dtype) for w in wn))\n"
          "print('value', repr(float(f['fc1']['fc1_W_1:0'][12345, 678])))\n"
          "print('value', repr(float(f['block3_conv2']['block3_conv2_W_1:0'][2, 1, 100, 200])))\n",
          s);
    fclose(s);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' '%s'", script, path);
    FILE *p = popen(cmd, "r");
    int n_layers = 0, n_values = 0;
    char expect[4096];
    size_t k = 0;
    for (int i = 0; i < 23; i++) k += (size_t)snprintf(expect + k, sizeof expect - k, "%s%s", i ? "," : "", LAYERS[i]);
    snprintf(expect + k, sizeof expect - k, " S\n");
    while (p && fgets(line, sizeof line, p)) {
        if (!strncmp(line, "layer_names ", 12)) {
            CHECK(!strcmp(line + 12, expect), "h5py layer_names: %s", line + 12);
        } else if (!strncmp(line, "layer ", 6)) {
            char name[64], want[512];
            sscanf(line + 6, "%63s", name);
            int l = -1;
            for (int j = 0; j < FG_VGG16_LAYERS; j++)
                if (!strcmp(fg_vgg16_layers[j].keras, name)) l = j;
            if (l >= 0) {
                const fg_vgg16_layer *L = &fg_vgg16_layers[l];
                if (L->conv)
                    snprintf(want, sizeof want, "layer %s 2 %s_W_1:0:3x3x%dx%d:float32 %s_b_1:0:%d:float32\n",
                             name, name, L->cin, L->cout, name, L->cout);
                else
                    snprintf(want, sizeof want, "layer %s 2 %s_W_1:0:%dx%d:float32 %s_b_1:0:%d:float32\n",
                             name, name, L->cin, L->cout, name, L->cout);
            } else if (!strcmp(name, "predictions")) {
                snprintf(want, sizeof want, "layer predictions 2 predictions_W_1:0:4096x1000:float32 "
                                            "predictions_b_1:0:1000:float32\n");
            } else {
                snprintf(want, sizeof want, "layer %s 0 \n", name);
            }
            CHECK(!strcmp(line, want), "h5py sees '%s', expected '%s'", line, want);
            n_layers++;
        } else if (!strncmp(line, "value ", 6)) {
            double v = strtod(line + 6, NULL);
            double want = n_values == 0 ? g->kernel[13][(size_t)12345 * 4096 + 678]
                                        : g->kernel[5][((size_t)(2 * 3 + 1) * 256 + 100) * 256 + 200];
            CHECK(v == want, "h5py value %d: %.9g, expected %.9g", n_values, v, want);
            n_values++;
        }
    }
    int rc = p ? pclose(p) : -1;
    CHECK(rc == 0 && n_layers == 23 && n_values == 2, "h5py script: exit %d, %d layers, %d values", rc,
          n_layers, n_values);
    printf("  h5py reads the Keras layout: 23 layers, shapes and values as written\n");
}

/* Replace dataset <layer>/<name> by one stored with dcpl and file type ftype. */
static void replace(hid_t f, const char *layer, const char *name, hid_t ftype, hid_t dcpl,
                    int rank, const hsize_t *dims, const float *data)
{
    char p[128];
    snprintf(p, sizeof p, "%s/%s", layer, name);
    H5Ldelete(f, p, H5P_DEFAULT);
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    hid_t d = H5Dcreate2(f, p, ftype, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    CHECK(d >= 0 && H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0, "rewrite %s", p);
    H5Dclose(d);
    H5Sclose(sp);
}

static void replace_empty_attr(hid_t f, const char *layer, int null_space)
{
    hid_t g = H5Gopen2(f, layer, H5P_DEFAULT);
    H5Adelete(g, "weight_names");
    hsize_t zero = 0;
    hid_t t = null_space ? H5Tcopy(H5T_C_S1) : H5Tcopy(H5T_STD_I32LE);
    hid_t sp = null_space ? H5Screate(H5S_NULL) : H5Screate_simple(1, &zero, NULL);
    hid_t a = H5Acreate2(g, "weight_names", t, sp, H5P_DEFAULT, H5P_DEFAULT);
    CHECK(a >= 0, "re-create weight_names of %s", layer);
    H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
    H5Gclose(g);
}

int main(void)
{
    char dir[] = "/tmp/fg_weights_full_XXXXXX", path[300], sha1[65], sha2[65];
    fg_weights g;
    double t;
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(path, sizeof path, "%s/vgg16.h5", dir);

    t = now();
    CHECK_OK(fg_weights_generate(7, true, &g));
    printf("  generated seed 7 in %.2f s\n", now() - t);
    t = now();
    CHECK_OK(fg_weights_save(path, &g));
    printf("  saved in %.2f s\n", now() - t);
    struct stat sb;
    CHECK(stat(path, &sb) == 0 && sb.st_size > 553000000 && sb.st_size < 554000000, "file is %lld bytes",
          (long long)sb.st_size);
    snprintf(sha1, sizeof sha1, "%s", "");
    CHECK_OK(fg_sha256_file(path, sha1));
    load_and_compare(path, &g, "with fc8");
    check_with_h5py(dir, path, &g);

    /* the same weights give the same bytes */
    CHECK_OK(fg_weights_save(path, &g));
    CHECK_OK(fg_sha256_file(path, sha2));
    CHECK(!strcmp(sha1, sha2), "saving twice gives %s then %s", sha1, sha2);
    char tmp[320];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    CHECK(access(tmp, F_OK) != 0, "the temporary file is gone after the rename");

    /* without fc8 (generation without fc8 gives the same 15 layers:
     * test_weights_gen): the file loads to the same arrays */
    fg_weights g2 = g;
    g2.fc8_kernel = g2.fc8_bias = NULL;
    CHECK_OK(fg_weights_save(path, &g2));
    load_and_compare(path, &g, "no fc8");

    /* written by another hand: other empty weight_names, other storage */
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    CHECK(f >= 0, "reopen with HDF5");
    replace_empty_attr(f, "input_1", 0);
    replace_empty_attr(f, "flatten", 1);
    hsize_t k0[4] = {3, 3, 3, 64}, b1[1] = {128}, b14[1] = {4096}, ck[4] = {3, 3, 3, 16}, cb[1] = {64};
    hid_t dz = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dz, 4, ck);
    H5Pset_deflate(dz, 4);
    replace(f, "block1_conv1", "block1_conv1_W_1:0", H5T_IEEE_F32LE, dz, 4, k0, g.kernel[0]);
    H5Pclose(dz);
    hid_t dc = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dc, 1, cb);
    replace(f, "block2_conv1", "block2_conv1_b_1:0", H5T_IEEE_F32LE, dc, 1, b1, g.bias[2]);
    H5Pclose(dc);
    float *bias = fg_alloc(4096, sizeof(float));
    for (int i = 0; i < 4096; i++) bias[i] = 0.25f * (float)(i % 17) - 1.0f;
    replace(f, "fc2", "fc2_b_1:0", H5T_IEEE_F32BE, H5P_DEFAULT, 1, b14, bias);
    CHECK(H5Fclose(f) >= 0, "close the edited file");
    float *keep = g.bias[14];
    g.bias[14] = bias;
    load_and_compare(path, &g, "edited (chunked, deflate, big-endian, other empty attributes)");
    g.bias[14] = keep;
    fg_free(bias);

    /* cut in half */
    fg_weights w;
    CHECK(stat(path, &sb) == 0, "stat");
    CHECK(truncate(path, sb.st_size / 2) == 0, "truncate");
    fg_error_clear();
    CHECK(fg_weights_load(path, &w) == FG_EFORMAT, "half file: %s", fg_last_error());
    CHECK(strstr(fg_last_error(), path) && strstr(fg_last_error(), "truncated"), "message: %s", fg_last_error());
    printf("  ok: %s\n", fg_last_error());
    /* cut, with the superblock's end-of-file address patched to hide the cut:
     * HDF5 opens it, and the loader must still fail cleanly */
    FILE *fp = fopen(path, "r+b");
    unsigned char sbuf[64];
    CHECK(fp && fread(sbuf, 1, 64, fp) == 64 && sbuf[8] == 0 && sbuf[13] == 8, "superblock version 0, 8-byte addresses");
    uint64_t eoa = (uint64_t)(sb.st_size / 2);
    for (int i = 0; i < 8; i++) sbuf[40 + i] = (unsigned char)(eoa >> (8 * i));
    fseek(fp, 0, SEEK_SET);
    fwrite(sbuf, 1, 64, fp);
    fclose(fp);
    fg_error_clear();
    fg_status st = fg_weights_load(path, &w);
    CHECK(st != FG_OK && strstr(fg_last_error(), path) != NULL, "patched half file: %s", fg_last_error());
    CHECK(w.kernel[0] == NULL, "output zeroed");
    printf("  ok: %s\n", fg_last_error());

    fg_weights_destroy(&g);
    unlink(path);
    snprintf(tmp, sizeof tmp, "%s/check.py", dir);
    unlink(tmp);
    CHECK(rmdir(dir) == 0, "remove %s", dir);
    return fg_test_done("test_weights_full");
}
