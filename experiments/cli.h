/* Shared helpers of the fnegraph subcommands: turning a status into a
 * message and an exit code, parsing option values, progress lines. */
#ifndef FNEGRAPH_CLI_H
#define FNEGRAPH_CLI_H

#include "fnegraph/error.h"

#include <signal.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

enum { FG_EXIT_OK = 0, FG_EXIT_FAIL = 1, FG_EXIT_USAGE = 2 };

/* A subcommand: argv[0] is the subcommand's name. */
typedef int (*fg_cmd_fn)(int argc, char **argv);

typedef struct fg_cmd {
    const char *name;
    const char *summary;
    fg_cmd_fn run;
} fg_cmd;

/* Print "fnegraph CMD: <last error>" to stderr; returns FG_EXIT_FAIL. With
 * FNEGRAPH_DEBUG set, the source location that recorded it is added. */
int fg_cli_fail(const char *cmd, fg_status st);
/* Print "fnegraph CMD: <message>" and a hint to run --help; returns FG_EXIT_USAGE. */
int fg_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* True when argv holds -h or --help (before a "--"). */
bool fg_cli_wants_help(int argc, char **argv);

/* Parse an option value; on error print which option and what was expected
 * and return false. */
bool fg_cli_double(const char *cmd, const char *opt, const char *s, double *out);
bool fg_cli_int(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out);
bool fg_cli_u64(const char *cmd, const char *opt, const char *s, uint64_t *out);

/* Progress of long work on stderr: a live line (rate, ETA) on a terminal; in a
 * log (stderr not a terminal) a line every 10 % at most every 30 s, and none
 * when FNEGRAPH_QUIET is set. */
typedef struct fg_progress {
    const char *what;   /* "images", "runs" */
    uint64_t total;
    uint64_t done;
    double t_start;
    double t_last;
    int last_decile;
    bool tty;
    bool quiet;
} fg_progress;

void fg_progress_start(fg_progress *p, const char *what, uint64_t total, uint64_t already_done);
void fg_progress_update(fg_progress *p, uint64_t done);
void fg_progress_finish(fg_progress *p);

/* Ctrl-C and SIGTERM set *flag, so that long work stops cleanly after what
 * is in flight; a second signal ends the process at once. */
void fg_cli_interrupt_catch(volatile sig_atomic_t *flag);
/* The default handlers again. */
void fg_cli_interrupt_release(void);

/* mkdir -p of a folder, and of the folder that holds a file. */
fg_status fg_cli_mkdir_p(const char *dir);
fg_status fg_cli_mkdir_parent(const char *file);

/* Print s on stdout as a JSON string literal (quotes, escapes). */
void fg_cli_json_string(const char *s);

/* Seconds since an arbitrary fixed point (monotonic clock). */
double fg_cli_now(void);

#endif
