/* fnegraph info: what this build is and which code paths this machine gets. */
#include "cli.h"
#include "commands.h"
#include "fnegraph/cpu.h"
#include "fnegraph/info.h"
#include "fnegraph/net.h"
#ifdef FNEGRAPH_HAVE_MPI
#include "sweep_mpi.h"
#endif

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char *HELP =
    "Usage: fnegraph info [--json] [--verbose [--conv direct|winograd] [--precision f32|bf16]]\n"
    "\n"
    "Prints the fnegraph version, the CPU and its features, the instruction set\n"
    "fnegraph's own kernels use (cap it with FNEGRAPH_ISA=scalar|avx2|avx512), the\n"
    "oneDNN version and the ISA its JIT selected (cap it with ONEDNN_MAX_CPU_ISA),\n"
    "the default thread count (OMP_NUM_THREADS), and the versions of HDF5,\n"
    "libjpeg-turbo, libpng, giflib and matio, and the MPI library `mpirun fnegraph\n"
    "sweep` uses (\"none\": a build without MPI; JSON key \"mpi\": null).\n"
    "\n"
    "Options:\n"
    "  --json     one JSON object on stdout instead of the text report\n"
    "  --verbose  also the oneDNN implementation, data types and layouts oneDNN picks for\n"
    "             every step of VGG16 (batch 8, as `fnegraph extract` runs it) in the\n"
    "             default mode (f32, direct convolutions), and in the mode --conv and\n"
    "             --precision give when they differ; no weights are needed\n"
    "  --conv A, --precision P   the mode to show with --verbose (see `fnegraph extract\n"
    "             --help`); whether this CPU runs it natively, with a warning, or not\n"
    "  -h, --help this text\n"
    "\n"
    "Example: ONEDNN_MAX_CPU_ISA=AVX512_CORE fnegraph info --verbose --precision bf16\n";

/* The steps of a plan-only net in one mode: text lines, or a JSON object. */
static int show_mode(fg_conv_algo conv, fg_precision prec, int json, int last)
{
    fg_net_mode_plan plan;
    fg_net *net = NULL;
    fg_net_opts o = {.batch = 8, .conv = conv, .precision = prec, .plan_only = true};
    fg_status st = fg_net_check_mode(conv, prec, &plan);
    if (st == FG_OK) st = fg_net_create(NULL, &o, &net);
    if (json) {
        printf("    {\"conv\": \"%s\", \"precision\": \"%s\", ", fg_conv_algo_name(conv), fg_precision_name(prec));
        printf("\"status\": \"%s\", \"message\": \"", st != FG_OK ? "error" : plan.warning[0] ? "warning" : "ok");
        for (const char *c = st != FG_OK ? fg_last_error() : plan.warning; *c; c++)
            if (*c == '"' || *c == '\\') printf("\\%c", *c);
            else if ((unsigned char)*c >= 0x20) putchar(*c);
        if (net) printf("\", \"batch\": %d, \"conv_batch\": %d", fg_net_batch(net), fg_net_conv_batch(net));
        else printf("\"");
        printf(", \"steps\": [");
    } else {
        printf("  mode %s/%s: %s%s\n", fg_conv_algo_name(conv), fg_precision_name(prec),
               st != FG_OK ? "cannot run: " : plan.warning[0] ? "warning: " : "runs natively",
               st != FG_OK ? fg_last_error() : plan.warning);
        if (net)
            printf("    conv1_1..pool5 in passes of %d image%s, fc6 and fc7 on the batch of %d\n",
                   fg_net_conv_batch(net), fg_net_conv_batch(net) == 1 ? "" : "s", fg_net_batch(net));
        if (net) printf("    %-16s %-30s %-10s %-9s -> %-9s %s\n", "step", "oneDNN implementation", "types", "src", "dst", "weights");
    }
    for (int i = 0; net && i < fg_net_n_layers(net); i++) {
        fg_net_layer L;
        char types[20];
        if (fg_net_layer_info(net, i, &L) != FG_OK) continue;
        snprintf(types, sizeof types, "%s>%s", L.src_type, L.dst_type);
        if (json)
            printf("%s{\"step\": \"%s\", \"impl\": \"%s\", \"types\": \"%s\", \"src\": \"%s\", \"dst\": \"%s\", \"weights\": \"%s\"}",
                   i ? ", " : "", L.name, L.impl, types, L.src_layout, L.dst_layout, L.weights_layout);
        else
            printf("    %-16s %-30s %-10s %-9s -> %-9s %s%s\n", L.name, L.impl, types, L.src_layout,
                   L.dst_layout, L.weights_layout, L.op == FG_NET_CONV && L.fallback ? "  (direct fallback)" : "");
    }
    if (json) printf("]}%s\n", last ? "" : ",");
    fg_net_destroy(net);
    return st == FG_OK ? 0 : 1;
}

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
        {"json", no_argument, NULL, 'j'},          {"verbose", no_argument, NULL, 'v'},
        {"conv", required_argument, NULL, 'C'},    {"precision", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    int json = 0, verbose = 0, c;
    fg_conv_algo conv = FG_CONV_DIRECT;
    fg_precision prec = FG_PRECISION_F32;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'v': verbose = 1; break;
        case 'C':
            if (fg_conv_algo_parse(optarg, &conv) != FG_OK)
                return fg_cli_usage_error("info", "--conv: expected direct or winograd, got '%s'", optarg);
            break;
        case 'P':
            if (fg_precision_parse(optarg, &prec) != FG_OK)
                return fg_cli_usage_error("info", "--precision: expected f32 or bf16, got '%s'", optarg);
            break;
        case 'h': fputs(HELP, stdout); return FG_EXIT_OK;
        default: return fg_cli_usage_error("info", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return fg_cli_usage_error("info", "unexpected argument '%s'", argv[optind]);
    if (!verbose && (conv != FG_CONV_DIRECT || prec != FG_PRECISION_F32))
        return fg_cli_usage_error("info", "--conv and --precision go with --verbose");
    const int other = conv != FG_CONV_DIRECT || prec != FG_PRECISION_F32;
    /* MPI lives in the CLI only (the sweep over ranks), not in libfnegraph */
    char mpi[256] = "";
    int mpi_v = 0, mpi_sv = 0;
#ifdef FNEGRAPH_HAVE_MPI
    fg_sweep_mpi_library(mpi, sizeof mpi, &mpi_v, &mpi_sv);
#endif

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
        json_str("matio_version", bi.matio, 0);
        if (mpi[0]) {
            printf("  \"mpi\": {\"library\": ");
            fg_cli_json_string(mpi);
            printf(", \"standard\": \"%d.%d\"}%s\n", mpi_v, mpi_sv, verbose ? "," : "");
        } else {
            printf("  \"mpi\": null%s\n", verbose ? "," : "");
        }
        if (verbose) {
            printf("  \"vgg16_modes\": [\n");
            show_mode(FG_CONV_DIRECT, FG_PRECISION_F32, 1, !other);
            if (other) show_mode(conv, prec, 1, 1);
            printf("  ]\n");
        }
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
    if (mpi[0]) printf("  MPI              %s (MPI %d.%d): mpirun -n N fnegraph sweep\n", mpi, mpi_v, mpi_sv);
    else printf("  MPI              none (built without it: sweeps over processes with --part)\n");
    if (verbose) {
        printf("VGG16 steps on oneDNN (batch 8):\n");
        show_mode(FG_CONV_DIRECT, FG_PRECISION_F32, 0, 0);
        if (other) show_mode(conv, prec, 0, 1);
    }
    return FG_EXIT_OK;
}
