/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vault.c - the replica's encrypted, append-only store at rest
 *
 * Formats (all integers big-endian; "frame" = 4-byte ciphertext length, then
 * the ciphertext of one secretstream message):
 *
 *   segments/NNNNNNNN.seg   secretstream header (24) || frame*
 *       AD "bollard-vault-seg" || segment number (8)
 *       record message:  TAG_MESSAGE, plaintext kind (1) || bytes
 *       final message:   TAG_FINAL, plaintext = number of records (8)
 *   head                    secretstream header (24) || one TAG_FINAL message
 *       AD "bollard-vault-head"
 *       plaintext "BVH1" || generation (8) || nseg (4)
 *                 || nseg * (number (4) || records (8) || bytes (8) || flags (1))
 *                 || blob length (4) || blob
 *       bytes count the durable end of the segment file (the final message
 *       included when flags has SEG_FINISHED).
 *   snapshots/<seq>-<at_us>.snap
 *       "BVSNAP01" || seq (8) || secretstream header (24) || frame*
 *       AD "bollard-vault-snap" || seq (8): the clear seq is authenticated
 *       first message: TAG_MESSAGE, "BVSM" || seq (8) || at_us (8) || len (4) || meta
 *       data messages of at most 1 MiB, the last one TAG_FINAL (possibly empty)
 *
 * Invariants: a segment file is created with O_EXCL and only ever appended
 * to; its durable prefix (per the head) never changes.  A run writes to at
 * most one open segment, created on its first append with a number above
 * every segment file present, so a crashed run's tail is never reused.
 */
#include "compat.h"

#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "mem.h"
#include "utctime.h"
#include "vault.h"

#define SS_HEADER crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define SS_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define KEY_BYTES crypto_secretstream_xchacha20poly1305_KEYBYTES
#define TAG_MSG   crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
#define TAG_FINAL crypto_secretstream_xchacha20poly1305_TAG_FINAL

typedef crypto_secretstream_xchacha20poly1305_state ss_state;

#define VPATH_MAX 4096
#define DIR_MAX   3900 /* leaves room for the longest name inside the vault */

#define KEY_NAME  "vault.key"
#define HEAD_NAME "head"
#define HEAD_TMP  "head.tmp"
#define SEG_DIR   "segments"
#define SNAP_DIR  "snapshots"

#define AD_SEG  "bollard-vault-seg"
#define AD_HEAD "bollard-vault-head"
#define AD_SNAP "bollard-vault-snap"

#define HEAD_MAGIC "BVH1"
#define SNAP_MAGIC "BVSNAP01"
#define META_MAGIC "BVSM"

#define SEG_FINISHED 0x01u
#define SEG_REC_SIZE 21u /* number, records, bytes, flags */

/* A record frame: length, then kind || bytes encrypted. */
#define REC_CLEN_MAX ((size_t) 1 + BOL_VAULT_RECORD_MAX + SS_ABYTES)
#define FINAL_CLEN   ((size_t) 8 + SS_ABYTES)
#define HEAD_PLAIN_MAX                                                                             \
    ((size_t) 4 + 8 + 4 + (size_t) SEG_REC_SIZE * BOL_VAULT_SEGMENTS_MAX + 4 + BOL_VAULT_BLOB_MAX)

#define WBUF_FLUSH    ((size_t) 1 << 20) /* write the buffer once it holds this much */
#define WBUF_CAP      (WBUF_FLUSH + ((size_t) 64 << 10))
#define SCRATCH_KEEP  ((size_t) 2 << 20) /* free larger scratch buffers after use */
#define READ_CHUNK    ((size_t) 1 << 20)
#define SNAP_PIECE    ((size_t) 1 << 20)
#define SNAP_PREFIX   ((size_t) 8 + 8 + SS_HEADER)
#define META_CLEN_MAX ((size_t) 4 + 8 + 8 + 4 + BOL_VAULT_SNAP_META_MAX + SS_ABYTES)

struct seg {
    uint32_t num;
    uint64_t records, bytes; /* as written by this process (or read from the head) */
    bool finished;
    bool durable;                /* listed in the head */
    uint64_t d_records, d_bytes; /* as in the head */
    bool d_finished;
};

struct bol_vault {
    char dir[DIR_MAX + 1];
    int dirfd; /* holds the lock */
    bool read_only;
    unsigned char key[KEY_BYTES];
    uint64_t seg_limit;

    struct seg *segs;
    size_t nsegs, segs_alloc;
    uint64_t next_num; /* number of the next segment to create */
    bool open;         /* segs[nsegs - 1] is open for writing */
    bool unsynced;     /* appended since the last sync */
    bool dir_dirty;    /* a segment file was created since the last sync */
    bool failed;       /* a write failed: refuse more */
    int wfd;
    ss_state wst;
    unsigned char wad[sizeof(AD_SEG) - 1 + 8];
    unsigned char *wbuf;
    size_t wlen, wcap;
    unsigned char *pbuf; /* plaintext scratch */
    size_t pcap;

    uint64_t generation;
    unsigned char *head_plain; /* the plaintext of the current head; the blob lies in it */
    size_t head_len, blob_off, blob_len;
    unsigned snap_counter;
};

struct bol_vault_snap_writer {
    struct bol_vault *v;
    int fd;
    uint64_t seq;
    ss_state st;
    unsigned char ad[sizeof(AD_SNAP) - 1 + 8];
    unsigned char *pbuf, *cbuf;
    size_t plen;
    bool failed;
    char tmp[VPATH_MAX], final[VPATH_MAX];
};

/* ---- small helpers ---- */

static void put_be32(unsigned char *p, uint32_t x)
{
    p[0] = (unsigned char) (x >> 24);
    p[1] = (unsigned char) (x >> 16);
    p[2] = (unsigned char) (x >> 8);
    p[3] = (unsigned char) x;
}

static void put_be64(unsigned char *p, uint64_t x)
{
    put_be32(p, (uint32_t) (x >> 32));
    put_be32(p + 4, (uint32_t) x);
}

static uint32_t get_be32(const unsigned char *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static uint64_t get_be64(const unsigned char *p)
{
    return (uint64_t) get_be32(p) << 32 | get_be32(p + 4);
}

static int vpath(char out[VPATH_MAX], struct bol_diag *diag, const char *fmt, ...) BOL_PRINTF(3, 4);

static int vpath(char out[VPATH_MAX], struct bol_diag *diag, const char *fmt, ...)
{
    va_list ap;
    int w;

    va_start(ap, fmt);
    w = vsnprintf(out, VPATH_MAX, fmt, ap);
    va_end(ap);
    if (w < 0 || w >= VPATH_MAX)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "path", "path too long");
    return 0;
}

static int io_fail(struct bol_diag *diag, int e, const char *what, const char *path)
{
    return bol_diag_fail(diag, bol_err_from_errno(e), "file", "cannot %s '%s': %s", what, path,
                         strerror(e));
}

static int write_all(int fd, const void *p, size_t n)
{
    const unsigned char *c = p;

    while (n > 0) {
        ssize_t w = write(fd, c, n);

        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        c += w;
        n -= (size_t) w;
    }
    return 0;
}

static int fsync_dir_path(const char *path, struct bol_diag *diag)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int e;

    if (fd < 0)
        return io_fail(diag, errno, "open", path);
    if (fsync(fd) != 0) {
        e = errno;
        close(fd);
        return io_fail(diag, e, "fsync", path);
    }
    close(fd);
    return 0;
}

/* Make room for n bytes in a heap buffer (contents kept); grows by half at least. */
static int grow(unsigned char **buf, size_t *cap, size_t n)
{
    unsigned char *p;

    if (n <= *cap)
        return 0;
    if (n < *cap + *cap / 2)
        n = *cap + *cap / 2;
    p = bol_realloc(*buf, n);
    if (!p)
        return BOL_E_NOMEM;
    *buf = p;
    *cap = n;
    return 0;
}

/* Read a whole file of at most max bytes into a new heap buffer. */
static int read_file(const char *path, size_t max, unsigned char **ret, size_t *ret_len,
                     struct bol_diag *diag)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    unsigned char *b = NULL;
    size_t len = 0, size;
    int r;

    if (fd < 0)
        return errno == ENOENT ? bol_diag_fail(diag, BOL_E_CORRUPT, "file", "'%s' is missing", path)
                               : io_fail(diag, errno, "open", path);
    if (fstat(fd, &st) != 0) {
        r = io_fail(diag, errno, "stat", path);
        goto out;
    }
    if (st.st_size < 0 || (uint64_t) st.st_size > max) {
        r = bol_diag_fail(diag, BOL_E_CORRUPT, "file", "'%s' is larger than %zu bytes", path, max);
        goto out;
    }
    size = (size_t) st.st_size;
    b = bol_malloc(size ? size : 1);
    if (!b) {
        r = BOL_E_NOMEM;
        goto out;
    }
    while (len < size) {
        ssize_t n = read(fd, b + len, size - len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            r = io_fail(diag, errno, "read", path);
            goto out;
        }
        if (n == 0)
            break;
        len += (size_t) n;
    }
    *ret = b;
    *ret_len = len;
    b = NULL;
    r = 0;
out:
    bol_free(b);
    close(fd);
    return r;
}

/*
 * A buffered sequential reader over the first `limit` bytes of a file, so
 * that small records cost no system call each.
 */
struct rd {
    int fd;
    unsigned char *buf;
    size_t cap, off, end; /* unconsumed bytes are buf[off..end) */
    uint64_t fpos;        /* file offset of buf[end] */
    uint64_t limit;
};

static uint64_t rd_pos(const struct rd *rd)
{
    return rd->fpos - (rd->end - rd->off);
}

/* Point *p at the next n bytes; 1 when fewer are left before the limit, <0 on error. */
static int rd_need(struct rd *rd, size_t n, const unsigned char **p)
{
    if (rd->end - rd->off < n) {
        size_t have = rd->end - rd->off;
        int r;

        if (rd_pos(rd) + n > rd->limit)
            return 1;
        if (rd->off > 0 && have > 0)
            memmove(rd->buf, rd->buf + rd->off, have);
        rd->off = 0;
        rd->end = have;
        r = grow(&rd->buf, &rd->cap, BOL_MAX(n, READ_CHUNK));
        if (r < 0)
            return r;
        while (rd->end < n) {
            size_t want = (size_t) BOL_MIN((uint64_t) (rd->cap - rd->end), rd->limit - rd->fpos);
            ssize_t got = read(rd->fd, rd->buf + rd->end, want);

            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0)
                return bol_err_from_errno(errno);
            if (got == 0)
                return 1;
            rd->end += (size_t) got;
            rd->fpos += (uint64_t) got;
        }
    }
    *p = rd->buf + rd->off;
    return 0;
}

static void rd_skip(struct rd *rd, size_t n)
{
    rd->off += n;
}

/* ---- segments: writing ---- */

static void seg_ad(unsigned char *ad, uint32_t num)
{
    memcpy(ad, AD_SEG, sizeof(AD_SEG) - 1);
    put_be64(ad + sizeof(AD_SEG) - 1, num);
}

static int seg_path(const struct bol_vault *v, uint32_t num, char out[VPATH_MAX],
                    struct bol_diag *diag)
{
    return vpath(out, diag, "%s/" SEG_DIR "/%08" PRIu32 ".seg", v->dir, num);
}

/* Mark the vault failed after a write error: its files may hold bytes the state does not know. */
static int wfail(struct bol_vault *v, struct bol_diag *diag, int e, const char *what,
                 const char *path)
{
    v->failed = true;
    return io_fail(diag, e, what, path);
}

static int seg_flush(struct bol_vault *v, struct bol_diag *diag)
{
    char path[VPATH_MAX];

    if (v->wlen == 0)
        return 0;
    if (write_all(v->wfd, v->wbuf, v->wlen) != 0) {
        int e = errno;

        if (seg_path(v, v->segs[v->nsegs - 1].num, path, NULL) < 0)
            path[0] = '\0';
        return wfail(v, diag, e, "write", path);
    }
    v->wlen = 0;
    if (v->wcap > WBUF_CAP) {
        /* grown for a large record: back to the usual size */
        unsigned char *p = bol_realloc(v->wbuf, WBUF_CAP);

        if (p) {
            v->wbuf = p;
            v->wcap = WBUF_CAP;
        }
    }
    return 0;
}

static int seg_start(struct bol_vault *v, struct bol_diag *diag)
{
    char path[VPATH_MAX];
    unsigned char hdr[SS_HEADER];
    struct seg *s;
    int fd, r;

    if (v->nsegs >= BOL_VAULT_SEGMENTS_MAX || v->next_num > UINT32_MAX)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "segment", "the vault holds too many segments");
    if (v->nsegs == v->segs_alloc) {
        size_t n = v->segs_alloc ? v->segs_alloc * 2 : 16;
        struct seg *p = bol_realloc(v->segs, n * sizeof(*p));

        if (!p)
            return BOL_E_NOMEM;
        v->segs = p;
        v->segs_alloc = n;
    }
    r = grow(&v->wbuf, &v->wcap, WBUF_CAP);
    if (r < 0)
        return r;
    r = seg_path(v, (uint32_t) v->next_num, path, diag);
    if (r < 0)
        return r;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return wfail(v, diag, errno, "create", path);
    crypto_secretstream_xchacha20poly1305_init_push(&v->wst, hdr, v->key);
    memcpy(v->wbuf, hdr, SS_HEADER);
    v->wlen = SS_HEADER;
    v->wfd = fd;
    s = &v->segs[v->nsegs++];
    memset(s, 0, sizeof(*s));
    s->num = (uint32_t) v->next_num;
    s->bytes = SS_HEADER;
    seg_ad(v->wad, s->num);
    v->next_num++;
    v->open = true;
    v->dir_dirty = true;
    return 0;
}

/* Write the final message, make the segment durable and close it. */
static int seg_finish(struct bol_vault *v, struct bol_diag *diag)
{
    struct seg *s = &v->segs[v->nsegs - 1];
    unsigned char count[8];
    char path[VPATH_MAX];
    int r;

    r = grow(&v->wbuf, &v->wcap, v->wlen + 4 + FINAL_CLEN);
    if (r < 0)
        return r;
    put_be64(count, s->records);
    put_be32(v->wbuf + v->wlen, (uint32_t) FINAL_CLEN);
    crypto_secretstream_xchacha20poly1305_push(&v->wst, v->wbuf + v->wlen + 4, NULL, count,
                                               sizeof(count), v->wad, sizeof(v->wad), TAG_FINAL);
    v->wlen += 4 + FINAL_CLEN;
    s->bytes += 4 + FINAL_CLEN;
    s->finished = true;
    r = seg_flush(v, diag);
    if (r < 0)
        return r;
    if (fdatasync(v->wfd) != 0) {
        int e = errno;

        if (seg_path(v, s->num, path, NULL) < 0)
            path[0] = '\0';
        return wfail(v, diag, e, "fsync", path);
    }
    close(v->wfd);
    v->wfd = -1;
    v->open = false;
    sodium_memzero(&v->wst, sizeof(v->wst));
    return 0;
}

int bol_vault_append(struct bol_vault *v, uint8_t kind, const void *p, size_t n,
                     struct bol_diag *diag)
{
    struct seg *s;
    size_t clen;
    int r;

    if (v->read_only)
        return bol_diag_fail(diag, BOL_E_STATE, "vault", "opened for reading only");
    if (v->failed)
        return bol_diag_fail(diag, BOL_E_STATE, "vault",
                             "a write failed earlier; reopen the vault");
    if (n > BOL_VAULT_RECORD_MAX)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "record",
                             "record of %zu bytes is over the %zu limit", n, BOL_VAULT_RECORD_MAX);
    if (!v->open) {
        r = seg_start(v, diag);
        if (r < 0)
            return r;
    }
    clen = 1 + n + SS_ABYTES;
    r = grow(&v->pbuf, &v->pcap, 1 + n);
    if (r == 0)
        r = grow(&v->wbuf, &v->wcap, v->wlen + 4 + clen);
    if (r < 0)
        return bol_diag_fail(diag, r, "record", "no memory for a record of %zu bytes", n);
    v->pbuf[0] = kind;
    if (n)
        memcpy(v->pbuf + 1, p, n);
    put_be32(v->wbuf + v->wlen, (uint32_t) clen);
    crypto_secretstream_xchacha20poly1305_push(&v->wst, v->wbuf + v->wlen + 4, NULL, v->pbuf, 1 + n,
                                               v->wad, sizeof(v->wad), TAG_MSG);
    if (v->pcap > SCRATCH_KEEP) {
        bol_free_wipe(v->pbuf, v->pcap);
        v->pbuf = NULL;
        v->pcap = 0;
    }
    v->wlen += 4 + clen;
    s = &v->segs[v->nsegs - 1];
    s->records++;
    s->bytes += 4 + clen;
    v->unsynced = true;
    if (v->wlen >= WBUF_FLUSH) {
        r = seg_flush(v, diag);
        if (r < 0)
            return r;
    }
    if (s->bytes >= v->seg_limit)
        return seg_finish(v, diag);
    return 0;
}

/* ---- the head ---- */

/* The head's plaintext for the current segments and the given blob, in a new buffer. */
static int head_build(const struct bol_vault *v, const void *blob, size_t blob_len,
                      unsigned char **ret, size_t *ret_len, size_t *ret_blob_off)
{
    size_t len = 4 + 8 + 4 + SEG_REC_SIZE * v->nsegs + 4 + blob_len;
    unsigned char *b = bol_malloc(len), *p;
    size_t i;

    if (!b)
        return BOL_E_NOMEM;
    p = b;
    memcpy(p, HEAD_MAGIC, 4);
    put_be64(p + 4, v->generation + 1);
    put_be32(p + 12, (uint32_t) v->nsegs);
    p += 16;
    for (i = 0; i < v->nsegs; i++) {
        const struct seg *s = &v->segs[i];

        put_be32(p, s->num);
        put_be64(p + 4, s->records);
        put_be64(p + 12, s->bytes);
        p[20] = s->finished ? SEG_FINISHED : 0;
        p += SEG_REC_SIZE;
    }
    put_be32(p, (uint32_t) blob_len);
    if (blob_len)
        memcpy(p + 4, blob, blob_len);
    *ret_blob_off = (size_t) (p + 4 - b);
    *ret = b;
    *ret_len = len;
    return 0;
}

/* Encrypt plain as the head and replace DIR/head atomically. */
static int head_write(const char *dir, const unsigned char *key, const unsigned char *plain,
                      size_t len, struct bol_diag *diag)
{
    char tmp[VPATH_MAX], path[VPATH_MAX];
    size_t clen = SS_HEADER + len + SS_ABYTES;
    unsigned char *c = bol_malloc(clen);
    ss_state st;
    int fd = -1, r, e;

    if (!c)
        return BOL_E_NOMEM;
    r = vpath(tmp, diag, "%s/" HEAD_TMP, dir);
    if (r == 0)
        r = vpath(path, diag, "%s/" HEAD_NAME, dir);
    if (r < 0)
        goto out;
    crypto_secretstream_xchacha20poly1305_init_push(&st, c, key);
    crypto_secretstream_xchacha20poly1305_push(&st, c + SS_HEADER, NULL, plain, len,
                                               (const unsigned char *) AD_HEAD, sizeof(AD_HEAD) - 1,
                                               TAG_FINAL);
    sodium_memzero(&st, sizeof(st));
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        r = io_fail(diag, errno, "create", tmp);
        goto out;
    }
    if (write_all(fd, c, clen) != 0 || fsync(fd) != 0) {
        e = errno;
        r = io_fail(diag, e, "write", tmp);
        goto out;
    }
    e = close(fd);
    fd = -1;
    if (e != 0) {
        r = io_fail(diag, errno, "close", tmp);
        goto out;
    }
    if (rename(tmp, path) != 0) {
        r = io_fail(diag, errno, "rename", tmp);
        goto out;
    }
    r = fsync_dir_path(dir, diag);
out:
    if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    bol_free(c);
    return r;
}

/* Write a new head with the current segments and this blob; on success it becomes the state. */
static int head_commit(struct bol_vault *v, const void *blob, size_t blob_len,
                       struct bol_diag *diag)
{
    unsigned char *plain = NULL;
    size_t len, off, i;
    int r;

    r = head_build(v, blob, blob_len, &plain, &len, &off);
    if (r < 0)
        return r;
    r = head_write(v->dir, v->key, plain, len, diag);
    if (r < 0) {
        bol_free(plain);
        v->failed = true;
        return r;
    }
    for (i = 0; i < v->nsegs; i++) {
        struct seg *s = &v->segs[i];

        s->durable = true;
        s->d_records = s->records;
        s->d_bytes = s->bytes;
        s->d_finished = s->finished;
    }
    bol_free(v->head_plain);
    v->head_plain = plain;
    v->head_len = len;
    v->blob_off = off;
    v->blob_len = blob_len;
    v->generation++;
    return 0;
}

int bol_vault_sync(struct bol_vault *v, const void *blob, size_t blob_len, struct bol_diag *diag)
{
    char path[VPATH_MAX];
    int r;

    if (v->read_only)
        return bol_diag_fail(diag, BOL_E_STATE, "vault", "opened for reading only");
    if (v->failed)
        return bol_diag_fail(diag, BOL_E_STATE, "vault",
                             "a write failed earlier; reopen the vault");
    if (blob_len > BOL_VAULT_BLOB_MAX)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "blob", "blob of %zu bytes is over the %zu limit",
                             blob_len, BOL_VAULT_BLOB_MAX);
    if (v->open) {
        r = seg_flush(v, diag);
        if (r < 0)
            return r;
        if (fdatasync(v->wfd) != 0) {
            int e = errno;

            if (seg_path(v, v->segs[v->nsegs - 1].num, path, NULL) < 0)
                path[0] = '\0';
            return wfail(v, diag, e, "fsync", path);
        }
    }
    if (v->dir_dirty) {
        r = vpath(path, diag, "%s/" SEG_DIR, v->dir);
        if (r == 0)
            r = fsync_dir_path(path, diag);
        if (r < 0) {
            v->failed = true;
            return r;
        }
        v->dir_dirty = false;
    }
    r = head_commit(v, blob, blob_len, diag);
    if (r < 0)
        return r;
    v->unsynced = false;
    return 0;
}

struct bol_str bol_vault_blob(const struct bol_vault *v)
{
    if (!v->head_plain)
        return bol_str_make("", 0);
    return bol_str_make((const char *) v->head_plain + v->blob_off, v->blob_len);
}

uint32_t bol_vault_segment(const struct bol_vault *v)
{
    return v->open ? v->segs[v->nsegs - 1].num : (uint32_t) v->next_num;
}

uint64_t bol_vault_generation(const struct bol_vault *v)
{
    return v->generation;
}

/* Decrypt and parse the head; fills v->segs, generation and the blob. */
static int head_load(struct bol_vault *v, struct bol_diag *diag)
{
    char path[VPATH_MAX];
    unsigned char *c = NULL, *plain = NULL, tag;
    unsigned long long mlen;
    size_t clen = 0, n, i, off;
    ss_state st;
    int r;

    r = vpath(path, diag, "%s/" HEAD_NAME, v->dir);
    if (r == 0)
        r = read_file(path, SS_HEADER + HEAD_PLAIN_MAX + SS_ABYTES, &c, &clen, diag);
    if (r < 0)
        return r;
    if (clen < SS_HEADER + SS_ABYTES + 16 + 4) {
        r = bol_diag_fail(diag, BOL_E_CORRUPT, "head", "'%s' is truncated", path);
        goto out;
    }
    plain = bol_malloc(clen - SS_HEADER - SS_ABYTES);
    if (!plain) {
        r = BOL_E_NOMEM;
        goto out;
    }
    if (crypto_secretstream_xchacha20poly1305_init_pull(&st, c, v->key) != 0 ||
        crypto_secretstream_xchacha20poly1305_pull(
            &st, plain, &mlen, &tag, c + SS_HEADER, clen - SS_HEADER,
            (const unsigned char *) AD_HEAD, sizeof(AD_HEAD) - 1) != 0 ||
        tag != TAG_FINAL) {
        r = bol_diag_fail(diag, BOL_E_CORRUPT, "head",
                          "'%s' fails to authenticate (altered, or another vault's key)", path);
        goto out;
    }
    sodium_memzero(&st, sizeof(st));
    if (memcmp(plain, HEAD_MAGIC, 4) != 0) {
        r = bol_diag_fail(diag, BOL_E_CORRUPT, "head", "'%s' has an unknown format", path);
        goto out;
    }
    n = get_be32(plain + 12);
    if (n > BOL_VAULT_SEGMENTS_MAX || 16 + SEG_REC_SIZE * n + 4 > mlen) {
        r = bol_diag_fail(diag, BOL_E_CORRUPT, "head", "'%s' lists a bad number of segments", path);
        goto out;
    }
    off = 16 + SEG_REC_SIZE * n;
    if (get_be32(plain + off) != mlen - off - 4 || mlen - off - 4 > BOL_VAULT_BLOB_MAX) {
        r = bol_diag_fail(diag, BOL_E_CORRUPT, "head", "'%s' has a bad blob length", path);
        goto out;
    }
    if (n > 0) {
        v->segs = bol_calloc(n, sizeof(*v->segs));
        if (!v->segs) {
            r = BOL_E_NOMEM;
            goto out;
        }
        v->segs_alloc = n;
    }
    for (i = 0; i < n; i++) {
        const unsigned char *p = plain + 16 + SEG_REC_SIZE * i;
        struct seg *s = &v->segs[i];

        s->num = get_be32(p);
        s->records = s->d_records = get_be64(p + 4);
        s->bytes = s->d_bytes = get_be64(p + 12);
        s->finished = s->d_finished = (p[20] & SEG_FINISHED) != 0;
        s->durable = true;
        if (s->num == 0 || (i > 0 && s->num <= v->segs[i - 1].num) || p[20] & ~SEG_FINISHED ||
            s->bytes < SS_HEADER + (s->finished ? 4 + FINAL_CLEN : 0) ||
            s->records > (s->bytes - SS_HEADER) / (4 + 1 + SS_ABYTES)) {
            r = bol_diag_fail(diag, BOL_E_CORRUPT, "head", "'%s' has a bad entry for segment %zu",
                              path, i + 1);
            goto out;
        }
    }
    v->nsegs = n;
    v->next_num = n ? (uint64_t) v->segs[n - 1].num + 1 : 1;
    v->generation = get_be64(plain + 4);
    v->head_plain = plain;
    v->head_len = (size_t) mlen;
    v->blob_off = off + 4;
    v->blob_len = (size_t) mlen - off - 4;
    plain = NULL;
    r = 0;
out:
    bol_free(plain);
    bol_free(c);
    return r;
}

/* ---- create, open, close ---- */

static int dir_is_empty(const char *dir, bool *ret)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    bool empty = true;

    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            empty = false;
            break;
        }
    }
    closedir(d);
    *ret = empty;
    return 0;
}

static int write_new_file(const char *path, const void *p, size_t n, struct bol_diag *diag)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    int e;

    if (fd < 0)
        return io_fail(diag, errno, "create", path);
    if (write_all(fd, p, n) != 0 || fsync(fd) != 0) {
        e = errno;
        close(fd);
        unlink(path);
        return io_fail(diag, e, "write", path);
    }
    close(fd);
    return 0;
}

int bol_vault_create(const char *dir, struct bol_diag *diag)
{
    unsigned char key[KEY_BYTES];
    struct bol_vault tmp;
    char path[VPATH_MAX];
    unsigned char *plain = NULL;
    size_t len, off;
    bool empty;
    int r;

    if (sodium_init() < 0)
        return bol_diag_fail(diag, BOL_E_INTERNAL, "sodium", "libsodium failed to initialise");
    if (strlen(dir) > DIR_MAX)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "dir", "vault directory name too long");
    if (mkdir(dir, 0700) != 0) {
        if (errno != EEXIST)
            return io_fail(diag, errno, "create", dir);
        if (dir_is_empty(dir, &empty) != 0)
            return io_fail(diag, errno, "open", dir);
        if (!empty)
            return bol_diag_fail(diag, BOL_E_CONFLICT, "dir", "'%s' exists and is not empty", dir);
        if (chmod(dir, 0700) != 0)
            return io_fail(diag, errno, "chmod", dir);
    }
    r = vpath(path, diag, "%s/" SEG_DIR, dir);
    if (r < 0)
        return r;
    if (mkdir(path, 0700) != 0)
        return io_fail(diag, errno, "create", path);
    r = vpath(path, diag, "%s/" SNAP_DIR, dir);
    if (r < 0)
        return r;
    if (mkdir(path, 0700) != 0)
        return io_fail(diag, errno, "create", path);
    r = vpath(path, diag, "%s/" KEY_NAME, dir);
    if (r < 0)
        return r;
    crypto_secretstream_xchacha20poly1305_keygen(key);
    r = write_new_file(path, key, sizeof(key), diag);
    if (r < 0)
        goto out;
    /* An empty head: generation 0 is "created", the first sync writes 1. */
    memset(&tmp, 0, sizeof(tmp));
    tmp.generation = UINT64_MAX; /* head_build writes generation + 1 */
    r = head_build(&tmp, NULL, 0, &plain, &len, &off);
    if (r < 0)
        goto out;
    r = head_write(dir, key, plain, len, diag);
out:
    sodium_memzero(key, sizeof(key));
    bol_free(plain);
    return r;
}

static int key_load(struct bol_vault *v, struct bol_diag *diag)
{
    char path[VPATH_MAX];
    struct stat st;
    ssize_t n;
    int fd, r;

    r = vpath(path, diag, "%s/" KEY_NAME, v->dir);
    if (r < 0)
        return r;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return io_fail(diag, errno, "open", path);
    if (fstat(fd, &st) != 0) {
        r = io_fail(diag, errno, "stat", path);
        goto out;
    }
    if (st.st_mode & 077) {
        r = bol_diag_fail(diag, BOL_E_PERM, "key",
                          "vault key '%s' is accessible by group or others (mode %03o); "
                          "run: chmod 600 '%s'",
                          path, (unsigned) (st.st_mode & 0777), path);
        goto out;
    }
    /* root may open the vault of the account the replica runs as (replica run --user) */
    if (st.st_uid != geteuid() && geteuid() != 0) {
        r = bol_diag_fail(diag, BOL_E_PERM, "key", "vault key '%s' belongs to another user", path);
        goto out;
    }
    if (!S_ISREG(st.st_mode) || st.st_size != KEY_BYTES) {
        r = bol_diag_fail(diag, BOL_E_CORRUPT, "key", "vault key '%s' has %lld bytes, expected %d",
                          path, (long long) st.st_size, KEY_BYTES);
        goto out;
    }
    do
        n = read(fd, v->key, KEY_BYTES);
    while (n < 0 && errno == EINTR);
    if (n != KEY_BYTES) {
        r = n < 0 ? io_fail(diag, errno, "read", path)
                  : bol_diag_fail(diag, BOL_E_CORRUPT, "key", "vault key '%s' is short", path);
        goto out;
    }
    r = 0;
out:
    close(fd);
    return r;
}

/* Highest number among the segment files present (0 when none). */
static int seg_files_max(const struct bol_vault *v, uint64_t *ret, struct bol_diag *diag)
{
    char path[VPATH_MAX];
    struct dirent *e;
    uint64_t max = 0;
    DIR *d;
    int r;

    r = vpath(path, diag, "%s/" SEG_DIR, v->dir);
    if (r < 0)
        return r;
    d = opendir(path);
    if (!d)
        return io_fail(diag, errno, "open", path);
    while ((e = readdir(d)) != NULL) {
        struct bol_str name = bol_str_from(e->d_name);
        uint64_t num;

        if (name.len <= 4 || memcmp(name.p + name.len - 4, ".seg", 4) != 0)
            continue;
        name.len -= 4;
        if (bol_str_to_u64(name, &num) == 0 && bol_is_digit(name.p[0]) && num > max)
            max = num;
    }
    closedir(d);
    *ret = max;
    return 0;
}

int bol_vault_open(const char *dir, const struct bol_vault_config *c, struct bol_vault **ret,
                   struct bol_diag *diag)
{
    struct bol_vault *v = NULL;
    uint64_t fmax = 0;
    size_t i;
    int r;

    if (sodium_init() < 0)
        return bol_diag_fail(diag, BOL_E_INTERNAL, "sodium", "libsodium failed to initialise");
    if (strlen(dir) > DIR_MAX)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "dir", "vault directory name too long");
    if (c && c->segment_bytes > BOL_VAULT_SEGMENT_BYTES_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "segment_bytes", "at most %" PRIu64 " bytes",
                             BOL_VAULT_SEGMENT_BYTES_MAX);
    v = bol_calloc(1, sizeof(*v));
    if (!v)
        return BOL_E_NOMEM;
    memcpy(v->dir, dir, strlen(dir) + 1);
    v->wfd = -1;
    v->seg_limit = c && c->segment_bytes ? c->segment_bytes : BOL_VAULT_SEGMENT_BYTES_DEFAULT;
    v->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (v->dirfd < 0) {
        r = io_fail(diag, errno, "open", dir);
        goto out;
    }
    v->read_only = c && c->read_only;
    if (!v->read_only && flock(v->dirfd, LOCK_EX | LOCK_NB) != 0) {
        r = errno == EWOULDBLOCK
                ? bol_diag_fail(diag, BOL_E_STATE, "vault", "'%s' is open in another process", dir)
                : io_fail(diag, errno, "lock", dir);
        goto out;
    }
    r = key_load(v, diag);
    if (r == 0)
        r = head_load(v, diag);
    if (r == 0)
        r = seg_files_max(v, &fmax, diag);
    if (r < 0)
        goto out;
    /* Never reuse the number of a file a crashed run created after the last sync. */
    if (fmax + 1 > v->next_num)
        v->next_num = fmax + 1;
    for (i = 0; i < v->nsegs; i++) {
        char path[VPATH_MAX];
        struct stat st;

        r = seg_path(v, v->segs[i].num, path, diag);
        if (r < 0)
            goto out;
        if (stat(path, &st) != 0) {
            r = errno == ENOENT ? bol_diag_fail(diag, BOL_E_CORRUPT, "segment",
                                                "segment file '%s' is missing", path)
                                : io_fail(diag, errno, "stat", path);
            goto out;
        }
        if ((uint64_t) st.st_size < v->segs[i].d_bytes) {
            r = bol_diag_fail(diag, BOL_E_CORRUPT, "segment",
                              "segment file '%s' is shorter than the head says (%lld < %" PRIu64
                              " bytes)",
                              path, (long long) st.st_size, v->segs[i].d_bytes);
            goto out;
        }
    }
    *ret = v;
    v = NULL;
    r = 0;
out:
    bol_vault_close(v);
    return r;
}

void bol_vault_close(struct bol_vault *v)
{
    if (!v)
        return;
    if (v->open && !v->unsynced && !v->failed) {
        /* Everything is durable: finish the segment and record that (errors leave it abandoned,
         * which the next open handles like a crash). */
        if (seg_finish(v, NULL) == 0)
            (void) head_commit(v, v->head_plain + v->blob_off, v->blob_len, NULL);
    }
    if (v->wfd >= 0)
        close(v->wfd);
    if (v->dirfd > 0)
        close(v->dirfd);
    sodium_memzero(v->key, sizeof(v->key));
    sodium_memzero(&v->wst, sizeof(v->wst));
    bol_free(v->segs);
    bol_free(v->wbuf);
    bol_free_wipe(v->pbuf, v->pcap);
    bol_free(v->head_plain);
    bol_free(v);
}

/* ---- segments: reading ---- */

struct scan_bufs {
    struct rd rd;
    unsigned char *m;
    size_t mcap;
};

static int seg_corrupt(struct bol_diag *diag, const char *path, uint64_t rec, uint64_t off,
                       const char *why)
{
    int r = bol_diag_fail(diag, BOL_E_CORRUPT, "segment", "'%s' record %" PRIu64 ": %s", path, rec,
                          why);

    if (diag)
        diag->offset = (int64_t) off;
    return r;
}

/* Read and authenticate one frame; *ret_tag and the plaintext in b->m. */
static int frame_pull(struct scan_bufs *b, ss_state *st, const unsigned char *ad, size_t adlen,
                      size_t clen_max, unsigned long long *ret_mlen, unsigned char *ret_tag,
                      const char **why)
{
    const unsigned char *p;
    size_t clen = 0;
    int r;

    r = rd_need(&b->rd, 4, &p);
    if (r != 0) {
        *why = "truncated (the file ends early)";
        return r;
    }
    clen = get_be32(p);
    if (clen < SS_ABYTES || clen > clen_max) {
        *why = "bad length";
        return 1;
    }
    rd_skip(&b->rd, 4);
    r = rd_need(&b->rd, clen, &p);
    if (r != 0) {
        *why = "truncated (the file ends early)";
        return r;
    }
    r = grow(&b->m, &b->mcap, clen - SS_ABYTES + 1);
    if (r < 0)
        return r;
    if (crypto_secretstream_xchacha20poly1305_pull(st, b->m, ret_mlen, ret_tag, p, clen, ad,
                                                   adlen) != 0) {
        *why = "fails to authenticate";
        return 1;
    }
    rd_skip(&b->rd, clen);
    return 0;
}

static int scan_seg(struct bol_vault *v, const struct seg *s, struct scan_bufs *b,
                    bol_vault_rec_fn fn, void *ctx, bool *stop, struct bol_diag *diag)
{
    char path[VPATH_MAX];
    const unsigned char *p;
    unsigned char ad[sizeof(AD_SEG) - 1 + 8], tag;
    unsigned long long mlen;
    const char *why = "";
    struct stat st;
    ss_state ss;
    uint64_t i, off;
    int fd, r;

    r = seg_path(v, s->num, path, diag);
    if (r < 0)
        return r;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? bol_diag_fail(diag, BOL_E_CORRUPT, "segment",
                                               "segment file '%s' is missing", path)
                               : io_fail(diag, errno, "open", path);
    if (fstat(fd, &st) != 0) {
        r = io_fail(diag, errno, "stat", path);
        goto out;
    }
    if ((uint64_t) st.st_size < s->d_bytes) {
        r = bol_diag_fail(diag, BOL_E_CORRUPT, "segment",
                          "segment file '%s' is shorter than the head says (%lld < %" PRIu64
                          " bytes)",
                          path, (long long) st.st_size, s->d_bytes);
        goto out;
    }
    b->rd.fd = fd;
    b->rd.off = b->rd.end = 0;
    b->rd.fpos = 0;
    b->rd.limit = s->d_bytes;
    seg_ad(ad, s->num);
    r = rd_need(&b->rd, SS_HEADER, &p);
    if (r == 0 && crypto_secretstream_xchacha20poly1305_init_pull(&ss, p, v->key) != 0)
        r = 1;
    if (r != 0) {
        r = r < 0 ? r : seg_corrupt(diag, path, 0, 0, "bad stream header");
        goto out;
    }
    rd_skip(&b->rd, SS_HEADER);
    for (i = 1; i <= s->d_records; i++) {
        off = rd_pos(&b->rd);
        r = frame_pull(b, &ss, ad, sizeof(ad), REC_CLEN_MAX, &mlen, &tag, &why);
        if (r == 0 && (tag != TAG_MSG || mlen < 1)) {
            why = tag == TAG_FINAL ? "the segment ends here (final message)" : "bad message";
            r = 1;
        }
        if (r != 0) {
            r = r < 0 ? r : seg_corrupt(diag, path, i, off, why);
            goto out;
        }
        r = fn(ctx, s->num, b->m[0], bol_str_make((const char *) b->m + 1, (size_t) mlen - 1));
        if (r != 0) {
            *stop = r > 0;
            r = r > 0 ? 0 : r;
            goto out;
        }
    }
    off = rd_pos(&b->rd);
    if (s->d_finished) {
        r = frame_pull(b, &ss, ad, sizeof(ad), FINAL_CLEN, &mlen, &tag, &why);
        if (r == 0 && (tag != TAG_FINAL || mlen != 8 || get_be64(b->m) != s->d_records)) {
            why = "expected the final message";
            r = 1;
        }
        if (r != 0) {
            r = r < 0 ? r : seg_corrupt(diag, path, i, off, why);
            goto out;
        }
    }
    if (rd_pos(&b->rd) != s->d_bytes) {
        r = seg_corrupt(diag, path, i, off, "bytes left before the durable end the head says");
        goto out;
    }
    r = 0;
out:
    sodium_memzero(&ss, sizeof(ss));
    close(fd);
    return r;
}

int bol_vault_scan(struct bol_vault *v, uint32_t from_segment, bol_vault_rec_fn fn, void *ctx,
                   struct bol_diag *diag)
{
    struct scan_bufs b;
    bool stop = false;
    size_t i;
    int r = 0;

    memset(&b, 0, sizeof(b));
    for (i = 0; i < v->nsegs && !stop; i++) {
        struct seg s = v->segs[i]; /* fn may append, which may move the array */

        if (!s.durable || s.num < from_segment)
            continue;
        r = scan_seg(v, &s, &b, fn, ctx, &stop, diag);
        if (r < 0)
            break;
    }
    bol_free(b.rd.buf);
    bol_free_wipe(b.m, b.mcap);
    return r;
}

/* ---- snapshots ---- */

static void snap_ad(unsigned char *ad, uint64_t seq)
{
    memcpy(ad, AD_SNAP, sizeof(AD_SNAP) - 1);
    put_be64(ad + sizeof(AD_SNAP) - 1, seq);
}

/* Is name "<20 digits>-..." for this seq? */
static bool snap_name_has_seq(const char *name, uint64_t seq)
{
    char prefix[32];

    snprintf(prefix, sizeof(prefix), "%020" PRIu64 "-", seq);
    return strncmp(name, prefix, strlen(prefix)) == 0;
}

static bool snap_name_ok(const char *name)
{
    size_t n = strlen(name);

    return n > 5 && n < BOL_VAULT_SNAP_NAME_MAX && name[0] != '.' && !strchr(name, '/') &&
           strcmp(name + n - 5, ".snap") == 0;
}

int bol_vault_snap_begin(struct bol_vault *v, uint64_t seq, int64_t at_us, struct bol_str meta,
                         struct bol_vault_snap_writer **ret, struct bol_diag *diag)
{
    struct bol_vault_snap_writer *w = NULL;
    unsigned char *head = NULL, *plain = NULL, *p;
    size_t plen = 4 + 8 + 8 + 4 + meta.len, hlen = SNAP_PREFIX + 4 + plen + SS_ABYTES;
    char dpath[VPATH_MAX];
    struct dirent *e;
    DIR *d = NULL;
    int r;

    if (v->read_only)
        return bol_diag_fail(diag, BOL_E_STATE, "vault", "opened for reading only");
    if (meta.len > BOL_VAULT_SNAP_META_MAX)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "meta",
                             "snapshot metadata of %zu bytes is over the %zu limit", meta.len,
                             BOL_VAULT_SNAP_META_MAX);
    r = vpath(dpath, diag, "%s/" SNAP_DIR, v->dir);
    if (r < 0)
        return r;
    d = opendir(dpath);
    if (!d)
        return io_fail(diag, errno, "open", dpath);
    while ((e = readdir(d)) != NULL) {
        if (snap_name_ok(e->d_name) && snap_name_has_seq(e->d_name, seq)) {
            r = bol_diag_fail(diag, BOL_E_CONFLICT, "seq", "snapshot %" PRIu64 " exists: '%s'", seq,
                              e->d_name);
            goto out;
        }
    }
    w = bol_calloc(1, sizeof(*w));
    head = bol_malloc(hlen);
    plain = bol_malloc(plen);
    if (!w || !head || !plain) {
        r = BOL_E_NOMEM;
        goto out;
    }
    w->fd = -1;
    w->v = v;
    w->seq = seq;
    w->pbuf = bol_malloc(SNAP_PIECE);
    w->cbuf = bol_malloc(4 + SNAP_PIECE + SS_ABYTES);
    if (!w->pbuf || !w->cbuf) {
        r = BOL_E_NOMEM;
        goto out;
    }
    r = vpath(w->final, diag, "%s/%020" PRIu64 "-%" PRId64 ".snap", dpath, seq, at_us);
    if (r == 0)
        r = vpath(w->tmp, diag, "%s/.tmp-%020" PRIu64 "-%ld-%u", dpath, seq, (long) getpid(),
                  v->snap_counter++);
    if (r < 0)
        goto out;
    snap_ad(w->ad, seq);
    memcpy(head, SNAP_MAGIC, 8);
    put_be64(head + 8, seq);
    crypto_secretstream_xchacha20poly1305_init_push(&w->st, head + 16, v->key);
    p = plain;
    memcpy(p, META_MAGIC, 4);
    put_be64(p + 4, seq);
    put_be64(p + 12, (uint64_t) at_us);
    put_be32(p + 20, (uint32_t) meta.len);
    if (meta.len)
        memcpy(p + 24, meta.p, meta.len);
    put_be32(head + SNAP_PREFIX, (uint32_t) (plen + SS_ABYTES));
    crypto_secretstream_xchacha20poly1305_push(&w->st, head + SNAP_PREFIX + 4, NULL, plain, plen,
                                               w->ad, sizeof(w->ad), TAG_MSG);
    w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (w->fd < 0) {
        r = io_fail(diag, errno, "create", w->tmp);
        goto out;
    }
    if (write_all(w->fd, head, hlen) != 0) {
        r = io_fail(diag, errno, "write", w->tmp);
        goto out;
    }
    *ret = w;
    w = NULL;
    r = 0;
out:
    if (d)
        closedir(d);
    bol_free(head);
    bol_free(plain);
    bol_vault_snap_abort(w);
    return r;
}

static int snap_push(struct bol_vault_snap_writer *w, unsigned char tag, struct bol_diag *diag)
{
    size_t clen = w->plen + SS_ABYTES;

    put_be32(w->cbuf, (uint32_t) clen);
    crypto_secretstream_xchacha20poly1305_push(&w->st, w->cbuf + 4, NULL, w->pbuf, w->plen, w->ad,
                                               sizeof(w->ad), tag);
    if (write_all(w->fd, w->cbuf, 4 + clen) != 0) {
        w->failed = true;
        return io_fail(diag, errno, "write", w->tmp);
    }
    w->plen = 0;
    return 0;
}

int bol_vault_snap_write(struct bol_vault_snap_writer *w, const void *p, size_t n,
                         struct bol_diag *diag)
{
    const unsigned char *c = p;
    int r;

    if (w->failed)
        return bol_diag_fail(diag, BOL_E_STATE, "snapshot", "a write failed earlier");
    while (n > 0) {
        size_t k;

        /* A full piece is pushed only when more data follows: the last one carries TAG_FINAL. */
        if (w->plen == SNAP_PIECE) {
            r = snap_push(w, TAG_MSG, diag);
            if (r < 0)
                return r;
        }
        k = BOL_MIN(n, SNAP_PIECE - w->plen);
        memcpy(w->pbuf + w->plen, c, k);
        w->plen += k;
        c += k;
        n -= k;
    }
    return 0;
}

int bol_vault_snap_commit(struct bol_vault_snap_writer *w, struct bol_diag *diag)
{
    char dpath[VPATH_MAX];
    int r;

    if (w->failed) {
        r = bol_diag_fail(diag, BOL_E_STATE, "snapshot", "a write failed earlier");
        goto out;
    }
    r = snap_push(w, TAG_FINAL, diag);
    if (r < 0)
        goto out;
    if (fsync(w->fd) != 0) {
        r = io_fail(diag, errno, "fsync", w->tmp);
        goto out;
    }
    r = close(w->fd);
    w->fd = -1;
    if (r != 0) {
        r = io_fail(diag, errno, "close", w->tmp);
        goto out;
    }
    /* link() never replaces an existing name, unlike rename(). */
    if (link(w->tmp, w->final) != 0) {
        r = errno == EEXIST
                ? bol_diag_fail(diag, BOL_E_CONFLICT, "snapshot", "'%s' exists", w->final)
                : io_fail(diag, errno, "link", w->final);
        goto out;
    }
    r = vpath(dpath, diag, "%s/" SNAP_DIR, w->v->dir);
    if (r == 0) {
        unlink(w->tmp);
        w->tmp[0] = '\0';
        r = fsync_dir_path(dpath, diag);
    }
out:
    bol_vault_snap_abort(w);
    return r;
}

void bol_vault_snap_abort(struct bol_vault_snap_writer *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    if (w->tmp[0])
        unlink(w->tmp);
    sodium_memzero(&w->st, sizeof(w->st));
    bol_free_wipe(w->pbuf, w->pbuf ? SNAP_PIECE : 0);
    bol_free(w->cbuf);
    bol_free(w);
}

/*
 * Open a snapshot file and authenticate its first message.  On success the
 * reader (positioned after it) and the stream state are ready for the data,
 * and b->m holds the metadata plaintext.
 */
static int snap_open(struct bol_vault *v, const char *path, struct scan_bufs *b, ss_state *ss,
                     uint64_t *ret_seq, int64_t *ret_at_us, struct bol_str *ret_meta,
                     struct bol_diag *diag)
{
    const unsigned char *p;
    unsigned char ad[sizeof(AD_SNAP) - 1 + 8], tag;
    unsigned long long mlen;
    const char *why = "";
    struct stat st;
    uint64_t seq;
    int fd, r;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT
                   ? bol_diag_fail(diag, BOL_E_NOTFOUND, "snapshot", "no snapshot '%s'", path)
                   : io_fail(diag, errno, "open", path);
    if (fstat(fd, &st) != 0) {
        r = io_fail(diag, errno, "stat", path);
        close(fd);
        return r;
    }
    b->rd.fd = fd;
    b->rd.off = b->rd.end = 0;
    b->rd.fpos = 0;
    b->rd.limit = (uint64_t) st.st_size;
    r = rd_need(&b->rd, SNAP_PREFIX, &p);
    if (r != 0 || memcmp(p, SNAP_MAGIC, 8) != 0) {
        why = "not a vault snapshot";
        goto bad;
    }
    seq = get_be64(p + 8);
    snap_ad(ad, seq);
    if (crypto_secretstream_xchacha20poly1305_init_pull(ss, p + 16, v->key) != 0) {
        why = "bad stream header";
        r = 1;
        goto bad;
    }
    rd_skip(&b->rd, SNAP_PREFIX);
    r = frame_pull(b, ss, ad, sizeof(ad), META_CLEN_MAX, &mlen, &tag, &why);
    if (r == 0 && (tag != TAG_MSG || mlen < 24 || memcmp(b->m, META_MAGIC, 4) != 0 ||
                   get_be64(b->m + 4) != seq || get_be32(b->m + 20) != mlen - 24)) {
        why = "bad metadata";
        r = 1;
    }
    if (r != 0)
        goto bad;
    *ret_seq = seq;
    *ret_at_us = (int64_t) get_be64(b->m + 12);
    *ret_meta = bol_str_make((const char *) b->m + 24, (size_t) mlen - 24);
    return 0;
bad:
    close(fd);
    b->rd.fd = -1;
    if (r < 0)
        return bol_diag_fail(diag, r, "snapshot", "cannot read '%s'", path);
    return bol_diag_fail(diag, BOL_E_CORRUPT, "snapshot", "'%s': %s", path, why);
}

int bol_vault_snap_read(struct bol_vault *v, const char *name,
                        int (*meta_fn)(void *ctx, uint64_t seq, int64_t at_us, struct bol_str meta),
                        int (*data_fn)(void *ctx, const void *p, size_t n), void *ctx,
                        struct bol_diag *diag)
{
    char path[VPATH_MAX];
    struct scan_bufs b;
    struct bol_str meta;
    unsigned long long mlen;
    unsigned char ad[sizeof(AD_SNAP) - 1 + 8], tag = TAG_MSG;
    const char *why = "";
    ss_state ss;
    uint64_t seq, piece = 0;
    int64_t at_us;
    int r;

    if (!snap_name_ok(name))
        return bol_diag_fail(diag, BOL_E_INVAL, "name", "'%s' is not a snapshot file name", name);
    r = vpath(path, diag, "%s/" SNAP_DIR "/%s", v->dir, name);
    if (r < 0)
        return r;
    memset(&b, 0, sizeof(b));
    r = snap_open(v, path, &b, &ss, &seq, &at_us, &meta, diag);
    if (r < 0)
        goto out;
    snap_ad(ad, seq);
    r = meta_fn ? meta_fn(ctx, seq, at_us, meta) : 0;
    while (r == 0 && tag != TAG_FINAL) {
        piece++;
        r = frame_pull(&b, &ss, ad, sizeof(ad), SNAP_PIECE + SS_ABYTES, &mlen, &tag, &why);
        if (r == 0 && tag != TAG_MSG && tag != TAG_FINAL) {
            why = "bad message";
            r = 1;
        }
        if (r == 0 && tag == TAG_FINAL && rd_pos(&b.rd) != b.rd.limit) {
            why = "bytes after the final message";
            r = 1;
        }
        if (r != 0) {
            r = r < 0 ? r
                      : bol_diag_fail(diag, BOL_E_CORRUPT, "snapshot",
                                      "'%s' data piece %" PRIu64 ": %s", path, piece, why);
            break;
        }
        if (data_fn && mlen > 0)
            r = data_fn(ctx, b.m, (size_t) mlen);
    }
    if (r > 0)
        r = 0;
    close(b.rd.fd);
out:
    sodium_memzero(&ss, sizeof(ss));
    bol_free(b.rd.buf);
    bol_free_wipe(b.m, b.mcap);
    return r;
}

static int snap_cmp(const void *a, const void *b)
{
    const struct bol_vault_snap_info *x = a, *y = b;

    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    if (x->at_us != y->at_us)
        return x->at_us < y->at_us ? -1 : 1;
    return strcmp(x->name, y->name);
}

int bol_vault_snaps(struct bol_vault *v, struct bol_vault_snap_info **ret, size_t *ret_n,
                    struct bol_diag *diag)
{
    struct bol_vault_snap_info *list = NULL;
    size_t n = 0, alloc = 0;
    char dpath[VPATH_MAX], path[VPATH_MAX];
    struct scan_bufs b;
    struct dirent *e;
    DIR *d;
    int r;

    r = vpath(dpath, diag, "%s/" SNAP_DIR, v->dir);
    if (r < 0)
        return r;
    d = opendir(dpath);
    if (!d)
        return io_fail(diag, errno, "open", dpath);
    memset(&b, 0, sizeof(b));
    while ((e = readdir(d)) != NULL) {
        struct bol_str meta;
        ss_state ss;

        if (!snap_name_ok(e->d_name))
            continue;
        if (n == alloc) {
            size_t na = alloc ? alloc * 2 : 16;
            struct bol_vault_snap_info *p = bol_realloc(list, na * sizeof(*p));

            if (!p) {
                r = BOL_E_NOMEM;
                goto out;
            }
            list = p;
            alloc = na;
        }
        r = vpath(path, diag, "%s/%s", dpath, e->d_name);
        if (r == 0)
            r = snap_open(v, path, &b, &ss, &list[n].seq, &list[n].at_us, &meta, diag);
        sodium_memzero(&ss, sizeof(ss));
        if (r < 0)
            goto out;
        close(b.rd.fd);
        memcpy(list[n].name, e->d_name, strlen(e->d_name) + 1);
        n++;
    }
    if (n > 1)
        qsort(list, n, sizeof(*list), snap_cmp);
    *ret = n ? list : NULL;
    *ret_n = n;
    if (n)
        list = NULL;
    r = 0;
out:
    closedir(d);
    bol_free(list);
    bol_free(b.rd.buf);
    bol_free_wipe(b.m, b.mcap);
    return r;
}

/* ---- retention ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

enum { B_HOUR, B_DAY, B_WEEK, B_MONTH, B_KINDS };

/* The four UTC buckets of an instant; false when it is outside the calendar's range. */
static bool buckets(int64_t at_us, int64_t out[B_KINDS])
{
    struct bol_civil c;
    int64_t day;

    if (bol_time_to_civil(at_us, 0, &c) < 0)
        return false;
    day = floor_div(at_us, 86400 * BOL_US_PER_SEC);
    out[B_HOUR] = floor_div(at_us, 3600 * BOL_US_PER_SEC);
    out[B_DAY] = day;
    out[B_WEEK] = floor_div(day + 3, 7); /* 1970-01-01 was a Thursday: weeks start on Monday */
    out[B_MONTH] = (int64_t) c.year * 12 + c.month - 1;
    return true;
}

/* Newest first: at_us, then seq. */
static int newest_first(const void *a, const void *b)
{
    const struct bol_vault_snap_info *x = a, *y = b;

    if (x->at_us != y->at_us)
        return x->at_us > y->at_us ? -1 : 1;
    if (x->seq != y->seq)
        return x->seq > y->seq ? -1 : 1;
    return strcmp(x->name, y->name);
}

int bol_vault_retain(struct bol_vault *v, const struct bol_vault_retention *ret_policy,
                     int64_t now_us, unsigned *ret_kept, unsigned *ret_deleted,
                     struct bol_diag *diag)
{
    struct bol_vault_retention pol = ret_policy ? *ret_policy : BOL_VAULT_RETENTION_DEFAULT;
    const unsigned counts[B_KINDS] = { pol.hourly, pol.daily, pol.weekly, pol.monthly };
    struct bol_vault_snap_info *list = NULL;
    char path[VPATH_MAX], dpath[VPATH_MAX];
    int64_t now_b[B_KINDS];
    unsigned kept = 0, deleted = 0;
    bool *keep = NULL;
    size_t n = 0, i, k, top_seq = 0;
    int r;

    if (v->read_only)
        return bol_diag_fail(diag, BOL_E_STATE, "vault", "opened for reading only");
    if (!buckets(now_us, now_b))
        return bol_diag_fail(diag, BOL_E_INVAL, "now", "the clock is outside years 1..9999");
    r = vpath(dpath, diag, "%s/" SNAP_DIR, v->dir);
    if (r == 0)
        r = bol_vault_snaps(v, &list, &n, diag);
    if (r < 0)
        return r;
    if (n == 0)
        goto done;
    keep = bol_calloc(n, sizeof(*keep));
    if (!keep) {
        r = BOL_E_NOMEM;
        goto out;
    }
    qsort(list, n, sizeof(*list), newest_first);
    keep[0] = true;
    for (i = 0; i < n; i++) {
        if (list[i].seq > list[top_seq].seq)
            top_seq = i;
        if (list[i].at_us > now_us)
            keep[i] = true;
    }
    keep[top_seq] = true;
    for (k = 0; k < B_KINDS; k++) {
        int64_t last = INT64_MIN;
        bool any = false;

        for (i = 0; i < n; i++) {
            int64_t b[B_KINDS];

            if (list[i].at_us > now_us)
                continue;
            if (!buckets(list[i].at_us, b)) {
                keep[i] = true; /* cannot be placed in time: not ours to judge */
                continue;
            }
            if (now_b[k] - b[k] >= (int64_t) counts[k])
                break; /* sorted newest first: every later one is older still */
            if (!any || b[k] != last)
                keep[i] = true;
            any = true;
            last = b[k];
        }
    }
    for (i = 0; i < n; i++) {
        if (keep[i]) {
            kept++;
            continue;
        }
        r = vpath(path, diag, "%s/%s", dpath, list[i].name);
        if (r < 0)
            goto out;
        if (unlink(path) != 0 && errno != ENOENT) {
            r = io_fail(diag, errno, "remove", path);
            goto out;
        }
        deleted++;
    }
    if (deleted > 0) {
        r = fsync_dir_path(dpath, diag);
        if (r < 0)
            goto out;
    }
done:
    if (ret_kept)
        *ret_kept = kept;
    if (ret_deleted)
        *ret_deleted = deleted;
    r = 0;
out:
    bol_free(keep);
    bol_free(list);
    return r;
}
