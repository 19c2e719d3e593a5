/* Opening a dataset by kind name (docs/formats.md "Dataset layouts"): the dispatcher the
 * extract command and the sweep runner share. O(1) plus the adapter's cost. */
#include "fnegraph/dataset.h"

#include <stdlib.h>
#include <string.h>

static const char *const KINDS[] = {"folder", "mit67", "flowers102", "textures", "wood"};

bool fg_dataset_kind_known(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof KINDS / sizeof *KINDS; i++)
        if (!strcmp(kind, KINDS[i])) return true;
    return false;
}

fg_status fg_dataset_open(const char *kind, const char *root, const char *labels, fg_dataset *out)
{
    if (!out) return FG_FAIL(FG_EINVAL, "fg_dataset_open: null output");
    memset(out, 0, sizeof *out);
    if (!fg_dataset_kind_known(kind))
        return FG_FAIL(FG_EINVAL, "unknown dataset kind '%s' (expected %s)", kind ? kind : "(null)", FG_DATASET_KINDS);
    if (!root) return FG_FAIL(FG_EINVAL, "%s dataset: no root folder given", kind);
    int has_labels = labels && *labels;
    if (!strcmp(kind, "wood")) return fg_dataset_wood(root, labels, out);
    if (!strcmp(kind, "textures")) {
        if (!has_labels) return fg_dataset_textures(root, out);
        char *end;
        long fold = strtol(labels, &end, 10);
        if (*end || end == labels || fold < 1 || fold > FG_TEXTURES_MAX_FOLD)
            return FG_FAIL(FG_EINVAL, "%s: textures dataset: labels '%s' should be a fold number 1..%d", root, labels,
                           FG_TEXTURES_MAX_FOLD);
        return fg_dataset_textures_fold(root, (int)fold, out);
    }
    if (has_labels)
        return FG_FAIL(FG_EINVAL, "%s: a %s dataset takes no label list ('%s' given; labels apply to wood, a label "
                       "list, and textures, a fold number)", root, kind, labels);
    if (!strcmp(kind, "folder")) return fg_dataset_folder(root, out);
    if (!strcmp(kind, "mit67")) return fg_dataset_mit67(root, out);
    return fg_dataset_flowers102(root, out);
}
