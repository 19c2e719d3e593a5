/* Internal: read a file once, front to back, sending chosen byte ranges
 * straight into caller arrays while SHA-256 hashes every byte on a second
 * thread (used by the weight loader: one pass gives the arrays and the
 * checksum). */
#ifndef FNEGRAPH_CORE_SHA256_I_H
#define FNEGRAPH_CORE_SHA256_I_H

#include "fnegraph/error.h"

#include <stddef.h>
#include <stdint.h>

typedef struct fg_i_region {
    uint64_t offset, size; /* bytes [offset, offset + size) of the file */
    void *dest;            /* where they go */
    const char *what;      /* names them in messages: "dataset /fc1/fc1_W_1:0" */
} fg_i_region;

/* regions: sorted by offset, not overlapping, inside the file (checked).
 * hex receives the SHA-256 of the whole file. */
fg_status fg_i_read_hashed(const char *path, const fg_i_region *regions, size_t n, char hex[65]);

#endif
