/* SPDX-License-Identifier: Apache-2.0 */
/*
 * token.h - secrets handed to people and machines: API keys, session tokens,
 * recovery codes
 *
 * Only a SHA-256 hash of each secret is stored; the text is shown once.  All
 * secrets carry at least 256 bits of randomness except recovery codes (50
 * bits each, typed by hand, used once, and only with the password).
 *
 * API key, 64 characters:
 *
 *     bk1_<id>_<secret><check>
 *
 *   bk1_    prefix: says what the text is, to people and to secret scanners
 *           (with the fixed length and alphabet it makes a precise pattern:
 *           bk1_[a-z2-7]{10}_[0-9A-Za-z]{49});
 *   id      10 random characters of lower-case RFC 4648 base32 (a-z, 2-7),
 *           50 bits: names the key in the store and in logs, not secret;
 *   secret  32 random bytes as a big-endian number in base62 (0-9, A-Z, a-z,
 *           in ASCII order), fixed width 43 characters with leading '0's;
 *   check   CRC-32 (ISO-HDLC, as zlib) of the 58 characters before it, in
 *           base62, fixed width 6.
 *
 * The checksum catches every mistyped character and every truncation before
 * any lookup, so a bad key is answered "malformed" without touching the
 * store.  Stored: the id, and SHA-256 of the 32 secret bytes.
 *
 * Session token: 32 random bytes as unpadded base64url (43 characters).
 * Stored: SHA-256 of the 32 bytes.
 *
 * Recovery code: 10 random characters of lower-case base32, shown as
 * "xxxxx-xxxxx".  Typed back, it may be in upper case and with or without the
 * dash or spaces.  Stored: SHA-256 of the 10 characters.
 *
 * Parsers return BOL_E_INVAL with a reason (and at most a position); no
 * message ever contains the secret or part of it.
 */
#pragma once

#include "compat.h"
#include "str.h"

struct bol_diag;

#define BOL_TOKEN_HASH_LEN 32 /* SHA-256 */

#define BOL_APIKEY_PREFIX     "bk1_"
#define BOL_APIKEY_ID_LEN     10
#define BOL_APIKEY_SECRET_LEN 43 /* base62 characters for 32 bytes */
#define BOL_APIKEY_CHECK_LEN  6
#define BOL_APIKEY_LEN        64 /* 4 + 10 + 1 + 43 + 6 */

struct bol_apikey {
    char id[BOL_APIKEY_ID_LEN + 1];   /* store and show */
    char text[BOL_APIKEY_LEN + 1];    /* show once, never store */
    uint8_t hash[BOL_TOKEN_HASH_LEN]; /* store */
};

/* A new random API key. */
void bol_apikey_make(struct bol_apikey *ret);

/*
 * Check an API key's form and checksum; on success write its id and the hash
 * to compare with the stored one (bol_token_hash_eq).  0 or BOL_E_INVAL
 * (field "api_key").
 */
BOL_MUST_CHECK int bol_apikey_parse(struct bol_str key, char ret_id[BOL_APIKEY_ID_LEN + 1],
                                    uint8_t ret_hash[BOL_TOKEN_HASH_LEN], struct bol_diag *diag);

#define BOL_SESSION_TOKEN_LEN 43

/* A new random session token (NUL-terminated text) and its hash. */
void bol_session_token_make(char text[BOL_SESSION_TOKEN_LEN + 1], uint8_t hash[BOL_TOKEN_HASH_LEN]);

/*
 * The hash of a session token: exactly 43 characters of canonical unpadded
 * base64url.  0 or BOL_E_INVAL (field "session_token").
 */
BOL_MUST_CHECK int bol_session_token_hash(struct bol_str text, uint8_t ret_hash[BOL_TOKEN_HASH_LEN],
                                          struct bol_diag *diag);

#define BOL_RECOVERY_CODE_CHARS    10
#define BOL_RECOVERY_CODE_TEXT_LEN 11 /* "xxxxx-xxxxx" */
#define BOL_RECOVERY_CODES_DEFAULT 10
#define BOL_RECOVERY_CODE_IN_MAX   64 /* longest input the normaliser reads */

struct bol_recovery_code {
    char text[BOL_RECOVERY_CODE_TEXT_LEN + 1]; /* show once, never store */
    uint8_t hash[BOL_TOKEN_HASH_LEN];          /* store */
};

/* n new recovery codes, all different (BOL_RECOVERY_CODES_DEFAULT is the usual n). */
void bol_recovery_codes_make(struct bol_recovery_code *codes, size_t n);

/*
 * The canonical form of a typed recovery code: spaces, tabs and '-' dropped,
 * letters lower-cased, then exactly 10 characters of a-z and 2-7.  Writes
 * the 10 characters and a NUL.  0 or BOL_E_INVAL (field "recovery_code").
 */
BOL_MUST_CHECK int bol_recovery_code_normalize(struct bol_str in,
                                               char ret[BOL_RECOVERY_CODE_CHARS + 1],
                                               struct bol_diag *diag);

/* Normalise, then hash for comparison with the stored hash.  0 or BOL_E_INVAL. */
BOL_MUST_CHECK int bol_recovery_code_hash(struct bol_str in, uint8_t ret_hash[BOL_TOKEN_HASH_LEN],
                                          struct bol_diag *diag);

/* Compare two stored-form hashes in constant time; true when equal. */
BOL_MUST_CHECK bool bol_token_hash_eq(const uint8_t a[BOL_TOKEN_HASH_LEN],
                                      const uint8_t b[BOL_TOKEN_HASH_LEN]);
