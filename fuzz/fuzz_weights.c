/* fuzz_weights: the bytes as a Keras VGG16 weight file (HDF5), read by
 * fg_weights_load (every command that runs the net or builds edges). */
#include "fnegraph/weights.h"
#include "fuzz_common.h"

#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_path(0, "weights.h5");
    fz_write(path, data, size);
    fg_weights w = {0};
    fg_weights_load(path, &w);
    fg_weights_destroy(&w);
    unlink(path);
    return 0;
}
