/* The class-per-folder adapter and the dataset object: a generated tree
 * (class order by strcmp, file order, hidden entries, nested folders,
 * symbolic links, files in the root), every refusal naming the path, split
 * selection and the builder's checks; and the hymenoptera train folder
 * (2 classes, ants and bees), skipped when the shared data is absent. */
#include "fg_test.h"
#include "img_fixtures.h"
#include "fnegraph/dataset.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[4096];

static void touch(const char *rel)
{
    char p[8192];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    /* make the parent folders */
    for (char *s = p + strlen(dir) + 1; (s = strchr(s, '/')) != NULL; s++) {
        *s = '\0';
        mkdir(p, 0755);
        *s = '/';
    }
    if (rel[strlen(rel) - 1] == '/') return;
    CHECK(!fx_write_bytes(p, "x", 1), "cannot write %s", p);
}

static void test_tree(void)
{
    char root[4200];
    snprintf(root, sizeof root, "%s/tree", dir);
    /* classes in an order readdir will not give sorted; byte order puts
     * upper case before lower case and "b c" (space) before "b_c" */
    const char *files[] = {"tree/zebra/2.jpg", "tree/zebra/10.jpg", "tree/zebra/1.jpg", "tree/Apple/a.png",
                           "tree/b_c/x.jpg", "tree/b c/with space.jpg", "tree/b c/.hidden.jpg",
                           "tree/zebra/.DS_Store", "tree/zebra/sub/deep.jpg", "tree/zebra/.git/objects/obj",
                           "tree/.hiddenclass/h.jpg", "tree/README.txt", "tree/b_c/sub/"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) touch(files[i]);
    /* a symbolic link to a class folder is a class; a dangling link is listed */
    char target[8192], link[8192];
    snprintf(target, sizeof target, "%s/tree/zebra", dir);
    snprintf(link, sizeof link, "%s/tree/linked", dir);
    CHECK(symlink(target, link) == 0, "symlink");
    snprintf(link, sizeof link, "%s/tree/Apple/dangling.jpg", dir);
    CHECK(symlink("/nonexistent/file.jpg", link) == 0, "symlink");

    fg_dataset ds;
    char slashed[4300];
    snprintf(slashed, sizeof slashed, "%s//", root);
    CHECK_OK(fg_dataset_folder(slashed, &ds));
    static const char *classes[] = {"Apple", "b c", "b_c", "linked", "zebra"};
    static const char *paths[] = {"Apple/a.png", "Apple/dangling.jpg", "b c/with space.jpg", "b_c/x.jpg",
                                  "linked/1.jpg", "linked/10.jpg", "linked/2.jpg", "linked/sub/deep.jpg",
                                  "zebra/1.jpg", "zebra/10.jpg", "zebra/2.jpg", "zebra/sub/deep.jpg"};
    static const int labels[] = {0, 0, 1, 2, 3, 3, 3, 3, 4, 4, 4, 4};
    CHECK(!strcmp(ds.kind, "folder"), "kind '%s'", ds.kind);
    CHECK(!strcmp(ds.root, root), "root '%s' (trailing slashes not removed?)", ds.root);
    CHECK(ds.n_classes == 5, "%d classes, expected 5", ds.n_classes);
    for (int c = 0; c < ds.n_classes && c < 5; c++)
        CHECK(!strcmp(ds.class_names[c], classes[c]), "class %d is '%s', expected '%s'", c, ds.class_names[c], classes[c]);
    CHECK(ds.n == 12, "%lld images, expected 12", (long long)ds.n);
    for (int64_t i = 0; i < ds.n && i < 12; i++) {
        char full[8192];
        snprintf(full, sizeof full, "%s/%s", root, paths[i]);
        CHECK(!strcmp(ds.path[i], paths[i]) && ds.label[i] == labels[i] && !strcmp(ds.file[i], full) &&
                  ds.split[i] == FG_SPLIT_ALL,
              "image %lld: '%s' label %d file '%s', expected '%s' label %d", (long long)i, ds.path[i], ds.label[i],
              ds.file[i], paths[i], labels[i]);
    }
    int64_t counts[5];
    fg_dataset_class_counts(&ds, counts);
    CHECK(counts[0] == 2 && counts[1] == 1 && counts[2] == 1 && counts[3] == 4 && counts[4] == 4, "class counts");
    /* selection: all is a copy, a split the layout lacks is an error naming the root */
    fg_dataset all;
    CHECK_OK(fg_dataset_select(&ds, FG_SPLIT_ALL, &all));
    CHECK(all.n == ds.n && all.n_classes == ds.n_classes && !strcmp(all.path[5], ds.path[5]), "select all");
    fg_dataset_destroy(&all);
    CHECK_FAILS(fg_dataset_select(&ds, FG_SPLIT_TRAIN, &all), FG_ENOTFOUND, "no images in split 'train'");
    CHECK(all.n == 0 && all.path == NULL, "a failed selection is left zeroed");
    fg_dataset_destroy(&ds);
    fg_dataset_destroy(&ds); /* twice is fine */

    /* an empty class folder (hidden files only) is refused by name */
    touch("tree/empty/.keep");
    CHECK_FAILS(fg_dataset_folder(root, &ds), FG_EINVAL, "/tree/empty: class folder has no image files");
    CHECK(ds.n == 0 && ds.class_names == NULL, "a failed listing is left zeroed");
}

static void test_refusals(void)
{
    fg_dataset ds;
    char p[4200];
    snprintf(p, sizeof p, "%s/missing", dir);
    CHECK_FAILS(fg_dataset_folder(p, &ds), FG_ENOTFOUND, "/missing: dataset root: no such folder");
    touch("plainfile");
    snprintf(p, sizeof p, "%s/plainfile", dir);
    CHECK_FAILS(fg_dataset_folder(p, &ds), FG_EINVAL, "/plainfile: dataset root is not a folder");
    touch("noclasses/a.jpg");
    touch("noclasses/.hidden/b.jpg");
    snprintf(p, sizeof p, "%s/noclasses", dir);
    CHECK_FAILS(fg_dataset_folder(p, &ds), FG_ENOTFOUND, "/noclasses: no class folders");
    /* a symbolic link loop below a class is stopped with a message */
    touch("loop/c/a.jpg");
    char target[8192], link[8192];
    snprintf(target, sizeof target, "%s/loop/c", dir);
    snprintf(link, sizeof link, "%s/loop/c/again", dir);
    CHECK(symlink(target, link) == 0, "symlink");
    snprintf(p, sizeof p, "%s/loop", dir);
    CHECK_FAILS(fg_dataset_folder(p, &ds), FG_EINVAL, "nested more than 16 levels");
    if (geteuid() != 0) { /* root reads anything: the permission case cannot fail there */
        touch("locked/c/a.jpg");
        snprintf(p, sizeof p, "%s/locked/c", dir);
        chmod(p, 0);
        snprintf(p, sizeof p, "%s/locked", dir);
        CHECK_FAILS(fg_dataset_folder(p, &ds), FG_EIO, "/locked/c: cannot read folder");
        snprintf(p, sizeof p, "%s/locked/c", dir);
        chmod(p, 0755);
    }
    CHECK_FAILS(fg_dataset_folder("", &ds), FG_EINVAL, "empty root path");
}

static void test_builder(void)
{
    fg_dataset ds, sel;
    CHECK_OK(fg_dataset_init(&ds, "textures", "/data/dtd/"));
    CHECK(!strcmp(ds.root, "/data/dtd"), "root '%s'", ds.root);
    int a = -1, b = -1;
    CHECK_OK(fg_dataset_add_class(&ds, "banded", &a));
    CHECK_OK(fg_dataset_add_class(&ds, "zigzagged", &b));
    CHECK(a == 0 && b == 1 && fg_dataset_find_class(&ds, "zigzagged") == 1 && fg_dataset_find_class(&ds, "x") == -1,
          "class indices");
    CHECK_FAILS(fg_dataset_add_class(&ds, "banded", NULL), FG_EINVAL, "class 'banded' listed twice");
    CHECK_FAILS(fg_dataset_add_image(&ds, "images/x.jpg", 2, FG_SPLIT_TRAIN), FG_EINVAL, "has label 2");
    for (int i = 0; i < 1000; i++) {
        char p[64];
        snprintf(p, sizeof p, "images/%d.jpg", i);
        CHECK_OK(fg_dataset_add_image(&ds, p, i % 2, (fg_split)(1 + i % 3)));
    }
    CHECK(ds.n == 1000 && !strcmp(ds.file[999], "/data/dtd/images/999.jpg"), "1000 appends");
    CHECK_OK(fg_dataset_select(&ds, FG_SPLIT_TEST, &sel));
    int ok = sel.n == 333 && sel.n_classes == 2;
    for (int64_t i = 0; ok && i < sel.n; i++) ok = sel.split[i] == FG_SPLIT_TEST;
    CHECK(ok, "test split: %lld images", (long long)sel.n);
    CHECK(sel.n > 0 && !strcmp(sel.path[0], "images/2.jpg") && sel.label[0] == 0, "first test image");
    fg_dataset_destroy(&sel);
    fg_dataset_destroy(&ds);
    fg_split s;
    CHECK_OK(fg_split_parse("val", &s));
    CHECK(s == FG_SPLIT_VAL && !strcmp(fg_split_name(FG_SPLIT_TEST), "test"), "split names");
    CHECK_FAILS(fg_split_parse("training", &s), FG_EINVAL, "expected all, train, val or test");
}

static void test_hymenoptera(void)
{
    const char *shared = getenv("FG_SHARED_DATA");
    if (!shared || !*shared) shared = FG_SHARED_DATA;
    char root[4096];
    snprintf(root, sizeof root, "%s/images/hymenoptera_data/train", shared);
    struct stat sb;
    if (stat(root, &sb) != 0) {
        printf("  hymenoptera part skipped: %s absent\n", root);
        return;
    }
    fg_dataset ds;
    CHECK_OK(fg_dataset_folder(root, &ds));
    int64_t counts[2] = {0, 0};
    if (ds.n_classes == 2) fg_dataset_class_counts(&ds, counts);
    printf("  hymenoptera train: %lld images, classes %s (%lld), %s (%lld)\n", (long long)ds.n,
           ds.n_classes > 0 ? ds.class_names[0] : "-", (long long)counts[0], ds.n_classes > 1 ? ds.class_names[1] : "-",
           (long long)counts[1]);
    CHECK(ds.n_classes == 2 && !strcmp(ds.class_names[0], "ants") && !strcmp(ds.class_names[1], "bees"),
          "classes ants, bees");
    CHECK(ds.n == 245 && counts[0] == 124 && counts[1] == 121, "245 images (124 ants, 121 bees)");
    int sorted = 1;
    for (int64_t i = 1; i < ds.n; i++)
        sorted &= ds.label[i - 1] < ds.label[i] || (ds.label[i - 1] == ds.label[i] && strcmp(ds.path[i - 1], ds.path[i]) < 0);
    CHECK(sorted, "images not grouped by class and sorted by path");
    CHECK(fg_dataset_find_class(&ds, "bees") == 1, "find bees");
    fg_dataset_destroy(&ds);
}

int main(void)
{
    if (fx_tmpdir("fg_test_folder", dir, sizeof dir)) return 1;
    test_tree();
    test_refusals();
    test_builder();
    test_hymenoptera();
    fx_rmtree(dir);
    return fg_test_done("test_folder");
}
