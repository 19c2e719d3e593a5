/* Internal: run one parse of an untrusted file in a short-lived child
 * process, under a time and a memory limit, and take its result back.
 *
 * For libraries that are not safe on damaged input and cannot be bounded
 * from outside (matio allocates what a damaged header declares before any
 * check of ours can run). The child is a fork (no exec): it inherits the
 * parent's memory, so fn reads the file with the same code and state, and
 * sends its result through a pipe; its stdout and stderr go to /dev/null, it
 * never writes a core file, and it ends with _exit (no exit handlers run).
 * A child that dies by a signal, runs out of time or memory, or ends without
 * a result becomes an FG_EFORMAT error naming the file. Threads: fork copies
 * only the calling thread; fn must not need a lock another thread may hold
 * (a library's global lock), nor OpenMP. */
#ifndef FNEGRAPH_CORE_CHILD_H
#define FNEGRAPH_CORE_CHILD_H

#include "fnegraph/error.h"

#include <stddef.h>
#include <stdint.h>

/* Runs in the child: the result goes to *out (fg_alloc'd, *out_size bytes),
 * or an error with its message. */
typedef fg_status (*fg_i_child_fn)(void *ctx, void **out, size_t *out_size);

typedef struct fg_i_child_limits {
    unsigned seconds;      /* wall and CPU time of the child (0: 10 s) */
    uint64_t memory;       /* address space the child may add (0: 1 GiB); not under ASan */
    size_t max_out;        /* largest result accepted */
} fg_i_child_limits;

/* fn(ctx) in a child; its result into *out (fg_alloc'd; free with fg_free)
 * and *out_size, or its error as this thread's last error. what names the
 * parse in messages ("matio reading a .mat file"). */
fg_status fg_i_child_run(fg_i_child_fn fn, void *ctx, const fg_i_child_limits *lim, const char *file,
                         const char *what, void **out, size_t *out_size);

#endif
