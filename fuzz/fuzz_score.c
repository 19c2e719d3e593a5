/* fuzz_score: the bytes as the two label files of `fnegraph score TRUE PRED`
 * (split at the first NUL byte; no NUL: the same text twice), read by
 * fg_labels_read_text and scored by fg_scores_compute. A result outside
 * what the scores can be (NaN, NMI outside [0, 1], AMI above 1) aborts:
 * that is a bug of the metrics, not a property of the input. */
#include "fnegraph/mem.h"
#include "fnegraph/metrics.h"
#include "fuzz_common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *tpath = fz_path(0, "true.txt"), *ppath = fz_path(1, "pred.txt");
    const uint8_t *nul = memchr(data, 0, size);
    size_t tlen = nul ? (size_t)(nul - data) : size;
    fz_write(tpath, data, tlen);
    if (nul) fz_write(ppath, nul + 1, size - tlen - 1);
    else fz_write(ppath, data, size);
    int64_t *t = NULL, *p = NULL;
    uint64_t nt = 0, np = 0;
    fg_scores s;
    if (fg_labels_read_text(tpath, &t, &nt) == FG_OK && fg_labels_read_text(ppath, &p, &np) == FG_OK &&
        nt == np && fg_scores_compute(t, p, nt, &s) == FG_OK) {
        const double tol = 1e-9;
        for (int m = 0; m < FG_NORM_COUNT; m++)
            if (!(s.nmi[m] >= -tol && s.nmi[m] <= 1 + tol) || !(s.ami[m] <= 1 + tol) || isnan(s.ami[m])) abort();
    }
    fg_free(t);
    fg_free(p);
    unlink(tpath);
    unlink(ppath);
    return 0;
}
