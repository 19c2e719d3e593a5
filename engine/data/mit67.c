/* The MIT Indoor 67 adapter (docs/formats.md "Dataset layouts": `mit67`): the official
 * download as it unpacks, ROOT/Images/<class>/<file> with the split lists
 * ROOT/TrainImages.txt and ROOT/TestImages.txt (lines "class/file.jpg",
 * relative to Images/; names may hold spaces; CRLF line ends tolerated).
 * Quattoni and Torralba, "Recognizing indoor scenes", CVPR 2009.
 * Cost: O(F log F) for F files and list lines. */
#include "dirlist.h"
#include "fnegraph/dataset.h"
#include "fnegraph/mem.h"

static fg_status mit67(const char *root, fg_dataset *out, int scan)
{
    fg_status st = FG_OK;
    char *train = NULL, *test = NULL;
    if (!root || !out) return FG_FAIL(FG_EINVAL, "fg_dataset_mit67: null argument");
    FG_CHECK_GOTO(st, fg_dataset_init(out, "mit67", root));
    FG_CHECK_GOTO(st, fg_i_check_root(out->root));
    train = fg_i_join(out->root, "TrainImages.txt");
    test = fg_i_join(out->root, "TestImages.txt");
    if (!train || !test) {
        st = FG_FAIL(FG_ENOMEM, "%s: out of memory", out->root);
        goto done;
    }
    int has_train = fg_i_exists(train), has_test = fg_i_exists(test);
    if (has_train != has_test) {
        st = FG_FAIL(FG_ENOTFOUND, "%s: no such file (the split lists TrainImages.txt and TestImages.txt are read "
                     "together: give both, or neither for an unsplit set)", has_train ? test : train);
        goto done;
    }
    if (!has_train && !scan) {
        st = FG_FAIL(FG_ENOTFOUND, "%s: no such file (and no TestImages.txt): nothing to read", train);
        goto done;
    }
    const fg_i_split_list lists[2] = {{train, FG_SPLIT_TRAIN}, {test, FG_SPLIT_TEST}};
    FG_CHECK_GOTO(st, fg_i_split_layout(out, "Images", lists, has_train ? 2 : 0, scan));
done:
    fg_free(train);
    fg_free(test);
    if (st != FG_OK) fg_dataset_destroy(out);
    return st;
}

fg_status fg_dataset_mit67(const char *root, fg_dataset *out) { return mit67(root, out, 1); }

fg_status fg_dataset_mit67_lists(const char *root, fg_dataset *out) { return mit67(root, out, 0); }
