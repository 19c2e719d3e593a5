/* Internal: run one parse of an untrusted file in a short-lived child
 * process, under a time and a memory limit, and take its result back.
 *
 * For libraries that are not safe on damaged input and cannot be bounded
 * from outside (matio allocates what a damaged header declares before any
 * check of ours can run). The child is a fork (no exec): it inherits the
 * parent's memory, so fn reads the file with the same code and state, and
 * sends its result through a pipe; its stdout and stderr go to /dev/null, it
 * never writes a core file, and it ends with _exit (no exit handlers run).
 * fg_i_child_start says how the child ended; fg_i_child_run makes a child that
 * dies by a signal, runs out of time or memory, or ends without a result an
 * FG_EFORMAT error naming the file. The HDF5 vet (io/h5_vet.c) and the
 * isolated writes (io/isolated_write.c) run on the same child. Threads: fork copies
 * only the calling thread; fn must not need a lock another thread may hold
 * (a library's global lock), nor OpenMP. */
#ifndef FNEGRAPH_CORE_CHILD_H
#define FNEGRAPH_CORE_CHILD_H

#include "fnegraph/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Runs in the child: the result goes to *out (fg_alloc'd, *out_size bytes),
 * or an error with its message. */
typedef fg_status (*fg_i_child_fn)(void *ctx, void **out, size_t *out_size);

/* The wall-clock limit of a child with a CPU limit of `seconds`: 4x + 10 s
 * (1 s: 14 s, 5 s: 30 s). A child that spins is stopped by its CPU limit; one
 * blocked or starved by other processes by this one. */
#define fg_i_child_wall(seconds) ((seconds) * 4u + 10u)

typedef struct fg_i_child_limits {
    unsigned seconds;      /* CPU time of the child (0: 10 s); its wall time may be
                            * fg_i_child_wall(seconds), so that a child slowed by a
                            * loaded machine (not spinning) is not taken as hung */
    unsigned millis;       /* when set, the CPU time in milliseconds instead (a limit
                            * under a second: ITIMER_PROF, SIGPROF at the limit); its
                            * whole seconds rounded up are the backstop and the wall time */
    uint64_t memory;       /* address space the child may add to what it has at the
                            * fork (0: 1 GiB); under ASan too (its shadow is mapped at
                            * start-up; the quarantine counts) */
    size_t max_out;        /* largest result accepted */
    bool unlimited;        /* no time and no memory limit (a write of any size) */
    bool keep_stderr;      /* the child's stderr stays the parent's */
} fg_i_child_limits;

/* How a child ended. */
typedef enum fg_i_child_end {
    FG_I_CHILD_DONE = 0,   /* fn returned: code and body */
    FG_I_CHILD_LATE,       /* out of time: killed by the parent, its alarm or its CPU limit
                              (SIGXCPU, or SIGPROF for a limit in milliseconds) */
    FG_I_CHILD_SIGNAL,     /* died by another signal (sig) */
    FG_I_CHILD_SILENT,     /* ended without a whole result (exit_status, -1 if unknown):
                              out of memory, or an exit inside a library */
    FG_I_CHILD_TOO_BIG     /* its result was larger than max_out */
} fg_i_child_end;

typedef struct fg_i_child_outcome {
    fg_i_child_end end;
    fg_status code;        /* DONE: fn's status */
    char *body;            /* DONE: fn's result (code FG_OK) or its message, NUL-terminated,
                              fg_alloc'd: free with fg_free */
    size_t size;           /* bytes of body, the NUL not counted */
    int sig;               /* SIGNAL */
    int exit_status;       /* SILENT */
    unsigned seconds;      /* the time limit applied, whole seconds rounded up (0: none) */
    unsigned millis;       /* the time limit applied in milliseconds (0: none) */
    uint64_t memory;       /* the memory limit applied */
} fg_i_child_outcome;

/* fn(ctx) in a child; how it ended in *o. Fails only when no child can be
 * started (pipe, fork: FG_EIO naming file and what) or for want of memory. */
fg_status fg_i_child_start(fg_i_child_fn fn, void *ctx, const fg_i_child_limits *lim, const char *file,
                           const char *what, fg_i_child_outcome *o);

/* fn(ctx) in a child; its result into *out (fg_alloc'd; free with fg_free)
 * and *out_size, or its error as this thread's last error: a child that
 * did not finish is FG_EFORMAT naming the file as damaged. what names the
 * parse in messages ("matio reading a .mat file"). */
fg_status fg_i_child_run(fg_i_child_fn fn, void *ctx, const fg_i_child_limits *lim, const char *file,
                         const char *what, void **out, size_t *out_size);

#endif
