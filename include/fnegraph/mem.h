/* 64-byte aligned allocation (one cache line, one AVX-512 register). */
#ifndef FNEGRAPH_MEM_H
#define FNEGRAPH_MEM_H

#include "fnegraph/export.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FG_ALIGN 64

/* Allocate n*size bytes aligned to FG_ALIGN; NULL on overflow or failure
 * (records FG_ENOMEM). A zero-byte request returns a valid unique pointer.
 * Free with fg_free. */
FG_API void *fg_alloc(size_t n, size_t size);
/* Same, zero-filled. */
FG_API void *fg_calloc(size_t n, size_t size);
/* Free memory from fg_alloc/fg_calloc; NULL is fine. */
FG_API void fg_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
