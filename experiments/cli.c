/* Shared helpers of the fnegraph subcommands (see cli.h). */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int fg_cli_fail(const char *cmd, fg_status st)
{
    const char *msg = fg_last_error();
    if (!msg || !*msg) msg = fg_status_str(st);
    fprintf(stderr, "fnegraph %s: error: %s\n", cmd, msg);
    if (getenv("FNEGRAPH_DEBUG") && fg_last_error_file())
        fprintf(stderr, "  (recorded at %s:%d, status: %s)\n", fg_last_error_file(),
                fg_last_error_line(), fg_status_str(st));
    return FG_EXIT_FAIL;
}

int fg_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "fnegraph %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nRun 'fnegraph %s --help' for the options.\n", cmd);
    return FG_EXIT_USAGE;
}

bool fg_cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) break;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return true;
    }
    return false;
}

bool fg_cli_double(const char *cmd, const char *opt, const char *s, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno == ERANGE || !isfinite(v)) {
        fg_cli_usage_error(cmd, "%s: expected a finite number, got '%s'", opt, s);
        return false;
    }
    *out = v;
    return true;
}

bool fg_cli_int(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno == ERANGE || v < lo || v > hi) {
        fg_cli_usage_error(cmd, "%s: expected an integer in %ld..%ld, got '%s'", opt, lo, hi, s);
        return false;
    }
    *out = v;
    return true;
}

bool fg_cli_u64(const char *cmd, const char *opt, const char *s, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || errno == ERANGE || s[0] == '-') {
        fg_cli_usage_error(cmd, "%s: expected a non-negative integer, got '%s'", opt, s);
        return false;
    }
    *out = (uint64_t)v;
    return true;
}

double fg_cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void format_eta(char *buf, size_t n, double s)
{
    if (!isfinite(s) || s < 0) snprintf(buf, n, "--:--");
    else if (s >= 3600) snprintf(buf, n, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
    else snprintf(buf, n, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
}

void fg_progress_start(fg_progress *p, const char *what, uint64_t total, uint64_t already_done)
{
    memset(p, 0, sizeof *p);
    p->what = what;
    p->total = total;
    p->done = already_done;
    p->t_start = p->t_last = fg_cli_now();
    p->tty = isatty(STDERR_FILENO);
    p->quiet = getenv("FNEGRAPH_QUIET") != NULL;
    /* rates count only the work of this process, not resumed work */
    p->last_decile = total ? (int)(10 * already_done / total) : 10;
}

static void progress_print(fg_progress *p, uint64_t done, bool final)
{
    double now = fg_cli_now(), el = now - p->t_start;
    double rate = el > 0 ? (double)(done - p->done) / el : 0;
    char eta[32];
    format_eta(eta, sizeof eta, rate > 0 ? (double)(p->total - done) / rate : NAN);
    double pct = p->total ? 100.0 * (double)done / (double)p->total : 100.0;
    if (p->tty)
        fprintf(stderr, "\r%" PRIu64 "/%" PRIu64 " %s (%.1f%%)  %.2f %s/s  ETA %s   %s", done,
                p->total, p->what, pct, rate, p->what, eta, final ? "\n" : "");
    else
        fprintf(stderr, "%" PRIu64 "/%" PRIu64 " %s (%.0f%%), %.2f %s/s, ETA %s\n", done,
                p->total, p->what, pct, rate, p->what, eta);
    fflush(stderr);
}

void fg_progress_update(fg_progress *p, uint64_t done)
{
    if (p->quiet) return;
    double now = fg_cli_now();
    if (p->tty) {
        if (now - p->t_last < 0.25) return;
        p->t_last = now;
        progress_print(p, done, false);
        return;
    }
    int dec = p->total ? (int)(10 * done / p->total) : 10;
    if (dec > p->last_decile && now - p->t_last >= 30.0) {
        p->last_decile = dec;
        p->t_last = now;
        progress_print(p, done, false);
    }
}

void fg_progress_finish(fg_progress *p)
{
    if (p->quiet) return;
    if (p->tty) progress_print(p, p->total, true);
}

void fg_cli_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20) printf("\\u%04x", (unsigned char)*s);
        else putchar(*s);
    }
    putchar('"');
}

static volatile sig_atomic_t *interrupt_flag;

static void on_interrupt(int sig)
{
    if (interrupt_flag) *interrupt_flag = 1;
    signal(sig, SIG_DFL); /* a second signal ends the process */
}

void fg_cli_interrupt_catch(volatile sig_atomic_t *flag)
{
    interrupt_flag = flag;
    *flag = 0;
    signal(SIGINT, on_interrupt);
    signal(SIGTERM, on_interrupt);
}

void fg_cli_interrupt_release(void)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    interrupt_flag = NULL;
}

fg_status fg_cli_mkdir_p(const char *dir)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf) return FG_FAIL(FG_EINVAL, "%s: path too long", dir);
    for (char *p = buf + 1;; p++) {
        if (*p && *p != '/') continue;
        const char keep = *p;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return FG_FAIL(FG_EIO, "cannot create folder %s (%s)", buf, strerror(errno));
        *p = keep;
        if (!keep) break;
    }
    return FG_OK;
}

fg_status fg_cli_mkdir_parent(const char *file)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", file) >= (int)sizeof buf) return FG_FAIL(FG_EINVAL, "%s: path too long", file);
    char *slash = strrchr(buf, '/');
    if (!slash || slash == buf) return FG_OK;
    *slash = '\0';
    return fg_cli_mkdir_p(buf);
}
