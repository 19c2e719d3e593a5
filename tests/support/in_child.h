/* Run one library call in a forked child under an address-space cap and an
 * alarm, and take back its status, its error message and its peak RSS: how
 * the bounds tests show that a reader refuses a damaged file instead of
 * allocating what the file declares. */
#ifndef FNEGRAPH_TEST_IN_CHILD_H
#define FNEGRAPH_TEST_IN_CHILD_H

#include "fnegraph/error.h"

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define FG_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FG_TEST_ASAN 1
#endif
#endif
#ifndef FG_TEST_ASAN
#define FG_TEST_ASAN 0
#endif

/* fn(ctx) in a child whose address space may grow by extra_mb over the
 * parent's (0: no cap; never under ASan, which reserves terabytes), killed
 * by an alarm after `seconds`. *msg (n bytes) gets the child's last error,
 * *rss_kb its peak RSS. Returns its fg_status, 100 + the signal that killed
 * it, or -1 when no child could be started. */
int fg_test_in_child(fg_status (*fn)(void *ctx), void *ctx, long extra_mb, unsigned seconds, char *msg, size_t n,
                     long *rss_kb);

#endif
