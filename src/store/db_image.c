/* SPDX-License-Identifier: Apache-2.0 */
/*
 * db_image.c - SQLite database images in anonymous memory files
 *
 * A state snapshot is a whole SQLite database.  sqlite3_serialize would make
 * it one allocation, which SQLite caps below 2 GiB - less than a terminal
 * year's state.  Here an image lives in a memory file (memfd_create): the
 * online backup API writes it page by page, it is read back in pieces, and
 * an image being loaded is attached straight from such a file.  Nothing
 * touches a disk, and no single allocation holds the image.
 *
 * SQLite's own unix VFS cannot open a memory file: its only name is a
 * /proc/self/fd link, and the VFS opens with O_NOFOLLOW.  So a VFS of our
 * own, "bollard-fd", opens the name "fd:N" as a duplicate of descriptor N,
 * for a main database only (an image is written with journal_mode=OFF and
 * read without a journal), with plain pread/pwrite and no locks: one
 * connection uses an image at a time.  Everything else (randomness, time,
 * sleep) is the unix VFS's.
 */
#define _GNU_SOURCE 1 /* memfd_create */

#include "compat.h"

#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db-int.h"
#include "errors.h"
#include "mem.h"
#include "store.h"

#define FD_VFS     "bollard-fd"
#define IMAGE_PART (1u << 20)

struct fd_file {
    sqlite3_file base;
    int fd;
};

static int fd_close(sqlite3_file *f)
{
    struct fd_file *p = (struct fd_file *) f;

    if (p->fd >= 0)
        close(p->fd);
    p->fd = -1;
    return SQLITE_OK;
}

static int fd_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    struct fd_file *p = (struct fd_file *) f;
    size_t got = 0;

    while (got < (size_t) n) {
        ssize_t k = pread(p->fd, (char *) buf + got, (size_t) n - got, (off_t) off + (off_t) got);

        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return SQLITE_IOERR_READ;
        if (k == 0) {
            memset((char *) buf + got, 0, (size_t) n - got); /* SQLite wants the rest zeroed */
            return SQLITE_IOERR_SHORT_READ;
        }
        got += (size_t) k;
    }
    return SQLITE_OK;
}

static int fd_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    struct fd_file *p = (struct fd_file *) f;
    size_t put = 0;

    while (put < (size_t) n) {
        ssize_t k =
            pwrite(p->fd, (const char *) buf + put, (size_t) n - put, (off_t) off + (off_t) put);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return errno == ENOSPC ? SQLITE_FULL : SQLITE_IOERR_WRITE;
        put += (size_t) k;
    }
    return SQLITE_OK;
}

static int fd_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    return ftruncate(((struct fd_file *) f)->fd, (off_t) size) == 0 ? SQLITE_OK
                                                                    : SQLITE_IOERR_TRUNCATE;
}

static int fd_sync(sqlite3_file *f, int flags)
{
    (void) f;
    (void) flags;
    return SQLITE_OK; /* memory: nothing to make durable */
}

static int fd_size(sqlite3_file *f, sqlite3_int64 *size)
{
    struct stat st;

    if (fstat(((struct fd_file *) f)->fd, &st) != 0)
        return SQLITE_IOERR_FSTAT;
    *size = (sqlite3_int64) st.st_size;
    return SQLITE_OK;
}

static int fd_lock(sqlite3_file *f, int level)
{
    (void) f;
    (void) level;
    return SQLITE_OK;
}

static int fd_reserved(sqlite3_file *f, int *out)
{
    (void) f;
    *out = 0;
    return SQLITE_OK;
}

static int fd_control(sqlite3_file *f, int op, void *arg)
{
    (void) f;
    (void) op;
    (void) arg;
    return SQLITE_NOTFOUND;
}

static int fd_sector(sqlite3_file *f)
{
    (void) f;
    return 4096;
}

static int fd_caps(sqlite3_file *f)
{
    (void) f;
    return 0;
}

static const sqlite3_io_methods fd_methods = {
    .iVersion = 1,
    .xClose = fd_close,
    .xRead = fd_read,
    .xWrite = fd_write,
    .xTruncate = fd_truncate,
    .xSync = fd_sync,
    .xFileSize = fd_size,
    .xLock = fd_lock,
    .xUnlock = fd_lock,
    .xCheckReservedLock = fd_reserved,
    .xFileControl = fd_control,
    .xSectorSize = fd_sector,
    .xDeviceCharacteristics = fd_caps,
};

/* "fd:N", N a descriptor of this process; any other name fails. */
static int fd_from_name(const char *name)
{
    char *end;
    long v;

    if (!name || strncmp(name, "fd:", 3) != 0)
        return -1;
    errno = 0;
    v = strtol(name + 3, &end, 10);
    return errno || *end || end == name + 3 || v < 0 || v > INT_MAX ? -1 : (int) v;
}

static int fd_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    struct fd_file *p = (struct fd_file *) f;
    int fd = fd_from_name(name);

    (void) vfs;
    p->base.pMethods = NULL;
    p->fd = -1;
    if (fd < 0 || !(flags & SQLITE_OPEN_MAIN_DB))
        return SQLITE_CANTOPEN; /* no journal, no temporary files */
    p->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (p->fd < 0)
        return SQLITE_CANTOPEN;
    p->base.pMethods = &fd_methods;
    if (out_flags)
        *out_flags = flags;
    return SQLITE_OK;
}

static int fd_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void) vfs;
    (void) name;
    (void) sync_dir;
    return SQLITE_IOERR_DELETE;
}

static int fd_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void) vfs;
    (void) flags;
    *out = fd_from_name(name) >= 0; /* a journal ("fd:N-journal") never exists */
    return SQLITE_OK;
}

static int fd_fullname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void) vfs;
    if (strlen(name) >= (size_t) n)
        return SQLITE_CANTOPEN;
    memcpy(out, name, strlen(name) + 1);
    return SQLITE_OK;
}

static sqlite3_vfs fd_vfs;
static int fd_vfs_rc = SQLITE_ERROR;
static pthread_once_t fd_vfs_once = PTHREAD_ONCE_INIT;

static void fd_vfs_register(void)
{
    sqlite3_vfs *unix_vfs = sqlite3_vfs_find("unix");

    if (!unix_vfs)
        return;
    fd_vfs = *unix_vfs; /* randomness, sleep, time, dlopen: the unix VFS's */
    fd_vfs.iVersion = BOL_MIN(unix_vfs->iVersion, 2);
    fd_vfs.szOsFile = (int) sizeof(struct fd_file);
    fd_vfs.mxPathname = 64;
    fd_vfs.pNext = NULL;
    fd_vfs.zName = FD_VFS;
    fd_vfs.pAppData = NULL;
    fd_vfs.xOpen = fd_open;
    fd_vfs.xDelete = fd_delete;
    fd_vfs.xAccess = fd_access;
    fd_vfs.xFullPathname = fd_fullname;
    fd_vfs_rc = sqlite3_vfs_register(&fd_vfs, 0);
}

static int fd_vfs_ready(struct bol_diag *diag)
{
    pthread_once(&fd_vfs_once, fd_vfs_register);
    return fd_vfs_rc == SQLITE_OK
               ? 0
               : bol_diag_fail(diag, BOL_E_INTERNAL, "sqlite", "cannot register the image VFS");
}

int bol_store_image_fd(struct bol_diag *diag)
{
    int fd = memfd_create("bollard-image", MFD_CLOEXEC);

    if (fd < 0)
        return bol_diag_fail(diag, bol_err_from_errno(errno), "image",
                             "cannot make a memory file: %s", strerror(errno));
    return fd;
}

int bol_store_image_put(int fd, const void *p, size_t n, struct bol_diag *diag)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return bol_diag_fail(diag, k < 0 && errno == ENOSPC ? BOL_E_NOMEM : BOL_E_IO, "image",
                                 "cannot hold the image in memory: %s", strerror(errno));
        p = (const char *) p + k;
        n -= (size_t) k;
    }
    return 0;
}

static int sq_fail(sqlite3 *conn, int rc, const char *what, struct bol_diag *diag)
{
    int code = rc == SQLITE_NOMEM || rc == SQLITE_FULL ? BOL_E_NOMEM : BOL_E_IO;

    return bol_diag_fail(diag, code, "image", "%s: %s", what,
                         conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc));
}

/* The whole memory file to fn from its start, in pieces of IMAGE_PART. */
static int image_emit(int fd, int (*fn)(void *ctx, const void *p, size_t n), void *ctx,
                      struct bol_diag *diag)
{
    char *buf = bol_malloc(IMAGE_PART);
    off_t off = 0;
    int r = 0;

    if (!buf)
        return bol_diag_fail(diag, BOL_E_NOMEM, "image", "out of memory");
    for (;;) {
        ssize_t k = pread(fd, buf, IMAGE_PART, off);

        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            r = bol_diag_fail(diag, BOL_E_IO, "image", "cannot read the image: %s",
                              strerror(errno));
            break;
        }
        if (k == 0 || (r = fn(ctx, buf, (size_t) k)) < 0)
            break;
        off += k;
    }
    bol_free(buf);
    return r;
}

int bol_db_sqlite_image(struct bol_db *db, const char *schema,
                        int (*fn)(void *ctx, const void *p, size_t n), void *ctx,
                        struct bol_diag *diag)
{
    sqlite3 *src = bol_db_sqlite_conn(db), *dst = NULL;
    sqlite3_backup *b;
    char name[32];
    int fd, rc, r;

    if (!src)
        return bol_diag_fail(diag, BOL_E_STATE, "sqlite", "an image is a SQLite thing");
    if ((r = fd_vfs_ready(diag)) < 0 || (fd = r = bol_store_image_fd(diag)) < 0)
        return r;
    snprintf(name, sizeof(name), "fd:%d", fd);
    rc = sqlite3_open_v2(name, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, FD_VFS);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(dst, "PRAGMA journal_mode=OFF", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        r = sq_fail(dst, rc, "cannot open the image", diag);
    } else if (!(b = sqlite3_backup_init(dst, "main", src, schema))) {
        r = sq_fail(dst, sqlite3_errcode(dst), "cannot copy the database", diag);
    } else {
        rc = sqlite3_backup_step(b, -1);
        rc = sqlite3_backup_finish(b) == SQLITE_OK && rc == SQLITE_DONE ? SQLITE_OK : rc;
        r = rc == SQLITE_OK ? 0 : sq_fail(dst, rc, "cannot copy the database", diag);
    }
    sqlite3_close_v2(dst);
    if (r == 0)
        r = image_emit(fd, fn, ctx, diag);
    close(fd);
    return r;
}

int bol_db_sqlite_attach_fd(struct bol_db *db, const char *name, int fd, struct bol_diag *diag)
{
    sqlite3 *conn = bol_db_sqlite_conn(db);
    struct stat st;
    char sql[160];
    int rc, r;

    if (!conn)
        return bol_diag_fail(diag, BOL_E_STATE, "sqlite", "an image is a SQLite thing");
    if ((r = fd_vfs_ready(diag)) < 0)
        return r;
    if (fstat(fd, &st) != 0 || st.st_size < 512 || st.st_size % 512)
        return bol_diag_fail(diag, BOL_E_CORRUPT, "sqlite", "an image of %lld bytes is no database",
                             (long long) st.st_size);
    snprintf(sql, sizeof(sql), "ATTACH DATABASE 'file:fd:%d?vfs=" FD_VFS "&mode=ro' AS %s", fd,
             name);
    rc = sqlite3_exec(conn, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return sq_fail(conn, rc, "cannot attach the image", diag);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s.sqlite_schema", name);
    rc = sqlite3_exec(conn, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        r = bol_diag_fail(diag, BOL_E_CORRUPT, "sqlite", "the image is not a database: %s",
                          sqlite3_errmsg(conn));
        snprintf(sql, sizeof(sql), "DETACH DATABASE %s", name);
        (void) sqlite3_exec(conn, sql, NULL, NULL, NULL);
        return r;
    }
    return 0;
}
