/* The mit67 adapter on a generated miniature of the MIT Indoor 67 download
 * (class and file names with spaces, CRLF list, hidden file, unlisted
 * images): classes, order, paths, split tags, selection; the lists-only
 * reader; every refusal naming the list file and line; and the official
 * TrainImages.txt/TestImages.txt (skipped when the shared data is absent). */
#include "fg_test.h"
#include "img_fixtures.h"
#include "native_layouts.h"
#include "fnegraph/dataset.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char dir[4096];

/* A fresh miniature at dir/name; returns its path (one of 4 static slots). */
static const char *fresh(const char *name)
{
    static char slots[4][4200];
    static int next;
    char *root = slots[next++ & 3];
    snprintf(root, sizeof slots[0], "%s/%s", dir, name);
    CHECK(nl_make_mit67(root) == 0, "cannot write the mit67 miniature at %s", root);
    return root;
}

static void test_layout(void)
{
    const char *root = fresh("m");
    fg_dataset ds, sel;
    CHECK_OK(fg_dataset_mit67(root, &ds));
    static const char *classes[] = {"Zoo", "bar", "living room"};
    static const char *paths[] = {"Images/Zoo/z 2.jpg", "Images/Zoo/z1.jpg", "Images/bar/b1.jpg", "Images/bar/b2.jpg",
                                  "Images/bar/b3.jpg", "Images/living room/l 2.jpg", "Images/living room/l1.jpg"};
    static const int labels[] = {0, 0, 1, 1, 1, 2, 2};
    static const fg_split splits[] = {FG_SPLIT_TRAIN, FG_SPLIT_ALL, FG_SPLIT_TRAIN, FG_SPLIT_ALL,
                                      FG_SPLIT_TEST,  FG_SPLIT_TRAIN, FG_SPLIT_TEST};
    CHECK(!strcmp(ds.kind, "mit67") && ds.n_classes == 3 && ds.n == 7, "kind %s, %d classes, %lld images", ds.kind,
          ds.n_classes, (long long)ds.n);
    for (int c = 0; c < 3 && c < ds.n_classes; c++)
        CHECK(!strcmp(ds.class_names[c], classes[c]), "class %d '%s', expected '%s'", c, ds.class_names[c], classes[c]);
    for (int64_t i = 0; i < 7 && i < ds.n; i++) {
        CHECK(!strcmp(ds.path[i], paths[i]) && ds.label[i] == labels[i] && ds.split[i] == (uint8_t)splits[i],
              "image %lld: '%s' label %d split %s; expected '%s' %d %s", (long long)i, ds.path[i], ds.label[i],
              fg_split_name((fg_split)ds.split[i]), paths[i], labels[i], fg_split_name(splits[i]));
        CHECK(!strcmp(ds.file[i], nl_path(root, paths[i])), "file '%s'", ds.file[i]);
    }
    CHECK_OK(fg_dataset_select(&ds, FG_SPLIT_TRAIN, &sel));
    CHECK(sel.n == 3 && sel.n_classes == 3 && !strcmp(sel.path[0], "Images/Zoo/z 2.jpg") &&
              !strcmp(sel.path[2], "Images/living room/l 2.jpg") && sel.label[2] == 2,
          "train selection: %lld images", (long long)sel.n);
    fg_dataset_destroy(&sel);
    CHECK_OK(fg_dataset_select(&ds, FG_SPLIT_TEST, &sel));
    CHECK(sel.n == 2 && !strcmp(sel.path[0], "Images/bar/b3.jpg"), "test selection: %lld images", (long long)sel.n);
    fg_dataset_destroy(&sel);
    CHECK_FAILS(fg_dataset_select(&ds, FG_SPLIT_VAL, &sel), FG_ENOTFOUND,
                "no images in split 'val' (this mit67 dataset of 7 images has: train 3, test 2, and images in no split)");

    /* the lists alone: the listed images, same order and labels */
    fg_dataset li;
    CHECK_OK(fg_dataset_mit67_lists(root, &li));
    int same = li.n == 5 && li.n_classes == 3;
    for (int64_t i = 0, j = 0; same && i < ds.n; i++) {
        if (ds.split[i] == FG_SPLIT_ALL) continue;
        same = !strcmp(li.path[j], ds.path[i]) && li.label[j] == ds.label[i] && li.split[j] == ds.split[i] &&
               !strcmp(li.file[j], ds.file[i]);
        j++;
    }
    CHECK(same, "the lists-only dataset is not the listed part of the full one (%lld images)", (long long)li.n);
    fg_dataset_destroy(&li);
    fg_dataset_destroy(&ds);

    /* no split lists at all: an unsplit set; asking for a split says so */
    root = fresh("nolists");
    remove(nl_path(root, "TrainImages.txt"));
    remove(nl_path(root, "TestImages.txt"));
    CHECK_OK(fg_dataset_mit67(root, &ds));
    int all = ds.n == 7;
    for (int64_t i = 0; i < ds.n; i++) all &= ds.split[i] == FG_SPLIT_ALL;
    CHECK(all, "without lists every image is in split 'all'");
    CHECK_FAILS(fg_dataset_select(&ds, FG_SPLIT_TRAIN, &sel), FG_ENOTFOUND, "this mit67 dataset of 7 images has no splits");
    fg_dataset_destroy(&ds);
    CHECK_FAILS(fg_dataset_mit67_lists(root, &ds), FG_ENOTFOUND, "TrainImages.txt: no such file");
}

static void rewrite(const char *root, const char *list, const char *text)
{
    CHECK(nl_write_text(nl_path(root, list), text) == 0, "write %s", list);
}

static void test_refusals(void)
{
    fg_dataset ds;
    char want[8192];
    CHECK_FAILS(fg_dataset_mit67(nl_path(dir, "absent"), &ds), FG_ENOTFOUND, "/absent: dataset root: no such folder");

    const char *root = fresh("one");
    remove(nl_path(root, "TestImages.txt"));
    snprintf(want, sizeof want, "%s/TestImages.txt: no such file", root);
    CHECK_FAILS(fg_dataset_mit67(root, &ds), FG_ENOTFOUND, want);

    root = fresh("missing");
    rewrite(root, "TestImages.txt", "bar/b3.jpg\r\n\r\nbar/b9.jpg\r\n");
    snprintf(want, sizeof want, "%s/TestImages.txt:3: 'bar/b9.jpg' is listed, but %s/Images/bar/b9.jpg does not exist",
             root, root);
    CHECK_FAILS(fg_dataset_mit67(root, &ds), FG_ENOTFOUND, want);
    CHECK(ds.n == 0 && ds.path == NULL, "a failed read is left zeroed");
    /* a class the folders lack is the same error */
    rewrite(root, "TestImages.txt", "kitchen/k1.jpg\n");
    CHECK_FAILS(fg_dataset_mit67(root, &ds), FG_ENOTFOUND, "TestImages.txt:1: 'kitchen/k1.jpg' is listed, but");

    root = fresh("malformed");
    rewrite(root, "TrainImages.txt", "bar/b1.jpg\njustafile.jpg\n");
    snprintf(want, sizeof want, "%s/TrainImages.txt:2: expected 'class/file', got 'justafile.jpg'", root);
    CHECK_FAILS(fg_dataset_mit67(root, &ds), FG_EFORMAT, want);
    static const char *bad[] = {"/bar/b1.jpg\n", "bar/\n", "bar//b1.jpg\n", "../bar/b1.jpg\n", "bar/./b1.jpg\n"};
    for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
        rewrite(root, "TrainImages.txt", bad[i]);
        CHECK_FAILS(fg_dataset_mit67(root, &ds), FG_EFORMAT, "TrainImages.txt:1: expected 'class/file'");
        CHECK_FAILS(fg_dataset_mit67_lists(root, &ds), FG_EFORMAT, "TrainImages.txt:1: expected 'class/file'");
    }

    root = fresh("dup");
    rewrite(root, "TrainImages.txt", "bar/b1.jpg\nbar/b3.jpg\n");
    snprintf(want, sizeof want, "%s/TestImages.txt:1: 'bar/b3.jpg' is listed a second time (first at %s/TrainImages.txt:2)",
             root, root);
    CHECK_FAILS(fg_dataset_mit67(root, &ds), FG_EINVAL, want);
    CHECK_FAILS(fg_dataset_mit67_lists(root, &ds), FG_EINVAL, want);
    rewrite(root, "TrainImages.txt", "bar/b1.jpg\nZoo/z1.jpg\nbar/b1.jpg\n");
    CHECK_FAILS(fg_dataset_mit67(root, &ds), FG_EINVAL, "TrainImages.txt:3: 'bar/b1.jpg' is listed a second time");

    root = fresh("noimages");
    fx_rmtree(nl_path(root, "Images"));
    CHECK_FAILS(fg_dataset_mit67(root, &ds), FG_ENOTFOUND, "/noimages/Images: no such folder");
    CHECK_OK(fg_dataset_mit67_lists(root, &ds)); /* the lists alone need no images */
    CHECK(ds.n == 5, "lists-only: %lld images", (long long)ds.n);
    fg_dataset_destroy(&ds);

    root = fresh("emptyclass");
    CHECK(nl_write_text(nl_path(root, "Images/empty/.keep"), "") == 0, "write");
    CHECK_FAILS(fg_dataset_mit67(root, &ds), FG_EINVAL, "/Images/empty: class folder has no image files");
    CHECK(fx_write_bytes(nl_path(root, "TrainImages.txt"), "bar/b1.jpg\0", 11) == 0, "write");
    CHECK_FAILS(fg_dataset_mit67_lists(root, &ds), FG_EFORMAT, "TrainImages.txt: holds a NUL byte");
}

static void test_real_lists(void)
{
    const char *shared = getenv("FG_SHARED_DATA");
    if (!shared || !*shared) shared = FG_SHARED_DATA;
    char root[4096];
    snprintf(root, sizeof root, "%s/labels/mit67", shared);
    struct stat sb;
    if (stat(nl_path(root, "TrainImages.txt"), &sb) != 0) {
        printf("  real list part skipped: %s/TrainImages.txt absent\n", root);
        return;
    }
    fg_dataset ds, tr;
    CHECK_OK(fg_dataset_mit67_lists(root, &ds));
    CHECK_OK(fg_dataset_select(&ds, FG_SPLIT_TRAIN, &tr));
    int64_t counts[67] = {0};
    int nonempty = 0, spaced = 0, spaced_train = 0;
    if (tr.n_classes == 67) fg_dataset_class_counts(&tr, counts);
    for (int c = 0; c < 67; c++) nonempty += counts[c] > 0;
    for (int64_t i = 0; i < ds.n; i++) {
        spaced += strchr(ds.path[i], ' ') != NULL;
        spaced_train += strchr(ds.path[i], ' ') != NULL && ds.split[i] == FG_SPLIT_TRAIN;
    }
    printf("  official lists: %lld images (%lld train) over %d classes, %d names with spaces\n", (long long)ds.n,
           (long long)tr.n, ds.n_classes, spaced);
    CHECK(ds.n == 6700 && tr.n == 5360 && ds.n_classes == 67 && nonempty == 67,
          "expected 6,700 images, 5,360 train over 67 classes: got %lld, %lld, %d (%d with train images)",
          (long long)ds.n, (long long)tr.n, ds.n_classes, nonempty);
    CHECK(spaced == 6 && spaced_train == 4, "names with spaces: %d (%d train), expected 6 (4)", spaced, spaced_train);
    int found = 0;
    for (int64_t i = 0; i < ds.n; i++) {
        if (!strcmp(ds.path[i], "Images/mall/shopping mall.jpg"))
            found += ds.split[i] == FG_SPLIT_TRAIN && !strcmp(ds.class_names[ds.label[i]], "mall");
        if (!strcmp(ds.path[i], "Images/laundromat/laundry room.jpg"))
            found += ds.split[i] == FG_SPLIT_TEST && !strcmp(ds.class_names[ds.label[i]], "laundromat");
    }
    CHECK(found == 2, "'mall/shopping mall.jpg' (train) and 'laundromat/laundry room.jpg' (test) not intact");
    CHECK(!strcmp(ds.class_names[0], "airport_inside") && !strcmp(ds.class_names[66], "winecellar"),
          "first/last class '%s', '%s'", ds.class_names[0], ds.class_names[66]);
    fg_dataset_destroy(&tr);
    fg_dataset_destroy(&ds);
}

int main(void)
{
    if (fx_tmpdir("fg_test_dataset_mit67", dir, sizeof dir)) return 1;
    test_layout();
    test_refusals();
    test_real_lists();
    fx_rmtree(dir);
    return fg_test_done("test_dataset_mit67");
}
