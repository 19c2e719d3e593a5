/* Miniatures of the native dataset layouts (native_layouts.h). */
#include "native_layouts.h"
#include "img_fixtures.h"
#include "fnegraph/image.h"

#include <matio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int nl_mkdirs(const char *path)
{
    char p[8192];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; (s = strchr(s, '/')) != NULL; s++) {
        *s = '\0';
        mkdir(p, 0755);
        *s = '/';
    }
    return 0;
}

int nl_write_text(const char *path, const char *text)
{
    nl_mkdirs(path);
    return fx_write_bytes(path, text, strlen(text));
}

static int write_image(const char *path, int w, int h, unsigned seed, int ppm)
{
    fg_image img;
    nl_mkdirs(path);
    if (fg_image_create(w, h, &img) != FG_OK) {
        printf("nl: cannot make a %dx%d image\n", w, h);
        return -1;
    }
    fx_smooth_rgb(w, h, seed, img.rgb);
    fg_status st = ppm ? fg_image_write_ppm(path, &img) : fg_image_write_jpeg(path, &img, 90, 0);
    fg_image_destroy(&img);
    if (st != FG_OK) printf("nl: cannot write %s: %s\n", path, fg_last_error());
    return st == FG_OK ? 0 : -1;
}

int nl_write_jpeg(const char *path, int w, int h, unsigned seed) { return write_image(path, w, h, seed, 0); }
int nl_write_ppm(const char *path, int w, int h, unsigned seed) { return write_image(path, w, h, seed, 1); }

const char *nl_path(const char *root, const char *rel)
{
    static char buf[8][8192];
    static int slot;
    char *b = buf[slot++ & 7];
    snprintf(b, sizeof buf[0], "%s/%s", root, rel);
    return b;
}

int nl_write_mat(const char *path, const nl_mat_var *vars, int n_vars)
{
    nl_mkdirs(path);
    remove(path);
    mat_t *m = Mat_CreateVer(path, NULL, MAT_FT_MAT5);
    if (!m) {
        printf("nl: cannot create %s\n", path);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n_vars && !rc; i++) {
        size_t dims[2] = {vars[i].rows, vars[i].cols}, n = dims[0] * dims[1];
        void *data = NULL;
        matvar_t *var = NULL;
        if (vars[i].cls == NL_MAT_DOUBLE) {
            data = malloc(n * sizeof(double) + 1);
            if (data && n) memcpy(data, vars[i].v, n * sizeof(double));
            if (data) var = Mat_VarCreate(vars[i].name, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, data, 0);
        } else {
            uint16_t *u = malloc(n * sizeof *u + 1);
            uint8_t *c = malloc(n + 1);
            for (size_t k = 0; u && c && k < n; k++) {
                u[k] = (uint16_t)vars[i].v[k];
                c[k] = (uint8_t)vars[i].v[k];
            }
            if (vars[i].cls == NL_MAT_UINT16) {
                free(c);
                data = u;
                if (data) var = Mat_VarCreate(vars[i].name, MAT_C_UINT16, MAT_T_UINT16, 2, dims, data, 0);
            } else {
                free(u);
                data = c;
                if (data) var = Mat_VarCreate(vars[i].name, MAT_C_CHAR, MAT_T_UINT8, 2, dims, data, 0);
            }
        }
        if (!var || Mat_VarWrite(m, var, MAT_COMPRESSION_ZLIB) != 0) {
            printf("nl: cannot write variable %s to %s\n", vars[i].name, path);
            rc = -1;
        }
        Mat_VarFree(var);
        free(data);
    }
    Mat_Close(m);
    return rc;
}

int nl_make_mit67(const char *root_arg)
{
    char root[4096]; /* root_arg may be an nl_path slot, which the calls below reuse */
    snprintf(root, sizeof root, "%s", root_arg);
    static const char *const files[] = {"Zoo/z 2.jpg", "Zoo/z1.jpg", "bar/b1.jpg", "bar/b2.jpg", "bar/b3.jpg",
                                        "living room/l 2.jpg", "living room/l1.jpg"};
    char rel[256];
    for (unsigned i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(rel, sizeof rel, "Images/%s", files[i]);
        if (nl_write_jpeg(nl_path(root, rel), 24 + (int)i, 20, i + 1)) return -1;
    }
    if (nl_write_text(nl_path(root, "Images/bar/.DS_Store"), "junk")) return -1;
    if (nl_write_text(nl_path(root, "TrainImages.txt"), "bar/b1.jpg\r\nliving room/l 2.jpg\r\n\r\nZoo/z 2.jpg\r\n"))
        return -1;
    return nl_write_text(nl_path(root, "TestImages.txt"), "bar/b3.jpg\nliving room/l1.jpg");
}

int nl_make_flowers102(const char *root_arg, int with_setid)
{
    char root[4096]; /* root_arg may be an nl_path slot, which the calls below reuse */
    snprintf(root, sizeof root, "%s", root_arg);
    char rel[64];
    for (int i = 1; i <= 7; i++) {
        snprintf(rel, sizeof rel, "jpg/image_%05d.jpg", i);
        if (nl_write_jpeg(nl_path(root, rel), 20 + i, 24, (unsigned)(100 + i))) return -1;
    }
    static const double labels[] = {2, 1, 3, 2, 1, 3, 3};
    nl_mat_var l = {"labels", NL_MAT_DOUBLE, 1, 7, labels};
    if (nl_write_mat(nl_path(root, "imagelabels.mat"), &l, 1)) return -1;
    if (!with_setid) return 0;
    static const double trn[] = {1, 4}, val[] = {2}, tst[] = {3, 5, 6};
    nl_mat_var s[3] = {{"trnid", NL_MAT_UINT16, 1, 2, trn},
                       {"valid", NL_MAT_UINT16, 1, 1, val},
                       {"tstid", NL_MAT_UINT16, 1, 3, tst}};
    return nl_write_mat(nl_path(root, "setid.mat"), s, 3);
}

int nl_make_textures(const char *root_arg, int with_lists)
{
    char root[4096]; /* root_arg may be an nl_path slot, which the calls below reuse */
    snprintf(root, sizeof root, "%s", root_arg);
    static const char *const classes[] = {"banded", "dotted", "zigzagged"};
    char rel[256];
    for (int c = 0; c < 3; c++)
        for (int k = 1; k <= 2; k++) {
            snprintf(rel, sizeof rel, "images/%s/%s_%04d.jpg", classes[c], classes[c], k);
            if (nl_write_jpeg(nl_path(root, rel), 20, 20 + k, (unsigned)(10 * c + k))) return -1;
        }
    if (!with_lists) return 0;
    if (nl_write_text(nl_path(root, "labels/train1.txt"), "banded/banded_0001.jpg\ndotted/dotted_0001.jpg\n") ||
        nl_write_text(nl_path(root, "labels/val1.txt"), "zigzagged/zigzagged_0001.jpg\n") ||
        nl_write_text(nl_path(root, "labels/test1.txt"),
                      "banded/banded_0002.jpg\ndotted/dotted_0002.jpg\nzigzagged/zigzagged_0002.jpg\n") ||
        nl_write_text(nl_path(root, "labels/train2.txt"), "banded/banded_0002.jpg\ndotted/dotted_0002.jpg\n") ||
        nl_write_text(nl_path(root, "labels/val2.txt"), "zigzagged/zigzagged_0002.jpg\n") ||
        nl_write_text(nl_path(root, "labels/test2.txt"),
                      "banded/banded_0001.jpg\ndotted/dotted_0001.jpg\nzigzagged/zigzagged_0001.jpg\n"))
        return -1;
    return nl_write_text(nl_path(root, "labels/labels_joint_anno.txt"), "banded/banded_0001.jpg banded\n");
}

int nl_make_wood(const char *root_arg)
{
    char root[4096]; /* root_arg may be an nl_path slot, which the calls below reuse */
    snprintf(root, sizeof root, "%s", root_arg);
    char rel[64];
    for (int i = 1; i <= 5; i++) {
        snprintf(rel, sizeof rel, "knot%02d.ppm", i);
        if (nl_write_ppm(nl_path(root, rel), 16 + i, 18, (unsigned)(200 + i))) return -1;
    }
    return nl_write_text(nl_path(root, "names.txt"), "# Oulu knots: file class\n"
                                                     "  knot03.ppm  sound knot\n"
                                                     "knot01.ppm\tdry\n"
                                                     "\n"
                                                     "knot02.ppm dry   # a comment\n"
                                                     "knot05.ppm   sound   knot  \n"
                                                     "knot04.ppm encased\n");
}
