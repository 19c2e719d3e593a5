/* The wood (Oulu knots) adapter on a generated miniature: PPM images and a
 * names.txt with comments, blank lines, tabs and class names with spaces;
 * another label file by path; every refusal naming the label file and line
 * (malformed line, path leaving the root, missing image, duplicate file,
 * missing or empty list). */
#include "fg_test.h"
#include "img_fixtures.h"
#include "native_layouts.h"
#include "fnegraph/dataset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[4096], root[4200];

static void test_layout(void)
{
    fg_dataset ds, sel;
    CHECK_OK(fg_dataset_wood(root, NULL, &ds));
    static const char *paths[] = {"knot03.ppm", "knot01.ppm", "knot02.ppm", "knot05.ppm", "knot04.ppm"};
    static const int labels[] = {2, 0, 0, 2, 1};
    CHECK(!strcmp(ds.kind, "wood") && ds.n == 5 && ds.n_classes == 3, "kind %s, %lld images, %d classes", ds.kind,
          (long long)ds.n, ds.n_classes);
    CHECK(ds.n_classes == 3 && !strcmp(ds.class_names[0], "dry") && !strcmp(ds.class_names[1], "encased") &&
              !strcmp(ds.class_names[2], "sound knot"),
          "class names '%s', '%s', '%s'", ds.n_classes > 0 ? ds.class_names[0] : "", ds.n_classes > 1 ? ds.class_names[1] : "",
          ds.n_classes > 2 ? ds.class_names[2] : "");
    for (int64_t i = 0; i < ds.n && i < 5; i++)
        CHECK(!strcmp(ds.path[i], paths[i]) && !strcmp(ds.file[i], nl_path(root, paths[i])) && ds.label[i] == labels[i] &&
                  ds.split[i] == FG_SPLIT_ALL,
              "image %lld: '%s' label %d, expected '%s' %d", (long long)i, ds.path[i], ds.label[i], paths[i], labels[i]);
    CHECK_FAILS(fg_dataset_select(&ds, FG_SPLIT_TEST, &sel), FG_ENOTFOUND,
                "no images in split 'test': this wood dataset of 5 images has no splits");
    fg_dataset_destroy(&ds);

    /* another list, by path (outside the root), with a sub-folder and "" meaning the default */
    CHECK(nl_write_ppm(nl_path(root, "more/knot06.ppm"), 8, 8, 6) == 0, "write");
    const char *other = nl_path(dir, "other labels.txt");
    CHECK(nl_write_text(other, "more/knot06.ppm decayed\r\nknot01.ppm dry\r\n") == 0, "write");
    CHECK_OK(fg_dataset_wood(root, other, &ds));
    CHECK(ds.n == 2 && ds.n_classes == 2 && !strcmp(ds.class_names[0], "decayed") && !strcmp(ds.path[0], "more/knot06.ppm") &&
              ds.label[0] == 0 && ds.label[1] == 1,
          "the list given by path");
    fg_dataset_destroy(&ds);
    CHECK_OK(fg_dataset_wood(root, "", &ds));
    CHECK(ds.n == 5, "an empty label path means names.txt");
    fg_dataset_destroy(&ds);
}

static void refuse(const char *text, fg_status code, int line, const char *detail)
{
    const char *list = nl_path(dir, "bad.txt");
    char want[8192];
    fg_dataset ds;
    CHECK(nl_write_text(list, text) == 0, "write");
    if (line) snprintf(want, sizeof want, "%s:%d: %s", list, line, detail);
    else snprintf(want, sizeof want, "%s: %s", list, detail);
    CHECK_FAILS(fg_dataset_wood(root, list, &ds), code, want);
    CHECK(ds.n == 0 && ds.path == NULL, "a failed read is left zeroed");
}

static void test_refusals(void)
{
    fg_dataset ds;
    char want[8192];
    refuse("knot01.ppm dry\nknot02.ppm\n", FG_EFORMAT, 2, "expected '<file> <class name>', got 'knot02.ppm'");
    refuse("# header\n\nknot01.ppm   # no class\n", FG_EFORMAT, 3, "expected '<file> <class name>'");
    refuse("knot01.ppm dry\n../knot01.ppm dry\n", FG_EFORMAT, 2, "'../knot01.ppm': image paths are relative");
    refuse("/etc/passwd dry\n", FG_EFORMAT, 1, "'/etc/passwd': image paths are relative");
    snprintf(want, sizeof want, "%s/knot09.ppm: no such image file", root);
    refuse("knot01.ppm dry\n\nknot09.ppm dry\n", FG_ENOTFOUND, 3, want);
    refuse("knot01.ppm dry\nknot02.ppm dry\nknot01.ppm encased\n", FG_EINVAL, 3,
           "'knot01.ppm' is listed a second time (first at line 1)");
    refuse("# only comments\n\n   \n", FG_EINVAL, 0, "the label list names no images");
    CHECK(fx_write_bytes(nl_path(dir, "bad.txt"), "knot01.ppm\0dry\n", 15) == 0, "write");
    CHECK_FAILS(fg_dataset_wood(root, nl_path(dir, "bad.txt"), &ds), FG_EFORMAT, "holds a NUL byte");
    CHECK_FAILS(fg_dataset_wood(root, nl_path(dir, "none.txt"), &ds), FG_ENOTFOUND, "/none.txt: no such label list");
    CHECK_FAILS(fg_dataset_wood(dir, NULL, &ds), FG_ENOTFOUND, "/names.txt: no such label list");
    CHECK_FAILS(fg_dataset_wood(nl_path(dir, "absent"), NULL, &ds), FG_ENOTFOUND, "/absent: dataset root: no such folder");
}

int main(void)
{
    if (fx_tmpdir("fg_test_dataset_wood", dir, sizeof dir)) return 1;
    snprintf(root, sizeof root, "%s/knots", dir);
    if (nl_make_wood(root)) return 1;
    test_layout();
    test_refusals();
    fx_rmtree(dir);
    return fg_test_done("test_dataset_wood");
}
