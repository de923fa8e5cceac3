/* SPDX-License-Identifier: Apache-2.0 */
/*
 * faultvfs.c - a SQLite VFS that loses unsynced writes, fails I/O and fills up
 */
#include "compat.h"

#include <sqlite3.h>

#include "faultvfs.h"
#include "mem.h"

struct pending {
    sqlite3_int64 off;
    int len;
    unsigned char *data;
};

struct ffile {
    sqlite3_file base;
    sqlite3_file *real;
    bool track;
    struct pending *pend;
    size_t npend, cap;
    struct ffile *next_open;
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fault_vfs;
static struct ffile *open_files;
static uint64_t rng = 1;
static unsigned syncs, cut_at, writes, fail_write_at;
static uint64_t written, quota;
static bool have_quota, dead;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

void faultvfs_reset(uint64_t seed)
{
    rng = seed ? seed : 1;
    syncs = cut_at = writes = fail_write_at = 0;
    written = quota = 0;
    have_quota = dead = false;
}

void faultvfs_powercut_at_sync(unsigned n)
{
    cut_at = syncs + n;
}

void faultvfs_fail_write(unsigned n)
{
    fail_write_at = writes + n;
}

void faultvfs_quota(uint64_t bytes)
{
    quota = written + bytes;
    have_quota = true;
}

bool faultvfs_dead(void)
{
    return dead;
}

unsigned faultvfs_syncs(void)
{
    return syncs;
}

static void drop_pending(struct ffile *f)
{
    size_t i;

    for (i = 0; i < f->npend; i++)
        bol_free(f->pend[i].data);
    f->npend = 0;
}

static int flush_pending(struct ffile *f)
{
    size_t i;
    int rc = SQLITE_OK;

    for (i = 0; i < f->npend && rc == SQLITE_OK; i++)
        rc = f->real->pMethods->xWrite(f->real, f->pend[i].data, f->pend[i].len, f->pend[i].off);
    drop_pending(f);
    return rc;
}

/* The power goes out: some unsynced writes reach the disk, in any order; the rest are lost. */
static void power_cut(void)
{
    struct ffile *f;

    for (f = open_files; f; f = f->next_open) {
        size_t i;

        /* Shuffle, then keep a random prefix. */
        for (i = f->npend; i > 1; i--) {
            size_t j = (size_t) (next_rand() % i);
            struct pending t = f->pend[i - 1];

            f->pend[i - 1] = f->pend[j];
            f->pend[j] = t;
        }
        if (f->npend) {
            size_t keep = (size_t) (next_rand() % (f->npend + 1));

            for (i = 0; i < keep; i++)
                f->real->pMethods->xWrite(f->real, f->pend[i].data, f->pend[i].len, f->pend[i].off);
        }
        drop_pending(f);
    }
    dead = true;
}

static int f_close(sqlite3_file *file)
{
    struct ffile *f = (struct ffile *) file;
    struct ffile **pp;
    int rc;

    for (pp = &open_files; *pp; pp = &(*pp)->next_open) {
        if (*pp == f) {
            *pp = f->next_open;
            break;
        }
    }
    /* Closing without a sync keeps nothing new: unsynced writes are lost. */
    drop_pending(f);
    bol_free(f->pend);
    f->pend = NULL;
    rc = f->real->pMethods->xClose(f->real);
    return rc;
}

static int real_size(struct ffile *f, sqlite3_int64 *size)
{
    return f->real->pMethods->xFileSize(f->real, size);
}

static sqlite3_int64 logical_size(struct ffile *f)
{
    sqlite3_int64 size = 0;
    size_t i;

    real_size(f, &size);
    for (i = 0; i < f->npend; i++) {
        if (f->pend[i].off + f->pend[i].len > size)
            size = f->pend[i].off + f->pend[i].len;
    }
    return size;
}

static int f_read(sqlite3_file *file, void *buf, int amt, sqlite3_int64 off)
{
    struct ffile *f = (struct ffile *) file;
    unsigned char *b = buf;
    size_t i;
    int rc;

    if (dead)
        return SQLITE_IOERR_READ;
    rc = f->real->pMethods->xRead(f->real, buf, amt, off);
    if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
        return rc;
    /* Overlay the writes the disk cache still holds, oldest first. */
    for (i = 0; i < f->npend; i++) {
        const struct pending *p = &f->pend[i];
        sqlite3_int64 s = BOL_MAX(off, p->off);
        sqlite3_int64 e = BOL_MIN(off + amt, p->off + p->len);

        if (s < e)
            memcpy(b + (s - off), p->data + (s - p->off), (size_t) (e - s));
    }
    return off + amt <= logical_size(f) ? SQLITE_OK : SQLITE_IOERR_SHORT_READ;
}

static int f_write(sqlite3_file *file, const void *buf, int amt, sqlite3_int64 off)
{
    struct ffile *f = (struct ffile *) file;
    struct pending *p;

    if (dead)
        return SQLITE_IOERR_WRITE;
    writes++;
    if (fail_write_at && writes == fail_write_at)
        return SQLITE_IOERR_WRITE;
    if (have_quota && written + (uint64_t) amt > quota)
        return SQLITE_FULL;
    written += (uint64_t) amt;
    if (!f->track)
        return f->real->pMethods->xWrite(f->real, buf, amt, off);
    if (f->npend == f->cap) {
        size_t ncap = f->cap ? f->cap * 2 : 64;
        struct pending *n = bol_realloc(f->pend, ncap * sizeof(*n));

        if (!n)
            return SQLITE_NOMEM;
        f->pend = n;
        f->cap = ncap;
    }
    p = &f->pend[f->npend];
    p->data = bol_malloc((size_t) amt);
    if (!p->data)
        return SQLITE_NOMEM;
    memcpy(p->data, buf, (size_t) amt);
    p->off = off;
    p->len = amt;
    f->npend++;
    return SQLITE_OK;
}

static int f_truncate(sqlite3_file *file, sqlite3_int64 size)
{
    struct ffile *f = (struct ffile *) file;
    int rc;

    if (dead)
        return SQLITE_IOERR_TRUNCATE;
    rc = flush_pending(f);
    return rc ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int f_sync(sqlite3_file *file, int flags)
{
    struct ffile *f = (struct ffile *) file;
    int rc;

    if (dead)
        return SQLITE_IOERR_FSYNC;
    syncs++;
    if (cut_at && syncs == cut_at) {
        power_cut();
        return SQLITE_IOERR_FSYNC;
    }
    rc = flush_pending(f);
    return rc ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int f_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
    struct ffile *f = (struct ffile *) file;

    if (dead)
        return SQLITE_IOERR_FSTAT;
    *size = logical_size(f);
    return SQLITE_OK;
}

#define FORWARD(f) (((struct ffile *) (f))->real)

static int f_lock(sqlite3_file *f, int l)
{
    return FORWARD(f)->pMethods->xLock(FORWARD(f), l);
}

static int f_unlock(sqlite3_file *f, int l)
{
    return FORWARD(f)->pMethods->xUnlock(FORWARD(f), l);
}

static int f_check_reserved(sqlite3_file *f, int *out)
{
    return FORWARD(f)->pMethods->xCheckReservedLock(FORWARD(f), out);
}

static int f_file_control(sqlite3_file *f, int op, void *arg)
{
    /* No memory-mapped I/O: every read must see the pending writes. */
    if (op == SQLITE_FCNTL_MMAP_SIZE)
        return SQLITE_NOTFOUND;
    return FORWARD(f)->pMethods->xFileControl(FORWARD(f), op, arg);
}

static int f_sector_size(sqlite3_file *f)
{
    return FORWARD(f)->pMethods->xSectorSize(FORWARD(f));
}

static int f_device_chars(sqlite3_file *f)
{
    /* Promise nothing: no atomic writes, no safe appends. */
    (void) f;
    return 0;
}

static int f_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **pp)
{
    return FORWARD(f)->pMethods->xShmMap(FORWARD(f), pg, sz, extend, pp);
}

static int f_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
    return FORWARD(f)->pMethods->xShmLock(FORWARD(f), off, n, flags);
}

static void f_shm_barrier(sqlite3_file *f)
{
    FORWARD(f)->pMethods->xShmBarrier(FORWARD(f));
}

static int f_shm_unmap(sqlite3_file *f, int del)
{
    return FORWARD(f)->pMethods->xShmUnmap(FORWARD(f), del);
}

static int f_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
    (void) f;
    (void) off;
    (void) amt;
    *pp = NULL;
    return SQLITE_OK;
}

static int f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    (void) f;
    (void) off;
    (void) p;
    return SQLITE_OK;
}

static const sqlite3_io_methods fault_io = {
    3,
    f_close,
    f_read,
    f_write,
    f_truncate,
    f_sync,
    f_file_size,
    f_lock,
    f_unlock,
    f_check_reserved,
    f_file_control,
    f_sector_size,
    f_device_chars,
    f_shm_map,
    f_shm_lock,
    f_shm_barrier,
    f_shm_unmap,
    f_fetch,
    f_unfetch,
};

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out)
{
    struct ffile *f = (struct ffile *) file;
    int rc;

    (void) vfs;
    memset(f, 0, sizeof(*f));
    f->real = (sqlite3_file *) (f + 1);
    rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out);
    if (rc != SQLITE_OK || !f->real->pMethods) {
        f->base.pMethods = NULL;
        return rc;
    }
    f->track = (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) != 0;
    f->base.pMethods = &fault_io;
    f->next_open = open_files;
    open_files = f;
    return SQLITE_OK;
}

static int v_delete(sqlite3_vfs *v, const char *n, int sync)
{
    (void) v;
    return real_vfs->xDelete(real_vfs, n, sync);
}

static int v_access(sqlite3_vfs *v, const char *n, int flags, int *out)
{
    (void) v;
    return real_vfs->xAccess(real_vfs, n, flags, out);
}

static int v_full(sqlite3_vfs *v, const char *n, int size, char *out)
{
    (void) v;
    return real_vfs->xFullPathname(real_vfs, n, size, out);
}

static int v_random(sqlite3_vfs *v, int n, char *out)
{
    (void) v;
    return real_vfs->xRandomness(real_vfs, n, out);
}

static int v_sleep(sqlite3_vfs *v, int us)
{
    (void) v;
    return real_vfs->xSleep(real_vfs, us);
}

static int v_time(sqlite3_vfs *v, sqlite3_int64 *out)
{
    (void) v;
    return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static int v_last_error(sqlite3_vfs *v, int n, char *out)
{
    (void) v;
    return real_vfs->xGetLastError(real_vfs, n, out);
}

int faultvfs_register(void)
{
    if (real_vfs)
        return SQLITE_OK;
    real_vfs = sqlite3_vfs_find(NULL);
    if (!real_vfs)
        return SQLITE_ERROR;
    memset(&fault_vfs, 0, sizeof(fault_vfs));
    fault_vfs.iVersion = 2;
    fault_vfs.szOsFile = (int) sizeof(struct ffile) + real_vfs->szOsFile;
    fault_vfs.mxPathname = real_vfs->mxPathname;
    fault_vfs.zName = "fault";
    fault_vfs.xOpen = v_open;
    fault_vfs.xDelete = v_delete;
    fault_vfs.xAccess = v_access;
    fault_vfs.xFullPathname = v_full;
    fault_vfs.xRandomness = v_random;
    fault_vfs.xSleep = v_sleep;
    fault_vfs.xCurrentTimeInt64 = v_time;
    fault_vfs.xGetLastError = v_last_error;
    return sqlite3_vfs_register(&fault_vfs, 0);
}
