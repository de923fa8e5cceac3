/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store.h - the store contract: journal, state tables and credential store
 *
 * A store is a data directory plus a database, SQLite (the embedded default,
 * DATA/bollard.db) or PostgreSQL (a postgres:// URL kept in DATA/bollard.conf).
 * The same code runs on both through db.h.
 *
 *   journal      append-only entries (entry.h) under a Merkle tree (merkle.h),
 *                with signed checkpoints every N entries or T seconds.  The
 *                signing key is DATA/journal.key (mode 0600); its public half
 *                is DATA/journal.pub and the journal's first entry.
 *   state        tables core declares (state.h), changed only by applying
 *                journal entries, in the same transaction as the append, so
 *                state always equals a replay of the journal.
 *   credentials  secrets that must never enter the journal (per-person
 *                encryption keys today; password hashes and key hashes later).
 *                Not journaled, not replicated.
 *
 * A write is: bol_store_begin, one or more bol_store_append, bol_store_commit.
 * When commit returns 0 the entries are durable (SQLite: WAL fsync'd;
 * PostgreSQL: its commit).  A struct bol_store is used by one thread at a time;
 * committer.h shares one writer among many threads.
 */
#pragma once

#include "buf.h"
#include "compat.h"
#include "merkle.h"
#include "note.h"
#include "str.h"

struct bol_diag;
struct bol_store;

#define BOL_CHECKPOINT_EVERY_DEFAULT       1000
#define BOL_CHECKPOINT_INTERVAL_US_DEFAULT (5 * 1000000LL)

struct bol_store_config {
    const char *data_dir;
    const char *db_url;             /* init only: NULL for SQLite, or postgres://... */
    const char *sqlite_vfs;         /* tests: a registered SQLite VFS, or NULL */
    bool read_only;                 /* no key needed, no writes */
    uint32_t checkpoint_every;      /* 0: default */
    int64_t checkpoint_interval_us; /* 0: default */
};

/*
 * Create a data directory: DATA (mode 0700), a new Ed25519 signing key named
 * origin, the configuration, the database schema, and the journal's first
 * entry (journal.genesis, naming the origin and public key) with its
 * checkpoint.  Refuses a directory that already holds a store.  *ret_pub
 * gets the public key to pin elsewhere.
 */
BOL_MUST_CHECK int bol_store_init(const struct bol_store_config *c, const char *origin,
                                  int64_t now_us, struct bol_verifier *ret_pub,
                                  struct bol_diag *diag);

/* Open an initialised data directory. */
BOL_MUST_CHECK int bol_store_open(const struct bol_store_config *c, struct bol_store **ret,
                                  struct bol_diag *diag);

/* Close; an open transaction is rolled back.  NULL is allowed. */
void bol_store_close(struct bol_store *s);

/* The journal's origin (checkpoint and key name) and public key. */
const char *bol_store_origin(const struct bol_store *s);
const struct bol_verifier *bol_store_verifier(const struct bol_store *s);
/* Path of the SQLite file, or the PostgreSQL URL without its password. */
const char *bol_store_location(const struct bol_store *s);

/* Statements run that may have written (see bol_db_writes). */
uint64_t bol_store_writes(const struct bol_store *s);

/*
 * The store's own settings, never journaled or replicated (meta table): the
 * server's detection cursor ("detect.cursor") and the like.  get appends the
 * value to out, BOL_E_NOTFOUND when unset; set runs inside a transaction.
 */
BOL_MUST_CHECK int bol_store_meta_get(struct bol_store *s, const char *key, struct bol_buf *out,
                                      struct bol_diag *diag);
BOL_MUST_CHECK int bol_store_meta_set(struct bol_store *s, const char *key, const char *value,
                                      struct bol_diag *diag);

/* ---- writing ---- */

BOL_MUST_CHECK int bol_store_begin(struct bol_store *s, struct bol_diag *diag);

/*
 * Write a checkpoint if one is due (checkpoint_every entries, or
 * checkpoint_interval_us since the last one with new entries), then commit.
 * On failure everything since begin is gone.
 */
BOL_MUST_CHECK int bol_store_commit(struct bol_store *s, int64_t now_us, struct bol_diag *diag);
void bol_store_rollback(struct bol_store *s);

/* Savepoints inside the open transaction. */
BOL_MUST_CHECK int bol_store_savepoint(struct bol_store *s, struct bol_diag *diag);
BOL_MUST_CHECK int bol_store_release(struct bol_store *s, struct bol_diag *diag);
void bol_store_rollback_to(struct bol_store *s);

struct bol_actor {
    struct bol_str id;   /* "user:NAME", "key:ID", "system" */
    struct bol_str addr; /* source address or "" */
};

struct bol_event_prep;

struct bol_event {
    struct bol_str type;
    uint32_t ver;
    struct bol_str terminal; /* "" for installation-wide events */
    struct bol_str payload;  /* canonical JSON object */
    /*
     * Optional: the payload already checked by bol_event_prepare (events.h)
     * on the caller's thread, so the writer only applies it.  Must have been
     * prepared from these very bytes; NULL to check here.
     */
    const struct bol_event_prep *prep;
};

struct bol_append_result {
    uint64_t first_seq;
    uint64_t last_seq;
    bool duplicate; /* the request id was seen before: nothing new was written */
};

/*
 * Journal a command's events and apply them to state, inside the open
 * transaction.  req is the client's request id ("" for none) and req_hash a
 * hash of the command (NULL when req is ""): a repeated (req, hash) returns
 * the first result with duplicate set and writes nothing; the same req with
 * a different hash is BOL_E_CONFLICT.  Every event is checked
 * (bol_event_check) before anything is written.  On error the transaction
 * must be rolled back (or rolled back to the caller's savepoint).
 */
BOL_MUST_CHECK int bol_store_append(struct bol_store *s, const struct bol_actor *actor,
                                    struct bol_str req, const uint8_t *req_hash, int64_t at_us,
                                    const struct bol_event *events, size_t nevents,
                                    struct bol_append_result *ret, struct bol_diag *diag);

/*
 * A command of several steps (an EDI message: all of it or nothing): after
 * the first step's bol_store_append under req, journal each further step's
 * events under the same req; the request's range grows to cover them, so a
 * repeat returns the whole run.  req "" journals them without a request id.
 */
BOL_MUST_CHECK int bol_store_append_more(struct bol_store *s, const struct bol_actor *actor,
                                         struct bol_str req, int64_t at_us,
                                         const struct bol_event *events, size_t nevents,
                                         struct bol_append_result *ret, struct bol_diag *diag);

/*
 * Look a request id up before running its command: 0 with the first result
 * (duplicate set) when (req, req_hash) was carried out before, BOL_E_NOTFOUND
 * when req is new (or empty), BOL_E_CONFLICT when req was used for a
 * different command.
 */
BOL_MUST_CHECK int bol_store_request_find(struct bol_store *s, struct bol_str req,
                                          const uint8_t *req_hash, struct bol_append_result *ret,
                                          struct bol_diag *diag);

/*
 * Outside a transaction: write a checkpoint now if one is due.  For a server's
 * timer, so a quiet journal still gets its time-based checkpoint.
 */
BOL_MUST_CHECK int bol_store_checkpoint_if_due(struct bol_store *s, int64_t now_us,
                                               struct bol_diag *diag);

/*
 * Inside a transaction: have its commit write a checkpoint if one is due.
 * For a writer that owns the transactions (ops' committer), so a quiet
 * journal still gets its time-based checkpoint.
 */
BOL_MUST_CHECK int bol_store_checkpoint_mark(struct bol_store *s, int64_t now_us,
                                             struct bol_diag *diag);

/* ---- reading ---- */

BOL_MUST_CHECK int bol_store_size(struct bol_store *s, uint64_t *ret, struct bol_diag *diag);

/* Called per entry in order; stop by returning non-zero (which read returns). */
typedef int (*bol_entry_fn)(void *ctx, uint64_t seq, struct bol_str entry,
                            const struct bol_hash *stored_leaf);

/* Entries with from_seq <= seq, at most limit of them (0: no limit), in order. */
BOL_MUST_CHECK int bol_store_read(struct bol_store *s, uint64_t from_seq, uint64_t limit,
                                  bol_entry_fn fn, void *ctx, struct bol_diag *diag);

typedef int (*bol_checkpoint_fn)(void *ctx, uint64_t size, int64_t at_us, struct bol_str note);

/* Checkpoints with size >= from_size, in order of size. */
BOL_MUST_CHECK int bol_store_checkpoints(struct bol_store *s, uint64_t from_size,
                                         bol_checkpoint_fn fn, void *ctx, struct bol_diag *diag);

/* Latest checkpoint note, appended to out; BOL_E_NOTFOUND when none. */
BOL_MUST_CHECK int bol_store_latest_checkpoint(struct bol_store *s, struct bol_buf *out,
                                               struct bol_diag *diag);

/* Proofs over the stored tree (leaf index = seq - 1). */
BOL_MUST_CHECK int bol_store_inclusion_proof(struct bol_store *s, uint64_t index, uint64_t size,
                                             struct bol_merkle_proof *out, struct bol_diag *diag);
BOL_MUST_CHECK int bol_store_consistency_proof(struct bol_store *s, uint64_t old_size,
                                               uint64_t new_size, struct bol_merkle_proof *out,
                                               struct bol_diag *diag);
BOL_MUST_CHECK int bol_store_root(struct bol_store *s, uint64_t size, struct bol_hash *out,
                                  struct bol_diag *diag);

/* ---- verifying and replaying ---- */

enum bol_verify_flags {
    /* Also decode every entry and check its payload is canonical JSON (slower). */
    BOL_VERIFY_DEEP = 1 << 0,
};

struct bol_verify_report {
    uint64_t entries;        /* entries read */
    uint64_t checkpoints;    /* checkpoints verified */
    uint64_t size;           /* tree size verified */
    struct bol_hash root;    /* its root */
    uint64_t bad_seq;        /* first bad entry, 0 when none */
    uint64_t bad_checkpoint; /* size of the first bad checkpoint, 0 when none */
    char what[256];          /* what is wrong, for a person */
};

/*
 * Recompute the tree from the entries, compare every stored leaf hash,
 * check every checkpoint's signature with key and its root against the
 * recomputed tree (which also proves each consistent with the next), and
 * check sequence numbers run 1..N without gaps.  0 when intact;
 * BOL_E_CORRUPT with the report naming the first bad entry or checkpoint.
 */
BOL_MUST_CHECK int bol_store_verify(struct bol_store *s, const struct bol_verifier *key,
                                    unsigned flags, struct bol_verify_report *rep,
                                    struct bol_diag *diag);

struct bol_table_digest {
    char table[32];
    uint64_t rows;
    struct bol_hash hash;
};

#define BOL_STATE_TABLES_MAX 64

struct bol_state_digest {
    size_t n;
    struct bol_table_digest t[BOL_STATE_TABLES_MAX];
};

/* Digest of every state table: rows hashed in primary-key order. */
BOL_MUST_CHECK int bol_store_state_digest(struct bol_store *s, struct bol_state_digest *out,
                                          struct bol_diag *diag);

/*
 * Rebuild state from the journal into a new SQLite database at path (which
 * must not exist), and return its digest.  Reads src in batches; memory stays
 * bounded whatever the journal's length.
 */
BOL_MUST_CHECK int bol_store_replay_into(struct bol_store *src, const char *path,
                                         struct bol_state_digest *out, uint64_t *ret_events,
                                         struct bol_diag *diag);

/* ---- journal epochs: key rotation and restore (restore.c) ---- */

/*
 * Start a new journal epoch with a new signing key: write a checkpoint of the
 * old key if entries are not yet covered, append a journal.epoch entry
 * (reason key-rotation, previous = that latest checkpoint, note = reason_note
 * or "", at most BOL_EPOCH_NOTE_MAX bytes) and commit with a checkpoint
 * signed by the new key.  Only then does DATA/journal.key become the new key
 * (the old private key is overwritten and removed: it is suspected stolen)
 * and DATA/journal.pub the new public key; the old public key stays as
 * DATA/journal.pub.<previous epoch>.  The new key files are written as
 * journal.key.new / journal.pub.new before the commit: bol_store_open
 * finishes a rotation that committed but crashed before the renames, and
 * removes the files of one that did not commit.  Outside a transaction; not
 * on a read-only store or in import mode.  *ret_pub (may be NULL) gets the
 * new public key.
 */
BOL_MUST_CHECK int bol_store_rotate_key(struct bol_store *s, const char *reason_note,
                                        int64_t now_us, struct bol_verifier *ret_pub,
                                        struct bol_diag *diag);

/*
 * Create a data directory like bol_store_init (new signing key named origin,
 * configuration, schema; SQLite or c->db_url) but without a genesis entry:
 * the journal is empty and the store is in import mode.  *ret gets the open
 * store, *ret_pub (may be NULL) its new public key.
 */
BOL_MUST_CHECK int bol_store_restore_init(const struct bol_store_config *c, const char *origin,
                                          int64_t now_us, struct bol_verifier *ret_pub,
                                          struct bol_store **ret, struct bol_diag *diag);

/*
 * In import mode, inside a transaction (bol_store_begin): append an entry
 * exactly as given (canonical bytes, at most BOL_ENTRY_MAX; its seq must be
 * size + 1), store its leaf hash and tree nodes as a normal append does and,
 * with apply, apply it to state.  Its request id (if any) is recorded, without
 * the command's hash: a client repeating that request after the restore gets
 * BOL_E_CONFLICT rather than a second execution.  No checkpoint is written.
 * BOL_E_STATE outside import mode or a transaction, BOL_E_INVAL for a wrong
 * seq, BOL_E_CORRUPT for bytes that are not an entry.  The commit
 * (bol_store_commit) of a transaction holding only imports stays in import
 * mode; the first commit with a normal bol_store_append writes a checkpoint
 * signed with the new key and leaves import mode.
 */
BOL_MUST_CHECK int bol_store_import_entry(struct bol_store *s, struct bol_str entry, bool apply,
                                          struct bol_diag *diag);

struct bol_entry;

/*
 * The same for an entry the caller already decoded (bol_entry_decode of
 * exactly these bytes) and hashed (bol_merkle_leaf_hash of them), so a
 * restore can do that work on another thread.  Passing anything else
 * corrupts the journal; bol_store_verify would then report it.
 */
BOL_MUST_CHECK int bol_store_import_prepared(struct bol_store *s, struct bol_str entry,
                                             const struct bol_entry *e, const struct bol_hash *leaf,
                                             bool apply, struct bol_diag *diag);

/*
 * In import mode, inside a transaction: store a checkpoint of the previous
 * epoch as given.  It must verify with key, name key's origin, and its size
 * and root must equal the journal imported so far.  BOL_E_INVAL (size,
 * origin), BOL_E_CORRUPT (root), or bol_note_open's codes.
 */
BOL_MUST_CHECK int bol_store_import_checkpoint(struct bol_store *s, const struct bol_verifier *key,
                                               struct bol_str note, struct bol_diag *diag);

/* ---- state without a journal, and state snapshots (snapshot.c) ---- */

/*
 * A store holding only state tables, in memory (path NULL) or in a new SQLite
 * file (path must not exist: BOL_E_CONFLICT).  The query functions (query.h)
 * and bol_store_state_digest work on it; journal functions do not.
 */
BOL_MUST_CHECK int bol_store_open_state(const char *path, struct bol_store **ret,
                                        struct bol_diag *diag);

/*
 * Apply one entry (canonical bytes) to a state-only store's state: its seq
 * must be the last applied + 1 (BOL_E_INVAL otherwise).  Batches internally:
 * commits every BOL_STATE_BATCH entries or on bol_store_state_flush.  When
 * applying fails, the entries since the last commit are rolled back and
 * bol_store_state_seq says where to resume.  Unflushed entries are lost on
 * close.
 */
#define BOL_STATE_BATCH 20000
BOL_MUST_CHECK int bol_store_state_apply(struct bol_store *s, struct bol_str entry,
                                         struct bol_diag *diag);
BOL_MUST_CHECK int bol_store_state_flush(struct bol_store *s, struct bol_diag *diag);

/* The last entry applied to a state-only store, 0 when none (and for a full store). */
uint64_t bol_store_state_seq(const struct bol_store *s);

/*
 * Write every state table's rows, in primary-key order, as a byte stream
 * through write (which returns 0 or a negative code, passed on); the stream
 * carries the state fingerprint and the seq the state reflects (the last
 * applied entry of a state-only store, flushed first; the journal size of a
 * full store), read in one transaction.  Format: docs/internals/journal.md.
 * *ret_seq (may be NULL) gets that seq.  Outside a transaction.
 */
BOL_MUST_CHECK int bol_store_state_dump(struct bol_store *s,
                                        int (*write)(void *ctx, const void *p, size_t n), void *ctx,
                                        uint64_t *ret_seq, struct bol_diag *diag);

/*
 * Load a dump into a store whose state tables are empty (a state-only store
 * that applied nothing, or a store being restored), fed in pieces of any
 * size, in one transaction that commits only at load_end once the whole
 * stream and its SHA-256 checked out.  BOL_E_STATE when the tables are not
 * empty or the dump's state fingerprint differs from this build's ("the
 * snapshot was made by a bollard with other state tables; replay the journal
 * instead"); BOL_E_CORRUPT naming the table and row for malformed input
 * (every length is limited).  On any failure the loader is spent: call
 * bol_store_state_load_abort.  load_end frees l whatever it returns and sets
 * *ret_seq (may be NULL) to the dump's seq; a state-only store then resumes
 * applying at seq + 1.
 */
struct bol_state_loader;
BOL_MUST_CHECK int bol_store_state_load_begin(struct bol_store *s, struct bol_state_loader **ret,
                                              struct bol_diag *diag);
BOL_MUST_CHECK int bol_store_state_load_feed(struct bol_state_loader *l, const void *p, size_t n,
                                             struct bol_diag *diag);
BOL_MUST_CHECK int bol_store_state_load_end(struct bol_state_loader *l, uint64_t *ret_seq,
                                            struct bol_diag *diag);
/* Roll back and free; NULL is allowed. */
void bol_store_state_load_abort(struct bol_state_loader *l);

/*
 * The state of a state-only store as a SQLite database image (the replica's
 * snapshots): loads into SQLite without a row being decoded.  Made in a
 * memory file page by page, so any size memory holds will do.  Flushes
 * first; *ret_seq (may be NULL) gets the entry the state reflects.
 */
BOL_MUST_CHECK int bol_store_state_image(struct bol_store *s,
                                         int (*write)(void *ctx, const void *p, size_t n),
                                         void *ctx, uint64_t *ret_seq, struct bol_diag *diag);

/*
 * Load an image made by bol_store_state_image into the empty state tables
 * of s.  SQLite: the image is attached from a memory file and every table
 * copied in one transaction; PostgreSQL: through an in-memory state-only
 * store, row by row.  Refused like a dump: another state fingerprint
 * (BOL_E_STATE), not a database or without its seq (BOL_E_CORRUPT).  The
 * image is n bytes at image, or the whole memory file fd (filled with
 * bol_store_image_put; the caller closes it).
 */
BOL_MUST_CHECK int bol_store_state_load_image(struct bol_store *s, const void *image, size_t n,
                                              uint64_t *ret_seq, struct bol_diag *diag);
BOL_MUST_CHECK int bol_store_state_load_image_fd(struct bol_store *s, int fd, uint64_t *ret_seq,
                                                 struct bol_diag *diag);

/*
 * Restoring into SQLite, the fastest way: the snapshot's state image
 * becomes the new data directory's database, so the state is written once
 * and never copied table by table.  Before bol_store_restore_init on that
 * directory: bol_store_restore_image_open creates it (it must not exist, or
 * be empty) and DIR/bollard.db, and gives the descriptor to fill with
 * bol_store_image_put; bol_store_restore_image_close closes it, checks that
 * it is an image of this bollard's state tables (BOL_E_STATE: another state
 * fingerprint; BOL_E_CORRUPT: not a database or without its seq), gives the
 * entry it reflects and leaves only the state tables, which
 * bol_store_restore_init then completes with the journal's.  On failure the
 * caller removes the directory.
 */
BOL_MUST_CHECK int bol_store_restore_image_open(const char *data_dir, int *ret_fd,
                                                struct bol_diag *diag);
BOL_MUST_CHECK int bol_store_restore_image_close(const char *data_dir, int fd, uint64_t *ret_seq,
                                                 struct bol_diag *diag);

/* A new, empty memory file for an image (close it when done), or a negative code. */
BOL_MUST_CHECK int bol_store_image_fd(struct bol_diag *diag);

/* Append n bytes to the memory file fd. */
BOL_MUST_CHECK int bol_store_image_put(int fd, const void *p, size_t n, struct bol_diag *diag);

/* ---- credential store: personal data keys (crypto-shredding) ---- */

/*
 * Seal personal data (a driver's name, a truck plate) for journaling under
 * the person's key, creating the key on first use.  Appends
 * "pii1:<person>:<base64>" to out.  person is [A-Za-z0-9_.:-], 1..64.
 */
BOL_MUST_CHECK int bol_store_pii_seal(struct bol_store *s, struct bol_str person,
                                      struct bol_str field, struct bol_str plaintext,
                                      struct bol_buf *out, struct bol_diag *diag);

/* Open sealed text.  BOL_E_NOTFOUND when the person was erased; BOL_E_CORRUPT when tampered. */
BOL_MUST_CHECK int bol_store_pii_open(struct bol_store *s, struct bol_str field,
                                      struct bol_str sealed, struct bol_buf *out,
                                      struct bol_diag *diag);

/* Erase a person: delete the key (securely).  Their sealed data becomes unreadable; the journal still verifies. */
BOL_MUST_CHECK int bol_store_pii_erase(struct bol_store *s, struct bol_str person,
                                       struct bol_diag *diag);

/* ---- credential store: access secrets (access.c) ---- */

/*
 * These tables are never journaled or replicated.  Writes belong in the same
 * transaction as the journal entry that records the change (an account's
 * password_set, an apikey.created), so the two cannot disagree; reads may run
 * on a reader outside a transaction.  Every function returns 0, NOTFOUND when
 * the row is missing, or an error.
 */

#define BOL_PWHASH_MAX    128 /* an Argon2id hash string */
#define BOL_CRED_TOTP_MAX 64
#define BOL_CRED_HASH_LEN 32

#define BOL_PW_VERDICT_MAX 160

/*
 * Set a password hash with the verdict on the password when it was set
 * ("ok", "generated", "weak: REASON"; at most BOL_PW_VERDICT_MAX bytes, never
 * the password itself; NULL: not judged).
 */
BOL_MUST_CHECK int bol_cred_password_set(struct bol_store *s, const char *user, const char *hash,
                                         const char *verdict, int64_t now_us,
                                         struct bol_diag *diag);
BOL_MUST_CHECK int bol_cred_password_get(struct bol_store *s, const char *user,
                                         char hash[BOL_PWHASH_MAX + 1], struct bol_diag *diag);

/* A successful login of user at now_us (for dormant accounts); no row: nothing changes. */
BOL_MUST_CHECK int bol_cred_login_ok(struct bol_store *s, const char *user, int64_t now_us,
                                     struct bol_diag *diag);

/* What the self-inspection reads about a password, never the hash. */
struct bol_cred_password_info {
    int64_t changed_at_us;
    int64_t last_login_us;                /* 0: none recorded */
    char verdict[BOL_PW_VERDICT_MAX + 1]; /* "" when not judged */
};

BOL_MUST_CHECK int bol_cred_password_info(struct bol_store *s, const char *user,
                                          struct bol_cred_password_info *out,
                                          struct bol_diag *diag);

struct bol_cred_totp {
    uint8_t secret[BOL_CRED_TOTP_MAX];
    size_t len;
    int64_t last_step;
    bool confirmed;
};

/* A new (unconfirmed) secret, replacing any earlier one. */
BOL_MUST_CHECK int bol_cred_totp_set(struct bol_store *s, const char *user, const uint8_t *secret,
                                     size_t len, int64_t now_us, struct bol_diag *diag);
BOL_MUST_CHECK int bol_cred_totp_get(struct bol_store *s, const char *user,
                                     struct bol_cred_totp *out, struct bol_diag *diag);
/*
 * Use time step `step`: succeeds only when it is newer than every step used
 * before (and marks the secret confirmed); BOL_E_CONFLICT when the code's
 * step was already used, so a code is good once, whatever the race.
 */
BOL_MUST_CHECK int bol_cred_totp_use(struct bol_store *s, const char *user, int64_t step,
                                     struct bol_diag *diag);
BOL_MUST_CHECK int bol_cred_totp_del(struct bol_store *s, const char *user, struct bol_diag *diag);

/* Replace the user's recovery codes with these hashes. */
BOL_MUST_CHECK int bol_cred_recovery_set(struct bol_store *s, const char *user,
                                         const uint8_t (*hashes)[BOL_CRED_HASH_LEN], size_t n,
                                         struct bol_diag *diag);
/* Spend one: 0, or NOTFOUND when no unused code has this hash. */
BOL_MUST_CHECK int bol_cred_recovery_use(struct bol_store *s, const char *user,
                                         const uint8_t hash[BOL_CRED_HASH_LEN], int64_t now_us,
                                         struct bol_diag *diag);

struct bol_cred_session {
    char user[65];
    int64_t created_us, last_seen_us;
    uint8_t csrf[BOL_CRED_HASH_LEN];
    char addr[64];
};

BOL_MUST_CHECK int bol_cred_session_put(struct bol_store *s,
                                        const uint8_t token_hash[BOL_CRED_HASH_LEN],
                                        const struct bol_cred_session *ses, struct bol_diag *diag);
BOL_MUST_CHECK int bol_cred_session_get(struct bol_store *s,
                                        const uint8_t token_hash[BOL_CRED_HASH_LEN],
                                        struct bol_cred_session *out, struct bol_diag *diag);
BOL_MUST_CHECK int bol_cred_session_touch(struct bol_store *s,
                                          const uint8_t token_hash[BOL_CRED_HASH_LEN],
                                          int64_t now_us, struct bol_diag *diag);
BOL_MUST_CHECK int bol_cred_session_del(struct bol_store *s,
                                        const uint8_t token_hash[BOL_CRED_HASH_LEN],
                                        struct bol_diag *diag);
/* Every session of a user (password change, lock, role change). */
BOL_MUST_CHECK int bol_cred_session_del_user(struct bol_store *s, const char *user,
                                             struct bol_diag *diag);
/* Sessions idle since before idle_before or created before created_before. */
BOL_MUST_CHECK int bol_cred_session_expire(struct bol_store *s, int64_t idle_before,
                                           int64_t created_before, struct bol_diag *diag);

BOL_MUST_CHECK int bol_cred_key_put(struct bol_store *s, const char *id,
                                    const uint8_t hash[BOL_CRED_HASH_LEN], struct bol_diag *diag);
BOL_MUST_CHECK int bol_cred_key_get(struct bol_store *s, const char *id,
                                    uint8_t hash[BOL_CRED_HASH_LEN], struct bol_diag *diag);
BOL_MUST_CHECK int bol_cred_key_used(struct bol_store *s, const char *id, int64_t now_us,
                                     const char *addr, struct bol_diag *diag);

struct bol_cred_key_use {
    int64_t last_used_us; /* 0: never */
    char last_addr[64];
};

BOL_MUST_CHECK int bol_cred_key_use_get(struct bol_store *s, const char *id,
                                        struct bol_cred_key_use *out, struct bol_diag *diag);

/* Failed logins: record one, count those since a time, forget a user's. */
BOL_MUST_CHECK int bol_cred_failure_add(struct bol_store *s, const char *user, int64_t now_us,
                                        const char *addr, struct bol_diag *diag);
BOL_MUST_CHECK int bol_cred_failure_count(struct bol_store *s, const char *user, int64_t since_us,
                                          unsigned *ret, struct bol_diag *diag);
BOL_MUST_CHECK int bol_cred_failure_clear(struct bol_store *s, const char *user,
                                          struct bol_diag *diag);
