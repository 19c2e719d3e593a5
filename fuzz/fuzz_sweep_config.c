/* fuzz_sweep_config: the bytes as a sweep config (INI) plus --set overrides,
 * read by fg_sweep_config_load as `fnegraph sweep --config X.ini --set ...`
 * reads them. Layout of an input: the INI text, then optionally a NUL byte
 * and up to 8 overrides separated by NUL bytes ("sweep.k=2"). The community
 * counts of a config that loads are expanded for 1..4096 classes, as the
 * sweep plan does. */
#include "fuzz_common.h"
#include "sweep_config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_OVERRIDES = 8 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fg_sweep_config cfg = {0};
    const char *path = fz_path(0, "sweep.ini");
    const uint8_t *nul = memchr(data, 0, size);
    size_t ini_len = nul ? (size_t)(nul - data) : size;
    fz_write(path, data, ini_len);
    char *ov_text = NULL;
    const char *ov[MAX_OVERRIDES];
    int n_ov = 0;
    if (nul) {
        size_t rest = size - ini_len - 1;
        ov_text = malloc(rest + 1);
        if (!ov_text) abort();
        memcpy(ov_text, nul + 1, rest);
        ov_text[rest] = '\0';
        for (char *s = ov_text; n_ov < MAX_OVERRIDES && s <= ov_text + rest; s += strlen(s) + 1) ov[n_ov++] = s;
    }
    if (fg_sweep_config_load(path, ov, n_ov, NULL, &cfg) == FG_OK) {
        static const int classes[] = {1, 7, 67, 102, 4096, 2147483647};
        char buf[64];
        for (int i = 0; i < cfg.n_communities; i++) {
            for (size_t c = 0; c < sizeof classes / sizeof *classes; c++)
                if (fg_sweep_communities_for(&cfg.communities[i], classes[c]) < 1) abort();
            fg_sweep_communities_str(&cfg.communities[i], buf, sizeof buf);
        }
    }
    fg_sweep_config_destroy(&cfg);
    free(ov_text);
    unlink(path);
    return 0;
}
