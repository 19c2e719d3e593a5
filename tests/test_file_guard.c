/* file_guard: input checks (missing, folder, FIFO, regular), output checks
 * (empty, trailing '/', folder, FIFO, unwritable place, missing folders that
 * can be made) and the one-writer lock (a second taker is refused with the
 * holder's pid, from this process and from a child; released locks are
 * taken again; the lock file is removed). */
#include "core/file_guard.h"
#include "fg_test.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    char dir[] = "/tmp/fg_guard_XXXXXX";
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    char f[256], fifo[256], sub[256], deep[256], lockp[300];
    snprintf(f, sizeof f, "%s/a.h5", dir);
    snprintf(fifo, sizeof fifo, "%s/pipe", dir);
    snprintf(sub, sizeof sub, "%s/ro", dir);
    snprintf(deep, sizeof deep, "%s/x/y/z.h5", dir);
    snprintf(lockp, sizeof lockp, "%s.lock", f);
    FILE *fp = fopen(f, "w");
    fputs("abc", fp);
    fclose(fp);
    CHECK(mkfifo(fifo, 0600) == 0, "mkfifo");

    int64_t size = -1;
    CHECK_OK(fg_i_input_file(f, "a test file", &size));
    CHECK(size == 3, "size %lld", (long long)size);
    CHECK_FAILS(fg_i_input_file("", "a test file", NULL), FG_EINVAL, "empty path");
    CHECK_FAILS(fg_i_input_file(dir, "a test file", NULL), FG_EIO, "a folder");
    CHECK_FAILS(fg_i_input_file(fifo, "a Keras weight file", NULL), FG_EIO, "FIFO");
    char missing[600];
    snprintf(missing, sizeof missing, "%s/none.h5", dir);
    CHECK_FAILS(fg_i_input_file(missing, "a test file", NULL), FG_ENOTFOUND, "no such file");

    CHECK_OK(fg_i_output_file(f, "the FNE file"));
    CHECK_OK(fg_i_output_file(deep, "the FNE file"));
    CHECK_FAILS(fg_i_output_file("", "the FNE file"), FG_EINVAL, "empty output path");
    CHECK_FAILS(fg_i_output_file(dir, "the FNE file"), FG_EINVAL, "a folder");
    CHECK_FAILS(fg_i_output_file("some/dir/", "the FNE file"), FG_EINVAL, "ends in '/'");
    CHECK_FAILS(fg_i_output_file(fifo, "the FNE file"), FG_EINVAL, "FIFO");
    char under_file[600];
    snprintf(under_file, sizeof under_file, "%s/b.h5", f);
    CHECK_FAILS(fg_i_output_file(under_file, "the FNE file"), FG_EINVAL, "is a regular file, not a folder");
    if (geteuid() != 0) { /* root writes anywhere */
        CHECK(mkdir(sub, 0500) == 0, "mkdir ro");
        char ro[600];
        snprintf(ro, sizeof ro, "%s/out.h5", sub);
        CHECK_FAILS(fg_i_output_file(ro, "the FNE file"), FG_EIO, "cannot write");
        rmdir(sub);
    }

    fg_i_lock a = FG_I_LOCK_INIT, b = FG_I_LOCK_INIT;
    CHECK_OK(fg_i_lock_take(f, &a));
    CHECK(access(lockp, F_OK) == 0, "lock file made");
    char pidtxt[32];
    snprintf(pidtxt, sizeof pidtxt, "pid %ld", (long)getpid());
    CHECK_FAILS(fg_i_lock_take(f, &b), FG_EIO, pidtxt);
    CHECK(b.fd == -1 && b.path == NULL, "refused lock not held");
    pid_t child = fork();
    if (child == 0) { /* another process is refused too and names us */
        fg_i_lock c = FG_I_LOCK_INIT;
        fg_status st = fg_i_lock_take(f, &c);
        _exit(st == FG_EIO && strstr(fg_last_error(), pidtxt) && strstr(fg_last_error(),
              "in use by another process") ? 0 : 1);
    }
    int ws = 0;
    waitpid(child, &ws, 0);
    CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "child refused with our pid");
    fg_i_lock_release(&a);
    CHECK(access(lockp, F_OK) != 0, "lock file removed on release");
    CHECK_OK(fg_i_lock_take(f, &b));
    fg_i_lock_release(&b);
    fg_i_lock_release(&b); /* twice is fine */
    fg_i_lock z;
    memset(&z, 0, sizeof z);
    fg_i_lock_release(&z); /* zeroed is fine */

    unlink(f);
    unlink(fifo);
    rmdir(dir);
    return fg_test_done("test_file_guard");
}
