/* The synthetic image set of `fnegraph demo-data` and `fnegraph demo`
 * (docs/formats.md): a class-per-folder tree of JPEGs whose classes differ in
 * colour and texture statistics, so that the pipeline has something to find
 * without any download. The images are generated, not photographs.
 *
 * Each class draws, from the seed, a hue (classes spread around the colour
 * wheel by the golden angle), a saturation and brightness, a grating period
 * (5..40 px, log-uniform) and orientation, a grating contrast, a second
 * harmonic weight, and a density, size and hue offset of soft blobs. Each
 * image draws its own size (min_side..max_side per side), jitters every class
 * parameter (hue, period, angle, phase), places its blobs at random, adds a
 * brightness gradient and per-pixel noise. Image k (counting over all
 * classes from 0) is progressive when k % 5 == 2 and grayscale when
 * k % 7 == 3, so that those decoder paths are exercised.
 * The same options give byte-identical files (one random stream per image,
 * fg_rng_seed_stream, no dependence on order or threads). */
#ifndef FNEGRAPH_SYNTH_H
#define FNEGRAPH_SYNTH_H

#include "fnegraph/export.h"

#include "fnegraph/error.h"
#include "fnegraph/image.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fg_synth_options {
    int classes;    /* number of classes, 1..1000 (default 4) */
    int per_class;  /* images a class, 1..100000 (default 12) */
    uint64_t seed;  /* default 1 */
    int min_side;   /* smallest side, >= 16 (default 200) */
    int max_side;   /* largest side, >= min_side, <= 4096 (default 400) */
    int quality;    /* JPEG quality 1..100 (default 90) */
} fg_synth_options;

typedef struct fg_synth_report {
    int64_t images, progressive, grayscale, bytes;
    int min_width, max_width, min_height, max_height;
} fg_synth_report;

/* Called after each image written (done of total). */
typedef void (*fg_synth_progress_fn)(void *ctx, int64_t done, int64_t total);

/* The defaults above (a set for a two-minute demo: 4 classes x 12 images). */
FG_API void fg_synth_defaults(fg_synth_options *o);

/* Generate image `index` (0..per_class-1) of class `cls` in memory, and the
 * FG_JPEG_* flags it is written with. */
FG_API fg_status fg_synth_image(const fg_synth_options *o, int cls, int index, fg_image *out, unsigned *jpeg_flags);

/* Name of class `cls` of a set of n classes: "class_00", ... (zero-padded to
 * the width of n - 1, at least 2 digits, so that names sort in label order). */
FG_API void fg_synth_class_name(int cls, int n, char *buf, size_t size);

/* Write the set under dir: dir/<class>/<class>_<NNN>.jpg, plus a hidden
 * manifest dir/.fnegraph-demo-data listing the files written (the folder
 * adapter skips hidden files). dir is created if needed; it must be empty,
 * or hold an earlier set written here, whose listed files (only those) are
 * removed first; anything else is refused. */
FG_API fg_status fg_synth_write(const char *dir, const fg_synth_options *o, fg_synth_progress_fn progress,
                         void *ctx, fg_synth_report *report);

#ifdef __cplusplus
}
#endif
#endif
