/* One whole-file write in a child process (isolated_write.h), on the
 * project's one child runner (core/child.h): no time or memory limit, the
 * child's stderr kept. */
#include "io/isolated_write.h"

#include "core/child.h"
#include "fnegraph/mem.h"

#include <string.h>

typedef struct write_job {
    fg_status (*fn)(void *ctx);
    void *ctx;
} write_job;

static fg_status write_in_child(void *ctx, void **out, size_t *out_size)
{
    const write_job *j = ctx;
    *out = NULL;
    *out_size = 0;
    return j->fn(j->ctx);
}

fg_status fg_i_isolated_write(fg_status (*fn)(void *ctx), void *ctx, const char *file)
{
    if (!fn) return FG_FAIL(FG_EINVAL, "fg_i_isolated_write: null function");
    write_job job = {fn, ctx};
    const fg_i_child_limits lim = {.max_out = 4096, .unlimited = true, .keep_stderr = true}; /* a message */
    fg_i_child_outcome o;
    if (fg_i_child_start(write_in_child, &job, &lim, file, "the writing process", &o) != FG_OK)
        return fn(ctx); /* no child possible (pipe, fork): the write in this process */
    fg_status st = FG_OK;
    switch (o.end) {
    case FG_I_CHILD_SIGNAL:
        st = FG_FAIL(FG_EIO, "%s: writing it failed: the writing process died by signal %d (%s); disk full?", file,
                     o.sig, strsignal(o.sig));
        break;
    case FG_I_CHILD_LATE:
    case FG_I_CHILD_SILENT:
    case FG_I_CHILD_TOO_BIG:
        st = FG_FAIL(FG_EIO, "%s: writing it failed: the writing process ended without a result", file);
        break;
    case FG_I_CHILD_DONE:
        if (o.code != FG_OK) st = FG_FAIL(o.code, "%s", o.size ? o.body : "writing failed (no message)");
        break;
    }
    fg_free(o.body);
    return st;
}
