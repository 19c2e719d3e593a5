/* fg_extract_run and the FNE writer's work file (issue 13 items 2 and 6, and
 * the resume of a damaged work file), at the library level a sweep uses:
 * - an output path that cannot be written ("", a folder, a path under a
 *   regular file) is FG_EINVAL naming it, before the net is built: no work
 *   file, no .tmp, no progress callback;
 * - a work file whose every row is stored but which was never finished (the
 *   state a full disk in finish leaves; made here by cancelling after the
 *   last batch) is finished by the next run: the final file appears,
 *   byte-identical to an uninterrupted run's, already_complete false, the
 *   work file removed; a third run reports it already complete;
 * - a truncated work file, or one with a damaged byte in its metadata, is
 *   refused with a message naming it and saying to delete it, and is left as
 *   it was. */
#include "fg_test.h"
#include "fnegraph/dataset.h"
#include "fnegraph/extract.h"
#include "fnegraph/fne_file.h"
#include "fnegraph/synth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile sig_atomic_t cancel;
static int calls;

static void on_progress(void *ctx, int64_t done, int64_t total)
{
    (void)ctx;
    calls++;
    if (done == total) cancel = 1; /* after the last batch: every row stored, finish skipped */
}

static bool exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

static char *slurp(const char *p, size_t *n)
{
    FILE *f = fopen(p, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)len + 1);
    *n = b && fread(b, 1, (size_t)len, f) == (size_t)len ? (size_t)len : 0;
    fclose(f);
    return b;
}

static bool same_bytes(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    char *x = slurp(a, &na), *y = slurp(b, &nb);
    bool same = x && y && na == nb && na > 0 && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

static void copy(const char *from, const char *to)
{
    size_t n = 0;
    char *b = slurp(from, &n);
    FILE *f = fopen(to, "wb");
    CHECK(b && f && fwrite(b, 1, n, f) == n, "copy %s to %s", from, to);
    if (f) fclose(f);
    free(b);
}

int main(void)
{
    char dir[] = "/tmp/fg_extract_finish_XXXXXX", root[300], p[8][400];
    CHECK(mkdtemp(dir) != NULL, "temp dir");
    CHECK(chdir(dir) == 0, "chdir %s", dir);
    snprintf(root, sizeof root, "%s/imgs", dir);
    fg_synth_options so;
    fg_synth_defaults(&so);
    so.classes = 2;
    so.per_class = 3;
    so.min_side = 48;
    so.max_side = 64;
    so.seed = 3;
    CHECK_OK(fg_synth_write(root, &so, NULL, NULL, NULL));
    fg_dataset ds;
    CHECK_OK(fg_dataset_folder(root, &ds));
    fg_weights w;
    CHECK_OK(fg_weights_generate(1, false, &w));
    fg_extract_result res;
    fg_extract_opts eo = {.batch = 2, .threads = 1, .chunk_rows = 2, .progress = on_progress};

    /* 1. unwritable output paths: refused before any work */
    mkdir("folder", 0755);
    FILE *f = fopen("plain", "w");
    if (f) fclose(f);
    const char *bad[3] = {"", "folder", "plain/fne.h5"};
    const char *want[3] = {"empty output path", "folder: is a folder", "plain/fne.h5: cannot write the FNE file there"};
    for (int i = 0; i < 3; i++) {
        calls = 0;
        CHECK_FAILS(fg_extract_run(&ds, &w, bad[i], &eo, &res), FG_EINVAL, want[i]);
        CHECK(calls == 0, "'%s': refused before any image (%d progress calls)", bad[i], calls);
        fg_extract_result_destroy(&res);
    }
    CHECK(!exists(".partial") && !exists(".tmp") && !exists("folder/.partial") && !exists("folder.partial"),
          "no work file made for a refused path");

    /* 2. a complete but unfinished work file gets finished */
    snprintf(p[0], sizeof p[0], "%s/ref.h5", dir);
    snprintf(p[1], sizeof p[1], "%s/a.h5", dir);
    snprintf(p[2], sizeof p[2], "%s/a.h5.partial", dir);
    eo.progress = NULL;
    CHECK_OK(fg_extract_run(&ds, &w, p[0], &eo, &res));
    fg_extract_result_destroy(&res);
    eo.progress = on_progress;
    eo.cancel = &cancel;
    cancel = 0;
    CHECK_FAILS(fg_extract_run(&ds, &w, p[1], &eo, &res), FG_EINTERRUPTED, "interrupted after 6 of 6");
    fg_extract_result_destroy(&res);
    CHECK(exists(p[2]) && !exists(p[1]), "cancelled after the last batch: a complete work file, no final file");
    cancel = 0;
    CHECK_OK(fg_extract_run(&ds, &w, p[1], &eo, &res));
    CHECK(!res.already_complete && res.n_resumed == 6 && res.n_done == 0,
          "the complete work file is finished, not reported as complete (already_complete %d, resumed %lld)",
          (int)res.already_complete, (long long)res.n_resumed);
    fg_extract_result_destroy(&res);
    CHECK(exists(p[1]) && !exists(p[2]), "the final file exists and the work file is gone");
    CHECK(same_bytes(p[1], p[0]), "the finished file is byte-identical to an uninterrupted run's");
    CHECK_OK(fg_extract_run(&ds, &w, p[1], &eo, &res));
    CHECK(res.already_complete, "a third run: already complete");
    fg_extract_result_destroy(&res);

    /* 3. damaged work files are refused and left alone */
    snprintf(p[3], sizeof p[3], "%s/b.h5", dir);
    snprintf(p[4], sizeof p[4], "%s/b.h5.partial", dir);
    snprintf(p[5], sizeof p[5], "%s/b.h5.saved", dir);
    cancel = 0;
    eo.progress = NULL;
    eo.cancel = NULL;
    {
        /* a complete work file, saved */
        eo.progress = on_progress;
        eo.cancel = &cancel;
        CHECK_FAILS(fg_extract_run(&ds, &w, p[3], &eo, &res), FG_EINTERRUPTED, "interrupted");
        fg_extract_result_destroy(&res);
        eo.progress = NULL;
        eo.cancel = NULL;
        copy(p[4], p[5]);
    }
    struct stat sb;
    CHECK(stat(p[4], &sb) == 0 && sb.st_size > 4096, "work file size %lld", (long long)sb.st_size);
    CHECK(truncate(p[4], sb.st_size / 2) == 0, "truncate %s", p[4]);
    CHECK_FAILS(fg_extract_run(&ds, &w, p[3], &eo, &res), FG_EFORMAT, "truncated");
    CHECK(strstr(fg_last_error(), "b.h5.partial") && strstr(fg_last_error(), "delete it to start over"),
          "the message names the work file and says to delete it: %s", fg_last_error());
    printf("  truncated work file: %s\n", fg_last_error());
    fg_extract_result_destroy(&res);
    struct stat sb2;
    CHECK(stat(p[4], &sb2) == 0 && sb2.st_size == sb.st_size / 2 && !exists(p[3]),
          "the truncated work file is left as it was, no final file made");
    /* the work file short by 1000 bytes (a copy cut off) */
    size_t n = 0;
    char *b = slurp(p[5], &n);
    CHECK(b && n > 4096, "saved work file");
    if (b) {
        f = fopen(p[4], "wb");
        CHECK(f && fwrite(b, 1, n - 1000, f) == n - 1000, "rewrite %s", p[4]);
        if (f) fclose(f);
        CHECK_FAILS(fg_extract_run(&ds, &w, p[3], &eo, &res), FG_EFORMAT, "delete it to start over");
        printf("  work file short by 1000 bytes: %s\n", fg_last_error());
        fg_extract_result_destroy(&res);
        free(b);
    }
    /* the saved complete work file, put back: finished */
    copy(p[5], p[4]);
    CHECK_OK(fg_extract_run(&ds, &w, p[3], &eo, &res));
    fg_extract_result_destroy(&res);
    CHECK(same_bytes(p[3], p[0]), "the intact work file put back is finished byte-identical to the reference");

    fg_weights_destroy(&w);
    fg_dataset_destroy(&ds);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) printf("note: could not remove %s\n", dir);
    return fg_test_done("test_extract_finish");
}
