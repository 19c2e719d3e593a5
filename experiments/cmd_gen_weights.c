/* fnegraph gen-weights: a VGG16 weight file in the Keras layout with seeded
 * He-initialised weights, for tests, benchmarks and the demo. */
#include "cli.h"
#include "commands.h"
#include "core/file_guard.h"
#include "fnegraph/weights.h"

#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

static const char *HELP =
    "Usage: fnegraph gen-weights --out W.h5 [--seed S] [--no-fc8]\n"
    "\n"
    "Writes a VGG16 weight file in exactly the layout of Keras's\n"
    "vgg16_weights_tf_dim_ordering_tf_kernels.h5 (layer_names, one group a layer,\n"
    "weight_names, <layer>_W_1:0 / <layer>_b_1:0 float32 datasets at the real\n"
    "shapes), filled with RANDOM He-initialised weights: normal, std sqrt(2/fan_in),\n"
    "biases 0, reproducible from the seed (the same seed gives the same bytes).\n"
    "They are NOT the pretrained ImageNet weights: an FNE built from them has the\n"
    "right shapes and statistics but no learned meaning. The real file cannot be\n"
    "generated; download it (scripts/download-weights) where there is internet.\n"
    "\n"
    "Options:\n"
    "  --out W.h5   output file (required); written to W.h5.tmp, then renamed (an\n"
    "               earlier W.h5 stays whole until then; one writer: W.h5.lock)\n"
    "  --seed S     random seed, a non-negative integer (default 1)\n"
    "  --no-fc8     leave out the predictions layer (fc8, 4096x1000), which the\n"
    "               FNE does not use: ~16 MB smaller; every other layer is the same\n"
    "  -h, --help   this text\n"
    "\n"
    "The file is ~553 MB (537 MB with --no-fc8); it takes a few seconds.\n"
    "\n"
    "Example:\n"
    "  fnegraph gen-weights --out weights/vgg16_random.h5 --seed 1\n";

int fg_cmd_gen_weights(int argc, char **argv)
{
    static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"no-fc8", no_argument, NULL, 'n'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *out = NULL;
    uint64_t seed = 1;
    bool fc8 = true;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 's':
            if (!fg_cli_u64("gen-weights", "--seed", optarg, &seed)) return FG_EXIT_USAGE;
            break;
        case 'n': fc8 = false; break;
        case 'h': fputs(HELP, stdout); return FG_EXIT_OK;
        case ':':
            return fg_cli_usage_error("gen-weights", "option '%s' needs a value", argv[optind - 1]);
        default: return fg_cli_usage_error("gen-weights", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return fg_cli_usage_error("gen-weights", "unexpected argument '%s'", argv[optind]);
    if (!out || !*out) return fg_cli_usage_error("gen-weights", "--out W.h5 is required");

    fg_weights w;
    char sha[65];
    struct stat sb;
    memset(&w, 0, sizeof w);
    fg_status st = fg_i_output_file(out, "the weight file"); /* before any work */
    if (st == FG_OK) st = fg_weights_generate(seed, fc8, &w);
    if (st == FG_OK) st = fg_weights_save(out, &w);
    fg_weights_destroy(&w);
    if (st == FG_OK) st = fg_sha256_file(out, sha);
    if (st != FG_OK) return fg_cli_fail("gen-weights", st);
    if (stat(out, &sb) != 0) sb.st_size = 0;
    printf("wrote %s\n", out);
    printf("  size     %lld bytes (%.1f MB)\n", (long long)sb.st_size, (double)sb.st_size / 1e6);
    printf("  sha256   %s\n", sha);
    printf("  content  VGG16 in the Keras layout, 15 FNE layers%s, seed %llu\n",
           fc8 ? " + predictions (fc8)" : " (no fc8)", (unsigned long long)seed);
    printf("note: these are RANDOM He-initialised weights, not the pretrained ImageNet\n"
           "      VGG16 weights; results computed with them do not reproduce the paper.\n");
    return FG_EXIT_OK;
}
