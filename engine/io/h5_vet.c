/* Vetting an untrusted HDF5 file in a short-lived child process before the
 * readers let libhdf5 parse it (h5_helpers.h, fg_i_h5_vet).
 *
 * Why: Debian's libhdf5 1.10.8 segfaults, overflows its buffers or loops for
 * ever on some damaged files (tests/fuzz/regress/: H5O__msg_iterate_real under
 * H5Aexists, H5HG_read under the conversion of variable-length strings,
 * H5VM_memcpyvv in a contiguous read, H5C_protect loops). Their parse cannot
 * be made safe from outside, so it is contained: a fork()ed child (no exec)
 * opens the file and touches everything the readers will touch, under a time
 * limit (alarm and RLIMIT_CPU, or ITIMER_PROF for a limit under a second, and
 * the parent's own kill as a second guard) and a memory limit (RLIMIT_AS on
 * what the child adds, under AddressSanitizer too). A child that dies by a signal, times out or
 * finds the file inconsistent becomes an FG_EFORMAT error naming the file;
 * the parent's own process never parses what the child could not.
 *
 * What the child touches: every object's raw header before libhdf5 decodes
 * it (version 1 has no checksum: message and attribute lengths checked, see
 * "raw object headers" below); every link (external and user-defined links, and
 * datasets whose data lives in other files, external or virtual, are refused:
 * an input must be self-contained), every object (H5Ovisit), every attribute
 * of every object, read in full with its file's native type (variable-length
 * strings too) plus a by-name lookup that misses (the path of H5Aexists and
 * H5Lexists); every dataset up to VET_FULL_READ bytes read in full (the
 * readers' /label, /path, /class_names, biases, result tables ...), and for
 * larger ones the storage: a contiguous dataset's bytes lie inside the file
 * and hold the declared extent; every chunk of a chunked one lies inside the
 * file (and holds a whole chunk when unfiltered), looked up by index and by
 * coordinates; then one element read through the type conversion.
 * Cost: one fork, one H5Fopen and a walk of the metadata, plus the small
 * datasets' bytes; O(chunks^2) index look-ups in 1.10 (H5Dget_chunk_info
 * walks the index from its start), 128 chunks for a flowers102 cache.
 *
 * Threads: fork() copies only the calling thread. glibc's malloc is fork-safe;
 * HDF5 (Debian builds it thread-safe: one global lock) is not: if another
 * thread of the process were inside an HDF5 call at the fork, the child would
 * wait for ever on that lock (and be reported as timed out). So the vet must
 * run while no other thread is inside HDF5. In fnegraph every HDF5 call runs
 * on the calling thread of a reader or writer, outside OpenMP regions; the
 * decoder thread of extract (image decoding) and the SHA-256 thread of the
 * weights reader (after the file is closed) never call HDF5. A new caller
 * that reads HDF5 from several threads at once must serialise around the
 * readers. The child leaves with _exit(): no atexit handler runs, so the
 * HDF5 files the parent has open (a results file being written) are never
 * flushed or closed from the child. */
#include "io/h5_helpers.h"

#include "core/child.h"
#include "fnegraph/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


enum {
    VET_DEFAULT_SECONDS = 5,
    VET_MAX_SECONDS = 3600,
    VET_MSG = 600,
};
#define VET_FULL_READ ((uint64_t)16 << 20) /* datasets read in full up to this */
#define VET_ATTR_MAX ((uint64_t)64 << 20)  /* an attribute larger than this is damage */
#define VET_MEMORY ((uint64_t)1 << 30)     /* address space the child may add */
#define VET_INDEX_CHUNKS 4096              /* chunk look-ups by index up to this count */

/* ---- the child's walk ---- */

typedef struct vet {
    uint64_t file_size;
    int fd;       /* the file, for the raw object headers; -1: not checked (userblock, odd sizes) */
    char kind; /* 0 clean; 'R' libhdf5 returned an error; 'D' a check of ours failed; 'P' not self-contained */
    char msg[VET_MSG];
} vet;

/* The innermost HDF5 error of the stack (what libhdf5 itself said). */
static herr_t first_error(unsigned n, const H5E_error2_t *e, void *data)
{
    char *buf = data;
    if (n == 0 && e && e->desc) snprintf(buf, 160, "%s", e->desc);
    return 0;
}

__attribute__((format(printf, 3, 4))) static int vet_fail(vet *v, char kind, const char *fmt, ...)
{
    if (v->kind) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->msg, sizeof v->msg, fmt, ap);
    va_end(ap);
    if (kind == 'R') { /* quote libhdf5's reason when it gave one */
        char why[160] = "";
        H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, first_error, why);
        size_t len = strlen(v->msg);
        if (why[0] && len + 16 < sizeof v->msg) snprintf(v->msg + len, sizeof v->msg - len, " (HDF5: %s)", why);
    }
    v->kind = kind;
    return -1;
}

static void obj_label(char *buf, size_t n, const char *name)
{
    if (!strcmp(name, ".")) snprintf(buf, n, "group /");
    else snprintf(buf, n, "/%s", name);
}

/* The number of elements of a dataspace and their size in bytes (in a
 * memory type of msize bytes); false when the product overflows. */
static bool extent_bytes(hid_t space, size_t msize, uint64_t *np, uint64_t *bytes)
{
    H5S_class_t cls = H5Sget_simple_extent_type(space);
    hssize_t n = cls == H5S_NULL ? 0 : H5Sget_simple_extent_npoints(space);
    if (n < 0) return false;
    *np = (uint64_t)n;
    return !__builtin_mul_overflow(*np, (uint64_t)msize, bytes);
}

static bool has_vlen(hid_t t)
{
    return H5Tdetect_class(t, H5T_VLEN) > 0 || H5Tdetect_class(t, H5T_STRING) > 0;
}

/* Read all of an attribute or (small) dataset with its native type. */
static int read_all(vet *v, hid_t id, bool is_attr, const char *label)
{
    int rc = 0;
    hid_t type = is_attr ? H5Aget_type(id) : H5Dget_type(id);
    hid_t space = is_attr ? H5Aget_space(id) : H5Dget_space(id);
    hid_t mtype = type >= 0 ? H5Tget_native_type(type, H5T_DIR_ASCEND) : H5I_INVALID_HID;
    void *buf = NULL;
    uint64_t np = 0, bytes = 0;
    if (type < 0 || space < 0 || mtype < 0) {
        rc = vet_fail(v, 'R', "%s: cannot read its type or shape", label);
        goto done;
    }
    if (!extent_bytes(space, H5Tget_size(mtype), &np, &bytes) || (is_attr && bytes > VET_ATTR_MAX)) {
        rc = vet_fail(v, 'D', "%s: declares %llu values of %zu bytes, more than an attribute holds", label,
                      (unsigned long long)np, H5Tget_size(mtype));
        goto done;
    }
    if (np == 0) goto done;
    buf = calloc(1, (size_t)bytes);
    if (!buf) {
        rc = vet_fail(v, 'R', "%s: %llu bytes declared, more than this process can hold", label,
                      (unsigned long long)bytes);
        goto done;
    }
    H5Eclear2(H5E_DEFAULT);
    herr_t r = is_attr ? H5Aread(id, mtype, buf) : H5Dread(id, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    if (r < 0) {
        rc = vet_fail(v, 'R', "%s: cannot read its values", label);
        goto done;
    }
    if (has_vlen(mtype)) H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, buf);
done:
    free(buf);
    if (mtype >= 0) H5Tclose(mtype);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    return rc;
}

typedef struct attr_walk {
    vet *v;
    const char *obj;
} attr_walk;

static herr_t attr_cb(hid_t loc, const char *name, const H5A_info_t *info, void *data)
{
    (void)info;
    attr_walk *w = data;
    char label[400];
    snprintf(label, sizeof label, "attribute '%s' of %s", name, w->obj);
    H5Eclear2(H5E_DEFAULT);
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT); /* the by-name look-up H5Aexists does */
    if (a < 0) return vet_fail(w->v, 'R', "%s: cannot open it", label);
    int rc = read_all(w->v, a, true, label);
    H5Aclose(a);
    return rc;
}

/* A dataset's data lies inside the file: contiguous bytes, or every chunk. */
static int check_storage(vet *v, hid_t d, hid_t dcpl, hid_t type, hid_t space, const char *label)
{
    uint64_t np = 0, declared = 0;
    size_t tsize = H5Tget_size(type);
    bool fixed = !has_vlen(type);
    if (!extent_bytes(space, tsize, &np, &declared))
        return vet_fail(v, 'D', "%s: its extent overflows 64 bits", label);
    H5D_layout_t layout = H5Pget_layout(dcpl);
    if (layout == H5D_VIRTUAL)
        return vet_fail(v, 'P', "%s is a virtual dataset (its data lives in other files): fnegraph reads only "
                        "self-contained HDF5 files", label);
    if (H5Pget_external_count(dcpl) > 0)
        return vet_fail(v, 'P', "%s keeps its data in external files: fnegraph reads only self-contained HDF5 "
                        "files", label);
    int nfilters = H5Pget_nfilters(dcpl);
    if (layout == H5D_COMPACT) {
        if (declared > 65536)
            return vet_fail(v, 'D', "%s: a compact dataset of %llu bytes, more than an object header holds", label,
                            (unsigned long long)declared);
        return 0;
    }
    if (layout == H5D_CONTIGUOUS) {
        haddr_t off = H5Dget_offset(d);
        hsize_t stored = H5Dget_storage_size(d);
        if (off == HADDR_UNDEF) return 0; /* never written: reads give the fill value */
        if (fixed && nfilters == 0 && stored < declared)
            return vet_fail(v, 'D', "%s: %llu bytes stored for a declared %llu", label, (unsigned long long)stored,
                            (unsigned long long)declared);
        if ((uint64_t)off > v->file_size || stored > v->file_size - (uint64_t)off)
            return vet_fail(v, 'D', "%s: its data at bytes %llu..%llu lies beyond the end of the file (%llu bytes)",
                            label, (unsigned long long)off, (unsigned long long)off + stored,
                            (unsigned long long)v->file_size);
        return 0;
    }
    if (layout != H5D_CHUNKED) return vet_fail(v, 'D', "%s: unknown storage layout %d", label, (int)layout);

    int rank = H5Sget_simple_extent_ndims(space);
    hsize_t cdims[H5S_MAX_RANK], dims[H5S_MAX_RANK];
    if (rank < 1 || rank > H5S_MAX_RANK || H5Pget_chunk(dcpl, rank, cdims) != rank ||
        H5Sget_simple_extent_dims(space, dims, NULL) != rank)
        return vet_fail(v, 'R', "%s: cannot read its chunk shape", label);
    uint64_t cbytes = tsize, grid = 1;
    for (int i = 0; i < rank; i++) {
        if (cdims[i] == 0) return vet_fail(v, 'D', "%s: a chunk dimension of 0", label);
        uint64_t cells = dims[i] / cdims[i] + (dims[i] % cdims[i] != 0);
        if (__builtin_mul_overflow(cbytes, (uint64_t)cdims[i], &cbytes) || __builtin_mul_overflow(grid, cells, &grid))
            return vet_fail(v, 'D', "%s: its chunk shape overflows 64 bits", label);
    }
    hsize_t nchunks = 0;
    H5Eclear2(H5E_DEFAULT);
    if (H5Dget_num_chunks(d, space, &nchunks) < 0) return vet_fail(v, 'R', "%s: cannot read its chunk index", label);
    if (nchunks > grid) return vet_fail(v, 'D', "%s: %llu chunks stored for a grid of %llu", label,
                                        (unsigned long long)nchunks, (unsigned long long)grid);
    /* by index (O(n^2) in 1.10) when few; else by coordinates over a dense grid */
    bool by_index = nchunks <= VET_INDEX_CHUNKS || grid > 4 * (uint64_t)nchunks + 1024;
    uint64_t steps = by_index ? nchunks : grid;
    hsize_t at[H5S_MAX_RANK] = {0};
    for (uint64_t i = 0; i < steps; i++) {
        hsize_t off[H5S_MAX_RANK] = {0}, size = 0, size2 = 0;
        haddr_t addr = HADDR_UNDEF;
        unsigned mask = 0;
        H5Eclear2(H5E_DEFAULT);
        if (by_index) {
            if (H5Dget_chunk_info(d, space, i, off, &mask, &addr, &size) < 0)
                return vet_fail(v, 'R', "%s: cannot read chunk %llu of its index", label, (unsigned long long)i);
        } else {
            for (int k = 0; k < rank; k++) off[k] = at[k] * cdims[k];
            for (int k = rank - 1; k >= 0 && ++at[k] * cdims[k] >= dims[k]; k--) at[k] = 0;
            if (H5Dget_chunk_info_by_coord(d, off, &mask, &addr, &size) < 0)
                return vet_fail(v, 'R', "%s: cannot look up its chunk at row %llu", label, (unsigned long long)off[0]);
            if (addr == HADDR_UNDEF) continue; /* not allocated */
        }
        if (H5Dget_chunk_storage_size(d, off, &size2) < 0 || size2 != size)
            return vet_fail(v, 'R', "%s: its chunk at row %llu is not found by coordinates", label,
                            (unsigned long long)off[0]);
        if (addr == HADDR_UNDEF || (uint64_t)addr > v->file_size || size > v->file_size - (uint64_t)addr)
            return vet_fail(v, 'D', "%s: its chunk at row %llu (bytes %llu..%llu) lies beyond the end of the file "
                            "(%llu bytes)", label, (unsigned long long)off[0], (unsigned long long)addr,
                            (unsigned long long)addr + size, (unsigned long long)v->file_size);
        if (nfilters == 0 && fixed && size != cbytes) /* a vlen element is a heap id in the file, not tsize */
            return vet_fail(v, 'D', "%s: its chunk at row %llu holds %llu bytes, a chunk is %llu", label,
                            (unsigned long long)off[0], (unsigned long long)size, (unsigned long long)cbytes);
    }
    return 0;
}

/* Read one element (the first) through the native type conversion. */
static int read_one(vet *v, hid_t d, hid_t type, hid_t space, const char *label)
{
    int rc = 0;
    int rank = H5Sget_simple_extent_ndims(space);
    hid_t mtype = H5Tget_native_type(type, H5T_DIR_ASCEND), fsp = H5Scopy(space), msp = H5Screate(H5S_SCALAR);
    hsize_t zero[H5S_MAX_RANK] = {0};
    void *buf = NULL;
    if (mtype < 0 || fsp < 0 || msp < 0 || rank < 1 || rank > H5S_MAX_RANK ||
        H5Sselect_elements(fsp, H5S_SELECT_SET, 1, zero) < 0 || !(buf = calloc(1, H5Tget_size(mtype)))) {
        rc = vet_fail(v, 'R', "%s: cannot select its first element", label);
        goto done;
    }
    H5Eclear2(H5E_DEFAULT);
    if (H5Dread(d, mtype, msp, fsp, H5P_DEFAULT, buf) < 0) {
        rc = vet_fail(v, 'R', "%s: cannot read its first element", label);
        goto done;
    }
    if (has_vlen(mtype)) H5Dvlen_reclaim(mtype, msp, H5P_DEFAULT, buf);
done:
    free(buf);
    if (msp >= 0) H5Sclose(msp);
    if (fsp >= 0) H5Sclose(fsp);
    if (mtype >= 0) H5Tclose(mtype);
    return rc;
}

static int vet_dataset(vet *v, hid_t d, const char *label)
{
    int rc = 0;
    hid_t type = H5Dget_type(d), space = H5Dget_space(d), dcpl = H5Dget_create_plist(d);
    uint64_t np = 0, bytes = 0;
    if (type < 0 || space < 0 || dcpl < 0) {
        rc = vet_fail(v, 'R', "dataset %s: cannot read its type, shape or storage", label);
        goto done;
    }
    char dl[400];
    snprintf(dl, sizeof dl, "dataset %s", label);
    rc = check_storage(v, d, dcpl, type, space, dl);
    if (rc < 0) goto done;
    if (!extent_bytes(space, H5Tget_size(type), &np, &bytes)) goto done; /* refused above */
    if (np == 0) goto done;
    rc = bytes <= VET_FULL_READ ? read_all(v, d, false, dl) : read_one(v, d, type, space, dl);
done:
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    return rc;
}


/* ---- raw object headers ----
 * libhdf5 1.10 trusts the lengths inside a version-1 object header (no
 * checksum; what fnegraph and h5py write by default): an attribute message
 * whose name, type or shape length runs past the message makes it copy from
 * beyond its buffer (a crash only where that memory is unmapped, so a walk
 * in the child alone can miss it). Before libhdf5 decodes an object's
 * attributes, its header chunks are read here: every message inside its
 * chunk, every continuation inside the file, every attribute message's
 * parts inside the message and its value inside what remains. Version-2
 * headers carry a checksum that libhdf5 verifies. */

enum { RAW_MAX_ATTRS = 256, RAW_MAX_CHUNKS = 64 };
#define RAW_MAX_CHUNK ((uint64_t)16 << 20)

typedef struct raw_attr {
    char name[256];
    uint64_t room; /* bytes left for the value */
} raw_attr;

static uint64_t le(const unsigned char *p, int n)
{
    uint64_t x = 0;
    for (int i = n - 1; i >= 0; i--) x = (x << 8) | p[i];
    return x;
}

static bool raw_read(int fd, uint64_t at, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(at + got));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        got += (size_t)r;
    }
    return true;
}

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

/* One attribute message m[size]: its parts fit; its name and room noted. */
static int raw_attr_msg(vet *v, const unsigned char *m, uint64_t size, const char *label, raw_attr *a, int *na)
{
    if (size < 8) return vet_fail(v, 'D', "%s: an attribute message of %llu bytes", label, (unsigned long long)size);
    int ver = m[0];
    size_t nl = (size_t)le(m + 2, 2), tl = (size_t)le(m + 4, 2), sl = (size_t)le(m + 6, 2), at;
    uint64_t hdr;
    if (ver == 1) at = 8, hdr = 8 + (uint64_t)pad8(nl) + pad8(tl) + pad8(sl);
    else if (ver == 2) at = 8, hdr = 8 + (uint64_t)nl + tl + sl;
    else if (ver == 3) at = 9, hdr = 9 + (uint64_t)nl + tl + sl;
    else return vet_fail(v, 'D', "%s: an attribute message of unknown version %d", label, ver);
    if (hdr > size || nl == 0 || at + nl > size)
        return vet_fail(v, 'D', "%s: an attribute message of %llu bytes declares a %zu-byte name, a %zu-byte type "
                        "and a %zu-byte shape", label, (unsigned long long)size, nl, tl, sl);
    if (*na < RAW_MAX_ATTRS && nl <= sizeof a[0].name) {
        memcpy(a[*na].name, m + at, nl);
        a[*na].name[nl - 1] = '\0';
        a[*na].room = size - hdr;
        ++*na;
    }
    return 0;
}

/* The version-1 object header at addr: structure and attribute messages. */
static int raw_header(vet *v, uint64_t addr, const char *label, raw_attr *attrs, int *na)
{
    unsigned char pre[16];
    uint64_t caddr[RAW_MAX_CHUNKS], clen[RAW_MAX_CHUNKS];
    int nc = 0, rc = 0;
    unsigned char *buf = NULL;
    if (v->fd < 0) return 0;
    if (addr > v->file_size || v->file_size - addr < 16 || !raw_read(v->fd, addr, pre, 16))
        return vet_fail(v, 'D', "%s: its object header at byte %llu lies beyond the end of the file", label,
                        (unsigned long long)addr);
    if (!memcmp(pre, "OHDR", 4)) return 0; /* version 2: checksummed */
    if (pre[0] != 1) return vet_fail(v, 'D', "%s: an object header of unknown version %d", label, pre[0]);
    caddr[0] = addr + 16;
    clen[0] = le(pre + 8, 4);
    nc = 1;
    for (int c = 0; c < nc && rc == 0; c++) {
        if (clen[c] > RAW_MAX_CHUNK || caddr[c] > v->file_size || clen[c] > v->file_size - caddr[c]) {
            rc = vet_fail(v, 'D', "%s: an object header chunk at bytes %llu..%llu lies beyond the end of the file",
                          label, (unsigned long long)caddr[c], (unsigned long long)(caddr[c] + clen[c]));
            break;
        }
        free(buf);
        buf = malloc(clen[c] ? (size_t)clen[c] : 1);
        if (!buf || !raw_read(v->fd, caddr[c], buf, (size_t)clen[c])) {
            rc = vet_fail(v, 'D', "%s: cannot read its object header", label);
            break;
        }
        for (uint64_t pos = 0; pos + 8 <= clen[c] && rc == 0;) {
            unsigned type = (unsigned)le(buf + pos, 2);
            uint64_t size = le(buf + pos + 2, 2);
            pos += 8;
            if (size > clen[c] - pos) {
                rc = vet_fail(v, 'D', "%s: a header message of %llu bytes runs past its chunk", label,
                              (unsigned long long)size);
                break;
            }
            if (type == 0x10 && size >= 16) { /* continuation: another chunk */
                if (nc == RAW_MAX_CHUNKS) {
                    rc = vet_fail(v, 'D', "%s: an object header of more than %d chunks", label, RAW_MAX_CHUNKS);
                    break;
                }
                caddr[nc] = le(buf + pos, 8);
                clen[nc++] = le(buf + pos + 8, 8);
            } else if (type == 0x0C) {
                rc = raw_attr_msg(v, buf + pos, size, label, attrs, na);
            }
            pos += size;
        }
    }
    free(buf);
    return rc;
}

/* The value of each attribute noted by raw_header fits in its message. */
static int raw_attr_values(vet *v, hid_t o, const char *label, const raw_attr *attrs, int na)
{
    for (int i = 0; i < na; i++) {
        H5Eclear2(H5E_DEFAULT);
        hid_t a = H5Aopen(o, attrs[i].name, H5P_DEFAULT);
        if (a < 0) return vet_fail(v, 'R', "attribute '%s' of %s: cannot open it", attrs[i].name, label);
        hsize_t need = H5Aget_storage_size(a);
        H5Aclose(a);
        if (need > attrs[i].room)
            return vet_fail(v, 'D', "attribute '%s' of %s: a value of %llu bytes in the %llu its message has left",
                            attrs[i].name, label, (unsigned long long)need, (unsigned long long)attrs[i].room);
    }
    return 0;
}

/* The superblock says 8-byte addresses and lengths and no user block: the raw checks apply. */
static int raw_open(const char *path)
{
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    unsigned char sb[32];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return -1;
    bool ok = raw_read(fd, 0, sb, sizeof sb) && !memcmp(sb, sig, 8);
    int ver = ok ? sb[8] : -1;
    if (ver == 0 || ver == 1) ok = sb[13] == 8 && sb[14] == 8 && le(sb + 24, 8) == 0;
    else if (ver == 2 || ver == 3) ok = sb[9] == 8 && sb[10] == 8 && le(sb + 12, 8) == 0;
    else ok = false;
    if (!ok) {
        close(fd);
        return -1;
    }
    return fd;
}

static herr_t object_cb(hid_t loc, const char *name, const H5O_info_t *info, void *data)
{
    vet *v = data;
    char label[320];
    raw_attr attrs[RAW_MAX_ATTRS];
    int na = 0;
    obj_label(label, sizeof label, name);
    /* before libhdf5 decodes anything of the object's header */
    if (raw_header(v, (uint64_t)info->addr, label, attrs, &na) < 0) return -1;
    H5Eclear2(H5E_DEFAULT);
    hid_t o = H5Oopen(loc, name, H5P_DEFAULT);
    if (o < 0) return vet_fail(v, 'R', "%s: cannot open it", label);
    attr_walk w = {v, label};
    hsize_t idx = 0;
    int rc = raw_attr_values(v, o, label, attrs, na);
    H5Eclear2(H5E_DEFAULT);
    if (rc == 0 && H5Aiterate2(o, H5_INDEX_NAME, H5_ITER_NATIVE, &idx, attr_cb, &w) < 0)
        rc = vet_fail(v, 'R', "%s: cannot list its attributes", label);
    H5Eclear2(H5E_DEFAULT);
    if (rc == 0 && H5Aexists(o, "\x01 fnegraph vet: absent") < 0)
        rc = vet_fail(v, 'R', "%s: cannot look up an attribute by name", label);
    if (rc == 0 && info->type == H5O_TYPE_GROUP && H5Lexists(o, "\x01 fnegraph vet: absent", H5P_DEFAULT) < 0)
        rc = vet_fail(v, 'R', "%s: cannot look up a member by name", label);
    if (rc == 0 && info->type == H5O_TYPE_DATASET) rc = vet_dataset(v, o, label);
    H5Oclose(o);
    return rc;
}

static herr_t link_cb(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g;
    vet *v = data;
    if (info->type == H5L_TYPE_HARD || info->type == H5L_TYPE_SOFT) return 0;
    return vet_fail(v, 'P', "/%s is %s link to another file: fnegraph reads only self-contained HDF5 files", name,
                    info->type == H5L_TYPE_EXTERNAL ? "an external" : "a user-defined");
}

/* The child: walk the file, report on fd, never return. */
/* Set by the sanitizers' runtime when linked (the asan and fuzz builds):
 * what runs when a sanitizer report ends the process. libFuzzer sets one
 * that saves the current input as a crash; a vetting child clears it, since
 * its death is the parent's finding, reported as an error, not a crash. */
/* The child's walk (core/child.h runs it under the limits): its report is
 * one letter, then a message: K clean, O refused by H5Fopen itself, R
 * refused by libhdf5 while walking, D damage found, P a problem of ours. */
typedef struct vet_job {
    const char *path;
    uint64_t file_size;
} vet_job;

static fg_status vet_in_child(void *ctx, void **out, size_t *out_size)
{
    const vet_job *j = ctx;
    char *report = fg_alloc(VET_MSG + 2, 1);
    if (!report) return FG_FAIL(FG_ENOMEM, "the report");
    vet v;
    memset(&v, 0, sizeof v);
    v.file_size = j->file_size;
    v.fd = raw_open(j->path);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fopen(j->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    int n;
    if (f < 0) {
        /* a clean refusal: the reader's own H5Fopen refuses the same bytes with its message */
        n = snprintf(report, VET_MSG + 2, "O");
    } else {
        if (H5Lvisit(f, H5_INDEX_NAME, H5_ITER_NATIVE, link_cb, &v) < 0 && !v.kind)
            vet_fail(&v, 'R', "cannot walk its links");
        if (!v.kind && H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_NATIVE, object_cb, &v, H5O_INFO_BASIC) < 0 && !v.kind)
            vet_fail(&v, 'R', "cannot walk its groups");
        if (H5Fclose(f) < 0 && !v.kind) vet_fail(&v, 'R', "cannot close it");
        n = v.kind ? snprintf(report, VET_MSG + 2, "%c%s", v.kind, v.msg) : snprintf(report, VET_MSG + 2, "K");
    }
    *out = report;
    *out_size = (size_t)(n < VET_MSG + 2 ? n : VET_MSG + 1);
    return FG_OK;
}

/* ---- the parent ---- */

/* FNEGRAPH_H5_VET_SECONDS: whole seconds, or seconds with up to 3 decimals
 * (0.25: a limit under a second, for a fuzzer that meets many hanging files),
 * into milliseconds. */
static fg_status vet_millis(unsigned *out)
{
    const char *s = getenv("FNEGRAPH_H5_VET_SECONDS");
    *out = VET_DEFAULT_SECONDS * 1000u;
    if (!s || !*s) return FG_OK;
    char *end = NULL;
    errno = 0;
    long v = s[0] >= '0' && s[0] <= '9' ? strtol(s, &end, 10) : -1;
    unsigned ms = 0, scale = 100;
    if (v >= 0 && !errno && *end == '.' && end[1]) /* the decimals */
        for (end++; *end >= '0' && *end <= '9' && scale; end++, scale /= 10) ms += (unsigned)(*end - '0') * scale;
    if (v < 0 || errno || *end || v > VET_MAX_SECONDS || (v == VET_MAX_SECONDS && ms))
        return FG_FAIL(FG_EINVAL, "FNEGRAPH_H5_VET_SECONDS='%s': expected whole seconds 0..%d, or seconds with up to 3 "
                       "decimals (0.25) (0 turns the check of HDF5 input files off)", s, VET_MAX_SECONDS);
    *out = (unsigned)v * 1000u + ms;
    return FG_OK;
}

fg_status fg_i_h5_vet(const char *path, int64_t file_size)
{
    unsigned millis = 0;
    fg_status st = vet_millis(&millis);
    if (st != FG_OK || millis == 0) return st;
    vet_job job = {path, (uint64_t)file_size};
    const fg_i_child_limits lim = {.millis = millis, .memory = VET_MEMORY, .max_out = VET_MSG + 2,
                                   .keep_stderr = getenv("FNEGRAPH_H5_VET_STDERR") != NULL};
    fg_i_child_outcome o;
    st = fg_i_child_start(vet_in_child, &job, &lim, path, "the check of the HDF5 file", &o);
    if (st != FG_OK) return st;
    const char *msg = o.body ? o.body : "";
    if (o.end == FG_I_CHILD_LATE) {
        st = FG_FAIL(FG_EFORMAT, "%s: damaged HDF5 file: libhdf5 timed out after %g s reading its metadata; delete "
                     "it and rerun (FNEGRAPH_H5_VET_SECONDS sets the limit)", path, millis / 1000.0);
    } else if (o.end == FG_I_CHILD_SIGNAL) {
        st = FG_FAIL(FG_EFORMAT, "%s: damaged HDF5 file: libhdf5 crashed (signal %d, %s) reading its metadata; "
                     "delete it and rerun", path, o.sig, strsignal(o.sig));
    } else if (o.end == FG_I_CHILD_DONE && o.code == FG_OK && (msg[0] == 'K' || msg[0] == 'O')) {
        st = FG_OK; /* clean, or refused by H5Fopen itself (the reader says why) */
    } else if (o.end == FG_I_CHILD_DONE && o.code == FG_OK && o.size > 1 && msg[0] == 'R') {
        st = FG_FAIL(FG_EFORMAT, "%s: damaged HDF5 file: libhdf5 refused it: %s; delete it and rerun", path, msg + 1);
    } else if (o.end == FG_I_CHILD_DONE && o.code == FG_OK && o.size > 1 && msg[0] == 'D') {
        st = FG_FAIL(FG_EFORMAT, "%s: damaged HDF5 file: %s; delete it and rerun", path, msg + 1);
    } else if (o.end == FG_I_CHILD_DONE && o.code == FG_OK && o.size > 1 && msg[0] == 'P') {
        st = FG_FAIL(FG_EFORMAT, "%s: %s", path, msg + 1);
    } else if (o.end == FG_I_CHILD_SILENT && o.exit_status >= 0) {
        st = FG_FAIL(FG_EFORMAT, "%s: damaged HDF5 file: libhdf5 crashed (exit status %d) reading its metadata; "
                     "delete it and rerun", path, o.exit_status);
    } else {
        st = FG_FAIL(FG_EFORMAT, "%s: damaged HDF5 file: the check of its metadata ended without a report; delete "
                     "it and rerun", path);
    }
    fg_free(o.body);
    return st;
}
