/* fuzz_fne_file: the bytes as an FNE cache (HDF5), read by fg_fne_read (what
 * `graph`, `cluster` and `sweep` call) and by fg_fne_read_mode. */
#include "fnegraph/fne_file.h"
#include "fuzz_common.h"

#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_path(0, "fne.h5");
    fz_write(path, data, size);
    fg_fne f = {0};
    fg_status st = fg_fne_read(path, &f);
    fg_fne_destroy(&f);
    /* a file the vetting child found damaged would only be vetted again */
    if (st == FG_OK || !strstr(fg_last_error(), "damaged HDF5 file")) {
        fg_fne_mode m;
        fg_fne_read_mode(path, &m);
    }
    unlink(path);
    return 0;
}
