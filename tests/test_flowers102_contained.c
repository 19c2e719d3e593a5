/* flowers102's .mat files are read by matio in a child process: the two
 * inputs under tests/fuzz/regress/fuzz_labels/ that made matio allocate and
 * fill gigabytes inside Mat_VarReadInfo (105 and 289 bytes: an imagelabels.mat
 * and a setid.mat) give an error naming the file, and this process's peak
 * resident memory stays small (before: about 2 GB, or an abort on a memory
 * limit). No memory limit is set here: the containment alone bounds it; the
 * children's own limit holds too (their CPU time and peak memory stay small,
 * also under AddressSanitizer, where they once filled ~2 GB). The miniature
 * layout's good files still read. */
#include "fg_test.h"
#include "fnegraph/dataset.h"
#include "native_layouts.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static long peak_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

/* The children's (the reading processes') CPU seconds and largest peak resident memory. */
static double children_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           1e-6 * (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static double children_peak_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

/* The regress input's content without its first byte (fuzz_labels' selector). */
static int put(const char *regress, const char *dst)
{
    char src[1024];
    snprintf(src, sizeof src, "%s/tests/fuzz/regress/fuzz_labels/%s", FG_SOURCE_DIR, regress);
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    if (!in || !out) {
        if (in) fclose(in);
        if (out) fclose(out);
        return -1;
    }
    int c = fgetc(in);
    while ((c = fgetc(in)) != EOF) fputc(c, out);
    fclose(in);
    return fclose(out);
}

int main(void)
{
    char dir[] = "/tmp/fg_flowers_contained_XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char root[300], labels[400], setid[400], cmd[400];
    snprintf(root, sizeof root, "%s/flowers102", dir);
    snprintf(labels, sizeof labels, "%s/imagelabels.mat", root);
    snprintf(setid, sizeof setid, "%s/setid.mat", root);
    CHECK(nl_make_flowers102(root, 1) == 0, "miniature flowers102 layout");
    fg_dataset ds;
    memset(&ds, 0, sizeof ds);
    CHECK_OK(fg_dataset_flowers102(root, &ds));
    CHECK(ds.n == 7, "the good layout reads: %lld images", (long long)ds.n);
    fg_dataset_destroy(&ds);
    long base = peak_mb();

    char good[400];
    snprintf(good, sizeof good, "%s/good_setid.mat", dir);
    CHECK(rename(setid, good) == 0, "keep the good setid.mat");
    CHECK(put("setid_mat_Mat_VarRead_calloc_5GB", setid) == 0, "damaged setid.mat in place");
    memset(&ds, 0, sizeof ds);
    fg_status st = fg_dataset_flowers102(root, &ds);
    CHECK(st != FG_OK && strstr(fg_last_error(), "setid.mat"), "damaged setid.mat refused naming it: %s",
          fg_last_error());
    printf("  setid.mat (289 bytes): %s\n", fg_last_error());
    fg_dataset_destroy(&ds);
    CHECK(rename(good, setid) == 0, "good setid.mat back");

    CHECK(put("imagelabels_mat_2GB_allocated", labels) == 0, "damaged imagelabels.mat in place");
    memset(&ds, 0, sizeof ds);
    st = fg_dataset_flowers102(root, &ds);
    CHECK(st != FG_OK && strstr(fg_last_error(), "imagelabels.mat"), "damaged imagelabels.mat refused naming it: %s",
          fg_last_error());
    printf("  imagelabels.mat (105 bytes): %s\n", fg_last_error());
    fg_dataset_destroy(&ds);

    long peak = peak_mb();
    printf("  peak resident memory: %ld MB before the damaged files, %ld MB after\n", base, peak);
    CHECK(peak - base < 256, "matio's gigabytes stayed in the child: peak grew by %ld MB", peak - base);
    /* the children's own memory limit held (256 MiB more than at the fork, under
     * ASan too): matio's allocation failed at once instead of being filled */
    double cpu = children_cpu_s(), child_mb = children_peak_mb();
    printf("  the reading children: %.2f s of CPU, peak %.0f MB\n", cpu, child_mb);
    CHECK(child_mb < 1024, "a child's peak resident memory was %.0f MB: its memory limit did not hold", child_mb);
    CHECK(cpu < 1.0, "the children took %.2f s of CPU: matio filled what the damaged header declared", cpu);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) return 1;
    return fg_test_done("test_flowers102_contained");
}
