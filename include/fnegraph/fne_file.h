/* The FNE cache file (docs/formats.md):
 *   /fne          float32 [N][12416], chunked by rows
 *   /label        int32 [N]
 *   /path         strings [N]   (relative to the dataset root)
 *   /class_names  strings [C]
 *   /failed_path  strings [K]   images that could not be decoded (may be empty)
 *   attributes    weights_sha256, preprocess, resize, dataset (+ split, root,
 *                 software version), conv (direct | winograd) and precision
 *                 (f32 | bf16) of the net, impl (the oneDNN implementation of
 *                 every step, "conv1_1:brgconv:avx512_core; ...", not compared)
 * Extraction writes it chunk by chunk through fg_fne_writer, so that an
 * interrupted run resumes after the last complete chunk and ends with a file
 * identical to an uninterrupted run. */
#ifndef FNEGRAPH_FNE_FILE_H
#define FNEGRAPH_FNE_FILE_H

#include "fnegraph/error.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What produced an FNE file; a cache is reused only when all of it matches. */
typedef struct fg_fne_meta {
    const char *dataset;        /* adapter kind: folder, mit67, flowers102, textures, wood */
    const char *split;          /* all, train, test */
    const char *preprocess;     /* caffe | raw */
    const char *resize;         /* direct | crop */
    const char *weights_sha256; /* of the weight file */
    const char *conv;           /* direct | winograd; NULL: direct */
    const char *precision;      /* f32 | bf16; NULL: f32 */
} fg_fne_meta;

/* An FNE matrix in memory. */
typedef struct fg_fne {
    int64_t n;             /* images (rows) */
    float *x;              /* [n][FG_FNE_DIM] */
    int32_t *label;        /* [n] class index */
    char **path;           /* [n] */
    int n_classes;
    char **class_names;    /* [n_classes] */
    int64_t n_failed;
    char **failed_path;    /* [n_failed] */
    char dataset[32], split[16], preprocess[16], resize[16], weights_sha256[65];
    char conv[16], precision[16]; /* the net's mode ("direct", "f32" for files without them) */
} fg_fne;

/* Read a whole FNE file; errors name the file and the dataset. */
fg_status fg_fne_read(const char *path, fg_fne *out);
/* Free; accepts a zeroed or half-built object and leaves it zeroed. */
void fg_fne_destroy(fg_fne *f);

/* The mode an FNE file (or its unfinished PATH.partial) was extracted in. */
enum { FG_FNE_IMPL_MAX = 4096 };
typedef struct fg_fne_mode {
    char conv[16];      /* "direct" or "winograd" ("direct" when the file predates modes) */
    char precision[16]; /* "f32" or "bf16" ("f32" likewise) */
    char impl[FG_FNE_IMPL_MAX]; /* oneDNN implementation per step, "" when not recorded */
} fg_fne_mode;
/* Read only the root attributes; errors name the file. */
fg_status fg_fne_read_mode(const char *path, fg_fne_mode *out);

typedef struct fg_fne_writer fg_fne_writer;

/* Start writing the FNE of n_inputs images (the full list, in order, with
 * their labels), or resume an interrupted run of the same job: same meta, same
 * paths and labels. *next_input receives the index of the first input not yet
 * stored (0 for a new file). A file at `path` from a different job is an error
 * that says what differs; a finished file is reported as FG_OK with
 * *next_input == n_inputs. chunk_rows: rows a chunk (flush unit). */
fg_status fg_fne_writer_open(const char *path, const fg_fne_meta *meta, int64_t n_inputs,
                             const char *const *paths, const int32_t *labels,
                             const char *const *class_names, int n_classes, int64_t chunk_rows,
                             fg_fne_writer **out, int64_t *next_input);
/* Record the oneDNN implementation of every step of the net that computes
 * the rows (attribute impl; see fg_net_impl_string). A resumed run whose net
 * got other implementations appends " | resumed: <impl>" (when it fits). */
fg_status fg_fne_writer_set_impl(fg_fne_writer *w, const char *impl);
/* Store the result of the next input, in order: its FNE row, or row == NULL
 * when it failed (the path is then listed in /failed_path). Durable (flushed)
 * at every chunk boundary. */
fg_status fg_fne_writer_put(fg_fne_writer *w, const float *row);
/* After the last input: write the final file at `path` and remove the
 * working state. The writer is still to be freed with fg_fne_writer_close. */
fg_status fg_fne_writer_finish(fg_fne_writer *w);
/* Close without finishing, for a later resume: the rows put since the last
 * chunk boundary are flushed first, so a resume starts after the last row put
 * (after a crash: after the last complete chunk). NULL is fine. */
void fg_fne_writer_close(fg_fne_writer *w);

#ifdef __cplusplus
}
#endif
#endif
