/* fg_extract_run on a shard (fg_extract_opts.first/count), the pipeline's
 * unit of extraction work: a shard that starts on a batch boundary holds
 * exactly the rows, paths and labels of the whole dataset's file at those
 * positions (bit for bit: same batch size, same threads); count 0 runs to the
 * end; ranges outside the dataset are FG_EINVAL naming the shard, before any
 * file is made. */
#include "fg_test.h"
#include "fnegraph/dataset.h"
#include "fnegraph/extract.h"
#include "fnegraph/fne_file.h"
#include "fnegraph/synth.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void check_shard(const fg_fne *all, const char *path, int64_t first, int64_t n)
{
    fg_fne s;
    memset(&s, 0, sizeof s);
    CHECK_OK(fg_fne_read(path, &s));
    CHECK(s.n == n, "%s: %lld rows, expected %lld", path, (long long)s.n, (long long)n);
    for (int64_t i = 0; i < n && i < s.n && first + i < all->n; i++) {
        const int64_t j = first + i;
        CHECK(memcmp(s.x + i * FG_FNE_DIM, all->x + j * FG_FNE_DIM, FG_FNE_DIM * sizeof(float)) == 0,
              "%s row %lld differs from row %lld of the whole file", path, (long long)i, (long long)j);
        CHECK(strcmp(s.path[i], all->path[j]) == 0, "%s row %lld: path %s, expected %s", path, (long long)i,
              s.path[i], all->path[j]);
        CHECK(s.label[i] == all->label[j], "%s row %lld: label %d, expected %d", path, (long long)i, s.label[i],
              all->label[j]);
    }
    CHECK(s.n_classes == all->n_classes, "%s: %d classes, the whole file %d", path, s.n_classes, all->n_classes);
    fg_fne_destroy(&s);
}

int main(void)
{
    char dir[] = "/tmp/fg_extract_shard_XXXXXX", root[300], p[4][400];
    CHECK(mkdtemp(dir) != NULL, "temp dir");
    snprintf(root, sizeof root, "%s/imgs", dir);
    fg_synth_options so;
    fg_synth_defaults(&so);
    so.classes = 3;
    so.per_class = 2;
    so.min_side = 40;
    so.max_side = 56;
    so.seed = 5;
    CHECK_OK(fg_synth_write(root, &so, NULL, NULL, NULL));
    fg_dataset ds;
    CHECK_OK(fg_dataset_folder(root, &ds));
    CHECK(ds.n == 6, "6 images, got %lld", (long long)ds.n);
    fg_weights w;
    CHECK_OK(fg_weights_generate(2, false, &w));
    fg_extract_result res;
    fg_extract_opts eo = {.batch = 2, .threads = 1, .chunk_rows = 2};

    /* ranges outside the dataset: refused before any file */
    const int64_t bad[4][2] = {{-1, 0}, {0, 7}, {4, 3}, {6, 0}};
    snprintf(p[0], sizeof p[0], "%s/bad.h5", dir);
    for (int i = 0; i < 4; i++) {
        eo.first = bad[i][0];
        eo.count = bad[i][1];
        CHECK_FAILS(fg_extract_run(&ds, &w, p[0], &eo, &res), FG_EINVAL, "is not inside the 6 images");
        fg_extract_result_destroy(&res);
    }
    char partial[420];
    snprintf(partial, sizeof partial, "%s.partial", p[0]);
    struct stat sb;
    CHECK(stat(p[0], &sb) != 0 && stat(partial, &sb) != 0, "no file for a refused shard");

    /* the whole dataset, then three shards */
    snprintf(p[0], sizeof p[0], "%s/all.h5", dir);
    eo.first = eo.count = 0;
    CHECK_OK(fg_extract_run(&ds, &w, p[0], &eo, &res));
    fg_extract_result_destroy(&res);
    fg_fne all;
    memset(&all, 0, sizeof all);
    CHECK_OK(fg_fne_read(p[0], &all));
    const int64_t shard[3][2] = {{0, 2}, {2, 0}, {4, 2}}, rows[3] = {2, 4, 2};
    for (int i = 0; i < 3; i++) {
        snprintf(p[1 + i], sizeof p[1 + i], "%s/shard%d.h5", dir, i);
        eo.first = shard[i][0];
        eo.count = shard[i][1];
        CHECK_OK(fg_extract_run(&ds, &w, p[1 + i], &eo, &res));
        CHECK(res.n_inputs == rows[i] && res.n_done == rows[i], "shard %d: %lld inputs, %lld done", i,
              (long long)res.n_inputs, (long long)res.n_done);
        fg_extract_result_destroy(&res);
        check_shard(&all, p[1 + i], shard[i][0], rows[i]);
    }
    /* a shard is resumable as any file: run again, already complete */
    eo.first = 4;
    eo.count = 2;
    CHECK_OK(fg_extract_run(&ds, &w, p[3], &eo, &res));
    CHECK(res.already_complete && res.n_done == 0, "a finished shard is reported complete");
    fg_extract_result_destroy(&res);

    fg_fne_destroy(&all);
    fg_weights_destroy(&w);
    fg_dataset_destroy(&ds);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return fg_test_done("test_extract_shard");
}
