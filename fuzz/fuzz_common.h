/* Shared by the fuzz targets: a per-process scratch folder and writing the
 * fuzzer's bytes to a fixed file in it, so that readers taking a path see
 * them as a user's file would be seen. The folder is /tmp/fnegraph_fuzz.<pid>
 * (each libFuzzer job is its own process), made on first use and removed at
 * exit; every file written there is unlinked by the target after the call. */
#ifndef FNEGRAPH_FUZZ_COMMON_H
#define FNEGRAPH_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* The scratch folder (created on first call; aborts when it cannot be made:
 * a fuzzer that cannot write its input finds nothing). */
const char *fz_dir(void);
/* fz_dir() + "/" + name, in a static buffer per slot (0..7). */
const char *fz_path(int slot, const char *name);
/* Write n bytes to path (replacing it); aborts on failure. */
void fz_write(const char *path, const void *data, size_t n);
/* Remove a folder tree below fz_dir() (for targets that build layouts). */
void fz_rmtree(const char *path);

#endif
