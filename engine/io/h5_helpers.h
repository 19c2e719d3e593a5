/* HDF5 helpers shared by the file formats of fnegraph (weights, FNE cache):
 * a quiet error stack, a pre-flight check of a file that turns "HDF5 cannot
 * open it" into a reason (missing, empty, not HDF5, truncated), string
 * datasets and attributes (fixed- or variable-length, empty of any type),
 * and durable commits (fsync, rename, fsync of the folder). */
#ifndef FNEGRAPH_IO_H5_HELPERS_H
#define FNEGRAPH_IO_H5_HELPERS_H

#include "fnegraph/error.h"

#include <hdf5.h>
#include <stdbool.h>
#include <stdint.h>

/* The caller's HDF5 automatic error printing, saved while fnegraph silences it. */
typedef struct fg_i_h5_quiet {
    H5E_auto2_t func;
    void *data;
} fg_i_h5_quiet;

void fg_i_h5_quiet_begin(fg_i_h5_quiet *q);
void fg_i_h5_quiet_end(const fg_i_h5_quiet *q);

/* Check that path is a readable, complete HDF5 file before HDF5 opens it:
 * a regular file (core/file_guard.h: a FIFO or device is refused, never
 * opened), not empty, with an HDF5 superblock whose end-of-file address the
 * file reaches; then fg_i_h5_vet. what names the expected content in
 * messages ("a Keras weight file"). On success *size (when not NULL)
 * receives the file size. Every HDF5 reader calls it before H5Fopen. */
fg_status fg_i_h5_probe(const char *path, const char *what, int64_t *size);

/* Let libhdf5 parse path (file_size bytes) in a short-lived child process
 * (fork, no exec) that touches everything the readers touch, under a time
 * limit (FNEGRAPH_H5_VET_SECONDS, default 5; up to 3 decimals, 0.25; 0 skips
 * the check) and a memory limit: a child that crashes, hangs or finds the file inconsistent becomes
 * FG_EFORMAT "<path>: damaged HDF5 file: libhdf5 crashed (signal N) reading
 * its metadata; delete it and rerun" (or "timed out after S s", or "libhdf5
 * refused it: <what>"); an HDF5 file that is not self-contained (external
 * links or storage, virtual datasets) is refused too. A file H5Fopen itself
 * refuses passes, for the reader to say why. Must not run while another
 * thread is inside HDF5 (h5_vet.c). */
fg_status fg_i_h5_vet(const char *path, int64_t file_size);

/* Bound an allocation by what the file can hold: np values of the file type
 * of dataset (is_attr false) or attribute (is_attr true) id must fit in the
 * file's size (a filtered dataset: 1032 times it, deflate's best ratio), so a
 * small damaged file cannot make a reader allocate gigabytes. FG_EFORMAT
 * "<file>: <label> declares N values (B bytes), more than the file's S bytes
 * can hold (a damaged file?)". */
fg_status fg_i_h5_check_extent(hid_t id, bool is_attr, uint64_t np, const char *file, const char *label);

/* Read a 1-D (or scalar) string dataset (is_attr false) or attribute
 * (is_attr true) of obj: fixed- or variable-length. An empty dataspace (no
 * points, or the null dataspace) of any type gives *n = 0. *out is one
 * fg_alloc'd block (the pointer table followed by the strings): free it with
 * fg_free; the count is bounded first (fg_i_h5_check_extent). Messages read
 * "<file>: <label> ...", so label names the thing:
 * "dataset /path", "attribute 'weight_names' of group /fc1". */
fg_status fg_i_h5_read_strings(hid_t obj, const char *name, bool is_attr, const char *file,
                               const char *label, char ***out, int64_t *n);
/* Read a scalar string attribute into buf (bufsize with the terminator). */
fg_status fg_i_h5_read_attr_str(hid_t obj, const char *name, const char *file, char *buf,
                                size_t bufsize);

/* A variable-length UTF-8 string dataset name[n] (contiguous, no time stamps). */
fg_status fg_i_h5_write_strings(hid_t loc, const char *name, const char *const *s, int64_t n,
                                const char *file);
/* A scalar variable-length UTF-8 string attribute. */
fg_status fg_i_h5_write_attr_str(hid_t obj, const char *name, const char *value, const char *file);
/* An attribute of n fixed-length, null-padded ASCII strings, as numpy's 'S'
 * arrays (what Keras writes); n = 0 writes Keras's empty float64 array. */
fg_status fg_i_h5_write_attr_fixed_strings(hid_t obj, const char *name, const char *const *s,
                                           int n, const char *file);

/* Property lists that switch object time stamps off, so that the same
 * content gives the same bytes (H5P_DEFAULT-like otherwise). */
hid_t fg_i_h5_fcpl_untimed(void);
hid_t fg_i_h5_gcpl_untimed(void);
hid_t fg_i_h5_dcpl_untimed(void);

/* "float32", "float64", "int32", "string", ... for messages. */
const char *fg_i_h5_type_name(hid_t type, char *buf, size_t n);

/* H5Fflush, then fsync of the file's descriptor: what was written survives a
 * crash of the process and of the machine. */
fg_status fg_i_h5_sync(hid_t file, const char *path);

/* fsync(tmp), rename(tmp, path), fsync of path's folder. */
fg_status fg_i_file_commit(const char *tmp, const char *path);

/* malloc'd "<path><suffix>" (NULL and FG_ENOMEM recorded when out of memory). */
char *fg_i_path_with_suffix(const char *path, const char *suffix);

#endif
