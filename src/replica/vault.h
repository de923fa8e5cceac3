/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vault.h - the replica's encrypted, append-only store at rest
 *
 * A vault is a directory (mode 0700) on the backup host:
 *     vault.key              32-byte secretstream key, mode 0600, never leaves the host
 *     head                   encrypted: generation, the segment list, the user blob
 *     segments/NNNNNNNN.seg  the append-only log, one secretstream per segment
 *     snapshots/<seq>-<at_us>.snap  state snapshots, one secretstream each
 * Everything at rest is encrypted and authenticated with libsodium's
 * crypto_secretstream_xchacha20poly1305; each stream's additional data names
 * what it is (segment number, snapshot sequence number, head), so files cannot
 * be swapped or renamed unnoticed.  Records, segments and the journal part are
 * never deleted or rewritten: there is no function to do so.  Only snapshots
 * are deleted, by bol_vault_retain.
 *
 * Durability: records are buffered; bol_vault_sync makes them durable and
 * writes the head atomically.  After a crash, bytes past the head's durable
 * point are ignored and the next run starts a new segment.
 *
 * A vault is used by one process at a time (an exclusive lock on the
 * directory) and one thread at a time.  The file formats are described in vault.c.
 */
#pragma once

#include "compat.h"
#include "str.h"

struct bol_diag;
struct bol_vault;
struct bol_vault_snap_writer;

/* Limits. */
#define BOL_VAULT_RECORD_MAX            ((size_t) 16 << 20) /* bytes of one record (after the kind) */
#define BOL_VAULT_BLOB_MAX              ((size_t) 1 << 20)   /* the user blob of a sync */
#define BOL_VAULT_SNAP_META_MAX         ((size_t) 64 << 10)  /* a snapshot's user metadata */
#define BOL_VAULT_SEGMENTS_MAX          ((uint32_t) 1 << 20) /* segments listed in the head */
#define BOL_VAULT_SEGMENT_BYTES_DEFAULT ((uint64_t) 8 << 20)
#define BOL_VAULT_SEGMENT_BYTES_MAX     ((uint64_t) 1 << 30)

struct bol_vault_config {
    uint64_t segment_bytes; /* finish a segment once it holds this many bytes; 0: 8 MiB */
    /*
     * Read what is durable without the lock, beside the process that writes
     * (a restore or a drill while the replica runs): every write is refused.
     */
    bool read_only;
};

/*
 * Create an empty vault in dir, which must not exist or be an empty directory
 * (it is given mode 0700).  Generates the key, writes an empty head.
 * 0; BOL_E_CONFLICT when dir is not empty; BOL_E_IO / BOL_E_NOSPACE / BOL_E_PERM
 * from the file system (diag names the path).
 */
BOL_MUST_CHECK int bol_vault_create(const char *dir, struct bol_diag *diag);

/*
 * Open a vault.  c may be NULL (defaults).  Loads the key, refusing with
 * BOL_E_PERM a key file group or others can access or another user owns, and
 * with BOL_E_CORRUPT one that is not 32 bytes.  Reads and authenticates the
 * head; checks each listed segment file exists and holds at least the bytes
 * the head made durable (BOL_E_CORRUPT naming the file otherwise).
 * BOL_E_STATE when another process has the vault open; BOL_E_INVAL for a
 * segment_bytes above BOL_VAULT_SEGMENT_BYTES_MAX.  *ret is set only on
 * success; free it with bol_vault_close.
 */
BOL_MUST_CHECK int bol_vault_open(const char *dir, const struct bol_vault_config *c,
                                  struct bol_vault **ret, struct bol_diag *diag);

/*
 * Close and free v (NULL is a no-op); the key is wiped.  When every appended
 * record was synced, the open segment is finished (its TAG_FINAL message
 * written and recorded in the head, with the last blob).  Records appended
 * since the last sync are dropped, as after a crash: their bytes stay in the
 * segment file, past the durable point, and are never read.
 */
void bol_vault_close(struct bol_vault *v);

/*
 * Append a record: kind, then n bytes at p (n <= BOL_VAULT_RECORD_MAX, p may be
 * NULL when n is 0).  Buffered in the open segment, which is created on the
 * first append of a run; durable only after bol_vault_sync.  A segment that
 * reaches the configured size is finished and the next record starts a new
 * one.  BOL_E_TOOBIG for a record over the limit (nothing changes); BOL_E_IO
 * or BOL_E_NOSPACE from writing, after which the vault refuses further writes
 * with BOL_E_STATE (reopen it).
 */
BOL_MUST_CHECK int bol_vault_append(struct bol_vault *v, uint8_t kind, const void *p, size_t n,
                                    struct bol_diag *diag);

/*
 * Make every appended record durable: write the buffer, fsync the segment
 * (and the segments directory when a segment was created), then replace the
 * head atomically (head.tmp, fsync, rename, fsync the directory) with the
 * new segment counts and this user blob (blob_len <= BOL_VAULT_BLOB_MAX; blob
 * may be NULL when blob_len is 0).  BOL_E_TOOBIG for a larger blob (nothing
 * changes); I/O errors as for bol_vault_append.
 */
BOL_MUST_CHECK int bol_vault_sync(struct bol_vault *v, const void *blob, size_t blob_len,
                                  struct bol_diag *diag);

/* The user blob of the last sync (empty after create).  Valid until the next sync or close. */
struct bol_str bol_vault_blob(const struct bol_vault *v);

/* Number of the segment the next appended record goes to (segments are numbered from 1). */
uint32_t bol_vault_segment(const struct bol_vault *v);

/* The head's generation: 0 after create, one more on each head written. */
uint64_t bol_vault_generation(const struct bol_vault *v);

/*
 * Called for each record: its segment, kind and bytes (valid during the call
 * only).  Return 0 to go on, > 0 to stop the scan, < 0 to fail it with that code.
 */
typedef int (*bol_vault_rec_fn)(void *ctx, uint32_t segment, uint8_t kind, struct bol_str rec);

/*
 * Every durable record of the segments numbered from_segment and above, in
 * order (0 or 1: all).  Each record is authenticated before fn sees it.
 * Returns 0 (also when fn stopped the scan), fn's negative code, or
 * BOL_E_CORRUPT naming the segment file and the 1-based record number (diag
 * offset: the byte offset in the file) when a segment is missing or shorter
 * than the head says, a record fails to authenticate, or a finished segment
 * lacks its final message.  A corrupt segment is reported only after the
 * records before the damage were passed to fn.
 */
BOL_MUST_CHECK int bol_vault_scan(struct bol_vault *v, uint32_t from_segment, bol_vault_rec_fn fn,
                                  void *ctx, struct bol_diag *diag);

/*
 * Start a snapshot with sequence number seq, taken at at_us, with user
 * metadata meta (<= BOL_VAULT_SNAP_META_MAX).  The data goes to a hidden
 * temporary file until commit.  BOL_E_CONFLICT when a snapshot with that seq
 * exists; BOL_E_TOOBIG for larger metadata.  *ret only on success.  The
 * writer must be committed or aborted before v is closed.
 */
BOL_MUST_CHECK int bol_vault_snap_begin(struct bol_vault *v, uint64_t seq, int64_t at_us,
                                        struct bol_str meta, struct bol_vault_snap_writer **ret,
                                        struct bol_diag *diag);

/* Add n bytes of data (any size: the stream is cut into messages of at most 1 MiB). */
BOL_MUST_CHECK int bol_vault_snap_write(struct bol_vault_snap_writer *w, const void *p, size_t n,
                                        struct bol_diag *diag);

/*
 * Finish the stream (TAG_FINAL), fsync, and give the file its name
 * "<seq, 20 digits>-<at_us>.snap" without replacing any file, then fsync the
 * directory.  Frees w, also on failure (the temporary file is then removed).
 * BOL_E_CONFLICT when the name exists.
 */
BOL_MUST_CHECK int bol_vault_snap_commit(struct bol_vault_snap_writer *w, struct bol_diag *diag);

/* Drop the snapshot: remove the temporary file and free w.  NULL is a no-op. */
void bol_vault_snap_abort(struct bol_vault_snap_writer *w);

#define BOL_VAULT_SNAP_NAME_MAX 64

struct bol_vault_snap_info {
    uint64_t seq;                       /* authenticated */
    int64_t at_us;                      /* authenticated */
    char name[BOL_VAULT_SNAP_NAME_MAX]; /* file name in snapshots/, advisory */
};

/*
 * List the snapshots, sorted by seq (then at_us), with the metadata read from
 * each file's authenticated first message.  *ret (NULL when *n is 0) is the
 * caller's to bol_free.  BOL_E_CORRUPT naming the file when a *.snap file's
 * metadata does not authenticate.  Out-params only on success.
 */
BOL_MUST_CHECK int bol_vault_snaps(struct bol_vault *v, struct bol_vault_snap_info **ret, size_t *n,
                                   struct bol_diag *diag);

/*
 * Read the snapshot file name (a name from bol_vault_snaps): meta_fn gets its
 * metadata, then data_fn the data in pieces of at most 1 MiB (valid during
 * the call).  Either callback may be NULL; each returns 0 to go on, > 0 to
 * stop (bol_vault_snap_read then returns 0 without reading the rest), < 0 to
 * fail with that code.  Every piece is authenticated before it is passed on,
 * but truncation shows only at the end: the data is complete only when the
 * function returns 0 without having been stopped.  BOL_E_CORRUPT naming the
 * file when anything fails to authenticate, the stream lacks its final
 * message or has bytes after it; BOL_E_INVAL for a name that is not a
 * snapshot file name; BOL_E_NOTFOUND when there is no such file.
 */
BOL_MUST_CHECK int bol_vault_snap_read(struct bol_vault *v, const char *name,
                                       int (*meta_fn)(void *ctx, uint64_t seq, int64_t at_us,
                                                      struct bol_str meta),
                                       int (*data_fn)(void *ctx, const void *p, size_t n),
                                       void *ctx, struct bol_diag *diag);

/* Generations to keep, counted back from the caller's clock; 0 keeps none of that kind. */
struct bol_vault_retention {
    unsigned hourly, daily, weekly, monthly;
};
#define BOL_VAULT_RETENTION_DEFAULT ((struct bol_vault_retention){ 24, 7, 5, 12 })

/*
 * Retention by generations.  Buckets are UTC hours, days, ISO weeks (Monday
 * to Sunday) and calendar months.  A snapshot is kept when it is the newest
 * (by at_us, then seq) of its bucket and that bucket is one of the last
 * r->hourly hours (the current hour counts as the first), r->daily days,
 * r->weekly weeks or r->monthly months up to now_us; a snapshot may count for
 * several.  The newest snapshot and the one with the highest seq are always
 * kept, and so is every snapshot dated after now_us (a clock that went back
 * never deletes).  The others are deleted, then the directory is fsynced.
 * Segments are never touched.  r NULL: BOL_VAULT_RETENTION_DEFAULT.
 * ret_kept/ret_deleted (each may be NULL) get the counts on success.
 */
BOL_MUST_CHECK int bol_vault_retain(struct bol_vault *v, const struct bol_vault_retention *r,
                                    int64_t now_us, unsigned *ret_kept, unsigned *ret_deleted,
                                    struct bol_diag *diag);
