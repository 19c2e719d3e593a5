/* fg_weights_load on malformed files: each is built here with the HDF5 C API
 * in the Keras layout (its own writer, independent of fg_weights_save) with
 * one defect, and must fail with a message naming the file and the layer or
 * dataset, never crash, and leave the output zeroed. Datasets are created
 * without data, so these files are a few kB; the full-size round trip is
 * test_weights_full. Also fg_sha256_file against known digests. */
#include "fg_test.h"
#include "fnegraph/weights.h"

#include <hdf5.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const LAYERS[] = {
    "input_1",      "block1_conv1", "block1_conv2", "block1_pool",  "block2_conv1", "block2_conv2",
    "block2_pool",  "block3_conv1", "block3_conv2", "block3_conv3", "block3_pool",  "block4_conv1",
    "block4_conv2", "block4_conv3", "block4_pool",  "block5_conv1", "block5_conv2", "block5_conv3",
    "block5_pool",  "flatten",      "fc1",          "fc2",          "predictions"};
enum { N_LAYERS = 23 };

typedef enum defect {
    D_NONE,          /* well formed, but no dataset holds data */
    D_NOTOP,         /* the notop file: no flatten, fc1, fc2, predictions */
    D_NO_FC2,        /* fc1 but no fc2 */
    D_NO_LAYER_NAMES,
    D_NO_GROUP,      /* block2_conv1 listed, no group */
    D_NO_WEIGHT_NAMES, /* /block4_conv1 without the attribute */
    D_NO_DATASET,    /* block3_conv2's bias listed, absent */
    D_SHAPE,         /* fc1 kernel transposed */
    D_BIAS_RANK,     /* block1_conv1 bias (1, 64) */
    D_FLOAT64,       /* block5_conv3 kernel float64 */
    D_INT32,         /* fc2 bias int32 */
    D_EXTRA_LAYER,   /* a VGG19 layer block5_conv4 with weights */
    D_THREE_WEIGHTS  /* block1_conv2 lists three datasets */
} defect;

static int feature_layer(const char *name)
{
    for (int l = 0; l < FG_VGG16_LAYERS; l++)
        if (!strcmp(fg_vgg16_layers[l].keras, name)) return l;
    return -1;
}

static void attr_strings(hid_t obj, const char *name, const char *const *s, int n)
{
    size_t w = 1;
    char buf[16 * 64] = {0};
    for (int i = 0; i < n; i++)
        if (strlen(s[i]) > w) w = strlen(s[i]);
    for (int i = 0; i < n; i++) memcpy(buf + (size_t)i * w, s[i], strlen(s[i]));
    hsize_t dim = (hsize_t)n;
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, w);
    H5Tset_strpad(t, H5T_STR_NULLPAD);
    hid_t sp = H5Screate_simple(1, &dim, NULL);
    hid_t a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, t, buf);
    H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
}

/* An empty weight_names of the given flavour: numpy's float64 (0,), an
 * int32 (0,), or the null dataspace with a string type. */
static void attr_empty(hid_t obj, int flavour)
{
    hsize_t zero = 0;
    hid_t t = flavour == 0 ? H5Tcopy(H5T_IEEE_F64LE) : flavour == 1 ? H5Tcopy(H5T_STD_I32LE) : H5Tcopy(H5T_C_S1);
    hid_t sp = flavour == 2 ? H5Screate(H5S_NULL) : H5Screate_simple(1, &zero, NULL);
    hid_t a = H5Acreate2(obj, "weight_names", t, sp, H5P_DEFAULT, H5P_DEFAULT);
    H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
}

static void dataset(hid_t g, const char *name, hid_t type, int rank, const hsize_t *dims)
{
    hid_t sp = H5Screate_simple(rank, dims, NULL), lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t d = H5Dcreate2(g, name, type, sp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Dclose(d);
    H5Pclose(lcpl);
    H5Sclose(sp);
}

/* whole_model: the layout of Keras 2's model.save: everything under
 * /model_weights, weight names "<layer>/kernel:0" in a subgroup. */
static void make_file(const char *path, defect def, bool whole_model)
{
    const char *names[32];
    int n = 0;
    for (int i = 0; i < N_LAYERS; i++) {
        const char *s = LAYERS[i];
        if (def == D_NOTOP && (!strcmp(s, "flatten") || !strncmp(s, "fc", 2) || !strcmp(s, "predictions")))
            continue;
        if (def == D_NO_FC2 && !strcmp(s, "fc2")) continue;
        names[n++] = s;
        if (def == D_EXTRA_LAYER && !strcmp(s, "block5_conv3")) names[n++] = "block5_conv4";
    }
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t f = whole_model ? H5Gcreate2(file, "model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : file;
    if (def != D_NO_LAYER_NAMES) attr_strings(f, "layer_names", names, n);
    for (int i = 0; i < n; i++) {
        const char *s = names[i];
        if (def == D_NO_GROUP && !strcmp(s, "block2_conv1")) continue;
        hid_t g = H5Gcreate2(f, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        int l = feature_layer(s);
        bool weighted = l >= 0 || !strcmp(s, "predictions") || !strcmp(s, "block5_conv4");
        if (!weighted) {
            attr_empty(g, !strcmp(s, "input_1") ? 1 : !strcmp(s, "flatten") ? 2 : 0);
            H5Gclose(g);
            continue;
        }
        char wn[3][64];
        const char *wp[3] = {wn[0], wn[1], wn[2]};
        snprintf(wn[0], sizeof wn[0], whole_model ? "%s/kernel:0" : "%s_W_1:0", s);
        snprintf(wn[1], sizeof wn[1], whole_model ? "%s/bias:0" : "%s_b_1:0", s);
        snprintf(wn[2], sizeof wn[2], whole_model ? "%s/extra:0" : "%s_extra_1:0", s);
        bool three = def == D_THREE_WEIGHTS && !strcmp(s, "block1_conv2");
        if (!(def == D_NO_WEIGHT_NAMES && !strcmp(s, "block4_conv1"))) attr_strings(g, "weight_names", wp, three ? 3 : 2);
        hsize_t k[4], b[2];
        int kr;
        if (l < 0) { /* predictions 4096x1000, block5_conv4 3x3x512x512 */
            bool pred = !strcmp(s, "predictions");
            kr = pred ? 2 : 4;
            hsize_t kp[4] = {4096, 1000}, kc[4] = {3, 3, 512, 512};
            memcpy(k, pred ? kp : kc, sizeof k);
            b[0] = pred ? 1000 : 512;
        } else {
            const fg_vgg16_layer *L = &fg_vgg16_layers[l];
            kr = L->conv ? 4 : 2;
            hsize_t kc[4] = {3, 3, (hsize_t)L->cin, (hsize_t)L->cout}, kd[4] = {(hsize_t)L->cin, (hsize_t)L->cout};
            memcpy(k, L->conv ? kc : kd, sizeof k);
            b[0] = (hsize_t)L->cout;
        }
        hid_t kt = H5T_IEEE_F32LE, bt = H5T_IEEE_F32LE;
        int br = 1;
        if (def == D_SHAPE && !strcmp(s, "fc1")) {
            hsize_t tmp = k[0];
            k[0] = k[1];
            k[1] = tmp;
        }
        if (def == D_BIAS_RANK && !strcmp(s, "block1_conv1")) {
            b[1] = b[0];
            b[0] = 1;
            br = 2;
        }
        if (def == D_FLOAT64 && !strcmp(s, "block5_conv3")) kt = H5T_IEEE_F64LE;
        if (def == D_INT32 && !strcmp(s, "fc2")) bt = H5T_STD_I32LE;
        dataset(g, wn[0], kt, kr, k);
        if (!(def == D_NO_DATASET && !strcmp(s, "block3_conv2"))) dataset(g, wn[1], bt, br, b);
        if (three) dataset(g, wn[2], H5T_IEEE_F32LE, 1, b);
        H5Gclose(g);
    }
    if (whole_model) H5Gclose(f);
    H5Fclose(file);
}

static bool zeroed(const fg_weights *w)
{
    static const fg_weights z;
    return memcmp(w, &z, sizeof z) == 0;
}

/* Load must fail with code, and the message must name the file and `needle`. */
static void expect_fail(const char *path, fg_status code, const char *needle, const char *needle2)
{
    fg_weights w;
    memset(&w, 0xab, sizeof w);
    fg_error_clear();
    fg_status st = fg_weights_load(path, &w);
    const char *msg = fg_last_error();
    CHECK(st == code, "%s: status %s, expected %s (%s)", needle, fg_status_str(st), fg_status_str(code), msg);
    CHECK(strstr(msg, path) != NULL, "message does not name the file: %s", msg);
    CHECK(strstr(msg, needle) != NULL, "message does not mention '%s': %s", needle, msg);
    if (needle2) CHECK(strstr(msg, needle2) != NULL, "message does not mention '%s': %s", needle2, msg);
    CHECK(zeroed(&w), "output not zeroed after '%s'", msg);
    printf("  ok: %s\n", msg);
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (n) fwrite(data, 1, n, f);
    fclose(f);
}

int main(void)
{
    char dir[] = "/tmp/fg_weights_file_XXXXXX", p[256];
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);

    struct { defect d; const char *file; fg_status code; const char *n1, *n2; } cases[] = {
        {D_NONE, "nodata.h5", FG_EFORMAT, "/block1_conv1/block1_conv1_W_1:0", "no data"},
        {D_NOTOP, "notop.h5", FG_EFORMAT, "notop", "fc6/fc7"},
        {D_NO_FC2, "nofc2.h5", FG_ENOTFOUND, "'fc2'", "layer_names"},
        {D_NO_LAYER_NAMES, "nolayernames.h5", FG_EFORMAT, "layer_names", "not a Keras weight file"},
        {D_NO_GROUP, "nogroup.h5", FG_ENOTFOUND, "/block2_conv1", "no group"},
        {D_NO_WEIGHT_NAMES, "noweightnames.h5", FG_ENOTFOUND, "weight_names", "/block4_conv1"},
        {D_NO_DATASET, "nodataset.h5", FG_ENOTFOUND, "/block3_conv2/block3_conv2_b_1:0", "missing"},
        {D_SHAPE, "shape.h5", FG_ESHAPE, "/fc1/fc1_W_1:0", "shape (4096, 25088), expected (25088, 4096)"},
        {D_BIAS_RANK, "biasrank.h5", FG_ESHAPE, "/block1_conv1/block1_conv1_b_1:0", "(1, 64), expected (64,)"},
        {D_FLOAT64, "float64.h5", FG_EFORMAT, "/block5_conv3/block5_conv3_W_1:0", "float64, expected float32"},
        {D_INT32, "int32.h5", FG_EFORMAT, "/fc2/fc2_b_1:0", "int32"},
        {D_EXTRA_LAYER, "vgg19.h5", FG_EFORMAT, "block5_conv4", "no such layer"},
        {D_THREE_WEIGHTS, "three.h5", FG_EFORMAT, "/block1_conv2", "expected 2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, cases[i].file);
        make_file(p, cases[i].d, false);
        expect_fail(p, cases[i].code, cases[i].n1, cases[i].n2);
    }
    /* a Keras 2 whole-model file: the weights under /model_weights, other names */
    snprintf(p, sizeof p, "%s/model.h5", dir);
    make_file(p, D_SHAPE, true);
    expect_fail(p, FG_ESHAPE, "dataset /model_weights/fc1/fc1/kernel:0", "expected (25088, 4096)");
    make_file(p, D_NONE, true);
    expect_fail(p, FG_EFORMAT, "/model_weights/block1_conv1/block1_conv1/kernel:0", "no data");

    /* a truncated HDF5 file: the well-formed skeleton cut in half */
    snprintf(p, sizeof p, "%s/nodata.h5", dir);
    FILE *f = fopen(p, "rb");
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    CHECK(n > 1000 && n < sizeof buf, "skeleton is %zu bytes", n);
    snprintf(p, sizeof p, "%s/half.h5", dir);
    write_bytes(p, buf, n / 2);
    expect_fail(p, FG_EFORMAT, "truncated", NULL);
    write_bytes(p, buf, 40); /* shorter than the superblock */
    expect_fail(p, FG_EFORMAT, "truncated", NULL);

    snprintf(p, sizeof p, "%s/text.h5", dir);
    write_bytes(p, "layer_names: block1_conv1\n", 26);
    expect_fail(p, FG_EFORMAT, "not an HDF5 file", NULL);
    snprintf(p, sizeof p, "%s/empty.h5", dir);
    write_bytes(p, "", 0);
    expect_fail(p, FG_EFORMAT, "empty file", NULL);
    snprintf(p, sizeof p, "%s/absent.h5", dir);
    expect_fail(p, FG_ENOTFOUND, "no such file", NULL);
    expect_fail(dir, FG_EIO, "folder", NULL);
    /* an HDF5 file that is not a Keras file */
    snprintf(p, sizeof p, "%s/other.h5", dir);
    hid_t h = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t one = 1;
    dataset(h, "fne", H5T_IEEE_F32LE, 1, &one);
    H5Fclose(h);
    expect_fail(p, FG_EFORMAT, "layer_names", "not a Keras weight file");
    CHECK_FAILS(fg_weights_load(NULL, NULL), FG_EINVAL, "null");

    /* SHA-256 against FIPS 180-2 examples and the empty file; a file larger
     * than the reader's pipeline threshold */
    char hex[65];
    snprintf(p, sizeof p, "%s/empty.h5", dir);
    CHECK_OK(fg_sha256_file(p, hex));
    CHECK(!strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), "sha256('') = %s", hex);
    snprintf(p, sizeof p, "%s/abc", dir);
    write_bytes(p, "abc", 3);
    CHECK_OK(fg_sha256_file(p, hex));
    CHECK(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "sha256(abc) = %s", hex);
    snprintf(p, sizeof p, "%s/million_a", dir);
    f = fopen(p, "wb");
    for (int i = 0; i < 1000000; i++) fputc('a', f);
    fclose(f);
    CHECK_OK(fg_sha256_file(p, hex));
    CHECK(!strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"), "sha256(10^6 a) = %s", hex);
    snprintf(p, sizeof p, "%s/big", dir);
    f = fopen(p, "wb");
    for (int i = 0; i < 5 * 1000000 + 123; i++) fputc('a', f);
    fclose(f);
    CHECK_OK(fg_sha256_file(p, hex));
    char cmd[512], want[65] = "";
    snprintf(cmd, sizeof cmd, "sha256sum '%s' 2>/dev/null", p);
    FILE *pp = popen(cmd, "r");
    if (pp && fscanf(pp, "%64s", want) == 1)
        CHECK(!strcmp(hex, want), "5 MB file: %s, sha256sum says %s", hex, want);
    else
        printf("  (sha256sum not available: the 5 MB digest is not cross-checked)\n");
    if (pp) pclose(pp);
    snprintf(p, sizeof p, "%s/absent", dir);
    CHECK_FAILS(fg_sha256_file(p, hex), FG_ENOTFOUND, "absent");

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "clean up");
    return fg_test_done("test_weights_file");
}
