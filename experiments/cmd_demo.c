/* fnegraph demo: the README's main command. The whole pipeline end to end
 * on an embedded default that needs no download: synthetic images, seeded
 * random weights, a Table 2-style sweep, the table. */
#include "cli.h"
#include "commands.h"
#include "sweep.h"

#include "fnegraph/mem.h"
#include "fnegraph/results.h"
#include "fnegraph/synth.h"
#include "fnegraph/vgg16.h"
#include "fnegraph/weights.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEMO_MARK "; written by fnegraph demo"

static const char *HELP =
    "Usage: fnegraph demo [--out DIR] [--results R.h5] [--classes C] [--per-class M]\n"
    "                     [--seeds N] [--threads T]\n"
    "\n"
    "Runs the whole pipeline on an embedded default that needs no download:\n"
    "  1. C classes x M synthetic JPEG images (classes differ in colour and texture\n"
    "     statistics; see `fnegraph demo-data --help`) in DIR/images\n"
    "  2. VGG16 weights in the Keras layout with RANDOM He-initialised values\n"
    "     (seed 1) in DIR/weights_random_seed1.h5 (553 MB)\n"
    "  3. a Table 2-style sweep (thresholds -2:2, k = 1.5, as many communities as\n"
    "     classes, N seeds, the paper's FluidC variant): extraction into the FNE\n"
    "     cache DIR/fne_<C>x<M>.h5, graph, FluidC, NMI/AMI, rows into R.h5\n"
    "  4. the table (`fnegraph table R.h5`)\n"
    "The numbers show that the pipeline runs and how fast; with random weights and\n"
    "synthetic images they say nothing about what the pretrained VGG16 knows. The\n"
    "last lines print the commands that run the real thing.\n"
    "\n"
    "Running it again reuses the images, weights and FNE cache and redoes the sweep\n"
    "(seconds). Takes about a minute on 2 cores (the CNN: ~7 images/s).\n"
    "\n"
    "Options:\n"
    "  --out DIR        work folder (default: demo)\n"
    "  --results R.h5   results file (default: results/demo.h5); replaced when it is\n"
    "                   an earlier demo's, refused when it is anything else\n"
    "  --classes C      synthetic classes, 2..100 (default 8)\n"
    "  --per-class M    images a class, 2..1000 (default 25)\n"
    "  --seeds N        FluidC seeds 1..N (default 10, as the paper)\n"
    "  --threads T      threads (default: all cores)\n"
    "  -h, --help       this text\n";

/* An earlier demo's results file is replaced; anything else is left alone. */
static fg_status clear_results(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0) return FG_OK;
    char *text = NULL;
    fg_status st = fg_results_read_config(path, &text);
    bool ours = st == FG_OK && strstr(text, DEMO_MARK) != NULL;
    fg_free(text);
    if (!ours)
        return FG_FAIL(FG_EINVAL, "%s exists and was not written by fnegraph demo: not replacing it (use --results)",
                       path);
    if (unlink(path) != 0) return FG_FAIL(FG_EIO, "%s: cannot remove (%s)", path, strerror(errno));
    return FG_OK;
}

static void on_synth(void *ctx, int64_t done, int64_t total)
{
    (void)total;
    fg_progress_update(ctx, (uint64_t)done);
}

static volatile sig_atomic_t interrupted;

int fg_cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
                                         {"results", required_argument, NULL, 'r'},
                                         {"classes", required_argument, NULL, 'c'},
                                         {"per-class", required_argument, NULL, 'm'},
                                         {"seeds", required_argument, NULL, 's'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *dir = "demo", *results = "results/demo.h5";
    long classes = 8, per_class = 25, seeds = 10, threads = 0;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': dir = optarg; break;
        case 'r': results = optarg; break;
        case 'c':
            if (!fg_cli_int("demo", "--classes", optarg, 2, 100, &classes)) return FG_EXIT_USAGE;
            break;
        case 'm':
            if (!fg_cli_int("demo", "--per-class", optarg, 2, 1000, &per_class)) return FG_EXIT_USAGE;
            break;
        case 's':
            if (!fg_cli_int("demo", "--seeds", optarg, 1, 1000, &seeds)) return FG_EXIT_USAGE;
            break;
        case 't':
            if (!fg_cli_int("demo", "--threads", optarg, 0, 4096, &threads)) return FG_EXIT_USAGE;
            break;
        case 'h': fputs(HELP, stdout); return FG_EXIT_OK;
        case ':': return fg_cli_usage_error("demo", "option '%s' needs a value", argv[optind - 1]);
        default: return fg_cli_usage_error("demo", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return fg_cli_usage_error("demo", "unexpected argument '%s'", argv[optind]);

    printf("fnegraph demo: the whole pipeline on SYNTHETIC images and RANDOM weights.\n"
           "  It shows that every stage runs and how fast; its NMI/AMI say nothing about\n"
           "  the pretrained VGG16 (the real commands are printed at the end).\n\n");
    fflush(stdout);
    fg_status st = FG_OK;
    fg_weights w;
    memset(&w, 0, sizeof w);
    fg_sweep_config cfg;
    memset(&cfg, 0, sizeof cfg);
    char images[PATH_MAX], wpath[PATH_MAX], ini[PATH_MAX], fne[PATH_MAX];
    snprintf(images, sizeof images, "%s/images", dir);
    snprintf(wpath, sizeof wpath, "%s/weights_random_seed1.h5", dir);
    snprintf(ini, sizeof ini, "%s/demo.ini", dir);
    snprintf(fne, sizeof fne, "fne_%ldx%ld.h5", classes, per_class);
    double t0 = fg_cli_now();
    FG_CHECK_GOTO(st, fg_cli_mkdir_p(dir));
    FG_CHECK_GOTO(st, clear_results(results));

    /* 1. images (rewritten byte for byte when an earlier set is there) */
    fg_synth_options so;
    fg_synth_defaults(&so);
    so.classes = (int)classes;
    so.per_class = (int)per_class;
    fg_synth_report rep;
    fg_progress pr;
    fg_progress_start(&pr, "images written", (uint64_t)(classes * per_class), 0);
    FG_CHECK_GOTO(st, fg_synth_write(images, &so, on_synth, &pr, &rep));
    fg_progress_finish(&pr);
    printf("1. %lld synthetic JPEGs, %ld classes, in %s (%.1f s)\n", (long long)rep.images, classes, images,
           fg_cli_now() - t0);
    fflush(stdout);

    /* 2. random weights, made once */
    double t1 = fg_cli_now();
    struct stat sb;
    if (stat(wpath, &sb) == 0) {
        printf("2. random VGG16 weights (He init, seed 1): %s, made earlier\n", wpath);
    } else {
        FG_CHECK_GOTO(st, fg_weights_generate(1, true, &w));
        FG_CHECK_GOTO(st, fg_weights_save(wpath, &w));
        fg_weights_destroy(&w);
        printf("2. random VGG16 weights (He init, seed 1) in the Keras layout: %s (%.1f s)\n", wpath,
               fg_cli_now() - t1);
    }
    fflush(stdout);

    /* 3. the sweep, from a config written next to the data */
    FILE *f = fopen(ini, "w");
    if (!f) {
        st = FG_FAIL(FG_EIO, "%s: cannot create (%s)", ini, strerror(errno));
        goto done;
    }
    fprintf(f,
            DEMO_MARK "\n"
            "; the paper's Table 2 setting on the demo's synthetic images and random weights\n"
            "[sweep]\nweights = weights_random_seed1.h5\nout = demo.h5\nthresholds = -2:2\nk = 1.5\n"
            "communities = classes\nseeds = 1-%ld\nvariant = paper\nthreads = %ld\nbatch = 8\n\n"
            "[dataset synthetic]\nkind = folder\nroot = images\nfne = %s\n",
            seeds, threads, fne);
    if (fclose(f) != 0) {
        st = FG_FAIL(FG_EIO, "%s: write failed", ini);
        goto done;
    }
    printf("3. sweep %s -> %s\n", ini, results);
    fflush(stdout);
    FG_CHECK_GOTO(st, fg_sweep_config_load(ini, NULL, 0, results, &cfg));
    const fg_sweep_exec_opts eo = {.dry_run = false, .cancel = &interrupted};
    fg_sweep_summary sum;
    fg_cli_interrupt_catch(&interrupted);
    st = fg_sweep_execute(&cfg, &eo, &sum);
    fg_cli_interrupt_release();
    if (st != FG_OK) goto done;
    if (sum.interrupted) {
        fprintf(stderr, "fnegraph demo: interrupted; run it again to continue\n");
        fg_sweep_config_destroy(&cfg);
        return 130;
    }

    /* 4. the table */
    printf("\n4. fnegraph table %s\n\n", results);
    fflush(stdout);
    char *targv[] = {"table", (char *)results, NULL};
    optind = 0; /* restart getopt for the table command */
    int rc = fg_cmd_table(2, targv);
    if (rc != FG_EXIT_OK) {
        fg_sweep_config_destroy(&cfg);
        return rc;
    }
    printf("\ndemo done in %.0f s. Again: the weights are RANDOM and the images SYNTHETIC.\n"
           "The real thing, on a machine with internet (see README \"Reproduce Table 2\"):\n"
           "  scripts/download-weights        # the Keras VGG16 file (md5 checked)\n"
           "  scripts/download-datasets       # mit67, flowers102, textures (DTD), wood\n"
           "  build/release/experiments/fnegraph sweep --config experiments/configs/table2.ini\n"
           "  build/release/experiments/fnegraph table results/table2.h5\n"
           "  paper/make_table2.py results/table2.h5 && paper/make_figures.py results/sweep.h5\n",
           fg_cli_now() - t0);
done:
    fg_weights_destroy(&w);
    fg_sweep_config_destroy(&cfg);
    if (st != FG_OK) return fg_cli_fail("demo", st);
    return FG_EXIT_OK;
}
