/* One whole-file write in a child process (isolated_write.h). The child
 * sends its status and message through a pipe: 4 bytes of status, then the
 * message text up to the end of the pipe. */
#include "io/isolated_write.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static void write_all(int fd, const void *p, size_t n)
{
    const char *b = p;
    while (n > 0) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        b += w;
        n -= (size_t)w;
    }
}

fg_status fg_i_isolated_write(fg_status (*fn)(void *ctx), void *ctx, const char *file)
{
    int p[2];
    if (!fn) return FG_FAIL(FG_EINVAL, "fg_i_isolated_write: null function");
    if (pipe(p) != 0) return fn(ctx);
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return fn(ctx);
    }
    if (pid == 0) {
        close(p[0]);
        int32_t code = (int32_t)fn(ctx);
        write_all(p[1], &code, sizeof code);
        if (code != FG_OK) {
            const char *msg = fg_last_error();
            write_all(p[1], msg, strlen(msg));
        }
        close(p[1]);
        _exit(0); /* no exit handlers: libhdf5's state of this child is dropped */
    }
    close(p[1]);
    char msg[4096];
    size_t got = 0;
    int32_t code = -1;
    size_t have_code = 0;
    for (;;) {
        char buf[1024];
        ssize_t r = read(p[0], buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        size_t off = 0;
        while (have_code < sizeof code && off < (size_t)r) ((char *)&code)[have_code++] = buf[off++];
        size_t take = (size_t)r - off;
        if (take > sizeof msg - 1 - got) take = sizeof msg - 1 - got;
        memcpy(msg + got, buf + off, take);
        got += take;
    }
    msg[got] = '\0';
    close(p[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return FG_FAIL(FG_EINTERNAL, "%s: lost the writing process: %s", file, strerror(errno));
    }
    if (WIFSIGNALED(status))
        return FG_FAIL(FG_EIO, "%s: writing it failed: the writing process died by signal %d (%s); disk full?",
                       file, WTERMSIG(status), strsignal(WTERMSIG(status)));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || have_code != sizeof code)
        return FG_FAIL(FG_EIO, "%s: writing it failed: the writing process ended without a result", file);
    if (code == FG_OK) return FG_OK;
    if (code < 0 || code > FG_EINTERNAL) code = FG_EINTERNAL;
    return FG_FAIL((fg_status)code, "%s", got ? msg : "writing failed (no message)");
}
