/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store-int.h - the store object, shared by the files of src/store
 */
#pragma once

#include "buf.h"
#include "compat.h"

#include <sys/types.h>
#include "db.h"
#include "merkle.h"
#include "note.h"
#include "state.h"
#include "store.h"

struct bol_entry;

#define STORE_PATH_MAX      4096
#define STORE_SQLITE_NAME   "bollard.db" /* a SQLite store's database, in the data directory */
#define STORE_SAVEPOINT_MAX 16

/* Merkle subtrees of this level and above are stored in merkle_node. */
#define STORE_NODE_LEVEL 8

/* The journal head as of the current transaction. */
struct store_head {
    uint64_t cp_size;
    int64_t cp_at_us;
    struct bol_merkle_frontier f; /* f.size is the journal size */
};

#define TABLE_UPD_MAX 16

/* SQL for one state table, built from its declaration. */
struct table_sql {
    const struct bol_table *t;
    struct bol_sql put;
    struct bol_sql del;
    struct bol_sql all;
    struct bol_sql ins; /* plain INSERT: loading a dump refuses duplicate keys */
    char *ddl;
    /* UPDATE statements, one per set of columns, built on first use. */
    struct {
        uint32_t cols;
        struct bol_sql sql;
    } upd[TABLE_UPD_MAX];
    unsigned nupd;
};

struct bol_store {
    struct bol_db *db;
    char data_dir[STORE_PATH_MAX];
    char location[STORE_PATH_MAX];
    char db_url[STORE_PATH_MAX]; /* PostgreSQL URL (with its password), "" for SQLite */
    char sqlite_vfs[64];
    char origin[BOL_ORIGIN_MAX + 1];
    struct bol_verifier pub;
    struct bol_signer signer;
    bool has_signer;
    bool read_only;
    uint32_t cp_every;
    int64_t cp_interval_us;

    /* Transaction state. */
    bool head_loaded;
    bool head_dirty;
    struct store_head head;
    struct {
        struct store_head head;
        bool loaded, dirty;
    } saved[STORE_SAVEPOINT_MAX];
    unsigned nsaved;

    struct table_sql *tables;
    size_t ntables;
    struct bol_buf entry_buf; /* encoding scratch */

    /*
     * Import mode (restore.c): a restored store takes entries as given and
     * writes no checkpoint until the first commit with a normal append, which
     * forces one signed with the new key and leaves the mode.
     */
    bool importing;
    bool tx_appended; /* this transaction made a normal append */

    /* A state-only store (snapshot.c): state tables without a journal. */
    bool state_only;
    uint64_t state_seq;     /* last entry applied */
    uint64_t state_flushed; /* last entry committed */
    uint32_t state_pending; /* entries applied since the last commit */
};

/* store.c: flush the head (with a checkpoint when due or forced) and commit; the transaction ends either way. */
BOL_MUST_CHECK int store_commit(struct bol_store *s, int64_t now_us, bool force_checkpoint,
                                struct bol_diag *diag);

/* store.c: another read-only connection to the same database (for parallel reads). */
BOL_MUST_CHECK int store_open_reader(struct bol_store *s, struct bol_db **ret,
                                     struct bol_diag *diag);

/* store.c: files of the data directory */
BOL_MUST_CHECK int store_path_join(char *out, size_t n, const char *dir, const char *name,
                                   struct bol_diag *diag);
BOL_MUST_CHECK int store_fsync_dir(const char *dir);
/* Create path exclusively with mode, write data, fsync. */
BOL_MUST_CHECK int store_write_new_file(const char *path, mode_t mode, struct bol_str data,
                                        struct bol_diag *diag);
/* Read a small file whole (at most max bytes); st (may be NULL) gets its status. */
struct stat;
BOL_MUST_CHECK int store_read_small_file(const char *path, size_t max, struct bol_buf *out,
                                         struct stat *st, struct bol_diag *diag);
/*
 * Create a data directory with a new key, configuration and schema; with
 * genesis the journal's first entry and checkpoint too.  *ret gets the open
 * store (or NULL for the caller to skip), *ret_pub its public key.
 */
BOL_MUST_CHECK int store_create(const struct bol_store_config *c, const char *origin,
                                int64_t now_us, bool genesis, struct bol_verifier *ret_pub,
                                struct bol_store **ret, struct bol_diag *diag);

/*
 * restore.c: durability around import mode.  IMPORT (outside a transaction):
 * no syncing while importing.  SEAL (inside the transaction that leaves import
 * mode): flush what was written unsynced.  DURABLE (after its commit): flush
 * that commit and sync every commit from then on.
 */
enum store_sync {
    STORE_SYNC_IMPORT,
    STORE_SYNC_SEAL,
    STORE_SYNC_DURABLE,
};
BOL_MUST_CHECK int store_import_sync(struct bol_store *s, enum store_sync step,
                                     struct bol_diag *diag);
/* restore.c: at open, finish a key rotation that committed but did not rename its files. */
BOL_MUST_CHECK int store_keys_settle(struct bol_store *s, const struct bol_verifier *db_key,
                                     bool *ret_settled, struct bol_diag *diag);

/* state.c */
BOL_MUST_CHECK int store_tables_create(struct bol_store *s, struct bol_diag *diag);
BOL_MUST_CHECK int store_tables_prepare(struct bol_store *s, struct bol_diag *diag);
void store_tables_release(struct bol_store *s);
/* Create missing state tables; when the declarations changed, drop and rebuild from the journal. */
BOL_MUST_CHECK int store_tables_ensure(struct bol_store *s, struct bol_diag *diag);
BOL_MUST_CHECK int store_apply(struct bol_store *s, const struct bol_entry *e,
                               struct bol_diag *diag);
/* For an entry being appended: check its payload and apply it (one parse). */
BOL_MUST_CHECK int store_apply_new(struct bol_store *s, const struct bol_entry *e,
                                   const struct bol_event_prep *prep, struct bol_diag *diag);

/* journal.c */
BOL_MUST_CHECK int store_write_checkpoint(struct bol_store *s, int64_t now_us,
                                          struct bol_diag *diag);
BOL_MUST_CHECK int store_head_load(struct bol_store *s, struct bol_diag *diag);
BOL_MUST_CHECK int store_head_flush(struct bol_store *s, int64_t now_us, bool force_checkpoint,
                                    struct bol_diag *diag);
/*
 * A Merkle frontier's node callback that keeps the perfect subtrees of
 * STORE_NODE_LEVEL and more in merkle_node (appending and importing); the
 * first error stops further writes and stays in r.
 */
struct store_node_sink {
    struct bol_store *s;
    struct bol_diag *diag;
    int r;
};
void store_node_put(void *ctx, unsigned level, uint64_t index, const struct bol_hash *h);

BOL_MUST_CHECK int store_meta_get(struct bol_store *s, const char *key, struct bol_buf *out,
                                  struct bol_diag *diag);
BOL_MUST_CHECK int store_meta_set(struct bol_store *s, const char *key, const char *value,
                                  struct bol_diag *diag);
