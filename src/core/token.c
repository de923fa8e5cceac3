/* SPDX-License-Identifier: Apache-2.0 */
/*
 * token.c - API keys, session tokens and recovery codes
 */
#include "compat.h"

#include <sodium.h>

#include "errors.h"
#include "mem.h"
#include "token.h"

#define SECRET_BYTES 32
#define ID_AT        (sizeof(BOL_APIKEY_PREFIX) - 1)
#define SEP_AT       (ID_AT + BOL_APIKEY_ID_LEN)
#define SECRET_AT    (SEP_AT + 1)
#define CHECK_AT     (SECRET_AT + BOL_APIKEY_SECRET_LEN)

_Static_assert(CHECK_AT + BOL_APIKEY_CHECK_LEN == BOL_APIKEY_LEN, "API key layout");
_Static_assert(sodium_base64_ENCODED_LEN(SECRET_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING) ==
                   BOL_SESSION_TOKEN_LEN + 1,
               "session token length");

static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static void rand_init(void)
{
    if (sodium_init() < 0)
        BOL_BUG("libsodium failed to initialise");
}

static bool is_b32(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7');
}

static int b62_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 36;
    return -1;
}

/* The 6-bit value of a base64url character, -1 for others. */
static int b64url_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

/* n random characters of lower-case base32 (256 is a multiple of 32: no bias). */
static void random_b32(char *out, size_t n)
{
    uint8_t r[BOL_RECOVERY_CODE_CHARS];

    if (BOL_NEVER(n > sizeof(r)))
        n = sizeof(r);
    randombytes_buf(r, n);
    for (size_t i = 0; i < n; i++)
        out[i] = b32[r[i] & 31u];
    bol_wipe(r, sizeof(r));
}

/* CRC-32 (ISO-HDLC: reflected, polynomial 0xedb88320, as zlib). */
static uint32_t crc32(const char *p, size_t n)
{
    uint32_t c = 0xffffffffu;

    for (size_t i = 0; i < n; i++) {
        c ^= (unsigned char) p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

static void crc_to_b62(uint32_t v, char out[BOL_APIKEY_CHECK_LEN])
{
    for (size_t k = BOL_APIKEY_CHECK_LEN; k-- > 0;) {
        out[k] = b62[v % 62];
        v /= 62;
    }
}

/* 32 bytes as a fixed-width 43-character big-endian base62 number. */
static void secret_to_b62(const uint8_t in[SECRET_BYTES], char out[BOL_APIKEY_SECRET_LEN])
{
    uint8_t num[SECRET_BYTES];

    memcpy(num, in, sizeof(num));
    for (size_t k = BOL_APIKEY_SECRET_LEN; k-- > 0;) {
        unsigned rem = 0;

        for (size_t i = 0; i < sizeof(num); i++) {
            unsigned cur = (rem << 8) | num[i];

            num[i] = (uint8_t) (cur / 62);
            rem = cur % 62;
        }
        out[k] = b62[rem];
    }
    bol_wipe(num, sizeof(num));
}

/* The inverse; false when the number does not fit in 32 bytes. */
static bool secret_from_b62(const char in[BOL_APIKEY_SECRET_LEN], uint8_t out[SECRET_BYTES])
{
    bool ok = true;

    memset(out, 0, SECRET_BYTES);
    for (size_t k = 0; k < BOL_APIKEY_SECRET_LEN; k++) {
        unsigned carry = (unsigned) b62_value(in[k]);

        for (size_t i = SECRET_BYTES; i-- > 0;) {
            unsigned cur = out[i] * 62u + carry;

            out[i] = (uint8_t) (cur & 0xffu);
            carry = cur >> 8;
        }
        if (carry)
            ok = false;
    }
    return ok;
}

static void hash_bytes(const void *p, size_t n, uint8_t hash[BOL_TOKEN_HASH_LEN])
{
    crypto_hash_sha256(hash, p, n);
}

void bol_apikey_make(struct bol_apikey *ret)
{
    uint8_t secret[SECRET_BYTES];
    char *t = ret->text;

    rand_init();
    randombytes_buf(secret, sizeof(secret));
    memcpy(t, BOL_APIKEY_PREFIX, ID_AT);
    random_b32(t + ID_AT, BOL_APIKEY_ID_LEN);
    t[SEP_AT] = '_';
    secret_to_b62(secret, t + SECRET_AT);
    crc_to_b62(crc32(t, CHECK_AT), t + CHECK_AT);
    t[BOL_APIKEY_LEN] = '\0';
    memcpy(ret->id, t + ID_AT, BOL_APIKEY_ID_LEN);
    ret->id[BOL_APIKEY_ID_LEN] = '\0';
    hash_bytes(secret, sizeof(secret), ret->hash);
    bol_wipe(secret, sizeof(secret));
}

int bol_apikey_parse(struct bol_str key, char ret_id[BOL_APIKEY_ID_LEN + 1],
                     uint8_t ret_hash[BOL_TOKEN_HASH_LEN], struct bol_diag *diag)
{
    const char *k = key.p;
    uint8_t secret[SECRET_BYTES];
    char check[BOL_APIKEY_CHECK_LEN];
    bool in_range;

    if (!bol_str_starts_with(key, BOL_APIKEY_PREFIX))
        return bol_diag_fail(diag, BOL_E_INVAL, "api_key",
                             "API key must start with '" BOL_APIKEY_PREFIX "'");
    if (key.len != BOL_APIKEY_LEN)
        return bol_diag_fail(diag, BOL_E_INVAL, "api_key",
                             "API key must be %d characters, got %zu: truncated or mangled?",
                             BOL_APIKEY_LEN, key.len);
    for (size_t i = ID_AT; i < BOL_APIKEY_LEN; i++) {
        bool ok = i < SEP_AT ? is_b32(k[i]) : i == SEP_AT ? k[i] == '_' : b62_value(k[i]) >= 0;

        if (!ok)
            return bol_diag_fail(diag, BOL_E_INVAL, "api_key",
                                 "API key has a character not allowed at position %zu", i + 1);
    }
    crc_to_b62(crc32(k, CHECK_AT), check);
    if (memcmp(check, k + CHECK_AT, sizeof(check)) != 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "api_key",
                             "API key checksum does not match: mistyped or mangled key");
    in_range = secret_from_b62(k + SECRET_AT, secret);
    if (in_range) {
        memcpy(ret_id, k + ID_AT, BOL_APIKEY_ID_LEN);
        ret_id[BOL_APIKEY_ID_LEN] = '\0';
        hash_bytes(secret, sizeof(secret), ret_hash);
    }
    bol_wipe(secret, sizeof(secret));
    if (!in_range)
        return bol_diag_fail(diag, BOL_E_INVAL, "api_key", "API key secret is out of range");
    return 0;
}

void bol_session_token_make(char text[BOL_SESSION_TOKEN_LEN + 1], uint8_t hash[BOL_TOKEN_HASH_LEN])
{
    uint8_t raw[SECRET_BYTES];

    rand_init();
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(text, BOL_SESSION_TOKEN_LEN + 1, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    hash_bytes(raw, sizeof(raw), hash);
    bol_wipe(raw, sizeof(raw));
}

int bol_session_token_hash(struct bol_str text, uint8_t ret_hash[BOL_TOKEN_HASH_LEN],
                           struct bol_diag *diag)
{
    uint8_t raw[SECRET_BYTES];
    const char *end = NULL;
    size_t n = 0;
    bool ok;

    if (text.len != BOL_SESSION_TOKEN_LEN)
        return bol_diag_fail(diag, BOL_E_INVAL, "session_token",
                             "session token must be %d characters, got %zu", BOL_SESSION_TOKEN_LEN,
                             text.len);
    for (size_t i = 0; i < text.len; i++) {
        if (b64url_value(text.p[i]) < 0)
            return bol_diag_fail(diag, BOL_E_INVAL, "session_token",
                                 "session token has a character not allowed at position %zu",
                                 i + 1);
    }
    /* 43 characters carry 258 bits: the last one's low 2 bits must be 0. */
    if (b64url_value(text.p[text.len - 1]) & 3)
        return bol_diag_fail(diag, BOL_E_INVAL, "session_token",
                             "session token is not canonical base64url");
    if (sodium_init() < 0)
        return bol_diag_fail(diag, BOL_E_INTERNAL, "session_token",
                             "libsodium failed to initialise");
    ok = sodium_base642bin(raw, sizeof(raw), text.p, text.len, NULL, &n, &end,
                           sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
         end == text.p + text.len && n == sizeof(raw);
    if (ok)
        hash_bytes(raw, sizeof(raw), ret_hash);
    bol_wipe(raw, sizeof(raw));
    if (!ok)
        return bol_diag_fail(diag, BOL_E_INVAL, "session_token",
                             "session token is not canonical base64url");
    return 0;
}

void bol_recovery_codes_make(struct bol_recovery_code *codes, size_t n)
{
    char raw[BOL_RECOVERY_CODE_CHARS];

    rand_init();
    for (size_t i = 0; i < n; i++) {
        char *t = codes[i].text;
        bool dup;

        do {
            random_b32(raw, sizeof(raw));
            memcpy(t, raw, 5);
            t[5] = '-';
            memcpy(t + 6, raw + 5, 5);
            t[BOL_RECOVERY_CODE_TEXT_LEN] = '\0';
            dup = false;
            for (size_t j = 0; j < i; j++)
                dup |= !memcmp(codes[j].text, t, BOL_RECOVERY_CODE_TEXT_LEN);
        } while (dup);
        hash_bytes(raw, sizeof(raw), codes[i].hash);
    }
    bol_wipe(raw, sizeof(raw));
}

static int normalize(struct bol_str in, char out[BOL_RECOVERY_CODE_CHARS], struct bol_diag *diag)
{
    size_t n = 0;

    if (in.len > BOL_RECOVERY_CODE_IN_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "recovery_code", "recovery code is too long");
    for (size_t i = 0; i < in.len; i++) {
        char c = in.p[i];

        if (c == ' ' || c == '\t' || c == '-')
            continue;
        if (c >= 'A' && c <= 'Z')
            c = (char) (c - 'A' + 'a');
        if (!is_b32(c))
            return bol_diag_fail(diag, BOL_E_INVAL, "recovery_code",
                                 "recovery code may contain only letters and digits 2-7 "
                                 "(position %zu)",
                                 i + 1);
        if (n == BOL_RECOVERY_CODE_CHARS)
            return bol_diag_fail(diag, BOL_E_INVAL, "recovery_code",
                                 "recovery code must be %d letters and digits",
                                 BOL_RECOVERY_CODE_CHARS);
        out[n++] = c;
    }
    if (n != BOL_RECOVERY_CODE_CHARS)
        return bol_diag_fail(diag, BOL_E_INVAL, "recovery_code",
                             "recovery code must be %d letters and digits",
                             BOL_RECOVERY_CODE_CHARS);
    return 0;
}

int bol_recovery_code_normalize(struct bol_str in, char ret[BOL_RECOVERY_CODE_CHARS + 1],
                                struct bol_diag *diag)
{
    char code[BOL_RECOVERY_CODE_CHARS];
    int r = normalize(in, code, diag);

    if (r == 0) {
        memcpy(ret, code, sizeof(code));
        ret[BOL_RECOVERY_CODE_CHARS] = '\0';
    }
    bol_wipe(code, sizeof(code));
    return r;
}

int bol_recovery_code_hash(struct bol_str in, uint8_t ret_hash[BOL_TOKEN_HASH_LEN],
                           struct bol_diag *diag)
{
    char code[BOL_RECOVERY_CODE_CHARS];
    int r = normalize(in, code, diag);

    if (r == 0)
        hash_bytes(code, sizeof(code), ret_hash);
    bol_wipe(code, sizeof(code));
    return r;
}

bool bol_token_hash_eq(const uint8_t a[BOL_TOKEN_HASH_LEN], const uint8_t b[BOL_TOKEN_HASH_LEN])
{
    return sodium_memcmp(a, b, BOL_TOKEN_HASH_LEN) == 0;
}
