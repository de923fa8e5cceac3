/* SPDX-License-Identifier: Apache-2.0 */
/*
 * replica.h - the backup host: pull the primary's journal, verify it, keep it
 *
 * A replica is a data directory on a host of its own (docs/operations/
 * recovery.md).  It *pulls* entries and checkpoints from the primary over
 * HTTPS with an API key of the replica role, recomputes the Merkle tree from
 * the entries it holds, checks every checkpoint's signature with the key it
 * pinned and its root against the recomputed tree, and appends what it
 * accepted to its vault (vault.h: encrypted and authenticated under a key
 * that exists only on this host, append-only).  Nothing the primary says
 * makes it delete or overwrite anything: a rewritten, truncated or forked
 * history is refused and raised as an alert, and so is a new journal epoch
 * (a new signing key) that an operator did not approve here.
 *
 * The replica also keeps the terminal's state, rebuilt from the entries it
 * verified (never copied from the primary), writes it to periodic snapshots
 * kept by generations, and writes a signed manual operations pack
 * (pack.h) every few minutes.
 *
 * Files in DIR besides the vault's:
 *   replica.conf     JSON: primary URL, pinned TLS certificate, intervals
 *   replica.apikey   the replica-role API key (0600)
 *   primary.crt      the primary's TLS certificate, pinned
 *   pack.key         the replica's own Ed25519 signing key for packs (0600)
 *   pack.pub         its public half, for `bollard pack verify`
 *   packs/           the newest operations packs
 *   drills/          signed records of restore drills
 *
 * One process writes (it holds the vault's lock); restores, drills and
 * status read what is durable beside it.
 *
 * Entries held but not yet covered by a signed checkpoint are kept too
 * ("pending"), so the recovery point is the pull interval rather than the
 * checkpoint interval; a later checkpoint that disagrees with them is a fork.
 */
#pragma once

#include <jansson.h>

#include "buf.h"
#include "compat.h"
#include "merkle.h"
#include "note.h"
#include "str.h"

struct bol_diag;
struct bol_replica;
struct bol_store;

/* Records in the vault. */
enum bol_replica_rec {
    BOL_REC_ENTRIES = 1, /* u32 epoch, u64 first seq, u32 count, then per entry u32 length + bytes;
                               only entries a verified checkpoint covers */
    BOL_REC_CHECKPOINT = 2, /* u32 epoch, u64 size, note text */
    BOL_REC_EPOCH = 3,      /* JSON: an approved epoch */
    BOL_REC_ALERT = 4,      /* JSON: {"at", "kind", "message"} */
    BOL_REC_PENDING = 5,    /* as ENTRIES, then u32 generation: held, not yet under a checkpoint */
};

#define BOL_REPLICA_EPOCHS_MAX 32

struct bol_replica_init {
    const char *dir;     /* must not exist, or be empty */
    const char *primary; /* https://host:port of the primary's API */
    const char *ca_file; /* the primary's certificate (copied and pinned), NULL: system CAs */
    const char *api_key; /* the replica-role key's text */
    const char *pin;     /* the primary's journal public key (verifier text) */
};

/*
 * Create a replica directory: the vault (and its key), the configuration, a
 * new signing key for operations packs, and the pinned journal key as epoch 1.
 * *ret_pack_pub (may be NULL) gets the pack key's public text.
 */
BOL_MUST_CHECK int bol_replica_create(const struct bol_replica_init *in,
                                      struct bol_buf *ret_pack_pub, struct bol_diag *diag);

typedef void (*bol_replica_alert_fn)(void *ctx, const char *kind, const char *message);

enum bol_replica_mode {
    BOL_REPLICA_WRITE = 0, /* the pulling process: holds the vault's lock */
    BOL_REPLICA_READ,      /* restore and drill: read what is durable, no lock, no writes */
};

/*
 * Open a replica directory.  In write mode: take the lock, reload the tree
 * and the state (latest usable snapshot, then the verified entries since).
 * on_alert (may be NULL) hears every alert as it is raised.
 */
BOL_MUST_CHECK int bol_replica_open(const char *dir, enum bol_replica_mode mode,
                                    bol_replica_alert_fn on_alert, void *alert_ctx,
                                    struct bol_replica **ret, struct bol_diag *diag);
void bol_replica_close(struct bol_replica *r);

struct bol_replica_poll {
    uint64_t entries;     /* entries appended this poll */
    uint64_t checkpoints; /* checkpoints verified this poll */
    bool refused;         /* the primary's answer was refused (an alert was raised) */
    bool unreachable;     /* the primary could not be asked */
};

/*
 * One pull: the primary's newest entries and checkpoints, verified and made
 * durable before this returns.  0 also when the primary was unreachable or
 * refused (see *out); an error only for the replica's own failures.
 */
BOL_MUST_CHECK int bol_replica_poll(struct bol_replica *r, int64_t now_us,
                                    struct bol_replica_poll *out, struct bol_diag *diag);

/*
 * Housekeeping after polls: a state snapshot when one is due (then retention
 * by generations), and an operations pack when one is due.  force makes both
 * due.
 */
BOL_MUST_CHECK int bol_replica_tend(struct bol_replica *r, int64_t now_us, bool force,
                                    struct bol_diag *diag);

/* Milliseconds between polls, from the configuration. */
unsigned bol_replica_poll_ms(const struct bol_replica *r);

/* Settings given on the command line over replica.conf's; 0 keeps the file's. */
struct bol_replica_config_override {
    unsigned poll_ms;
    unsigned snapshot_every_s;
    unsigned pack_every_s;
};

void bol_replica_override(struct bol_replica *r, const struct bol_replica_config_override *o);

/*
 * Approve a new journal epoch: entries from seq `from` on are signed by key.
 * from may be below the entries held (a restore cut the old epoch short):
 * what the replica holds stays, and the new epoch continues from from - 1.
 * Write mode only.
 */
BOL_MUST_CHECK int bol_replica_approve(struct bol_replica *r, struct bol_str key, uint64_t from,
                                       const char *note, int64_t now_us, struct bol_diag *diag);

/* What the replica holds: sizes, epochs, alerts, snapshots, packs. */
BOL_MUST_CHECK int bol_replica_status(struct bol_replica *r, json_t **ret, struct bol_diag *diag);

/* ---- reading, for restore and drill ---- */

const char *bol_replica_dir(const struct bol_replica *r);
const char *bol_replica_origin(const struct bol_replica *r);
uint64_t bol_replica_size(const struct bol_replica *r); /* entries held in the current lineage */
uint64_t bol_replica_verified(const struct bol_replica *r); /* of those, covered by a checkpoint */

/* The newest verified checkpoint: its note and the key of the epoch that signed it. */
BOL_MUST_CHECK int bol_replica_last_checkpoint(struct bol_replica *r, struct bol_buf *note,
                                               struct bol_verifier *key, struct bol_diag *diag);

/* The key in force for entry (or checkpoint size) seq of the current lineage. */
const struct bol_verifier *bol_replica_key_at(const struct bol_replica *r, uint64_t seq);

/* Entries 1..upto of the current lineage, in order. */
typedef int (*bol_replica_entry_fn)(void *ctx, uint64_t seq, struct bol_str entry);
BOL_MUST_CHECK int bol_replica_read(struct bol_replica *r, uint64_t upto, bol_replica_entry_fn fn,
                                    void *ctx, struct bol_diag *diag);

/* Verified checkpoints of the current lineage with size <= upto, in order of size. */
typedef int (*bol_replica_cp_fn)(void *ctx, uint64_t size, struct bol_str note,
                                 const struct bol_verifier *key);
BOL_MUST_CHECK int bol_replica_checkpoints(struct bol_replica *r, uint64_t upto,
                                           bol_replica_cp_fn fn, void *ctx, struct bol_diag *diag);

/*
 * Entries 1..upto in order and, in the same pass, the verified checkpoints
 * among them: each checkpoint before the entry that completes its size.
 */
BOL_MUST_CHECK int bol_replica_read_all(struct bol_replica *r, uint64_t upto,
                                        bol_replica_entry_fn fn, bol_replica_cp_fn cp_fn, void *ctx,
                                        struct bol_diag *diag);

/*
 * The newest snapshot usable for the current lineage at or below seq:
 * its name and seq, or BOL_E_NOTFOUND.
 */
BOL_MUST_CHECK int bol_replica_snapshot_find(struct bol_replica *r, uint64_t seq, char name[64],
                                             uint64_t *ret_seq, struct bol_diag *diag);
/*
 * Whether a snapshot holds a database image (bol_store_state_image) rather
 * than the portable row dump; only its header is read.
 */
BOL_MUST_CHECK int bol_replica_snapshot_is_image(struct bol_replica *r, const char *name, bool *ret,
                                                 struct bol_diag *diag);
/*
 * Decrypt a snapshot holding an image into fd (bol_store_image_put), as it
 * was made: BOL_E_INVAL when it holds a row dump.
 */
BOL_MUST_CHECK int bol_replica_snapshot_image(struct bol_replica *r, const char *name, int fd,
                                              struct bol_diag *diag);
/*
 * Load a snapshot into a store whose state tables are empty (a state-only
 * store, or a store being restored); *ret_seq gets the entry it reflects.
 */
BOL_MUST_CHECK int bol_replica_snapshot_load(struct bol_replica *r, const char *name,
                                             struct bol_store *into, uint64_t *ret_seq,
                                             struct bol_diag *diag);

/* ---- the primary, asked with the replica's key (drills) ---- */

/* Read mode: load the API key too (a drill asks the primary with it). */
BOL_MUST_CHECK int bol_replica_load_key(struct bol_replica *r, struct bol_diag *diag);

/*
 * GET path on the primary; the body is appended to out.  *status gets the
 * HTTP status (0 when the primary could not be reached; diag says why).
 */
BOL_MUST_CHECK int bol_replica_http_get(struct bol_replica *r, const char *path,
                                        struct bol_buf *out, long *status, struct bol_diag *diag);

/* Sign a drill's record with the replica's pack key into DIR/drills/. */
BOL_MUST_CHECK int bol_replica_record_drill(struct bol_replica *r, json_t *record, int64_t now_us,
                                            char *ret_path, size_t path_len, struct bol_diag *diag);
