/* Extraction: a dataset's images -> the FNE cache file, the pipeline's first
 * composition (fnegraph/pipeline.h, README "Architecture"). The next batch is decoded by the net's own threads
 * between forward passes, or on a thread of its own while the net runs when
 * the net leaves a core free; rows go to the resumable FNE writer in input
 * order, so an interrupted extraction resumes where it stopped. */
#ifndef FNEGRAPH_EXTRACT_H
#define FNEGRAPH_EXTRACT_H

#include "fnegraph/dataset.h"
#include "fnegraph/image.h"
#include "fnegraph/net.h"
#include "fnegraph/vgg16.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Who decodes the next batch of images. */
typedef enum fg_decode_mode {
    FG_DECODE_AUTO = 0, /* THREAD when the net's threads leave a core free, else TEAM */
    FG_DECODE_TEAM,     /* the net's threads, between forward passes, an image a thread */
    FG_DECODE_THREAD    /* one thread of its own, while the net runs the current batch
                           (the first batch, with nothing to overlap, by the team) */
} fg_decode_mode;

typedef struct fg_extract_opts {
    int batch;                  /* images per forward pass; 0: 8 */
    int threads;                /* threads of the forward pass; 0: all */
    fg_resize_mode resize;
    fg_preprocess preprocess;
    const char *split;          /* recorded in the file: "all", "train", "test"; NULL: "all" */
    bool strict;                /* the first undecodable image is an error */
    int64_t chunk_rows;         /* rows a flush; 0: 64 */
    fg_conv_algo conv;          /* the net's mode (net.h); zero: f32 direct. Recorded in the */
    fg_precision precision;     /* file (conv, precision, impl); a file or partial file of */
                                /* another mode is refused, never reused or resumed */
    /* called after every batch (done counts resumed inputs too); may be NULL */
    void (*progress)(void *ctx, int64_t done, int64_t total);
    void *progress_ctx;
    /* when it becomes non-zero the extraction stops after the current batch,
     * keeping what was written for a later resume (FG_EINTERRUPTED) */
    volatile sig_atomic_t *cancel;
    fg_decode_mode decode;      /* zero: FG_DECODE_AUTO; the rows do not depend on it;
                                   another value is FG_EINVAL */
    /* A shard: only the inputs [first, first + count) of the dataset (count 0:
     * to the end), written as a file of their own, resumable as any other; its
     * rows are those rows of the whole dataset's file. Zero: every input. */
    int64_t first, count;
} fg_extract_opts;

typedef struct fg_extract_result {
    int64_t n_inputs;     /* images of the dataset (of the shard) */
    int64_t n_resumed;    /* inputs already in the file when this run started */
    int64_t n_done;       /* inputs processed by this run */
    int64_t n_failed;     /* of those, undecodable (listed below and in /failed_path) */
    char **failed;        /* [n_failed] "path: reason" */
    double seconds;       /* wall time of this run's processing */
    double seconds_forward; /* of which in the network */
    bool already_complete;  /* the file was finished before this run */
} fg_extract_result;

/* Extract the FNE of every image of ds with the weights w (w->sha256 is
 * recorded; the net is built from w and freed before returning) into
 * out_path. An existing finished file of the same job is left as it is.
 * The mode is planned first (fg_net_check_mode: the caller shows its
 * warning): FG_EUNSUPPORTED before any file is touched when this CPU cannot
 * run it. The mode recorded (and compared with an existing file) is the
 * planned one: Winograd asked on a CPU without it records and runs direct. */
FG_API fg_status fg_extract_run(const fg_dataset *ds, const fg_weights *w, const char *out_path,
                         const fg_extract_opts *opts, fg_extract_result *res);
/* Free the failure list; accepts a zeroed result. */
FG_API void fg_extract_result_destroy(fg_extract_result *res);

#ifdef __cplusplus
}
#endif
#endif
