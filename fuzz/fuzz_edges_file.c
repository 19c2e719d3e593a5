/* fuzz_edges_file: the bytes as an edge file (HDF5), read by
 * fg_edges_file_read as `fnegraph cluster --edges` reads it. */
#include "fnegraph/edges_file.h"
#include "fnegraph/mem.h"
#include "fuzz_common.h"

#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_path(0, "edges.h5");
    fz_write(path, data, size);
    fg_csr g = {0};
    int32_t *labels = NULL;
    if (fg_edges_file_read(path, &g, &labels) == FG_OK) {
        fg_csr_destroy(&g);
        fg_free(labels);
    }
    unlink(path);
    return 0;
}
