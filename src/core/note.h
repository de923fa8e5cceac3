/* SPDX-License-Identifier: Apache-2.0 */
/*
 * note.h - C2SP signed notes, Ed25519 keys and checkpoints
 *
 * A signed note is a text ending in a newline, a blank line, and signature
 * lines "— <key name> <base64(key id || signature)>" (C2SP signed-note; the
 * dash is U+2014).  The signature covers the text including its final
 * newline.  A key id is the first 4 bytes, big-endian, of
 * SHA-256(key name || 0x0A || 0x01 || public key); 0x01 names Ed25519.
 * Keys travel as text:
 *     verifier key  <name>+<key id, 8 hex>+<base64(0x01 || public key)>
 *     signer key    PRIVATE+KEY+<name>+<key id, 8 hex>+<base64(0x01 || seed)>
 * the forms Go's golang.org/x/mod/sumdb/note reads, so other tools can check
 * bollard's checkpoints.
 *
 * A checkpoint (C2SP tlog-checkpoint) is a note whose text is
 *     <origin>\n<tree size>\n<base64 root hash>\n[extension lines]
 * bollard adds one extension line, "time <ISO 8601 UTC>", the moment the
 * tree head was signed, covered by the signature like the rest.
 *
 * Pure code: signing uses libsodium; key generation takes randomness from
 * libsodium's CSPRNG.
 */
#pragma once

#include "buf.h"
#include "compat.h"
#include "merkle.h"
#include "str.h"

struct bol_diag;

#define BOL_KEY_NAME_MAX  128
#define BOL_NOTE_MAX      65536
#define BOL_NOTE_SIGS_MAX 100
#define BOL_ORIGIN_MAX    BOL_KEY_NAME_MAX

struct bol_verifier {
    char name[BOL_KEY_NAME_MAX + 1];
    uint32_t key_id;
    uint8_t pk[32];
};

/* Holds the secret key: wipe with bol_signer_wipe when done. */
struct bol_signer {
    struct bol_verifier v;
    uint8_t sk[64]; /* libsodium form: seed || public key */
};

/*
 * A key name is 1..BOL_KEY_NAME_MAX bytes of printable ASCII without spaces
 * or '+' (the note format's own restriction is UTF-8 without spaces or '+';
 * bollard keeps to ASCII).  0 or BOL_E_INVAL.
 */
BOL_MUST_CHECK int bol_key_name_check(struct bol_str name, struct bol_diag *diag);

uint32_t bol_note_key_id(const char *name, const uint8_t pk[32]);

/* A fresh random key pair named name.  0, BOL_E_INVAL (name) or BOL_E_INTERNAL. */
BOL_MUST_CHECK int bol_signer_generate(const char *name, struct bol_signer *out,
                                       struct bol_diag *diag);

/* Text forms (appended to out; the signer text is a secret). */
BOL_MUST_CHECK int bol_signer_encode(const struct bol_signer *s, struct bol_buf *out);
BOL_MUST_CHECK int bol_verifier_encode(const struct bol_verifier *v, struct bol_buf *out);

/* Parse the text forms (surrounding whitespace ignored).  0 or BOL_E_PARSE; BOL_E_CORRUPT when the key id does not match. */
BOL_MUST_CHECK int bol_signer_decode(struct bol_str text, struct bol_signer *out,
                                     struct bol_diag *diag);
BOL_MUST_CHECK int bol_verifier_decode(struct bol_str text, struct bol_verifier *out,
                                       struct bol_diag *diag);

void bol_signer_wipe(struct bol_signer *s);

/*
 * Sign text (non-empty, ending in "\n", valid UTF-8, no other control
 * characters, no blank line) and append the whole note to out.
 * 0, BOL_E_INVAL or a buffer error.
 */
BOL_MUST_CHECK int bol_note_sign(struct bol_str text, const struct bol_signer *s,
                                 struct bol_buf *out, struct bol_diag *diag);

/*
 * Check a note against one trusted key.  On success *ret_text is the signed
 * text (a slice of note).  BOL_E_PARSE for a malformed note, BOL_E_NOTFOUND
 * when no signature line is by this key, BOL_E_CORRUPT when that key's
 * signature does not verify.
 */
BOL_MUST_CHECK int bol_note_open(struct bol_str note, const struct bol_verifier *v,
                                 struct bol_str *ret_text, struct bol_diag *diag);

struct bol_checkpoint {
    char origin[BOL_ORIGIN_MAX + 1];
    uint64_t size;
    struct bol_hash root;
    int64_t at_us; /* from the "time" extension line; 0 when absent */
};

/* Append the checkpoint text (not yet signed). */
BOL_MUST_CHECK int bol_checkpoint_format(const struct bol_checkpoint *c, struct bol_buf *out);

/* Parse checkpoint text (the signed part of a note).  0 or BOL_E_PARSE. */
BOL_MUST_CHECK int bol_checkpoint_parse(struct bol_str text, struct bol_checkpoint *out,
                                        struct bol_diag *diag);
