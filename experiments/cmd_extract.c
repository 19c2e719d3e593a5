/* fnegraph extract: a dataset's images -> the FNE cache file. */
#include "cli.h"
#include "commands.h"
#include "core/file_guard.h"
#include "fnegraph/extract.h"
#include "fnegraph/weights.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static const char *HELP =
    "Usage: fnegraph extract --dataset KIND --root DIR --weights W.h5 --out FNE.h5\n"
    "                        [--split all|train|val|test] [--labels F] [--threads T] [--batch B]\n"
    "                        [--preprocess caffe|raw] [--resize direct|crop] [--strict]\n"
    "                        [--conv direct|winograd] [--precision f32|bf16]\n"
    "\n"
    "Runs VGG16 (oneDNN, f32) on every image of a dataset and writes its full-network\n"
    "embedding: 12,416 features an image (the post-ReLU output of the 13 conv layers\n"
    "averaged over space, then fc6 and fc7), with labels, paths and class names, to an\n"
    "HDF5 file (docs/formats.md). Images are decoded by content (JPEG, PNG, GIF, BMP,\n"
    "PPM/PGM).\n"
    "\n"
    "Rows are flushed every 64 images: if the run is killed, the same command resumes\n"
    "after the last complete chunk and ends with the same file; after a full disk,\n"
    "free space and run it again. One extraction a file at a time (FNE.h5.lock).\n"
    "Ctrl-C stops cleanly\n"
    "after the current batch (a second Ctrl-C ends it at once). An undecodable image\n"
    "is reported (path and reason), listed in the file's /failed_path and left out,\n"
    "unless --strict.\n"
    "\n"
    "Options:\n"
    "  --dataset KIND      the layout of DIR, each read as its download unpacks\n"
    "                      (classes sorted by name, label = class index):\n"
    "                      folder: DIR/<class>/<image>, any depth; no splits\n"
    "                      mit67: DIR/Images/<class>/<image> + DIR/TrainImages.txt and\n"
    "                        TestImages.txt (train/test; unlisted images only in 'all')\n"
    "                      flowers102: DIR/jpg/image_NNNNN.jpg + DIR/imagelabels.mat;\n"
    "                        optional DIR/setid.mat (train/val/test); classes class_001..\n"
    "                      textures (DTD): DIR/images/<class>/<image>; optional\n"
    "                        DIR/labels/train1.txt, val1.txt, test1.txt (train/val/test)\n"
    "                      wood (Oulu knots): images in DIR + a label list, lines\n"
    "                        '<file> <class name>', '#' comments (DIR/names.txt or --labels)\n"
    "  --root DIR          the dataset's folder\n";
static const char *HELP2 = /* (two strings: C compilers need not take one past 4095 chars) */
    "  --labels F          wood: the label list (default DIR/names.txt); textures: the\n"
    "                      DTD fold number 1..10 (default 1); not taken by other kinds\n"
    "  --split S           all (default), train, val or test, where the layout has them\n"
    "  --weights W.h5      Keras VGG16 weights (vgg16_weights_tf_dim_ordering_tf_kernels.h5,\n"
    "                      scripts/download-weights), or a file from `fnegraph gen-weights`\n"
    "  --out FNE.h5        output file (FNE.h5.partial while working)\n"
    "  --threads T         threads of the forward pass (default: all cores); they also\n"
    "                      decode the next batch between passes, unless T leaves a core\n"
    "                      free, which then decodes beside the net\n"
    "  --batch B           images a forward pass (default 8): the convolutions run an\n"
    "                      image at a time (so each layer stays in cache), fc6 and fc7\n"
    "                      once on the B images (--conv winograd: B at a time)\n"
    "  --preprocess P      caffe (default: BGR minus the mean pixel, what the weights\n"
    "                      expect) or raw (RGB 0..255)\n"
    "  --resize R          direct (default: 224x224, aspect not kept) or crop (shorter\n"
    "                      side 256, centre 224x224)\n"
    "  --strict            stop at the first undecodable image\n"
    "  --conv A            direct (default: the paper's arithmetic) or winograd: Winograd\n"
    "                      F(4x4,3x3) where oneDNN offers it (AVX-512 only; elsewhere direct,\n"
    "                      with a warning), ~2.4x faster; FNE within 2e-5 (relative) of direct\n"
    "  --precision P       f32 (default) or bf16: convolutions and inner products on bf16\n"
    "                      data and weights, f32 bias and accumulation, FNE stored in f32\n"
    "                      (~3 significant digits: median relative error ~1e-3);\n"
    "                      ~2x faster with avx512_bf16, slower than f32 without it (warned),\n"
    "                      an error below AVX-512. The mode is recorded in the file\n"
    "                      (attributes conv, precision, impl); a file or an unfinished run\n"
    "                      of another mode is refused, never reused\n"
    "  --chunk-rows N      rows written and flushed together (default 64): a kill loses at\n"
    "                      most the chunk in progress\n"
    "  -h, --help          this text\n"
    "\n"
    "Example: fnegraph extract --dataset folder --root data/hymenoptera/train \\\n"
    "             --weights weights/vgg16_weights_tf_dim_ordering_tf_kernels.h5 --out cache/h.h5\n"
    "         fnegraph extract --dataset mit67 --root data/mit67 --split train \\\n"
    "             --weights weights/vgg16_weights_tf_dim_ordering_tf_kernels.h5 --out cache/mit67.h5\n";

static volatile sig_atomic_t interrupted;

static void progress(void *ctx, int64_t done, int64_t total)
{
    (void)total;
    fg_progress_update(ctx, (uint64_t)done);
}

int fg_cmd_extract(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dataset", required_argument, NULL, 'd'}, {"root", required_argument, NULL, 'r'},
        {"split", required_argument, NULL, 's'},   {"weights", required_argument, NULL, 'w'},
        {"out", required_argument, NULL, 'o'},     {"threads", required_argument, NULL, 't'},
        {"batch", required_argument, NULL, 'b'},   {"preprocess", required_argument, NULL, 'p'},
        {"resize", required_argument, NULL, 'z'},  {"strict", no_argument, NULL, 'S'},
        {"chunk-rows", required_argument, NULL, 'c'}, {"labels", required_argument, NULL, 'l'},
        {"conv", required_argument, NULL, 'C'},    {"precision", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *kind = NULL, *root = NULL, *split = "all", *weights = NULL, *out = NULL, *labels = NULL;
    long threads = 0, batch = 8, chunk = 64;
    fg_extract_opts eo;
    memset(&eo, 0, sizeof eo);
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': kind = optarg; break;
        case 'r': root = optarg; break;
        case 'l': labels = optarg; break;
        case 's': split = optarg; break;
        case 'w': weights = optarg; break;
        case 'o': out = optarg; break;
        case 't': if (!fg_cli_int("extract", "--threads", optarg, 1, 4096, &threads)) return FG_EXIT_USAGE; break;
        case 'b': if (!fg_cli_int("extract", "--batch", optarg, 1, 1024, &batch)) return FG_EXIT_USAGE; break;
        case 'p':
            if (fg_preprocess_parse(optarg, &eo.preprocess) != FG_OK)
                return fg_cli_usage_error("extract", "--preprocess: expected caffe or raw, got '%s'", optarg);
            break;
        case 'z':
            if (fg_resize_mode_parse(optarg, &eo.resize) != FG_OK)
                return fg_cli_usage_error("extract", "--resize: expected direct or crop, got '%s'", optarg);
            break;
        case 'S': eo.strict = true; break;
        case 'C':
            if (fg_conv_algo_parse(optarg, &eo.conv) != FG_OK)
                return fg_cli_usage_error("extract", "--conv: expected direct or winograd, got '%s'", optarg);
            break;
        case 'P':
            if (fg_precision_parse(optarg, &eo.precision) != FG_OK)
                return fg_cli_usage_error("extract", "--precision: expected f32 or bf16, got '%s'", optarg);
            break;
        case 'c': if (!fg_cli_int("extract", "--chunk-rows", optarg, 1, 1 << 20, &chunk)) return FG_EXIT_USAGE; break;
        case 'h': fputs(HELP, stdout); fputs(HELP2, stdout); return FG_EXIT_OK;
        default: return fg_cli_usage_error("extract", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return fg_cli_usage_error("extract", "unexpected argument '%s'", argv[optind]);
    if (!kind || !root || !weights || !out)
        return fg_cli_usage_error("extract", "--dataset, --root, --weights and --out are required");
    if (!fg_dataset_kind_known(kind))
        return fg_cli_usage_error("extract", "--dataset: expected %s, got '%s'", FG_DATASET_KINDS, kind);
    fg_split sp;
    if (fg_split_parse(split, &sp) != FG_OK)
        return fg_cli_usage_error("extract", "--split: expected all, train, val or test, got '%s'", split);

    fg_dataset all, ds;
    fg_weights w;
    fg_extract_result res;
    memset(&all, 0, sizeof all);
    memset(&ds, 0, sizeof ds);
    memset(&w, 0, sizeof w);
    memset(&res, 0, sizeof res);
    int rc = FG_EXIT_OK;
    fg_net_mode_plan plan;
    fg_status st = fg_i_output_file(out, "the FNE file"); /* before any work */
    if (st == FG_OK) st = fg_net_check_mode(eo.conv, eo.precision, &plan);
    if (st != FG_OK) {
        rc = fg_cli_fail("extract", st);
        goto done;
    }
    if (plan.warning[0]) fprintf(stderr, "fnegraph extract: warning: %s\n", plan.warning);
    st = fg_dataset_open(kind, root, labels, &all);
    if (st == FG_OK) st = fg_dataset_select(&all, sp, &ds);
    if (st == FG_OK && ds.n == 0) st = FG_FAIL(FG_EINVAL, "%s: no images in split '%s'", root, split);
    if (st == FG_OK) st = fg_weights_load(weights, &w);
    if (st != FG_OK) {
        rc = fg_cli_fail("extract", st);
        goto done;
    }
    fprintf(stderr, "fnegraph extract: %lld images in %d classes from %s; weights %s (sha256 %.12s...)\n",
            (long long)ds.n, ds.n_classes, root, weights, w.sha256);
    fg_progress pr;
    fg_progress_start(&pr, "images", (uint64_t)ds.n, 0);
    eo.batch = (int)batch;
    eo.threads = (int)threads;
    eo.chunk_rows = chunk;
    eo.split = fg_split_name(sp);
    eo.progress = progress;
    eo.progress_ctx = &pr;
    eo.cancel = &interrupted;
    fg_cli_interrupt_catch(&interrupted);
    st = fg_extract_run(&ds, &w, out, &eo, &res);
    fg_cli_interrupt_release();
    if (res.n_done) fg_progress_finish(&pr);
    for (int64_t i = 0; i < res.n_failed; i++) fprintf(stderr, "  skipped: %s\n", res.failed[i]);
    if (st != FG_OK) {
        rc = fg_cli_fail("extract", st);
        goto done;
    }
    if (res.already_complete)
        printf("%s: already complete (%lld images); nothing to do\n", out, (long long)ds.n);
    else if (res.n_resumed == ds.n)
        printf("%s: %lld images, all extracted before; the final file is now written\n", out, (long long)ds.n);
    else
        printf("%s: %lld images (%lld resumed), %lld skipped as undecodable; %.1f s, %.2f images/s "
               "(forward %.2f images/s)\n",
               out, (long long)ds.n, (long long)res.n_resumed, (long long)res.n_failed, res.seconds,
               res.seconds > 0 ? (double)res.n_done / res.seconds : 0.0,
               res.seconds_forward > 0 ? (double)(res.n_done - res.n_failed) / res.seconds_forward : 0.0);
done:
    fg_extract_result_destroy(&res);
    fg_weights_destroy(&w);
    fg_dataset_destroy(&ds);
    fg_dataset_destroy(&all);
    return rc;
}
