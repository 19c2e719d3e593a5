/* Load the Keras VGG16 weight file (docs/method.md §2):
 * vgg16_weights_tf_dim_ordering_tf_kernels.h5 of keras-applications v0.1.
 *
 * Layout: root attribute layer_names lists every layer (weightless ones too);
 * group /<layer> has attribute weight_names naming its datasets (kernel then
 * bias), float32, conv kernel (3,3,Cin,Cout), dense kernel (in,out). Datasets
 * are found through weight_names, never by a built-in name.
 *
 * Two phases: (1) HDF5 metadata only: every layer, dataset, type and shape is
 * checked before any weight is read, so a malformed file fails fast with a
 * message naming the file and the dataset; (2) one sequential pass over the
 * file reads contiguous float32 datasets straight into their 64-byte aligned
 * arrays (pread at the dataset's file offset) while a second thread computes
 * the SHA-256 of every byte (core/sha256.c). Datasets stored otherwise
 * (chunked, filtered, big-endian) go through H5Dread. Cost: one read of the
 * file (~553 MB for the real one). */
#include "io/weights_h5.h"

#include "core/sha256_i.h"
#include "fnegraph/mem.h"
#include "fnegraph/weights.h"
#include "io/h5_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const fg_i_keras_layers[FG_I_KERAS_LAYERS] = {
    "input_1",      "block1_conv1", "block1_conv2", "block1_pool",  "block2_conv1", "block2_conv2",
    "block2_pool",  "block3_conv1", "block3_conv2", "block3_conv3", "block3_pool",  "block4_conv1",
    "block4_conv2", "block4_conv3", "block4_pool",  "block5_conv1", "block5_conv2", "block5_conv3",
    "block5_pool",  "flatten",      "fc1",          "fc2",          "predictions"};

int fg_i_vgg16_layer_by_keras(const char *keras)
{
    for (int l = 0; l < FG_VGG16_LAYERS; l++)
        if (!strcmp(fg_vgg16_layers[l].keras, keras)) return l;
    return -1;
}

int fg_i_weight_shape(int l, int which, hsize_t dims[4])
{
    if (l == FG_VGG16_LAYERS) { /* predictions */
        if (which == 1) return dims[0] = FG_FC8_OUT, 1;
        dims[0] = 4096;
        dims[1] = FG_FC8_OUT;
        return 2;
    }
    const fg_vgg16_layer *L = &fg_vgg16_layers[l];
    if (which == 1) return dims[0] = (hsize_t)L->cout, 1;
    if (!L->conv) {
        dims[0] = (hsize_t)L->cin;
        dims[1] = (hsize_t)L->cout;
        return 2;
    }
    dims[0] = dims[1] = 3;
    dims[2] = (hsize_t)L->cin;
    dims[3] = (hsize_t)L->cout;
    return 4;
}

/* One dataset to load. */
typedef struct ds_plan {
    char h5path[320]; /* relative to the weights root: "<layer>/<weight name>" */
    char label[400];  /* "dataset /<layer>/<weight name>" */
    float *dest;
    uint64_t offset;  /* file offset of the raw data when direct */
    uint64_t bytes;
    int direct;       /* contiguous native float32: pread at offset */
    int empty;        /* no storage allocated: never written */
} ds_plan;

static void shape_str(char *buf, size_t n, int rank, const hsize_t *d)
{
    size_t k = (size_t)snprintf(buf, n, "(");
    for (int i = 0; i < rank && k < n; i++)
        k += (size_t)snprintf(buf + k, n - k, "%s%llu", i ? ", " : "", (unsigned long long)d[i]);
    if (k < n) snprintf(buf + k, n - k, rank == 1 ? ",)" : ")");
}

/* Check one dataset's type and shape and plan how to read it. */
static fg_status plan_dataset(hid_t root, const char *rootname, const char *file,
                              const char *layer, const char *wname, int l, int which, ds_plan *p)
{
    fg_status st = FG_OK;
    hid_t d = H5I_INVALID_HID, type = H5I_INVALID_HID, space = H5I_INVALID_HID;
    hid_t dcpl = H5I_INVALID_HID;
    hsize_t want[4], got[8];
    char tn[48], ws[96], gs[160];
    if ((size_t)snprintf(p->h5path, sizeof p->h5path, "%s/%s", layer, wname) >= sizeof p->h5path)
        return FG_FAIL(FG_EFORMAT, "%s: weight_names of %s/%s holds a name of %zu characters", file,
                       rootname, layer, strlen(wname));
    snprintf(p->label, sizeof p->label, "dataset %s/%s", rootname, p->h5path);
    int rank = fg_i_weight_shape(l, which, want);
    if (H5Lexists(root, p->h5path, H5P_DEFAULT) <= 0) {
        st = FG_FAIL(FG_ENOTFOUND, "%s: %s is missing (listed in weight_names of %s/%s)", file,
                     p->label, rootname, layer);
        goto done;
    }
    d = H5Dopen2(root, p->h5path, H5P_DEFAULT);
    if (d < 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: %s cannot be opened as a dataset (corrupt file?)", file,
                     p->label);
        goto done;
    }
    type = H5Dget_type(d);
    space = H5Dget_space(d);
    dcpl = H5Dget_create_plist(d);
    if (type < 0 || space < 0 || dcpl < 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: cannot read the description of %s (corrupt file?)", file,
                     p->label);
        goto done;
    }
    if (H5Tget_class(type) != H5T_FLOAT || H5Tget_size(type) != 4) {
        st = FG_FAIL(FG_EFORMAT, "%s: %s has type %s, expected float32", file, p->label,
                     fg_i_h5_type_name(type, tn, sizeof tn));
        goto done;
    }
    int grank = H5Sget_simple_extent_ndims(space);
    if (grank < 0 || grank > 8) {
        st = FG_FAIL(FG_EFORMAT, "%s: %s has an unreadable shape", file, p->label);
        goto done;
    }
    H5Sget_simple_extent_dims(space, got, NULL);
    int same = grank == rank;
    for (int i = 0; same && i < rank; i++) same = got[i] == want[i];
    if (!same) {
        shape_str(ws, sizeof ws, rank, want);
        shape_str(gs, sizeof gs, grank, got);
        st = FG_FAIL(FG_ESHAPE, "%s: %s has shape %s, expected %s (%s of %s)", file, p->label, gs,
                     ws, which ? "bias" : "kernel", l < FG_VGG16_LAYERS ? fg_vgg16_layers[l].name : "fc8");
        goto done;
    }
    p->bytes = 4;
    for (int i = 0; i < rank; i++) p->bytes *= want[i];
    hsize_t stored = H5Dget_storage_size(d);
    p->empty = stored == 0;
    haddr_t off = H5Dget_offset(d);
    p->direct = H5Pget_layout(dcpl) == H5D_CONTIGUOUS && H5Pget_nfilters(dcpl) == 0 &&
                H5Pget_external_count(dcpl) == 0 && off != HADDR_UNDEF && stored == p->bytes &&
                H5Tequal(type, H5T_NATIVE_FLOAT) > 0;
    p->offset = p->direct ? (uint64_t)off : 0;
done:
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    if (d >= 0) H5Dclose(d);
    return st;
}

static int by_offset(const void *a, const void *b)
{
    uint64_t x = ((const fg_i_region *)a)->offset, y = ((const fg_i_region *)b)->offset;
    return x < y ? -1 : x > y;
}

static int listed(char **names, int64_t n, const char *s)
{
    for (int64_t i = 0; i < n; i++)
        if (!strcmp(names[i], s)) return 1;
    return 0;
}

fg_status fg_weights_load(const char *path, fg_weights *out)
{
    fg_status st = FG_OK;
    fg_i_h5_quiet q;
    const char *rootname = ""; /* "/model_weights" in a whole-model file */
    hid_t f = H5I_INVALID_HID, root = H5I_INVALID_HID, g = H5I_INVALID_HID;
    char **names = NULL, **wn = NULL;
    int64_t nl = 0, nw = 0;
    ds_plan *plan = NULL;
    fg_i_region regions[2 * FG_VGG16_LAYERS];
    int seen[FG_VGG16_LAYERS] = {0};
    if (!path || !out) return FG_FAIL(FG_EINVAL, "fg_weights_load: null argument");
    memset(out, 0, sizeof *out);
    fg_i_h5_quiet_begin(&q);
    FG_CHECK_GOTO(st, fg_i_h5_probe(path, "a Keras weight file", NULL));
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: HDF5 cannot open it (corrupt file, or open for writing elsewhere)", path);
        goto done;
    }
    /* a whole-model file (model.save) keeps the weights under /model_weights */
    root = H5Gopen2(f, "/", H5P_DEFAULT);
    if (root >= 0 && H5Aexists(root, "layer_names") <= 0 &&
        H5Lexists(f, "model_weights", H5P_DEFAULT) > 0) {
        H5Gclose(root);
        root = H5Gopen2(f, "model_weights", H5P_DEFAULT);
        rootname = "/model_weights";
    }
    if (root < 0 || H5Aexists(root, "layer_names") <= 0) {
        st = FG_FAIL(FG_EFORMAT,
                     "%s: no root attribute 'layer_names': not a Keras weight file (as written "
                     "by Keras save_weights)", path);
        goto done;
    }
    FG_CHECK_GOTO(st, fg_i_h5_read_strings(root, "layer_names", true, path,
                                           "root attribute 'layer_names'", &names, &nl));
    if (!listed(names, nl, "fc1") && !listed(names, nl, "fc2") && listed(names, nl, "block5_conv3")) {
        st = FG_FAIL(FG_EFORMAT,
                     "%s: this is the VGG16 'notop' weight file (layer_names has no fc1/fc2): the "
                     "full-network embedding needs fc6/fc7 (Keras fc1/fc2); use "
                     "vgg16_weights_tf_dim_ordering_tf_kernels.h5", path);
        goto done;
    }
    plan = fg_calloc(2 * FG_VGG16_LAYERS, sizeof *plan);
    if (!plan) {
        st = FG_ENOMEM;
        goto done;
    }
    for (int64_t i = 0; i < nl; i++) {
        const char *layer = names[i];
        char label[320];
        snprintf(label, sizeof label, "attribute 'weight_names' of group %s/%s", rootname, layer);
        if (H5Lexists(root, layer, H5P_DEFAULT) <= 0 || (g = H5Gopen2(root, layer, H5P_DEFAULT)) < 0) {
            st = FG_FAIL(FG_ENOTFOUND, "%s: layer_names lists '%s' but there is no group %s/%s",
                         path, layer, rootname, layer);
            goto done;
        }
        FG_CHECK_GOTO(st, fg_i_h5_read_strings(g, "weight_names", true, path, label, &wn, &nw));
        H5Gclose(g);
        g = H5I_INVALID_HID;
        if (nw > 0) {
            int l = fg_i_vgg16_layer_by_keras(layer);
            if (l < 0 && strcmp(layer, "predictions") != 0) {
                st = FG_FAIL(FG_EFORMAT,
                             "%s: layer '%s' has weights but VGG16 has no such layer (the weight "
                             "file of another network, e.g. VGG19?)", path, layer);
                goto done;
            }
            if (l >= 0) {
                if (seen[l]) {
                    st = FG_FAIL(FG_EFORMAT, "%s: layer_names lists '%s' twice", path, layer);
                    goto done;
                }
                if (nw != 2) {
                    st = FG_FAIL(FG_EFORMAT,
                                 "%s: weight_names of %s/%s lists %lld datasets, expected 2 "
                                 "(kernel, bias)", path, rootname, layer, (long long)nw);
                    goto done;
                }
                for (int k = 0; k < 2; k++)
                    FG_CHECK_GOTO(st, plan_dataset(root, rootname, path, layer, wn[k], l, k,
                                                   &plan[2 * l + k]));
                seen[l] = 1;
            }
        }
        fg_free(wn);
        wn = NULL;
    }
    for (int l = 0; l < FG_VGG16_LAYERS; l++) {
        const fg_vgg16_layer *L = &fg_vgg16_layers[l];
        if (seen[l]) continue;
        if (!listed(names, nl, L->keras))
            st = FG_FAIL(FG_ENOTFOUND, "%s: layer_names has no '%s' (%s), a layer the FNE needs",
                         path, L->keras, L->name);
        else
            st = FG_FAIL(FG_EFORMAT, "%s: layer %s/%s (%s) has no weights (empty weight_names)",
                         path, rootname, L->keras, L->name);
        goto done;
    }

    /* every dataset described as expected; now its data */
    for (int i = 0; i < 2 * FG_VGG16_LAYERS; i++)
        if (plan[i].empty) {
            st = FG_FAIL(FG_EFORMAT, "%s: %s has no data (created but never written)", path,
                         plan[i].label);
            goto done;
        }
    int nreg = 0;
    for (int l = 0; l < FG_VGG16_LAYERS; l++) {
        out->kernel[l] = fg_alloc(fg_vgg16_kernel_size(l), sizeof(float));
        out->bias[l] = fg_alloc((size_t)fg_vgg16_layers[l].cout, sizeof(float));
        if (!out->kernel[l] || !out->bias[l]) {
            st = FG_ENOMEM;
            goto done;
        }
        for (int k = 0; k < 2; k++) {
            ds_plan *p = &plan[2 * l + k];
            p->dest = k ? out->bias[l] : out->kernel[l];
            if (p->direct) {
                regions[nreg++] = (fg_i_region){p->offset, p->bytes, p->dest, p->label};
                continue;
            }
            hid_t d = H5Dopen2(root, p->h5path, H5P_DEFAULT);
            herr_t rc = d < 0 ? -1 : H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, p->dest);
            if (d >= 0) H5Dclose(d);
            if (rc < 0) {
                st = FG_FAIL(FG_EFORMAT, "%s: cannot read %s (corrupt or truncated file?)", path,
                             p->label);
                goto done;
            }
        }
    }
    H5Gclose(root);
    root = H5I_INVALID_HID;
    H5Fclose(f);
    f = H5I_INVALID_HID;
    qsort(regions, (size_t)nreg, sizeof regions[0], by_offset);
    FG_CHECK_GOTO(st, fg_i_read_hashed(path, regions, (size_t)nreg, out->sha256));
done:
    fg_free(wn);
    fg_free(names);
    fg_free(plan);
    if (g >= 0) H5Gclose(g);
    if (root >= 0) H5Gclose(root);
    if (f >= 0) H5Fclose(f);
    fg_i_h5_quiet_end(&q);
    if (st != FG_OK) fg_weights_destroy(out);
    return st;
}
