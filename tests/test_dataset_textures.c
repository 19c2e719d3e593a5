/* The textures (DTD) adapter on a generated miniature of the dtd-r1.0.1
 * download: classes, order, paths, split tags of fold 1 and of fold 2, the
 * unsplit set without lists, and the refusals (partial fold, missing fold,
 * bad fold number, listed image missing, list naming list and line). */
#include "fg_test.h"
#include "img_fixtures.h"
#include "native_layouts.h"
#include "fnegraph/dataset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[4096];

static const char *fresh(const char *name, int with_lists)
{
    static char slots[4][4200];
    static int next;
    char *root = slots[next++ & 3];
    snprintf(root, sizeof slots[0], "%s/%s", dir, name);
    CHECK(nl_make_textures(root, with_lists) == 0, "cannot write the textures miniature at %s", root);
    return root;
}

static const char *const PATHS[6] = {"images/banded/banded_0001.jpg", "images/banded/banded_0002.jpg",
                                     "images/dotted/dotted_0001.jpg", "images/dotted/dotted_0002.jpg",
                                     "images/zigzagged/zigzagged_0001.jpg", "images/zigzagged/zigzagged_0002.jpg"};

static void check_layout(const fg_dataset *ds, const char *root, const fg_split *splits, const char *what)
{
    CHECK(!strcmp(ds->kind, "textures") && ds->n == 6 && ds->n_classes == 3, "%s: %lld images, %d classes", what,
          (long long)ds->n, ds->n_classes);
    CHECK(ds->n_classes == 3 && !strcmp(ds->class_names[0], "banded") && !strcmp(ds->class_names[1], "dotted") &&
              !strcmp(ds->class_names[2], "zigzagged"),
          "%s: class names", what);
    for (int64_t i = 0; i < ds->n && i < 6; i++)
        CHECK(!strcmp(ds->path[i], PATHS[i]) && !strcmp(ds->file[i], nl_path(root, PATHS[i])) &&
                  ds->label[i] == (int)i / 2 && ds->split[i] == (uint8_t)splits[i],
              "%s: image %lld '%s' label %d split %s, expected '%s' %d %s", what, (long long)i, ds->path[i],
              ds->label[i], fg_split_name((fg_split)ds->split[i]), PATHS[i], (int)i / 2, fg_split_name(splits[i]));
}

static void test_layout(void)
{
    static const fg_split fold1[6] = {FG_SPLIT_TRAIN, FG_SPLIT_TEST, FG_SPLIT_TRAIN,
                                      FG_SPLIT_TEST,  FG_SPLIT_VAL,  FG_SPLIT_TEST};
    static const fg_split fold2[6] = {FG_SPLIT_TEST, FG_SPLIT_TRAIN, FG_SPLIT_TEST,
                                      FG_SPLIT_TRAIN, FG_SPLIT_TEST, FG_SPLIT_VAL};
    static const fg_split none[6] = {FG_SPLIT_ALL, FG_SPLIT_ALL, FG_SPLIT_ALL, FG_SPLIT_ALL, FG_SPLIT_ALL, FG_SPLIT_ALL};
    const char *root = fresh("t", 1);
    fg_dataset ds, sel;
    CHECK_OK(fg_dataset_textures(root, &ds));
    check_layout(&ds, root, fold1, "fold 1 (default)");
    CHECK_OK(fg_dataset_select(&ds, FG_SPLIT_VAL, &sel));
    CHECK(sel.n == 1 && sel.label[0] == 2, "val selection");
    fg_dataset_destroy(&sel);
    fg_dataset_destroy(&ds);
    CHECK_OK(fg_dataset_textures_fold(root, 1, &ds));
    check_layout(&ds, root, fold1, "fold 1");
    fg_dataset_destroy(&ds);
    CHECK_OK(fg_dataset_textures_fold(root, 2, &ds));
    check_layout(&ds, root, fold2, "fold 2");
    fg_dataset_destroy(&ds);
    CHECK_OK(fg_dataset_open("textures", root, "2", &ds));
    check_layout(&ds, root, fold2, "fg_dataset_open fold '2'");
    fg_dataset_destroy(&ds);

    /* an image no list names keeps split 'all' */
    CHECK(nl_write_jpeg(nl_path(root, "images/dotted/dotted_0003.jpg"), 16, 16, 9) == 0, "write");
    CHECK_OK(fg_dataset_textures(root, &ds));
    CHECK(ds.n == 7 && !strcmp(ds.path[4], "images/dotted/dotted_0003.jpg") && ds.split[4] == FG_SPLIT_ALL &&
              ds.label[4] == 1,
          "an unlisted image");
    fg_dataset_destroy(&ds);

    root = fresh("nolists", 0);
    CHECK_OK(fg_dataset_textures(root, &ds));
    check_layout(&ds, root, none, "no lists");
    CHECK_FAILS(fg_dataset_select(&ds, FG_SPLIT_TRAIN, &sel), FG_ENOTFOUND, "this textures dataset of 6 images has no splits");
    fg_dataset_destroy(&ds);
    char want[8192];
    snprintf(want, sizeof want, "%s/labels/train1.txt: no such file (fold 1 was asked for)", root);
    CHECK_FAILS(fg_dataset_textures_fold(root, 1, &ds), FG_ENOTFOUND, want);
}

static void test_refusals(void)
{
    fg_dataset ds;
    char want[8192];
    CHECK_FAILS(fg_dataset_textures(nl_path(dir, "absent"), &ds), FG_ENOTFOUND, "/absent: dataset root: no such folder");
    const char *root = fresh("partial", 1);
    remove(nl_path(root, "labels/val1.txt"));
    snprintf(want, sizeof want, "%s/labels/val1.txt: no such file (the split lists train1, val1 and test1", root);
    CHECK_FAILS(fg_dataset_textures(root, &ds), FG_ENOTFOUND, want);
    CHECK_FAILS(fg_dataset_textures_fold(root, 3, &ds), FG_ENOTFOUND, "labels/train3.txt: no such file (fold 3");
    CHECK_FAILS(fg_dataset_textures_fold(root, 100, &ds), FG_EINVAL, "textures fold 100: expected 1..99");
    CHECK_FAILS(fg_dataset_textures_fold(root, -1, &ds), FG_EINVAL, "textures fold -1");
    CHECK_FAILS(fg_dataset_open("textures", root, "two", &ds), FG_EINVAL, "labels 'two' should be a fold number 1..99");
    CHECK_FAILS(fg_dataset_open("textures", root, "0", &ds), FG_EINVAL, "should be a fold number");

    root = fresh("missing", 1);
    CHECK(nl_write_text(nl_path(root, "labels/test2.txt"), "banded/banded_0001.jpg\r\nbanded/banded_0009.jpg\r\n") == 0,
          "write");
    snprintf(want, sizeof want, "%s/labels/test2.txt:2: 'banded/banded_0009.jpg' is listed, but %s/images/banded/banded_0009.jpg does not exist",
             root, root);
    CHECK_FAILS(fg_dataset_textures_fold(root, 2, &ds), FG_ENOTFOUND, want);
    CHECK(nl_write_text(nl_path(root, "labels/val1.txt"), "zigzagged/zigzagged_0001.jpg\nbanded/banded_0002.jpg\n") == 0,
          "write");
    snprintf(want, sizeof want, "%s/labels/test1.txt:1: 'banded/banded_0002.jpg' is listed a second time (first at %s/labels/val1.txt:2)",
             root, root);
    CHECK_FAILS(fg_dataset_textures(root, &ds), FG_EINVAL, want);
    fx_rmtree(nl_path(root, "images"));
    CHECK_FAILS(fg_dataset_textures(root, &ds), FG_ENOTFOUND, "/missing/images: no such folder (the textures layout");
    CHECK(ds.n == 0 && ds.path == NULL, "a failed read is left zeroed");
}

int main(void)
{
    if (fx_tmpdir("fg_test_dataset_textures", dir, sizeof dir)) return 1;
    test_layout();
    test_refusals();
    fx_rmtree(dir);
    return fg_test_done("test_dataset_textures");
}
