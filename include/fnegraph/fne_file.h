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

/* The fields of fg_fne_meta, once (fg_fne carries them under their names too). */
#define FG_FNE_META_FIELDS_                                                                    \
    const char *dataset;        /* adapter kind: folder, mit67, flowers102, textures, wood */ \
    const char *split;          /* all, train, val, test */                                   \
    const char *preprocess;     /* caffe | raw */                                             \
    const char *resize;         /* direct | crop */                                           \
    const char *weights_sha256; /* of the weight file */                                      \
    const char *conv;           /* direct | winograd; NULL when writing: direct */            \
    const char *precision;      /* f32 | bf16; NULL when writing: f32 */

/* What produced an FNE file: the root attributes a cache is reused by
 * (docs/formats.md; beside them a file holds the informative
 * fnegraph_version and impl). The one description of them that the writer
 * takes, the readers fill and caches are checked with. A meta the caller
 * fills points at the caller's strings; one filled by fg_fne_read_meta owns
 * them (free with fg_fne_meta_destroy), as fg_fne owns its own (freed by
 * fg_fne_destroy). A file without conv/precision reads as f32 direct, one
 * without split as "all". */
typedef struct fg_fne_meta {
    FG_FNE_META_FIELDS_
} fg_fne_meta;

/* The attributes fg_fne_meta_diff_find compares, in this order. */
enum {
    FG_FNE_META_DATASET = 1 << 0,
    FG_FNE_META_SPLIT = 1 << 1,
    FG_FNE_META_PREPROCESS = 1 << 2,
    FG_FNE_META_RESIZE = 1 << 3,
    FG_FNE_META_WEIGHTS = 1 << 4, /* weights_sha256 */
    FG_FNE_META_CONV = 1 << 5,
    FG_FNE_META_PRECISION = 1 << 6,
    FG_FNE_META_MODE = FG_FNE_META_CONV | FG_FNE_META_PRECISION,
    FG_FNE_META_ALL = (1 << 7) - 1 /* what a cache must match to be reused for a job */
};

/* Where two metas differ: the attribute's name as in the file ("dataset",
 * "weights_sha256", ...) and the two values. */
typedef struct fg_fne_meta_diff {
    const char *what, *have, *want;
} fg_fne_meta_diff;

/* Compare the attributes of `which` (FG_FNE_META_* bits) in the order above;
 * a NULL conv/precision counts as direct/f32, a NULL string elsewhere as "".
 * Returns true at the first one that differs, described in *d (which may be
 * NULL; its strings point into have, want or static text); false when all
 * match. */
FG_API bool fg_fne_meta_diff_find(const fg_fne_meta *have, const fg_fne_meta *want, unsigned which, fg_fne_meta_diff *d);

/* Read only the root attributes of an FNE file and the number of rows of
 * /fne (its shape is checked, its values are not read); n_rows may be NULL.
 * The unfinished work file is refused as fg_fne_read refuses it. Errors name
 * the file. Free with fg_fne_meta_destroy. */
FG_API fg_status fg_fne_read_meta(const char *path, fg_fne_meta *meta, int64_t *n_rows);
/* Free the strings of a meta filled by fg_fne_read_meta and zero it
 * (accepts a zeroed one; never give it a meta of the caller's strings). */
FG_API void fg_fne_meta_destroy(fg_fne_meta *meta);

/* An FNE matrix in memory. */
typedef struct fg_fne {
    int64_t n;             /* images (rows) */
    float *x;              /* [n][FG_FNE_DIM]; NULL after fg_fne_read_header */
    int32_t *label;        /* [n] class index */
    char **path;           /* [n] */
    int n_classes;
    char **class_names;    /* [n_classes] */
    int64_t n_failed;
    char **failed_path;    /* [n_failed] */
    union {                /* the file's attributes, as f.meta or by name (f.dataset, f.conv, ...) */
        fg_fne_meta meta;
        struct {
            FG_FNE_META_FIELDS_
        };
    };
} fg_fne;

/* Read a whole FNE file; errors name the file and the dataset. */
FG_API fg_status fg_fne_read(const char *path, fg_fne *out);
/* Everything of an FNE file but its matrix: labels, paths, class names,
 * failures and attributes, every shape and label checked; out->x stays NULL. */
FG_API fg_status fg_fne_read_header(const char *path, fg_fne *out);
/* Free; accepts a zeroed or half-built object and leaves it zeroed. */
FG_API void fg_fne_destroy(fg_fne *f);

/* The mode an FNE file (or its unfinished PATH.partial) was extracted in:
 * conv and precision as in its fg_fne_meta, and the informative impl. */
enum { FG_FNE_IMPL_MAX = 4096 };
typedef struct fg_fne_mode {
    char conv[16];      /* "direct" or "winograd" ("direct" when the file predates modes) */
    char precision[16]; /* "f32" or "bf16" ("f32" likewise) */
    char impl[FG_FNE_IMPL_MAX]; /* oneDNN implementation per step, "" when not recorded */
} fg_fne_mode;
/* Read only the root attributes; errors name the file. */
FG_API fg_status fg_fne_read_mode(const char *path, fg_fne_mode *out);

typedef struct fg_fne_writer fg_fne_writer;

/* Start writing the FNE of n_inputs images (the full list, in order, with
 * their labels), or resume an interrupted run of the same job: same meta, same
 * paths and labels. *next_input receives the index of the first input not yet
 * stored (0 for a new file). A file at `path` from a different job is an error
 * that says what differs; a finished file is reported as FG_OK with
 * *next_input == n_inputs. chunk_rows: rows a chunk (flush unit). */
FG_API fg_status fg_fne_writer_open(const char *path, const fg_fne_meta *meta, int64_t n_inputs,
                             const char *const *paths, const int32_t *labels,
                             const char *const *class_names, int n_classes, int64_t chunk_rows,
                             fg_fne_writer **out, int64_t *next_input);
/* Record the oneDNN implementation of every step of the net that computes
 * the rows (attribute impl; see fg_net_impl_string). A resumed run whose net
 * got other implementations appends " | resumed: <impl>" (when it fits). */
FG_API fg_status fg_fne_writer_set_impl(fg_fne_writer *w, const char *impl);
/* Store the result of the next input, in order: its FNE row, or row == NULL
 * when it failed (the path is then listed in /failed_path). Durable (flushed)
 * at every chunk boundary. */
FG_API fg_status fg_fne_writer_put(fg_fne_writer *w, const float *row);
/* After the last input: write the final file at `path` and remove the
 * working state. The writer is still to be freed with fg_fne_writer_close. */
FG_API fg_status fg_fne_writer_finish(fg_fne_writer *w);
/* Close without finishing, for a later resume: the rows put since the last
 * chunk boundary are flushed first, so a resume starts after the last row put
 * (after a crash: after the last complete chunk). NULL is fine. */
FG_API void fg_fne_writer_close(fg_fne_writer *w);

#ifdef __cplusplus
}
#endif
#endif
