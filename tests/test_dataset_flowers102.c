/* The flowers102 adapter on a generated miniature of the Oxford Flowers 102
 * download (.mat files written with libmatio in MATLAB v5 format, as the
 * real ones): labels, class names, image order and paths, setid.mat splits;
 * the labels-only reader; every refusal naming the file and variable; and
 * the official imagelabels.mat and setid.mat (skipped when absent). */
#include "fg_test.h"
#include "img_fixtures.h"
#include "native_layouts.h"
#include "fnegraph/dataset.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char dir[4096];

static const char *fresh(const char *name, int with_setid)
{
    static char slots[4][4200];
    static int next;
    char *root = slots[next++ & 3];
    snprintf(root, sizeof slots[0], "%s/%s", dir, name);
    CHECK(nl_make_flowers102(root, with_setid) == 0, "cannot write the flowers102 miniature at %s", root);
    return root;
}

static void test_layout(void)
{
    const char *root = fresh("f", 1);
    fg_dataset ds, sel;
    CHECK_OK(fg_dataset_flowers102(root, &ds));
    static const int labels[] = {1, 0, 2, 1, 0, 2, 2};
    static const fg_split splits[] = {FG_SPLIT_TRAIN, FG_SPLIT_VAL, FG_SPLIT_TEST, FG_SPLIT_TRAIN,
                                      FG_SPLIT_TEST,  FG_SPLIT_TEST, FG_SPLIT_ALL};
    CHECK(!strcmp(ds.kind, "flowers102") && ds.n == 7 && ds.n_classes == 3, "kind %s, %lld images, %d classes",
          ds.kind, (long long)ds.n, ds.n_classes);
    CHECK(ds.n_classes == 3 && !strcmp(ds.class_names[0], "class_001") && !strcmp(ds.class_names[2], "class_003"),
          "class names");
    for (int64_t i = 0; i < ds.n && i < 7; i++) {
        char p[64];
        snprintf(p, sizeof p, "jpg/image_%05d.jpg", (int)i + 1);
        CHECK(!strcmp(ds.path[i], p) && !strcmp(ds.file[i], nl_path(root, p)) && ds.label[i] == labels[i] &&
                  ds.split[i] == (uint8_t)splits[i],
              "image %lld: '%s' label %d split %s", (long long)i, ds.path[i], ds.label[i],
              fg_split_name((fg_split)ds.split[i]));
    }
    CHECK_OK(fg_dataset_select(&ds, FG_SPLIT_VAL, &sel));
    CHECK(sel.n == 1 && !strcmp(sel.path[0], "jpg/image_00002.jpg") && sel.n_classes == 3, "val selection");
    fg_dataset_destroy(&sel);
    CHECK_OK(fg_dataset_select(&ds, FG_SPLIT_TEST, &sel));
    CHECK(sel.n == 3 && sel.label[0] == 2 && sel.label[1] == 0, "test selection");
    fg_dataset_destroy(&sel);

    /* the label files alone, without the images */
    const char *bare = fresh("bare", 1);
    fx_rmtree(nl_path(bare, "jpg"));
    fg_dataset lo;
    CHECK_OK(fg_dataset_flowers102_labels(bare, &lo));
    int same = lo.n == ds.n && lo.n_classes == ds.n_classes;
    for (int64_t i = 0; same && i < lo.n; i++)
        same = !strcmp(lo.path[i], ds.path[i]) && lo.label[i] == ds.label[i] && lo.split[i] == ds.split[i];
    CHECK(same, "the labels-only dataset differs from the full one");
    fg_dataset_destroy(&lo);
    fg_dataset_destroy(&ds);

    /* no setid.mat: unsplit */
    root = fresh("nosetid", 0);
    CHECK_OK(fg_dataset_flowers102(root, &ds));
    int all = ds.n == 7;
    for (int64_t i = 0; i < ds.n; i++) all &= ds.split[i] == FG_SPLIT_ALL;
    CHECK(all, "without setid.mat every image is in split 'all'");
    CHECK_FAILS(fg_dataset_select(&ds, FG_SPLIT_TEST, &sel), FG_ENOTFOUND,
                "no images in split 'test': this flowers102 dataset of 7 images has no splits");
    fg_dataset_destroy(&ds);

    /* labels as a 7x1 column of uint16 are read the same way */
    static const double col[] = {2, 1, 3, 2, 1, 3, 3};
    nl_mat_var v = {"labels", NL_MAT_UINT16, 7, 1, col};
    CHECK(nl_write_mat(nl_path(root, "imagelabels.mat"), &v, 1) == 0, "write");
    CHECK_OK(fg_dataset_flowers102(root, &ds));
    CHECK(ds.n == 7 && ds.label[2] == 2 && ds.label[6] == 2 && ds.n_classes == 3, "a uint16 column of labels");
    fg_dataset_destroy(&ds);
}

/* Write imagelabels.mat (or setid.mat) of root with one variable. */
static void mat1(const char *root, const char *file, const char *name, nl_mat_class cls, size_t rows, size_t cols,
                 const double *v)
{
    nl_mat_var var = {name, cls, rows, cols, v};
    CHECK(nl_write_mat(nl_path(root, file), &var, 1) == 0, "write %s", file);
}

static void expect(const char *root, fg_status code, const char *file, const char *detail)
{
    char want[8192];
    fg_dataset ds;
    snprintf(want, sizeof want, "%s/%s%s", root, file, detail);
    CHECK_FAILS(fg_dataset_flowers102(root, &ds), code, want);
    CHECK(ds.n == 0 && ds.path == NULL && ds.class_names == NULL, "a failed read is left zeroed");
}

static void test_refusals(void)
{
    fg_dataset ds;
    CHECK_FAILS(fg_dataset_flowers102(nl_path(dir, "absent"), &ds), FG_ENOTFOUND, "/absent: dataset root: no such folder");
    const char *root = fresh("bad", 0);
    remove(nl_path(root, "imagelabels.mat"));
    expect(root, FG_ENOTFOUND, "imagelabels.mat", ": no such file");
    CHECK(nl_write_text(nl_path(root, "imagelabels.mat"), "labels = [1 2 3]\n") == 0, "write");
    expect(root, FG_EFORMAT, "imagelabels.mat", ": not a readable MATLAB .mat file");

    static const double good[] = {2, 1, 3, 2, 1, 3, 3};
    mat1(root, "imagelabels.mat", "lbls", NL_MAT_DOUBLE, 1, 7, good);
    expect(root, FG_ENOTFOUND, "imagelabels.mat", ": no variable 'labels'");
    mat1(root, "imagelabels.mat", "labels", NL_MAT_CHAR, 1, 7, (const double[]){65, 66, 67, 68, 69, 70, 71});
    expect(root, FG_EFORMAT, "imagelabels.mat", ": variable 'labels' is not a real numeric array");
    mat1(root, "imagelabels.mat", "labels", NL_MAT_DOUBLE, 2, 4, (const double[]){1, 2, 3, 1, 2, 3, 1, 2});
    expect(root, FG_ESHAPE, "imagelabels.mat", ": variable 'labels' is 2x4, expected a non-empty 1xN vector");
    mat1(root, "imagelabels.mat", "labels", NL_MAT_DOUBLE, 1, 7, (const double[]){2, 1, 103, 2, 1, 3, 3});
    expect(root, FG_EFORMAT, "imagelabels.mat", ": variable 'labels', element 3: 103 is not a class number 1..102");
    mat1(root, "imagelabels.mat", "labels", NL_MAT_DOUBLE, 1, 7, (const double[]){2, 1, 3, 0, 1, 3, 3});
    expect(root, FG_EFORMAT, "imagelabels.mat", ": variable 'labels', element 4: 0 is not a class number");
    mat1(root, "imagelabels.mat", "labels", NL_MAT_DOUBLE, 1, 7, (const double[]){2, 1, 3, 2, 1.5, 3, 3});
    expect(root, FG_EFORMAT, "imagelabels.mat", ": variable 'labels', element 5: 1.5 is not a class number");
    mat1(root, "imagelabels.mat", "labels", NL_MAT_DOUBLE, 1, 7, (const double[]){1, 1, 3, 3, 1, 3, 3});
    expect(root, FG_EINVAL, "imagelabels.mat", ": variable 'labels' has no image of class 2 (classes go up to 3)");
    /* more labels than images */
    mat1(root, "imagelabels.mat", "labels", NL_MAT_DOUBLE, 1, 8, (const double[]){2, 1, 3, 2, 1, 3, 3, 1});
    expect(root, FG_ENOTFOUND, "jpg/image_00008.jpg", ": no such image");
    mat1(root, "imagelabels.mat", "labels", NL_MAT_DOUBLE, 1, 7, good);
    remove(nl_path(root, "jpg/image_00005.jpg"));
    expect(root, FG_ENOTFOUND, "jpg/image_00005.jpg", ": no such image");
    fx_rmtree(nl_path(root, "jpg"));
    expect(root, FG_ENOTFOUND, "jpg", ": no such folder");

    root = fresh("badsetid", 1);
    nl_mat_var s[3] = {{"trnid", NL_MAT_UINT16, 1, 2, (const double[]){1, 4}},
                       {"valid", NL_MAT_UINT16, 1, 1, (const double[]){2}},
                       {"tstid", NL_MAT_UINT16, 1, 3, (const double[]){3, 5, 8}}};
    CHECK(nl_write_mat(nl_path(root, "setid.mat"), s, 3) == 0, "write");
    expect(root, FG_EFORMAT, "setid.mat", ": variable 'tstid', element 3: 8 is not an image number 1..7");
    s[2].v = (const double[]){3, 4, 6};
    CHECK(nl_write_mat(nl_path(root, "setid.mat"), s, 3) == 0, "write");
    expect(root, FG_EINVAL, "setid.mat", ": variable 'tstid', element 2: image 4 is already in 'trnid'");
    s[1].name = "validation";
    CHECK(nl_write_mat(nl_path(root, "setid.mat"), s, 3) == 0, "write");
    expect(root, FG_ENOTFOUND, "setid.mat", ": no variable 'valid'");
    CHECK(nl_write_text(nl_path(root, "setid.mat"), "") == 0, "write");
    expect(root, FG_EFORMAT, "setid.mat", ": not a readable MATLAB .mat file");
}

/* Bytes at offset off of path replaced by n bytes of b. */
static void patch(const char *path, long off, const char *b, size_t n)
{
    FILE *f = fopen(path, "r+b");
    CHECK(f && fseek(f, off, SEEK_SET) == 0 && fwrite(b, 1, n, f) == n, "patch %s", path);
    if (f) fclose(f);
}

/* Only MATLAB v5 files reach matio: without the v5 header matio reads a file
 * as MATLAB v4, whose reader fills what a few damaged bytes declare (a 104-byte
 * imagelabels.mat under tests/fuzz/regress/fuzz_labels/ made it fill 2 GB);
 * v7.3 is HDF5. Each is refused naming the file, before any child is forked. */
static void test_header(void)
{
    static const double good[] = {2, 1, 3, 2, 1, 3, 3};
    const char *root = fresh("hdr", 0);
    const char *lab = nl_path(root, "imagelabels.mat");
    char big[200];
    memset(big, ' ', sizeof big);
    CHECK(nl_write_text(lab, "labels = [1 2 3]\n") == 0, "write");
    expect(root, FG_EFORMAT, "imagelabels.mat",
           ": not a readable MATLAB .mat file: 17 bytes, shorter than a MATLAB v5 header (128 bytes");
    FILE *f = fopen(lab, "wb");
    CHECK(f && fwrite(big, 1, sizeof big, f) == sizeof big && fclose(f) == 0, "write");
    expect(root, FG_EFORMAT, "imagelabels.mat", ": not a readable MATLAB .mat file: no MATLAB v5 header");
    mat1(root, "imagelabels.mat", "labels", NL_MAT_DOUBLE, 1, 7, good);
    fg_dataset ds;
    CHECK_OK(fg_dataset_flowers102(root, &ds));
    fg_dataset_destroy(&ds);
    patch(lab, 126, "MI", 2); /* big-endian indicator: the version is then read as 0x0001 */
    expect(root, FG_EFORMAT, "imagelabels.mat", ": not a readable MATLAB .mat file: header version 0x0001, expected "
                                                "0x0100 (MATLAB v5)");
    patch(lab, 124, "\x00\x02IM", 4);
    expect(root, FG_EFORMAT, "imagelabels.mat", ": not a readable MATLAB .mat file: MATLAB v7.3 (HDF5)");
    patch(lab, 124, "\x01\x00MI", 4); /* big-endian, version 0x0100: v5 as far as the header goes */
    memset(&ds, 0, sizeof ds);
    fg_status st = fg_dataset_flowers102(root, &ds);
    CHECK(st != FG_OK ? strstr(fg_last_error(), "imagelabels.mat") != NULL : 1,
          "a big-endian header reaches matio; any refusal names the file: %s", fg_last_error());
    fg_dataset_destroy(&ds);
    patch(lab, 124, "\x00\x01IM", 4);
    CHECK_OK(fg_dataset_flowers102(root, &ds));
    fg_dataset_destroy(&ds);
}

static void test_real_labels(void)
{
    const char *shared = getenv("FG_SHARED_DATA");
    if (!shared || !*shared) shared = FG_SHARED_DATA;
    char root[4096];
    snprintf(root, sizeof root, "%s/labels/flowers102", shared);
    struct stat sb;
    if (stat(nl_path(root, "imagelabels.mat"), &sb) != 0) {
        printf("  real label part skipped: %s/imagelabels.mat absent\n", root);
        return;
    }
    int with_setid = stat(nl_path(root, "setid.mat"), &sb) == 0;
    fg_dataset ds;
    CHECK_OK(fg_dataset_flowers102_labels(root, &ds));
    int64_t counts[102] = {0}, lo = INT64_MAX, hi = 0, per[4] = {0, 0, 0, 0};
    if (ds.n_classes == 102) fg_dataset_class_counts(&ds, counts);
    for (int c = 0; c < 102; c++) {
        lo = counts[c] < lo ? counts[c] : lo;
        hi = counts[c] > hi ? counts[c] : hi;
    }
    for (int64_t i = 0; i < ds.n; i++) per[ds.split[i] & 3]++;
    printf("  official labels: %lld images, %d classes, %lld..%lld a class; splits train %lld, val %lld, test %lld, "
           "none %lld\n",
           (long long)ds.n, ds.n_classes, (long long)lo, (long long)hi, (long long)per[1], (long long)per[2],
           (long long)per[3], (long long)per[0]);
    CHECK(ds.n == 8189 && ds.n_classes == 102 && lo == 40 && hi == 258,
          "expected 8,189 images in 102 classes of 40..258 images");
    CHECK(ds.n == 8189 && !strcmp(ds.path[8188], "jpg/image_08189.jpg") && !strcmp(ds.class_names[101], "class_102"),
          "last path / class name");
    if (with_setid)
        CHECK(per[1] == 1020 && per[2] == 1020 && per[3] == 6149 && per[0] == 0,
              "setid.mat: expected 1,020 train, 1,020 val, 6,149 test");
    else
        printf("  setid.mat absent: splits not checked\n");
    fg_dataset_destroy(&ds);
}

int main(void)
{
    if (fx_tmpdir("fg_test_dataset_flowers102", dir, sizeof dir)) return 1;
    test_layout();
    test_refusals();
    test_header();
    test_real_labels();
    fx_rmtree(dir);
    return fg_test_done("test_dataset_flowers102");
}
