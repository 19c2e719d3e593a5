/* Thread-local last error: see include/fnegraph/error.h. */
#include "fnegraph/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { FG_ERROR_MAX = 1024 };

static _Thread_local char err_msg[FG_ERROR_MAX];
static _Thread_local const char *err_file;
static _Thread_local int err_line;
static _Thread_local fg_status err_code;

fg_status fg_error_set(const char *file, int line, fg_status code, const char *fmt, ...)
{
    /* The detail may be formatted from the previous message (wrapping a
     * lower-level error), so format into a scratch buffer first. */
    char buf[FG_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    memcpy(err_msg, buf, sizeof buf);
    err_file = file;
    err_line = line;
    err_code = code;
    return code;
}

const char *fg_last_error(void) { return err_msg; }
const char *fg_last_error_file(void) { return err_file; }
int fg_last_error_line(void) { return err_line; }
fg_status fg_last_error_code(void) { return err_code; }

void fg_error_clear(void)
{
    err_msg[0] = '\0';
    err_file = NULL;
    err_line = 0;
    err_code = FG_OK;
}

const char *fg_status_str(fg_status st)
{
    switch (st) {
    case FG_OK: return "ok";
    case FG_EINVAL: return "invalid argument";
    case FG_ENOMEM: return "out of memory";
    case FG_EIO: return "input/output error";
    case FG_EFORMAT: return "bad file format";
    case FG_ESHAPE: return "wrong shape";
    case FG_EUNSUPPORTED: return "unsupported";
    case FG_ENOTFOUND: return "not found";
    case FG_EBACKEND: return "backend failure";
    case FG_EINTERRUPTED: return "interrupted";
    case FG_EINTERNAL: return "internal error";
    }
    return "unknown status";
}
