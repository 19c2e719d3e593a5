/* Miniatures of the four paper datasets' native layouts (mit67, flowers102,
 * textures = DTD, wood = Oulu knots) for the adapter tests: tiny real images
 * written with the project's image writers, the label and split files in
 * the formats of the official downloads (text lists, MATLAB v5 .mat files
 * written with libmatio, zlib-compressed as the real ones). The expected
 * content of each miniature is spelled out next to its generator.
 * All functions return 0 on success and -1 (after printing why) on failure. */
#ifndef FNEGRAPH_NATIVE_LAYOUTS_H
#define FNEGRAPH_NATIVE_LAYOUTS_H

#include <stddef.h>

/* Make the folders of path's parent (and path itself when it ends in '/'). */
int nl_mkdirs(const char *path);
/* Write text to path (parents created). */
int nl_write_text(const char *path, const char *text);
/* A w x h image (a smooth picture drawn from seed) as a JPEG / binary PPM. */
int nl_write_jpeg(const char *path, int w, int h, unsigned seed);
int nl_write_ppm(const char *path, int w, int h, unsigned seed);
/* root + "/" + rel, in a static rotating buffer (8 slots; the generators
 * below copy their root first, so passing them a slot is safe). */
const char *nl_path(const char *root, const char *rel);

/* One variable of a .mat file: rows x cols values in column-major order. */
typedef enum nl_mat_class { NL_MAT_DOUBLE, NL_MAT_UINT16, NL_MAT_CHAR } nl_mat_class;
typedef struct nl_mat_var {
    const char *name;
    nl_mat_class cls;
    size_t rows, cols;
    const double *v; /* NL_MAT_CHAR: the values are the character codes */
} nl_mat_var;
/* A MATLAB v5 file (zlib-compressed variables) holding vars. */
int nl_write_mat(const char *path, const nl_mat_var *vars, int n_vars);

/* mit67 under root: Images/{Zoo,bar,living room}/ with
 *   Zoo: "z 2.jpg" (train), "z1.jpg";  bar: b1.jpg (train), b2.jpg,
 *   b3.jpg (test), .DS_Store (hidden);  living room: "l 2.jpg" (train),
 *   l1.jpg (test)
 * TrainImages.txt with CRLF line ends and a blank line, TestImages.txt
 * without a final newline. */
int nl_make_mit67(const char *root);

/* flowers102 under root: jpg/image_00001.jpg .. image_00007.jpg,
 * imagelabels.mat `labels` = 1x7 doubles {2, 1, 3, 2, 1, 3, 3}; with_setid:
 * setid.mat trnid = {1, 4}, valid = {2}, tstid = {3, 5, 6} (image 7 in none),
 * stored as uint16 like the real file. */
int nl_make_flowers102(const char *root, int with_setid);

/* textures under root: images/{banded,dotted,zigzagged}/<class>_000{1,2}.jpg;
 * with_lists: labels/train1.txt = banded_0001, dotted_0001;
 * val1.txt = zigzagged_0001; test1.txt = banded_0002, dotted_0002,
 * zigzagged_0002; fold 2 the other way round (train2 = banded_0002,
 * dotted_0002; val2 = zigzagged_0002; test2 = the three _0001 images);
 * labels/labels_joint_anno.txt as the real download ships (not read). */
int nl_make_textures(const char *root, int with_lists);

/* wood under root: knot01.ppm .. knot05.ppm and names.txt:
 *   a comment line, knot03 "sound knot", knot01 dry, (blank), knot02 dry
 *   (with a trailing comment), knot05 "sound   knot", knot04 encased
 * -> classes dry, encased, sound knot; images in list order. */
int nl_make_wood(const char *root);

#endif
