/* The thread-local last error: what FG_FAIL records, FG_CHECK_GOTO's path,
 * wrapping a lower-level message, and that threads do not see each other's. */
#include "fg_test.h"
#include "fnegraph/error.h"

#include <pthread.h>
#include <string.h>

static fg_status inner(const char *path)
{
    return FG_FAIL(FG_ENOTFOUND, "%s: dataset '/fc1/fc1_W_1:0' is missing", path);
}

static fg_status outer(int *cleaned)
{
    fg_status st = FG_OK;
    FG_CHECK_GOTO(st, inner("w.h5"));
    st = FG_EINTERNAL; /* not reached */
done:
    *cleaned = 1;
    return st;
}

static void *other_thread(void *arg)
{
    int *seen_empty = arg;
    *seen_empty = fg_last_error()[0] == '\0' && fg_last_error_code() == FG_OK;
    FG_FAIL(FG_EIO, "thread-local message");
    return NULL;
}

int main(void)
{
    CHECK(fg_last_error()[0] == '\0', "fresh thread has an empty message");
    CHECK(fg_last_error_file() == NULL, "no file before any error");

    int line = __LINE__ + 1;
    fg_status st = FG_FAIL(FG_ESHAPE, "%s: expected %d x %d, got %d", "fc1", 25088, 4096, 7);
    CHECK(st == FG_ESHAPE, "FG_FAIL evaluates to its code");
    CHECK(strcmp(fg_last_error(), "fc1: expected 25088 x 4096, got 7") == 0, "message: %s", fg_last_error());
    CHECK(fg_last_error_line() == line, "line %d, expected %d", fg_last_error_line(), line);
    CHECK(strstr(fg_last_error_file(), "test_error.c") != NULL, "file %s", fg_last_error_file());
    CHECK(fg_last_error_code() == FG_ESHAPE, "code");

    /* wrapping: the new detail may quote the old one */
    FG_FAIL(FG_EIO, "inner detail");
    FG_FAIL(FG_EFORMAT, "outer: %s", fg_last_error());
    CHECK(strcmp(fg_last_error(), "outer: inner detail") == 0, "wrapped: %s", fg_last_error());

    int cleaned = 0;
    st = outer(&cleaned);
    CHECK(st == FG_ENOTFOUND && cleaned, "FG_CHECK_GOTO jumps to done with the failing status");
    CHECK(strstr(fg_last_error(), "w.h5: dataset '/fc1/fc1_W_1:0' is missing") != NULL, "%s", fg_last_error());

    /* a very long detail is truncated, not overflowed */
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    FG_FAIL(FG_EINVAL, "%s", big);
    CHECK(strlen(fg_last_error()) < 1024 && strlen(fg_last_error()) > 1000, "truncated to the buffer");

    int seen_empty = 0;
    pthread_t t;
    pthread_create(&t, NULL, other_thread, &seen_empty);
    pthread_join(t, NULL);
    CHECK(seen_empty, "another thread starts with no error");
    CHECK(fg_last_error_code() == FG_EINVAL, "another thread's error does not leak into this one");

    fg_error_clear();
    CHECK(fg_last_error_code() == FG_OK && fg_last_error()[0] == '\0', "cleared");
    for (int c = FG_OK; c <= FG_EINTERNAL; c++)
        CHECK(strcmp(fg_status_str((fg_status)c), "unknown status") != 0, "status %d has a name", c);
    return fg_test_done("test_error");
}
