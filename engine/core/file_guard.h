/* Internal: checks every reader and writer makes before touching a path.
 *
 * - fg_i_input_file: the path names an existing regular file (a FIFO, a
 *   device or a socket would block or never end; a folder is not a file).
 * - fg_i_output_file: a file can be created or replaced there, checked before
 *   any work (an empty path, a folder, a non-regular file, an unwritable or
 *   read-only place are refused up front, not after an hour of CNN).
 * - fg_i_lock: one writer per file, across processes: flock on "<path>.lock"
 *   beside it (HDF5's own lock is off when HDF5_USE_FILE_LOCKING=FALSE, as on
 *   NFS or Lustre; ours stays). The lock file holds the owner's pid, so the
 *   message a second writer gets names it. */
#ifndef FNEGRAPH_CORE_FILE_GUARD_H
#define FNEGRAPH_CORE_FILE_GUARD_H

#include "fnegraph/error.h"

#include <stdbool.h>
#include <stdint.h>

/* path must be an existing regular file; what names the expected content in
 * messages ("a Keras weight file"). *size (when not NULL) gets its size.
 * Errors: FG_EINVAL (empty path), FG_ENOTFOUND (missing), FG_EIO (a folder,
 * not a regular file, cannot stat). */
fg_status fg_i_input_file(const char *path, const char *what, int64_t *size);

/* A file can be written at path: path is not empty, does not end in '/', is
 * not a folder or other non-regular file, an existing file there is
 * writable, and the nearest existing folder on its way is a writable folder
 * (missing folders below it can then be made). FG_EINVAL for a bad path,
 * FG_EIO for an unwritable place. */
fg_status fg_i_output_file(const char *path, const char *what);

typedef struct fg_i_lock {
    int fd;     /* -1 when not held */
    char *path; /* "<file>.lock", owned */
} fg_i_lock;

#define FG_I_LOCK_INIT {-1, NULL}

/* Take the exclusive lock of file (without waiting). Held by another
 * process: FG_EIO "<file>: in use by another process (pid N) ...". On a file
 * system without flock support the call succeeds without a lock (fd -1). */
fg_status fg_i_lock_take(const char *file, fg_i_lock *lk);
/* Release (and remove the lock file); accepts a never-taken or zeroed lock. */
void fg_i_lock_release(fg_i_lock *lk);

#endif
