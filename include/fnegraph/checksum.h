/* Checksums of files (core/sha256.c). */
#ifndef FNEGRAPH_CHECKSUM_H
#define FNEGRAPH_CHECKSUM_H

#include "fnegraph/export.h"

#include "fnegraph/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Hex SHA-256 of a file (65 bytes with the terminator). */
FG_API fg_status fg_sha256_file(const char *path, char hex[65]);

#ifdef __cplusplus
}
#endif
#endif
