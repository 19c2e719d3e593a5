/* fnegraph info: what this build is and which code paths this machine gets. */
#include "cli.h"
#include "commands.h"
#include "fnegraph/cpu.h"
#include "fnegraph/info.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char *HELP =
    "Usage: fnegraph info [--json]\n"
    "\n"
    "Prints the fnegraph version, the CPU and its features, the instruction set\n"
    "fnegraph's own kernels use (cap it with FNEGRAPH_ISA=scalar|avx2|avx512), the\n"
    "oneDNN version and the ISA its JIT selected (cap it with ONEDNN_MAX_CPU_ISA),\n"
    "the default thread count (OMP_NUM_THREADS), and the versions of HDF5,\n"
    "libjpeg-turbo, libpng, giflib and matio.\n"
    "\n"
    "Options:\n"
    "  --json     one JSON object on stdout instead of the text report\n"
    "  -h, --help this text\n";

static void json_str(const char *key, const char *v, int last)
{
    printf("  \"%s\": \"", key);
    for (const char *c = v; *c; c++) {
        if (*c == '"' || *c == '\\') printf("\\%c", *c);
        else if ((unsigned char)*c < 0x20) printf("\\u%04x", (unsigned char)*c);
        else putchar(*c);
    }
    printf("\"%s\n", last ? "" : ",");
}

int fg_cmd_info(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int json = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'h': fputs(HELP, stdout); return FG_EXIT_OK;
        default: return fg_cli_usage_error("info", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return fg_cli_usage_error("info", "unexpected argument '%s'", argv[optind]);

    fg_build_info bi;
    fg_build_info_get(&bi);
    const char *isa_env = getenv("FNEGRAPH_ISA");
    const char *kernels = fg_isa_name(fg_cpu_isa());
    if (json) {
        printf("{\n");
        json_str("version", bi.version, 0);
        json_str("cpu", fg_cpu_model(), 0);
        json_str("cpu_features", fg_cpu_features_str(), 0);
        json_str("kernels_isa", kernels, 0);
        json_str("onednn_version", bi.onednn, 0);
        json_str("onednn_isa", bi.onednn_isa, 0);
        printf("  \"threads\": %d,\n", bi.max_threads);
        json_str("hdf5_version", bi.hdf5, 0);
        json_str("libjpeg_turbo_version", bi.jpeg, 0);
        json_str("libpng_version", bi.png, 0);
        json_str("giflib_version", bi.gif, 0);
        json_str("matio_version", bi.matio, 1);
        printf("}\n");
        return FG_EXIT_OK;
    }
    printf("fnegraph %s\n", bi.version);
    printf("  cpu              %s\n", fg_cpu_model());
    printf("  cpu features     %s\n", *fg_cpu_features_str() ? fg_cpu_features_str() : "(none beyond x86-64)");
    printf("  kernels ISA      %s%s%s%s\n", kernels, isa_env && *isa_env ? "  (FNEGRAPH_ISA=" : "",
           isa_env && *isa_env ? isa_env : "", isa_env && *isa_env ? ")" : "");
    printf("  oneDNN           %s, JIT ISA %s\n", bi.onednn, bi.onednn_isa);
    printf("  threads          %d (OpenMP)\n", bi.max_threads);
    printf("  HDF5             %s\n", bi.hdf5);
    printf("  libjpeg-turbo    %s\n", bi.jpeg);
    printf("  libpng           %s\n", bi.png);
    printf("  giflib           %s\n", bi.gif);
    printf("  matio            %s\n", bi.matio);
    return FG_EXIT_OK;
}
