/* See in_child.h. */
#include "in_child.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned long long vm_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long long pages = 0;
    if (!f) return 0;
    if (fscanf(f, "%llu", &pages) != 1) pages = 0;
    fclose(f);
    return pages * (unsigned long long)sysconf(_SC_PAGESIZE);
}

int fg_test_in_child(fg_status (*fn)(void *ctx), void *ctx, long extra_mb, unsigned seconds, char *msg, size_t n,
                     long *rss_kb)
{
    int p[2];
    if (n) msg[0] = '\0';
    if (pipe(p) != 0) return -1;
    const unsigned long long vm = vm_bytes();
    const rlim_t cap = (rlim_t)(vm + ((unsigned long long)extra_mb << 20));
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        close(p[0]);
        alarm(seconds);
        if (!FG_TEST_ASAN && extra_mb > 0 && vm) {
            struct rlimit r = {cap, cap};
            setrlimit(RLIMIT_AS, &r);
        }
        fg_status st = fn(ctx);
        const char *e = fg_last_error();
        (void)!write(p[1], e, strlen(e));
        _exit((int)st);
    }
    close(p[1]);
    size_t got = 0;
    ssize_t r;
    while (n && got + 1 < n && (r = read(p[0], msg + got, n - 1 - got)) > 0) got += (size_t)r;
    if (n) msg[got] = '\0';
    close(p[0]);
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (wait4(pid, &status, 0, &ru) < 0) {
    }
    *rss_kb = ru.ru_maxrss;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}
