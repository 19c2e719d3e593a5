/* Internal: run one whole-file write in a child process.
 *
 * Why: libhdf5 1.10 (Debian 12) cannot survive a failed H5Fclose. When the
 * disk fills while a file is being closed, H5Fclose returns an error after
 * freeing the file's structures but leaves its id registered; libhdf5's exit
 * handler (H5_term_library) then closes it again and the process dies by
 * SIGSEGV in H5F__close_cb. H5F_CLOSE_STRONG, closing every object id first,
 * or a second H5Fclose do not avoid it (measured on tmpfs). So every file
 * fnegraph writes in one go (the final FNE file, an edge file, a weight file)
 * is written by a forked child that ends with _exit: a failure stays in the
 * child, whose libhdf5 state is thrown away, and comes back as an ordinary
 * error with the child's message. The parent's libhdf5 never sees it.
 * Cost: one fork (memory is shared copy-on-write) and a pipe: 0.25 ms a
 * call measured with 10 MB to 4 GB resident in the parent. The child calls
 * no MPI and no OpenMP; under MPI (sweep workers) it is an ordinary fork
 * that never execs. */
#ifndef FNEGRAPH_IO_ISOLATED_WRITE_H
#define FNEGRAPH_IO_ISOLATED_WRITE_H

#include "fnegraph/error.h"

/* Run fn(ctx) in a child process; return its status with its message as this
 * thread's last error. fn must write only files (its memory changes are
 * lost). A child that dies by a signal is FG_EIO naming file. When fork is
 * not possible fn runs in this process. */
fg_status fg_i_isolated_write(fg_status (*fn)(void *ctx), void *ctx, const char *file);

#endif
