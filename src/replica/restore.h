/* SPDX-License-Identifier: Apache-2.0 */
/*
 * restore.h - a new primary from the replica, every credential rotated
 *
 * The new primary is built in a fresh data directory from the replica's
 * verified entries: nothing of the attacked host is copied (no database
 * file, no executable, no key).  Entries 1..K are imported exactly as they
 * were hashed, with the old epoch's checkpoints; state comes from the newest
 * usable snapshot plus the entries after it.  Then a `journal.epoch` entry,
 * signed by a new key, names the replica's last verified checkpoint of the
 * old epoch and opens the new one; every API key is revoked, every account
 * must set a new password (and re-enrol MFA: authenticator seeds never leave
 * the primary), and sessions are gone because the new credential store
 * starts empty.  The restored journal is verified with the new key before
 * the restore reports success.
 */
#pragma once

#include "compat.h"
#include "note.h"
#include "secrets.h"
#include "store.h"

struct bol_diag;
struct bol_replica;

#define BOL_RESTORE_ADMINS_MAX 8

struct bol_restore_opts {
    const char *data_dir; /* must not exist, or be empty */
    const char *db_url;   /* NULL: SQLite in data_dir; or postgres://... (an empty database) */
    uint64_t to_seq;      /* keep entries 1..to_seq; 0: everything held */
    int64_t to_time_us;   /* keep the entries before the first accepted at or after it; 0: none */
    /* Accounts given a one-time password now (the first administrators back in). */
    const char *admins[BOL_RESTORE_ADMINS_MAX];
    unsigned nadmins;
    bool keep_mfa;    /* leave accounts' MFA flags as they were (their seeds are gone either way) */
    bool digest;      /* take the state digest at K (a drill compares it with the primary's) */
    const char *note; /* why: goes into the epoch entry */
    int64_t now_us;
};

struct bol_restore_result {
    uint64_t entries;      /* K: entries kept from the old journal */
    uint64_t held;         /* entries the replica held */
    uint64_t snapshot_seq; /* the snapshot state started from, 0: none */
    uint64_t epoch_seq;    /* the new epoch's first entry: K + 1 */
    uint64_t size;         /* the new journal's size after rotation */
    struct bol_state_digest
        digest;              /* with opts.digest: state at K, before the restore's own entries */
    struct bol_verifier pub; /* the new journal key */
    unsigned keys_revoked;
    unsigned accounts_reset;
    char otp[BOL_RESTORE_ADMINS_MAX][BOL_OTP_LEN + 1]; /* for admins[i]; secret, shown once */
    double import_s, rotate_s, verify_s;               /* wall-clock phases */
    double snapshot_s, entries_s, digest_s; /* the import's parts: state, journal, state digest */
};

/* Build the new primary.  Nothing is left in data_dir when this fails. */
BOL_MUST_CHECK int bol_restore(struct bol_replica *r, const struct bol_restore_opts *o,
                               struct bol_restore_result *res, struct bol_diag *diag);
