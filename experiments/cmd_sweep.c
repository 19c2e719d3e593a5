/* fnegraph sweep: a grid of graphs and FluidC runs over datasets, from an
 * INI config, into a results file (docs/formats.md "The sweep configuration"). */
#include "cli.h"
#include "commands.h"
#include "sweep.h"
#include "sweep_part.h"
#ifdef FNEGRAPH_HAVE_MPI
#include "sweep_mpi.h"
#endif

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static const char *HELP =
    "Usage: fnegraph sweep --config X.ini [--out R.h5] [--set section.key=value]...\n"
    "                      [--dataset NAME]... [--part I/N] [--timeline T.json] [--dry-run]\n"
    "       mpirun -n N fnegraph sweep --config X.ini [...]   (builds with MPI)\n"
    "\n"
    "Runs the grid of a sweep configuration: for every [dataset NAME] of the config,\n"
    "every threshold pair lo:hi and every k, the graph (one row in /graphs of the\n"
    "results file), and on its largest connected component one Fluid Communities run\n"
    "per community count and seed, scored with NMI and AMI (one row in /runs).\n"
    "Nothing is computed twice: the CNN runs once per dataset into its FNE cache\n"
    "(`fne` of the section; reused by later sweeps when it was made by the same job,\n"
    "resumed when it was interrupted), the feature-feature edges once per k, the\n"
    "codes once per threshold pair, a graph once per (dataset, lo, hi, k), and the\n"
    "independent FluidC runs go in parallel over the threads.\n"
    "\n"
    "Every row is written and flushed as soon as it is known. Rows already in the\n"
    "results file are skipped: after a crash, a kill or Ctrl-C, run the same command\n"
    "again and it continues where it stopped. Ctrl-C (or SIGTERM) stops after the runs\n"
    "in flight; a second Ctrl-C kills at once (still nothing written is lost).\n"
    "A row counts only once it is complete (committed after it is written), so a\n"
    "crash or a full disk at any moment leaves the earlier rows and no partial row;\n"
    "on a full disk the sweep stops (exit 1) naming the results file: free space and\n"
    "run the same command again. One sweep writes a results file at a time: a second\n"
    "one on the same file is refused (\"in use by another process (pid N)\"), also\n"
    "with HDF5_USE_FILE_LOCKING=FALSE; the lock is R.h5.lock beside it.\n"
    "\n";

static const char *HELP_OPTIONS =
    "Options:\n"
    "  --config X.ini      the sweep configuration (required); relative paths in it are\n"
    "                      relative to its folder. Format: docs/formats.md, and the examples\n"
    "                      experiments/configs/table2.ini (the paper's Table 2) and\n"
    "                      experiments/configs/sweep.ini (a grid)\n"
    "  --out R.h5          the results file (default: `out` of the config); relative to\n"
    "                      the current folder\n"
    "  --set S.KEY=VALUE   override one key, e.g. --set sweep.k=2 or\n"
    "                      --set \"dataset wood.root=/data/wood\" (relative paths given\n"
    "                      here are relative to the current folder); repeatable\n"
    "  --dataset NAME      run only the config's [dataset NAME] (repeatable). Several\n"
    "                      machines can share one config this way, a dataset each,\n"
    "                      each with its own --out (one writer a results file);\n"
    "                      `fnegraph table` reads their files together\n"
    "  --part I/N          run only part I (1..N) of the config's graph tasks, for job\n"
    "                      arrays: (dataset, lo, hi, k) numbered dataset-major, then\n"
    "                      the k-means units, cut into N contiguous ranges; give\n"
    "                      each part its own --out\n"
    "                      (`fnegraph table` reads the files together). A part\n"
    "                      extracts the FNE caches its tasks need; parts sharing a\n"
    "                      cache take turns (one waits on the other's lock)\n"
    "  --timeline T.json   write when each unit of work ran and where: extractions\n"
    "                      (shards, merges), FNE loads, codes, ff edges, graph tasks,\n"
    "                      with start and end seconds and the rank; under mpirun rank 0\n"
    "                      writes it, with its coordination's CPU seconds\n"
    "                      (docs/formats.md \"Sweep timeline\"; bench/bench_mpi.py)\n"
    "  --dry-run           list the datasets, their classes and images, and how many\n"
    "                      graphs and runs the grid has and how many are done; run\n"
    "                      nothing, write nothing\n"
    "  -h, --help          this text\n"
    "\n";
/* in two parts: C99 compilers need only support literals of 4095 characters */
static const char *HELP_KEYS =
    "Keys of [sweep]: weights, out, thresholds (lo:hi list), k (list), communities\n"
    "(numbers, `classes`, `2*classes`, ...; `classes` = the classes with images in the\n"
    "dataset's split), seeds (ranges a-b and lists), variant (paper | standard),\n"
    "threads (0 = all cores), batch, preprocess (caffe | raw), resize (direct | crop),\n"
    "max_iter (FluidC sweeps, default 100), methods (fluidc, kmeans, kmeans-ternary:\n"
    "default fluidc; see `fnegraph cluster --help`), restarts and kmeans_max_iter\n"
    "(k-means: default 1 and 300), conv (direct | winograd) and precision\n"
    "(f32 | bf16): the extraction mode, see `fnegraph extract --help` (default direct,\n"
    "f32: the paper's arithmetic; an FNE cache made in another mode is refused, never\n"
    "reused: give each mode its own `fne` path). Keys of [dataset NAME]: kind (folder |\n"
    "mit67 | flowers102 | textures | wood), root, split (all | train | val | test), fne (the\n"
    "cache file), labels (wood's label list). A dataset whose root is absent is run\n"
    "from its FNE cache when that is complete and of the same job.\n"
    "\n"
    "Under mpirun (builds with MPI, `fnegraph info` names it) the same command runs\n"
    "over the ranks: rank 0 plans, writes the results file and hands out the datasets'\n"
    "extractions and then the graph tasks and the k-means units (one a dataset for\n"
    "kmeans, one a dataset and threshold pair for kmeans-ternary); the rows are those\n"
    "of the serial sweep. A rank lost ends the job; the same command again continues\n"
    "(README \"Cluster\"). --part cuts the same units.\n"
    "\n"
    "Progress (runs done/total, rate, ETA) goes to stderr; set FNEGRAPH_QUIET=1 to\n"
    "silence it. Exit status: 0 done, 1 failed (or some runs were impossible: more\n"
    "communities than image vertices), 2 bad usage or config, 130 interrupted.\n"
    "\n"
    "Examples:\n"
    "  fnegraph sweep --config experiments/configs/table2.ini\n"
    "  fnegraph table results/table2.h5\n"
    "  fnegraph sweep --config experiments/configs/sweep.ini --set sweep.seeds=1-3 --dry-run\n";

static volatile sig_atomic_t interrupted;

/* Keep only the datasets named in only[0..n), in the config's order; a name
 * the config does not have is a usage error listing the ones it has. */
static bool keep_datasets(fg_sweep_config *cfg, const char *const *only, int n)
{
    for (int i = 0; i < n; i++) {
        bool found = false;
        for (int d = 0; d < cfg->n_datasets; d++) found |= !strcmp(cfg->datasets[d].name, only[i]);
        if (found) continue;
        char names[1024] = "";
        size_t len = 0;
        for (int d = 0; d < cfg->n_datasets && len < sizeof names; d++)
            len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", d ? ", " : "", cfg->datasets[d].name);
        fg_cli_usage_error("sweep", "--dataset %s: %s has no [dataset %s] (it has: %s)", only[i], cfg->path, only[i],
                           cfg->n_datasets ? names : "none");
        return false;
    }
    int k = 0;
    for (int d = 0; d < cfg->n_datasets; d++) {
        bool keep = false;
        for (int i = 0; i < n; i++) keep |= !strcmp(cfg->datasets[d].name, only[i]);
        if (!keep) {
            fg_sweep_dataset_destroy(&cfg->datasets[d]);
            continue;
        }
        if (k != d) cfg->datasets[k] = cfg->datasets[d];
        k++;
    }
    cfg->n_datasets = k;
    /* the results file's copy of the config says which part of it this process ran */
    size_t len = cfg->text ? strlen(cfg->text) : 0, add = 48;
    for (int i = 0; i < n; i++) add += strlen(only[i]) + 1;
    char *t = realloc(cfg->text, len + add);
    if (!t) {
        fg_cli_fail("sweep", FG_FAIL(FG_ENOMEM, "out of memory"));
        return false;
    }
    cfg->text = t;
    t[len] = '\0';
    strcat(t, "\n; only these datasets (--dataset):");
    for (int i = 0; i < n; i++) {
        strcat(t, " ");
        strcat(t, only[i]);
    }
    strcat(t, "\n");
    return true;
}

/* The sweep as this process runs it: one of the ranks under mpirun, one
 * part of it, or the whole of it. */
static fg_status run_sweep(fg_sweep_config *cfg, const fg_sweep_exec_opts *eo, int part, int n_parts,
                           fg_sweep_summary *sum, bool *report)
{
#ifdef FNEGRAPH_HAVE_MPI
    if (fg_sweep_mpi_launched()) return fg_sweep_mpi_execute(cfg, eo, sum, report);
#endif
    *report = true;
    if (n_parts > 0 && !eo->dry_run) return fg_sweep_part_execute(cfg, eo, part, n_parts, sum);
    return fg_sweep_execute(cfg, eo, sum);
}

/* The results file's copy of the config says which part this process ran. */
static bool add_part_note(fg_sweep_config *cfg, int part, int n_parts)
{
    size_t len = cfg->text ? strlen(cfg->text) : 0;
    char *t = realloc(cfg->text, len + 64);
    if (!t) {
        fg_cli_fail("sweep", FG_FAIL(FG_ENOMEM, "out of memory"));
        return false;
    }
    cfg->text = t;
    snprintf(t + len, 64, "\n; only part %d/%d of the graph tasks (--part)\n", part, n_parts);
    return true;
}

int fg_cmd_sweep(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"set", required_argument, NULL, 's'},
                                         {"dry-run", no_argument, NULL, 'n'},
                                         {"dataset", required_argument, NULL, 'd'},
                                         {"part", required_argument, NULL, 'p'},
                                         {"timeline", required_argument, NULL, 't'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *config = NULL, *out = NULL, *timeline = NULL;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    const char **only = calloc((size_t)argc + 1, sizeof *only);
    int n_sets = 0, n_only = 0, c, rc = FG_EXIT_OK, part = 0, n_parts = 0;
    bool dry = false;
    fg_sweep_config cfg;
    memset(&cfg, 0, sizeof cfg);
    if (!sets || !only) {
        free(sets);
        free(only);
        return fg_cli_fail("sweep", FG_FAIL(FG_ENOMEM, "options"));
    }
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'o': out = optarg; break;
        case 's': sets[n_sets++] = optarg; break;
        case 'd': only[n_only++] = optarg; break;
        case 'n': dry = true; break;
        case 't': timeline = optarg; break;
        case 'p': {
            char tail = 0;
            if (sscanf(optarg, "%d/%d%c", &part, &n_parts, &tail) != 2 || n_parts < 1 || part < 1 || part > n_parts) {
                rc = fg_cli_usage_error("sweep", "--part: expected I/N with 1 <= I <= N, got '%s'", optarg);
                goto done;
            }
            break;
        }
        case 'h':
            fputs(HELP, stdout);
            fputs(HELP_OPTIONS, stdout);
            fputs(HELP_KEYS, stdout);
            goto done;
        case ':': rc = fg_cli_usage_error("sweep", "option '%s' needs a value", argv[optind - 1]); goto done;
        default: rc = fg_cli_usage_error("sweep", "unknown option '%s'", argv[optind - 1]); goto done;
        }
    }
    if (optind < argc) {
        rc = fg_cli_usage_error("sweep", "unexpected argument '%s'", argv[optind]);
        goto done;
    }
    if (!config) {
        rc = fg_cli_usage_error("sweep", "--config X.ini is required");
        goto done;
    }
    fg_status st = fg_sweep_config_load(config, sets, n_sets, out, &cfg);
    if (st != FG_OK) {
        /* a config that cannot be read or says something wrong is a usage error */
        fprintf(stderr, "fnegraph sweep: %s\n", fg_last_error());
        rc = FG_EXIT_USAGE;
        goto done;
    }
    if (n_only > 0 && !keep_datasets(&cfg, only, n_only)) {
        rc = FG_EXIT_USAGE;
        goto done;
    }
    if (n_parts > 0 && !dry && !add_part_note(&cfg, part, n_parts)) {
        rc = FG_EXIT_FAIL;
        goto done;
    }
    const fg_sweep_exec_opts eo = {.dry_run = dry, .cancel = &interrupted, .timeline = dry ? NULL : timeline};
    fg_sweep_summary sum;
    bool report = true; /* false: an MPI rank other than 0 (rank 0 reports) */
#ifdef FNEGRAPH_HAVE_MPI
    if (fg_sweep_mpi_launched() && n_parts > 0) {
        rc = fg_cli_usage_error("sweep", "--part is for separate processes (job arrays), not for mpirun");
        goto done;
    }
#endif
    fg_cli_interrupt_catch(&interrupted);
    st = run_sweep(&cfg, &eo, part, n_parts, &sum, &report);
    fg_cli_interrupt_release();
    if (!report) {
        rc = st == FG_OK ? FG_EXIT_OK : FG_EXIT_FAIL;
        goto done;
    }
    if (st != FG_OK) {
        rc = fg_cli_fail("sweep", st);
        goto done;
    }
    if (dry) goto done;
    if (sum.interrupted) {
        fprintf(stderr,
                "fnegraph sweep: interrupted: %lld runs written by this sweep, %lld of %lld in %s; run the same "
                "command again to continue\n",
                (long long)sum.runs_written, (long long)(sum.runs_before + sum.runs_written),
                (long long)sum.runs_total, cfg.out);
        rc = 130;
        goto done;
    }
    printf("sweep done: %lld runs written (%lld were already there), %lld graphs written; results in %s\n"
           "  next: fnegraph table %s\n",
           (long long)sum.runs_written, (long long)sum.runs_before, (long long)sum.graphs_written, cfg.out, cfg.out);
    if (sum.runs_impossible) {
        fprintf(stderr,
                "fnegraph sweep: %lld run%s could not run (more communities than image vertices in the largest "
                "component; see above)\n",
                (long long)sum.runs_impossible, sum.runs_impossible == 1 ? "" : "s");
        rc = FG_EXIT_FAIL;
    }
done:
    fg_sweep_config_destroy(&cfg);
    free(sets);
    free(only);
    return rc;
}
