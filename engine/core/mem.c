/* Aligned allocation with overflow-checked sizes. */
#include "fnegraph/mem.h"

#include "fnegraph/error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *fg_alloc(size_t n, size_t size)
{
    void *p = NULL;
    if (size != 0 && n > SIZE_MAX / size) {
        FG_FAIL(FG_ENOMEM, "allocation of %zu x %zu bytes overflows", n, size);
        return NULL;
    }
    size_t bytes = n * size;
    if (bytes > SIZE_MAX - FG_ALIGN) {
        FG_FAIL(FG_ENOMEM, "allocation of %zu bytes is too large", bytes);
        return NULL;
    }
    bytes = (bytes + FG_ALIGN - 1) / FG_ALIGN * FG_ALIGN;
    if (bytes == 0) bytes = FG_ALIGN;
    if (posix_memalign(&p, FG_ALIGN, bytes) != 0) {
        FG_FAIL(FG_ENOMEM, "out of memory allocating %zu bytes", bytes);
        return NULL;
    }
    return p;
}

void *fg_calloc(size_t n, size_t size)
{
    void *p = fg_alloc(n, size);
    if (p) memset(p, 0, n * size);
    return p;
}

void fg_free(void *p) { free(p); }
