/* The results file: appendable HDF5 compound tables /graphs and /runs.
 * Each append extends the dataset by one row, writes it and flushes the file:
 * between appends the file on disk is complete, so killing a sweep loses at
 * most the row being written. The whole table is also kept in memory for the
 * "already done?" lookups of a resumed sweep (O(rows) per lookup). */
#include "fnegraph/mem.h"
#include "fnegraph/results.h"
#include "h5_helpers.h"

#include <hdf5.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fg_results {
    char *path;
    hid_t file, graphs, runs, graph_type, run_type;
    fg_graph_row *g;
    int64_t ng, capg;
    fg_run_row *r;
    int64_t nr, capr;
};

static hid_t str_type(size_t n)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, n);
    H5Tset_strpad(t, H5T_STR_NULLTERM);
    return t;
}

#define INS(t, s, f, ht) H5Tinsert(t, #f, offsetof(s, f), ht)

static hid_t make_graph_type(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(fg_graph_row));
    hid_t s64 = str_type(64);
    INS(t, fg_graph_row, dataset, s64);
    INS(t, fg_graph_row, lo, H5T_NATIVE_DOUBLE);
    INS(t, fg_graph_row, hi, H5T_NATIVE_DOUBLE);
    INS(t, fg_graph_row, k, H5T_NATIVE_DOUBLE);
    INS(t, fg_graph_row, n_images, H5T_NATIVE_INT64);
    INS(t, fg_graph_row, n_vertices, H5T_NATIVE_INT64);
    INS(t, fg_graph_row, n_vertices_nonisolated, H5T_NATIVE_INT64);
    INS(t, fg_graph_row, n_edges, H5T_NATIVE_INT64);
    INS(t, fg_graph_row, n_edges_if, H5T_NATIVE_INT64);
    INS(t, fg_graph_row, n_edges_ff, H5T_NATIVE_INT64);
    INS(t, fg_graph_row, n_components, H5T_NATIVE_INT64);
    INS(t, fg_graph_row, largest_component, H5T_NATIVE_INT64);
    INS(t, fg_graph_row, largest_component_images, H5T_NATIVE_INT64);
    INS(t, fg_graph_row, seconds_graph, H5T_NATIVE_DOUBLE);
    H5Tclose(s64);
    return t;
}

static hid_t make_run_type(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(fg_run_row));
    hid_t s64 = str_type(64), s16 = str_type(16);
    char name[32];
    INS(t, fg_run_row, dataset, s64);
    INS(t, fg_run_row, lo, H5T_NATIVE_DOUBLE);
    INS(t, fg_run_row, hi, H5T_NATIVE_DOUBLE);
    INS(t, fg_run_row, k, H5T_NATIVE_DOUBLE);
    INS(t, fg_run_row, communities, H5T_NATIVE_INT64);
    INS(t, fg_run_row, seed, H5T_NATIVE_INT64);
    INS(t, fg_run_row, variant, s16);
    INS(t, fg_run_row, n_images_scored, H5T_NATIVE_INT64);
    INS(t, fg_run_row, n_images_outside, H5T_NATIVE_INT64);
    INS(t, fg_run_row, sweeps, H5T_NATIVE_INT64);
    INS(t, fg_run_row, converged, H5T_NATIVE_INT32);
    for (int i = 0; i < FG_NORM_COUNT; i++) {
        snprintf(name, sizeof name, "nmi_%s", fg_norm_name((fg_norm)i));
        H5Tinsert(t, name, offsetof(fg_run_row, nmi) + (size_t)i * sizeof(double), H5T_NATIVE_DOUBLE);
    }
    for (int i = 0; i < FG_NORM_COUNT; i++) {
        snprintf(name, sizeof name, "ami_%s", fg_norm_name((fg_norm)i));
        H5Tinsert(t, name, offsetof(fg_run_row, ami) + (size_t)i * sizeof(double), H5T_NATIVE_DOUBLE);
    }
    INS(t, fg_run_row, seconds_fluidc, H5T_NATIVE_DOUBLE);
    INS(t, fg_run_row, seconds_score, H5T_NATIVE_DOUBLE);
    H5Tclose(s64);
    H5Tclose(s16);
    return t;
}

static const char *or_empty(const char *s) { return s ? s : ""; }

static hid_t create_table(hid_t file, const char *name, hid_t type)
{
    hsize_t dims[1] = {0}, maxd[1] = {H5S_UNLIMITED}, chunk[1] = {64};
    hid_t sp = H5Screate_simple(1, dims, maxd), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, chunk);
    H5Pset_obj_track_times(dcpl, 0);
    hid_t d = H5Dcreate2(file, name, type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(sp);
    return d;
}

/* Read every row of an existing table into a growable array. */
static fg_status load_table(hid_t d, hid_t type, size_t row_size, void **rows, int64_t *n, int64_t *cap,
                            const char *path, const char *name)
{
    hid_t sp = H5Dget_space(d);
    hsize_t dims[1] = {0};
    if (sp < 0 || H5Sget_simple_extent_ndims(sp) != 1) {
        if (sp >= 0) H5Sclose(sp);
        return FG_FAIL(FG_EFORMAT, "%s: /%s is not a one-dimensional table", path, name);
    }
    H5Sget_simple_extent_dims(sp, dims, NULL);
    H5Sclose(sp);
    *cap = (int64_t)dims[0] + 64;
    *rows = fg_calloc((size_t)*cap, row_size);
    if (!*rows) return FG_ENOMEM;
    *n = (int64_t)dims[0];
    if (dims[0] && H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, *rows) < 0)
        return FG_FAIL(FG_EFORMAT, "%s: cannot read /%s (fields do not match this fnegraph version?)",
                       path, name);
    return FG_OK;
}

static fg_status append(hid_t file, hid_t d, hid_t type, const void *row, void **rows, int64_t *n,
                        int64_t *cap, size_t row_size, const char *path, const char *name)
{
    if (*n == *cap) {
        int64_t nc = *cap ? 2 * *cap : 64;
        void *nr = fg_calloc((size_t)nc, row_size);
        if (!nr) return FG_ENOMEM;
        if (*n) memcpy(nr, *rows, (size_t)*n * row_size);
        fg_free(*rows);
        *rows = nr;
        *cap = nc;
    }
    hsize_t size[1] = {(hsize_t)*n + 1}, start[1] = {(hsize_t)*n}, count[1] = {1};
    if (H5Dset_extent(d, size) < 0) return FG_FAIL(FG_EIO, "%s: cannot extend /%s", path, name);
    hid_t fs = H5Dget_space(d), ms = H5Screate_simple(1, count, NULL);
    herr_t e = H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    if (e >= 0) e = H5Dwrite(d, type, ms, fs, H5P_DEFAULT, row);
    H5Sclose(ms);
    H5Sclose(fs);
    if (e < 0 || H5Fflush(file, H5F_SCOPE_GLOBAL) < 0)
        return FG_FAIL(FG_EIO, "%s: cannot write a row of /%s", path, name);
    memcpy((char *)*rows + (size_t)*n * row_size, row, row_size);
    (*n)++;
    return FG_OK;
}

fg_status fg_results_open(const char *path, const fg_results_attrs *attrs, fg_results **out)
{
    fg_status st = FG_OK;
    fg_results *r = NULL;
    if (!path || !out) return FG_FAIL(FG_EINVAL, "fg_results_open: null argument");
    *out = NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    r = calloc(1, sizeof *r);
    if (!r) return FG_FAIL(FG_ENOMEM, "out of memory");
    r->file = r->graphs = r->runs = -1;
    r->path = strdup(path);
    r->graph_type = make_graph_type();
    r->run_type = make_run_type();
    if (access(path, F_OK) == 0) {
        r->file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
        if (r->file < 0) {
            st = FG_FAIL(FG_EIO, "%s: exists but is not a writable HDF5 results file", path);
            goto done;
        }
        r->graphs = H5Dopen2(r->file, "graphs", H5P_DEFAULT);
        r->runs = H5Dopen2(r->file, "runs", H5P_DEFAULT);
        if (r->graphs < 0 || r->runs < 0) {
            st = FG_FAIL(FG_EFORMAT, "%s: not a results file (no /graphs or /runs table)", path);
            goto done;
        }
        FG_CHECK_GOTO(st, load_table(r->graphs, r->graph_type, sizeof(fg_graph_row), (void **)&r->g,
                                     &r->ng, &r->capg, path, "graphs"));
        FG_CHECK_GOTO(st, load_table(r->runs, r->run_type, sizeof(fg_run_row), (void **)&r->r, &r->nr,
                                     &r->capr, path, "runs"));
    } else {
        hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
        r->file = H5Fcreate(path, H5F_ACC_EXCL, fcpl, H5P_DEFAULT);
        H5Pclose(fcpl);
        if (r->file < 0) {
            st = FG_FAIL(FG_EIO, "%s: cannot create the results file (does its folder exist?)", path);
            goto done;
        }
        r->graphs = create_table(r->file, "graphs", r->graph_type);
        r->runs = create_table(r->file, "runs", r->run_type);
        if (r->graphs < 0 || r->runs < 0) {
            st = FG_FAIL(FG_EIO, "%s: cannot create the tables", path);
            goto done;
        }
        if (attrs) {
            char threads[16];
            snprintf(threads, sizeof threads, "%d", attrs->threads);
            FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(r->file, "config", or_empty(attrs->config_text), path));
            FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(r->file, "git_commit", or_empty(attrs->git_commit), path));
            FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(r->file, "cpu", or_empty(attrs->cpu), path));
            FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(r->file, "onednn_isa", or_empty(attrs->onednn_isa), path));
            FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(r->file, "kernels_isa", or_empty(attrs->kernels_isa), path));
            FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(r->file, "threads", threads, path));
            FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(r->file, "conv", attrs->conv ? attrs->conv : "direct", path));
            FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(r->file, "precision", attrs->precision ? attrs->precision : "f32",
                                                     path));
            FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(r->file, "impl", or_empty(attrs->impl), path));
        }
        FG_CHECK_GOTO(st, fg_i_h5_write_attr_str(r->file, "fnegraph_version", FNEGRAPH_VERSION, path));
        if (H5Fflush(r->file, H5F_SCOPE_GLOBAL) < 0) {
            st = FG_FAIL(FG_EIO, "%s: cannot flush", path);
            goto done;
        }
    }
done:
    if (st != FG_OK) {
        fg_results_close(r);
        r = NULL;
    }
    *out = r;
    return st;
}

fg_status fg_results_add_graph(fg_results *r, const fg_graph_row *row)
{
    return append(r->file, r->graphs, r->graph_type, row, (void **)&r->g, &r->ng, &r->capg,
                  sizeof *row, r->path, "graphs");
}

fg_status fg_results_add_run(fg_results *r, const fg_run_row *row)
{
    return append(r->file, r->runs, r->run_type, row, (void **)&r->r, &r->nr, &r->capr, sizeof *row,
                  r->path, "runs");
}

bool fg_results_has_graph(const fg_results *r, const char *dataset, double lo, double hi, double k)
{
    for (int64_t i = 0; i < r->ng; i++) {
        const fg_graph_row *g = &r->g[i];
        if (g->lo == lo && g->hi == hi && g->k == k && !strcmp(g->dataset, dataset)) return true;
    }
    return false;
}

bool fg_results_has_run(const fg_results *r, const char *dataset, double lo, double hi, double k,
                        int64_t communities, int64_t seed, const char *variant)
{
    for (int64_t i = 0; i < r->nr; i++) {
        const fg_run_row *x = &r->r[i];
        if (x->lo == lo && x->hi == hi && x->k == k && x->communities == communities && x->seed == seed &&
            !strcmp(x->dataset, dataset) && !strcmp(x->variant, variant))
            return true;
    }
    return false;
}

void fg_results_close(fg_results *r)
{
    if (!r) return;
    if (r->graphs >= 0) H5Dclose(r->graphs);
    if (r->runs >= 0) H5Dclose(r->runs);
    if (r->graph_type >= 0) H5Tclose(r->graph_type);
    if (r->run_type >= 0) H5Tclose(r->run_type);
    if (r->file >= 0) H5Fclose(r->file);
    fg_free(r->g);
    fg_free(r->r);
    free(r->path);
    free(r);
}

fg_status fg_results_read(const char *path, fg_graph_row **graphs, int64_t *n_graphs, fg_run_row **runs,
                          int64_t *n_runs)
{
    fg_status st = FG_OK;
    hid_t f = -1, d = -1, gt = make_graph_type(), rt = make_run_type();
    int64_t cap;
    *graphs = NULL;
    *runs = NULL;
    *n_graphs = *n_runs = 0;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        st = FG_FAIL(FG_EIO, "%s: cannot open (missing, or not an HDF5 file)", path);
        goto done;
    }
    d = H5Dopen2(f, "graphs", H5P_DEFAULT);
    if (d < 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: not a results file (no /graphs table)", path);
        goto done;
    }
    FG_CHECK_GOTO(st, load_table(d, gt, sizeof(fg_graph_row), (void **)graphs, n_graphs, &cap, path, "graphs"));
    H5Dclose(d);
    d = H5Dopen2(f, "runs", H5P_DEFAULT);
    if (d < 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: not a results file (no /runs table)", path);
        goto done;
    }
    FG_CHECK_GOTO(st, load_table(d, rt, sizeof(fg_run_row), (void **)runs, n_runs, &cap, path, "runs"));
done:
    if (d >= 0) H5Dclose(d);
    if (f >= 0) H5Fclose(f);
    H5Tclose(gt);
    H5Tclose(rt);
    if (st != FG_OK) {
        fg_free(*graphs);
        fg_free(*runs);
        *graphs = NULL;
        *runs = NULL;
        *n_graphs = *n_runs = 0;
    }
    return st;
}

fg_status fg_results_read_config(const char *path, char **text)
{
    fg_status st = FG_OK;
    char **s = NULL;
    int64_t n = 0;
    *text = NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return FG_FAIL(FG_EIO, "%s: cannot open (missing, or not an HDF5 file)", path);
    if (H5Aexists(f, "config") <= 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: not a results file (no 'config' attribute)", path);
        goto done;
    }
    FG_CHECK_GOTO(st, fg_i_h5_read_strings(f, "config", true, path, "attribute 'config'", &s, &n));
    const char *v = n > 0 && s[0] ? s[0] : "";
    *text = fg_alloc(strlen(v) + 1, 1);
    if (!*text) {
        st = FG_FAIL(FG_ENOMEM, "%s: config attribute", path);
        goto done;
    }
    memcpy(*text, v, strlen(v) + 1);
done:
    fg_free(s);
    H5Fclose(f);
    return st;
}
