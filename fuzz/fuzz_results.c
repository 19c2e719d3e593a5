/* fuzz_results: the bytes as a results file (HDF5), read by fg_results_read
 * (`fnegraph table`) and fg_results_read_config. */
#include "fnegraph/mem.h"
#include "fnegraph/results.h"
#include "fuzz_common.h"

#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_path(0, "results.h5");
    fz_write(path, data, size);
    fg_graph_row *graphs = NULL;
    fg_run_row *runs = NULL;
    int64_t ng = 0, nr = 0;
    fg_status st = fg_results_read(path, &graphs, &ng, &runs, &nr);
    if (st == FG_OK) {
        fg_free(graphs);
        fg_free(runs);
    }
    /* a file the vetting child found damaged would only be vetted again */
    char *text = NULL;
    if ((st == FG_OK || !strstr(fg_last_error(), "damaged HDF5 file")) && fg_results_read_config(path, &text) == FG_OK)
        fg_free(text);
    unlink(path);
    return 0;
}
