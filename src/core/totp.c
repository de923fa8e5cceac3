/* SPDX-License-Identifier: Apache-2.0 */
/*
 * totp.c - time-based one-time passwords (RFC 6238) on liboath
 */
#include "compat.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>

#include "errors.h"
#include "jsonw.h"
#include "mem.h"
#include "totp.h"

#define LABEL_MAX 128

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_init_rc = -1;

static void oath_init_once(void)
{
    oath_init_rc = oath_init();
}

void bol_totp_secret_make(uint8_t secret[BOL_TOTP_SECRET_LEN])
{
    if (sodium_init() < 0)
        BOL_BUG("libsodium failed to initialise");
    randombytes_buf(secret, BOL_TOTP_SECRET_LEN);
}

int bol_base32_encode(const uint8_t *p, size_t len, char *out, size_t out_size)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t n = 0;

    if (!out_size)
        return BOL_E_TOOBIG;
    if (len > (SIZE_MAX - 5) / 8 || out_size < BOL_BASE32_LEN(len) + 1) {
        out[0] = '\0';
        return BOL_E_TOOBIG;
    }
    for (size_t i = 0; i < len; i++) {
        acc = (acc << 8) | p[i];
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out[n++] = b32_alphabet[(acc >> bits) & 31u];
        }
        acc &= (1u << bits) - 1;
    }
    if (bits)
        out[n++] = b32_alphabet[(acc << (5 - bits)) & 31u];
    out[n] = '\0';
    return 0;
}

static int b32_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= '2' && c <= '7')
        return c - '2' + 26;
    return -1;
}

int bol_base32_decode(struct bol_str text, uint8_t *out, size_t out_size, size_t *ret_len,
                      struct bol_diag *diag)
{
    size_t len = text.len, n = 0;
    uint32_t acc = 0;
    unsigned bits = 0;

    while (len && text.p[len - 1] == '=')
        len--;
    if (text.len != len && (text.len % 8 || text.len - len > 6))
        return bol_diag_fail(diag, BOL_E_INVAL, "base32", "base32 text has misplaced padding");
    switch (len % 8) {
    case 1:
    case 3:
    case 6:
        return bol_diag_fail(diag, BOL_E_INVAL, "base32",
                             "base32 text cannot be %zu characters long", len);
    default:
        break;
    }
    if (len / 8 * 5 + (len % 8) * 5 / 8 > out_size)
        return bol_diag_fail(diag, BOL_E_TOOBIG, "base32", "base32 text decodes to over %zu bytes",
                             out_size);
    /* First pass: check everything, so out is written only on success. */
    for (size_t i = 0; i < len; i++) {
        if (b32_value(text.p[i]) < 0)
            return bol_diag_fail(diag, BOL_E_INVAL, "base32",
                                 "base32 text may contain only letters and digits 2-7 "
                                 "(position %zu)",
                                 i + 1);
    }
    if (len % 8) {
        /* 2, 4, 5 or 7 characters carry 10, 20, 25 or 35 bits for 1 to 4 bytes. */
        unsigned spare = (unsigned) ((len % 8) * 5 % 8);

        if ((unsigned) b32_value(text.p[len - 1]) & ((1u << spare) - 1))
            return bol_diag_fail(diag, BOL_E_INVAL, "base32",
                                 "base32 text does not end in a valid character");
    }
    for (size_t i = 0; i < len; i++) {
        acc = (acc << 5) | (unsigned) b32_value(text.p[i]);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (uint8_t) (acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    *ret_len = n;
    return 0;
}

static int check_secret(size_t len, struct bol_diag *diag)
{
    if (len < BOL_TOTP_SECRET_MIN || len > BOL_TOTP_SECRET_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "secret", "TOTP secret must be %d to %d bytes",
                             BOL_TOTP_SECRET_MIN, BOL_TOTP_SECRET_MAX);
    return 0;
}

static int check_label(struct bol_str s, const char *field, struct bol_diag *diag)
{
    if (!s.len || s.len > LABEL_MAX || !bol_utf8_valid(s.p, s.len))
        return bol_diag_fail(diag, BOL_E_INVAL, field, "%s must be 1 to %d bytes of UTF-8 text",
                             field, LABEL_MAX);
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char) s.p[i];

        if (c < 0x20 || c == 0x7f || c == ':')
            return bol_diag_fail(diag, BOL_E_INVAL, field,
                                 "%s must not contain ':' or control characters", field);
    }
    return 0;
}

/* Percent-encode everything but RFC 3986's unreserved characters. */
static int add_pct(struct bol_buf *out, struct bol_str s)
{
    static const char hex[] = "0123456789ABCDEF";
    int r = 0;

    for (size_t i = 0; r == 0 && i < s.len; i++) {
        unsigned char c = (unsigned char) s.p[i];

        if (bol_is_alpha(c) || bol_is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            r = bol_buf_addch(out, (char) c);
        } else {
            char e[3] = { '%', hex[c >> 4], hex[c & 15] };

            r = bol_buf_add(out, e, sizeof(e));
        }
    }
    return r;
}

int bol_totp_uri(const uint8_t *secret, size_t len, struct bol_str issuer, struct bol_str account,
                 struct bol_buf *out, struct bol_diag *diag)
{
    char b32[BOL_BASE32_LEN(BOL_TOTP_SECRET_MAX) + 1];
    size_t start = out->len;
    int r;

    if ((r = check_secret(len, diag)) < 0 || (r = check_label(issuer, "issuer", diag)) < 0 ||
        (r = check_label(account, "account", diag)) < 0)
        return r;
    if (bol_base32_encode(secret, len, b32, sizeof(b32)) != 0)
        return bol_diag_fail(diag, BOL_E_INTERNAL, "secret", "base32 buffer too small");
    r = bol_buf_adds(out, "otpauth://totp/");
    if (r == 0)
        r = add_pct(out, issuer);
    if (r == 0)
        r = bol_buf_addch(out, ':');
    if (r == 0)
        r = add_pct(out, account);
    if (r == 0)
        r = bol_buf_adds(out, "?secret=");
    if (r == 0)
        r = bol_buf_adds(out, b32);
    if (r == 0)
        r = bol_buf_adds(out, "&issuer=");
    if (r == 0)
        r = add_pct(out, issuer);
    if (r == 0)
        r = bol_buf_addf(out, "&algorithm=SHA1&digits=%d&period=%d", BOL_TOTP_DIGITS,
                         BOL_TOTP_STEP_S);
    bol_wipe(b32, sizeof(b32));
    if (r < 0) {
        bol_buf_truncate(out, start);
        return bol_diag_fail(diag, r, "uri", "TOTP URI does not fit");
    }
    return 0;
}

/* The code of one step; 0 or BOL_E_INTERNAL. */
static int step_code(const uint8_t *secret, size_t len, int64_t step, char out[BOL_TOTP_DIGITS + 1])
{
    pthread_once(&oath_once, oath_init_once);
    if (oath_init_rc != OATH_OK)
        return BOL_E_INTERNAL;
    if (oath_hotp_generate((const char *) secret, len, (uint64_t) step, BOL_TOTP_DIGITS, false,
                           OATH_HOTP_DYNAMIC_TRUNCATION, out) != OATH_OK)
        return BOL_E_INTERNAL;
    return 0;
}

static int check_time(int64_t unix_seconds, struct bol_diag *diag)
{
    if (unix_seconds < 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "time", "time must not be before 1970");
    return 0;
}

int bol_totp_code(const uint8_t *secret, size_t len, int64_t unix_seconds,
                  char out[BOL_TOTP_DIGITS + 1])
{
    char code[BOL_TOTP_DIGITS + 1];
    int r;

    if ((r = check_secret(len, NULL)) < 0 || (r = check_time(unix_seconds, NULL)) < 0)
        return r;
    r = step_code(secret, len, unix_seconds / BOL_TOTP_STEP_S, code);
    if (r == 0)
        memcpy(out, code, sizeof(code));
    bol_wipe(code, sizeof(code));
    return r;
}

int bol_totp_check(const uint8_t *secret, size_t len, struct bol_str code, int64_t unix_seconds,
                   int64_t last_step, int64_t *ret_step, struct bol_diag *diag)
{
    int64_t now, best = -1;
    bool matched = false;
    int r = 0;

    if ((r = check_secret(len, diag)) < 0 || (r = check_time(unix_seconds, diag)) < 0)
        return r;
    if (code.len != BOL_TOTP_DIGITS)
        return bol_diag_fail(diag, BOL_E_INVAL, "code", "code must be %d digits", BOL_TOTP_DIGITS);
    for (size_t i = 0; i < code.len; i++) {
        if (!bol_is_digit(code.p[i]))
            return bol_diag_fail(diag, BOL_E_INVAL, "code", "code must be %d digits",
                                 BOL_TOTP_DIGITS);
    }
    now = unix_seconds / BOL_TOTP_STEP_S;
    for (int64_t step = now - BOL_TOTP_WINDOW; step <= now + BOL_TOTP_WINDOW; step++) {
        char want[BOL_TOTP_DIGITS + 1];
        bool eq;

        if (step < 0)
            continue;
        if ((r = step_code(secret, len, step, want)) < 0)
            break;
        eq = sodium_memcmp(want, code.p, BOL_TOTP_DIGITS) == 0;
        bol_wipe(want, sizeof(want));
        matched |= eq;
        if (eq && step > last_step)
            best = step;
    }
    if (r < 0)
        return bol_diag_fail(diag, r, "totp", "TOTP computation failed");
    if (best >= 0) {
        *ret_step = best;
        return 0;
    }
    if (matched)
        return bol_diag_fail(diag, BOL_E_AUTH, "code", "code already used");
    return bol_diag_fail(diag, BOL_E_AUTH, "code", "code is wrong or has expired");
}
