/* Datasets: the list of images an extraction reads, with their labels and
 * class names (DESIGN.md "Files and formats"). Every adapter (folder, mit67,
 * flowers102, textures, wood) fills the same fg_dataset, through the builder
 * functions below; the arrays are parallel, in the adapter's order, and can
 * be handed as they are to fg_fne_writer_open (path, label, class_names). */
#ifndef FNEGRAPH_DATASET_H
#define FNEGRAPH_DATASET_H

#include "fnegraph/error.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A split. As a selection, FG_SPLIT_ALL takes every image. As the tag of one
 * image, FG_SPLIT_ALL means the image belongs to no split (the layout has
 * none, or its split files do not list it). */
typedef enum fg_split {
    FG_SPLIT_ALL = 0,
    FG_SPLIT_TRAIN = 1,
    FG_SPLIT_VAL = 2,
    FG_SPLIT_TEST = 3
} fg_split;

typedef struct fg_dataset {
    char kind[32];       /* adapter: "folder", "mit67", "flowers102", "textures", "wood" */
    char *root;          /* the root folder as given, without trailing '/' */
    int64_t n;           /* images */
    char **path;         /* [n] relative to root, '/'-separated (stored in the FNE file) */
    char **file;         /* [n] root + "/" + path: what to open */
    int32_t *label;      /* [n] class index, 0..n_classes-1 */
    uint8_t *split;      /* [n] fg_split tag of each image */
    int n_classes;
    char **class_names;  /* [n_classes], indexed by label */
    /* builder capacity (internal) */
    int64_t cap_images;
    int cap_classes;
} fg_dataset;

/* The generic class-per-folder layout (torchvision's ImageFolder):
 * ROOT/<class>/<file>. Classes are the sub-folders of root (symbolic links
 * followed), sorted by name in byte order (strcmp); label = index in that
 * order. Every regular file under a class folder, at any depth (up to 16
 * levels), is an image: no filtering by extension, since decoding goes by
 * content and a file that is not an image is reported when it is decoded.
 * Files are sorted by their path relative to root (strcmp). Names starting
 * with '.' (hidden files and folders) are skipped everywhere; regular files
 * directly in root are ignored. Errors, each naming the path: root missing,
 * not a folder or unreadable; no class folder in root; a class folder with no
 * image files (empty classes are refused rather than kept, so that the class
 * count, which sets the number of communities, is the number of classes
 * that have images). Every image gets the split tag FG_SPLIT_ALL. */
fg_status fg_dataset_folder(const char *root, fg_dataset *out);

/* Free; accepts a zeroed or half-built dataset and leaves it zeroed. */
void fg_dataset_destroy(fg_dataset *ds);

/* A copy holding only the images tagged `split` (all of them for
 * FG_SPLIT_ALL), in the same order, with all the class names (labels keep
 * their meaning). No image in that split: FG_ENOTFOUND naming the root. */
fg_status fg_dataset_select(const fg_dataset *ds, fg_split split, fg_dataset *out);

/* Number of images of each class into counts[n_classes]. */
void fg_dataset_class_counts(const fg_dataset *ds, int64_t *counts);

/* "all", "train", "val", "test"; parsing anything else is FG_EINVAL with a
 * message listing the accepted names. */
fg_status fg_split_parse(const char *s, fg_split *out);
const char *fg_split_name(fg_split s);

/* Builder, for adapters: start an empty dataset (out is overwritten). */
fg_status fg_dataset_init(fg_dataset *out, const char *kind, const char *root);
/* Append a class; *index (may be NULL) receives its label. A second class of
 * the same name is FG_EINVAL. */
fg_status fg_dataset_add_class(fg_dataset *ds, const char *name, int *index);
/* The label of a class name, or -1 (linear search: O(n_classes)). */
int fg_dataset_find_class(const fg_dataset *ds, const char *name);
/* Append an image: path relative to root, an existing label, a split tag. */
fg_status fg_dataset_add_image(fg_dataset *ds, const char *path, int32_t label, fg_split split);

#ifdef __cplusplus
}
#endif
#endif
