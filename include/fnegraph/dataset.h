/* Datasets: the list of images an extraction reads, with their labels and
 * class names (docs/formats.md). Every adapter (folder, mit67,
 * flowers102, textures, wood) fills the same fg_dataset, through the builder
 * functions below; the arrays are parallel, in the adapter's order, and can
 * be handed as they are to fg_fne_writer_open (path, label, class_names). */
#ifndef FNEGRAPH_DATASET_H
#define FNEGRAPH_DATASET_H

#include "fnegraph/export.h"

#include "fnegraph/error.h"

#include <stdbool.h>
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
FG_API fg_status fg_dataset_folder(const char *root, fg_dataset *out);

/* The kinds fg_dataset_open accepts, as listed in its messages. */
#define FG_DATASET_KINDS "folder, mit67, flowers102, textures or wood"
/* Classes of Oxford Flowers 102 (the largest class number imagelabels.mat may hold). */
#define FG_FLOWERS102_CLASSES 102
/* Largest DTD fold number accepted (the download has folds 1..10). */
#define FG_TEXTURES_MAX_FOLD 99

/* MIT Indoor 67 as downloaded: ROOT/Images/<class>/<file>, with the split
 * lists ROOT/TrainImages.txt and ROOT/TestImages.txt (one image a line,
 * "class/file.jpg" relative to Images/; names may hold spaces, kept intact;
 * CRLF line ends and blank lines tolerated). Classes and images are those of
 * the folders, in fg_dataset_folder's order and with its rules (sub-folders
 * of Images/ sorted by strcmp, files below them sorted by path, hidden
 * entries skipped, an empty class folder refused); paths are relative to
 * root ("Images/airport_inside/x.jpg"). Each image gets FG_SPLIT_TRAIN or
 * FG_SPLIT_TEST from the list naming it, FG_SPLIT_ALL when neither does (the
 * download has 15,620 images, 6,700 of them listed). The two lists go
 * together: both absent reads an unsplit set (every tag FG_SPLIT_ALL), one
 * without the other is an error naming the missing one. Errors name the list
 * and line: a listed image that does not exist, a malformed line (not
 * "class/file", an empty, "." or ".." component), an image listed twice. */
FG_API fg_status fg_dataset_mit67(const char *root, fg_dataset *out);
/* The same from the two lists in ROOT alone, without looking at any image:
 * images are the listed ones (split TRAIN or TEST), classes the names in the
 * lists (sorted by strcmp), in the order fg_dataset_mit67 would give them.
 * For checking list files without the images. Both lists are required. */
FG_API fg_status fg_dataset_mit67_lists(const char *root, fg_dataset *out);

/* Oxford Flowers 102 as downloaded: ROOT/jpg/image_%05d.jpg (image i,
 * 1-based, for i = 1..N) with ROOT/imagelabels.mat, a MATLAB v5 file whose
 * variable `labels` (1xN or Nx1, any real numeric class) holds each image's
 * class number 1..102, read with libmatio. Classes are 1..max(labels), named
 * "class_001", "class_002", ... (label = class number - 1); every one must
 * have an image. Images in image-number order, paths "jpg/image_00001.jpg".
 * The optional ROOT/setid.mat gives splits: variables `trnid`, `valid` and
 * `tstid` (1-based image numbers) tag FG_SPLIT_TRAIN, FG_SPLIT_VAL and
 * FG_SPLIT_TEST; unlisted images keep FG_SPLIT_ALL. Errors name the file and
 * variable: a missing or unreadable .mat file, a missing variable, one that
 * is not a real numeric vector, a class number outside 1..102 or not an
 * integer, a class without images, an image number outside 1..N, an image in
 * two splits; and a missing ROOT/jpg folder or image file. */
FG_API fg_status fg_dataset_flowers102(const char *root, fg_dataset *out);
/* The same from ROOT/imagelabels.mat (and ROOT/setid.mat if present) alone,
 * without looking for the images. */
FG_API fg_status fg_dataset_flowers102_labels(const char *root, fg_dataset *out);

/* The Describable Textures Dataset (DTD) as downloaded:
 * ROOT/images/<class>/<file>, read like mit67's Images/ (same order, rules
 * and errors), with the split lists of fold `fold`:
 * ROOT/labels/train<fold>.txt, val<fold>.txt and test<fold>.txt (lines
 * "class/file.jpg" relative to images/) -> FG_SPLIT_TRAIN, _VAL, _TEST.
 * fold 1..FG_TEXTURES_MAX_FOLD requires its three lists; fold 0 (what
 * fg_dataset_textures uses) reads fold 1 when its lists exist and an unsplit
 * set when none of them does. Some but not all three lists of the fold is an
 * error naming the missing one. */
FG_API fg_status fg_dataset_textures(const char *root, fg_dataset *out);
FG_API fg_status fg_dataset_textures_fold(const char *root, int fold, fg_dataset *out);

/* The Oulu wood knots set: images in ROOT (PPM as distributed, decoded by
 * content) named by a plain-text label list, `labels` or ROOT/names.txt when
 * labels is NULL or "": one image a line, "<file> <class name>" separated by
 * white space; the class name is the rest of the line (inner runs of white
 * space count as one space); '#' starts a comment; blank lines are ignored;
 * files are paths relative to root (no leading '/', no ".."). Classes sorted
 * by strcmp; images in the list's order; every tag FG_SPLIT_ALL. Errors name
 * the list and line: a malformed line (no class name, a path leaving root), a
 * missing image file, a file listed twice; and a missing or empty list. */
FG_API fg_status fg_dataset_wood(const char *root, const char *labels, fg_dataset *out);

/* Open a dataset by kind: "folder", "mit67", "flowers102", "textures" or
 * "wood" (anything else is FG_EINVAL listing FG_DATASET_KINDS). labels (NULL
 * or "" for none) is the label list of wood and the fold number ("1".."10")
 * of textures; given to another kind it is FG_EINVAL rather than ignored. */
FG_API fg_status fg_dataset_open(const char *kind, const char *root, const char *labels, fg_dataset *out);
/* Whether fg_dataset_open knows this kind name. */
FG_API bool fg_dataset_kind_known(const char *kind);

/* Free; accepts a zeroed or half-built dataset and leaves it zeroed. */
FG_API void fg_dataset_destroy(fg_dataset *ds);

/* A copy holding only the images tagged `split` (all of them for
 * FG_SPLIT_ALL), in the same order, with all the class names (labels keep
 * their meaning). No image in that split: FG_ENOTFOUND naming the root and
 * the kind, and saying whether the dataset has no split tags at all (its
 * layout has none, or its split files are absent) or which splits it has. */
FG_API fg_status fg_dataset_select(const fg_dataset *ds, fg_split split, fg_dataset *out);

/* Number of images of each class into counts[n_classes]. */
FG_API void fg_dataset_class_counts(const fg_dataset *ds, int64_t *counts);

/* "all", "train", "val", "test"; parsing anything else is FG_EINVAL with a
 * message listing the accepted names. */
FG_API fg_status fg_split_parse(const char *s, fg_split *out);
FG_API const char *fg_split_name(fg_split s);

/* Builder, for adapters: start an empty dataset (out is overwritten). The
 * arrays of a dataset belong to the builder: they grow with the counts n and
 * n_classes (no capacity is stored), so append only to a dataset started with
 * fg_dataset_init and changed by nothing but these functions. */
FG_API fg_status fg_dataset_init(fg_dataset *out, const char *kind, const char *root);
/* Append a class; *index (may be NULL) receives its label. A second class of
 * the same name is FG_EINVAL. */
FG_API fg_status fg_dataset_add_class(fg_dataset *ds, const char *name, int *index);
/* The label of a class name, or -1 (linear search: O(n_classes)). */
FG_API int fg_dataset_find_class(const fg_dataset *ds, const char *name);
/* Append an image: path relative to root, an existing label, a split tag. */
FG_API fg_status fg_dataset_add_image(fg_dataset *ds, const char *path, int32_t label, fg_split split);

#ifdef __cplusplus
}
#endif
#endif
