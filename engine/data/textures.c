/* The Describable Textures Dataset adapter (docs/formats.md "Dataset layouts":
 * `textures`): the official dtd-r1.0.1 download as it unpacks,
 * ROOT/images/<class>/<file> with the split lists of fold N
 * ROOT/labels/trainN.txt, valN.txt, testN.txt (lines "class/file.jpg",
 * relative to images/). Cimpoi et al., "Describing textures in the wild",
 * CVPR 2014. Cost: O(F log F) for F files and list lines. */
#include "dirlist.h"
#include "fnegraph/dataset.h"
#include "fnegraph/mem.h"

#include <stdio.h>

fg_status fg_dataset_textures_fold(const char *root, int fold, fg_dataset *out)
{
    static const char *const NAMES[3] = {"train", "val", "test"};
    static const fg_split SPLITS[3] = {FG_SPLIT_TRAIN, FG_SPLIT_VAL, FG_SPLIT_TEST};
    fg_status st = FG_OK;
    char *path[3] = {NULL, NULL, NULL};
    if (!root || !out) return FG_FAIL(FG_EINVAL, "fg_dataset_textures: null argument");
    FG_CHECK_GOTO(st, fg_dataset_init(out, "textures", root));
    if (fold < 0 || fold > FG_TEXTURES_MAX_FOLD) {
        st = FG_FAIL(FG_EINVAL, "%s: textures fold %d: expected 1..%d", out->root, fold, FG_TEXTURES_MAX_FOLD);
        goto done;
    }
    FG_CHECK_GOTO(st, fg_i_check_root(out->root));
    int present = 0, missing = -1, f = fold ? fold : 1;
    for (int i = 0; i < 3; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "labels/%s%d.txt", NAMES[i], f);
        path[i] = fg_i_join(out->root, rel);
        if (!path[i]) {
            st = FG_FAIL(FG_ENOMEM, "%s: out of memory", out->root);
            goto done;
        }
        if (fg_i_exists(path[i])) present++;
        else if (missing < 0) missing = i;
    }
    if (present && missing >= 0) {
        st = FG_FAIL(FG_ENOTFOUND, "%s: no such file (the split lists train%d, val%d and test%d are read together)",
                     path[missing], f, f, f);
        goto done;
    }
    if (!present && fold) {
        st = FG_FAIL(FG_ENOTFOUND, "%s: no such file (fold %d was asked for)", path[0], fold);
        goto done;
    }
    fg_i_split_list lists[3];
    for (int i = 0; i < 3; i++) lists[i] = (fg_i_split_list){path[i], SPLITS[i]};
    FG_CHECK_GOTO(st, fg_i_split_layout(out, "images", lists, present ? 3 : 0, 1));
done:
    for (int i = 0; i < 3; i++) fg_free(path[i]);
    if (st != FG_OK) fg_dataset_destroy(out);
    return st;
}

fg_status fg_dataset_textures(const char *root, fg_dataset *out) { return fg_dataset_textures_fold(root, 0, out); }
