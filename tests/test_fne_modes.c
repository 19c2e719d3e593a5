/* The mode of an FNE file (issue "Fast extraction"): conv and precision are
 * written (defaults direct/f32 when the meta leaves them NULL) and read back
 * by fg_fne_read and fg_fne_read_mode (from the file or its .partial); the
 * impl list is recorded, kept on resume, extended when a resumed run got
 * other implementations; a finished file or an unfinished run of another
 * mode is refused with a message naming the file and both modes; a file
 * without mode attributes (written before modes existed) reads as
 * direct/f32. */
#include "fg_test.h"
#include "fnegraph/fne_file.h"
#include "fnegraph/mem.h"
#include "fnegraph/vgg16.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { N = 6, CHUNK = 2 };

static const char *const paths[N] = {"a/1.jpg", "a/2.jpg", "a/3.jpg", "b/1.jpg", "b/2.jpg", "b/3.jpg"};
static const int32_t labels[N] = {0, 0, 0, 1, 1, 1};
static const char *const classes[2] = {"a", "b"};
static float row[FG_FNE_DIM];

static fg_fne_meta meta(const char *conv, const char *precision)
{
    return (fg_fne_meta){"folder", "all", "caffe", "direct", "00ff", conv, precision};
}

/* Open with a mode, set impl, put rows [next, stop), finish at N. */
static fg_status job(const char *path, const char *conv, const char *prec, const char *impl, int64_t stop,
                     int64_t *next)
{
    fg_fne_writer *w = NULL;
    fg_fne_meta m = meta(conv, prec);
    fg_status st = fg_fne_writer_open(path, &m, N, paths, labels, classes, 2, CHUNK, &w, next);
    if (st != FG_OK) return st;
    if (impl) st = fg_fne_writer_set_impl(w, impl);
    for (int64_t i = *next; st == FG_OK && i < stop; i++) st = fg_fne_writer_put(w, row);
    if (st == FG_OK && stop == N) st = fg_fne_writer_finish(w);
    fg_fne_writer_close(w);
    return st;
}

static void expect_mode(const char *path, const char *conv, const char *prec, const char *impl)
{
    fg_fne_mode m;
    CHECK_OK(fg_fne_read_mode(path, &m));
    CHECK(strcmp(m.conv, conv) == 0 && strcmp(m.precision, prec) == 0, "%s: mode %s/%s, expected %s/%s", path,
          m.conv, m.precision, conv, prec);
    CHECK(strcmp(m.impl, impl) == 0, "%s: impl '%s', expected '%s'", path, m.impl, impl);
}

int main(void)
{
    char dir[] = "/tmp/fg_fne_modes_XXXXXX", a[256], b[256], c[256], msg[2048];
    int64_t next = -1;
    CHECK(mkdtemp(dir) != NULL, "temp dir");
    for (int j = 0; j < FG_FNE_DIM; j++) row[j] = (float)(j % 13);
    snprintf(a, sizeof a, "%s/a.h5", dir);
    snprintf(b, sizeof b, "%s/b.h5", dir);
    snprintf(c, sizeof c, "%s/c.h5", dir);

    /* defaults, and a finished file of another mode */
    CHECK_OK(job(a, NULL, NULL, "conv1_1:brgconv:avx512_core; fc7:brgemm:avx512_core", N, &next));
    expect_mode(a, "direct", "f32", "conv1_1:brgconv:avx512_core; fc7:brgemm:avx512_core");
    fg_fne f;
    CHECK_OK(fg_fne_read(a, &f));
    CHECK(strcmp(f.conv, "direct") == 0 && strcmp(f.precision, "f32") == 0, "fg_fne_read: %s/%s", f.conv,
          f.precision);
    fg_fne_destroy(&f);
    CHECK_OK(job(a, "direct", "f32", "other impl", N, &next)); /* same mode: reused, impl not compared */
    CHECK(next == N, "same mode: the finished file is reused (next %lld)", (long long)next);
    CHECK_FAILS(job(a, "winograd", "f32", NULL, N, &next), FG_EINVAL, "conv=direct precision=f32");
    snprintf(msg, sizeof msg, "%s", fg_last_error());
    printf("refused: %s\n", msg);
    CHECK(strstr(msg, a) && strstr(msg, "conv=winograd precision=f32"), "the message names the file and both modes");
    CHECK_FAILS(job(a, "direct", "bf16", NULL, N, &next), FG_EINVAL, "precision=bf16");

    /* an unfinished run of another mode, then a resume in its own mode */
    CHECK_OK(job(b, "winograd", "f32", "conv1_1:jit_wino_4x3:avx512_core", 3, &next));
    expect_mode(b, "winograd", "f32", "conv1_1:jit_wino_4x3:avx512_core"); /* read from b.h5.partial */
    CHECK_FAILS(job(b, "direct", "f32", NULL, N, &next), FG_EINVAL, "conv=winograd precision=f32");
    snprintf(msg, sizeof msg, "%s", fg_last_error());
    printf("refused: %s\n", msg);
    CHECK(strstr(msg, ".partial") && strstr(msg, "conv=direct precision=f32"), "names the partial file and both modes");
    CHECK_OK(job(b, "winograd", "f32", "conv1_1:jit_wino_2x3:avx512_core", N, &next));
    CHECK(next == 3, "resumed after the last row put (next %lld)", (long long)next);
    expect_mode(b, "winograd", "f32",
                "conv1_1:jit_wino_4x3:avx512_core | resumed: conv1_1:jit_wino_2x3:avx512_core");

    /* a file written before modes existed: no conv/precision/impl attributes */
    CHECK_OK(job(c, "direct", "f32", NULL, N, &next));
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t h = H5Fopen(c, H5F_ACC_RDWR, H5P_DEFAULT);
    CHECK(h >= 0 && H5Adelete(h, "conv") >= 0 && H5Adelete(h, "precision") >= 0, "strip the mode attributes");
    if (h >= 0) H5Fclose(h);
    expect_mode(c, "direct", "f32", "");
    CHECK_OK(job(c, NULL, NULL, NULL, N, &next));
    CHECK(next == N, "an old file counts as f32 direct and is reused");
    CHECK_FAILS(job(c, "direct", "bf16", NULL, N, &next), FG_EINVAL, "conv=direct precision=f32");

    snprintf(msg, sizeof msg, "%s/none.h5", dir);
    fg_fne_mode m;
    CHECK_FAILS(fg_fne_read_mode(msg, &m), FG_ENOTFOUND, "none.h5");
    snprintf(msg, sizeof msg, "rm -rf '%s'", dir);
    CHECK(system(msg) == 0, "clean up");
    return fg_test_done("test_fne_modes");
}
