/* fuzz_labels: the bytes as one label or split file of a dataset layout, read
 * by that layout's adapter. At start-up each miniature layout of
 * tests/support/native_layouts.c (real tiny images, the list and .mat files of
 * the official downloads) is made once in the scratch folder; an input's
 * first byte picks the file it replaces (mod 7), the rest is its content:
 *   0 flowers102 imagelabels.mat   (fg_dataset_flowers102, images checked)
 *   1 flowers102 setid.mat         (fg_dataset_flowers102_labels)
 *   2 mit67 TrainImages.txt        (fg_dataset_mit67: the folders scanned)
 *   3 mit67 TestImages.txt         (fg_dataset_mit67_lists: lists alone)
 *   4 DTD labels/train1.txt        (fg_dataset_textures: fold 1 by default)
 *   5 DTD labels/test1.txt         (fg_dataset_textures_fold 1)
 *   6 wood names.txt               (fg_dataset_wood)
 * After the call the original file is put back, so every input meets the
 * same layout. */
#include "fnegraph/dataset.h"
#include "fuzz_common.h"
#include "native_layouts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N_KINDS = 7 };

static const char *const LAYOUT[N_KINDS][2] = {
    {"flowers102", "imagelabels.mat"}, {"flowers102", "setid.mat"}, {"mit67", "TrainImages.txt"},
    {"mit67", "TestImages.txt"},       {"textures", "labels/train1.txt"}, {"textures", "labels/test1.txt"},
    {"wood", "names.txt"},
};

typedef struct slot {
    char root[256], path[512];
    uint8_t *orig; /* the file as the layout has it */
    size_t orig_size;
} slot;

static slot slots[N_KINDS];

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *buf = malloc(1 << 20);
    *n = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    return buf;
}

static void setup(void)
{
    for (int k = 0; k < N_KINDS; k++) {
        slot *s = &slots[k];
        snprintf(s->root, sizeof s->root, "%s/%s", fz_dir(), LAYOUT[k][0]);
        snprintf(s->path, sizeof s->path, "%s/%s", s->root, LAYOUT[k][1]);
    }
    if (nl_make_flowers102(slots[0].root, 1) || nl_make_mit67(slots[2].root) || nl_make_textures(slots[4].root, 1) ||
        nl_make_wood(slots[6].root)) {
        fprintf(stderr, "fuzz_labels: cannot make the miniature layouts in %s\n", fz_dir());
        abort();
    }
    for (int k = 0; k < N_KINDS; k++)
        if (!(slots[k].orig = slurp(slots[k].path, &slots[k].orig_size))) {
            fprintf(stderr, "fuzz_labels: %s was not made\n", slots[k].path);
            abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        setup();
        ready = 1;
    }
    if (size < 1) return 0;
    int k = data[0] % N_KINDS;
    slot *s = &slots[k];
    fz_write(s->path, data + 1, size - 1);
    fg_dataset ds = {0};
    switch (k) {
    case 0: fg_dataset_flowers102(s->root, &ds); break;
    case 1: fg_dataset_flowers102_labels(s->root, &ds); break;
    case 2: fg_dataset_mit67(s->root, &ds); break;
    case 3: fg_dataset_mit67_lists(s->root, &ds); break;
    case 4: fg_dataset_textures(s->root, &ds); break;
    case 5: fg_dataset_textures_fold(s->root, 1, &ds); break;
    default: fg_dataset_wood(s->root, NULL, &ds); break;
    }
    fg_dataset_destroy(&ds);
    fz_write(s->path, s->orig, s->orig_size);
    return 0;
}
