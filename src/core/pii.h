/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pii.h - sealing personal data under a per-person key (crypto-shredding)
 *
 * Personal data (a driver's name or licence number, a truck plate) must be
 * erasable on request, yet the journal that records it must stay verifiable.
 * So the journal holds only ciphertext: each person has a random 256-bit key
 * in the credential store, and erasing the person deletes the key.
 *
 * Sealed text: "pii1:<person>:<base64(nonce || ciphertext || tag)>", with
 * XChaCha20-Poly1305 (random 192-bit nonce) and the associated data
 * "pii1:<person>:<field>", so a value cannot be moved to another person or
 * field unnoticed.  The person id is in clear so the store can find the key;
 * it is a pseudonym, never a name.
 */
#pragma once

#include "buf.h"
#include "compat.h"
#include "str.h"

struct bol_diag;

#define BOL_PII_KEY_LEN    32
#define BOL_PII_PERSON_MAX 64
#define BOL_PII_FIELD_MAX  64
#define BOL_PII_VALUE_MAX  1024

/* person: 1..64 of [A-Za-z0-9_.:-] (no ':' either, it separates the parts).  0 or BOL_E_INVAL. */
BOL_MUST_CHECK int bol_pii_check_person(struct bol_str person, struct bol_diag *diag);

/* A new random key. */
void bol_pii_keygen(uint8_t key[BOL_PII_KEY_LEN]);

/* Append sealed text for plaintext (valid UTF-8, at most BOL_PII_VALUE_MAX bytes). */
BOL_MUST_CHECK int bol_pii_seal(const uint8_t key[BOL_PII_KEY_LEN], struct bol_str person,
                                struct bol_str field, struct bol_str plaintext, struct bol_buf *out,
                                struct bol_diag *diag);

/* The person a sealed text belongs to.  0 or BOL_E_PARSE. */
BOL_MUST_CHECK int bol_pii_person(struct bol_str sealed, struct bol_str *ret_person,
                                  struct bol_diag *diag);

/*
 * Append the plaintext.  BOL_E_PARSE for malformed text, BOL_E_CORRUPT when
 * the tag does not verify (wrong key, person or field, or tampering).
 */
BOL_MUST_CHECK int bol_pii_open(const uint8_t key[BOL_PII_KEY_LEN], struct bol_str field,
                                struct bol_str sealed, struct bol_buf *out, struct bol_diag *diag);
