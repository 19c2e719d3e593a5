/* Scratch files of the fuzz targets (fuzz_common.h). */
#define _XOPEN_SOURCE 700 /* nftw */
#include "fuzz_common.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

void fz_rmtree(const char *path) { nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

static void cleanup(void)
{
    if (dir[0]) fz_rmtree(dir);
}

const char *fz_dir(void)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/fnegraph_fuzz.%ld", (long)getpid());
        fz_rmtree(dir); /* a leftover of an earlier process with this pid */
        if (mkdir(dir, 0700) != 0) {
            fprintf(stderr, "fuzz: cannot make %s: %s\n", dir, strerror(errno));
            abort();
        }
        atexit(cleanup);
    }
    return dir;
}

const char *fz_path(int slot, const char *name)
{
    static char buf[8][256];
    slot &= 7;
    snprintf(buf[slot], sizeof buf[slot], "%s/%s", fz_dir(), name);
    return buf[slot];
}

void fz_write(const char *path, const void *data, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "fuzz: cannot write %s: %s\n", path, strerror(errno));
        abort();
    }
    const uint8_t *p = data;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            fprintf(stderr, "fuzz: write to %s failed: %s\n", path, strerror(errno));
            abort();
        }
        p += w;
        n -= (size_t)w;
    }
    close(fd);
}
