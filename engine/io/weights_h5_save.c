/* Write VGG16 weights in exactly the Keras layout of the real file
 * (docs/method.md §2; see weights_h5.c): layer_names with the weightless layers,
 * one group a layer with weight_names (Keras's empty float64 array for
 * weightless layers), contiguous float32 datasets <layer>_W_1:0 and
 * <layer>_b_1:0. Object time stamps are off, so the same weights give the
 * same bytes. Written to <path>.tmp by a child process (io/isolated_write.h:
 * a full disk is an error naming the file, never a crash in libhdf5), synced,
 * renamed: an earlier file at <path> stays whole until the new one is. One
 * writer a file (<path>.lock). Cost: one write of ~553 MB (with fc8) or
 * ~537 MB (without). */
#include "io/weights_h5.h"

#include "core/file_guard.h"
#include "io/isolated_write.h"

#include "fnegraph/mem.h"
#include "fnegraph/weights.h"
#include "io/h5_helpers.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static fg_status write_array(hid_t g, const char *file, const char *layer, const char *name,
                             int rank, const hsize_t *dims, const float *data)
{
    fg_status st = FG_OK;
    hid_t space = H5Screate_simple(rank, dims, NULL), dcpl = fg_i_h5_dcpl_untimed();
    hid_t d = H5I_INVALID_HID;
    if (space >= 0 && dcpl >= 0)
        d = H5Dcreate2(g, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (d < 0 || H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        st = FG_FAIL(FG_EIO, "%s: cannot write dataset /%s/%s (disk full?)", file, layer, name);
    if (d >= 0) H5Dclose(d);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    return st;
}

static fg_status write_layer(hid_t f, const char *file, const char *layer, const float *kernel,
                             const float *bias, int l)
{
    fg_status st = FG_OK;
    hid_t gcpl = fg_i_h5_gcpl_untimed(), g = H5I_INVALID_HID;
    char wname[2][64];
    const char *wn[2] = {wname[0], wname[1]};
    hsize_t dims[4];
    if (gcpl >= 0) g = H5Gcreate2(f, layer, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    if (g < 0) {
        st = FG_FAIL(FG_EIO, "%s: cannot create group /%s", file, layer);
        goto done;
    }
    if (!kernel) {
        st = fg_i_h5_write_attr_fixed_strings(g, "weight_names", NULL, 0, file);
        goto done;
    }
    snprintf(wname[0], sizeof wname[0], "%s_W_1:0", layer);
    snprintf(wname[1], sizeof wname[1], "%s_b_1:0", layer);
    FG_CHECK_GOTO(st, fg_i_h5_write_attr_fixed_strings(g, "weight_names", wn, 2, file));
    for (int k = 0; k < 2; k++) {
        int rank = fg_i_weight_shape(l, k, dims);
        FG_CHECK_GOTO(st, write_array(g, file, layer, wname[k], rank, dims, k ? bias : kernel));
    }
done:
    if (g >= 0) H5Gclose(g);
    if (gcpl >= 0) H5Pclose(gcpl);
    return st;
}

typedef struct save_job {
    const char *tmp;
    const fg_weights *w;
} save_job;

/* The whole file at job->tmp (run in a child: isolated_write.h). */
static fg_status save_child(void *ctx)
{
    const save_job *job = ctx;
    const char *tmp = job->tmp;
    const fg_weights *w = job->w;
    fg_status st = FG_OK;
    hid_t fcpl = fg_i_h5_fcpl_untimed(), f = H5I_INVALID_HID;
    if (fcpl >= 0) f = H5Fcreate(tmp, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
    if (fcpl >= 0) H5Pclose(fcpl);
    if (f < 0) return FG_FAIL(FG_EIO, "%s: cannot create the file (folder missing or not writable?)", tmp);
    int n = w->fc8_kernel ? FG_I_KERAS_LAYERS : FG_I_KERAS_LAYERS - 1;
    FG_CHECK_GOTO(st, fg_i_h5_write_attr_fixed_strings(f, "layer_names", fg_i_keras_layers, n, tmp));
    for (int i = 0; i < n; i++) {
        const char *layer = fg_i_keras_layers[i];
        int l = fg_i_vgg16_layer_by_keras(layer);
        if (l >= 0)
            st = write_layer(f, tmp, layer, w->kernel[l], w->bias[l], l);
        else if (!strcmp(layer, "predictions"))
            st = write_layer(f, tmp, layer, w->fc8_kernel, w->fc8_bias, FG_VGG16_LAYERS);
        else
            st = write_layer(f, tmp, layer, NULL, NULL, -1);
        if (st != FG_OK) goto done;
    }
done:
    if (H5Fclose(f) < 0 && st == FG_OK)
        st = FG_FAIL(FG_EIO, "%s: HDF5 could not complete the file (disk full?)", tmp);
    return st;
}

fg_status fg_weights_save(const char *path, const fg_weights *w)
{
    fg_status st = FG_OK;
    fg_i_h5_quiet q;
    fg_i_lock lock = FG_I_LOCK_INIT;
    char *tmp = NULL;
    if (!path || !w) return FG_FAIL(FG_EINVAL, "fg_weights_save: null argument");
    for (int l = 0; l < FG_VGG16_LAYERS; l++)
        if (!w->kernel[l] || !w->bias[l])
            return FG_FAIL(FG_EINVAL, "fg_weights_save(%s): layer %s has no weights", path,
                           fg_vgg16_layers[l].keras);
    if (!w->fc8_kernel != !w->fc8_bias)
        return FG_FAIL(FG_EINVAL, "fg_weights_save(%s): fc8 needs both kernel and bias", path);
    FG_CHECK_GOTO(st, fg_i_output_file(path, "the weight file"));
    tmp = fg_i_path_with_suffix(path, ".tmp");
    if (!tmp) return FG_FAIL(FG_ENOMEM, "%s: out of memory", path);
    FG_CHECK_GOTO(st, fg_i_output_file(tmp, "the weight file being written"));
    FG_CHECK_GOTO(st, fg_i_lock_take(path, &lock));
    fg_i_h5_quiet_begin(&q);
    save_job job = {tmp, w};
    st = fg_i_isolated_write(save_child, &job, tmp);
    if (st == FG_OK) st = fg_i_file_commit(tmp, path);
    if (st != FG_OK) {
        unlink(tmp);
        st = FG_FAIL(st, "%s; %s was not written", fg_last_error(), path);
    }
    fg_i_h5_quiet_end(&q);
done:
    fg_i_lock_release(&lock);
    fg_free(tmp);
    return st;
}
