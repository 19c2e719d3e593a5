/* fg_dataset_open: each kind reaches its adapter (the same dataset as the
 * adapter called directly), labels go to wood (list) and textures (fold) and
 * are refused elsewhere, unknown kinds list the accepted ones; and the
 * selection error of a split the layout lacks names root and kind. */
#include "fg_test.h"
#include "img_fixtures.h"
#include "native_layouts.h"
#include "fnegraph/dataset.h"

#include <stdio.h>
#include <string.h>

static char dir[4096];

static int same(const fg_dataset *a, const fg_dataset *b)
{
    if (strcmp(a->kind, b->kind) || strcmp(a->root, b->root) || a->n != b->n || a->n_classes != b->n_classes) return 0;
    for (int64_t i = 0; i < a->n; i++)
        if (strcmp(a->path[i], b->path[i]) || strcmp(a->file[i], b->file[i]) || a->label[i] != b->label[i] ||
            a->split[i] != b->split[i])
            return 0;
    for (int c = 0; c < a->n_classes; c++)
        if (strcmp(a->class_names[c], b->class_names[c])) return 0;
    return 1;
}

int main(void)
{
    if (fx_tmpdir("fg_test_dataset_open", dir, sizeof dir)) return 1;
    char folder[4200], mit[4200], flw[4200], tex[4200], wood[4200];
    snprintf(folder, sizeof folder, "%s/folder", dir);
    snprintf(mit, sizeof mit, "%s/mit67", dir);
    snprintf(flw, sizeof flw, "%s/flowers", dir);
    snprintf(tex, sizeof tex, "%s/dtd", dir);
    snprintf(wood, sizeof wood, "%s/knots", dir);
    CHECK(nl_write_jpeg(nl_path(folder, "a/1.jpg"), 8, 8, 1) == 0 && nl_write_jpeg(nl_path(folder, "b/2.jpg"), 8, 8, 2) == 0,
          "write the folder set");
    CHECK(nl_make_mit67(mit) == 0 && nl_make_flowers102(flw, 1) == 0 && nl_make_textures(tex, 1) == 0 &&
              nl_make_wood(wood) == 0,
          "write the miniatures");

    fg_dataset a, b;
    CHECK_OK(fg_dataset_open("folder", folder, NULL, &a));
    CHECK_OK(fg_dataset_folder(folder, &b));
    CHECK(same(&a, &b) && a.n == 2, "folder");
    fg_dataset_destroy(&a), fg_dataset_destroy(&b);
    CHECK_OK(fg_dataset_open("mit67", mit, "", &a));
    CHECK_OK(fg_dataset_mit67(mit, &b));
    CHECK(same(&a, &b) && a.n == 7, "mit67");
    fg_dataset_destroy(&a), fg_dataset_destroy(&b);
    CHECK_OK(fg_dataset_open("flowers102", flw, NULL, &a));
    CHECK_OK(fg_dataset_flowers102(flw, &b));
    CHECK(same(&a, &b) && a.n == 7, "flowers102");
    fg_dataset_destroy(&a), fg_dataset_destroy(&b);
    CHECK_OK(fg_dataset_open("textures", tex, NULL, &a));
    CHECK_OK(fg_dataset_textures_fold(tex, 1, &b));
    CHECK(same(&a, &b) && a.n == 6, "textures");
    fg_dataset_destroy(&a), fg_dataset_destroy(&b);
    CHECK_OK(fg_dataset_open("wood", wood, NULL, &a));
    CHECK_OK(fg_dataset_wood(wood, NULL, &b));
    CHECK(same(&a, &b) && a.n == 5, "wood");
    fg_dataset_destroy(&a), fg_dataset_destroy(&b);
    CHECK(nl_write_text(nl_path(dir, "two.txt"), "knot02.ppm x\n") == 0, "write");
    CHECK_OK(fg_dataset_open("wood", wood, nl_path(dir, "two.txt"), &a));
    CHECK(a.n == 1 && !strcmp(a.class_names[0], "x"), "wood with a label list");
    fg_dataset_destroy(&a);

    CHECK_FAILS(fg_dataset_open("imagenet", folder, NULL, &a), FG_EINVAL,
                "unknown dataset kind 'imagenet' (expected folder, mit67, flowers102, textures or wood)");
    CHECK_FAILS(fg_dataset_open(NULL, folder, NULL, &a), FG_EINVAL, "unknown dataset kind '(null)'");
    CHECK_FAILS(fg_dataset_open("Folder", folder, NULL, &a), FG_EINVAL, "unknown dataset kind 'Folder'");
    CHECK(a.n == 0 && a.path == NULL, "a failed open is left zeroed");
    CHECK_FAILS(fg_dataset_open("mit67", mit, "names.txt", &a), FG_EINVAL, "a mit67 dataset takes no label list");
    CHECK_FAILS(fg_dataset_open("folder", folder, "x", &a), FG_EINVAL, "a folder dataset takes no label list");
    CHECK_FAILS(fg_dataset_open("flowers102", flw, "x", &a), FG_EINVAL, "a flowers102 dataset takes no label list");
    CHECK_FAILS(fg_dataset_open("folder", NULL, NULL, &a), FG_EINVAL, "folder dataset: no root folder given");
    CHECK(fg_dataset_kind_known("wood") && fg_dataset_kind_known("flowers102") && !fg_dataset_kind_known("") &&
              !fg_dataset_kind_known(NULL),
          "fg_dataset_kind_known");
    /* the adapter's own errors pass through */
    CHECK_FAILS(fg_dataset_open("wood", folder, NULL, &a), FG_ENOTFOUND, "/folder/names.txt: no such label list");

    /* a split the layout lacks: root, kind and what there is */
    fg_dataset sel;
    char want[8192];
    CHECK_OK(fg_dataset_open("folder", folder, NULL, &a));
    snprintf(want, sizeof want, "%s: no images in split 'test': this folder dataset of 2 images has no splits", folder);
    CHECK_FAILS(fg_dataset_select(&a, FG_SPLIT_TEST, &sel), FG_ENOTFOUND, want);
    fg_dataset_destroy(&a);
    CHECK_OK(fg_dataset_open("flowers102", flw, NULL, &a));
    CHECK_OK(fg_dataset_select(&a, FG_SPLIT_ALL, &sel));
    CHECK(sel.n == 7, "select all keeps every image, listed or not");
    fg_dataset_destroy(&sel);
    fg_dataset_destroy(&a);
    CHECK_OK(fg_dataset_open("mit67", mit, NULL, &a));
    snprintf(want, sizeof want, "%s: no images in split 'val' (this mit67 dataset of 7 images has: train 3, test 2, and images in no split)", mit);
    CHECK_FAILS(fg_dataset_select(&a, FG_SPLIT_VAL, &sel), FG_ENOTFOUND, want);
    fg_dataset_destroy(&a);

    fx_rmtree(dir);
    return fg_test_done("test_dataset_open");
}
