/* The class-per-folder dataset adapter (docs/formats.md "Dataset layouts": `folder`),
 * with the rules of include/fnegraph/dataset.h: classes = sub-folders of the
 * root sorted with strcmp, label = class index, every non-hidden regular
 * file below a class folder an image, sorted with strcmp.
 * Cost: O(F log F) for F directory entries, one stat each. */
#include "dirlist.h"
#include "fnegraph/dataset.h"

fg_status fg_dataset_folder(const char *root, fg_dataset *out)
{
    fg_status st = FG_OK;
    fg_i_strlist classes = {0}, files = {0};
    if (!root || !out) return FG_FAIL(FG_EINVAL, "fg_dataset_folder: null argument");
    FG_CHECK_GOTO(st, fg_dataset_init(out, "folder", root));
    const char *r = out->root;
    FG_CHECK_GOTO(st, fg_i_check_root(r));
    FG_CHECK_GOTO(st, fg_i_class_folders(r, &classes));
    if (classes.n == 0) {
        st = FG_FAIL(FG_ENOTFOUND, "%s: no class folders (expected one sub-folder of images per class)", r);
        goto done;
    }
    if (classes.n > (size_t)INT32_MAX) {
        st = FG_FAIL(FG_EINVAL, "%s: too many class folders (%zu)", r, classes.n);
        goto done;
    }
    for (size_t c = 0; c < classes.n; c++) {
        int label;
        FG_CHECK_GOTO(st, fg_dataset_add_class(out, classes.v[c], &label));
        FG_CHECK_GOTO(st, fg_i_walk(r, classes.v[c], &files));
        if (files.n == 0) {
            st = FG_FAIL(FG_EINVAL, "%s/%s: class folder has no image files (add images or remove the folder)", r,
                         classes.v[c]);
            goto done;
        }
        fg_i_strlist_sort(&files);
        for (size_t i = 0; i < files.n; i++) FG_CHECK_GOTO(st, fg_dataset_add_image(out, files.v[i], label, FG_SPLIT_ALL));
        fg_i_strlist_free(&files);
    }
done:
    fg_i_strlist_free(&classes);
    fg_i_strlist_free(&files);
    if (st != FG_OK) fg_dataset_destroy(out);
    return st;
}
