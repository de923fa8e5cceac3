/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pii.c - sealing personal data under a per-person key
 */
#include "compat.h"

#include <sodium.h>

#include "errors.h"
#include "jsonw.h"
#include "mem.h"
#include "pii.h"

#define PREFIX     "pii1:"
#define PREFIX_LEN 5
#define NONCE_LEN  crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_LEN    crypto_aead_xchacha20poly1305_ietf_ABYTES
#define RAW_MAX    (NONCE_LEN + BOL_PII_VALUE_MAX + TAG_LEN)
#define AD_MAX     (PREFIX_LEN + BOL_PII_PERSON_MAX + 1 + BOL_PII_FIELD_MAX)

int bol_pii_check_person(struct bol_str person, struct bol_diag *diag)
{
    size_t i;

    if (!person.len || person.len > BOL_PII_PERSON_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "person", "person id must be 1 to %d characters",
                             BOL_PII_PERSON_MAX);
    for (i = 0; i < person.len; i++) {
        char c = person.p[i];

        if (!bol_is_alpha(c) && !bol_is_digit(c) && c != '_' && c != '.' && c != '-')
            return bol_diag_fail(diag, BOL_E_INVAL, "person",
                                 "person id may contain only letters, digits, '_', '.' and '-'");
    }
    return 0;
}

static int field_check(struct bol_str field, struct bol_diag *diag)
{
    if (!field.len || field.len > BOL_PII_FIELD_MAX || memchr(field.p, ':', field.len))
        return bol_diag_fail(diag, BOL_E_INVAL, "field", "field name must be 1 to %d characters",
                             BOL_PII_FIELD_MAX);
    return 0;
}

void bol_pii_keygen(uint8_t key[BOL_PII_KEY_LEN])
{
    if (sodium_init() < 0)
        BOL_BUG("libsodium failed to initialise");
    crypto_aead_xchacha20poly1305_ietf_keygen(key);
}

static size_t make_ad(uint8_t ad[AD_MAX], struct bol_str person, struct bol_str field)
{
    size_t n = 0;

    memcpy(ad, PREFIX, PREFIX_LEN);
    n += PREFIX_LEN;
    memcpy(ad + n, person.p, person.len);
    n += person.len;
    ad[n++] = ':';
    memcpy(ad + n, field.p, field.len);
    return n + field.len;
}

int bol_pii_seal(const uint8_t key[BOL_PII_KEY_LEN], struct bol_str person, struct bol_str field,
                 struct bol_str plaintext, struct bol_buf *out, struct bol_diag *diag)
{
    uint8_t raw[RAW_MAX];
    uint8_t ad[AD_MAX];
    char b64[sodium_base64_ENCODED_LEN(RAW_MAX, sodium_base64_VARIANT_ORIGINAL)];
    unsigned long long clen = 0;
    size_t start = out->len;
    int r;

    if ((r = bol_pii_check_person(person, diag)) < 0 || (r = field_check(field, diag)) < 0)
        return r;
    if (plaintext.len > BOL_PII_VALUE_MAX || !bol_utf8_valid(plaintext.p, plaintext.len))
        return bol_diag_fail(diag, BOL_E_INVAL, "value",
                             "personal data must be UTF-8 text of at most %d bytes",
                             BOL_PII_VALUE_MAX);
    if (sodium_init() < 0)
        return bol_diag_fail(diag, BOL_E_INTERNAL, "pii", "libsodium failed to initialise");
    randombytes_buf(raw, NONCE_LEN);
    crypto_aead_xchacha20poly1305_ietf_encrypt(raw + NONCE_LEN, &clen,
                                               (const unsigned char *) plaintext.p, plaintext.len,
                                               ad, make_ad(ad, person, field), NULL, raw, key);
    sodium_bin2base64(b64, sizeof(b64), raw, NONCE_LEN + (size_t) clen,
                      sodium_base64_VARIANT_ORIGINAL);
    r = bol_buf_adds(out, PREFIX);
    if (r == 0)
        r = bol_buf_addstr(out, person);
    if (r == 0)
        r = bol_buf_addch(out, ':');
    if (r == 0)
        r = bol_buf_adds(out, b64);
    bol_wipe(raw, sizeof(raw));
    if (r < 0)
        bol_buf_truncate(out, start);
    return r;
}

/* Split sealed text into person and base64 parts. */
static int split(struct bol_str sealed, struct bol_str *person, struct bol_str *b64,
                 struct bol_diag *diag)
{
    const char *colon;

    if (!bol_str_starts_with(sealed, PREFIX))
        return bol_diag_fail(diag, BOL_E_PARSE, "pii", "sealed data must start with 'pii1:'");
    colon = memchr(sealed.p + PREFIX_LEN, ':', sealed.len - PREFIX_LEN);
    if (!colon)
        return bol_diag_fail(diag, BOL_E_PARSE, "pii", "sealed data has no person id");
    *person = bol_str_make(sealed.p + PREFIX_LEN, (size_t) (colon - sealed.p) - PREFIX_LEN);
    *b64 = bol_str_make(colon + 1, sealed.len - (size_t) (colon + 1 - sealed.p));
    if (bol_pii_check_person(*person, NULL) < 0)
        return bol_diag_fail(diag, BOL_E_PARSE, "pii", "sealed data has a malformed person id");
    return 0;
}

int bol_pii_person(struct bol_str sealed, struct bol_str *ret_person, struct bol_diag *diag)
{
    struct bol_str b64;

    return split(sealed, ret_person, &b64, diag);
}

int bol_pii_open(const uint8_t key[BOL_PII_KEY_LEN], struct bol_str field, struct bol_str sealed,
                 struct bol_buf *out, struct bol_diag *diag)
{
    struct bol_str person, b64;
    uint8_t raw[RAW_MAX];
    uint8_t plain[BOL_PII_VALUE_MAX];
    uint8_t ad[AD_MAX];
    unsigned long long plen = 0;
    const char *end = NULL;
    size_t n = 0;
    int r;

    if ((r = split(sealed, &person, &b64, diag)) < 0 || (r = field_check(field, diag)) < 0)
        return r;
    if (sodium_init() < 0)
        return bol_diag_fail(diag, BOL_E_INTERNAL, "pii", "libsodium failed to initialise");
    if (!b64.len ||
        sodium_base642bin(raw, sizeof(raw), b64.p, b64.len, NULL, &n, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != b64.p + b64.len || n < NONCE_LEN + TAG_LEN)
        return bol_diag_fail(diag, BOL_E_PARSE, "pii", "sealed data is not valid base64");
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &plen, NULL, raw + NONCE_LEN,
                                                   n - NONCE_LEN, ad, make_ad(ad, person, field),
                                                   raw, key) != 0)
        return bol_diag_fail(diag, BOL_E_CORRUPT, "pii",
                             "sealed data does not open: wrong key, person or field");
    r = bol_buf_add(out, plain, (size_t) plen);
    bol_wipe(plain, sizeof(plain));
    return r;
}
