/* The flowers102 adapter on untrusted .mat files: a ~200-byte imagelabels.mat
 * whose header declares 1 x 524,288,000 doubles (4.19 GB) is refused before
 * matio allocates (more than the 1,000,000 values a flowers102 list may
 * hold), naming the file, the dims and the file size, in a child whose
 * address space is capped (RLIMIT_AS, not under AddressSanitizer) and whose
 * peak RSS stays small; 900,000 doubles declared in that file (a plausible
 * count, more bytes than the file holds) likewise; an imagelabels.mat shorter than setid.mat
 * blames imagelabels.mat with both counts; a FIFO as imagelabels.mat or
 * setid.mat is refused at once (in a child under alarm, so a regression
 * fails instead of hanging); the miniature still reads. */
#include "fg_test.h"
#include "in_child.h"
#include "native_layouts.h"
#include "fnegraph/dataset.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


static char dir[] = "/tmp/fg_flbounds_XXXXXX";

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* An uncompressed MATLAB v5 file with one 1 x cols variable `labels` of
 * class cls (6 double, 9 uint8) holding only `have` values. */
static int write_lying_mat(const char *path, int cls, uint32_t cols, int have)
{
    unsigned char b[512];
    memset(b, 0, sizeof b);
    memset(b, ' ', 116);
    memcpy(b, "MATLAB 5.0 MAT-file, written by test_flowers102_bounds", 55);
    b[124] = 0x00, b[125] = 0x01, b[126] = 'I', b[127] = 'M';
    size_t esize = cls == 6 ? 8 : 1, data = (size_t)have * esize, padded = (data + 7) / 8 * 8;
    unsigned char *p = b + 128;
    put32(p, 14), put32(p + 4, (uint32_t)(16 + 16 + 16 + 8 + padded));
    put32(p + 8, 6), put32(p + 12, 8), put32(p + 16, (uint32_t)cls), put32(p + 20, 0); /* array flags */
    put32(p + 24, 5), put32(p + 28, 8), put32(p + 32, 1), put32(p + 36, cols);        /* dims 1 x cols */
    put32(p + 40, 1), put32(p + 44, 6), memcpy(p + 48, "labels", 6);                    /* name */
    put32(p + 56, cls == 6 ? 9 : 2), put32(p + 60, (uint32_t)data);                    /* real part */
    for (int i = 0; i < have; i++) {
        if (cls == 6) {
            double v = 1 + i % 3;
            memcpy(p + 64 + 8 * i, &v, 8);
        } else {
            p[64 + i] = (unsigned char)(1 + i % 3);
        }
    }
    size_t total = 128 + 64 + padded;
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int rc = fwrite(b, 1, total, f) == total ? 0 : -1;
    return fclose(f) || rc ? -1 : 0;
}

static fg_status read_labels(void *root)
{
    fg_dataset ds;
    fg_status st = fg_dataset_flowers102_labels(root, &ds);
    if (st == FG_OK) fg_dataset_destroy(&ds);
    return st;
}

/* fg_dataset_flowers102_labels(root) in a child: address space capped at
 * extra_mb over ours (0: no cap), an alarm of 20 s; *msg gets its error,
 * *rss_kb its peak RSS. Returns its status (or 100 + signal). */
static int labels_in_child(const char *root, long extra_mb, char *msg, size_t n, long *rss_kb)
{
    return fg_test_in_child(read_labels, (void *)root, extra_mb, 20, msg, n, rss_kb);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char root[4200], lab[4300], setid[4300], msg[2048];
    snprintf(root, sizeof root, "%s/f", dir);
    CHECK(nl_make_flowers102(root, 1) == 0, "cannot write the flowers102 miniature");
    snprintf(lab, sizeof lab, "%s/imagelabels.mat", root);
    snprintf(setid, sizeof setid, "%s/setid.mat", root);
    long rss = 0, cap = FG_TEST_ASAN ? 0 : 512;
    CHECK(labels_in_child(root, cap, msg, sizeof msg, &rss) == FG_OK, "the miniature: %s", msg);

    /* C: the header declares 4.19 GB; the file holds 7 doubles */
    CHECK(write_lying_mat(lab, 6, 524288000u, 7) == 0, "write %s", lab);
    struct stat sb;
    stat(lab, &sb);
    int rc = labels_in_child(root, cap, msg, sizeof msg, &rss);
    char want[9000], size_s[64];
    snprintf(want, sizeof want, "%s: variable 'labels' declares 1x524288000 values, more than the 1000000", lab);
    snprintf(size_s, sizeof size_s, "file size %lld bytes", (long long)sb.st_size);
    CHECK(rc == FG_EFORMAT && strstr(msg, want) && strstr(msg, size_s),
          "4.19 GB header (%lld-byte file): status %d, message '%s'", (long long)sb.st_size, rc, msg);
    CHECK(rss < 200 * 1024, "peak RSS %ld KB reading a %lld-byte .mat", rss, (long long)sb.st_size);
    printf("  4.19 GB header in a %lld-byte file: status %d, peak RSS %ld KB%s: %s\n", (long long)sb.st_size, rc, rss,
           cap ? " under RLIMIT_AS" : "", msg);

    /* a plausible count, but more bytes than the file holds: 900,000 doubles (7.2 MB) */
    CHECK(write_lying_mat(lab, 6, 900000u, 7) == 0, "write %s", lab);
    stat(lab, &sb);
    rc = labels_in_child(root, cap, msg, sizeof msg, &rss);
    snprintf(want, sizeof want, "%s: variable 'labels' declares 1x900000 values (7200000 bytes), more than a file of "
             "%lld bytes can hold", lab, (long long)sb.st_size);
    CHECK(rc == FG_EFORMAT && strstr(msg, want), "900,000 doubles: status %d, '%s'", rc, msg);

    /* D: imagelabels.mat (7 images) shorter than setid.mat (8 split) */
    CHECK(nl_make_flowers102(root, 0) == 0, "rewrite");
    nl_mat_var s[3] = {{"trnid", NL_MAT_UINT16, 1, 2, (const double[]){1, 4}},
                       {"valid", NL_MAT_UINT16, 1, 2, (const double[]){2, 8}},
                       {"tstid", NL_MAT_UINT16, 1, 4, (const double[]){3, 5, 6, 7}}};
    CHECK(nl_write_mat(setid, s, 3) == 0, "write %s", setid);
    fg_dataset ds;
    snprintf(want, sizeof want, "%s: variable 'labels' lists 7 images, but %s splits 8: imagelabels.mat is shorter", lab,
             setid);
    CHECK_FAILS(fg_dataset_flowers102_labels(root, &ds), FG_EFORMAT, want);
    CHECK(strstr(fg_last_error(), "variable 'valid', element 2: 8 is not an image number 1..7"), "%s", fg_last_error());

    /* B: FIFOs are refused, not opened (a child under alarm: a regression dies instead of hanging) */
    remove(setid);
    CHECK(mkfifo(setid, 0600) == 0, "mkfifo");
    rc = labels_in_child(root, 0, msg, sizeof msg, &rss);
    CHECK(rc == FG_EIO && strstr(msg, setid) && strstr(msg, "FIFO"), "setid.mat a FIFO: status %d, '%s'", rc, msg);
    remove(setid);
    remove(lab);
    CHECK(mkfifo(lab, 0600) == 0, "mkfifo");
    rc = labels_in_child(root, 0, msg, sizeof msg, &rss);
    CHECK(rc == FG_EIO && strstr(msg, lab) && strstr(msg, "FIFO"), "imagelabels.mat a FIFO: status %d, '%s'", rc, msg);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
    return fg_test_done("test_flowers102_bounds");
}
