/* fnegraph: the command-line harness. Dispatches to one subcommand; each
 * subcommand parses its own options and prints its own --help. Exit codes:
 * 0 success, 1 the job failed, 2 bad usage. */
#include "cli.h"
#include "commands.h"
#include "fnegraph/cpu.h"

#include <stdio.h>
#include <string.h>

static const fg_cmd commands[] = {
    {"demo", "the whole pipeline on synthetic images and random weights (no download)", fg_cmd_demo},
    {"extract", "run VGG16 on a dataset's images and write their full-network embedding", fg_cmd_extract},
    {"graph", "build the graph of an FNE file and weights; sizes, components, edge file", fg_cmd_graph},
    {"cluster", "Fluid Communities on an FNE's graph (--fne) or a graph file (--edges); NMI/AMI", fg_cmd_cluster},
    {"score", "NMI and AMI (four normalizations) of two labelings", fg_cmd_score},
    {"sweep", "a grid of graphs and FluidC runs over datasets from an INI config, to HDF5", fg_cmd_sweep},
    {"compare-fne", "fidelity of one FNE file against another: error, code agreement, Jaccard", fg_cmd_compare_fne},
    {"table", "the paper's Table 2 from a results file (Markdown or LaTeX)", fg_cmd_table},
    {"gen-weights", "write a Keras-layout VGG16 file with seeded random (He) weights", fg_cmd_gen_weights},
    {"demo-data", "write a synthetic class-per-folder JPEG image set", fg_cmd_demo_data},
    {"info", "versions, CPU features and the code paths this machine will use", fg_cmd_info},
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

static void usage(FILE *out)
{
    fprintf(out,
            "fnegraph %s: graphs from full-network embeddings of VGG16, communities, scores\n"
            "\n"
            "Usage: fnegraph <command> [options]      fnegraph <command> --help\n"
            "\n"
            "Commands:\n",
            FNEGRAPH_VERSION);
    for (int i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n"
            "Environment:\n"
            "  FNEGRAPH_ISA=scalar|avx2|avx512   cap the instruction set of fnegraph's own kernels\n"
            "  OMP_NUM_THREADS=N                 default thread count (--threads overrides it)\n"
            "  ONEDNN_MAX_CPU_ISA=...            cap the instruction set oneDNN's JIT may use\n"
            "  FNEGRAPH_QUIET=1                  no progress lines\n"
            "  FNEGRAPH_DEBUG=1                  add the source location to error messages\n"
            "\n"
            "Method: docs/method.md of the project; paper: Garcia-Gasulla et al., \"Building graph\n"
            "representations of deep vector embeddings\" (2017).\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return FG_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
        if (!strcmp(name, "help") && argc > 2) {
            char *help_argv[] = {argv[2], "--help", NULL};
            for (int i = 0; i < N_COMMANDS; i++)
                if (!strcmp(commands[i].name, argv[2])) return commands[i].run(2, help_argv);
        }
        usage(stdout);
        return FG_EXIT_OK;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
        printf("fnegraph %s\n", FNEGRAPH_VERSION);
        return FG_EXIT_OK;
    }
    for (int i = 0; i < N_COMMANDS; i++) {
        if (strcmp(commands[i].name, name) != 0) continue;
        fg_status st = fg_cpu_check_env();
        if (st != FG_OK) return fg_cli_fail(name, st);
        return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "fnegraph: unknown command '%s'\n\n", name);
    usage(stderr);
    return FG_EXIT_USAGE;
}
