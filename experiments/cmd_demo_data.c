/* fnegraph demo-data: write the synthetic class-per-folder JPEG set. */
#include "cli.h"
#include "commands.h"
#include "fnegraph/synth.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char *HELP =
    "Usage: fnegraph demo-data --out DIR [--classes C] [--per-class M] [--seed S]\n"
    "\n"
    "Writes a synthetic image set in the class-per-folder layout that\n"
    "`fnegraph extract --dataset folder --root DIR` reads: DIR/class_00/class_00_000.jpg, ...\n"
    "The images are generated, not photographs. Each class has its own colour\n"
    "(hue, saturation, brightness) and texture (a grating of its own period and\n"
    "orientation, blobs of its own density, size and colour); every image jitters\n"
    "them, has its own size (200..400 px a side) and noise. About one image in five\n"
    "is a progressive JPEG and one in seven grayscale. The same seed writes the\n"
    "same bytes.\n"
    "\n"
    "DIR is created if needed. It must be empty or hold a set written by an earlier\n"
    "demo-data run (recognised by its hidden manifest DIR/.fnegraph-demo-data),\n"
    "whose files are replaced; anything else is refused.\n"
    "\n"
    "Options:\n"
    "  --out DIR        output folder (required)\n"
    "  --classes C      number of classes, 1..1000 (default 4)\n"
    "  --per-class M    images a class, 1..100000 (default 12)\n"
    "  --seed S         random seed, a non-negative integer (default 1)\n"
    "  --quality Q      JPEG quality 1..100 (default 90)\n"
    "  -h, --help       this text\n"
    "\n"
    "Example:\n"
    "  fnegraph demo-data --out work/demo-images --classes 4 --per-class 12 --seed 7\n";

typedef struct progress_ctx {
    fg_progress p;
} progress_ctx;

static void on_progress(void *ctx, int64_t done, int64_t total)
{
    (void)total;
    fg_progress_update(&((progress_ctx *)ctx)->p, (uint64_t)done);
}

int fg_cmd_demo_data(int argc, char **argv)
{
    static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
                                         {"classes", required_argument, NULL, 'c'},
                                         {"per-class", required_argument, NULL, 'm'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"quality", required_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *cmd = "demo-data", *out = NULL;
    fg_synth_options o;
    fg_synth_defaults(&o);
    long v;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'c':
            if (!fg_cli_int(cmd, "--classes", optarg, 1, 1000, &v)) return FG_EXIT_USAGE;
            o.classes = (int)v;
            break;
        case 'm':
            if (!fg_cli_int(cmd, "--per-class", optarg, 1, 100000, &v)) return FG_EXIT_USAGE;
            o.per_class = (int)v;
            break;
        case 's':
            if (!fg_cli_u64(cmd, "--seed", optarg, &o.seed)) return FG_EXIT_USAGE;
            break;
        case 'q':
            if (!fg_cli_int(cmd, "--quality", optarg, 1, 100, &v)) return FG_EXIT_USAGE;
            o.quality = (int)v;
            break;
        case 'h': fputs(HELP, stdout); return FG_EXIT_OK;
        case ':': return fg_cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
        default: return fg_cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return fg_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (!out || !*out) return fg_cli_usage_error(cmd, "--out DIR is required");

    progress_ctx pc;
    fg_progress_start(&pc.p, "images", (uint64_t)o.classes * (uint64_t)o.per_class, 0);
    fg_synth_report rep;
    fg_status st = fg_synth_write(out, &o, on_progress, &pc, &rep);
    fg_progress_finish(&pc.p);
    if (st != FG_OK) return fg_cli_fail(cmd, st);
    printf("wrote %lld synthetic JPEG images to %s: %d classes x %d images (seed %llu)\n", (long long)rep.images,
           out, o.classes, o.per_class, (unsigned long long)o.seed);
    printf("  sizes %d..%d x %d..%d px, %lld progressive, %lld grayscale, %.1f MB\n", rep.min_width, rep.max_width,
           rep.min_height, rep.max_height, (long long)rep.progressive, (long long)rep.grayscale,
           (double)rep.bytes / 1e6);
    printf("  these images are synthetic (generated colour and texture patterns, not photographs)\n");
    printf("  next: fnegraph extract --dataset folder --root %s --weights W.h5 --out fne.h5\n", out);
    return FG_EXIT_OK;
}
