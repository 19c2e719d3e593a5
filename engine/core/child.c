/* A parse in a short-lived child process (child.h). The child writes
 * [int32 status][uint64 size][size bytes: the result, or the message] to a
 * pipe; the parent reads it against a deadline, kills a child that is late,
 * and always reaps it. */
#include "core/child.h"

#include "fnegraph/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Set by the sanitizers' runtime when linked: libFuzzer's saves the input as
 * a crash; a child's death is the parent's finding, reported as an error. */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static bool write_all(int fd, const void *p, size_t n)
{
    const char *b = p;
    while (n > 0) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        b += w;
        n -= (size_t)w;
    }
    return true;
}

static void child(fg_i_child_fn fn, void *ctx, const fg_i_child_limits *lim, unsigned seconds, unsigned millis,
                  uint64_t memory, int fd)
{
    if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(NULL);
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        if (!lim->keep_stderr) dup2(null, 2);
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM, SIGXCPU, SIGPROF};
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], SIG_DFL);
    struct rlimit core = {0, 0};
    setrlimit(RLIMIT_CORE, &core);
    if (!lim->unlimited) {
        struct rlimit cpu = {seconds, seconds + 1}; /* SIGXCPU at the limit, SIGKILL 1 s after */
        setrlimit(RLIMIT_CPU, &cpu);
        if (millis % 1000) { /* under a whole second: the process's CPU time, SIGPROF at the limit */
            struct itimerval prof = {{0, 0}, {(time_t)(millis / 1000), (suseconds_t)(millis % 1000) * 1000}};
            setitimer(ITIMER_PROF, &prof, NULL);
        }
        /* a limit on what the child adds to the address space it has now, so it
         * holds under ASan too: its terabytes of shadow are mapped at start-up and
         * already counted; what it maps later (heap, ASan's quarantine) counts */
        FILE *f = fopen("/proc/self/statm", "r");
        unsigned long long pages = 0;
        if (f && fscanf(f, "%llu", &pages) == 1) {
            rlim_t as_lim = (rlim_t)(pages * (unsigned long long)sysconf(_SC_PAGESIZE) + memory);
            struct rlimit as = {as_lim, as_lim};
            setrlimit(RLIMIT_AS, &as);
        }
        if (f) fclose(f);
        alarm(fg_i_child_wall(seconds));
    }
    void *out = NULL;
    size_t size = 0;
    int32_t code = (int32_t)fn(ctx, &out, &size);
    const void *body = out;
    if (code != FG_OK) {
        body = fg_last_error();
        size = strlen(body);
    }
    uint64_t n = size;
    bool ok = write_all(fd, &code, sizeof code) && write_all(fd, &n, sizeof n) && write_all(fd, body, size);
    _exit(ok ? 0 : 1);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Read exactly n bytes before the deadline (0: none); false on end of pipe or time out. */
static bool read_until(int fd, void *buf, size_t n, double deadline, bool *late)
{
    char *b = buf;
    while (n > 0) {
        int left_ms = -1; /* no deadline: wait as long as it takes */
        if (deadline > 0) {
            left_ms = (int)((deadline - now_s()) * 1000);
            if (left_ms <= 0) {
                *late = true;
                return false;
            }
        }
        struct pollfd pf = {fd, POLLIN, 0};
        int r = poll(&pf, 1, left_ms);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) continue;
        ssize_t got = read(fd, b, n);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return false;
        b += got;
        n -= (size_t)got;
    }
    return true;
}

fg_status fg_i_child_start(fg_i_child_fn fn, void *ctx, const fg_i_child_limits *lim, const char *file,
                           const char *what, fg_i_child_outcome *o)
{
    fg_status st = FG_OK;
    int p[2] = {-1, -1}, status = 0;
    bool late = false;
    if (!fn || !lim || !o) return FG_FAIL(FG_EINVAL, "fg_i_child_start: null argument");
    memset(o, 0, sizeof *o);
    const unsigned millis = lim->unlimited ? 0
                            : lim->millis  ? lim->millis
                            : lim->seconds ? lim->seconds * 1000u
                                           : 10000u;
    const unsigned seconds = (millis + 999) / 1000;
    const uint64_t memory = lim->unlimited ? 0 : lim->memory ? lim->memory : (uint64_t)1 << 30;
    o->seconds = seconds;
    o->millis = millis;
    o->memory = memory;
    if (pipe(p) != 0 || fcntl(p[0], F_SETFD, FD_CLOEXEC) != 0 || fcntl(p[1], F_SETFD, FD_CLOEXEC) != 0) {
        st = FG_FAIL(FG_EIO, "%s: cannot start %s: pipe: %s", file, what, strerror(errno));
        goto done;
    }
    pid_t pid = fork();
    if (pid < 0) {
        st = FG_FAIL(FG_EIO, "%s: cannot start %s: fork: %s", file, what, strerror(errno));
        goto done;
    }
    if (pid == 0) {
        close(p[0]);
        child(fn, ctx, lim, seconds, millis, memory, p[1]);
    }
    close(p[1]);
    p[1] = -1;
    /* the child's own alarm and CPU limit come first; the parent's deadline is a second guard */
    const double deadline = seconds ? now_s() + fg_i_child_wall(seconds) + 2.0 : 0;
    int32_t code = -1;
    uint64_t n = 0;
    bool have = read_until(p[0], &code, sizeof code, deadline, &late) &&
                read_until(p[0], &n, sizeof n, deadline, &late);
    bool too_big = have && n > lim->max_out;
    if (have && !too_big) {
        o->body = fg_alloc((size_t)n + 1, 1);
        if (!o->body) {
            st = FG_FAIL(FG_ENOMEM, "%s: %s: out of memory for a result of %llu bytes", file, what,
                         (unsigned long long)n);
            have = false;
        } else if (!read_until(p[0], o->body, (size_t)n, deadline, &late)) {
            have = false;
        } else {
            o->body[n] = '\0';
            o->size = (size_t)n;
        }
    }
    if (late || too_big) kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (late || (WIFSIGNALED(status) &&
                 (WTERMSIG(status) == SIGALRM || WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGPROF))) {
        o->end = FG_I_CHILD_LATE;
    } else if (too_big) {
        o->end = FG_I_CHILD_TOO_BIG;
        o->size = (size_t)n;
    } else if (WIFSIGNALED(status)) {
        o->end = FG_I_CHILD_SIGNAL;
        o->sig = WTERMSIG(status);
    } else if (!have) {
        o->end = FG_I_CHILD_SILENT;
        o->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    } else {
        o->end = FG_I_CHILD_DONE;
        o->code = code < 0 || code > FG_EINTERNAL ? FG_EINTERNAL : (fg_status)code;
    }
    if (o->end != FG_I_CHILD_DONE) {
        fg_free(o->body);
        o->body = NULL;
        if (o->end != FG_I_CHILD_TOO_BIG) o->size = 0;
    }
done:
    if (p[0] >= 0) close(p[0]);
    if (p[1] >= 0) close(p[1]);
    return st;
}

fg_status fg_i_child_run(fg_i_child_fn fn, void *ctx, const fg_i_child_limits *lim, const char *file,
                         const char *what, void **out, size_t *out_size)
{
    fg_i_child_outcome o;
    if (!out || !out_size) return FG_FAIL(FG_EINVAL, "fg_i_child_run: null argument");
    *out = NULL;
    *out_size = 0;
    fg_status st = fg_i_child_start(fn, ctx, lim, file, what, &o);
    if (st != FG_OK) return st;
    switch (o.end) {
    case FG_I_CHILD_LATE:
        st = FG_FAIL(FG_EFORMAT, "%s: damaged file: %s did not finish within %g s; delete it or replace it", file,
                     what, o.millis / 1000.0);
        break;
    case FG_I_CHILD_TOO_BIG:
        st = FG_FAIL(FG_EFORMAT, "%s: %s gave a result of %llu bytes, more than the %zu expected: a damaged file?",
                     file, what, (unsigned long long)o.size, lim->max_out);
        break;
    case FG_I_CHILD_SIGNAL:
        st = FG_FAIL(FG_EFORMAT, "%s: damaged file: %s crashed (signal %d, %s); delete it or replace it", file, what,
                     o.sig, strsignal(o.sig));
        break;
    case FG_I_CHILD_SILENT:
        st = FG_FAIL(FG_EFORMAT,
                     "%s: damaged file: %s ended without a result (out of memory: more than %llu MiB?); delete it "
                     "or replace it", file, what, (unsigned long long)(o.memory >> 20));
        break;
    case FG_I_CHILD_DONE:
        if (o.code != FG_OK) {
            st = FG_FAIL(o.code, "%s", o.body);
            break;
        }
        *out = o.body;
        *out_size = o.size;
        o.body = NULL;
        break;
    }
    fg_free(o.body);
    return st;
}
