/* SHA-256 of a file (FIPS 180-4, through OpenSSL's EVP interface), and the
 * one-pass reader of sha256_i.h: the file is read front to back in 1 MiB
 * blocks, each block either straight into its destination array or into a
 * scratch slot; a second thread hashes block k while block k+1 is read, so
 * loading costs max(read, hash) instead of their sum.
 * Cost: one sequential read of the file, SHA-256 at ~1-2 GB/s (SHA-NI). */
#include "core/sha256_i.h"

#include "fnegraph/mem.h"
#include "fnegraph/checksum.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { BLOCK = 1 << 20, SLOTS = 8 };

typedef struct hash_pipe {
    pthread_mutex_t mu;
    pthread_cond_t filled, freed;
    const unsigned char *data[SLOTS];
    size_t len[SLOTS];
    uint64_t head, tail; /* blocks produced, blocks hashed */
    bool end;            /* no more blocks will come */
    bool hash_failed;
    EVP_MD_CTX *ctx;
} hash_pipe;

static void *hash_thread(void *arg)
{
    hash_pipe *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->head == p->tail && !p->end) pthread_cond_wait(&p->filled, &p->mu);
        if (p->head == p->tail) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        size_t s = (size_t)(p->tail % SLOTS);
        pthread_mutex_unlock(&p->mu);
        if (!p->hash_failed && EVP_DigestUpdate(p->ctx, p->data[s], p->len[s]) != 1)
            p->hash_failed = true;
        pthread_mutex_lock(&p->mu);
        p->tail++;
        pthread_cond_signal(&p->freed);
        pthread_mutex_unlock(&p->mu);
    }
}

static fg_status read_fully(int fd, unsigned char *buf, size_t n, uint64_t off, const char *path,
                            const char *what)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, buf + got, n - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return FG_FAIL(FG_EIO, "%s: read error in %s: %s", path, what, strerror(errno));
        if (r == 0)
            return FG_FAIL(FG_EFORMAT, "%s: the file ends inside %s (truncated while reading?)",
                           path, what);
        got += (size_t)r;
    }
    return FG_OK;
}

fg_status fg_i_read_hashed(const char *path, const fg_i_region *regions, size_t n, char hex[65])
{
    fg_status st = FG_OK;
    hash_pipe p;
    unsigned char *scratch[SLOTS] = {0};
    bool threaded = false, sync_init = false;
    struct stat sb;
    memset(&p, 0, sizeof p);
    hex[0] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return FG_FAIL(FG_ENOTFOUND, "%s: no such file", path);
        return FG_FAIL(FG_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        st = FG_FAIL(FG_EIO, "%s: not a regular file", path);
        goto done;
    }
    uint64_t size = (uint64_t)sb.st_size, prev_end = 0;
    for (size_t i = 0; i < n; i++) {
        if (regions[i].offset < prev_end) {
            st = FG_FAIL(FG_EINTERNAL, "%s: %s overlaps the data before it", path, regions[i].what);
            goto done;
        }
        prev_end = regions[i].offset + regions[i].size;
        if (prev_end > size) {
            st = FG_FAIL(FG_EFORMAT,
                         "%s: %s lies beyond the end of the file (%llu bytes): truncated file",
                         path, regions[i].what, (unsigned long long)size);
            goto done;
        }
    }
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    p.ctx = EVP_MD_CTX_new();
    if (!p.ctx || EVP_DigestInit_ex(p.ctx, EVP_sha256(), NULL) != 1) {
        st = FG_FAIL(FG_EBACKEND, "OpenSSL could not start a SHA-256 digest");
        goto done;
    }
    if (pthread_mutex_init(&p.mu, NULL) == 0) {
        if (pthread_cond_init(&p.filled, NULL) == 0) {
            if (pthread_cond_init(&p.freed, NULL) == 0) sync_init = true;
            else pthread_cond_destroy(&p.filled);
        }
        if (!sync_init) pthread_mutex_destroy(&p.mu);
    }
    /* small files: hashing inline is cheaper than a thread */
    pthread_t th;
    if (sync_init && size > 2 * (uint64_t)BLOCK && pthread_create(&th, NULL, hash_thread, &p) == 0)
        threaded = true;

    size_t ri = 0;
    for (uint64_t pos = 0; pos < size;) {
        const fg_i_region *r = ri < n ? &regions[ri] : NULL;
        bool inside = r && pos >= r->offset;
        uint64_t seg_end = inside ? r->offset + r->size : (r ? r->offset : size);
        size_t len = (size_t)(seg_end - pos < BLOCK ? seg_end - pos : BLOCK);
        if (len == 0) { /* an empty region */
            ri++;
            continue;
        }
        if (threaded) {
            pthread_mutex_lock(&p.mu);
            while (p.head - p.tail == SLOTS) pthread_cond_wait(&p.freed, &p.mu);
            pthread_mutex_unlock(&p.mu);
        }
        size_t s = threaded ? (size_t)(p.head % SLOTS) : 0;
        unsigned char *dst;
        if (inside) {
            dst = (unsigned char *)r->dest + (pos - r->offset);
        } else {
            if (!scratch[s] && !(scratch[s] = fg_alloc(BLOCK, 1))) {
                st = FG_ENOMEM;
                break;
            }
            dst = scratch[s];
        }
        st = read_fully(fd, dst, len, pos, path, inside ? r->what : "the file's metadata");
        if (st != FG_OK) break;
        if (threaded) {
            pthread_mutex_lock(&p.mu);
            p.data[s] = dst;
            p.len[s] = len;
            p.head++;
            pthread_cond_signal(&p.filled);
            pthread_mutex_unlock(&p.mu);
        } else if (EVP_DigestUpdate(p.ctx, dst, len) != 1) {
            p.hash_failed = true;
        }
        pos += len;
        if (inside && pos == seg_end) ri++;
    }
    if (threaded) {
        pthread_mutex_lock(&p.mu);
        p.end = true;
        pthread_cond_signal(&p.filled);
        pthread_mutex_unlock(&p.mu);
        pthread_join(th, NULL);
    }
    if (st == FG_OK) {
        unsigned char md[32];
        unsigned int mdlen = 0;
        if (p.hash_failed || EVP_DigestFinal_ex(p.ctx, md, &mdlen) != 1 || mdlen != 32) {
            st = FG_FAIL(FG_EBACKEND, "%s: OpenSSL SHA-256 failed", path);
            goto done;
        }
        for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
    }
done:
    if (sync_init) {
        pthread_cond_destroy(&p.freed);
        pthread_cond_destroy(&p.filled);
        pthread_mutex_destroy(&p.mu);
    }
    for (int s = 0; s < SLOTS; s++) fg_free(scratch[s]);
    if (p.ctx) EVP_MD_CTX_free(p.ctx);
    close(fd);
    return st;
}

fg_status fg_sha256_file(const char *path, char hex[65])
{
    if (!path || !hex) return FG_FAIL(FG_EINVAL, "fg_sha256_file: null argument");
    return fg_i_read_hashed(path, NULL, 0, hex);
}
