/* Internal: pieces of the FNE cache format (fne_file.c) that the writer
 * (fne_writer.c) shares. */
#ifndef FNEGRAPH_IO_FNE_FILE_I_H
#define FNEGRAPH_IO_FNE_FILE_I_H

#include "fnegraph/fne_file.h"

#include <hdf5.h>

/* Root attribute that marks PATH.partial, the work file of an unfinished run. */
#define FG_I_FNE_WORK_MARK "fnegraph_work_file"

/* Rows in one HDF5 chunk of the final /fne (12416 floats a row: 3.2 MB). */
enum { FG_I_FNE_CHUNK_ROWS = 64 };

/* An owned copy of the job's meta as the writer records it (free with
 * fg_fne_meta_destroy): conv/precision NULL become direct/f32; a missing or
 * over-long field (longer than a reader accepts) is an FG_EINVAL naming it. */
fg_status fg_i_fne_meta_for_job(const fg_fne_meta *job, fg_fne_meta *out);
/* The root attributes of an FNE file (the final one and the partial one):
 * the meta (then owning its strings), and into the buffers given (each may
 * be NULL) fnegraph_version ("unknown" when absent) and impl ("" when absent). */
fg_status fg_i_fne_read_attrs(hid_t f, const char *file, fg_fne_meta *m, char *version, size_t version_size,
                              char *impl, size_t impl_size);
/* The meta, this build's fnegraph_version and impl (not written when NULL or ""). */
fg_status fg_i_fne_write_attrs(hid_t f, const char *file, const fg_fne_meta *m, const char *impl);
/* First difference between a file (have; its version when have_version is
 * not NULL, else the version is not compared) and the job (want) as text:
 * "preprocess is 'raw' there, 'caffe' now"; returns 0 when they match. A
 * different mode (conv, precision) is reported first, naming both modes. */
int fg_i_fne_meta_why(const fg_fne_meta *have, const char *have_version, const fg_fne_meta *want, char *why,
                      size_t n);
/* A 1-D integer dataset of exactly n values, as int32. */
fg_status fg_i_fne_read_int32(hid_t f, const char *name, const char *file, int64_t n, int32_t **out);

/* The writer's final file is in place: it was finished before open (the
 * next input is then n_inputs) or by fg_fne_writer_finish. A writer whose
 * every input is stored but which is not finished (a work file complete
 * before a failed or interrupted finish) still needs fg_fne_writer_finish. */
bool fg_i_fne_writer_finished(const fg_fne_writer *w);

/* A 1-D int32 dataset name[n] (no time stamps); errors name file. */
fg_status fg_i_fne_write_int32(hid_t f, const char *name, const int32_t *v, int64_t n, const char *file);
/* The final FNE file at tmp (fne_final.c) from the work file partial: its
 * rows are float32 [n][12416] at byte offset off_fne of the open descriptor
 * fd; status[i] is 1 for a stored row, else the input failed. paths, labels:
 * the n inputs; meta and impl: the root attributes. */
fg_status fg_i_fne_write_final(const char *tmp, const char *partial, int fd, int64_t off_fne, int64_t n,
                               const uint8_t *status, const char *const *paths, const int32_t *labels,
                               const char *const *class_names, int n_classes, const fg_fne_meta *meta,
                               const char *impl);

#endif
