/* Checks of input and output paths, and one writer per file (file_guard.h). */
#include "core/file_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m)) return "a folder";
    if (S_ISFIFO(m)) return "a FIFO (named pipe)";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    if (S_ISSOCK(m)) return "a socket";
    if (S_ISREG(m)) return "a regular file";
    return "not a regular file";
}

fg_status fg_i_input_file(const char *path, const char *what, int64_t *size)
{
    struct stat sb;
    if (!path || !*path) return FG_FAIL(FG_EINVAL, "empty path given for %s", what);
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT) return FG_FAIL(FG_ENOTFOUND, "%s: no such file", path);
        return FG_FAIL(FG_EIO, "%s: cannot stat: %s", path, strerror(errno));
    }
    if (!S_ISREG(sb.st_mode))
        return FG_FAIL(FG_EIO, "%s: is %s, not %s (a regular file is needed)", path,
                       kind_of(sb.st_mode), what);
    if (size) *size = (int64_t)sb.st_size;
    return FG_OK;
}

fg_status fg_i_output_file(const char *path, const char *what)
{
    struct stat sb;
    size_t n = path ? strlen(path) : 0;
    if (n == 0) return FG_FAIL(FG_EINVAL, "empty output path given for %s", what);
    if (path[n - 1] == '/')
        return FG_FAIL(FG_EINVAL, "%s: names a folder (ends in '/'), not a file for %s", path,
                       what);
    if (n >= PATH_MAX) return FG_FAIL(FG_EINVAL, "%.80s...: output path too long", path);
    if (stat(path, &sb) == 0) {
        if (!S_ISREG(sb.st_mode))
            return FG_FAIL(FG_EINVAL, "%s: is %s; %s needs a file path there", path,
                           kind_of(sb.st_mode), what);
        if (access(path, W_OK) != 0)
            return FG_FAIL(FG_EIO, "%s: cannot write %s there: %s", path, what, strerror(errno));
    } else if (errno != ENOENT && errno != ENOTDIR) {
        return FG_FAIL(FG_EIO, "%s: cannot write %s there: %s", path, what, strerror(errno));
    }
    /* the nearest existing ancestor folder must be a writable folder */
    char dir[PATH_MAX];
    memcpy(dir, path, n + 1);
    for (;;) {
        char *slash = strrchr(dir, '/');
        if (!slash) {
            strcpy(dir, ".");
        } else if (slash == dir) {
            dir[1] = '\0';
        } else {
            *slash = '\0';
        }
        if (stat(dir, &sb) == 0) {
            if (!S_ISDIR(sb.st_mode))
                return FG_FAIL(FG_EINVAL, "%s: cannot write %s there: %s is %s, not a folder",
                               path, what, dir, kind_of(sb.st_mode));
            if (access(dir, W_OK | X_OK) != 0)
                return FG_FAIL(FG_EIO, "%s: cannot write %s there: folder %s: %s", path, what,
                               dir, strerror(errno));
            return FG_OK;
        }
        if (errno != ENOENT && errno != ENOTDIR)
            return FG_FAIL(FG_EIO, "%s: cannot write %s there: %s: %s", path, what, dir,
                           strerror(errno));
        if (strcmp(dir, ".") == 0 || strcmp(dir, "/") == 0)
            return FG_FAIL(FG_EIO, "%s: cannot write %s there: %s is missing", path, what, dir);
    }
}

static long read_pid(int fd)
{
    char buf[32];
    ssize_t got = pread(fd, buf, sizeof buf - 1, 0);
    if (got <= 0) return 0;
    buf[got] = '\0';
    return strtol(buf, NULL, 10);
}

fg_status fg_i_lock_take(const char *file, fg_i_lock *lk)
{
    fg_status st = FG_OK;
    int fd = -1;
    if (!file || !lk) return FG_FAIL(FG_EINVAL, "fg_i_lock_take: null argument");
    lk->fd = -1;
    lk->path = NULL;
    size_t n = strlen(file);
    char *lp = malloc(n + 6);
    if (!lp) return FG_FAIL(FG_ENOMEM, "%s: out of memory for its lock path", file);
    memcpy(lp, file, n);
    memcpy(lp + n, ".lock", 6);
    for (int attempt = 0; attempt < 100; attempt++) {
        struct stat a, b;
        fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0) {
            st = FG_FAIL(FG_EIO, "%s: cannot create its lock file %s: %s", file, lp,
                         strerror(errno));
            goto done;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            if (e == EWOULDBLOCK) {
                long pid = read_pid(fd);
                if (pid > 0)
                    st = FG_FAIL(FG_EIO,
                                 "%s: in use by another process (pid %ld); wait for it to end "
                                 "or stop it (lock %s)",
                                 file, pid, lp);
                else
                    st = FG_FAIL(FG_EIO,
                                 "%s: in use by another process; wait for it to end or stop "
                                 "it (lock %s)",
                                 file, lp);
                goto done;
            }
            if (e == ENOSYS || e == ENOLCK || e == EOPNOTSUPP || e == EINVAL) {
                /* no locks on this file system: go on without one */
                close(fd);
                fd = -1;
                free(lp);
                return FG_OK;
            }
            st = FG_FAIL(FG_EIO, "%s: cannot lock %s: %s", file, lp, strerror(e));
            goto done;
        }
        /* the holder before us may have removed the file after we opened it */
        if (fstat(fd, &a) == 0 && stat(lp, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino)
            break;
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        st = FG_FAIL(FG_EIO, "%s: lock file %s keeps changing", file, lp);
        goto done;
    }
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
        /* the lock holds even when its pid note cannot be written (full disk) */
    }
    lk->fd = fd;
    lk->path = lp;
    return FG_OK;
done:
    if (fd >= 0) close(fd);
    free(lp);
    return st;
}

void fg_i_lock_release(fg_i_lock *lk)
{
    if (!lk || !lk->path) return;
    if (lk->fd >= 0) {
        unlink(lk->path); /* while held: a waiter that opened it re-checks the inode */
        close(lk->fd);
    }
    free(lk->path);
    lk->fd = -1;
    lk->path = NULL;
}
