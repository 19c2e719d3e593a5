/* Status codes and the thread-local last error (README "Architecture").
 *
 * Every fallible library function returns fg_status (FG_OK = 0) and writes its
 * outputs through pointers. On failure it records, in a thread-local slot, the
 * source file and line that failed and a message naming the user's thing (the
 * file, the dataset inside it, the config line, the image and feature). The
 * library never prints and never exits. */
#ifndef FNEGRAPH_ERROR_H
#define FNEGRAPH_ERROR_H

#include "fnegraph/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum fg_status {
    FG_OK = 0,
    FG_EINVAL,       /* bad argument or option value */
    FG_ENOMEM,       /* allocation failed */
    FG_EIO,          /* a file could not be opened, read or written */
    FG_EFORMAT,      /* a file's content is not what was expected */
    FG_ESHAPE,       /* a dataset or tensor has the wrong shape */
    FG_EUNSUPPORTED, /* valid input this build or CPU cannot handle */
    FG_ENOTFOUND,    /* a named thing (dataset, file, key) does not exist */
    FG_EBACKEND,     /* a dependency (oneDNN, HDF5, ...) reported a failure */
    FG_EINTERRUPTED, /* the work was cancelled by the caller */
    FG_EINTERNAL     /* a broken invariant: a bug in fnegraph */
} fg_status;

/* Records the error (code, source location, printf-style detail) as this
 * thread's last error and returns code. Use through FG_FAIL. */
FG_API fg_status fg_error_set(const char *file, int line, fg_status code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* FG_FAIL(code, fmt, ...): record and evaluate to code. */
#define FG_FAIL(...) fg_error_set(__FILE__, __LINE__, __VA_ARGS__)

/* Evaluate a status expression; on failure store it in st and jump to done. */
#define FG_CHECK_GOTO(st, expr)            \
    do {                                   \
        (st) = (expr);                     \
        if ((st) != FG_OK) goto done;      \
    } while (0)

/* The detail of this thread's last error ("" when none was recorded). */
FG_API const char *fg_last_error(void);
/* Source file and line that recorded it (NULL and 0 when none). */
FG_API const char *fg_last_error_file(void);
FG_API int fg_last_error_line(void);
/* The code of the last error (FG_OK when none). */
FG_API fg_status fg_last_error_code(void);
/* Forget the last error of this thread. */
FG_API void fg_error_clear(void);
/* A short constant name for a status ("invalid argument", ...). */
FG_API const char *fg_status_str(fg_status st);

#ifdef __cplusplus
}
#endif
#endif
