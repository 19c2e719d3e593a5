/* One FNE metadata struct (issue 17, item 3): fg_fne_read_meta gives a
 * file's attributes and row count without reading /fne (checked on a file
 * whose /fne is 1M x 12416 floats, 50 GB, never written: reading the matrix
 * would have to fail, the header read must not); fg_fne_read_header reads
 * everything but the matrix; fg_fne_meta_diff_find names the first attribute
 * that differs with both values, honours its mask, and counts a NULL
 * conv/precision as direct/f32; the writer refuses a finished file of
 * another job naming the attribute, through the same comparison. */
#include "fg_test.h"
#include "fnegraph/fne_file.h"
#include "fnegraph/mem.h"
#include "fnegraph/vgg16.h"

#include <hdf5.h>
#include <stdio.h>
#include <string.h>

enum { N = 5, C = 2, HUGE_ROWS = 1 << 20 };

static const char *const classes[C] = {"oak", "pine"};
static const char *paths[N] = {"a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg"};
static const int32_t labels[N] = {0, 1, 0, 1, 1};
static const char *SHA = "00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff";

static fg_fne_meta job(void)
{
    return (fg_fne_meta){.dataset = "wood", .split = "all", .preprocess = "caffe", .resize = "direct",
                         .weights_sha256 = SHA, .conv = NULL, .precision = "bf16"};
}

static void write_file(const char *path)
{
    fg_fne_writer *w = NULL;
    int64_t next = -1;
    fg_fne_meta m = job();
    CHECK_OK(fg_fne_writer_open(path, &m, N, paths, labels, classes, C, 2, &w, &next));
    if (!w) return;
    float *row = fg_alloc(FG_FNE_DIM, sizeof(float));
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < FG_FNE_DIM; j++) row[j] = (float)(i + j % 5);
        CHECK_OK(fg_fne_writer_put(w, row));
    }
    fg_free(row);
    CHECK_OK(fg_fne_writer_finish(w));
    fg_fne_writer_close(w);
}

/* Replace /fne by a chunked float32 [HUGE_ROWS][12416] with no chunk written. */
static bool make_matrix_huge(const char *path)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (f < 0) return false;
    hsize_t dims[2] = {HUGE_ROWS, FG_FNE_DIM}, chunk[2] = {64, FG_FNE_DIM};
    hid_t space = H5Screate_simple(2, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    bool ok = H5Ldelete(f, "fne", H5P_DEFAULT) >= 0 && H5Pset_chunk(dcpl, 2, chunk) >= 0;
    hid_t d = ok ? H5Dcreate2(f, "fne", H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT) : -1;
    ok = ok && d >= 0;
    if (d >= 0) H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(space);
    return H5Fclose(f) >= 0 && ok;
}

int main(void)
{
    char dir[] = "/tmp/fg_fne_meta_XXXXXX", path[128], huge[128], cmd[300];
    if (!mkdtemp(dir)) FG_SKIP("cannot make a temporary folder");
    snprintf(path, sizeof path, "%s/wood.h5", dir);
    snprintf(huge, sizeof huge, "%s/huge.h5", dir);
    write_file(path);

    /* the header-only read: attributes and rows */
    fg_fne_meta m;
    int64_t rows = -1;
    CHECK_OK(fg_fne_read_meta(path, &m, &rows));
    CHECK(rows == N, "rows %lld", (long long)rows);
    CHECK(m.dataset && !strcmp(m.dataset, "wood") && !strcmp(m.split, "all") && !strcmp(m.preprocess, "caffe") &&
              !strcmp(m.resize, "direct") && !strcmp(m.weights_sha256, SHA) && !strcmp(m.conv, "direct") &&
              !strcmp(m.precision, "bf16"),
          "attributes read back (conv NULL written as direct)");
    fg_fne_meta want = job();
    CHECK(!fg_fne_meta_diff_find(&m, &want, FG_FNE_META_ALL, NULL), "the file matches its job (NULL conv = direct)");

    /* the comparison names the attribute and both values, in field order */
    fg_fne_meta_diff d;
    want.preprocess = "raw";
    want.precision = NULL;
    CHECK(fg_fne_meta_diff_find(&m, &want, FG_FNE_META_ALL, &d) && !strcmp(d.what, "preprocess") &&
              !strcmp(d.have, "caffe") && !strcmp(d.want, "raw"),
          "first difference: %s '%s' vs '%s'", d.what ? d.what : "none", d.have ? d.have : "", d.want ? d.want : "");
    CHECK(fg_fne_meta_diff_find(&m, &want, FG_FNE_META_MODE, &d) && !strcmp(d.what, "precision") &&
              !strcmp(d.have, "bf16") && !strcmp(d.want, "f32"),
          "mode only: %s", d.what ? d.what : "none");
    CHECK(!fg_fne_meta_diff_find(&m, &want, FG_FNE_META_DATASET | FG_FNE_META_WEIGHTS, &d) && d.what == NULL,
          "attributes outside the mask are not compared");
    want = job();
    want.weights_sha256 = "abc";
    CHECK(fg_fne_meta_diff_find(&m, &want, FG_FNE_META_ALL, &d) && !strcmp(d.what, "weights_sha256"),
          "weights: %s", d.what ? d.what : "none");

    /* the whole file but the matrix */
    fg_fne h;
    CHECK_OK(fg_fne_read_header(path, &h));
    CHECK(h.x == NULL && h.n == N && h.n_classes == C && h.label[1] == 1 && !strcmp(h.path[4], "e.jpg"),
          "header: no matrix, the rest read");
    CHECK(!strcmp(h.dataset, "wood") && h.meta.precision == h.precision && !strcmp(h.meta.precision, "bf16"),
          "fg_fne's attributes by name are those of its meta");
    fg_fne_destroy(&h);

    /* the writer's check of a finished file names the attribute through the same comparison */
    fg_fne_writer *w = NULL;
    int64_t next = -1;
    want = job();
    want.resize = "crop";
    CHECK_FAILS(fg_fne_writer_open(path, &want, N, paths, labels, classes, C, 2, &w, &next), FG_EINVAL,
                "resize is 'direct' there, 'crop' now");
    fg_fne_writer_close(w);

    /* a /fne of 50 GB that the file does not hold: only the header read works */
    snprintf(cmd, sizeof cmd, "cp %s %s", path, huge);
    CHECK(system(cmd) == 0, "%s", cmd);
    CHECK(make_matrix_huge(huge), "rewriting /fne of %s", huge);
    fg_fne_meta_destroy(&m);
    rows = -1;
    CHECK_OK(fg_fne_read_meta(huge, &m, &rows));
    CHECK(rows == HUGE_ROWS && !strcmp(m.dataset, "wood"), "header-only read of the huge file: %lld rows",
          (long long)rows);
    fg_fne f;
    fg_status st = fg_fne_read(huge, &f);
    CHECK(st != FG_OK, "fg_fne_read of the huge file must fail (it reads /fne): %s", fg_status_str(st));
    fg_fne_destroy(&f);
    fg_fne_meta_destroy(&m);
    CHECK(m.dataset == NULL, "destroy zeroes");
    fg_fne_meta_destroy(&m); /* twice is fine */

    CHECK_FAILS(fg_fne_read_meta("/nonexistent/x.h5", &m, NULL), FG_ENOTFOUND, "/nonexistent/x.h5");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("note: could not remove %s\n", dir);
    return fg_test_done("test_fne_meta");
}
