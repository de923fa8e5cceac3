/* SPDX-License-Identifier: Apache-2.0 */
/*
 * epoch.h - journal epochs: the entries that name the key signing checkpoints
 *
 * The first entry of a journal (journal.genesis) names the key of epoch 1.
 * A journal.epoch entry starts a new epoch with a new key, after a restore
 * from a replica or a key rotation, and carries the previous epoch's key and
 * the last checkpoint verified under it:
 *
 *   {"epoch":2,"key":"<new verifier key>","note":"<0..512 bytes>",
 *    "previous":{"checkpoint":"<signed note>","key":"<old verifier key>",
 *                "root":"<base64 root>","size":N},
 *    "reason":"restore"|"key-rotation"}
 *
 * Checkpoints of a tree that includes the epoch entry are signed by its key;
 * earlier ones by the previous key (docs/internals/journal.md).  Pure code.
 */
#pragma once

#include "buf.h"
#include "compat.h"
#include "merkle.h"
#include "note.h"
#include "str.h"

struct bol_diag;

#define BOL_EPOCH_NOTE_MAX 512
#define BOL_EPOCH_MAX      1000000

enum bol_epoch_reason {
    BOL_EPOCH_RESTORE = 0,
    BOL_EPOCH_KEY_ROTATION = 1,
};

/* "restore", "key-rotation". */
extern const char *const bol_epoch_reason_names[];

/* A journal.epoch payload, checked. */
struct bol_epoch {
    uint64_t epoch; /* 2 .. BOL_EPOCH_MAX */
    struct bol_verifier key;
    struct bol_verifier prev_key;
    uint64_t prev_size;
    struct bol_hash prev_root;
    enum bol_epoch_reason reason;
};

/*
 * Parse and check a journal.epoch payload (version 1): both keys parse, the
 * previous checkpoint verifies with the previous key, names its origin, and
 * its size and root equal previous.size and previous.root; epoch > 1; note
 * at most BOL_EPOCH_NOTE_MAX bytes.  0 or BOL_E_INVAL naming the field.
 * The payload need not be canonical here (bol_event_check checks that).
 */
BOL_MUST_CHECK int bol_epoch_parse(struct bol_str payload, struct bol_epoch *out,
                                   struct bol_diag *diag);

/*
 * Append the canonical journal.epoch payload to out: previous size and root
 * are taken from prev_checkpoint, which must verify with prev_key.  reason is
 * a bol_epoch_reason; note may be empty.  0, BOL_E_INVAL or a buffer error.
 */
BOL_MUST_CHECK int bol_epoch_payload(uint64_t epoch, const struct bol_verifier *key,
                                     const struct bol_verifier *prev_key,
                                     struct bol_str prev_checkpoint, enum bol_epoch_reason reason,
                                     struct bol_str note, struct bol_buf *out,
                                     struct bol_diag *diag);

/* The key a journal.genesis payload names.  0 or BOL_E_INVAL. */
BOL_MUST_CHECK int bol_genesis_key(struct bol_str payload, struct bol_verifier *out,
                                   struct bol_diag *diag);
